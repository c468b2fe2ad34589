"""Reading dataset tables: CSV files (or directories of them) with overlays and row-level errors.

A table `NAME` is `NAME.csv` or a directory `NAME/` of `*.csv` files read in name order.
Several dataset directories can be stacked (base first, overlays after): a row in a later
directory replaces the row with the same key in an earlier one, and a row whose `status` is
`removed` deletes it. Every value keeps the file and row it came from, so errors can name them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from daliz.errors import Problem
from daliz.i18n import _
from daliz.tables import MAX_TABLE_BYTES as MAX_TABLE_BYTES  # re-exported: the limit is shared
from daliz.tables import read_csv
from daliz.tables import table_files as table_files  # re-exported for the network loader


@dataclass
class Row:
    """One data row: its values by column name and where it came from."""

    file: str
    row: int  # 1-based data row number (the header is row 0)
    values: dict[str, str]

    def get(self, name: str) -> str:
        """The stripped cell value, '' if empty or the column is absent."""
        return (self.values.get(name) or "").strip()


@dataclass
class Table:
    """The rows of one table after overlays, plus the columns each file declared."""

    name: str
    rows: list[Row] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_csv_file(path: Path, problems: list[Problem]) -> tuple[list[str], list[Row]]:
    """Read one CSV file into rows; decoding and shape errors go to `problems`."""
    shown = _display(path)
    csv_file = read_csv(path, problems, shown=shown)
    if csv_file is None:
        return [], []
    if csv_file.header is None:
        problems.append(Problem(shown, None, None, _("file is empty (no header row)")))
        return [], []
    header = csv_file.header
    rows: list[Row] = []
    for number, cells in csv_file.records:
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(
                Problem(
                    shown,
                    number,
                    None,
                    _(
                        "has {cells} cells but the header has {columns} columns "
                        "(an unquoted comma?)"
                    ).format(cells=len(cells), columns=len(header)),
                )
            )
            continue
        values = dict(zip(header, cells, strict=False))
        rows.append(Row(shown, number, values))
    return header, rows


def read_table(
    directories: Sequence[Path],
    name: str,
    *,
    key: Sequence[str],
    columns: Sequence[str],
    required: Sequence[str] = (),
    problems: list[Problem],
) -> Table:
    """Read table `name` from stacked dataset directories, applying overlays by `key`.

    Parameters
    ----------
    directories : dataset directories, base first
    name : table name (file stem)
    key : columns identifying a row (the first must be non-empty); a later row with the same
        key replaces an earlier one
    columns : every column the table may have (unknown columns are errors, to catch typos)
    required : columns that must be present in the header
    problems : list that collects every problem found
    """
    import difflib

    table = Table(name)
    by_key: dict[tuple[str, ...], Row] = {}
    for directory in directories:
        seen_here: dict[tuple[str, ...], Row] = {}
        for path in table_files(directory, name):
            header, rows = read_csv_file(path, problems)
            shown = _display(path)
            table.files.append(shown)
            if not header:
                continue
            for column in header:
                if column not in columns:
                    close = difflib.get_close_matches(column, columns, n=1)
                    message = (
                        _("unknown column (did you mean '{column}'?)").format(column=close[0])
                        if close
                        else _("unknown column")
                    )
                    problems.append(Problem(shown, None, column, message))
            for column in required:
                if column not in header:
                    problems.append(Problem(shown, None, column, _("required column is missing")))
            for row in rows:
                row_key = tuple(row.get(k) for k in key)
                if not row_key[0]:
                    problems.append(Problem(shown, row.row, key[0], _("is required (row key)")))
                    continue
                if row_key in seen_here:
                    first = seen_here[row_key]
                    problems.append(
                        Problem(
                            shown,
                            row.row,
                            key[0],
                            _("duplicate {key} {value!r} (first at {file}, row {row})").format(
                                key="/".join(key),
                                value="/".join(row_key),
                                file=first.file,
                                row=first.row,
                            ),
                        )
                    )
                    continue
                seen_here[row_key] = row
                if row.get("status") == "removed":
                    by_key.pop(row_key, None)
                else:
                    by_key[row_key] = row
    table.rows = list(by_key.values())
    return table


class Fields:
    """Typed access to the cells of one row, recording a Problem for each bad value."""

    _DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

    def __init__(self, row: Row, problems: list[Problem]) -> None:
        self.row = row
        self.problems = problems
        self.ok = True

    def problem(self, name: str | None, message: str) -> None:
        """Record a problem with this row (and field)."""
        self.ok = False
        self.problems.append(Problem(self.row.file, self.row.row, name, message))

    def text(self, name: str, *, required: bool = False) -> str:
        """A text cell; '' when empty."""
        value = self.row.get(name)
        if required and not value:
            self.problem(name, _("is required"))
        return value

    def choice(self, name: str, allowed: Iterable[str], *, default: str | None = None) -> str:
        """A cell that must be one of `allowed`."""
        options = list(allowed)
        value = self.row.get(name)
        if not value:
            if default is not None:
                return default
            self.problem(
                name, _("is required (one of {options})").format(options=", ".join(options))
            )
            return options[0]
        if value not in options:
            self.problem(
                name,
                _("{value!r} is not one of {options}").format(
                    value=value, options=", ".join(options)
                ),
            )
            return options[0]
        return value

    def number(
        self,
        name: str,
        *,
        required: bool = False,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        """A numeric cell (None when empty and not required), checked against bounds."""
        value = self.row.get(name)
        if not value:
            if required:
                self.problem(name, _("is required (a number)"))
            return None
        try:
            number = float(value.replace("_", ""))
        except ValueError:
            self.problem(name, _("{value!r} is not a number").format(value=value))
            return None
        if number != number or number in (float("inf"), float("-inf")):
            self.problem(name, _("{value!r} is not a finite number").format(value=value))
            return None
        if minimum is not None and number < minimum:
            self.problem(
                name,
                _("{value} is below the minimum {minimum}").format(
                    value=f"{number:g}", minimum=f"{minimum:g}"
                ),
            )
        if maximum is not None and number > maximum:
            self.problem(
                name,
                _("{value} is above the maximum {maximum}").format(
                    value=f"{number:g}", maximum=f"{maximum:g}"
                ),
            )
        return number

    def boolean(self, name: str, *, default: bool) -> bool:
        """A true/false cell."""
        value = self.row.get(name).lower()
        if not value:
            return default
        if value in ("true", "yes", "1"):
            return True
        if value in ("false", "no", "0"):
            return False
        self.problem(name, _("{value!r} is not true or false").format(value=value))
        return default

    def date(self, name: str) -> dt.date | None:
        """An ISO date cell (YYYY-MM-DD) or None."""
        value = self.row.get(name)
        if not value:
            return None
        if not self._DATE.match(value):
            self.problem(name, _("{value!r} is not a date in YYYY-MM-DD form").format(value=value))
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.problem(name, _("{value!r} is not a real date").format(value=value))
            return None

    def month_day(self, name: str) -> tuple[int, int] | None:
        """A seasonal MM-DD cell."""
        value = self.row.get(name)
        if not value:
            return None
        match = re.fullmatch(r"(\d{2})-(\d{2})", value)
        if not match:
            self.problem(name, _("{value!r} is not a month-day in MM-DD form").format(value=value))
            return None
        month, day = int(match.group(1)), int(match.group(2))
        try:
            dt.date(2024, month, day)  # a leap year accepts 02-29
        except ValueError:
            self.problem(name, _("{value!r} is not a real month-day").format(value=value))
            return None
        return month, day

    def items(self, name: str, *, sep: str = ";") -> tuple[str, ...]:
        """A list cell split on `sep`, items stripped, empties dropped."""
        return tuple(part.strip() for part in self.row.get(name).split(sep) if part.strip())
