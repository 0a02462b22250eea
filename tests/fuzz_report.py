"""A long fuzzing campaign over nnlearn's public entry points, counted.

Each entry point of :data:`fuzzing.ENTRY_POINTS` runs in child processes, so a crash (a
signal such as a segmentation fault) or a hang (no answer within ``--timeout`` seconds) is
counted instead of ending the campaign; a child that crashes or hangs is replaced and the
campaign goes on with the next value. Prints, per entry point and in total, the counts of
tries, good, unclear, wrong, crash and hang, and the first findings of each kind.

Run: ``python tests/fuzz_report.py [--examples 400] [--timeout 60] [--only NAME]``
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
from collections import Counter
from pathlib import Path
from queue import Empty

sys.path.insert(0, str(Path(__file__).parent))

KINDS = ("good", "unclear", "wrong", "crash", "hang")


def _worker(index: int, seed: int, examples: int, results: mp.Queue) -> None:
    """Draw values for one entry point and report each verdict, one message per try."""
    from fuzzing import ENTRY_POINTS, verdict
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    entry = ENTRY_POINTS[index]

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=["generate"])
    @given(st.data())
    def campaign(data: st.DataObject) -> None:
        value = data.draw(entry.values)
        results.put(("start", repr(value)[:200]))
        outcome, detail = verdict(entry, value)
        results.put((outcome, detail[:300]))

    import hypothesis

    hypothesis.seed(seed)(campaign)()
    results.put(("done", ""))


def run_entry(index: int, examples: int, timeout: float) -> tuple[Counter, dict[str, list[str]]]:
    """The verdicts of ``examples`` tries of entry point ``index``, crashes and hangs included."""
    counts: Counter = Counter()
    findings: dict[str, list[str]] = {kind: [] for kind in KINDS}
    seed, left = 0, examples
    context = mp.get_context("spawn")
    while left > 0:
        results: mp.Queue = context.Queue()
        child = context.Process(target=_worker, args=(index, seed, left, results))
        child.start()
        current, waited = "", 0.0
        while True:
            try:
                kind, detail = results.get(timeout=1.0)
            except Empty:
                waited += 1.0
                if child.is_alive() and waited < timeout:
                    continue
                kind = "hang" if child.is_alive() else "crash"
                counts[kind] += 1
                left -= 1
                findings[kind].append(f"{current} (exit code {child.exitcode})")
                child.kill()
                break
            waited = 0.0
            if kind == "start":
                current = detail
            elif kind == "done":
                left = 0
                break
            else:
                counts[kind] += 1
                left -= 1
                if kind != "good":
                    findings[kind].append(f"{current} -> {detail}")
        child.join()
        seed += 1
    return counts, findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=400, help="tries per entry point")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a hang")
    parser.add_argument("--only", help="run the entry points whose name contains this")
    args = parser.parse_args()
    from fuzzing import ENTRY_POINTS

    total: Counter = Counter()
    for index, entry in enumerate(ENTRY_POINTS):
        if args.only and args.only not in entry.name:
            continue
        counts, findings = run_entry(index, args.examples, args.timeout)
        total.update(counts)
        tries = sum(counts.values())
        line = ", ".join(f"{kind} {counts[kind]}" for kind in KINDS)
        print(f"{entry.name:28s} tries {tries:5d}: {line}", flush=True)
        for kind in KINDS[1:]:
            for finding in findings[kind][:3]:
                print(f"    {kind}: {finding}", flush=True)
    tries = sum(total.values())
    print(f"\n{'total':28s} tries {tries:5d}: " + ", ".join(f"{k} {total[k]}" for k in KINDS))


if __name__ == "__main__":
    main()
