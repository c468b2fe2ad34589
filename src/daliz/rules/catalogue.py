"""Find a commodity by id, name, alias (English, Kazakh, Russian, Urdu) or HS code.

Names are compared case-, diacritic- and spelling-variant-insensitively (``_fold``). An HS code
matches the catalogue entry with the longest HS prefix of the query; an HS code the catalogue does
not hold still gives a generic commodity built from its HS chapter (cargo type from ``_CHAPTERS``).
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from daliz.errors import RequestError
from daliz.i18n import _
from daliz.rules.model import Commodity, Names, RuleBook

# Arabic-script letters that Urdu writes differently (Arabic yeh/kaf/heh → Urdu forms), and
# Kazakh letters folded to their nearest Russian letter (as the place search does), so
# "Қарақұмық", "каракумык" and "Каракұмық" all match.
_FOLD = str.maketrans(
    {
        **{"ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ", "ۀ": "ہ", "ة": "ہ"},
        **{"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х"},
        **{"і": "и", "ё": "е", "й": "и", "ъ": "", "ь": ""},
    }
)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200c\u200d\u200e\u200f\u061c\ufeff"))
_SPACE = re.compile(r"[\s\-_/,.()'’\"]+")


def _fold(text: str) -> str:
    """Case-fold, strip diacritics and zero-width marks, unify spacing and Urdu letter forms."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_ZERO_WIDTH))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text).translate(_FOLD)
    return _SPACE.sub(" ", text).strip()


_HS_QUERY = re.compile(r"^(?:hs\s*)?([0-9][0-9.\s]{1,12})$", re.IGNORECASE)

# HS sections: (first chapter, last chapter, en, kk, ru, ur). Titles shortened from the HS 2022
# section titles (World Customs Organization nomenclature).
_SECTIONS: tuple[tuple[int, int, str, str, str, str], ...] = (
    (1, 5, "live animals; animal products", "тірі жануарлар; жануар өнімдері",
     "живые животные; продукты животного происхождения", "زندہ جانور؛ حیوانی مصنوعات"),
    (6, 14, "vegetable products", "өсімдік өнімдері", "продукты растительного происхождения",
     "نباتاتی مصنوعات"),
    (15, 15, "animal or vegetable fats and oils", "жануар және өсімдік майлары",
     "жиры и масла животного или растительного происхождения", "حیوانی یا نباتاتی چکنائی اور تیل"),
    (16, 24, "prepared foodstuffs, beverages, tobacco", "дайын азық-түлік, сусындар, темекі",
     "готовые пищевые продукты, напитки, табак", "تیار شدہ غذائی اشیاء، مشروبات، تمباکو"),
    (25, 27, "mineral products", "минералдық өнімдер", "минеральные продукты", "معدنی مصنوعات"),
    (28, 38, "chemical products", "химия өнеркәсібінің өнімдері",
     "продукция химической промышленности", "کیمیائی مصنوعات"),
    (39, 40, "plastics and rubber", "пластмассалар және резеңке", "пластмассы и каучук",
     "پلاسٹک اور ربڑ"),
    (41, 43, "hides, skins, leather", "тері және былғары", "кожевенное сырьё и кожа",
     "کھالیں اور چمڑا"),
    (44, 46, "wood and articles of wood", "ағаш және ағаш бұйымдары", "древесина и изделия из неё",
     "لکڑی اور لکڑی کی اشیاء"),
    (47, 49, "pulp, paper and paperboard", "целлюлоза, қағаз, картон", "целлюлоза, бумага, картон",
     "گودا، کاغذ اور گتہ"),
    (50, 63, "textiles and textile articles", "тоқыма материалдары мен бұйымдары",
     "текстильные материалы и изделия", "ٹیکسٹائل اور ٹیکسٹائل مصنوعات"),
    (64, 67, "footwear, headgear", "аяқ киім, бас киім", "обувь, головные уборы",
     "جوتے اور ٹوپیاں"),
    (68, 70, "stone, ceramic and glass articles", "тас, керамика және шыны бұйымдары",
     "изделия из камня, керамики и стекла", "پتھر، سیرامک اور شیشے کی اشیاء"),
    (71, 71, "pearls, precious stones and metals", "інжу, асыл тастар мен металдар",
     "жемчуг, драгоценные камни и металлы", "موتی، قیمتی پتھر اور دھاتیں"),
    (72, 83, "base metals and articles of base metal", "қара және түсті металдар, олардан бұйымдар",
     "недрагоценные металлы и изделия из них", "بنیادی دھاتیں اور ان کی اشیاء"),
    (84, 85, "machinery and electrical equipment", "машиналар және электр жабдықтары",
     "машины и электрооборудование", "مشینری اور برقی آلات"),
    (86, 89, "vehicles, aircraft, vessels", "көлік құралдары", "транспортные средства",
     "گاڑیاں، ہوائی جہاز، بحری جہاز"),
    (90, 92, "optical, medical and precision instruments", "оптикалық және медициналық аспаптар",
     "оптические и медицинские инструменты", "بصری اور طبی آلات"),
    (93, 93, "arms and ammunition", "қару және оқ-дәрі", "оружие и боеприпасы",
     "اسلحہ اور گولہ بارود"),
    (94, 96, "miscellaneous manufactured articles", "әртүрлі өнеркәсіп тауарлары",
     "разные промышленные товары", "متفرق تیار شدہ اشیاء"),
    (97, 99, "works of art, antiques; special", "өнер туындылары, антиквариат",
     "произведения искусства, антиквариат", "فن پارے اور نوادرات"),
)  # fmt: skip

# Default cargo type by HS chapter where it differs from "container" (an assumption of the
# engine, stated in docs/rules.md): fresh/chilled food travels reefer, grains and ores in bulk,
# flour and sugar bagged, fuels/explosives/arms as dangerous goods.
_CHAPTER_CARGO: dict[int, str] = {
    **dict.fromkeys((2, 3, 4, 7, 8), "reefer"),
    **dict.fromkeys((10, 12, 25, 26, 31, 72), "bulk"),
    **dict.fromkeys((11, 17, 23), "bagged"),
    **dict.fromkeys((27, 36, 93), "dangerous"),
}
_CHAPTER_DG: dict[int, str] = {27: "3", 36: "1", 93: "1"}


def _section(chapter: int) -> tuple[str, str, str, str]:
    for first, last, en, kk, ru, ur in _SECTIONS:
        if first <= chapter <= last:
            return en, kk, ru, ur
    raise RequestError(
        _("HS chapter {chapter} does not exist (chapters run 01-97).").format(
            chapter=f"{chapter:02d}"
        )
    )


def generic_commodity(hs_code: str) -> Commodity:
    """A commodity for an HS code outside the catalogue, from its chapter's defaults."""
    chapter = int(hs_code[:2])
    if chapter == 0 or chapter in (77,) or chapter > 97:
        raise RequestError(
            _("'{code}' is not in a valid HS chapter (01-97, 77 is reserved).").format(code=hs_code)
        )
    en, kk, ru, ur = _section(chapter)
    cargo = _CHAPTER_CARGO.get(chapter, "container")
    return Commodity(
        id=f"hs-{hs_code}",
        hs_codes=(hs_code,),
        names=Names(f"HS {hs_code} ({en})", f"ТН {hs_code} ({kk})", f"ТН ВЭД {hs_code} ({ru})",
                    f"ایچ ایس {hs_code} ({ur})"),
        aliases=(),
        direction="both",
        cargo_type=cargo,
        temp_c_min=None,
        temp_c_max=None,
        max_transit_days=None,
        value_usd_per_tonne=None,
        value_usd_per_tonne_min=None,
        value_usd_per_tonne_max=None,
        stowage_t_per_teu=None,
        dg_class=_CHAPTER_DG.get(chapter),
        sources=(),
        estimate="generic commodity from its HS chapter; cargo type is the chapter default",
        note="not in the catalogue: no temperature, shelf-life or value data",
        generic=True,
    )  # fmt: skip


def _by_hs(book: RuleBook, digits: str) -> Commodity:
    best: Commodity | None = None
    best_len = 0
    for commodity in book.commodities.values():
        for code in commodity.hs_codes:
            if digits.startswith(code) and len(code) > best_len:
                best, best_len = commodity, len(code)
    if best is not None:
        return best
    return generic_commodity(digits[:6])


_INDEXES: dict[int, tuple[RuleBook, dict[str, Commodity]]] = {}


def _name_index(book: RuleBook) -> dict[str, Commodity]:
    """Folded id, names and aliases → commodity, built once per rule book."""
    held = _INDEXES.get(id(book))
    if held is not None and held[0] is book:
        return held[1]
    index: dict[str, Commodity] = {}
    for commodity in book.commodities.values():
        for label in (commodity.id, *commodity.names.all(), *commodity.aliases):
            index.setdefault(_fold(label), commodity)
    if len(_INDEXES) > 16:
        _INDEXES.clear()
    _INDEXES[id(book)] = (book, index)  # the book is kept, so its id cannot be reused
    return index


def find_commodity(book: RuleBook, query: str) -> Commodity:
    """The commodity that ``query`` names: id, name or alias in any language, or an HS code.

    Raises ``RequestError`` with close matches when nothing matches.
    """
    text = query.strip()
    hs = _HS_QUERY.match(text)
    if hs:
        digits = re.sub(r"[.\s]", "", hs.group(1))
        if not 2 <= len(digits) <= 10:
            raise RequestError(
                _("'{query}' is not an HS code (2-6 digits, e.g. 1001 or 0805.21).").format(
                    query=query
                )
            )
        return _by_hs(book, digits)
    key = _fold(text)
    index = _name_index(book)
    if key in index:
        return index[key]
    close = difflib.get_close_matches(key, list(index), n=5, cutoff=0.6)
    suggestions: list[str] = []
    for label in close:
        cid = index[label].id
        if cid not in suggestions:
            suggestions.append(cid)
    raise RequestError(
        _("Unknown commodity '{query}'.").format(query=query),
        hint=_(
            "Use a catalogue id, a name in English, Kazakh, Russian or Urdu, or an HS code "
            "(`daliz rules commodities` lists them)."
        ),
        suggestions=suggestions,
    )
