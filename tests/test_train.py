"""nl.fit: batching, seeds, validation, metrics, callbacks, divergence and data checks."""

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, r2_score

import nnlearn as nl
from nnlearn.train import TrainingDiverged, data


def regression_data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3 * np.tanh(X[:, 0]) + 0.1 * rng.normal(size=n)
    return X, y


def classification_data(n=90, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    X = rng.normal(size=(n, 2)) + 2.5 * np.eye(3)[y][:, :2] - 1.2 * (y == 2)[:, None]
    return X, y


def regressor(seed=0):
    return nl.Sequential(nl.Dense(3, 8, activation="tanh"), nl.Dense(8, 1)).initialize(seed)


def classifier(seed=0):
    return nl.Sequential(nl.Dense(2, 8, activation="relu"), nl.Dense(8, 3)).initialize(seed)


def test_fit_minimizes_the_empirical_risk():
    X, y = regression_data()
    net = regressor()
    before = float(nl.losses.empirical_risk(net, X, y.reshape(-1, 1)).data)
    history = nl.fit(net, X, y, optimizer="adam", lr=0.02, epochs=60, batch_size=16,
                     random_state=0)
    after = float(nl.losses.empirical_risk(net, X, y.reshape(-1, 1)).data)
    assert after < 0.05 * before
    assert history["loss"][-1] < history["loss"][0]
    assert len(history["loss"]) == 60 and history.epochs == list(range(1, 61))


def test_batch_gradient_is_mean_of_sample_gradients():
    X, y = regression_data(n=10)
    net = regressor()
    nl.losses.mse(net(X), y.reshape(-1, 1)).backward()
    full = [p.grad.copy() for p in net.parameters()]
    total = [np.zeros_like(g) for g in full]
    for i in range(10):
        for p in net.parameters():
            p.grad = None
        nl.losses.mse(net(X[i : i + 1]), y[i : i + 1].reshape(-1, 1)).backward()
        for t, p in zip(total, net.parameters(), strict=True):
            t += p.grad / 10
    for g, t in zip(full, total, strict=True):
        np.testing.assert_allclose(g, t, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(("batch_size", "steps"), [(None, 1), (1, 50), (16, 4), (50, 1)])
def test_one_epoch_is_one_pass_over_the_data(batch_size, steps):
    X, y = regression_data(n=50)
    net = regressor()
    opt = nl.optim.SGD(net.parameters(), lr=0.01)
    nl.fit(net, X, y, optimizer=opt, epochs=2, batch_size=batch_size, random_state=0)
    assert opt.steps == 2 * steps


def test_full_batch_is_plain_gradient_descent():
    X, y = regression_data(n=20)
    a, b = regressor(), regressor()
    nl.fit(a, X, y, optimizer="sgd", lr=0.05, epochs=3, batch_size=None, random_state=0)
    opt = nl.optim.SGD(b.parameters(), lr=0.05)
    for _ in range(3):
        opt.zero_grad()
        nl.losses.mse(b(X), y.reshape(-1, 1)).backward()
        opt.step()
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data)


def test_same_seed_is_bit_identical_and_another_seed_differs():
    X, y = classification_data()
    runs = []
    for seed in (7, 7, 8):
        net = classifier()
        history = nl.fit(net, X, y, loss="cross_entropy", lr=0.01, epochs=3, batch_size=8,
                         validation_split=0.2, random_state=seed)
        runs.append((history["loss"], history["val_loss"], net.state_dict()))
    assert runs[0][0] == runs[1][0] and runs[0][1] == runs[1][1]
    for name, value in runs[0][2].items():
        np.testing.assert_array_equal(value, runs[1][2][name])
    assert runs[0][0] != runs[2][0]


def test_validation_split_and_data_give_val_entries():
    X, y = classification_data()
    net = classifier()
    history = nl.fit(net, X, y, loss="cross_entropy", lr=0.01, epochs=2, batch_size=16,
                     validation_split=0.25, metrics=["accuracy"], random_state=0)
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    X_val, y_val = classification_data(n=30, seed=1)
    history = nl.fit(net, X, y, loss="cross_entropy", epochs=1, validation_data=(X_val, y_val),
                     metrics=["accuracy"], random_state=0)
    with nl.no_grad():
        net.eval()
        logits = net(X_val).data
    assert history["val_accuracy"][-1] == accuracy_score(y_val, logits.argmax(axis=1))
    assert history["val_loss"][-1] == pytest.approx(
        float(nl.losses.cross_entropy(logits, y_val).data), rel=1e-12)


def test_metrics_agree_with_scikit_learn():
    X, y = regression_data()
    net = regressor()
    history = nl.fit(net, X, y, lr=0.02, epochs=5, metrics=["r2"], random_state=0)
    with nl.no_grad():
        prediction = net(X).data[:, 0]
    assert history["r2"][-1] == pytest.approx(r2_score(y, prediction), rel=1e-12)


def test_early_stopping_restores_the_best_weights():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    y = rng.normal(size=30)  # noise: the validation loss soon rises
    X_val, y_val = rng.normal(size=(30, 3)), rng.normal(size=30)
    net = nl.Sequential(nl.Dense(3, 32, activation="tanh"), nl.Dense(32, 1)).initialize(0)
    stopper = nl.EarlyStopping(patience=3)
    history = nl.fit(net, X, y, lr=0.05, epochs=200, batch_size=None,
                     validation_data=(X_val, y_val), callbacks=[stopper], random_state=0)
    assert history.stopped_epoch is not None and history.stopped_epoch < 200
    assert history.stopped_epoch == history.best_epoch + 3 + 1
    best = min(history["val_loss"])
    assert history["val_loss"][history.best_epoch - 1] == best
    with nl.no_grad():
        restored = float(nl.losses.mse(net(X_val), y_val.reshape(-1, 1)).data)
    assert restored == pytest.approx(best, rel=1e-12)


def test_early_stopping_on_a_missing_entry_is_a_clear_error():
    X, y = regression_data()
    with pytest.raises(ValueError, match="monitors 'val_loss', which the history does not have"):
        nl.fit(regressor(), X, y, epochs=2, callbacks=[nl.EarlyStopping()], random_state=0)


def test_non_finite_loss_stops_at_once_keeping_the_last_good_weights():
    X, y = regression_data()
    net = regressor()
    good = {}

    class Snapshot(nl.train.Callback):
        def on_epoch_end(self, epoch, model, history):
            good.update(model.state_dict())
            return False

    with pytest.raises(TrainingDiverged, match=r"at epoch \d+, batch \d+") as info:
        nl.fit(net, X * 1e3, y * 1e3, optimizer="sgd", lr=10.0, epochs=50, batch_size=10,
               callbacks=[Snapshot()], random_state=0)
    err = info.value
    assert err.epoch >= 1 and err.batch >= 1 and len(err.history["loss"]) == err.epoch - 1
    params = np.concatenate([p.data.ravel() for p in net.parameters()])
    assert np.isfinite(params).all()
    with nl.no_grad():
        assert np.isfinite(float(nl.losses.mse(net(X * 1e3), y.reshape(-1, 1) * 1e3).data))


def test_float32_model_trains_in_float32():
    X, y = classification_data()
    net = classifier().astype(np.float32)
    history = nl.fit(net, X, y, loss="cross_entropy", lr=0.01, epochs=3, random_state=0)
    assert {p.dtype for p in net.parameters()} == {np.dtype(np.float32)}
    assert history["loss"][-1] < history["loss"][0]
    reference = nl.fit(classifier(), X, y, loss="cross_entropy", lr=0.01, epochs=3,
                       random_state=0)  # the same run in float64
    np.testing.assert_allclose(history["loss"], reference["loss"], rtol=1e-4)


def test_progress_bar_only_when_asked_or_on_a_terminal(capsys):
    X, y = regression_data(n=20)
    nl.fit(regressor(), X, y, epochs=2, progress=True, random_state=0)
    assert "epoch" in capsys.readouterr().err
    nl.fit(regressor(), X, y, epochs=2, random_state=0)  # stderr is not a terminal here
    nl.fit(regressor(), X, y, epochs=2, progress=False, random_state=0)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda X, y: (X, y[:-1]), "X and y have different lengths: 90 samples in X, 89 in y"),
        (lambda X, y: (np.where(X > 2, np.nan, X), y), r"X contains \d+ NaN or infinite"),
        (lambda X, y: (X, np.where(y == 2, np.inf, y)), r"y contains \d+ NaN or infinite"),
        (lambda X, y: (X[:, :1], y), "X has 1 features, but the model expects 2"),
        (lambda X, y: (X[:, 0], y), r"X has shape \(90,\); expected \(n_samples, n_features\)"),
        (lambda X, y: (X, y + 1), r"class indices 1..3, but the model has 3 outputs"),
        (lambda X, y: (X, y - 0.5), "must hold class indices"),
        (lambda X, y: (X.astype(str), y), "X must be an array of real numbers, got text"),
    ],
)
def test_bad_data_is_a_clear_error_before_training(change, message):
    X, y = classification_data()
    net = classifier()
    before = net.state_dict()
    X_bad, y_bad = change(X, y)
    with pytest.raises(ValueError, match=message):
        nl.fit(net, X_bad, y_bad, loss="cross_entropy", epochs=1)
    for name, value in net.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"epochs": 0}, "epochs must be a positive integer, got 0"),
        ({"batch_size": 0}, "batch_size must be None or a positive integer, got 0"),
        ({"loss": "nope"}, "unknown loss 'nope'"),
        ({"optimizer": "nope"}, "unknown optimizer 'nope'"),
        ({"metrics": ["nope"]}, "unknown metric 'nope'"),
        ({"validation_split": 1.5}, r"validation_split must be in \(0, 1\)"),
        ({"validation_split": 0.1, "validation_data": ([[0.0]], [0.0])}, "not both"),
        ({"loss": "bce"}, r"y must hold values in \[0, 1\] for bce"),
    ],
)
def test_bad_arguments_are_clear_errors(options, message):
    X, y = regression_data()
    with pytest.raises(ValueError, match=message):
        nl.fit(regressor(), X, 3 + y, **options)


def test_metrics_of_a_logit_model_see_probabilities():
    X = np.array([[1.0], [-1.0], [2.0], [-2.0]])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    layer = nl.Dense(1, 1, bias=False)
    layer.weight.data[...] = 0.1  # logits ±0.1, ±0.2: right side of 0, below 0.5
    values = nl.train.evaluate(layer, X, y.reshape(-1, 1), "bce_with_logits", ["accuracy"])
    assert values["accuracy"] == 1.0
    assert values["loss"] == pytest.approx(np.mean(np.log1p(np.exp(-0.1 * np.abs(X[:, 0])))))


def test_dropout_masks_follow_the_seed_given_to_initialize():
    X, y = regression_data()

    def run():
        net = nl.Sequential(nl.Dense(3, 16, activation="relu"), nl.Dropout(0.5),
                            nl.Dense(16, 1)).initialize(random_state=3)
        return nl.fit(net, X, y, lr=0.01, epochs=3, random_state=0)["loss"]

    assert run() == run()


def test_data_checks_tell_large_finite_values_from_infinite_ones():
    net = nl.Dense(2, 1).astype(np.float32)
    X = np.full((4, 2), 3e38, np.float32)  # their sum overflows; each is finite
    assert data.check_inputs(net, X) is X
    X[1, 1] = -np.inf
    with pytest.raises(ValueError, match="X contains 1 NaN or infinite"):
        data.check_inputs(net, X)
