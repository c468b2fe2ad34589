"""The shared CSV reader (daliz.tables) and the network's rows built on it (read_csv_file)."""

from __future__ import annotations

from pathlib import Path

from daliz.errors import Problem
from daliz.network.tables import read_csv_file
from daliz.tables import MAX_TABLE_BYTES, CsvFile, read_csv, table_files


def _read(path: Path, problems: list[Problem]) -> CsvFile:
    csv_file = read_csv(path, problems, shown="t.csv")
    assert csv_file is not None, problems
    return csv_file


def test_header_is_stripped_bom_dropped_and_records_counted_with_blank_lines(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeff id , name \nkz,Қостанай\n\n  ,  \nx,y,z\n".encode())
    problems: list[Problem] = []
    csv_file = _read(path, problems)
    assert csv_file.header == ["id", "name"]
    assert list(csv_file.records) == [
        (1, ["kz", "Қостанай"]),
        (2, []),
        (3, ["  ", "  "]),
        (4, ["x", "y", "z"]),
    ]
    assert problems == []


def test_empty_file_has_no_header(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"")
    problems: list[Problem] = []
    assert _read(path, problems).header is None
    assert problems == []


def test_not_utf8_is_a_problem_worded_by_the_caller_or_by_line(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("id,name\nkz,Костанай\n".encode("cp1251"))
    problems: list[Problem] = []
    assert read_csv(path, problems, shown="shown.csv") is None
    assert [str(p) for p in problems] == [
        "shown.csv: not UTF-8 text (bad byte at line 2); save as UTF-8"
    ]
    worded: list[Problem] = []
    result = read_csv(path, worded, shown="t.csv", not_utf8=lambda raw, exc: f"byte {exc.start}")
    assert result is None
    assert [p.message for p in worded] == ["byte 11"]


def test_too_large_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_TABLE_BYTES + 1)  # sparse: huge on paper, cheap to make
    problems: list[Problem] = []
    assert read_csv(path, problems, shown="t.csv") is None
    assert "larger than" in problems[0].message and problems[0].row is None


def test_csv_syntax_error_is_a_problem_and_ends_the_records(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id,name\na,b\nc,"' + "x" * 200_000 + '"\nd,e\n', encoding="utf-8")
    problems: list[Problem] = []
    csv_file = _read(path, problems)
    assert list(csv_file.records) == [(1, ["a", "b"])]
    assert len(problems) == 1
    assert problems[0].row == 3 and "CSV syntax error" in problems[0].message


def test_csv_syntax_error_in_the_header_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('"' + "x" * 200_000 + '"\na\n', encoding="utf-8")
    problems: list[Problem] = []
    assert read_csv(path, problems, shown="t.csv") is None
    assert "CSV syntax error" in problems[0].message
    rows_problems: list[Problem] = []
    assert read_csv_file(path, rows_problems) == ([], [])  # the network reader: no traceback
    assert "CSV syntax error" in rows_problems[0].message


def test_table_files_are_the_csv_and_the_folder_files_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "links.csv").write_text("id\n", encoding="utf-8")
    folder = tmp_path / "links"
    folder.mkdir()
    for name in ("b.csv", "a.csv", "notes.txt"):
        (folder / name).write_text("id\n", encoding="utf-8")
    (folder / "dir.csv").mkdir()  # a directory named like a table file is not one
    assert table_files(tmp_path, "links") == [
        tmp_path / "links.csv",
        folder / "a.csv",
        folder / "b.csv",
    ]
    assert table_files(tmp_path, "places") == []


def test_network_rows_skip_blank_lines_and_report_extra_cells(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,name\na,b\n\n , \nc,d,e\nf\n", encoding="utf-8")
    problems: list[Problem] = []
    header, rows = read_csv_file(path, problems)
    assert header == ["id", "name"]
    assert [(r.row, r.values) for r in rows] == [(1, {"id": "a", "name": "b"}), (5, {"id": "f"})]
    assert [(p.row, p.message) for p in problems] == [
        (4, "has 3 cells but the header has 2 columns (an unquoted comma?)")
    ]
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert read_csv_file(empty, problems) == ([], [])
    assert problems[-1].message == "file is empty (no header row)"
