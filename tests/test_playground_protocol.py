"""The playground's server, in process: its protocol, its refusals, its sessions.

Every request the page can make is sent here through Starlette's test client (the
application as uvicorn runs it, without a socket), good ones and malformed ones: each
malformed one gets a message naming what is wrong, and the connection goes on.
"""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

import nnlearn as nl
from nnlearn.playground.protocol import MAX_UPLOAD_BYTES
from nnlearn.playground.server import create_app
from nnlearn.playground.settings import format_query, parse_query, read_setup
from nnlearn.playground.views import MENU, VIEWS

#: the server as a page on loopback reaches it (other host names are refused)
BASE, WS = "http://127.0.0.1", "ws://127.0.0.1/ws"


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(), base_url=BASE) as test_client:
        yield test_client


def until(socket, kind: str) -> dict:
    """Read messages until one of type ``kind``; fail on an error message before it."""
    for _ in range(50):
        message = socket.receive_json()
        if message["type"] == kind:
            return message
        assert message["type"] != "error", message["message"]
    raise AssertionError(f"no {kind!r} message")


def refused(socket, message, *words: str) -> str:
    """Send ``message`` (text or an object); the answer is an error naming ``words``."""
    socket.send_text(message if isinstance(message, str) else json.dumps(message))
    answer = socket.receive_json()
    assert answer["type"] == "error", answer
    for word in words:
        assert word in answer["message"], (word, answer["message"])
    return answer["message"]


def opened(socket, view: str, query: str = "") -> tuple[dict, dict]:
    socket.send_json({"type": "open", "view": view, "query": query})
    setup, frame = until(socket, "setup"), until(socket, "frame")
    until(socket, "status")
    return setup, frame


def test_hello_lists_the_five_views_with_their_settings(client):
    with client.websocket_connect(WS) as socket:
        hello = socket.receive_json()
    assert hello["type"] == "hello" and len(hello["session"]) >= 20
    assert [view["name"] for view in hello["views"]] == list(MENU)
    mlp = hello["views"][0]
    names = {setting["name"] for setting in mlp["settings"]}
    assert {"data", "noise", "train", "batch", "features", "hidden", "activation", "lr", "l2",
            "optimizer", "seed"} <= names
    activation = next(s for s in mlp["settings"] if s["name"] == "activation")
    assert {"sigmoid", "tanh", "relu", "identity", "elu", "softplus"} <= set(activation["options"])


@pytest.mark.parametrize("view", MENU)
def test_every_view_opens_steps_and_resets(client, view):
    with client.websocket_connect(WS) as socket:
        socket.receive_json()
        setup, frame = opened(socket, view)
        assert setup["query"].startswith(f"view={view}&") and setup["equations"]
        assert frame["generation"] == setup["generation"]
        socket.send_json({"type": "step"})
        assert until(socket, "frame")["view"] == view
        socket.send_json({"type": "reset"})
        assert until(socket, "setup")["generation"] > setup["generation"]


def test_malformed_messages_get_a_message_and_the_socket_goes_on(client):
    with client.websocket_connect(WS) as socket:
        socket.receive_json()
        refused(socket, "not json", "not valid JSON")
        refused(socket, "[1, 2]", "JSON object", '"type"')
        refused(socket, '{"type": "set", "name": "lr", "value": NaN}', "NaN")
        refused(socket, {"type": "dance"}, "unknown message type 'dance'", "open")
        refused(socket, {"type": "set", "name": "lr", "value": 0.1}, "no view is open")
        refused(socket, {"type": "open", "view": "cnn"}, "view must be one of", "mlp")
        refused(socket, {"type": "open", "view": "mlp", "query": 7}, "query")
        opened(socket, "mlp")
        refused(socket, {"type": "set", "name": "lr", "value": True}, "lr", "True (bool)")
        refused(socket, {"type": "set", "name": "lr", "value": 100}, "lr", "≤ 10")
        refused(socket, {"type": "set", "name": "noise", "value": 2.5}, "noise", "integer")
        refused(socket, {"type": "set", "name": "depth", "value": 3}, "no setting 'depth'")
        refused(socket, {"type": "set", "name": "hidden", "value": [4, 9]}, "hidden[1]", "≤ 8")
        refused(socket, {"type": "set", "name": "hidden", "value": [1] * 7}, "at most 6")
        refused(socket, {"type": "set", "name": "features", "value": ["x3"]}, "features")
        refused(socket, {"type": "set", "name": "features", "value": []}, "at least one")
        refused(socket, {"type": "set", "name": "activation", "value": "softmax"}, "activation")
        refused(socket, {"type": "action", "name": "fly"}, "no action 'fly'", "inspect")
        refused(socket, {"type": "action", "name": "__init__"}, "no action")
        refused(socket, {"type": "action", "name": "inspect", "layer": 9, "neuron": 0,
                         "sample": 0}, "layer")
        refused(socket, {"type": "action", "name": "inspect", "layer": 1, "neuron": 0},
                "'sample' is missing")
        refused(socket, {"type": "action", "name": "set_weight", "layer": 1, "source": 0,
                         "neuron": 0, "value": "big"}, "value", "real number")
        refused(socket, {"type": "upload", "content": 3}, "upload")
        socket.send_bytes(b"\x00\x01")
        assert socket.receive_json()["type"] == "error"
        socket.send_json({"type": "set", "name": "noise", "value": 10})  # still served
        assert until(socket, "setup")["setup"]["noise"] == 10


def test_uploads_are_checked_and_a_good_one_becomes_the_data(client):
    with client.websocket_connect(WS) as socket:
        socket.receive_json()
        opened(socket, "mlp")
        refused(socket, {"type": "upload", "filename": "big.csv",
                         "content": "x" * (MAX_UPLOAD_BYTES + 1)}, "the most is")
        for content, words in [
            ("a,b\n1,2\n", ("three",)),
            ("x1,x2,label\n1,2,a\n3,oops,b\n4,5,a\n6,7,b\n", ("column 'x2'", "line 3", "oops")),
            ("x1,x2,label\n1,2,a\n3,4\n", ("line 3",)),
            ("x1,x2,label\n1,2,a\n3,4,a\n5,6,a\n7,8,a\n", ("1 classes",)),
            ("", ("no data",)),
        ]:
            refused(socket, {"type": "upload", "filename": "bad.csv", "content": content},
                    *words)
        rows = "\n".join(f"{i},{i % 7},{'yes' if i % 2 else 'no'}" for i in range(40))
        socket.send_json({"type": "upload", "filename": "good.csv",
                          "content": "x1,x2,label\n" + rows})
        setup = until(socket, "setup")
        assert setup["setup"]["data"] == "upload"
        assert setup["scene"]["classes"] == ["no", "yes"] and len(setup["scene"]["points"]) == 40
        extent = np.abs(np.array(setup["scene"]["points"])).max()
        assert extent == pytest.approx(6.0)


@pytest.mark.parametrize("view", MENU)
def test_a_link_round_trip_reproduces_the_setup(view):
    settings = VIEWS.get(view).settings
    changed = {"mlp": {"data": "spiral", "hidden": [8, 3], "lr": 0.003, "features": ["x1", "sin2"]},
               "neurons": {"model": "adaline", "data": "xor", "lr": 0.25},
               "hopfield": {"rule": "storkey", "patterns": ["d3", "d8"], "flip": 30},
               "boltzmann": {"units": 3, "weights": [1.5, -2.0, 0.25], "T": 0.5},
               "markov": {"states": 2, "matrix": [0.9, 0.1, 0.5, 0.5], "start": 1}}[view]
    setup = read_setup(settings, changed)
    query = format_query(view, settings, setup)
    again, problems = parse_query(settings, query)
    assert again == setup and not problems
    broken, problems = parse_query(settings, query.replace("seed=0", "seed=x") + "&colour=red")
    assert broken["seed"] == 0 and len(problems) == 2
    assert "seed must be an integer" in problems[0] and "'colour'" in problems[1]


def test_a_bad_link_opens_with_defaults_and_says_why(client):
    with client.websocket_connect(WS) as socket:
        socket.receive_json()
        setup, _ = opened(socket, "markov", "view=markov&states=2&matrix=0.5,0.6,0.2,0.8&noise=3")
        assert setup["setup"]["matrix"] == [0.7, 0.2, 0.1, 0.3, 0.4, 0.3, 0.2, 0.3, 0.5]
        assert any("row 0 of T sums to 1.1" in problem for problem in setup["problems"])
        assert any("'noise'" in problem for problem in setup["problems"])


def test_http_answers_4xx_with_a_message(client):
    for path in ("/nowhere", "/static/../sessions.py", "/static/js/nothing.js",
                 "/api/sessions/abc/export/model.nnl"):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert answer.json()["error"]
    assert client.post("/").status_code == 405
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400
    page = client.get("/")
    assert page.status_code == 200 and "nnlearn playground" in page.text
    for asset in ("js/app.js", "playground.css", "typeset/math.css",
                  "typeset/latinmodern-math.otf"):
        assert client.get(f"/static/{asset}").status_code == 200, asset


def test_a_page_of_another_origin_cannot_open_a_session(client):
    with pytest.raises(WebSocketDisconnect) as refusal, client.websocket_connect(
            WS, headers={"origin": "http://attacker.example"}) as socket:
        socket.receive_json()
    assert refusal.value.code == 1008


def test_tabs_are_isolated_and_a_closed_tab_is_freed(client):
    store = client.app.state.store
    with client.websocket_connect(WS) as first, client.websocket_connect(WS) as second:
        ids = first.receive_json()["session"], second.receive_json()["session"]
        assert ids[0] != ids[1] and len(store) == 2
        opened(first, "mlp", "data=xor&seed=1")
        opened(second, "mlp", "data=gauss&seed=2")
        first.send_json({"type": "set", "name": "noise", "value": 30})
        until(first, "setup")
        assert client.get(f"/api/sessions/{ids[1]}/export/train.py").text.count('"gauss"') == 1
        assert "noise=0.3" in client.get(f"/api/sessions/{ids[0]}/export/train.py").text
    deadline = time.monotonic() + 5
    while len(store) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(store) == 0
    assert client.get(f"/api/sessions/{ids[0]}/export/train.py").status_code == 404


def test_an_idle_tab_is_closed_and_freed():
    with TestClient(create_app(idle_seconds=0.2), base_url=BASE) as idle_client:
        with pytest.raises(WebSocketDisconnect) as closed, \
                idle_client.websocket_connect(WS) as socket:
            socket.receive_json()
            for _ in range(5):
                socket.receive_json()
        assert closed.value.code == 4000
        assert len(idle_client.app.state.store) == 0


def test_play_sends_frames_only_as_fast_as_the_page_draws_them(client):
    with client.websocket_connect(WS) as socket:
        socket.receive_json()
        opened(socket, "mlp", "data=circle&hidden=4")
        socket.send_json({"type": "ack"})
        socket.send_json({"type": "play"})
        epochs = []
        for _ in range(4):
            frame = until(socket, "frame")
            epochs.append(frame["epoch"])
            socket.send_json({"type": "ack"})
        socket.send_json({"type": "pause"})
        assert epochs == sorted(epochs) and epochs[-1] - epochs[0] == 3


def test_the_exported_model_file_holds_the_networks_weights(client, tmp_path):
    with client.websocket_connect(WS) as socket:
        session = socket.receive_json()["session"]
        opened(socket, "mlp", "data=spiral3&hidden=5")
        socket.send_json({"type": "step"})
        frame = until(socket, "frame")
        answer = client.get(f"/api/sessions/{session}/export/model.nnl")
    assert answer.status_code == 200
    assert "model.nnl" in answer.headers["content-disposition"]
    path = tmp_path / "model.nnl"
    path.write_bytes(answer.content)
    net = nl.load(path)
    np.testing.assert_allclose(net.layers[1].weight.data, frame["weights"][1], rtol=1e-5)
    metadata = nl.io.load_metadata(path)
    assert metadata["classes"] == ["0", "1", "2"] and "data=spiral3" in metadata["playground"]


def test_the_command_warns_off_loopback_and_refuses_a_bad_port(monkeypatch, capsys):
    from nnlearn import cli
    from nnlearn.playground import launch

    calls = []
    monkeypatch.setattr(launch, "serve", lambda *args, **kwargs: calls.append((args, kwargs)))
    assert cli.main(["playground", "--host", "0.0.0.0", "--port", "0", "--no-browser"]) == 0
    assert calls == [(("0.0.0.0", 0), {"open_browser": False})]
    assert "warning: listening on 0.0.0.0" in capsys.readouterr().err
    assert cli.main(["playground"]) == 0
    assert calls[-1] == (("127.0.0.1", 8000), {"open_browser": True})
    assert "warning" not in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["playground", "--port", "70000"])
    assert "a port number from 0 to 65535" in capsys.readouterr().err


def test_a_port_in_use_is_refused_with_what_to_do():
    from nnlearn.playground.launch import bind

    taken = bind("127.0.0.1", 0)
    try:
        with pytest.raises(ValueError, match=r"choose another --port \(0 picks a free one\)"):
            bind("127.0.0.1", taken.getsockname()[1])
    finally:
        taken.close()


def test_the_browser_opens_only_where_there_is_a_display(monkeypatch):
    from nnlearn.playground import launch

    monkeypatch.setattr(launch.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert not launch.has_display()
    monkeypatch.setenv("DISPLAY", ":0")
    assert launch.has_display()
