"""Update rates of the playground's MLP view: one tab training, and four tabs at once.

    python bench/bench_playground.py [--seconds 6] [--repeats 3]

The server runs as a user runs it (``nnlearn playground --no-browser --port 0``, a
subprocess); this process opens N WebSocket clients to it, each a tab that opens the same
MLP setup (the spiral, two hidden layers of 8 neurons, batch size 10, 200 training
points) and presses play. A client acknowledges every frame as soon as it arrives (a page
does so once it has drawn it) and counts the frames of a window after a warm-up second;
every frame is one epoch of training and the new surface, neuron maps, weights and losses.
Runs of 1 tab and of 4 tabs alternate, repeated; the medians are reported, with the frame
size. The issue asks for at least 10 updates a second with one tab and 3 a second each
with four (the server sends at most 30 a second to a tab).

The machines are shared and noisy: other engineers' jobs take cores while this runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
import statistics
import subprocess
import sys
import time

SETUP = "view=mlp&data=spiral&hidden=8,8&features=x1,x2&batch=10&train=50&seed=0"


async def tab(url: str, seconds: float, warm_up: float = 1.0) -> tuple[float, int]:
    """One playing tab: its frames per second over ``seconds``, and its frames' size."""
    from websockets.asyncio.client import connect

    async with connect(url, max_size=None) as socket:
        await socket.recv()  # hello
        await socket.send(json.dumps({"type": "open", "view": "mlp", "query": SETUP}))
        await socket.send(json.dumps({"type": "play"}))
        started = counted = None
        frames, size = 0, 0
        while True:
            text = await socket.recv()
            message = json.loads(text)
            if message["type"] != "frame":
                continue
            await socket.send('{"type": "ack"}')
            now = time.perf_counter()
            started = started or now
            if counted is None and now - started >= warm_up:
                counted, frames = now, 0
            elif counted is not None:
                frames, size = frames + 1, len(text)
                if now - counted >= seconds:
                    rate = frames / (now - counted)
                    await socket.send('{"type": "pause"}')
                    while json.loads(await socket.recv()) != {"type": "status", "playing": False,
                                                               "reason": ""}:
                        pass  # a page reads on until the server says it has paused
                    return rate, size


async def tabs(url: str, n: int, seconds: float) -> list[tuple[float, int]]:
    return await asyncio.gather(*(tab(url, seconds) for _ in range(n)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="the measured window")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "nnlearn", "playground", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        address = re.search(r"http://([\d.]+:\d+)/", server.stdout.readline()).group(1)
        url = f"ws://{address}/ws"
        one, four, size = [], [], 0
        for _ in range(args.repeats):   # interleaved: each load change hits both
            (rate, size), = asyncio.run(tabs(url, 1, args.seconds))
            one.append(rate)
            four.append(statistics.median(r for r, _ in asyncio.run(tabs(url, 4, args.seconds))))
    finally:
        server.send_signal(signal.SIGINT)   # Ctrl-C
        server.wait(20)
    print(f"MLP view, {SETUP}")
    print(f"frame size: {size / 1024:.1f} KiB of JSON")
    print(f"1 tab:  {statistics.median(one):5.1f} updates/s (runs: "
          f"{', '.join(f'{r:.1f}' for r in one)}); asked: >= 10")
    print(f"4 tabs: {statistics.median(four):5.1f} updates/s each, median of the tabs (runs: "
          f"{', '.join(f'{r:.1f}' for r in four)}); asked: >= 3")


if __name__ == "__main__":
    main()
