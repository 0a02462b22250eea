"""nl.fit on SciPy sparse X: the same training as on the dense X, batch by batch densified."""

import numpy as np
import pytest
import scipy.sparse as sp

import nnlearn as nl
from nnlearn.train import data


def sparse_problem(n=40, d=12, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * (rng.uniform(size=(n, d)) < 0.2)
    y = (X[:, 0] - X[:, 1] + 0.5 * X[:, 2] > 0).astype(int)
    return X, y


def model(d=12):
    return nl.Sequential(nl.Dense(d, 6, activation="tanh"), nl.Dense(6, 2)).initialize(0)


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_sparse_x_trains_exactly_as_dense_x(fmt):
    X, y = sparse_problem()
    dense, sparse = model(), model()
    options = dict(loss="cross_entropy", lr=0.02, epochs=3, batch_size=8, metrics=["accuracy"],
                   validation_split=0.2, random_state=0)
    expected = nl.fit(dense, X, y, **options)
    history = nl.fit(sparse, sp.csr_matrix(X).asformat(fmt), y, **options)
    assert history == expected
    for a, b in zip(sparse.parameters(), dense.parameters(), strict=True):
        np.testing.assert_array_equal(a.data, b.data)


def test_full_passes_over_sparse_x_go_chunk_by_chunk(monkeypatch):
    """L-BFGS and evaluation read a sparse X a few rows at a time: never the whole X dense."""
    X, y = sparse_problem()
    widest = []
    original = sp.csr_matrix.toarray

    def watched(self, *args, **kwargs):
        widest.append(self.shape[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(data, "CHUNK_VALUES", 7 * X.shape[1])  # chunks of 7 rows
    monkeypatch.setattr(sp.csr_matrix, "toarray", watched)
    dense, sparse = model(), model()
    for net, inputs in ((dense, X), (sparse, sp.csr_matrix(X))):
        nl.fit(net, inputs, y, loss="cross_entropy", epochs=1, metrics=["accuracy"],
               optimizer=nl.optim.LBFGS(net.parameters(), max_iter=15), validation_split=0.2,
               random_state=0)
    assert widest and max(widest) <= 7
    for a, b in zip(sparse.parameters(), dense.parameters(), strict=True):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-8, atol=1e-10)


def test_bad_sparse_inputs_are_clear_errors():
    X, y = sparse_problem()
    bad = sp.csr_matrix(X)
    bad.data[0] = np.nan
    with pytest.raises(ValueError, match="X contains 1 NaN or infinite"):
        nl.fit(model(), bad, y, loss="cross_entropy")
    with pytest.raises(ValueError, match="X has 12 features, but the model expects 5"):
        nl.fit(model(d=5), sp.csr_matrix(X), y, loss="cross_entropy")
    with pytest.raises(ValueError, match="must hold real numbers"):
        nl.fit(model(), sp.csr_matrix(X.astype(complex)), y, loss="cross_entropy")
