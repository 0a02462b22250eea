"""Reading CSV files for the command line: what pandas reads, read as pandas reads it, at its
speed and in memory proportional to the file."""

import time
import tracemalloc

import numpy as np
import pandas as pd
import pytest

from nnlearn import cli
from nnlearn.tabular import Columns, CsvFormat, read_csv, sniff_separator


@pytest.mark.parametrize(
    ("text", "separator"),
    [("a,b,c\n1,2,3\n", ","), ("a;b;c\n1,5;2,5;x\n", ";"), ("a\tb\n1 2\t3\n", "\t"),
     ("a|b\n1|2\n", "|"), ('name,remark\n"Smith; J.",ok\n"Doe; A.",no\n', ","),
     ('x;note\n1;"a, b, c"\n2;"d, e"\n', ";"), ("only\n1\n2\n", ","),
     ("a,b,c\n1,2\n3,4,5\n", ",")],  # a short row: the header decides
)
def test_the_separator_is_sniffed(text, separator):
    assert sniff_separator(text) == separator


def test_the_decimal_mark_is_never_taken_for_the_separator():
    assert sniff_separator("a,b\n1,5\n", decimal=",") == ";"  # ';' is the first other one


def test_a_cut_sample_does_not_count_its_last_row():
    text = "a;b\n1;2\n3;4\n5;" + "x" * 10  # cut off in its last row
    assert sniff_separator(text, complete=False) == ";"


def test_quoted_fields_byte_order_mark_and_short_rows(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes('\ufeffx,text,z\n1,"a ""quoted"", text\nover two lines",3\n2,b\n'
                     .encode())
    table = read_csv(path, "DATA")
    assert table.frame.columns.tolist() == ["x", "text", "z"]
    assert table.frame["text"].tolist() == ['a "quoted", text\nover two lines', "b"]
    assert table.frame["z"].isna().tolist() == [False, True]  # the short row's last cell


def test_header_names_are_stripped_and_empty_ones_named(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(" a , b,\n1,2,3\n")
    assert read_csv(path, "DATA").frame.columns.tolist() == ["a", "b", "Unnamed: 2"]


def test_text_columns_are_read_as_written(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("zip,n\n007,1\n10,2\n")
    frame = read_csv(path, "DATA", text_columns=["zip"]).frame
    assert frame["zip"].tolist() == ["007", "10"] and frame["n"].tolist() == [1, 2]


@pytest.mark.parametrize("options", [{"sep": "ab"}, {"decimal": ""}, {"sep": '"'},
                                     {"encoding": "klingon"}, {"sep": ",", "decimal": ","}])
def test_a_csv_format_that_means_nothing_is_refused(options):
    with pytest.raises(ValueError, match=r"sep|decimal|encoding"):
        CsvFormat(**options)


def _long_cell_file(path, n_rows=4000, cell=50_000):
    """issue 10's file: 4,000 rows, one 50,000-character cell (about 88 KB)."""
    rows = [f"{i / 10},{i % 2},{'ab'[i % 2]}" for i in range(n_rows)]
    rows[7] = f"0.7,1,{'x' * cell}"
    path.write_text("x,y,note\n" + "\n".join(rows) + "\n")
    return path


def _peak_bytes(run):
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_one_long_cell_costs_memory_in_proportion_to_the_file(tmp_path, capsys):
    """Reading it took 2.3 GB (training 32 s and 5.2 GB) when every cell was held as wide as
    the longest; now reading takes a few times the file's size, training some MiB."""
    data = _long_cell_file(tmp_path / "long.csv")
    size = data.stat().st_size
    assert 80_000 < size < 100_000
    assert _peak_bytes(lambda: read_csv(data, "DATA")) < 20 * size
    twice = _long_cell_file(tmp_path / "longer.csv", cell=100_000)
    assert _peak_bytes(lambda: read_csv(twice, "DATA")) < 20 * twice.stat().st_size
    start = time.perf_counter()
    peak = _peak_bytes(lambda: cli.main([
        "train", str(data), "--target", "y", "--epochs", "2", "--hidden", "4",
        "--out", str(tmp_path / "m.nnl")]))
    seconds = time.perf_counter() - start
    assert "1 numbers (standardized), 1 categories (one-hot)" in capsys.readouterr().out
    assert peak < 64 * 2**20 and seconds < 20, (peak, seconds)


def test_reading_a_sniffed_file_equals_what_was_written(tmp_path):
    """(What the sniffing and the checks cost beyond pandas' own read is measured by
    bench/bench_csv.py, not here.)"""
    rng = np.random.default_rng(0)
    n = 40_000
    frame = pd.DataFrame(rng.normal(size=(n, 6)), columns=list("abcdef"))
    frame["town"] = rng.choice(["Lyon", "Nice, FR", "Pau"], n)
    path = tmp_path / "big.csv"
    frame.to_csv(path, sep=";", index=False)
    pd.testing.assert_frame_equal(read_csv(path, "DATA").frame, frame)


@pytest.mark.parametrize("count", [np.int64(2), 2])
def test_max_categories_takes_numpy_integers_and_refuses_bools(count):
    frame = pd.DataFrame({"town": ["a", "b", "c"]})
    with pytest.raises(ValueError, match=r"holds 3 different values.* more than "
                                         "--max-categories 2"):
        Columns.infer(frame, ["town"], "DATA", max_categories=count)
    with pytest.raises(TypeError, match="max_categories must be a positive integer, got True"):
        Columns.infer(frame, ["town"], "DATA", max_categories=True)
