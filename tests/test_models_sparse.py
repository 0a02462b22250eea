"""The neurons on SciPy sparse X: the same results as on the dense array, without ever
densifying the whole data set."""

import warnings

import numpy as np
import pytest
import scipy.sparse

from nnlearn.models import Adaline, ConvergenceWarning, LogisticNeuron, Perceptron
from nnlearn.models.neurons import rows

RNG = np.random.default_rng(0)
X_DENSE = RNG.standard_normal((120, 7)) * (RNG.random((120, 7)) < 0.3)  # 70 % zeros
Y3 = np.argmax(X_DENSE[:, :3] + 0.3 * RNG.standard_normal((120, 3)), axis=1)
Y2 = (Y3 == 0).astype(int)

NEURONS = [
    Perceptron(max_epochs=8, detect_cycles=False),
    Perceptron(mode="batch", max_epochs=8, detect_cycles=False),
    Perceptron(shuffle=True, random_state=3, max_epochs=8),
    Adaline(max_epochs=8, tol=None),
    Adaline(mode="batch", max_epochs=8, tol=None),
    Adaline(learning_rate=0.02, normalized=False, max_epochs=8, tol=None),
    LogisticNeuron(max_epochs=8, tol=None),
    LogisticNeuron(mode="online", loss="squared", max_epochs=3, tol=None),
    LogisticNeuron(gradient="autodiff", max_epochs=3, tol=None),
]
FORMATS = [scipy.sparse.csr_matrix, scipy.sparse.csc_matrix, scipy.sparse.csr_array,
           scipy.sparse.coo_array]


def _fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def _assert_same_model(sparse, dense):
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(sparse.intercept_, dense.intercept_, rtol=1e-12, atol=1e-13)
    assert sparse.errors_ == dense.errors_
    np.testing.assert_allclose(sparse.loss_curve_, dense.loss_curve_, rtol=1e-12)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("neuron_model", NEURONS, ids=repr)
@pytest.mark.parametrize("y", [Y2, Y3], ids=["two_classes", "three_classes"])
def test_sparse_fit_predict_equal_dense(neuron_model, fmt, y):
    X = fmt(X_DENSE)
    dense = _fit(neuron_model.__class__(**neuron_model.get_params()), X_DENSE, y)
    sparse = _fit(neuron_model, X, y)
    _assert_same_model(sparse, dense)
    np.testing.assert_allclose(sparse.decision_function(X), dense.decision_function(X_DENSE),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(sparse.predict(X), dense.predict(X_DENSE))
    assert sparse.score(X, y) == dense.score(X_DENSE, y)
    if hasattr(dense, "predict_proba"):
        np.testing.assert_allclose(sparse.predict_proba(X), dense.predict_proba(X_DENSE),
                                   rtol=1e-12)


@pytest.mark.parametrize("cls", [Perceptron, Adaline, LogisticNeuron])
def test_sparse_partial_fit_equals_dense(cls):
    models = [cls(), cls()]
    for model, X in zip(models, (X_DENSE, scipy.sparse.csr_matrix(X_DENSE)), strict=True):
        model.partial_fit(X[:60], Y3[:60], classes=[0, 1, 2])
        model.partial_fit(X[60:], Y3[60:])
    _assert_same_model(*models)


@pytest.mark.parametrize("cls", [Perceptron, Adaline, LogisticNeuron])
def test_float32_sparse_equals_float32_dense(cls):
    X32 = X_DENSE.astype(np.float32)
    dense = _fit(cls(mode="online", max_epochs=4), X32, Y3)
    sparse = _fit(cls(mode="online", max_epochs=4), scipy.sparse.csr_matrix(X32), Y3)
    _assert_same_model(sparse, dense)


def _spy_on_densifying(monkeypatch):
    """The shapes of the sparse matrices densified from now on."""
    densified = []
    toarray = scipy.sparse._compressed._cs_matrix.toarray

    def spy(self, *args, **kwargs):
        densified.append(self.shape)
        return toarray(self, *args, **kwargs)

    monkeypatch.setattr(scipy.sparse._compressed._cs_matrix, "toarray", spy)
    return densified


@pytest.mark.parametrize("cls", [Perceptron, Adaline])
@pytest.mark.parametrize("mode", ["online", "batch"])
def test_the_compiled_rules_never_densify(cls, mode, monkeypatch):
    densified = _spy_on_densifying(monkeypatch)
    X = scipy.sparse.csr_matrix(X_DENSE)
    model = _fit(cls(mode=mode, max_epochs=3), X, Y3)
    model.predict(X)
    assert densified == []


@pytest.mark.parametrize("gradient", ["closed_form", "autodiff"])
def test_the_logistic_neuron_densifies_one_block_of_rows_at_a_time(gradient, monkeypatch):
    # Its online rule and its autodiff compute with dense rows: blocks of 3 rows (21
    # values). The weights carry over from block to block, so the epoch is the dense one.
    monkeypatch.setattr(rows, "BLOCK_VALUES", 21)
    densified = _spy_on_densifying(monkeypatch)
    X = scipy.sparse.csr_matrix(X_DENSE)
    params = dict(mode="online", gradient=gradient, max_epochs=2, shuffle=True, random_state=1)
    sparse = _fit(LogisticNeuron(**params), X, Y3)
    dense = _fit(LogisticNeuron(**params), X_DENSE, Y3)
    _assert_same_model(sparse, dense)
    blocks_per_epoch = 40 * (2 if gradient == "autodiff" else 1)  # + the autodiff's own
    assert set(densified) == {(3, 7)} or set(densified) == {(3, 7), (1, 7)}
    assert len(densified) >= 2 * 40 and max(shape[0] for shape in densified) == 3
    assert len(densified) <= 2 * blocks_per_epoch * 3


@pytest.mark.parametrize("cls", [Perceptron, Adaline])
def test_a_sparse_data_set_too_large_to_densify_is_learned(cls):
    # 4,000 x 400,000: 12.8 GB as a dense float64 array, 4,000 values as CSR; the online
    # rules touch only those, so an epoch takes a millisecond or so.
    n, d = 4000, 400_000
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, n)
    columns = np.where(y == 1, 0, 1) * (d // 2) + rng.integers(0, d // 2, n)
    X = scipy.sparse.csr_matrix((np.ones(n), (np.arange(n), columns)), shape=(n, d))
    model = _fit(cls(max_epochs=200), X, y)
    assert model.coef_.shape == (1, d)
    assert model.score(X, y) == 1.0  # each class lives in its own half of the columns
