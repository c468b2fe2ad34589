"""Texts of the web page in English, Kazakh, Russian and Urdu.

Each text is a gettext message (English msgid, marked with N_ for extraction into the daliz
catalogs). Until the catalogs translate a message, the seed translation below is used; the
seeds are a first draft, to be reviewed by native speakers and moved into the catalogs.
"""

from __future__ import annotations

from daliz.i18n import LANGUAGE_NAMES, LANGUAGES, N_, RTL_LANGUAGES, gettext_, use_language

# key, English msgid, Kazakh, Russian, Urdu
_TABLE: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "app.title",
        N_("Freight corridors Kazakhstan ↔ Pakistan"),
        "Қазақстан ↔ Пәкістан жүк дәліздері",
        "Грузовые коридоры Казахстан ↔ Пакистан",
        "قزاخستان ↔ پاکستان مال بردار راہداریاں",
    ),
    ("app.language", N_("Language"), "Тіл", "Язык", "زبان"),
    ("app.dataset", N_("Dataset"), "Деректер жинағы", "Набор данных", "ڈیٹا سیٹ"),
    (
        "form.heading",
        N_("Plan a shipment"),
        "Жүк тасымалын жоспарлау",
        "Спланировать перевозку",
        "کھیپ کی منصوبہ بندی",
    ),
    ("form.origin", N_("Origin"), "Жөнелту орны", "Откуда", "روانگی کا مقام"),
    ("form.destination", N_("Destination"), "Межелі орын", "Куда", "منزل"),
    (
        "form.place_hint",
        N_("Type a city, port or border post"),
        "Қаланы, портты немесе шекара бекетін теріңіз",
        "Введите город, порт или погранпереход",
        "شہر، بندرگاہ یا سرحدی چوکی لکھیں",
    ),
    (
        "form.no_place",
        N_("No place matches"),
        "Сәйкес орын табылмады",
        "Подходящих мест не найдено",
        "کوئی مقام نہیں ملا",
    ),
    ("form.commodity", N_("Commodity"), "Тауар", "Товар", "جنس"),
    ("form.quantity", N_("Quantity"), "Саны", "Количество", "مقدار"),
    ("form.unit", N_("Unit"), "Өлшем бірлігі", "Единица", "اکائی"),
    ("unit.tonne", N_("tonnes"), "тонна", "тонн", "ٹن"),
    (
        "unit.teu",
        N_("TEU (20 ft container)"),
        "TEU (20 футтық контейнер)",
        "TEU (20-футовый контейнер)",
        "TEU (20 فٹ کنٹینر)",
    ),
    (
        "unit.feu",
        N_("FEU (40 ft container)"),
        "FEU (40 футтық контейнер)",
        "FEU (40-футовый контейнер)",
        "FEU (40 فٹ کنٹینر)",
    ),
    (
        "unit.reefer-40",
        N_("Reefer, 40 ft"),
        "Рефрижератор, 40 фут",
        "Рефконтейнер, 40 фут",
        "ریفر، 40 فٹ",
    ),
    ("unit.wagon", N_("Wagons"), "Вагондар", "Вагоны", "ویگنیں"),
    ("unit.truck", N_("Trucks"), "Жүк көліктері", "Грузовики", "ٹرک"),
    ("form.date", N_("Departure date"), "Жөнелту күні", "Дата отправки", "روانگی کی تاریخ"),
    (
        "form.deadline",
        N_("Arrival deadline"),
        "Жеткізу мерзімі",
        "Срок прибытия",
        "پہنچنے کی آخری تاریخ",
    ),
    ("form.objective", N_("Objective"), "Мақсат", "Критерий", "مقصد"),
    ("objective.balanced", N_("Balanced"), "Теңгерімді", "Сбалансированный", "متوازن"),
    ("objective.cheapest", N_("Cheapest"), "Ең арзан", "Самый дешёвый", "سب سے سستا"),
    ("objective.fastest", N_("Fastest"), "Ең жылдам", "Самый быстрый", "سب سے تیز"),
    (
        "objective.greenest",
        N_("Lowest emissions"),
        "Ең аз шығарынды",
        "Наименьшие выбросы",
        "کم ترین اخراج",
    ),
    (
        "objective.reliable",
        N_("Most reliable"),
        "Ең сенімді",
        "Самый надёжный",
        "سب سے قابلِ اعتماد",
    ),
    ("form.constraints", N_("Constraints"), "Шектеулер", "Ограничения", "پابندیاں"),
    (
        "form.avoid_countries",
        N_("Avoid countries"),
        "Айналып өтетін елдер",
        "Избегать стран",
        "ان ممالک سے گریز",
    ),
    (
        "form.avoid_modes",
        N_("Avoid modes"),
        "Пайдаланбайтын көлік түрлері",
        "Избегать видов транспорта",
        "ان ذرائع سے گریز",
    ),
    ("mode.road", N_("Road"), "Автокөлік", "Автодорога", "سڑک"),
    ("mode.rail", N_("Rail"), "Темір жол", "Железная дорога", "ریل"),
    ("mode.sea", N_("Sea"), "Теңіз", "Море", "سمندر"),
    ("mode.ferry", N_("Ferry"), "Паром", "Паром", "فیری"),
    (
        "form.max_days",
        N_("Longest acceptable days"),
        "Ең ұзақ мерзім, күн",
        "Не дольше, дней",
        "زیادہ سے زیادہ دن",
    ),
    (
        "form.max_alternatives",
        N_("Most alternatives"),
        "Нұсқалар саны",
        "Вариантов не более",
        "زیادہ سے زیادہ متبادل",
    ),
    ("form.submit", N_("Plan"), "Жоспарлау", "Рассчитать", "منصوبہ بنائیں"),
    ("form.busy", N_("Planning…"), "Жоспарлануда…", "Идёт расчёт…", "منصوبہ بن رہا ہے…"),
    ("results.heading", N_("Alternatives"), "Балама нұсқалар", "Варианты", "متبادل راستے"),
    (
        "results.empty",
        N_("No alternatives yet — plan a shipment."),
        "Әзірге нұсқа жоқ — тасымалды жоспарлаңыз.",
        "Вариантов пока нет — спланируйте перевозку.",
        "ابھی کوئی متبادل نہیں — کھیپ کی منصوبہ بندی کریں۔",
    ),
    ("results.corridor", N_("Corridor"), "Дәліз", "Коридор", "راہداری"),
    ("results.days", N_("Days"), "Күн", "Дней", "دن"),
    ("results.days_p90", N_("P90 days"), "P90 күн", "Дней (P90)", "دن (P90)"),
    ("results.cost", N_("Cost, USD"), "Құны, USD", "Стоимость, USD", "لاگت، USD"),
    ("results.cost_per_tonne", N_("USD per tonne"), "USD/тонна", "USD за тонну", "USD فی ٹن"),
    ("results.co2", N_("CO2e, t"), "CO2e, т", "CO2e, т", "CO2e، ٹن"),
    ("results.borders", N_("Borders"), "Шекаралар", "Границы", "سرحدیں"),
    ("results.warnings", N_("Warnings"), "Ескертулер", "Предупреждения", "انتباہات"),
    ("results.pareto", N_("Pareto-best"), "Парето-оңтайлы", "Парето-оптимальный", "پیریٹو بہترین"),
    ("results.blocked", N_("Blocked"), "Бұғатталған", "Заблокирован", "بند"),
    (
        "results.select",
        N_("Select an alternative to see its legs and documents."),
        "Бөліктері мен құжаттарын көру үшін нұсқаны таңдаңыз.",
        "Выберите вариант, чтобы увидеть участки и документы.",
        "مراحل اور دستاویزات دیکھنے کے لیے کوئی متبادل منتخب کریں۔",
    ),
    (
        "chart.cost",
        N_("Cost, USD (typical; whisker to P90)"),
        "Құны, USD (әдеттегі; P90-ға дейін)",
        "Стоимость, USD (типичная; ус до P90)",
        "لاگت، USD (عام؛ P90 تک)",
    ),
    (
        "chart.days",
        N_("Door-to-door days (median; whisker to P90)"),
        "Есіктен есікке дейін, күн (медиана; P90-ға дейін)",
        "Дней от двери до двери (медиана; ус до P90)",
        "دروازے سے دروازے تک دن (وسطانیہ؛ P90 تک)",
    ),
    ("details.legs", N_("Legs"), "Маршрут бөліктері", "Участки", "مراحل"),
    ("details.mode", N_("Mode"), "Көлік түрі", "Вид транспорта", "ذریعہ"),
    ("details.from", N_("From"), "Қайдан", "Откуда", "سے"),
    ("details.to", N_("To"), "Қайда", "Куда", "تک"),
    ("details.km", N_("km"), "км", "км", "کلومیٹر"),
    ("details.hours", N_("Hours"), "Сағат", "Часов", "گھنٹے"),
    ("details.usd", N_("USD"), "USD", "USD", "USD"),
    ("details.co2", N_("kg CO2e"), "кг CO2e", "кг CO2e", "کلوگرام CO2e"),
    (
        "details.events",
        N_("At borders and transfers"),
        "Шекаралар мен ауыстырып тиеуде",
        "На границах и перевалках",
        "سرحدوں اور منتقلی کے مقامات پر",
    ),
    (
        "details.documents",
        N_("Documents checklist"),
        "Құжаттар тізімі",
        "Перечень документов",
        "دستاویزات کی فہرست",
    ),
    (
        "details.no_documents",
        N_("The dataset has no document rules for this route yet."),
        "Деректер жинағында бұл бағытқа құжат ережелері әлі жоқ.",
        "В наборе данных пока нет правил о документах для этого маршрута.",
        "ڈیٹا سیٹ میں ابھی اس راستے کے لیے دستاویزات کے قواعد نہیں ہیں۔",
    ),
    ("details.blockers", N_("Blockers"), "Кедергілер", "Препятствия", "رکاوٹیں"),
    (
        "event.border_crossing",
        N_("Border crossing"),
        "Шекарадан өту",
        "Пересечение границы",
        "سرحدی گزرگاہ",
    ),
    ("event.transshipment", N_("Transshipment"), "Қайта тиеу", "Перевалка", "سامان کی منتقلی"),
    ("event.gauge_change", N_("Gauge change"), "Жол енін ауыстыру", "Смена колеи", "گیج کی تبدیلی"),
    (
        "event.bogie_exchange",
        N_("Bogie exchange"),
        "Арбаларды ауыстыру",
        "Смена тележек",
        "بوگی کی تبدیلی",
    ),
    (
        "event.port_handling",
        N_("Port handling"),
        "Порттағы өңдеу",
        "Портовая обработка",
        "بندرگاہ پر ہینڈلنگ",
    ),
    (
        "event.ferry_loading",
        N_("Ferry loading"),
        "Паромға тиеу",
        "Погрузка на паром",
        "فیری پر لدائی",
    ),
    (
        "event.service_wait",
        N_("Waiting for the service"),
        "Рейсті күту",
        "Ожидание рейса",
        "سروس کا انتظار",
    ),
    (
        "event.border_wait",
        N_("Waiting at the border"),
        "Шекарада күту",
        "Ожидание на границе",
        "سرحد پر انتظار",
    ),
    ("map.legend", N_("Legend"), "Шартты белгілер", "Условные обозначения", "علامات"),
    ("map.border", N_("Border post"), "Шекара бекеті", "Погранпереход", "سرحدی چوکی"),
    (
        "map.transfer",
        N_("Transfer point"),
        "Ауыстырып тиеу орны",
        "Пункт перевалки",
        "منتقلی کا مقام",
    ),
    (
        "map.attribution",
        N_("Map: Natural Earth (public domain) via world-atlas."),
        "Карта: Natural Earth (қоғамдық игілік), world-atlas арқылы.",
        "Карта: Natural Earth (общественное достояние) через world-atlas.",
        "نقشہ: Natural Earth (عوامی ملکیت)، world-atlas کے ذریعے۔",
    ),
    (
        "map.attribution_osm",
        N_("Road and rail geometry: © OpenStreetMap contributors (ODbL)."),
        "Жол геометриясы: © OpenStreetMap қатысушылары (ODbL).",
        "Геометрия дорог: © участники OpenStreetMap (ODbL).",
        "سڑک اور ریل کی جیومیٹری: © OpenStreetMap کے معاونین (ODbL)۔",
    ),
    ("account.key", N_("API key"), "API кілті", "API-ключ", "API کلید"),
    (
        "account.key_hint",
        N_("Kept in this browser only; needed to save plans."),
        "Тек осы браузерде сақталады; жоспарларды сақтау үшін қажет.",
        "Хранится только в этом браузере; нужен, чтобы сохранять планы.",
        "صرف اسی براؤزر میں محفوظ؛ منصوبے محفوظ کرنے کے لیے ضروری۔",
    ),
    ("account.use", N_("Use key"), "Кілтті қолдану", "Применить ключ", "کلید استعمال کریں"),
    ("account.forget", N_("Forget key"), "Кілтті ұмыту", "Забыть ключ", "کلید بھول جائیں"),
    ("account.anonymous", N_("anonymous"), "анонимді", "аноним", "گمنام"),
    ("saved.save", N_("Save plan"), "Жоспарды сақтау", "Сохранить план", "منصوبہ محفوظ کریں"),
    ("saved.saved", N_("Saved"), "Сақталды", "Сохранено", "محفوظ ہو گیا"),
    (
        "saved.heading",
        N_("Saved plans"),
        "Сақталған жоспарлар",
        "Сохранённые планы",
        "محفوظ منصوبے",
    ),
    ("saved.open", N_("Open"), "Ашу", "Открыть", "کھولیں"),
    (
        "error.heading",
        N_("Something went wrong"),
        "Қате орын алды",
        "Что-то пошло не так",
        "کچھ غلط ہو گیا",
    ),
    (
        "error.did_you_mean",
        N_("Did you mean"),
        "Мүмкін, сіз мұны іздедіңіз",
        "Возможно, вы имели в виду",
        "کیا آپ کا مطلب تھا",
    ),
    (
        "trade.heading",
        N_("Kazakhstan–Pakistan trade, as published"),
        "Қазақстан–Пәкістан саудасы, жарияланған деректер",
        "Торговля Казахстан–Пакистан, опубликованные данные",
        "قزاخستان–پاکستان تجارت، شائع شدہ اعداد",
    ),
    (
        "trade.note",
        N_("Each side counts differently (customs vs payments); the figures are not merged."),
        "Екі тарап әртүрлі есептейді (кеден және төлемдер); сандар біріктірілмейді.",
        "Стороны считают по-разному (таможня и платежи); цифры не сводятся.",
        "دونوں فریق مختلف طریقے سے شمار کرتے ہیں (کسٹمز اور ادائیگیاں)؛ اعداد ملائے نہیں جاتے۔",
    ),
    (
        "trade.side_KZ",
        N_("Kazakhstan's figures"),
        "Қазақстан деректері",
        "Данные Казахстана",
        "قزاخستان کے اعداد",
    ),
    (
        "trade.side_PK",
        N_("Pakistan's figures"),
        "Пәкістан деректері",
        "Данные Пакистана",
        "پاکستان کے اعداد",
    ),
    ("trade.million", N_("million"), "млн", "млн", "ملین"),
    ("word.days", N_("days"), "күн", "дн.", "دن"),
    ("word.estimate", N_("estimate"), "бағалау", "оценка", "تخمینہ"),
)

STRINGS: dict[str, str] = {row[0]: row[1] for row in _TABLE}
# msgid -> {lang: seed}: for the catalogs (scripts may merge these into the .po files).
SEED_TRANSLATIONS: dict[str, dict[str, str]] = {
    row[1]: {"kk": row[2], "ru": row[3], "ur": row[4]} for row in _TABLE
}


def page_strings(lang: str) -> dict[str, str]:
    """Every page text in `lang`: the catalog's translation, else the seed, else English."""
    out: dict[str, str] = {}
    with use_language(lang):
        for key, msgid in STRINGS.items():
            translated = gettext_(msgid)
            if translated == msgid and lang != "en":
                translated = SEED_TRANSLATIONS.get(msgid, {}).get(lang, msgid)
            out[key] = translated
    return out


def language_menu() -> list[dict[str, str]]:
    """The language switch: code, own name and writing direction of each language."""
    return [
        {
            "code": code,
            "name": LANGUAGE_NAMES[code],
            "dir": "rtl" if code in RTL_LANGUAGES else "ltr",
        }
        for code in LANGUAGES
    ]
