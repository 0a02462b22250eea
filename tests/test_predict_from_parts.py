"""``nnlearn predict`` applies a model from its file's parts, without scikit-learn.

The preprocessing's transform (:class:`nnlearn.tabular.FittedPreprocessing`) is compared bit
for bit with scikit-learn's ``ColumnTransformer.transform`` on generated tables, and the
network's predictions (:mod:`nnlearn.estimators.prediction`) with the estimator's; files
whose parts are not nnlearn train's, or do not agree, go through ``nl.load`` and its errors.
"""

import json
import re
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_files import entries, rewrite, write_entries

import nnlearn as nl
from nnlearn import cli, tabular
from nnlearn.csv_commands.predict import _from_parts
from nnlearn.estimators import MLPClassifier, MLPRegressor
from nnlearn.estimators.prediction import FittedClassifier, FittedRegressor, fitted_network
from nnlearn.io.model_reader import load_parts
from nnlearn.models import Perceptron

WORDS = ["red", "green", "blue", "2", "True", "Nice, FR"]


@st.composite
def tables(draw):
    """A training table and a new one: numbers and categories, with missing values, and in
    the new one categories training never saw."""
    n_numbers, n_categories = draw(st.integers(0, 3)), draw(st.integers(0, 2))
    if n_numbers + n_categories == 0:
        n_numbers = 1
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)

    def frame(n, words):
        columns = {}
        for i in range(n_numbers):
            values = rng.normal(rng.normal(0, 100), rng.uniform(0.1, 50), n).round(3)
            values[rng.random(n) < 0.2] = np.nan
            values[0] = rng.normal()  # no column is empty
            columns[f"x{i}"] = values
        for i in range(n_categories):
            values = rng.choice(words, n).astype(object)
            values[rng.random(n) < 0.2] = np.nan
            values[0] = words[0]
            columns[f"c{i}"] = values
        return pd.DataFrame(columns)

    return frame(draw(st.integers(5, 40)), WORDS[:4]), frame(draw(st.integers(1, 20)), WORDS)


def _fitted_column_transformer(train):
    columns = tabular.Columns.infer(train, list(train.columns), "DATA",
                                    categories=[c for c in train if c.startswith("c")])
    preprocessing = tabular.column_transformer(columns)
    preprocessing.fit(columns.prepare(train, "DATA"))
    return columns, preprocessing


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_the_transform_equals_scikit_learns_bit_for_bit(tmp_path_factory, pair):
    train, new = pair
    columns, preprocessing = _fitted_column_transformer(train)
    prepared = columns.prepare(new, "DATA")
    with warnings.catch_warnings(action="ignore"):  # scikit-learn's of unknown categories
        expected = preprocessing.transform(prepared)
    fitted = tabular.FittedPreprocessing.of(preprocessing)
    np.testing.assert_array_equal(fitted.transform(prepared, "DATA"), expected, strict=True)
    assert fitted.n_inputs == expected.shape[1]
    path = tmp_path_factory.mktemp("parts") / "preprocessing.nnl"
    nl.save(preprocessing, path)
    from_file = tabular.FittedPreprocessing.of(load_parts(path)[0])
    np.testing.assert_array_equal(from_file.transform(prepared, "DATA"), expected, strict=True)
    seen = columns.prepare(train, "DATA")
    unseen = {name: [v for v in dict.fromkeys(prepared[name].dropna())
                     if v not in set(seen[name].dropna())] for name in columns.categories}
    assert from_file.unseen_categories(prepared) == {k: v for k, v in unseen.items() if v}


@pytest.mark.parametrize("change", [
    ("numbers", 1, "with_mean", False), ("numbers", 0, "strategy", "mean"),
    ("categories", 1, "handle_unknown", "error"), ("categories", 1, "drop", "first"),
    ("categories", 0, "strategy", "constant")])
def test_another_preprocessing_is_not_taken_for_nnlearn_trains(change):
    rng = np.random.default_rng(0)
    train = pd.DataFrame({"x0": rng.normal(size=30), "c0": rng.choice(WORDS[:3], 30)})
    train.loc[3, "x0"] = np.nan
    _, preprocessing = _fitted_column_transformer(train)
    kind, step, key, value = change
    preprocessing.named_transformers_[kind][step].set_params(**{key: value})
    with pytest.raises(tabular.OtherPreprocessing, match=key):
        tabular.FittedPreprocessing.of(preprocessing)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel", "regression"])
def test_the_network_predicts_from_its_parts_as_the_estimator_does(tmp_path, kind, dtype):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 5))
    y = {"binary": np.where(X[:, 0] > 0, "yes", "no"),
         "multiclass": np.digitize(X[:, 0], [-0.5, 0.5]),
         "multilabel": (X[:, :3] > 0).astype(int),
         "regression": X @ rng.normal(size=5)}[kind]
    estimator = (MLPRegressor if kind == "regression" else MLPClassifier)(
        (8,), max_iter=20, random_state=0, dtype=dtype).fit(X, y)
    nl.save(estimator, tmp_path / "m.nnl")
    network = fitted_network(load_parts(tmp_path / "m.nnl")[0])
    assert type(network) is (FittedRegressor if kind == "regression" else FittedClassifier)
    np.testing.assert_array_equal(network.predict(X), estimator.predict(X), strict=True)
    if kind != "regression":
        np.testing.assert_array_equal(network.decision_function(X),
                                      estimator.decision_function(X), strict=True)


@pytest.fixture
def trained(tmp_path):
    rng = np.random.default_rng(0)
    n = 200
    frame = pd.DataFrame({"age": rng.integers(18, 80, n).astype(float),
                          "city": rng.choice(["Paris", "Lyon", "Nice, FR"], n),
                          "member": rng.choice([True, False], n)})
    frame.loc[rng.choice(n, 20, replace=False), "age"] = np.nan
    frame.loc[rng.choice(n, 10, replace=False), "city"] = np.nan
    frame["label"] = np.where(frame.age.fillna(40) / 80 + (frame.city == "Paris") > 1, "hi", "lo")
    frame["amount"] = frame.age.fillna(40) * 2.5 + (frame.city == "Lyon") * 10
    data = tmp_path / "data.csv"
    frame.to_csv(data, index=False)
    new = frame.drop(columns=["label", "amount"]).head(50).copy()
    new.loc[0, "city"] = "Pau"  # never seen in training
    rows = tmp_path / "rows.csv"
    new.to_csv(rows, index=False)
    return tmp_path, data, rows, new


@pytest.mark.parametrize("target", ["label", "amount"])
def test_predict_equals_the_saved_pipeline_applied_in_python(trained, target, capsys):
    folder, data, rows, new = trained
    model, out = folder / f"{target}.nnl", folder / f"{target}.csv"
    other = "amount" if target == "label" else "label"
    assert cli.main(["train", str(data), "--target", target, "--ignore", other,
                     "--epochs", "30", "--out", str(model)]) == 0
    assert cli.main(["predict", str(model), str(rows), "--out", str(out)]) == 0
    assert "'Pau'" in capsys.readouterr().err  # the note of an unseen category
    pipeline = nl.load(model)
    columns = tabular.Columns.of(pipeline[0])
    with warnings.catch_warnings(action="ignore"):
        expected = pipeline.predict(columns.prepare(new, "DATA"))
    written = pd.read_csv(out)[target].to_numpy()
    if target == "label":
        np.testing.assert_array_equal(written, expected)
    else:
        np.testing.assert_allclose(written, expected, rtol=1e-15)  # as written in the CSV file


def test_predict_imports_no_scikit_learn(trained):
    folder, data, rows, _ = trained
    model = folder / "m.nnl"
    assert cli.main(["train", str(data), "--target", "label", "--ignore", "amount",
                     "--epochs", "5", "--out", str(model)]) == 0
    script = ("import sys; from nnlearn import cli; cli.main(sys.argv[1:]); "
              "print(sorted(m for m in ('sklearn', 'scipy.stats', 'scipy.optimize') "
              "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script, "predict", str(model), str(rows)],
                            capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "[]"


def test_parts_that_disagree_get_nl_loads_error(trained, capsys):
    folder, data, rows, _ = trained
    model = folder / "m.nnl"
    assert cli.main(["train", str(data), "--target", "label", "--ignore", "amount",
                     "--epochs", "5", "--out", str(model)]) == 0

    def wrong_output(document):
        network = document["object"]["params"]["items"]["steps"][1]["items"][1]
        network["fitted"]["items"]["out_activation_"] = "softmax"  # two classes: logistic

    rewrite(model, wrong_output)
    capsys.readouterr()
    assert cli.main(["predict", str(model), str(rows)]) == 2
    assert "fitted attributes disagree: out_activation_='softmax' with 2 classes" in \
        capsys.readouterr().err


def test_a_model_saved_alone_from_python_still_predicts(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    rows = tmp_path / "rows.csv"
    pd.DataFrame(X, columns=["a", "b"]).to_csv(rows, index=False)
    for model in (Perceptron(random_state=0).fit(X, y),
                  MLPClassifier((4,), max_iter=10, random_state=0).fit(X, y)):
        path = tmp_path / f"{type(model).__name__}.nnl"
        nl.save(model, path)
        capsys.readouterr()
        assert cli.main(["predict", str(path), str(rows)]) == 0
        printed = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
        np.testing.assert_array_equal(printed["prediction"].to_numpy(), model.predict(X))


MUTATIONS = [None, [], [1, 2], "x", -1, 0, 2.5, 1e308, True, {"$type": "dict", "items": {}}]


def _leaves(node, path=()):
    """The paths of the values in a JSON document (not its "$type" tags)."""
    items = node.items() if isinstance(node, dict) else enumerate(node) \
        if isinstance(node, list) else ()
    for key, value in items:
        if key == "$type":
            continue
        yield (*path, key)
        yield from _leaves(value, (*path, key))


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mutations")
    rng = np.random.default_rng(3)
    n = 120
    frame = pd.DataFrame({"size": rng.normal(10, 3, n), "colour": rng.choice(["r", "g", "b"], n)})
    frame.loc[::7, "size"] = np.nan
    frame["label"] = np.where(frame["size"].fillna(10) + (frame.colour == "r") * 3 > 11, "a", "b")
    frame.to_csv(folder / "data.csv", index=False)
    new = frame.drop(columns="label").head(20)
    new.to_csv(folder / "rows.csv", index=False)
    assert cli.main(["train", str(folder / "data.csv"), "--target", "label", "--epochs", "5",
                     "--out", str(folder / "model.nnl")]) == 0
    return folder, new


@settings(max_examples=60, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_changed_model_file_is_applied_as_nl_load_reads_it_or_refused(saved_model, capsys,
                                                                         data):
    """Whatever one value of the file's document becomes, predict either exits 2 with one
    line, or predicts what the Pipeline nl.load builds from the file predicts, or, where
    nl.load refuses a value that predicting does not use (a parameter such as ``verbose``,
    the unfitted copy of the transformers), what the unchanged file predicts."""
    folder, new = saved_model
    model, changed = folder / "model.nnl", folder / "changed.nnl"
    document = json.loads(entries(model)["nnlearn.json"])
    where = data.draw(st.sampled_from(list(_leaves(document))))
    value = data.draw(st.sampled_from(MUTATIONS))
    node = document
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    contents = entries(model)
    contents["nnlearn.json"] = json.dumps(document).encode()
    write_entries(changed, contents)
    capsys.readouterr()
    status = cli.main(["predict", str(changed), str(folder / "rows.csv")])
    out, err = capsys.readouterr()
    if status != 0:
        assert status == 2 and err.startswith("nnlearn: error: ") and err.count("\n") == 1
        return
    try:
        pipeline = nl.load(changed)
    except nl.io.FileFormatError:
        pipeline = nl.load(model)
    with warnings.catch_warnings(action="ignore"):
        expected = pipeline.predict(tabular.Columns.of(pipeline[0]).prepare(new, "DATA"))
    printed = pd.read_csv(pd.io.common.StringIO(out)).iloc[:, 0].to_numpy()
    np.testing.assert_array_equal(printed, expected)


def test_classes_that_are_not_an_array_are_refused(tmp_path):
    X = np.random.default_rng(0).normal(size=(30, 2))
    estimator = MLPClassifier((3,), max_iter=5, random_state=0).fit(X, X[:, 0] > 0)
    nl.save(estimator, tmp_path / "m.nnl")
    rewrite(tmp_path / "m.nnl", lambda d: d["object"]["fitted"]["items"].update(classes_=[1, 2]))
    assert fitted_network(load_parts(tmp_path / "m.nnl")[0]) is None
    with pytest.raises(nl.io.FileFormatError, match="classes_ must be at least two distinct"):
        nl.load(tmp_path / "m.nnl")


def _preprocessing(document):
    return document["object"]["params"]["items"]["steps"][0]["items"][1]


def _fitted_indicator(document):
    ct = _preprocessing(document)["fitted"]["items"]["transformers_"]
    (indicator,) = [t["items"][1] for t in ct if t["items"][0] == "missing"]
    return indicator["fitted"]["items"]


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: _preprocessing(d).update(library="scikit-learn 0.1.0"),
     r"it was saved by 'scikit-learn 0.1.0'"),
    (lambda d: _fitted_indicator(d).update(_precomputed=True),
     "did not make \\(the missing-value indicator takes masks, not values\\)"),
], ids=["another scikit-learn", "an indicator of masks"])
def test_parts_predict_cannot_apply_get_nl_loads_reading(saved_model, tmp_path, capsys, edit,
                                                         message):
    """Parts the fast path does not apply go to nl.load, whose error the command prints."""
    folder, _ = saved_model
    changed = tmp_path / "changed.nnl"
    write_entries(changed, entries(folder / "model.nnl"))
    rewrite(changed, edit)
    assert _from_parts(load_parts(changed)[0]) is None
    capsys.readouterr()
    assert cli.main(["predict", str(changed), str(folder / "rows.csv")]) == 2
    assert re.search(message, capsys.readouterr().err)


def test_a_network_of_another_width_than_the_preprocessing_goes_to_nl_load(saved_model):
    folder, _ = saved_model
    parts = load_parts(folder / "model.nnl")[0]
    assert _from_parts(parts) is not None
    network = parts.params["steps"][1][1]
    network.fitted["n_features_in_"] += 1  # no longer the preprocessing's width
    assert _from_parts(parts) is None
