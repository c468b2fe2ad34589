"""A plan made in a language names places, corridors, commodities and countries in it, and
its messages, warnings and documents checklist are in it too."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from daliz.errors import NoRouteError, RequestError
from daliz.i18n import use_language
from daliz.planning import PlanResult, plan

MINI = "tests/fixtures/mini"


def wheat(dataset: str = MINI, **extra: object) -> PlanResult:
    fields: dict[str, object] = {
        "origin": "Shymkent",
        "destination": "Karachi",
        "commodity": "wheat",
        "tonnes": 500,
        "date": "2027-03-01",
        "draws": 0,
        **extra,
    }
    return plan(dataset=dataset, **fields)


def test_names_and_messages_in_kazakh() -> None:
    with use_language("kk"):
        result = wheat()
    resolved = result.request["resolved"]
    assert resolved["commodity_name"] == "Бидай"
    assert resolved["origin_name"] == "Шымкент"
    first = result.alternatives[0]
    assert first.legs[0].from_name == "Шымкент"
    names = result.place_names()
    assert names["kz-shymkent"] == "Шымкент"
    documents = [d["document"] for docs in first.rules["documents"].values() for d in docs]
    assert "Шығу тегі туралы сертификат" in documents
    assert any("Бидай" in w for w in first.warnings)  # the SPS warning names the commodity
    assert any("тонна" in note or " т " in note for note in result.notes)
    # ids and codes do not change with the language
    assert first.legs[0].from_ == "kz-shymkent" and first.legs[0].mode in ("rail", "road")


def test_english_is_unchanged_outside_a_language() -> None:
    result = wheat()
    assert result.request["resolved"]["commodity_name"] == "Wheat"
    assert result.alternatives[0].legs[0].from_name == "Shymkent"


def test_corridor_names_come_from_the_dataset(mini_copy: Path) -> None:
    path = mini_copy / "corridors.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["name_kk"] = "ҚК " + row["name_en"]
        row["name_ur"] = "اردو " + row["name_en"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    english = {a.corridor_id: a.corridor for a in wheat(str(mini_copy)).alternatives}
    with use_language("ur"):
        urdu = wheat(str(mini_copy))
    for alt in urdu.alternatives:
        assert alt.corridor == "اردو " + english[alt.corridor_id]
    with use_language("ru"):  # no Russian names in this copy: English is the fallback
        russian = wheat(str(mini_copy))
    assert {a.corridor for a in russian.alternatives} == set(english.values())


def test_request_errors_in_the_language_of_the_request() -> None:
    with use_language("ru"), pytest.raises(RequestError) as info:
        wheat(destination="Karachx")
    assert info.value.message == "Неизвестное место: 'Karachx'."
    assert "Возможно, вы имели в виду" in str(info.value.hint)
    with use_language("kk"), pytest.raises(RequestError) as invalid:
        wheat(tonnes=-5)
    assert invalid.value.message.startswith("Жарамсыз сұрау: ")
    assert "тонна саны оң болуы керек" in invalid.value.message


def test_no_route_explained_in_urdu() -> None:
    with use_language("ur"), pytest.raises(NoRouteError) as info:
        wheat(avoid_countries=["AF", "IR"])
    assert "کوئی راستہ نہیں" in info.value.message
    assert "شیمکنت" in info.value.message  # the origin's Urdu name from the dataset
