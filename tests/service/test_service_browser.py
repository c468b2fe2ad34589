"""The page in headless Chromium (Debian's /usr/bin/chromium driven by Playwright): plan
through the form, see the alternatives on the map and in the table, switch to Kazakh and
Urdu, save a plan with a key — and never request anything outside this machine."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from service_helpers import MINI, live_server

from daliz.planning import plan
from daliz.service import Settings, create_app
from daliz.service.auth import add_user
from daliz.service.page_strings import page_strings

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A live server on the mini dataset; yields (base URL, a planner's key)."""
    data = tmp_path_factory.mktemp("browser-data")
    app = create_app(Settings(data_dir=data, dataset=str(MINI)))
    key = add_user(app.state.daliz.sessions, "Browser Planner", "planner")[1]
    with live_server(app) as base:
        yield base, key
    app.state.daliz.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: run `bash scripts/system-deps.sh` (apt chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, server: tuple[str, str]) -> Iterator[Any]:
    """A fresh page that records every request and fails the test on any non-local one."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    outside = guard_outside_requests(context)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not outside, f"the page requested outside localhost: {outside}"
    assert not errors, f"JavaScript errors: {errors}"


def guard_outside_requests(context: Any) -> list[str]:
    """Abort and record every request of `context` to a host other than this machine."""
    outside: list[str] = []

    def check(route: Any) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", check)
    return outside


def test_the_guard_catches_an_outside_request(browser: Any, server: tuple[str, str]) -> None:
    base, _key = server
    context = browser.new_context()
    outside = guard_outside_requests(context)
    page = context.new_page()
    page.set_content('<img src="http://tiles.example.org/0/0/0.png">')  # about:blank, no CSP
    page.wait_for_load_state("load")
    assert outside == ["http://tiles.example.org/0/0/0.png"]
    # On the service's own pages the Content-Security-Policy stops it before the network.
    page.goto(base + "/api/v1/health")
    page.set_content('<img src="http://tiles.example.org/1/1/1.png">')
    page.wait_for_load_state("load")
    context.close()
    assert outside == ["http://tiles.example.org/0/0/0.png"]


def pick_place(page: Any, field: str, text: str) -> None:
    page.fill(f"#{field}", text)
    page.wait_for_selector(f"#{field}-list li[role=option]")
    page.click(f"#{field}-list li[role=option] >> nth=0")


def plan_wheat(page: Any, base: str) -> None:
    page.goto(base + "/?lang=en")
    page.wait_for_selector("body[data-status=ready]")
    pick_place(page, "origin", "Shym")
    pick_place(page, "destination", "Karachi")
    page.select_option("#commodity", "wheat")
    page.fill("#quantity", "500")
    page.fill("#date", "2027-03-01")
    page.click("#plan-button")
    page.wait_for_selector("body[data-status=done]")


def test_plan_through_the_form_shows_map_table_and_details(
    page: Any, server: tuple[str, str], tmp_path: Path
) -> None:
    base, _key = server
    plan_wheat(page, base)
    # The basemap is drawn from the shipped Natural Earth file.
    assert int(page.get_attribute("#map", "data-basemap")) > 30
    # Both sides' latest published turnover, each with its source.
    assert page.locator("#trade-list li").count() == 2
    assert page.locator("#trade-list li[data-side=KZ] a").get_attribute("href").startswith("http")
    expected = plan(
        dataset=str(MINI),
        origin="kz-shymkent",
        destination="pk-karachi-port",
        commodity="wheat",
        tonnes=500,
        date="2027-03-01",
    )
    rows = page.locator("#alternatives tbody tr")
    assert rows.count() == len(expected.alternatives) == 3
    corridors = [rows.nth(i).locator("td").nth(1).inner_text().strip() for i in range(3)]
    assert len(set(corridors)) == 3 and all(corridors)
    cost = f"{expected.alternatives[0].totals.cost_usd:,.0f}"
    assert cost in rows.nth(0).inner_text()
    # Each alternative on the map, in its own colour.
    for rank in (1, 2, 3):
        assert page.locator(f"path.route-{rank}").count() >= 1
    colours = {
        page.locator(f"path.route-{rank}").first.get_attribute("stroke") for rank in (1, 2, 3)
    }
    assert len(colours) == 3
    # Borders and transfers marked; charts drawn; details of the first alternative shown.
    assert page.locator(".place-marker.border").count() >= 2
    assert page.locator(".place-marker.transfer").count() >= 1
    assert page.locator("#chart-cost rect.bar").count() == 3
    assert page.locator("#chart-days rect.bar").count() == 3
    assert page.locator("#legs tbody tr").count() >= 2
    assert page.get_attribute("#details", "data-rank") == "1"
    rows.nth(2).click()
    assert page.get_attribute("#details", "data-rank") == "3"
    assert page.locator("#alternatives tbody tr[aria-selected=true]").count() == 1
    page.screenshot(path=str(tmp_path / "page-en.png"), full_page=True)
    assert (tmp_path / "page-en.png").stat().st_size > 10_000


def test_switch_to_kazakh_and_urdu(page: Any, server: tuple[str, str], tmp_path: Path) -> None:
    base, _key = server
    plan_wheat(page, base)
    page.select_option("#lang", "kk")
    page.wait_for_selector("body[data-lang=kk]")
    kazakh = page_strings("kk")
    assert page.get_attribute("html", "lang") == "kk"
    assert page.get_attribute("html", "dir") == "ltr"
    assert page.inner_text("#plan-form h2") == kazakh["form.heading"]
    assert page.input_value("#origin") == "Шымкент"  # the chosen place, renamed
    assert "Шымкент" in page.inner_text("#legs")
    assert page.locator("#alternatives tbody tr").count() == 3  # the result stays
    page.screenshot(path=str(tmp_path / "page-kk.png"), full_page=True)

    page.select_option("#lang", "ur")
    page.wait_for_selector("body[data-lang=ur]")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "ur"
    assert page.inner_text("#plan-button") == page_strings("ur")["form.submit"]
    assert page.input_value("#origin") == "شیمکنت"
    # Right to left: the form panel now stands on the right of the map.
    form_box = page.locator("#plan-form").bounding_box()
    map_box = page.locator("#map").bounding_box()
    assert form_box["x"] > map_box["x"]
    page.screenshot(path=str(tmp_path / "page-ur.png"), full_page=True)
    # The choice is remembered: a reload comes back in Urdu.
    page.reload()
    page.wait_for_selector("body[data-status=ready]")
    assert page.get_attribute("html", "dir") == "rtl"


def test_unknown_place_shows_the_problem_and_a_suggestion(
    page: Any, server: tuple[str, str]
) -> None:
    base, _key = server
    page.goto(base + "/?lang=en")
    page.wait_for_selector("body[data-status=ready]")
    page.fill("#origin", "Shymkentt")
    page.keyboard.press("Escape")
    pick_place(page, "destination", "Karachi")
    page.click("#plan-button")
    page.wait_for_selector("body[data-status=error]")
    assert "Shymkentt" in page.inner_text("#error")
    page.click("#error button.suggestion >> nth=0")
    assert page.input_value("#origin") == "Shymkent"
    page.click("#plan-button")
    page.wait_for_selector("body[data-status=done]")
    assert page.locator("#alternatives tbody tr").count() == 3


def test_planner_saves_and_reopens_a_plan(page: Any, server: tuple[str, str]) -> None:
    base, key = server
    plan_wheat(page, base)
    assert page.locator("#save-box").is_hidden()  # anonymous: nothing to save with
    page.click("#account summary")
    page.fill("#api-key", key)
    page.click("#key-use")
    page.wait_for_selector("#who:has-text('Browser Planner')")
    page.wait_for_selector("#save-box", state="visible")
    page.fill("#plan-title", "Browser test plan")
    page.click("#save-button")
    page.wait_for_selector("#saved-list li:has-text('Browser test plan')")
    page.reload()
    page.wait_for_selector("body[data-status=ready]")
    page.wait_for_selector("#saved-list li:has-text('Browser test plan')")
    page.click("#saved-list li:has-text('Browser test plan') button")
    page.wait_for_selector("body[data-status=done]")
    assert page.locator("#alternatives tbody tr").count() == 3
    page.click("#account summary")
    page.click("#key-forget")
    page.wait_for_selector("#saved", state="hidden")


def test_a_copy_of_the_page_works_from_another_dataset_directory(
    browser: Any, tmp_path: Path
) -> None:
    # The page needs nothing but the server: a dataset directory elsewhere changes nothing.
    copy = tmp_path / "mini-copy"
    shutil.copytree(MINI, copy)
    app = create_app(Settings(data_dir=tmp_path / "data", dataset=str(copy)))
    with live_server(app) as base:
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + "/")
        page.wait_for_selector("body[data-status=ready]")
        assert "mini" in page.inner_text("#dataset-stamp")
        context.close()
    app.state.daliz.engine.dispose()
