"""``nnlearn train`` and ``nnlearn predict`` on real-world CSV files.

The preprocessing is checked against what it means, computed here with pandas alone
(medians, means and standard deviations, one-hot columns, indicators), and the predictions
against the saved model applied in Python.
"""

import csv
from io import StringIO

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris
from sklearn.pipeline import Pipeline
from table_files import write_csv

import nnlearn as nl
from nnlearn import cli, io


@pytest.fixture
def iris_csv(tmp_path):
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    header = ["sepal length", "sepal width", "petal length", "petal width", "species"]
    return write_csv(tmp_path / "iris.csv", header,
                     [[*map(str, x), label] for x, label in zip(X, names, strict=True)])


@pytest.fixture
def mixed_frame():
    """Numbers with missing values, text with separators, quotes and missing values,
    true/false, and labels that need quoting in a CSV file."""
    rng = np.random.default_rng(0)
    n = 240
    frame = pd.DataFrame({
        "age": rng.integers(18, 80, n).astype(float),
        "income": rng.normal(5.0, 1.5, n).round(3),
        "city": rng.choice(["Paris", "Lyon", "Nice, FR", 'Le "Havre"'], n),
        "member": rng.choice([True, False], n),
    })
    frame.loc[rng.choice(n, 20, replace=False), "age"] = np.nan
    frame.loc[rng.choice(n, 15, replace=False), "city"] = np.nan
    score = frame.age.fillna(40) / 80 + (frame.city == "Paris") * 0.6 + frame.member * 0.4
    frame["label"] = np.where(score > 1.0, "high, good", np.where(score > 0.6, 'mid "ok"',
                                                                  "low\nbad"))
    return frame


def _train(data, model, *options):
    return cli.main(["train", str(data), "--out", str(model), *options])


def test_train_classifies_iris_and_predict_reproduces_it(iris_csv, tmp_path, capsys):
    model_path = tmp_path / "iris.nnl"
    assert _train(iris_csv, model_path, "--target", "species", "--hidden", "16") == 0
    out = capsys.readouterr().out
    assert "classification of 'species' (3 classes) from 4 features" in out
    assert "112 training and 38 test samples" in out
    assert "inputs: 4 numbers (standardized); 4 in all" in out
    assert float(out.split("test:  accuracy ")[1].split()[0]) >= 0.92
    model = nl.load(model_path)
    assert isinstance(model, Pipeline)
    network = model.named_steps["network"]
    assert network.hidden_layer_sizes == (16,)
    assert network.classes_.tolist() == ["setosa", "versicolor", "virginica"]
    assert io.load_metadata(model_path)["target"] == "species"

    out_csv = tmp_path / "predicted.csv"
    assert cli.main(["predict", str(model_path), str(iris_csv), "--out", str(out_csv)]) == 0
    predicted = pd.read_csv(out_csv)["species"]
    frame = pd.read_csv(iris_csv)
    assert predicted.tolist() == model.predict(frame.drop(columns="species")).tolist()
    assert np.mean(predicted == frame["species"]) >= 0.95

    capsys.readouterr()
    assert cli.main(["predict", str(model_path), str(iris_csv)]) == 0
    assert capsys.readouterr().out == out_csv.read_text()


def test_the_preprocessing_is_what_it_says(mixed_frame, tmp_path, capsys):
    """Medians and most frequent values fill the gaps, numbers are standardized with the
    training rows' mean and standard deviation, categories and gaps become 0/1 columns."""
    data = tmp_path / "mixed.csv"
    mixed_frame.to_csv(data, index=False)
    model_path = tmp_path / "mixed.nnl"
    assert _train(data, model_path, "--target", "label", "--test-size", "0.2",
                  "--epochs", "20") == 0
    out = capsys.readouterr().out
    preprocessing = nl.load(model_path).named_steps["preprocessing"]
    # the 80 % of the rows it was fitted to: the training rows of the same split
    from sklearn.model_selection import train_test_split
    features = mixed_frame.drop(columns="label")
    train, _ = train_test_split(features, test_size=0.2, random_state=0,
                                stratify=mixed_frame["label"])
    X = preprocessing.transform(_as_text(train))
    gaps = int(train.isna().sum().sum())
    assert "inputs: 2 numbers (standardized), 2 categories (one-hot), 2 missing-value " \
           f"indicators ({gaps} cells imputed with the median or the most frequent value); " \
           "10 in all" in out

    age, income = train["age"], train["income"]
    filled = age.fillna(age.median())
    np.testing.assert_allclose(X[:, 0], (filled - filled.mean()) / filled.std(ddof=0),
                               rtol=1e-12)
    np.testing.assert_allclose(X[:, 1], (income - income.mean()) / income.std(ddof=0),
                               rtol=1e-12)
    city = train["city"].fillna(train["city"].mode()[0])
    expected = pd.get_dummies(city).astype(float)  # columns in sorted order, as OneHotEncoder
    np.testing.assert_array_equal(X[:, 2:6], expected.to_numpy())
    np.testing.assert_array_equal(X[:, 6:8], pd.get_dummies(train["member"]).astype(float))
    np.testing.assert_array_equal(X[:, 8], age.isna().astype(float))
    np.testing.assert_array_equal(X[:, 9], train["city"].isna().astype(float))
    assert X.shape[1] == 10


def _as_text(frame):
    """The training frame with its categories as text, as nnlearn train prepares them."""
    frame = frame.copy()
    frame["member"] = frame["member"].astype(str)
    return frame


def test_predict_writes_labels_that_need_quoting_as_a_correct_csv(mixed_frame, tmp_path,
                                                                  capsys):
    data = tmp_path / "mixed.csv"
    mixed_frame.to_csv(data, index=False)
    model_path, out_csv = tmp_path / "m.nnl", tmp_path / "out.csv"
    assert _train(data, model_path, "--target", "label", "--epochs", "30") == 0
    assert cli.main(["predict", str(model_path), str(data), "--out", str(out_csv)]) == 0
    model = nl.load(model_path)
    expected = model.predict(_as_text(mixed_frame.drop(columns="label")))
    assert {"high, good", 'mid "ok"', "low\nbad"} == set(expected)  # every kind of label
    with open(out_csv, newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["label"] and [row[0] for row in rows[1:]] == expected.tolist()
    assert pd.read_csv(out_csv)["label"].tolist() == expected.tolist()
    assert np.mean(expected == mixed_frame["label"]) > 0.8


def test_predict_takes_new_columns_orders_extra_columns_and_unseen_categories(
        mixed_frame, tmp_path, capsys):
    data = tmp_path / "mixed.csv"
    mixed_frame.to_csv(data, index=False)
    model_path = tmp_path / "m.nnl"
    assert _train(data, model_path, "--target", "label", "--epochs", "10") == 0
    new = tmp_path / "new.csv"
    write_csv(new, ["extra", "member", "city", "income", "age"],
              [["1", "True", "Rome", "4.5", "30"], ["2", "False", "", "5.5", ""],
               ["3", "True", "Paris", "6", "61"]])
    capsys.readouterr()
    assert cli.main(["predict", str(model_path), str(new)]) == 0
    captured = capsys.readouterr()
    assert "column 'city' holds categories training never saw, taken for none: 'Rome'" \
        in captured.err
    frame = pd.DataFrame({"age": [30, np.nan, 61.0], "income": [4.5, 5.5, 6.0],
                          "city": ["Rome", np.nan, "Paris"], "member": ["True", "False", "True"]})
    model = nl.load(model_path)
    assert model.named_steps["preprocessing"].transform(frame)[0, 2:6].tolist() == [0] * 4
    printed = pd.read_csv(StringIO(captured.out))["label"]
    assert printed.tolist() == model.predict(frame).tolist()


def test_semicolons_decimal_commas_and_latin_1_are_read(mixed_frame, tmp_path, capsys):
    data = tmp_path / "european.csv"
    frame = mixed_frame.assign(city=mixed_frame.city.replace("Nice, FR", "Besançon"))
    frame.to_csv(data, index=False, sep=";", decimal=",", encoding="latin-1")
    model_path = tmp_path / "m.nnl"
    assert _train(data, model_path, "--target", "label", "--epochs", "5",
                  "--decimal", ",", "--encoding", "latin-1") == 0
    assert "2 numbers (standardized), 2 categories" in capsys.readouterr().out
    encoder = nl.load(model_path).named_steps["preprocessing"].named_transformers_[
        "categories"][-1]
    assert "Besançon" in encoder.categories_[0].tolist()
    # predict reads the new file as training read its file (decimal comma, latin-1)
    assert io.load_metadata(model_path)["decimal"] == ","
    capsys.readouterr()
    assert cli.main(["predict", str(model_path), str(data)]) == 0
    printed = pd.read_csv(StringIO(capsys.readouterr().out))["label"]
    read = pd.read_csv(data, sep=";", decimal=",", encoding="latin-1").drop(columns="label")
    assert printed.tolist() == nl.load(model_path).predict(_as_text(read)).tolist()


def test_tab_separator_can_be_given_and_quoted_fields_hold_separators(tmp_path, capsys):
    rows = [[f"{i / 10}", "a\tb" if i % 2 else "c", str(i % 2)] for i in range(40)]
    data = write_csv(tmp_path / "t.tsv", ["x", "text", "y"], rows, delimiter="\t")
    assert _train(data, tmp_path / "m.nnl", "--target", "y", "--epochs", "3",
                  "--sep", "tab") == 0
    assert "1 numbers (standardized), 1 categories" in capsys.readouterr().out
    categories = nl.load(tmp_path / "m.nnl").named_steps["preprocessing"] \
        .named_transformers_["categories"][-1].categories_[0]
    assert categories.tolist() == ["a\tb", "c"]


def test_dropna_leaves_rows_out_instead_of_imputing(mixed_frame, tmp_path, capsys):
    data = tmp_path / "mixed.csv"
    mixed_frame.to_csv(data, index=False)
    assert _train(data, tmp_path / "m.nnl", "--target", "label", "--epochs", "3",
                  "--dropna") == 0
    out = capsys.readouterr().out
    complete = int(mixed_frame.notna().all(axis=1).sum())
    assert f"--dropna leaves out {len(mixed_frame) - complete} rows with missing values" in out
    assert "missing-value indicators" not in out
    test_rows = int(np.ceil(0.25 * complete))
    assert f"{complete - test_rows} training and {test_rows} test samples" in out


def test_categories_ignore_and_rows_without_target(tmp_path, capsys):
    rows = [[str(i % 4), f"0{i % 3}", str(i), "xz"[i % 2] if i % 5 else ""] for i in range(80)]
    data = write_csv(tmp_path / "codes.csv", ["rating", "zip", "id", "y"], rows)
    assert _train(data, tmp_path / "m.nnl", "--target", "y", "--epochs", "3",
                  "--categories", "zip", "--categories", "rating", "--ignore", "id") == 0
    out = capsys.readouterr().out
    assert "note: 16 rows without a value of 'y' are left out" in out
    assert "from 2 features" in out and "2 categories (one-hot)" in out
    preprocessing = nl.load(tmp_path / "m.nnl").named_steps["preprocessing"]
    encoder = preprocessing.named_transformers_["categories"][-1]
    assert [c.tolist() for c in encoder.categories_] == [["0", "1", "2", "3"],
                                                         ["00", "01", "02"]]


def test_integer_labels_are_classes_unless_told(tmp_path, capsys):
    rows = [[str(i % 3), str(i / 10), str((i * 7) % 5)] for i in range(60)]
    data = write_csv(tmp_path / "ints.csv", ["label", "u", "v"], rows)
    assert _train(data, tmp_path / "c.nnl", "--target", "label", "--epochs", "5") == 0
    assert "classification of 'label' (3 classes)" in capsys.readouterr().out
    assert nl.load(tmp_path / "c.nnl")[-1].classes_.tolist() == [0, 1, 2]
    assert _train(data, tmp_path / "r.nnl", "--target", "label", "--task", "regression",
                  "--epochs", "5") == 0
    assert "regression of 'label'" in capsys.readouterr().out


def test_regression_predictions_round_trip_exactly(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(200, 2))
    y = np.sin(2 * X[:, 0]) + X[:, 1] ** 2
    data = write_csv(tmp_path / "wave.csv", ["y", "a", "b"],
                     [[repr(float(v)) for v in row] for row in np.column_stack([y, X])])
    model_path = tmp_path / "wave.nnl"
    assert _train(data, model_path, "--target", "y", "--hidden", "16,8", "--epochs", "300",
                  "--random-state", "1") == 0
    out = capsys.readouterr().out
    assert "regression of 'y' (one output) from 2 features" in out
    assert float(out.split("test:  R² ")[1].split(",")[0]) > 0.9
    swapped = write_csv(tmp_path / "new.csv", ["b", "a"],
                        [[repr(float(b)), repr(float(a))] for a, b in X])
    capsys.readouterr()
    assert cli.main(["predict", str(model_path), str(swapped)]) == 0
    printed = np.array(capsys.readouterr().out.splitlines()[1:], dtype=float)
    expected = nl.load(model_path).predict(pd.DataFrame({"a": X[:, 0], "b": X[:, 1]}))
    np.testing.assert_array_equal(printed, expected)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # 5 epochs
def test_a_model_saved_from_python_predicts_from_numbers(tmp_path, capsys):
    """A bare estimator (as older nnlearn train and Python users save them) still works."""
    X = np.arange(20.0).reshape(10, 2)
    model = nl.estimators.MLPRegressor((3,), max_iter=5, random_state=0).fit(X, X.sum(axis=1))
    path = tmp_path / "bare.nnl"
    nl.save(model, path, metadata={"features": ["a", "b"], "target": "y"})
    data = write_csv(tmp_path / "d.csv", ["b", "a"], [[str(b), str(a)] for a, b in X])
    assert cli.main(["predict", str(path), str(data)]) == 0
    printed = np.array(capsys.readouterr().out.splitlines()[1:], dtype=float)
    np.testing.assert_array_equal(printed, model.predict(X))


def test_help_lists_train_and_predict(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "train" in out and "predict" in out
