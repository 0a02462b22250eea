"""Every way ``nnlearn train`` and ``nnlearn predict`` can be given bad input ends in one line
naming the argument at fault and exit status 2: no traceback, no silent garbage."""

import os
import re
import shutil
import subprocess
import sys
import threading

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_files import rewrite
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from table_files import write_csv

import nnlearn as nl
from nnlearn import cli


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Small files, good and bad, by name; a model trained on ``good`` (features a, b)."""
    tmp_path = tmp_path_factory.mktemp("files")

    def table(name, header, rows, **options):
        return write_csv(tmp_path / f"{name}.csv", header, rows, **options)

    good_rows = [[str(i % 2), str(i), str(-i)] for i in range(12)]
    paths = {
        "dir": tmp_path,
        "good": table("good", ["y", "a", "b"], good_rows),
        "word": table("word", ["y", "a", "b"],
                      [["1", "0.5", "2"], ["0", "0.1", "high"], ["1", "0.3", "4"]]),
        "comma": table("comma", ["y", "a"], [["1", "0,5"], ["0", "1,25"]], delimiter=";"),
        "inf": table("inf", ["y", "a", "b"], [["1", "2", "3"], ["0", "inf", "4"]]),
        "huge": table("huge", ["y", "a", "b"],
                      [[str(i % 2), f"{(-1) ** i}e308", str(i)] for i in range(8)]),
        "tiny": table("tiny", ["y", "a", "b"],
                      [[str(i % 2), f"{i % 2}e-160", str(i)] for i in range(12)]),
        "vast": table("vast", ["a", "b"], [["0", "1"], ["1e150", "2"]]),
        "long": table("long", ["y", "a", "b"], [["1", "2", "3"], ["1", "2", "3", "4"]]),
        "repeated": table("repeated", ["y", "a", "a"], [["1", "2", "3"]]),
        "unnamed": table("unnamed", ["y", "a"], [["1", "2", "3"], ["0", "4", "5"]]),
        "empty": tmp_path / "empty.csv",
        "header": tmp_path / "header.csv",
        "latin": table("latin", ["y", "town"], [["1", "Besançon"]], encoding="latin-1"),
        "texts": table("texts", ["y", "a", "note"],
                       [[str(i % 2), str(i), f"note {i}"] for i in range(30)]),
        "textual": table("textual", ["y", "a"], [["a", "1"], ["b", "2"]]),
        "target_inf": table("target_inf", ["y", "a"], [["1", "2"], ["inf", "3"]]),
        "no_target": table("no_target", ["y", "a"], [["", "2"], ["", "3"]]),
        "one_class": table("one_class", ["y", "a"], [["x", "1"], ["x", "2"]]),
        "other": table("other", ["b", "c"], [["1", "2"]]),
        "gap": table("gap", ["a", "b"], [["1", ""]]),
        "wide": table("wide", ["a", "b", "c"], [["1", "2", "3"]]),
        "semicolon": table("semicolon", ["species", "a"], [["x", "1"]], delimiter=";"),
    }
    paths["empty"].write_bytes(b"")
    paths["header"].write_text("y,a,b\n")
    model = tmp_path / "model.nnl"
    assert cli.main(["train", str(paths["good"]), "--target", "y", "--epochs", "2",
                     "--out", str(model)]) == 0
    tiny_model = tmp_path / "tiny.nnl"
    assert cli.main(["train", str(paths["tiny"]), "--target", "y", "--epochs", "2",
                     "--out", str(tiny_model)]) == 0
    bare = tmp_path / "bare.nnl"
    with pytest.warns(ConvergenceWarning):  # two epochs
        regressor = nl.estimators.MLPRegressor((2,), max_iter=2).fit([[0, 1], [1, 0]], [0, 1])
    nl.save(regressor, bare, metadata={"features": ["a", "b"], "target": "y"})
    plain = tmp_path / "plain.nnl"
    nl.save(regressor, plain)
    foreign = tmp_path / "foreign.nnl"
    frame = pd.DataFrame({"a": [0.0, 1.0], "b": [1.0, 0.0]})
    scale = ColumnTransformer([("scale", StandardScaler(), ["a", "b"])]).fit(frame)
    nl.save(Pipeline([("scale", scale), ("network", regressor)]), foreign)
    unfitted = tmp_path / "unfitted.nnl"
    nl.save(nl.estimators.MLPClassifier(), unfitted)
    network = tmp_path / "network.nnl"
    nl.save(nl.Sequential(nl.Dense(2, 1)), network)
    listed, features = tmp_path / "listed.nnl", tmp_path / "features.nnl"
    for path, edit in ((listed, lambda d: d.update(metadata=[1, 2])),
                       (features, lambda d: d["metadata"].update(features=3))):
        shutil.copyfile(bare, path)
        rewrite(path, edit)
    paths.update(model=model, tiny_model=tiny_model, bare=bare, plain=plain, foreign=foreign,
                 unfitted=unfitted,
                 network=network, listed=listed, features=features)
    return paths


TRAIN = ["train", "--epochs", "2", "--out", "{dir}/out.nnl"]

ERRORS = [
    # reading DATA
    ([*TRAIN, "{dir}/missing.csv", "--target", "y"], "DATA: '.*missing.csv' does not exist"),
    ([*TRAIN, "{dir}", "--target", "y"], r"DATA: '.*' is not a regular file \(it is a "
                                         r"directory\)"),
    ([*TRAIN, "/dev/null", "--target", "y"], r"DATA: '/dev/null' is not a regular file \(it is "
                                             r"a character device\)"),
    ([*TRAIN, "{empty}", "--target", "y"], "DATA: '.*empty.csv' has no data; expected a header"),
    ([*TRAIN, "{header}", "--target", "y"], "DATA: '.*header.csv' has no data"),
    ([*TRAIN, "{long}", "--target", "y"], "DATA: line 3 has 4 values, the header 3"),
    ([*TRAIN, "{repeated}", "--target", "y"], r"DATA: the header names the column\(s\) \['a'\] "
                                              "more than once"),
    ([*TRAIN, "{unnamed}", "--target", "y"], r"DATA: the rows hold more values than the header "
                                             r"has names \(2\)"),
    ([*TRAIN, "{latin}", "--target", "y"], "DATA: '.*latin.csv' is not utf-8 text .*0xe7.*; "
                                           "give its encoding with --encoding"),
    ([*TRAIN, "{good}", "--target", "nope"], "--target: no column 'nope' in DATA; its columns "
                                             "are 'y', 'a', 'b' \\(read with the separator ','"),
    ([*TRAIN, "{semicolon}", "--target", "species", "--sep", ","],
     r"--target: no column 'species' in DATA; its columns are 'species;a' \(read with the "
     r"separator ','; give another with --sep\)"),
    ([*TRAIN, "{good}", "--target", "y", "--categories", "zz"], "--categories: no column 'zz'"),
    ([*TRAIN, "{good}", "--target", "y", "--ignore", "zz"], "--ignore: no column 'zz'"),
    ([*TRAIN, "{good}", "--target", "y", "--sep", ";", "--decimal", ";"],
     "--sep, --decimal, --encoding.*: sep and decimal must differ"),
    # the values of the columns
    ([*TRAIN, "{word}", "--target", "y"], r"DATA: column 'b' holds numbers, but row 2 holds "
                                          r"'high' \(leave a cell empty for a missing value\); "
                                          "if the column holds categories, say so with "
                                          "--categories 'b'"),
    ([*TRAIN, "{comma}", "--target", "y"], r"DATA: column 'a' holds numbers, but row 1 holds "
                                           r"'0,5' \(numbers with a decimal comma\? read them "
                                           r"with --decimal ,\)"),
    ([*TRAIN, "{inf}", "--target", "y"], r"DATA: column 'a' holds a value that is not finite "
                                         r"\(inf in row 2\)"),
    ([*TRAIN, "{huge}", "--target", "y"], "DATA: column 'a' holds numbers as large as 1e\\+308, "
                                          "too large to standardize"),
    ([*TRAIN, "{texts}", "--target", "y", "--max-categories", "20"],
     "DATA: column 'note' holds 30 different values; as categories they would be 30 columns "
     "of 0/1, more than --max-categories 20: leave the column out with --ignore 'note'"),
    ([*TRAIN, "{good}", "--target", "y", "--ignore", "a", "--ignore", "b"],
     "DATA: no feature columns besides the target 'y'"),
    ([*TRAIN, "{no_target}", "--target", "y"], "DATA: no row is left to train on"),
    ([*TRAIN, "{textual}", "--target", "y", "--task", "regression"],
     "--task regression: the target column 'y' must hold numbers, but row 1 holds 'a'"),
    ([*TRAIN, "{target_inf}", "--target", "y"], r"--target: column 'y' holds a value that is "
                                                r"not finite \(inf in row 2\)"),
    ([*TRAIN, "{good}", "--target", "y", "--test-size", "0.01"], "--test-size 0.01: "),
    ([*TRAIN, "{good}", "--target", "y", "--epochs", "1", "--lr", "1e308",
      "--no-early-stopping"], r"--lr 1e\+308: training diverged \(the network's outputs "
                              r"overflow\); try a smaller --lr"),
    ([*TRAIN, "{one_class}", "--target", "y"], r"--target: column 'y' holds one class only "
                                               r"\('x'\); a classifier learns to tell two"),
    # --out, checked before anything is read
    (["train", "{dir}/missing.csv", "--target", "y", "--out", "{dir}/no/such/m.nnl"],
     "--out: '.*m.nnl': the folder '.*such' does not exist \\(nnlearn does not create folders"),
    (["train", "{good}", "--target", "y", "--out", "{dir}"],
     "--out: '.*': is a directory, expected a file name"),
    (["predict", "{dir}/missing.nnl", "{good}", "--out", "{dir}/no/p.csv"],
     "--out: '.*p.csv': the folder '.*no' does not exist"),
    (["predict", "{model}", "{good}", "--out", "{dir}"], "--out: '.*': is a directory"),
    # MODEL
    (["predict", "{dir}/missing.nnl", "{good}"], "MODEL: path '.*missing.nnl': no such file"),
    (["predict", "{good}", "{good}"], "MODEL: '.*good.csv' is not an nnlearn file"),
    (["predict", "/dev/null", "{good}"], "MODEL: '/dev/null' is not a regular file"),
    (["predict", "{unfitted}", "{good}"], "MODEL: '.*unfitted.nnl' holds a MLPClassifier that "
                                          "was saved before it was fitted"),
    (["predict", "{network}", "{good}"], "MODEL: '.*network.nnl' holds a Sequential, not a "
                                         "trained estimator"),
    (["predict", "{listed}", "{good}"], "MODEL: '.*listed.nnl' has metadata that is a list"),
    (["predict", "{foreign}", "{good}"], "MODEL: '.*foreign.nnl' holds a preprocessing that "
                                         r"nnlearn train did not make \(the preprocessing has "
                                         r"sparse_threshold=0.3, not 0\); use it from Python"),
    (["predict", "{features}", "{good}"], "MODEL: the metadata of '.*features.nnl' gives the "
                                          "features 3, not a list of column names"),
    # predict's DATA
    (["predict", "{model}", "{long}"], "DATA: line 3 has 4 values, the header 3"),
    (["predict", "{model}", "{other}"], r"DATA: no column 'a' in DATA \(the model was trained "
                                        r"on 'a', 'b'\); its columns are 'b', 'c'"),
    (["predict", "{model}", "{word}"], "DATA: column 'b' must hold numbers, but row 2 holds "
                                       "'high'"),
    (["predict", "{model}", "{inf}"], r"DATA: column 'a' holds a value that is not finite "
                                      r"\(inf in row 2\)"),
    (["predict", "{tiny_model}", "{vast}"], "DATA: column 'a', row 2: 1e\\+150 overflows "
                                            "float64 when standardized as in training"),
    (["predict", "{bare}", "{gap}"], "DATA: column 'b' has no value in row 1, and this model "
                                     ".* takes no missing values"),
    (["predict", "{plain}", "{wide}"], "DATA: 3 feature columns, but the model expects 2"),
]


@pytest.mark.parametrize(("args", "message"), ERRORS,
                         ids=[f"{i}-{args[0]}" for i, (args, _) in enumerate(ERRORS)])
def test_bad_input_exits_2_with_one_line_naming_the_argument(files, capsys, args, message):
    capsys.readouterr()
    assert cli.main([arg.format(**files) for arg in args]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("nnlearn: error: ") and captured.err.count("\n") == 1
    assert re.search(message, captured.err), captured.err
    if "--out" in message:  # checked first: nothing was read or trained
        assert captured.out == ""


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [("--hidden", "32,x", "expected positive sizes"), ("--hidden", "0", "expected positive"),
     ("--epochs", "-3", "a positive integer"), ("--test-size", "1.5", "a number in \\(0, 1\\)"),
     ("--lr", "0", "a finite number > 0"), ("--lr", "inf", "a finite number > 0"),
     ("--lr", "nan", "a finite number > 0"), ("--task", "clustering", "invalid choice"),
     ("--random-state", "-1", r"an integer in \[0, 2\*\*32 − 1\]"),
     ("--random-state", "18446744073709551616", r"an integer in \[0, 2\*\*32 − 1\]"),
     ("--sep", "ab", "sep must be one character"), ("--decimal", '"', "decimal must be one"),
     ("--encoding", "klingon", "encoding must be a known text encoding"),
     ("--max-categories", "0", "a positive integer")],
)
def test_bad_options_are_refused_by_the_parser(capsys, option, value, expected):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["train", "data.csv", "--target", "y", option, value])
    assert exit_info.value.code == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith(f"nnlearn train: error: argument {option}: ")
    assert re.search(expected, last), last


def test_a_network_too_large_for_memory_is_one_line_in_a_real_process(files):
    """It used to end in a MemoryError traceback (the process itself is checked here)."""
    result = subprocess.run(
        [sys.executable, "-m", "nnlearn", "train", str(files["good"]), "--target", "y",
         "--hidden", "99999999999", "--out", str(files["dir"] / "m.nnl")],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert re.search("^nnlearn: error: --hidden 99999999999: a network of 2 inputs, these hidden "
                     "layers and 1 output.* more than this machine's", result.stderr)


def test_divergence_is_one_line_naming_the_learning_rate(files, capsys):
    """It used to end in a TrainingDiverged traceback."""
    assert cli.main(["train", str(files["good"]), "--target", "y", "--hidden", "4", "--lr",
                     "1e308", "--out", str(files["dir"] / "m.nnl")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert re.search(r"^nnlearn: error: --lr 1e\+308: training diverged .* try a smaller --lr",
                     err), err


def _main_within(args, seconds):
    """``cli.main(args)``, or None if it has not returned after ``seconds``."""
    status = []
    thread = threading.Thread(target=lambda: status.append(cli.main(args)), daemon=True)
    thread.start()
    thread.join(seconds)
    return status[0] if status else None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_as_data_or_model_is_refused_at_once(files, capsys):
    fifo = files["dir"] / "pipe.csv"
    os.mkfifo(fifo)
    for args, argument in ((["predict", str(files["model"]), str(fifo)], "DATA"),
                           (["predict", str(fifo), str(files["good"])], "MODEL"),
                           (["train", str(fifo), "--target", "y"], "DATA")):
        assert _main_within(args, seconds=20) == 2, f"{args[0]} blocked on a pipe as {argument}"
        assert f"{argument}: '{fifo}' is not a regular file (it is a named pipe (FIFO))" \
            in capsys.readouterr().err


#: For each option of train, values that work and values that do not.
VALUES = {
    "--target": ["y", "a", "zz", ""], "--task": ["classification", "regression", "x"],
    "--hidden": ["1", "2,3", "0", "99999999999", "1,,2"], "--epochs": ["1", "3", "0", "x"],
    "--solver": ["adam", "sgd", "lbfgs", "x"], "--lr": ["0.1", "1e-320", "1e308", "inf", "nan"],
    "--batch-size": ["1", "18446744073709551616", "0"],
    "--test-size": ["0.5", "0.01", "0.99", "1", "nan"],
    "--random-state": ["0", "4294967295", "4294967296", "-1"],
    "--sep": [",", ";", "tab", "ab", ""], "--decimal": [".", ",", ";", '"'],
    "--encoding": ["utf-8", "latin-1", "utf-16", "x"], "--categories": ["a", "b", "y", "zz"],
    "--ignore": ["a", "b", "y", "zz"], "--max-categories": ["1", "2", "0"],
    "--out": ["m.nnl", "no/m.nnl", ""],
}
OPTION = st.sampled_from(sorted(VALUES)).flatmap(
    lambda option: st.tuples(st.just(option), st.sampled_from(VALUES[option])))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(options=st.lists(OPTION, max_size=3),
       flags=st.lists(st.sampled_from(["--dropna", "--no-early-stopping"]), max_size=2))
def test_any_arguments_at_all_end_in_a_result_or_a_message(files, capsys, options, flags):
    """Working and odd values for the options of train: each run trains or says what is
    wrong, in one line."""
    argv = ["train", str(files["good"]), "--target", "y", "--epochs", "3",
            "--out", str(files["dir"] / "fuzz.nnl")]
    for option, value in options:
        argv += [option, str(files["dir"] / value) if option == "--out" else value]
    try:
        status = cli.main(argv + flags)
    except SystemExit as exit_info:  # the parser refused an option
        status = exit_info.code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert status in (0, 2), captured.err
    if status == 2:
        assert re.search(r"(^|\n)nnlearn( train)?: error: [^\n]+\n$", captured.err), captured.err
    else:
        assert "model saved to" in captured.out


PREDICT_VALUES = {option: VALUES[option] for option in ("--sep", "--decimal", "--encoding")}
PREDICT_VALUES["--out"] = ["p.csv", "no/p.csv", ""]
PREDICT_OPTION = st.sampled_from(sorted(PREDICT_VALUES)).flatmap(
    lambda option: st.tuples(st.just(option), st.sampled_from(PREDICT_VALUES[option])))


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(model=st.sampled_from(["model", "tiny_model", "bare", "plain", "unfitted", "good"]),
       data=st.sampled_from(["good", "word", "comma", "inf", "gap", "wide", "vast", "latin"]),
       options=st.lists(PREDICT_OPTION, max_size=3))
def test_predict_with_any_arguments_ends_in_a_result_or_a_message(files, capsys, model, data,
                                                                  options):
    argv = ["predict", str(files[model]), str(files[data])]
    for option, value in options:
        argv += [option, str(files["dir"] / value) if option == "--out" else value]
    try:
        status = cli.main(argv)
    except SystemExit as exit_info:
        status = exit_info.code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert status in (0, 2), captured.err
    if status == 2:
        assert re.search(r"(^|\n)nnlearn( predict)?: error: [^\n]+\n$", captured.err)
