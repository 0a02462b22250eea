"""Reading a CSV file for ``nnlearn train``: :func:`nnlearn.tabular.read_csv` against pandas.

A file of ``--rows`` rows (8 columns of numbers, one of text, a semicolon separator, about
79 MB for the default 1,000,000 rows) is read by ``read_csv`` (the separator sniffed, the
header checked) and by ``pandas.read_csv`` told the separator, interleaved; the ratio is
nnlearn / pandas (1 means no cost beyond pandas' own read).

    python bench/bench_csv.py [--rows 1000000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from timing import best_of

from nnlearn.tabular import read_csv


def write_file(path: Path, rows: int) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(rows, 8)).round(6), columns=[f"x{i}" for i in range(8)])
    frame["town"] = rng.choice(["Lyon", "Nice, FR", "Pau", "Besançon"], rows)
    frame.to_csv(path, sep=";", index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.csv"
        write_file(path, args.rows)
        ours, theirs = best_of(args.repeats, lambda: read_csv(path, "DATA"),
                               lambda: pd.read_csv(path, sep=";", low_memory=False))
        size = path.stat().st_size / 1e6
    print(f"{args.rows:,} rows, {size:.0f} MB: nnlearn.tabular.read_csv {ours:.2f} s, "
          f"pandas.read_csv {theirs:.2f} s, ratio {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
