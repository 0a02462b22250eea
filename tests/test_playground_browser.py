"""The playground in a real browser: ``nnlearn playground --no-browser`` on a free loopback
port, driven by headless Chromium (``offline_page``: any request off the machine or any
console error fails the test).

Run as a script, this file takes the README's screenshots of the MLP and Hopfield views::

    python tests/test_playground_browser.py docs
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import nnlearn as nl
from nnlearn.playground import datasets
from nnlearn.playground.views import MENU

SPIRAL = "view=mlp&data=spiral&hidden=8,8&features=x1,x2,sin1,sin2&lr=0.03&optimizer=adam"


@contextlib.contextmanager
def running_server() -> Iterator[tuple[subprocess.Popen, str]]:
    """``nnlearn playground --no-browser --port 0`` as a subprocess, and its address."""
    process = subprocess.Popen(
        [sys.executable, "-m", "nnlearn", "playground", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ.copy())
    try:
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, f"the server did not print its address: {line!r}"
        yield process, found.group()
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server() as (_, url):
        yield url


def open_view(page, url: str, query: str) -> None:
    page.goto(f"{url}#{query}")
    page.wait_for_function("document.querySelector('#view').children.length > 0")
    page.wait_for_timeout(300)


def number(text: str) -> float:
    return float(text.replace("−", "-"))


def canvas_image(page, selector: str) -> str:
    return page.eval_on_selector(selector, "canvas => canvas.toDataURL()")


def test_spiral_with_two_hidden_layers_learns_and_its_surface_changes(offline_page, server):
    page = offline_page
    open_view(page, server, "view=mlp")
    page.select_option("#setting-data", "spiral")
    page.wait_for_function("location.hash.includes('data=spiral')")
    for feature in ("sin1", "sin2"):
        page.check(f"#setting-features input[value={feature}]")
        page.wait_for_function(f"location.hash.includes('{feature}')")
    for layer, size in ((1, 8), (2, 4)):   # from the default 4 and 2 neurons
        while page.locator(f".node[data-layer='{layer}']").count() < size:
            count = page.locator(f".node[data-layer='{layer}']").count()
            page.locator(".neuron-buttons").nth(layer - 1).locator(
                "button[title='Add a neuron']").click()
            page.wait_for_function(f"document.querySelectorAll(\".node[data-layer='{layer}']\")"
                                   f".length > {count}")
    assert page.inner_text(".layer-buttons span") == "2 hidden layers"
    assert "hidden=8,4" in page.evaluate("location.hash")
    before = canvas_image(page, "#surface")
    page.click("#play")
    page.wait_for_function("Number(document.querySelector('#test-loss').textContent"
                           ".replace('−', '-')) < 0.2", timeout=60_000)
    page.click("#play")
    assert number(page.inner_text("#test-loss")) < 0.2
    assert int(page.inner_text("#epoch").split()[1]) > 5
    assert canvas_image(page, "#surface") != before


def test_backpropagation_step_by_step_shows_nnlearns_numbers(offline_page, server, tmp_path):
    page = offline_page
    open_view(page, server, "view=mlp&data=blobs&hidden=5,3&activation=sigmoid&seed=2")
    for epoch in (1, 2):
        page.click("#step")
        page.wait_for_function(f"document.querySelector('#epoch').textContent === 'Epoch {epoch}'")
    page.fill("#sample", "7")
    page.press("#sample", "Enter")
    page.click("#backprop-start")
    page.wait_for_selector("#backprop-title")
    shown = {}
    while True:
        title = page.inner_text("#backprop-title")
        rows = page.eval_on_selector_all("#backprop-body table tbody tr", "rows => rows.map("
                                         "r => [...r.children].map(c => c.textContent))")
        shown[title] = rows
        if page.is_disabled("#backprop-next"):
            break
        page.click("#backprop-next")
    with page.expect_download() as download:
        page.click("#export-model")
    path = tmp_path / "model.nnl"
    download.value.save_as(path)
    net = nl.load(path)

    X, y = datasets.make("blobs", 400, 0.0, np.random.default_rng(2))
    u = datasets.input_features(X, ["x1", "x2"])[[7]]
    x, potentials, outputs = nl.tensor(u), [], []
    for layer in net.layers:   # the forward pass, as tensors so that autodiff follows
        potentials.append(nl.linear(x, layer.weight, layer.bias))
        x = layer.activation(potentials[-1])
        outputs.append(x)
    loss = nl.losses.cross_entropy(outputs[-1], np.array([y[7]]))
    loss.backward()
    deltas = [layer.bias.grad for layer in net.layers]   # ∂L/∂b^κ = δ^κ for one sample

    def check(title_start: str, column: int, expected: np.ndarray) -> None:
        (title,) = [t for t in shown if t.startswith(title_start)]
        values = [number(row[column]) for row in shown[title]]
        scale = np.abs(expected).max()
        np.testing.assert_allclose(values, np.ravel(expected), rtol=2e-3, atol=2e-4 * scale)

    for k in range(3):
        check(f"Forward, layer {k + 1}", 1, potentials[k].data)
        check(f"Forward, layer {k + 1}", 2, outputs[k].data)
        check(f"Backward, layer {k + 1}", 2, deltas[k])
    check("Input", 1, u)


def test_a_hopfield_pattern_with_a_fifth_of_its_cells_flipped_is_recalled(offline_page, server):
    page = offline_page
    open_view(page, server, "view=hopfield&rule=storkey&patterns=d0,d1,d7&flip=20&speed=16")
    page.wait_for_function("document.querySelector('#recall-status').textContent.length > 0")
    page.click("#play")
    page.wait_for_function("document.querySelector('#recall-status').textContent"
                           ".startsWith('Converged')", timeout=30_000)
    assert page.inner_text("#recall-status").endswith("stored pattern 1")
    page.locator(".thumbnail").nth(2).locator(".recall-pattern").click()   # the 7, corrupted
    page.wait_for_function("!document.querySelector('#recall-status').textContent"
                           ".startsWith('Converged')")
    page.click("#play")
    page.wait_for_function("document.querySelector('#recall-status').textContent"
                           ".startsWith('Converged')", timeout=30_000)
    assert page.inner_text("#recall-status").endswith("stored pattern 3")


def test_a_link_reproduces_its_setup(offline_page, server, browser_context):
    page = offline_page
    link = "view=mlp&data=xor&noise=20&hidden=3,2,2&activation=relu&lr=0.003&seed=9"
    open_view(page, server, link)
    query = page.evaluate("location.hash.slice(1)")
    for part in link.split("&"):
        assert part in query.split("&")
    assert page.input_value("#setting-data") == "xor"
    assert page.input_value("#setting-lr") == "0.003"
    assert page.inner_text(".layer-buttons span") == "3 hidden layers"
    surface = canvas_image(page, "#surface")
    weights = page.eval_on_selector_all("line.link", "lines => lines.map(l => l.dataset.value)")

    again = browser_context.new_page()
    try:
        open_view(again, server, query)
        assert again.evaluate("location.hash.slice(1)") == query
        assert canvas_image(again, "#surface") == surface
        assert again.eval_on_selector_all(
            "line.link", "lines => lines.map(l => l.dataset.value)") == weights
    finally:
        again.close()
    page.select_option("#setting-optimizer", "momentum")
    page.wait_for_function("location.hash.includes('optimizer=momentum')")


def test_a_weight_is_shown_and_edited_by_hand(offline_page, server):
    page = offline_page
    open_view(page, server, "view=mlp&data=gauss&hidden=2")
    link = page.locator("line.link[data-layer='2'][data-source='1'][data-neuron='0']")
    assert "click to edit" in link.locator("title").text_content()
    link.click(force=True)
    page.fill(".editor input", "-2.5")
    page.press(".editor input", "Enter")
    page.wait_for_function("document.querySelector(\"line.link[data-layer='2'][data-source='1']"
                           "[data-neuron='0']\").dataset.value === '-2.5'")
    assert link.locator("title").text_content().startswith("W2[2, 1] = −2.5")
    page.click(".node[data-layer='2'][data-neuron='0']")
    page.wait_for_selector("#neuron .formula")
    assert "2.5" in page.inner_text("#neuron")


def test_a_bad_csv_upload_shows_a_message(offline_page, server):
    page = offline_page
    open_view(page, server, "view=mlp")
    page.set_input_files("#upload", files=[{"name": "bad.csv", "mimeType": "text/csv",
                                            "buffer": b"x1,x2,label\n1,2,a\n3,four,b\n"}])
    message = page.wait_for_selector(".notice.error")
    assert "column 'x2'" in message.inner_text() and "four" in message.inner_text()
    good = "x1,x2,label\n" + "\n".join(f"{i},{(i * 7) % 11},{i % 3}" for i in range(60))
    page.set_input_files("#upload", files=[{"name": "good.csv", "mimeType": "text/csv",
                                            "buffer": good.encode()}])
    page.wait_for_function("location.hash.includes('data=upload')")
    assert page.input_value("#setting-data") == "upload"


@pytest.mark.parametrize("view", MENU)
def test_every_view_plays_without_console_errors(offline_page, server, view):
    from browser_helpers import assert_math_rendered

    page = offline_page
    open_view(page, server, f"view={view}")
    assert page.inner_text("nav a.current") and page.locator("#play").count() == 1
    assert_math_rendered(page, minimum=3)
    if page.is_visible("#play"):
        page.click("#play")
        page.wait_for_timeout(800)
        page.click("#play")
    page.wait_for_timeout(200)


def test_ctrl_c_stops_the_server_cleanly():
    from websockets.sync.client import connect

    with running_server() as (process, url), connect(url.replace("http", "ws") + "ws") as socket:
        assert json.loads(socket.recv())["type"] == "hello"
        socket.send(json.dumps({"type": "open", "view": "mlp", "query": ""}))
        socket.send(json.dumps({"type": "play"}))
        socket.recv()
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert "stopped" in output and "Traceback" not in output


def take_screenshots(folder: Path) -> None:
    """The README's two pictures: the MLP view after training, the Hopfield view recalling."""
    from browser_helpers import CHROMIUM_FLAGS, VIEWPORT, chromium_path, screenshot
    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    with running_server() as (_, url), tempfile.TemporaryDirectory() as profile, \
            sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=chromium_path(), args=list(CHROMIUM_FLAGS),
            headless=True, viewport=VIEWPORT)
        page = context.new_page()
        page.set_viewport_size({"width": VIEWPORT["width"], "height": 1160})
        open_view(page, url, SPIRAL)
        page.click("#play")
        page.wait_for_function("Number(document.querySelector('#epoch').textContent"
                               ".split(' ')[1]) >= 60", timeout=60_000)
        page.click("#play")
        page.fill("#sample", "12")
        page.press("#sample", "Enter")
        page.click(".node[data-layer='1'][data-neuron='2']")
        page.wait_for_selector("#neuron .formula")
        screenshot(page, folder / "playground-mlp.png")
        page.set_viewport_size(VIEWPORT)
        open_view(page, url, "view=hopfield&rule=storkey&patterns=d0,d1,d7,d4&flip=25&speed=3")
        for _ in range(12):
            page.click("#step")
            page.wait_for_timeout(60)
        screenshot(page, folder / "playground-hopfield.png")
        context.close()
    print(f"wrote {folder / 'playground-mlp.png'} and {folder / 'playground-hopfield.png'}")


if __name__ == "__main__":
    take_screenshots(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
