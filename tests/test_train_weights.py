"""nl.fit with sample weights, per-batch callbacks, and losses that say what targets they take."""

import numpy as np
import pytest

import nnlearn as nl
from nnlearn.train import loss_targets, target_kind


def data(n=24, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=n)


def net(seed=0):
    return nl.Sequential(nl.Dense(3, 6, activation="tanh"), nl.Dense(6, 1)).initialize(seed)


def weights_after(optimizer, X, y, sample_weight=None, **options):
    model = net()
    opt = (nl.optim.LBFGS(model.parameters(), max_iter=30) if optimizer == "lbfgs"
           else nl.optim.SGD(model.parameters(), lr=0.05, momentum=0.5))
    history = nl.fit(model, X, y, optimizer=opt, sample_weight=sample_weight, **options)
    return opt.theta.copy(), history


@pytest.mark.parametrize("optimizer", ["sgd", "lbfgs"])
def test_a_weight_of_two_is_the_sample_twice(optimizer):
    """Integer weights w_i give the fit on the data with sample i repeated w_i times."""
    X, y = data()
    counts = np.random.default_rng(1).integers(0, 4, size=len(X))
    epochs = 1 if optimizer == "lbfgs" else 5  # one run of 30 L-BFGS iterations
    weighted, history = weights_after(optimizer, X, y, counts, epochs=epochs, batch_size=None)
    repeated, reference = weights_after(optimizer, np.repeat(X, counts, axis=0),
                                        np.repeat(y, counts), epochs=epochs, batch_size=None)
    np.testing.assert_allclose(weighted, repeated, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(history["loss"], reference["loss"], rtol=1e-9)


def test_a_batch_minimizes_its_weighted_mean_loss():
    X, y = data(n=8)
    w = np.linspace(0.5, 2.0, 8)
    model = net()
    opt = nl.optim.SGD(model.parameters(), lr=0.1)
    nl.fit(model, X, y, loss="half_squared_error", optimizer=opt, sample_weight=w, epochs=1,
           batch_size=None)
    by_hand = net()
    per_sample = nl.losses.half_squared_error(by_hand(X), y.reshape(-1, 1), reduction="none")
    ((per_sample * w).sum() / w.sum()).backward()
    for fitted, p in zip(model.parameters(), by_hand.parameters(), strict=True):
        np.testing.assert_allclose(fitted.data, p.data - 0.1 * p.grad, rtol=1e-13)


def test_validation_loss_is_weighted_too():
    X, y = data()
    w = np.arange(1.0, 25.0)
    X_val, y_val, w_val = X[:6], y[:6], w[:6]
    model = net()
    history = nl.fit(model, X, y, lr=0.01, epochs=2, validation_data=(X_val, y_val, w_val))
    residual = (model(X_val).data[:, 0] - y_val) ** 2
    assert history["val_loss"][-1] == pytest.approx(np.average(residual, weights=w_val),
                                                    rel=1e-12)
    split = nl.fit(net(), X, y, lr=0.01, epochs=1, sample_weight=w, validation_split=0.25,
                   random_state=0)
    unweighted = nl.fit(net(), X, y, lr=0.01, epochs=1, validation_split=0.25, random_state=0)
    assert split["val_loss"][0] != pytest.approx(unweighted["val_loss"][0])


class Recorder(nl.train.Callback):
    def __init__(self):
        self.seen = []

    def on_batch_begin(self, batch, n_samples, weight):
        self.seen.append((batch, n_samples, weight))


def test_callbacks_see_each_batch_and_zero_weight_batches_are_skipped():
    X, y = data(n=10)
    w = np.array([1.0, 2.0, 0.0, 0.0, 3.0, 1.0, 1.0, 1.0, 1.0, 0.5])
    recorder = Recorder()
    model = net()
    opt = nl.optim.SGD(model.parameters(), lr=0.01)
    nl.fit(model, X, y, optimizer=opt, sample_weight=w, batch_size=2, shuffle=False,
           epochs=1, callbacks=[recorder])
    assert recorder.seen == [(1, 2, 3.0), (3, 2, 4.0), (4, 2, 2.0), (5, 2, 1.5)]
    assert opt.steps == 4  # the batch of weight 0 taught nothing


@pytest.mark.parametrize(("weights", "message"), [
    (np.ones(5), "sample_weight has 5 values for 24 samples"),
    (-np.ones(24), "sample_weight must be ≥ 0"),
    (np.zeros(24), "sample_weight is all zeros"),
    (np.full(24, np.nan), "sample_weight must be finite"),
    (np.ones((24, 1)), "sample_weight must have 1 dimension"),
])
def test_bad_sample_weights_are_clear_errors(weights, message):
    X, y = data()
    with pytest.raises(ValueError, match=message):
        nl.fit(net(), X, y, sample_weight=weights)


def test_a_callable_loss_needs_per_sample_values_for_weights():
    X, y = data()
    with pytest.raises(ValueError, match="must accept reduction='none'"):
        nl.fit(net(), X, y, loss=lambda out, t: nl.losses.mse(out, t), sample_weight=np.ones(24))


def classes_data():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, size=30)
    return rng.normal(size=(30, 2)) + np.eye(3)[y][:, :2] * 2, y


def classifier():
    return nl.Sequential(nl.Dense(2, 5, activation="tanh"), nl.Dense(5, 3)).initialize(0)


def test_a_callable_that_takes_class_labels_gets_them():
    X, y = classes_data()
    received = []

    @loss_targets("classes")
    def my_cross_entropy(logits, labels, reduction="mean"):
        received.append(labels)
        return nl.losses.cross_entropy(logits, labels, reduction=reduction)

    ours, builtin = classifier(), classifier()
    nl.fit(ours, X, y, loss=my_cross_entropy, lr=0.05, epochs=3, random_state=0)
    nl.fit(builtin, X, y, loss="cross_entropy", lr=0.05, epochs=3, random_state=0)
    assert all(labels.dtype == np.intp and labels.ndim == 1 for labels in received)
    for a, b in zip(ours.parameters(), builtin.parameters(), strict=True):
        np.testing.assert_array_equal(a.data, b.data)
    weighted = nl.fit(classifier(), X, y, loss=my_cross_entropy, sample_weight=np.ones(30),
                      epochs=1, random_state=0)
    assert np.isfinite(weighted["loss"][0])


def test_the_target_check_follows_what_the_loss_declares():
    X, y = classes_data()
    hint = r"declare it with @nnlearn.train.loss_targets\('classes'\)"
    with pytest.raises(ValueError, match=hint):
        nl.fit(classifier(), X, y, loss=lambda z, t: nl.losses.cross_entropy(z, t))

    @loss_targets("probabilities")
    def independent(z, t, reduction="mean"):
        return nl.losses.bce_with_logits(z, t, reduction=reduction)

    with pytest.raises(ValueError, match=r"y must hold values in \[0, 1\] for independent"):
        nl.fit(classifier(), X, np.eye(3)[y] * 2, loss=independent)
    with pytest.raises(ValueError, match="a loss's targets must be one of"):
        loss_targets("labels")
    undeclared = nl.fit(classifier(), X, np.eye(3)[y], loss=lambda z, t: nl.losses.mse(z, t),
                        epochs=1)
    assert np.isfinite(undeclared["loss"][0])  # values of the output's shape, as before


def test_every_built_in_loss_has_a_kind_of_target():
    kinds = {name: target_kind(name) for name in nl.losses.LOSSES}
    assert kinds["cross_entropy"] == "classes" and kinds["bce_with_logits"] == "probabilities"
    assert set(kinds.values()) <= {"classes", "probabilities", "values"}
    assert target_kind("categorical_cross_entropy") == "classes"  # aliases too
