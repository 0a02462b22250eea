"""scikit-learn's transformers in nnlearn files: saved without pickle, rebuilt exactly, and
refused with ``FileFormatError`` when the file's parts disagree."""

import json

import numpy as np
import pandas as pd
import pytest
import sklearn
from model_files import entries, rewrite
from sklearn.compose import ColumnTransformer
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

import nnlearn as nl
from nnlearn import io
from nnlearn.estimators import MLPClassifier

RNG = np.random.default_rng(0)
FRAME = pd.DataFrame({
    "x": RNG.normal(size=40), "z": np.where(RNG.random(40) < 0.2, np.nan, RNG.normal(size=40)),
    "town": RNG.choice(["Lyon", "Nice", "Pau"], 40).astype(object),
})
FRAME.loc[[3, 7], "town"] = np.nan


def _column_transformer(remainder="drop"):
    """Columns z and town transformed, x left out (the remainder)."""
    return ColumnTransformer([
        ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), ["z"]),
        ("categories", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                     OneHotEncoder(handle_unknown="ignore",
                                                   sparse_output=False)), ["town"]),
        ("missing", MissingIndicator(features="all"), ["z", "town"]),
    ], remainder=remainder, sparse_threshold=0)


FITTED = {
    "scaler": lambda: StandardScaler().fit(FRAME[["x", "z"]].fillna(0)),
    "scaler without mean": lambda: StandardScaler(with_mean=False).fit(FRAME[["x"]]),
    "median imputer": lambda: SimpleImputer(strategy="median", add_indicator=True).fit(
        FRAME[["x", "z"]]),
    "text imputer": lambda: SimpleImputer(strategy="most_frequent").fit(FRAME[["town"]]),
    "indicator": lambda: MissingIndicator().fit(FRAME[["x", "z"]]),
    "encoder": lambda: OneHotEncoder(handle_unknown="ignore").fit(FRAME[["town"]].fillna("?")),
    "column transformer": lambda: _column_transformer().fit(FRAME),
}


@pytest.mark.parametrize("name", FITTED)
def test_fitted_transformers_round_trip_exactly(tmp_path, name):
    transformer = FITTED[name]()
    path = tmp_path / "t.nnl"
    nl.save(transformer, path)
    copy = nl.load(path)
    assert type(copy) is type(transformer) and repr(copy) == repr(transformer)
    X = FRAME[transformer.feature_names_in_] if hasattr(transformer, "feature_names_in_") \
        else FRAME
    new = X.iloc[::-1].copy()
    if "town" in new:
        new.iloc[0, list(new.columns).index("town")] = "Brest"  # a category never seen
    for data in (X, new):
        np.testing.assert_array_equal(_dense(copy.transform(data)),
                                      _dense(transformer.transform(data)))


def _dense(X):
    return X.toarray() if hasattr(X, "toarray") else X


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_pipeline_ending_in_a_network_predicts_as_before(tmp_path):
    y = (FRAME["x"] > 0).to_numpy().astype(int)
    pipeline = Pipeline([("preprocessing", _column_transformer()),
                         ("network", MLPClassifier((4,), max_iter=30, random_state=0))])
    pipeline.fit(FRAME, y)
    nl.save(pipeline, tmp_path / "p.nnl")
    copy = nl.load(tmp_path / "p.nnl")
    np.testing.assert_array_equal(copy.predict_proba(FRAME), pipeline.predict_proba(FRAME))


@pytest.fixture
def saved(tmp_path):
    """A fitted ColumnTransformer in a file."""
    path = tmp_path / "ct.nnl"
    nl.save(_column_transformer().fit(FRAME), path)
    return path


def _state(document, *steps):
    """The fitted state (JSON) of the transformer reached by ``steps`` from the top one."""
    node = document["object"]
    for step in steps:
        node = step(node)
    return node["fitted"]["items"]


def _fitted_transformer(index, step=None):
    """Step to the fitted transformer ``index`` of a ColumnTransformer (and its ``step``)."""
    def go(node):
        node = _state({"object": node})["transformers_"][index]["items"][1]
        return node if step is None else node["params"]["items"]["steps"][step]["items"][1]
    return go


def _json_slice(start, stop):
    return {"$type": "slice", "items": [start, stop, None]}


HOSTILE = [
    # (what is changed, the change, the message)
    ("scale_ None", lambda d: _state(d, _fitted_transformer(0, 1)).update(scale_=None),
     "with_std is true, scale_ None"),
    ("mean_ a number", lambda d: _state(d, _fitted_transformer(0, 1)).update(mean_=3.0),
     r"mean_ must be None or 1 finite numbers, got 3.0"),
    ("statistics_ a number", lambda d: _state(d, _fitted_transformer(0, 0)).update(
        statistics_=1), "statistics_ must be 1 values"),
    ("features_ a list", lambda d: _state(d, _fitted_transformer(2)).update(features_=[0, 5]),
     "features_ must be increasing column indices below 2"),
    ("_n_features_outs", lambda d: _state(d, _fitted_transformer(1, 1)).update(
        _n_features_outs=[5]), r"_n_features_outs must be \[3\]"),
    ("drop_idx_", lambda d: _state(d, _fitted_transformer(1, 1)).update(drop_idx_=[0]),
     "nnlearn files hold OneHotEncoders that drop no category"),
    ("output_indices_", lambda d: _state(d)["output_indices_"]["items"].update(
        numbers=_json_slice(0, 4)), "output_indices_ must be"),
    ("input indices", lambda d: _state(d)["_transformer_to_input_indices"]["items"].update(
        numbers=[0, 7]), "_transformer_to_input_indices must be"),
    ("unknown column", lambda d: _state(d)["transformers_"][0]["items"][2].__setitem__(
        0, "nope"), r"columns \['nope'\] are not all among feature_names_in_"),
    ("n_features_in_ a bool", lambda d: _state(d).update(n_features_in_=True),
     "n_features_in_ must be a positive integer, got True"),
    ("a method's name", lambda d: _state(d).update(transform=1),
     "'transform' is not an attribute that fitting a ColumnTransformer sets"),
    ("a dunder name", lambda d: _state(d).update(__class__=1),
     "'__class__' is not an attribute that fitting a ColumnTransformer sets"),
    ("an invalid parameter", lambda d: d["object"]["params"]["items"].update(remainder="eat"),
     "The 'remainder' parameter of ColumnTransformer must be"),
    ("another scikit-learn", lambda d: d["object"].update(library="scikit-learn 0.1.0"),
     r"it was saved by 'scikit-learn 0.1.0'; this is scikit-learn \d"),
    ("no library", lambda d: d["object"].pop("library"), "it was saved by None"),
    ("an unknown class", lambda d: d["object"].update(name="Pickler"),
     "names an unknown estimator 'Pickler'; this nnlearn knows .*ColumnTransformer"),
    ("an unknown dtype", lambda d: _state(d, _fitted_transformer(0, 0))["_fit_dtype"].update(
        name="V8"), "the dtype 'V8'; nnlearn files name"),
    # found by changing one value of a model file at a time (test_predict_from_parts)
    ("_fill_dtype a list", lambda d: _state(d, _fitted_transformer(0, 0)).update(
        _fill_dtype=[]), "_fill_dtype must be a dtype"),
    ("_precomputed a list", lambda d: _state(d, _fitted_transformer(2)).update(
        _precomputed=[1, 2]), "_precomputed must be true or false"),
    ("the encoder's dtype a list", lambda d: _fitted_transformer(1, 1)(d["object"])["params"][
        "items"].update(dtype=[]), "dtype must be a NumPy number type, got"),
    ("a sparse output", lambda d: _state(d).update(sparse_output_=True),
     "false where sparse_threshold is 0"),
    ("no jobs", lambda d: d["object"]["params"]["items"].update(n_jobs=0),
     "n_jobs must not be 0"),
]


@pytest.mark.parametrize(("change", "edit", "message"), HOSTILE,
                         ids=[change for change, _, _ in HOSTILE])
def test_a_file_whose_transformer_disagrees_with_itself_is_refused(saved, change, edit,
                                                                   message):
    rewrite(saved, edit)
    with pytest.raises(io.FileFormatError, match=message):
        nl.load(saved)


def test_a_pipeline_whose_steps_do_not_fit_together_is_refused(tmp_path):
    scaler = StandardScaler().fit(FRAME[["x", "z"]].fillna(0))
    with pytest.warns(Warning):  # five epochs
        network = MLPClassifier((2,), max_iter=5).fit(RNG.normal(size=(10, 3)), [0, 1] * 5)
    nl.save(Pipeline([("scale", scaler), ("network", network)]), tmp_path / "p.nnl")
    with pytest.raises(io.FileFormatError, match="the step 'scale' gives 2 features, but "
                                                 "'network' takes 3"):
        nl.load(tmp_path / "p.nnl")


def test_what_is_not_a_known_transformer_cannot_be_saved(tmp_path):
    with pytest.raises(TypeError, match=r"MinMaxScaler is not one of nnlearn's estimators .* "
                                        "or of the scikit-learn classes it saves"):
        nl.save(MinMaxScaler().fit([[0.0], [1.0]]), tmp_path / "m.nnl")
    dropping = OneHotEncoder(drop="first").fit([["a"], ["b"]])
    with pytest.raises(TypeError, match=r"cannot save obj\._drop_idx_after_grouping: an "
                                        "object array that is not all strings"):
        nl.save(dropping, tmp_path / "m.nnl")
    passing = _column_transformer("passthrough").fit(FRAME)  # x through a FunctionTransformer
    with pytest.raises(TypeError, match=r"transformers_\[3\]\[1\]: FunctionTransformer is not"):
        nl.save(passing, tmp_path / "m.nnl")
    assert not (tmp_path / "m.nnl").exists()


def test_the_file_records_the_scikit_learn_version(saved):
    document = json.loads(entries(saved)["nnlearn.json"])
    assert document["object"]["library"] == f"scikit-learn {sklearn.__version__}"
