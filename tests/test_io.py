"""nl.save / nl.load: bit-for-bit round trips, no pickle, clear errors, atomic writes."""

import zipfile

import numpy as np
import pytest
from model_files import rewrite

import nnlearn as nl
from nnlearn import io
from nnlearn.estimators import MLPClassifier, MLPRegressor
from nnlearn.models import Adaline, LogisticNeuron, Perceptron

RNG = np.random.default_rng(0)
X4 = RNG.normal(size=(16, 4))


def _dense_stack(activation, **options):
    act = nl.activations.get(activation, **options)
    return nl.Sequential(nl.Dense(4, 5, activation=act, random_state=1), nl.Dense(5, 3))


def _trained_batchnorm():
    net = nl.Sequential(nl.Dense(4, 6, random_state=2), nl.BatchNorm(6, momentum=0.3),
                        nl.Dense(6, 2, activation="sigmoid", random_state=3))
    nl.fit(net, X4, RNG.integers(0, 2, size=16), loss="cross_entropy", epochs=3, batch_size=8,
           random_state=0)
    return net.eval()


ARCHITECTURES = {
    **{f"dense_{name}": (lambda name=name: _dense_stack(name))
       for name in nl.activations.ACTIVATIONS},
    "leaky_relu_slope": lambda: _dense_stack("leaky_relu", negative_slope=0.2),
    "elu_alpha": lambda: _dense_stack("elu", alpha=0.5),
    "no_bias_he_init": lambda: nl.Sequential(
        nl.Dense(4, 3, bias=False, init="he_normal", random_state=4)),
    "batchnorm_trained": _trained_batchnorm,
    "residual": lambda: nl.Sequential(nl.Residual(nl.Sequential(
        nl.Dense(4, 4, activation="tanh", random_state=5), nl.Dense(4, 4, random_state=6)))),
    "maxout_prelu_dropout": lambda: nl.Sequential(
        nl.Maxout(4, 3, pieces=3, random_state=7), nl.PReLU(3, alpha=0.1), nl.Dropout(0.4),
        nl.Dense(3, 1, random_state=8)).eval(),
    "float32": lambda: _dense_stack("tanh").astype(np.float32),
    "rnn_feedback": lambda: nl.RNN(4, 6, output_size=2, activation="relu",
                                   output_activation="sigmoid", feedback=True, truncate=3,
                                   random_state=9),
    "lstm_course_stack": lambda: nl.Sequential(
        nl.LSTM(4, 5, variant="course", forget_bias=0.5, random_state=10),
        nl.LSTM(5, 3, output_size=2, bias=False, random_state=11)),
    "lstm_last_step": lambda: nl.Sequential(
        nl.LSTM(4, 5, random_state=12), nl.LastStep(), nl.Dense(5, 2, random_state=13)),
}
RECURRENT = ("rnn_feedback", "lstm_course_stack", "lstm_last_step")


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
def test_networks_round_trip_bit_for_bit(tmp_path, name):
    net = ARCHITECTURES[name]()
    for p in net.parameters():  # make every value non-trivial (PReLU's α, BatchNorm's γ, β)
        p.data[...] += RNG.normal(scale=0.1, size=p.shape).astype(p.dtype)
    path = tmp_path / "net.nnl"
    nl.save(net, path)
    copy = nl.load(path)
    assert type(copy) is type(net) and repr(copy) == repr(net)
    assert copy.dtype == net.dtype and copy.training == net.training
    original, loaded = net.state_dict(), copy.state_dict()
    assert original.keys() == loaded.keys()
    for key, value in original.items():
        assert loaded[key].dtype == value.dtype
        np.testing.assert_array_equal(loaded[key], value)
    x = (X4.reshape(2, 8, 4) if name in RECURRENT else X4).astype(net.dtype)
    np.testing.assert_array_equal(copy(x).data, net(x).data)


def test_every_registered_layer_is_round_tripped_above():
    covered = {type(m).__name__ for make in ARCHITECTURES.values() for m in make().modules()}
    assert covered == set(nl.layers.LAYERS)


def test_frozen_parameters_and_training_mode_survive(tmp_path):
    net = nl.Sequential(nl.Dense(2, 2, activation="sigmoid"), nl.Dense(2, 2))
    net.layers[0].bias.requires_grad = False
    nl.save(net, tmp_path / "m.nnl")
    copy = nl.load(tmp_path / "m.nnl")
    assert [p.requires_grad for p in copy.parameters()] == [True, False, True, True]
    assert copy.training
    net.eval()
    nl.save(net, tmp_path / "m.nnl")
    assert not nl.load(tmp_path / "m.nnl").training


XE = RNG.normal(size=(60, 3))
LABELS = np.array(["cat", "dog", "emu"], dtype=object)[(XE[:, 0] > 0).astype(int) + (XE[:, 1] > 0)]
BINARY = (XE[:, 0] + XE[:, 2] > 0).astype(int)
ESTIMATORS = {
    "classifier_object_labels": lambda: MLPClassifier((6,), max_iter=30, random_state=0).fit(
        XE, LABELS),
    "classifier_binary_float32": lambda: MLPClassifier(
        (5, 4), activation="tanh", dtype="float32", standardize=True, max_iter=30,
        random_state=0).fit(XE, BINARY * 2 - 1),
    "regressor_lbfgs_two_outputs": lambda: MLPRegressor(
        (7,), solver="lbfgs", max_iter=20, random_state=0).fit(XE, XE[:, :2] ** 2),
    "regressor_early_stopping": lambda: MLPRegressor(
        (3,), early_stopping=True, max_iter=15, random_state=0).fit(XE, XE[:, 0]),
    **{cls.__name__: (lambda cls=cls: cls(max_epochs=20, random_state=0).fit(XE, BINARY))
       for cls in (Perceptron, Adaline, LogisticNeuron)},
}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_fitted_estimators_round_trip(tmp_path, name):
    estimator = ESTIMATORS[name]()
    nl.save(estimator, tmp_path / "est.nnl")
    copy = nl.load(tmp_path / "est.nnl")
    assert type(copy) is type(estimator)
    assert copy.get_params() == estimator.get_params()
    np.testing.assert_array_equal(copy.predict(XE), estimator.predict(XE))
    if hasattr(estimator, "predict_proba"):
        np.testing.assert_array_equal(copy.predict_proba(XE), estimator.predict_proba(XE))
    for key, value in vars(estimator).items():
        if key.endswith("_") and not key.startswith("_") and key != "model_":
            loaded = getattr(copy, key)
            assert type(loaded) is type(value), key
            np.testing.assert_array_equal(loaded, value)
            assert np.asarray(loaded).dtype == np.asarray(value).dtype, key


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("name", ["Perceptron", "Adaline", "LogisticNeuron"])
def test_a_loaded_neuron_goes_on_learning_like_the_original(tmp_path, name):
    neuron = ESTIMATORS[name]()
    nl.save(neuron, tmp_path / "neuron.nnl")
    copy = nl.load(tmp_path / "neuron.nnl")
    for model in (neuron, copy):
        model.partial_fit(XE, BINARY)
    for key in ("coef_", "intercept_", "errors_", "loss_curve_", "n_epochs_"):
        np.testing.assert_array_equal(getattr(copy, key), getattr(neuron, key))


def test_metadata_is_kept_beside_the_object(tmp_path):
    meta = {"features": ["a", "b"], "target": "y", "task": "regression"}
    nl.save(nl.Dense(2, 1), tmp_path / "d.nnl", metadata=meta)
    assert io.load_metadata(tmp_path / "d.nnl") == meta
    with pytest.raises(TypeError, match="metadata must hold JSON values"):
        nl.save(nl.Dense(2, 1), tmp_path / "d.nnl", metadata={"x": object()})


# ----- errors ----------------------------------------------------------------------------
@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.nnl"
    nl.save(nl.Sequential(nl.Dense(3, 50, random_state=0), nl.Dense(50, 2)), path)
    return path


def test_garbage_is_not_an_nnlearn_file(tmp_path):
    path = tmp_path / "garbage.nnl"
    path.write_bytes(RNG.bytes(500))
    with pytest.raises(io.FileFormatError, match=r"garbage\.nnl' is not an nnlearn file"):
        nl.load(path)
    np.savez(tmp_path / "plain.npz", a=np.ones(3))
    with pytest.raises(io.FileFormatError, match=r"not an nnlearn file \(it has no nnlearn\.json"):
        nl.load(tmp_path / "plain.npz")


def test_truncated_and_corrupted_files_are_named_so(saved):
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    with pytest.raises(io.FileFormatError, match="is corrupted or truncated"):
        nl.load(saved)
    flipped = bytearray(data)
    at = data.index(b"\x93NUMPY", data.index(b"1.weight")) + 200  # inside the 50x2 weights
    flipped[at] ^= 0xFF
    saved.write_bytes(bytes(flipped))
    with pytest.raises(io.FileFormatError, match=r"corrupted or truncated.*CRC"):
        nl.load(saved)


def test_unknown_version_layer_and_activation_are_clear_errors(saved):
    rewrite(saved, lambda d: d.update(version=99))
    with pytest.raises(io.FileFormatError, match="format version 99; this nnlearn reads version 1"):
        nl.load(saved)
    rewrite(saved, lambda d: d.update(version=1, format="other"))
    with pytest.raises(io.FileFormatError, match="not an nnlearn file"):
        nl.load(saved)

    def rename_layer(document):
        document["format"] = "nnlearn"
        document["object"]["architecture"]["config"]["layers"][0]["name"] = "os.system"

    rewrite(saved, rename_layer)
    with pytest.raises(io.FileFormatError, match=r"unknown layer 'os\.system'; this nnlearn knows"):
        nl.load(saved)


def test_pickled_arrays_are_refused(saved):
    def pickled_entry(document):
        document["object"]["state"]["0.weight"]["name"] = "evil"

    rewrite(saved, pickled_entry)
    with zipfile.ZipFile(saved, "a") as archive, archive.open("evil.npy", "w") as entry:
        np.lib.format.write_array(entry, np.array([print], dtype=object), allow_pickle=True)
    with pytest.raises(io.FileFormatError, match="of dtype object; nnlearn files hold"):
        nl.load(saved)


def test_paths_that_are_not_files(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a directory"):
        nl.save(nl.Dense(2, 1), tmp_path)
    with pytest.raises(IsADirectoryError, match="is a directory"):
        nl.load(tmp_path)
    with pytest.raises(FileNotFoundError, match="no such file"):
        nl.load(tmp_path / "missing.nnl")


def test_what_cannot_be_saved_is_named(tmp_path):
    class Custom(nl.Module):
        def forward(self, x):
            return x

    with pytest.raises(TypeError, match=r"obj.layers\[1\]: Custom is not registered"):
        nl.save(nl.Sequential(nl.Dense(2, 2), Custom()), tmp_path / "m.nnl")
    custom_init = nl.Dense(2, 2, init=lambda shape, fan_in, fan_out, rng: np.ones(shape))
    with pytest.raises(TypeError, match=r"obj\.init: a function"):
        nl.save(custom_init, tmp_path / "m.nnl")
    seeded = MLPRegressor((2,), max_iter=1, random_state=np.random.default_rng(0))
    with pytest.raises(TypeError, match=r"obj\.params\.random_state: a Generator"):
        nl.save(seeded, tmp_path / "m.nnl")
    from sklearn.linear_model import LinearRegression

    with pytest.raises(TypeError, match="LinearRegression is not one of nnlearn's estimators"):
        nl.save(LinearRegression(), tmp_path / "m.nnl")
    assert not (tmp_path / "m.nnl").exists()


def test_a_failed_save_leaves_the_existing_file_intact(saved, monkeypatch):
    before = saved.read_bytes()
    calls = []

    def failing_write_array(file, array, allow_pickle):
        calls.append(array.shape)
        if len(calls) == 3:
            raise OSError("disk full")
        np.lib.format.write_array(file, array, allow_pickle=allow_pickle)

    monkeypatch.setattr(io.model_file, "write_array", failing_write_array)
    with pytest.raises(OSError, match="disk full"):
        nl.save(nl.Sequential(nl.Dense(3, 7), nl.Dense(7, 1)), saved)
    assert len(calls) == 3
    assert saved.read_bytes() == before
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]
    assert nl.load(saved).layers[0].out_features == 50
