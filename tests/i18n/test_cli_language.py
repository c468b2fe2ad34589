"""The command line in four languages: --lang (anywhere) > DALIZ_LANG > system locale > English,
for output, errors, help texts and the toolkit's own usage messages."""

from __future__ import annotations

import os
import subprocess
import sys

from typer.testing import CliRunner

from daliz.cli import _register, app, split_language
from daliz.i18n import current_language

PLAN = [
    "plan",
    "Shymkent",
    "Karachi",
    "--commodity",
    "wheat",
    "--tonnes",
    "500",
    "--date",
    "2027-03-01",
    "--draws",
    "0",
    "--dataset",
    "tests/fixtures/mini",
]


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DALIZ_LANG", "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")
    }
    clean.update({"DALIZ_ROADS": "off", "COLUMNS": "200", **env})
    return subprocess.run(
        [sys.executable, "-m", "daliz", *args],
        capture_output=True,
        text=True,
        env=clean,
        check=False,
        timeout=120,
    )


def test_lang_option_before_or_after_the_command() -> None:
    before = run("--lang", "kk", *PLAN)
    after = run(*PLAN, "--lang=kk")
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    for out in (before.stdout, after.stdout):
        assert "Нұсқалар" in out and "Шымкент" in out and "Құжаттар тізімі" in out
        assert "Alternatives" not in out and "Documents checklist" not in out
        assert "issued by" not in out and "Certificate of origin" not in out


def test_environment_then_system_locale() -> None:
    system = run(*PLAN, "--no-details", LANG="ru_RU.UTF-8")
    assert "Варианты" in system.stdout
    env = run(*PLAN, "--no-details", LANG="ru_RU.UTF-8", DALIZ_LANG="ur")
    assert "متبادل" in env.stdout and "Варианты" not in env.stdout
    flag = run("--lang", "en", *PLAN, "--no-details", DALIZ_LANG="ur")
    assert "Alternatives" in flag.stdout and "متبادل" not in flag.stdout


def test_errors_and_usage_in_the_chosen_language() -> None:
    unknown = run("--lang", "kk", *[a if a != "Karachi" else "Karachx" for a in PLAN])
    assert unknown.returncode == 2
    assert "қате:" in unknown.stderr and "Белгісіз орын: 'Karachx'." in unknown.stderr
    assert "Traceback" not in unknown.stderr
    usage = run("--lang", "ru", "plan")
    assert usage.returncode == 2
    assert "Использование:" in usage.stderr and "Не указан аргумент 'origin'." in usage.stderr
    assert "Для справки введите 'daliz plan --help'." in usage.stderr
    converted = run("--lang", "kk", *PLAN[:3], "--tonnes", "many")
    assert "'--tonnes' үшін жарамсыз мән: сан емес" in converted.stderr
    bad = run("--lang", "fr", "plan")
    assert bad.returncode == 2 and "'fr'" in bad.stderr and "kk" in bad.stderr


def test_help_texts_are_translated() -> None:
    out = run("--lang", "ru", "plan", "--help").stdout
    assert "Спланировать перевозку" in out
    assert "Масса груза нетто, тонн." in out
    assert "Параметры" in out and "Показать это сообщение и выйти." in out
    top = run("--lang", "ur", "--help").stdout
    assert "منصوبہ بندی" in top


def test_validation_problems_in_the_chosen_language(mini_copy: object) -> None:
    from pathlib import Path

    folder = Path(str(mini_copy))
    places = folder / "places.csv"
    places.write_text(
        places.read_text(encoding="utf-8").replace("42.3167", "north"), encoding="utf-8"
    )
    out = run("--lang", "ru", "data", "validate", str(folder))
    assert out.returncode == 1
    assert "строка" in out.stdout and "'north' не является числом" in out.stdout


def test_split_language() -> None:
    assert split_language(["--lang", "kk", "plan", "A"]) == ("kk", ["plan", "A"])
    assert split_language(["plan", "--lang=ur", "A"]) == ("ur", ["plan", "A"])
    assert split_language(["plan", "--", "--lang", "x"]) == (None, ["plan", "--", "--lang", "x"])


def test_global_option_holds_for_one_invocation_only() -> None:
    if not any(group.name == "data" for group in app.registered_groups):
        _register()
    runner = CliRunner()
    result = runner.invoke(
        app, ["--lang", "ur", "data", "info", "--dataset", "tests/fixtures/mini"]
    )
    assert result.exit_code == 0, result.output
    assert "مقامات" in result.output
    assert current_language() == "en"  # reset when the command's context closed
