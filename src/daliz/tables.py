"""Reading the CSV files of a dataset: which files make up a table, and their records.

Shared by the network tables (`daliz.network.tables`) and the rules files (`daliz.rules.load`).
This module reads text safely (size limit, UTF-8 with or without BOM, CSV syntax errors as
problems, never a traceback); each loader then checks columns and cells its own way.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from daliz.errors import Problem
from daliz.i18n import _

MAX_TABLE_BYTES = 64 * 1024 * 1024  # a corridor table is kilobytes; refuse absurd files early


def table_files(directory: Path, name: str) -> list[Path]:
    """The CSV files that make up table `name` in `directory` (possibly none).

    A table is `NAME.csv`, the `*.csv` files of a directory `NAME/` (in name order), or both.
    """
    single = directory / f"{name}.csv"
    folder = directory / name
    files: list[Path] = []
    if single.is_file():
        files.append(single)
    if folder.is_dir():
        files.extend(sorted(p for p in folder.glob("*.csv") if p.is_file()))
    return files


def _not_utf8_at_line(raw: bytes, error: UnicodeDecodeError) -> str:
    """The problem text for a file that is not UTF-8: the line of the first bad byte."""
    line = raw[: error.start].count(b"\n") + 1
    return _("not UTF-8 text (bad byte at line {line}); save as UTF-8").format(line=line)


@dataclass
class CsvFile:
    """One CSV file whose text was read: its header and its data records.

    `header` holds the stripped cells of the first record (None when the file has no record at
    all). `records` yields `(number, cells)` once for each record after it, numbered from 1 (the
    header is row 0) and counting blank lines, which come as `[]`; cells are as written. A CSV
    syntax error on the way is recorded as a problem and ends the records.
    """

    shown: str
    header: list[str] | None
    records: Iterator[tuple[int, list[str]]]


def _syntax_problem(shown: str, line: int, error: csv.Error) -> Problem:
    return Problem(shown, line, None, _("CSV syntax error: {error}").format(error=error))


def read_csv(
    path: Path,
    problems: list[Problem],
    *,
    shown: str,
    not_utf8: Callable[[bytes, UnicodeDecodeError], str] = _not_utf8_at_line,
) -> CsvFile | None:
    """Read the text of one CSV file and its header row.

    Parameters
    ----------
    path : the file
    problems : list that collects the problems found (each naming the file as `shown`)
    shown : the file name to give in problems
    not_utf8 : words the problem for a file that is not UTF-8, from its bytes and the error

    Returns None, with the problem recorded, when the file is larger than `MAX_TABLE_BYTES`,
    is not UTF-8 text (a UTF-8 BOM is accepted) or its header row is not valid CSV.
    """
    if path.stat().st_size > MAX_TABLE_BYTES:
        problems.append(
            Problem(
                shown,
                None,
                None,
                _("file is larger than {limit} bytes").format(limit=MAX_TABLE_BYTES),
            )
        )
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(shown, None, None, not_utf8(raw, exc)))
        return None
    reader = csv.reader(text.splitlines())
    try:
        first = next(reader, None)
    except csv.Error as exc:
        problems.append(_syntax_problem(shown, reader.line_num, exc))
        return None
    header = None if first is None else [cell.strip() for cell in first]

    def records() -> Iterator[tuple[int, list[str]]]:
        try:
            yield from enumerate(reader, start=1)
        except csv.Error as exc:
            problems.append(_syntax_problem(shown, reader.line_num, exc))

    return CsvFile(shown, header, records())
