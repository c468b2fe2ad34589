"""Loading and validation of the rules files: the bundled data, overlays, and broken files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rules_testdata import DEFAULT, SOURCE_ROW, SOURCES_HEADER, write

from daliz.errors import DatasetError
from daliz.rules import RuleBook, load_rules
from daliz.rules.load import COMMODITY_COLUMNS


def test_bundled_rules_load_and_cover_the_seed(book: RuleBook) -> None:
    for aid in ("tir-convention", "qtta", "aptta", "uz-pk-tta", "kz-pk-tta", "kz-pk-rail-mou",
                "kz-pk-sea-mou", "kz-pk-phyto", "kz-pk-vet", "kz-pk-fauji-platform",
                "kz-pk-culture-plan-2026-2027", "smgs", "cmr-convention", "eco-ttfa",
                "uap-railway-framework"):  # fmt: skip
        assert aid in book.agreements, aid
    tir = book.agreements["tir-convention"]
    assert {"KZ", "UZ", "TM", "KG", "AF", "IR", "PK", "CN"} <= set(tir.parties)
    pk = next(p for p in tir.party_status if p.country == "PK")
    assert pk.since is not None and pk.since.isoformat() == "2016-01-21"
    assert pk.operational is not None and pk.operational.year == 2018
    seed_goods = "wheat oats buckwheat millet pulses onion garlic citrus-kinnow potatoes medicines"
    for cid in (*seed_goods.split(), "clothing", "textiles", "foodstuffs"):
        assert cid in book.commodities, cid
    # every commodity row cites a source or gives an estimate reason with a range
    for c in book.commodities.values():
        assert c.sources or c.estimate
        assert c.names.kk and c.names.ru and c.names.ur


def test_register_only_entries_do_not_affect_routing(book: RuleBook) -> None:
    assert not book.agreements["kz-pk-fauji-platform"].affects_routing
    assert not book.agreements["kz-pk-culture-plan-2026-2027"].affects_routing


def _copy_default(tmp: Path) -> Path:
    target = tmp / "ds"
    target.mkdir()
    for name in ("agreements.yaml", "commodities.csv", "requirements.csv"):
        shutil.copy(DEFAULT / name, target / name)
    (target / "sources").mkdir()
    shutil.copy(DEFAULT / "sources" / "rules.csv", target / "sources" / "rules.csv")
    return target


def _problems(dirs: list[Path]) -> list[str]:
    with pytest.raises(DatasetError) as info:
        load_rules(dirs)
    return [str(p) for p in info.value.problems]


def _minimal(
    tmp: Path, agreements: str = "", commodity_row: str = "", requirement: str = ""
) -> Path:
    d = tmp / "min"
    write(d, "sources.csv", SOURCES_HEADER + SOURCE_ROW)
    header = ",".join(COMMODITY_COLUMNS) + "\n"
    row = commodity_row or (
        "wheat,1001,Wheat,Бидай,Пшеница,گندم,,kz_to_pk,bulk,,,,230,188,266,21,,test-src,,\n"
    )
    write(d, "commodities.csv", header + row)
    write(d, "agreements.yaml", agreements or "agreements: []\n")
    if requirement:
        write(d, "requirements.csv", requirement)
    return d


AGREEMENT = """agreements:
  - id: demo
    short: DEMO
    kind: transit_trade_agreement
    names: {en: Demo, kk: Демо, ru: Демо, ur: ڈیمو}
    parties: [KZ, PK]
    history:
      - {status: signed, date: 2020-01-01, source: test-src}
    sources: [test-src]
"""


def test_minimal_dataset_loads(tmp_path: Path) -> None:
    book = load_rules([_minimal(tmp_path, AGREEMENT)])
    assert book.agreements["demo"].status_on(__import__("datetime").date(2021, 1, 1)) is not None


def test_unknown_party_is_reported(tmp_path: Path) -> None:
    probs = _problems([_minimal(tmp_path, AGREEMENT.replace("[KZ, PK]", "[KZ, XX]"))])
    assert any("field 'parties'" in p and "'XX' is not a known ISO" in p for p in probs)


def test_bad_date_is_reported(tmp_path: Path) -> None:
    probs = _problems([_minimal(tmp_path, AGREEMENT.replace("2020-01-01", "2020-13-01"))])
    assert any("history[1].date" in p and "'2020-13-01' is not a date" in p for p in probs)


def test_bad_status_is_reported(tmp_path: Path) -> None:
    probs = _problems([_minimal(tmp_path, AGREEMENT.replace("status: signed", "status: agreed"))])
    assert any("history[1].status" in p and "'agreed' is not one of" in p for p in probs)


def test_unknown_source_id_is_reported(tmp_path: Path) -> None:
    probs = _problems([_minimal(tmp_path, AGREEMENT.replace("[test-src]", "[nowhere-2026]"))])
    assert any("unknown source id 'nowhere-2026'" in p and "row 1" in p for p in probs)


def test_missing_name_is_reported(tmp_path: Path) -> None:
    probs = _problems([_minimal(tmp_path, AGREEMENT.replace(", ur: ڈیمو", ""))])
    assert any("names.ur" in p and "missing" in p for p in probs)


def test_bad_commodity_rows_are_reported_with_row_and_field(tmp_path: Path) -> None:
    bad = "citrus,08x5,Citrus,Цитрус,Цитрусовые,,,pk_to_kz,reefer,9,4,,380,,,13,,,,\n"
    probs = _problems([_minimal(tmp_path, commodity_row=bad)])
    text = "\n".join(probs)
    assert "row 1, field 'hs_codes': '08x5' is not an HS code" in text
    assert "row 1, field 'name_ur': the name in this language is missing" in text
    assert "row 1, field 'temp_c_min': temp_c_min 9.0 is above temp_c_max 4.0" in text
    assert "row 1, field 'source': every row needs a source id or an estimate reason" in text


def test_commodity_columns_must_match_exactly(tmp_path: Path) -> None:
    d = _minimal(tmp_path)
    write(d, "commodities.csv", "id,hs_codes,name_en\nwheat,1001,Wheat\n")
    probs = _problems([d])
    assert any("row 0" in p and "missing column(s)" in p for p in probs)


def test_bad_requirement_is_reported(tmp_path: Path) -> None:
    from daliz.rules.load import REQUIREMENT_COLUMNS

    req = (
        ",".join(REQUIREMENT_COLUMNS)
        + "\n"
        + ("r1,Permit,document,import,QQ,,plane,10,,Someone,somewhere,why,,,test-src,,\n")
    )
    probs = _problems([_minimal(tmp_path, requirement=req)])
    text = "\n".join(probs)
    assert "field 'country': 'QQ' is not a known ISO" in text
    assert "field 'modes': 'plane' is not one of" in text
    assert "field 'checked_at': 'somewhere' is not one of" in text


def test_every_problem_is_listed_and_nothing_loads(tmp_path: Path) -> None:
    broken = AGREEMENT.replace("[KZ, PK]", "[KZ, XX]").replace("2020-01-01", "yesterday")
    probs = _problems([_minimal(tmp_path, broken)])
    assert len(probs) >= 2


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    probs = _problems([_minimal(tmp_path, "agreements:\n  - id: [unclosed\n")])
    assert any("not valid YAML at line" in p for p in probs)


def test_overlay_replaces_by_id_and_may_hold_only_some_files(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay"
    write(overlay, "sources.csv", SOURCES_HEADER + SOURCE_ROW)
    write(
        overlay,
        "agreements.yaml",
        """agreements:
  - id: kz-pk-tta
    patch: true
    history:
      - {status: in_force, date: 2026-06-01, source: test-src}
""",
    )
    book = load_rules([DEFAULT, overlay])
    tta = book.agreements["kz-pk-tta"]
    assert tta.history[-1].status == "in_force"
    assert tta.history[0].status == "negotiated"  # the base history is kept by a patch
    assert "wheat" in book.commodities  # files absent from the overlay come from the base


def test_patch_without_base_is_reported(tmp_path: Path) -> None:
    d = _minimal(tmp_path, "agreements:\n  - id: ghost\n    patch: true\n")
    probs = _problems([d])
    assert any("nothing to patch" in p for p in probs)


def test_copy_of_default_loads(tmp_path: Path) -> None:
    book = load_rules([_copy_default(tmp_path)])
    assert "qtta" in book.agreements


# --------------------------------------------------------------------------- the CSV files
def _commodities(tmp: Path, text: str | bytes) -> Path:
    d = _minimal(tmp)
    data = text.encode("utf-8") if isinstance(text, str) else text
    (d / "commodities.csv").write_bytes(data)
    return d


WHEAT = "wheat,1001,Wheat,Бидай,Пшеница,گندم,,kz_to_pk,bulk,,,,230,188,266,21,,test-src,,\n"


def test_a_table_in_another_encoding_names_file_and_byte(tmp_path: Path) -> None:
    header = ",".join(COMMODITY_COLUMNS) + "\n"
    d = _commodities(tmp_path, (header + "Бидай").encode("cp1251"))
    file = d / "commodities.csv"
    start = len(header)  # the first Cyrillic letter
    assert _problems([d]) == [f"{file}: not UTF-8 text (invalid start byte at byte {start})"]
    _commodities(tmp_path, (header + WHEAT).encode("utf-16"))  # starts with its BOM
    assert _problems([d]) == [f"{file}: not UTF-8 text (invalid start byte at byte 0)"]


def test_header_problems_are_row_0(tmp_path: Path) -> None:
    header = ",".join(COMMODITY_COLUMNS)
    file = tmp_path / "min" / "commodities.csv"
    d = _commodities(tmp_path, "")
    assert _problems([d]) == [f"{file}, row 0: missing column(s): " + ", ".join(COMMODITY_COLUMNS)]
    _commodities(tmp_path, header + ",extra\n" + WHEAT)
    assert _problems([d]) == [f"{file}, row 0: unexpected column(s): extra"]
    _commodities(tmp_path, ",".join(reversed(COMMODITY_COLUMNS)) + "\n")
    assert _problems([d]) == [f"{file}, row 0: columns must be in this order: {header}"]


def test_rows_are_counted_without_blank_lines(tmp_path: Path) -> None:
    header = ",".join(COMMODITY_COLUMNS) + "\n"
    d = _commodities(tmp_path, header + "\n" + WHEAT + "\n" + WHEAT.rstrip() + ",x\n")
    file = d / "commodities.csv"
    assert _problems([d]) == [f"{file}, row 2: more cells than columns"]
    short = "oats,1004,Oats,Сұлы,Овёс,جئی,,kz_to_pk,bulk,,,,,,,,,test-src\n"  # no last 2 cells
    book = load_rules([_commodities(tmp_path, header + WHEAT + "\n" + short)])
    assert sorted(book.commodities) == ["oats", "wheat"]
    assert book.commodities["oats"].note == ""


def test_unreadable_csv_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    header = ",".join(COMMODITY_COLUMNS) + "\n"
    d = _commodities(tmp_path, header + WHEAT + '"' + "x" * 200_000 + '"\n')
    (problem,) = _problems([d])
    assert problem.startswith(f"{d / 'commodities.csv'}, row ")
    assert problem.endswith(": CSV syntax error: field larger than field limit (131072)")


def test_a_folder_named_like_a_table_file_is_not_read(tmp_path: Path) -> None:
    d = _minimal(tmp_path)
    (d / "sources" / "more.csv").mkdir(parents=True)
    assert "wheat" in load_rules([d]).commodities


def test_a_huge_table_is_refused_before_reading(tmp_path: Path) -> None:
    from daliz.tables import MAX_TABLE_BYTES

    d = _minimal(tmp_path)
    with (d / "sources.csv").open("r+b") as handle:
        handle.truncate(MAX_TABLE_BYTES + 1)  # sparse: huge on paper, cheap to make
    problems = _problems([d])
    assert problems[0] == f"{d / 'sources.csv'}: file is larger than {MAX_TABLE_BYTES} bytes"
