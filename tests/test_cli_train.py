"""``nnlearn train`` and ``nnlearn predict`` on small CSV files."""

import csv
import re

import numpy as np
import pytest
from sklearn.datasets import load_iris

import nnlearn as nl
from nnlearn import cli, io


def _write_csv(path, header, rows):
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def iris_csv(tmp_path):
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    header = ["sepal length", "sepal width", "petal length", "petal width", "species"]
    return _write_csv(tmp_path / "iris.csv", header,
                      [[*map(str, x), label] for x, label in zip(X, names, strict=True)])


@pytest.fixture
def regression_csv(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(200, 2))
    y = np.sin(2 * X[:, 0]) + X[:, 1] ** 2
    return _write_csv(tmp_path / "wave.csv", ["y", "a", "b"],
                      [[repr(float(v)) for v in row] for row in np.column_stack([y, X])])


def _read_lines(path):
    return path.read_text().splitlines()


def _read_rows(path):
    with open(path, newline="") as file:
        return list(csv.reader(file))[1:]


def test_train_classifies_iris_and_predict_reproduces_it(iris_csv, tmp_path, capsys):
    model_path = tmp_path / "iris.nnl"
    assert cli.main(["train", str(iris_csv), "--target", "species", "--out", str(model_path),
                     "--hidden", "16"]) == 0
    out = capsys.readouterr().out
    assert "classification of 'species' (3 classes) from 4 features" in out
    assert "112 training and 38 test samples" in out
    test_accuracy = float(out.split("test:  accuracy ")[1].split()[0])
    assert test_accuracy >= 0.92
    model = nl.load(model_path)
    assert model.hidden_layer_sizes == (16,) and model.classes_.tolist() == [
        "setosa", "versicolor", "virginica"]
    assert io.load_metadata(model_path)["target"] == "species"

    out_csv = tmp_path / "predicted.csv"
    assert cli.main(["predict", str(model_path), str(iris_csv), "--out", str(out_csv)]) == 0
    predicted = _read_lines(out_csv)
    truth = [row[-1] for row in _read_rows(iris_csv)]
    assert predicted[0] == "species" and len(predicted) == 151
    X = np.loadtxt(iris_csv, delimiter=",", skiprows=1, usecols=range(4))
    assert predicted[1:] == model.predict(X).tolist()
    assert np.mean(np.array(predicted[1:]) == np.array(truth)) >= 0.95

    capsys.readouterr()
    assert cli.main(["predict", str(model_path), str(iris_csv)]) == 0
    assert capsys.readouterr().out.splitlines() == predicted


def test_train_regression_is_inferred_and_features_are_found_by_name(regression_csv, tmp_path,
                                                                       capsys):
    model_path = tmp_path / "wave.nnl"
    assert cli.main(["train", str(regression_csv), "--target", "y", "--hidden", "16,8",
                     "--epochs", "300", "--out", str(model_path), "--random-state", "1"]) == 0
    out = capsys.readouterr().out
    assert "regression of 'y' (one output) from 2 features" in out
    assert float(out.split("test:  R² ")[1].split(",")[0]) > 0.9
    # the columns come in another order and without the target: they are matched by name
    rows = _read_rows(regression_csv)
    swapped = _write_csv(tmp_path / "new.csv", ["b", "a"], [[b, a] for _, a, b in rows])
    capsys.readouterr()
    assert cli.main(["predict", str(model_path), str(swapped)]) == 0
    printed = capsys.readouterr().out.splitlines()
    X = np.array([[float(a), float(b)] for _, a, b in rows])
    expected = nl.load(model_path).predict(X)
    np.testing.assert_array_equal(np.array(printed[1:], dtype=float), expected)


def test_integer_labels_are_classes_unless_told(tmp_path, capsys):
    rows = [[str(i % 3), str(i / 10), str((i * 7) % 5)] for i in range(60)]
    data = _write_csv(tmp_path / "ints.csv", ["label", "u", "v"], rows)
    assert cli.main(["train", str(data), "--target", "label", "--epochs", "5",
                     "--out", str(tmp_path / "c.nnl")]) == 0
    assert "classification of 'label' (3 classes)" in capsys.readouterr().out
    assert nl.load(tmp_path / "c.nnl").classes_.tolist() == [0, 1, 2]
    assert cli.main(["train", str(data), "--target", "label", "--task", "regression",
                     "--epochs", "5", "--out", str(tmp_path / "r.nnl")]) == 0
    assert "regression of 'label'" in capsys.readouterr().out


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # a 2-epoch model
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", "{dir}/missing.csv", "--target", "y"], "DATA: '.*missing.csv' does not exist"),
        (["train", "{dir}", "--target", "y"], "DATA: '.*' is a directory"),
        (["train", "{bad}", "--target", "nope"], "--target: no column 'nope' in DATA; its "
                                                 "columns are y, a, b"),
        (["train", "{bad}", "--target", "y"], "DATA: column 'b' must hold numbers, but line 3 "
                                              "holds 'high'"),
        (["train", "{bad}", "--target", "a", "--task", "regression"],
         "DATA: column 'b' must hold numbers"),
        (["train", "{ragged}", "--target", "y"], "DATA: line 3 has 2 values, the header 3"),
        (["predict", "{dir}/missing.nnl", "{bad}"], "MODEL: path '.*missing.nnl': no such file"),
        (["predict", "{bad}", "{bad}"], "MODEL: '.*bad.csv' is not an nnlearn file"),
        (["predict", "{model}", "{ragged}"], "DATA: line 3 has 2 values"),
        (["predict", "{model}", "{other}"], r"DATA: no column\(s\) \['a'\]; the model was "
                                            r"trained on \['a', 'b'\]"),
        (["train", "{good}", "--target", "y", "--epochs", "1", "--out", "{dir}"],
         "--out: path '.*' is a directory"),
        (["predict", "{model}", "{good}", "--out", "{dir}"], "--out: cannot write '.*'"),
    ],
)
def test_bad_input_exits_2_with_a_message_naming_the_argument(tmp_path, capsys, args, message):
    bad = _write_csv(tmp_path / "bad.csv", ["y", "a", "b"],
                     [["1", "0.5", "2"], ["0", "0.1", "high"], ["1", "0.3", "4"]])
    ragged = _write_csv(tmp_path / "ragged.csv", ["y", "a", "b"], [["1", "2", "3"], ["1", "2"]])
    other = _write_csv(tmp_path / "other.csv", ["b", "c"], [["1", "2"]])
    good = _write_csv(tmp_path / "good.csv", ["y", "a", "b"],
                      [[str(i % 2), str(i), str(-i)] for i in range(8)])
    model = tmp_path / "model.nnl"
    nl.save(nl.estimators.MLPRegressor((2,), max_iter=2).fit([[0, 1], [1, 0]], [0, 1]), model,
            metadata={"features": ["a", "b"], "target": "y"})
    paths = {"dir": tmp_path, "bad": bad, "ragged": ragged, "other": other, "model": model,
             "good": good}
    capsys.readouterr()
    assert cli.main([arg.format(**paths) for arg in args]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("nnlearn: error: ")
    assert "Traceback" not in captured.err
    assert re.search(message, captured.err), captured.err


@pytest.mark.parametrize(
    ("option", "value"),
    [("--hidden", "32,x"), ("--hidden", "0"), ("--epochs", "-3"), ("--test-size", "1.5"),
     ("--lr", "0"), ("--task", "clustering"), ("--random-state", "-1")],
)
def test_bad_options_are_refused_by_the_parser(tmp_path, capsys, option, value):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["train", "data.csv", "--target", "y", option, value])
    assert exit_info.value.code == 2
    assert f"argument {option}" in capsys.readouterr().err


def test_help_lists_train_and_predict(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "train" in out and "predict" in out
