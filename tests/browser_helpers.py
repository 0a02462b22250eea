"""Pages in a real browser: headless Chromium, offline, driven by Playwright.

The system's Chromium (Debian's ``chromium`` package, installed by ``.ci/run`` when it is
missing) is driven by Playwright for Python through its executable path: no browser is
downloaded. ``conftest.py`` registers this module as a plugin, so any test can ask for a
page::

    def test_something(offline_page):
        offline_page.goto(file_url(path))
        assert_math_rendered(offline_page)

``offline_page`` fails its test when the page asks for anything beyond this machine (the
request is also refused) or writes an error to the console. The checks below
(:func:`assert_math_rendered`, :func:`assert_images_loaded`,
:func:`assert_no_horizontal_overflow`, :func:`broken_links`) apply to any page, and
:func:`screenshot` turns any page into a PNG to look at; run this file to take one::

    python tests/browser_helpers.py "nnlearn-tour/mlp.html#handwritten-digits" shot.png
"""

from __future__ import annotations

import argparse
import ipaddress
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

#: Chromium's flags: headless, no sandbox (root in a container), and none of the
#: background traffic a browser makes on its own (updates, sync, field trials, QUIC)
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)
#: URL schemes that never leave the machine
LOCAL_SCHEMES = frozenset({"file", "data", "blob", "about", "chrome-error"})
VIEWPORT = {"width": 1280, "height": 900}


def chromium_path() -> str:
    """The system Chromium's executable; fails the test with the way to install it."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("no chromium on PATH: install Debian's package (apt-get install -y chromium); "
                ".ci/run does so when it is missing")


def is_local(url: str) -> bool:
    """Whether a request for ``url`` stays on this machine (a file, inline data, loopback)."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    host = parts.hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def file_url(path: str | Path) -> str:
    return Path(path).resolve().as_uri()


@pytest.fixture(scope="session")
def browser_context() -> Iterator[Any]:
    """One headless Chromium for the session, with a fresh user-data folder and every
    request beyond this machine refused."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="nnlearn-chromium-") as profile, \
            sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=chromium_path(), args=list(CHROMIUM_FLAGS),
            headless=True, viewport=VIEWPORT, service_workers="block")
        context.left_the_machine = []
        context.route("**/*", lambda route: _route(context, route))
        yield context
        context.close()


def _route(context: Any, route: Any) -> None:
    url = route.request.url
    if is_local(url):
        route.continue_()
    else:
        context.left_the_machine.append(url)
        route.abort()


@pytest.fixture
def offline_page(browser_context: Any) -> Iterator[Any]:
    """A new tab; the test fails if the page requested anything beyond the machine, or if
    a console error or an uncaught exception happened in it."""
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(
        f"request failed: {request.url} ({request.failure})"))
    page.on("request", lambda request: None if is_local(request.url)
            else browser_context.left_the_machine.append(request.url))
    del browser_context.left_the_machine[:]
    yield page
    page.close()
    left = list(browser_context.left_the_machine)
    assert not left, f"requests left the machine: {left}"
    assert not errors, f"errors in the page: {errors}"


def open_page(page: Any, path: str | Path, width: int = VIEWPORT["width"],
              height: int = VIEWPORT["height"]) -> None:
    """Load a file (``page.html`` or ``page.html#fragment``, which scrolls there) in a
    window ``width`` × ``height`` px, and wait until its fonts are ready."""
    file, _, fragment = str(path).partition("#")
    page.set_viewport_size({"width": width, "height": height})
    page.goto(file_url(file) + (f"#{fragment}" if fragment else ""), wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")


def assert_math_rendered(page: Any, minimum: int = 1) -> int:
    """Every equation shows as mathematics: at least ``minimum`` ``<math>`` elements, each
    laid out by the browser's MathML engine with a non-zero size, no ``<merror>``, and no
    TeX source (``\\(``, ``\\[``, ``$$``) left in the visible text. Returns the count."""
    report = page.evaluate("""() => {
        const maths = [...document.querySelectorAll('math')];
        return {
            count: maths.length,
            notLaidOut: maths.filter(m => {
                const box = m.getBoundingClientRect();
                return !(box.width > 0 && box.height > 0)
                    || !getComputedStyle(m).display.includes('math');
            }).map(m => m.textContent.slice(0, 60)),
            errors: document.querySelectorAll('merror').length,
            text: document.body.innerText,
        };
    }""")
    assert report["count"] >= minimum, f"{report['count']} <math> elements, expected ≥ {minimum}"
    assert not report["notLaidOut"], f"equations not laid out as MathML: {report['notLaidOut']}"
    assert report["errors"] == 0, f"{report['errors']} <merror> elements"
    for marker in ("\\(", "\\[", "$$", "\\frac", "\\begin"):
        assert marker not in report["text"], f"raw TeX {marker!r} is visible on the page"
    return report["count"]


def assert_images_loaded(page: Any) -> int:
    """Every ``<img>`` has loaded and has a size; returns how many there are."""
    broken = page.evaluate("""() => [...document.images]
        .filter(img => !(img.complete && img.naturalWidth > 0 && img.naturalHeight > 0))
        .map(img => img.getAttribute('src'))""")
    assert not broken, f"images that did not load: {broken}"
    return page.evaluate("document.images.length")


def assert_no_horizontal_overflow(page: Any) -> None:
    """Nothing is wider than the window, and no element's content is cut off or needs a
    scroll bar sideways (a ``<pre>`` line, a table, an equation)."""
    report = page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const cut = [...document.body.querySelectorAll('*')].filter(el => {
            const box = el.getBoundingClientRect();
            if (box.width === 0) return false;
            return box.right > width + 1 || el.scrollWidth > el.clientWidth + 1
                && getComputedStyle(el).overflowX !== 'visible';
        }).map(el => el.tagName + (el.id ? '#' + el.id : '') + ': '
                     + (el.textContent || '').trim().slice(0, 50));
        return {page: document.documentElement.scrollWidth, width, cut};
    }""")
    assert report["page"] <= report["width"], (
        f"the page is {report['page']} px wide in a {report['width']} px window")
    assert not report["cut"], f"elements wider than their box: {report['cut']}"


def broken_links(page: Any, selector: str = "a[href]") -> list[str]:
    """The links among ``selector`` that lead nowhere: to a file that does not exist, to a
    #fragment that no element of that file has as its id, or off this machine."""
    hrefs = page.eval_on_selector_all(selector, "links => links.map(a => a.href)")
    broken = []
    for href in dict.fromkeys(hrefs):
        parts = urlsplit(href)
        target = Path(unquote(parts.path))
        if parts.scheme != "file" or not target.is_file():
            broken.append(href)
            continue
        if parts.fragment and f'id="{parts.fragment}"' not in target.read_text("utf-8"):
            broken.append(href)
    return broken


def screenshot(page: Any, path: str | Path, full_page: bool = False) -> Path:
    """The page as it looks now, as a PNG (the viewport, or the whole page)."""
    page.screenshot(path=str(path), full_page=full_page)
    return Path(path)


def main(argv: list[str] | None = None) -> None:
    """Take a screenshot of a local HTML file from the command line."""
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="an HTML file, optionally with a #fragment to scroll to")
    parser.add_argument("png", help="where to write the screenshot")
    parser.add_argument("--width", type=int, default=VIEWPORT["width"])
    parser.add_argument("--height", type=int, default=VIEWPORT["height"])
    parser.add_argument("--full-page", action="store_true", help="the whole page, not the window")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=chromium_path(), args=list(CHROMIUM_FLAGS), headless=True,
            viewport={"width": args.width, "height": args.height})
        context.route("**/*", lambda route: route.continue_() if is_local(route.request.url)
                      else route.abort())
        page = context.new_page()
        open_page(page, args.page, args.width, args.height)
        screenshot(page, args.png, full_page=args.full_page)
        context.close()
    print(f"{args.png}: {args.page} at {args.width} px")


if __name__ == "__main__":
    main()
