"""Errors daliz raises for users: each carries a message that says what was wrong and what to do."""

from __future__ import annotations

from dataclasses import dataclass, field

from daliz.i18n import _, ngettext_


class DalizError(Exception):
    """Base class of every error daliz shows to a user (never shown as a traceback)."""

    exit_code: int = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


@dataclass(frozen=True)
class Problem:
    """One problem found in a data file: where it is and what is wrong."""

    file: str
    row: int | None  # 1-based data row (header is row 0); None for file-level problems
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += _(", row {row}").format(row=self.row)
        if self.field:
            where += _(", field '{field}'").format(field=self.field)
        return f"{where}: {self.message}"


def _what(what: str) -> str:
    """The kind of file a DatasetError is about, in the current language (known kinds only)."""
    kinds = {
        "dataset": _("dataset"),
        "rules": _("rules dataset"),
        "road graph file": _("road graph file"),
        "scenario": _("scenario"),
        "trade file": _("trade file"),
    }
    if what in kinds:
        return kinds[what]
    if what.startswith("trade file "):  # "trade file NAME …": the name stays as it is
        return kinds["trade file"] + what.removeprefix("trade file")
    return what


@dataclass
class DatasetError(DalizError):
    """A dataset (network, rules, scenario or trade file) failed validation; nothing was loaded."""

    problems: list[Problem] = field(default_factory=list)

    def __init__(self, problems: list[Problem], *, what: str = "dataset") -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = ngettext_(
            "The {what} has {count} problem:", "The {what} has {count} problems:", count
        ).format(what=_what(what), count=count)
        lines = [head, *(f"  - {p}" for p in self.problems[:50])]
        if count > 50:
            lines.append(_("  … and {count} more").format(count=count - 50))
        super().__init__("\n".join(lines))


class RequestError(DalizError):
    """A plan, compare or batch request is invalid (unknown place, bad unit, conflicts)."""

    def __init__(
        self, message: str, *, hint: str | None = None, suggestions: list[str] | None = None
    ) -> None:
        if suggestions:
            hint = (hint + "\n" if hint else "") + _("Did you mean: {suggestions}?").format(
                suggestions=", ".join(suggestions)
            )
        super().__init__(message, hint=hint)
        self.suggestions = list(suggestions or [])


class NoRouteError(DalizError):
    """No route satisfies the request; the message says which constraint cut the routes."""

    exit_code = 3
