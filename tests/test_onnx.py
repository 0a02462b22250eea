"""export_onnx: the graphs onnxruntime runs compute what nnlearn computes.

Every supported layer and activation, alone and combined, in float32 and float64, at
batch sizes 1 and 7 from one file, against the network's own outputs in evaluation mode
(float32 to 1e-5, float64 to 1e-10); fitted estimators against predict / predict_proba;
every file passes onnx's full check.
"""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.exceptions import NotFittedError

import nnlearn as nl
from nnlearn.estimators import MLPClassifier, MLPRegressor
from nnlearn.io import export_onnx

TOLERANCE = {np.float32: 1e-5, np.float64: 1e-10}
DTYPES = [np.float32, np.float64]
RNG = np.random.default_rng(0)


def session(path):
    onnx.checker.check_model(onnx.load(path), full_check=True)
    return onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def randomized(net):
    """``net`` with every parameter and running statistic drawn away from its start (γ = 1,
    β = 0, a PReLU's shared α, BatchNorm's running mean 0 and variance 1)."""
    for p in net.parameters():
        p.data[...] = RNG.normal(size=p.shape)
    for module in net.modules():
        if isinstance(module, nl.BatchNorm):
            module.running_mean[...] = RNG.normal(size=module.n_features)
            module.running_var[...] = RNG.uniform(0.5, 2, size=module.n_features)
    return net


def dense(n_in, n_out, activation=None, **options):
    return nl.Dense(n_in, n_out, activation=nl.activations.get(activation, **options))


NETWORKS = {
    **{f"dense_{name}": (lambda name=name: nl.Sequential(dense(4, 5, name), dense(5, 3)))
       for name in nl.activations.ACTIVATIONS},
    "leaky_relu_slope": lambda: dense(4, 3, "leaky_relu", negative_slope=0.2),
    "elu_alpha": lambda: dense(4, 3, "elu", alpha=0.5),
    "prelu_activation_alpha": lambda: dense(4, 3, "prelu", alpha=0.1),
    "dense_without_bias": lambda: nl.Dense(4, 3, activation="tanh", bias=False),
    "prelu_shared": lambda: nl.Sequential(dense(4, 3), nl.PReLU()),
    "prelu_per_feature": lambda: nl.Sequential(dense(4, 3), nl.PReLU(3)),
    "batchnorm": lambda: nl.Sequential(dense(4, 6), nl.BatchNorm(6, eps=1e-3), dense(6, 2)),
    "dropout_in_training_mode": lambda: nl.Sequential(dense(4, 6, "relu"), nl.Dropout(0.5),
                                                      dense(6, 2)).train(),
    "residual": lambda: nl.Residual(nl.Sequential(dense(4, 4, "tanh"), dense(4, 4))),
    "maxout": lambda: nl.Maxout(4, 3, pieces=3),
    "nested": lambda: nl.Sequential(
        nl.Sequential(dense(4, 6, "elu"), nl.BatchNorm(6)),
        nl.Residual(nl.Sequential(nl.Maxout(6, 6, pieces=2), nl.PReLU(6), nl.Dropout(0.2),
                                  dense(6, 6, "softplus"))),
        nl.Sequential(nl.Sequential(dense(6, 3, "softmax")))),
}


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_networks_run_in_onnxruntime_as_in_nnlearn(tmp_path, name, dtype):
    net = randomized(NETWORKS[name]()).astype(dtype)
    export_onnx(net, tmp_path / "net.onnx")
    runner = session(tmp_path / "net.onnx")
    for batch in (1, 7):  # one file, any batch size
        x = RNG.normal(scale=2, size=(batch, net.in_features)).astype(dtype)
        (got,) = runner.run(None, {"input": x})
        with net.evaluation_mode():
            expected = net(x).data
        assert got.dtype == dtype and got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=TOLERANCE[dtype], atol=TOLERANCE[dtype])
        if dtype == np.float64:  # and to a few units of the last place (BatchNorm's ε exact)
            assert np.abs(got - expected).max() <= 1e-13 * max(1, np.abs(expected).max())
    assert net.training == NETWORKS[name]().training  # exporting changes no mode


EXTREMES = np.concatenate([np.linspace(-40, 40, 161), [-1e300, -1e3, -745.0, -1e-300, -1e-12,
                                                        0.0, 1e-12, 1e-300, 1e3, 1e300]])


@pytest.mark.parametrize("name", ["arctan", "elu", "softplus", "step", "leaky_relu"])
def test_composed_activations_keep_float64_relative_precision(tmp_path, name):
    """The activations built from elementary operators (log1p, expm1 and tan⁻¹ composed)
    agree with NumPy's to 1e-14 relatively, from tiny values to huge ones."""
    net = nl.Dense(1, 1, activation=name, bias=False)
    net.weight.data[...] = 1
    export_onnx(net, tmp_path / "a.onnx")
    (got,) = session(tmp_path / "a.onnx").run(None, {"input": EXTREMES.reshape(-1, 1)})
    np.testing.assert_allclose(got.ravel(), net(EXTREMES.reshape(-1, 1)).data.ravel(),
                               rtol=1e-14, atol=0)


def test_a_network_without_a_fixed_width_takes_n_features(tmp_path):
    net = nl.Sequential(nl.PReLU(alpha=0.3), nl.Dropout(0.1))
    with pytest.raises(ValueError, match="does not fix the width of its input; give it as "
                                         "n_features"):
        export_onnx(net, tmp_path / "p.onnx")
    export_onnx(net, tmp_path / "p.onnx", n_features=5)
    x = RNG.normal(size=(3, 5))
    (got,) = session(tmp_path / "p.onnx").run(None, {"input": x})
    np.testing.assert_array_equal(got, net.eval()(x).data)
    with pytest.raises(ValueError, match="n_features=3, but the network takes 4 features"):
        export_onnx(nl.Dense(4, 2), tmp_path / "d.onnx", n_features=3)


# ----- estimators -------------------------------------------------------------------------
def _iris():
    X, y = load_iris(return_X_y=True)
    return X, y


CLASSIFIERS = {  # (estimator, labels)
    "three_classes_text_labels_standardized": lambda: (
        MLPClassifier((8,), activation="tanh", solver="lbfgs", max_iter=60, standardize=True,
                      random_state=0),
        np.array(["setosa", "versicolor", "virginica"])[_iris()[1]]),
    "two_classes_integer_labels": lambda: (
        MLPClassifier((6, 4), solver="lbfgs", max_iter=60, random_state=1),
        np.where(_iris()[1] == 2, 7, -3)),
    "two_classes_boolean_labels": lambda: (
        MLPClassifier((5,), solver="lbfgs", max_iter=60, standardize=True, random_state=4),
        _iris()[1] == 1),
    "three_classes_float_labels": lambda: (
        MLPClassifier((5,), activation="relu", solver="lbfgs", max_iter=60, random_state=5),
        _iris()[1] * 2.0 + 1),
    "several_labels_per_sample": lambda: (
        MLPClassifier((6,), activation="logistic", solver="lbfgs", max_iter=60,
                      standardize=True, random_state=2),
        np.column_stack([_iris()[1] == 0, _iris()[1] == 2, _iris()[0][:, 0] > 5.8]).astype(int)),
}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_a_fitted_classifier_gives_labels_and_probabilities(tmp_path, name, dtype):
    clf, y = CLASSIFIERS[name]()
    X = _iris()[0].astype(dtype)
    clf.set_params(dtype=np.dtype(dtype).name).fit(X, y)
    export_onnx(clf, tmp_path / "clf.onnx")
    runner = session(tmp_path / "clf.onnx")
    assert [o.name for o in runner.get_outputs()] == ["label", "probabilities"]
    for rows in (slice(0, 1), slice(40, 47), slice(None)):
        labels, probabilities = runner.run(None, {"X": X[rows]})
        np.testing.assert_allclose(probabilities, clf.predict_proba(X[rows]),
                                   rtol=TOLERANCE[dtype], atol=TOLERANCE[dtype])
        np.testing.assert_array_equal(labels, clf.predict(X[rows]))
        kind = clf.predict(X[rows]).dtype.kind
        assert labels.dtype.kind == ("O" if kind == "U" else kind)  # text: onnxruntime's objects


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("n_outputs", [1, 2])
@pytest.mark.parametrize("standardize", [True, False])
def test_a_fitted_regressor_gives_its_predictions(tmp_path, dtype, n_outputs, standardize):
    X, y = load_diabetes(return_X_y=True)
    X, y = (X * 20 + 3).astype(dtype), y / 100  # raw features far from zero mean, unit scale
    target = y if n_outputs == 1 else np.column_stack([y, X[:, 2] * y])
    reg = MLPRegressor((10,), solver="lbfgs", max_iter=40, standardize=standardize,
                       random_state=3).fit(X, target)
    export_onnx(reg, tmp_path / "reg.onnx")
    runner = session(tmp_path / "reg.onnx")
    for rows in (slice(0, 1), slice(10, 17)):
        (got,) = runner.run(None, {"X": X[rows]})
        expected = reg.predict(X[rows])
        assert got.shape == expected.shape and got.dtype == dtype
        np.testing.assert_allclose(got, expected, rtol=TOLERANCE[dtype], atol=TOLERANCE[dtype])


def test_an_unfitted_estimator_is_refused(tmp_path):
    with pytest.raises(NotFittedError):
        export_onnx(MLPClassifier(), tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


# ----- what cannot be exported ------------------------------------------------------------
class Doubling(nl.Module):
    def forward(self, x):
        return 2 * x


class WiderDense(nl.Dense):  # a subclass computes as it likes: not exported as a Dense
    pass


@pytest.mark.parametrize(("net", "where", "kind"), [
    (nl.Sequential(nl.Dense(4, 4), nl.Residual(nl.Sequential(nl.Dense(4, 4), Doubling()))),
     r"network\[1\]\.block\[1\]", "Doubling"),
    (nl.Sequential(nl.LSTM(4, 3), nl.LastStep(), nl.Dense(3, 1)), r"network\[0\]", "LSTM"),
    (nl.RNN(4, 3), "network", "RNN"),
    (nl.Sequential(WiderDense(4, 2)), r"network\[0\]", "WiderDense"),
])
def test_an_unsupported_layer_is_named_with_its_place(tmp_path, net, where, kind):
    target = tmp_path / "m.onnx"
    target.write_bytes(b"before")
    with pytest.raises(TypeError, match=rf"{where} is a {kind}, which has no ONNX form; "
                                        r"export_onnx writes networks of Dense, PReLU, "
                                        r"BatchNorm, Dropout, Residual, Maxout, Sequential"):
        export_onnx(net, target)
    assert target.read_bytes() == b"before"
    assert [p.name for p in tmp_path.iterdir()] == ["m.onnx"]


def test_what_is_not_a_network_is_refused(tmp_path):
    with pytest.raises(TypeError, match=r"must be an nnlearn network .* got LinearRegression"):
        from sklearn.linear_model import LinearRegression

        export_onnx(LinearRegression(), tmp_path / "m.onnx")
    mixed = nl.Sequential(nl.Dense(2, 2), nl.Dense(2, 1).astype(np.float32))
    with pytest.raises(TypeError, match=r"arrays mix dtypes \['float32', 'float64'\]"):
        export_onnx(mixed, tmp_path / "m.onnx")


def test_without_onnx_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)  # as if not installed
    with pytest.raises(ImportError, match=r"needs the onnx package.*pip install onnx"):
        export_onnx(nl.Dense(2, 1), tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


def test_nnlearn_imports_without_onnx():
    code = ("import sys; sys.modules['onnx'] = None; import nnlearn, nnlearn.io; "
            "print(callable(nnlearn.io.export_onnx))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "True"


def test_the_readme_example_runs(tmp_path, monkeypatch):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    (code,) = [block for block in re.findall(r"```python\n(.*?)```", readme, flags=re.S)
               if "export_onnx" in block]
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    np.testing.assert_allclose(namespace["probabilities"], namespace["clf"].predict_proba(
        namespace["X"][:5]), rtol=1e-10, atol=1e-10)
