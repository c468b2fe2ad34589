"""Regenerate docs/img/page.png: the page with a plan on the map (used by the README).

Starts `daliz serve` in-process on a free loopback port with a throw-away database, plans a
shipment through the form in Debian's headless Chromium (driven by Playwright) and saves a
screenshot. Prints the page's first contentful paint as measured by the browser.

    .venv/bin/python scripts/screenshot.py [--dataset DIR] [--lang en] [--out docs/img/page.png]
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from daliz.service import Settings, create_app

CHROMIUM = "/usr/bin/chromium"
# Headless, and no background traffic: this machine's network is closed (see docs/service.md).
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
REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default=None, help="dataset directory (default: bundled)")
    parser.add_argument("--lang", default="en", choices=["en", "kk", "ru", "ur"])
    parser.add_argument("--origin", default="Kostanay")
    parser.add_argument("--destination", default="Karachi")
    parser.add_argument("--commodity", default="wheat")
    parser.add_argument("--date", default="2027-03-01", help="departure date (fixed: stable image)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img" / "page.png")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="daliz-shot-") as tmp:
        settings = Settings(data_dir=Path(tmp), dataset=args.dataset)
        app = create_app(settings)
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1440, "height": 1100})
                page.goto(f"http://127.0.0.1:{port}/?lang={args.lang}")
                page.wait_for_selector("body[data-status=ready]")
                for field, text in (("origin", args.origin), ("destination", args.destination)):
                    page.fill(f"#{field}", text)
                    page.wait_for_selector(f"#{field}-list li[role=option]")
                    page.click(f"#{field}-list li[role=option] >> nth=0")
                page.select_option("#commodity", args.commodity)
                page.fill("#date", args.date)
                page.click("#plan-button")
                page.wait_for_selector("body[data-status=done]", timeout=60_000)
                page.wait_for_timeout(300)  # let the map finish its fit-to-bounds animation
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.out), full_page=False)
                paint = page.evaluate(
                    "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null"
                )
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    print(f"{args.out}: written; first contentful paint {paint:.0f} ms" if paint else args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
