"""PyTorch's features of nl.RNN and nl.LSTM: num_layers, bidirectional, dropout between
layers and unbatched sequences, each against torch.nn.RNN / torch.nn.LSTM with copied
weights (outputs, final states, every gradient; float64, 1e-10); saving every
configuration; and clear errors for bad arguments."""

import copy
import warnings

import numpy as np
import pytest
import torch
from recurrent_helpers import TOL, compare_with_torch, sequences

import nnlearn as nl

torch.set_num_threads(1)

LAYERS = {
    "rnn_tanh": lambda **kw: nl.RNN(3, 4, **kw),
    "rnn_relu": lambda **kw: nl.RNN(3, 4, activation="relu", **kw),
    "lstm": lambda **kw: nl.LSTM(3, 4, **kw),
}


def randomized(layer, seed=0):
    """Every parameter drawn afresh (non-zero biases too), small enough for relu to stay tame."""
    rng = np.random.default_rng(seed)
    for p in layer.parameters():
        p.data[...] = rng.normal(scale=0.5, size=p.shape)
    return layer


def random_state(layer, n_samples, seed=2):
    """An initial state with the layer axis (num_layers · num_directions, n_samples, size)."""
    rng = np.random.default_rng(seed)
    cells = layer.num_layers * (2 if layer.bidirectional else 1)
    return [rng.normal(size=(cells, n_samples, size)) for size in layer.state_sizes]


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_stacked_layers_match_torch(name, bias):
    layer = randomized(LAYERS[name](num_layers=3, bias=bias, random_state=0))
    u = sequences(5, 7, 3)
    seed = np.random.default_rng(3).normal(size=(5, 7, 4))
    compare_with_torch(layer, u, random_state(layer, 5), seed)
    names = [n for n, _ in layer.named_parameters()]
    assert names[:2] == ["weight_input", "weight_hidden"] and "weight_hidden_l2" in names


@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_bidirectional_layers_match_torch(name, num_layers):
    """Both directions' outputs concatenated (forward first), final states per layer and
    direction in PyTorch's order; the upper layer reads 2 · hidden_size features."""
    layer = randomized(LAYERS[name](num_layers=num_layers, bidirectional=True, random_state=0))
    u = sequences(4, 6, 3, seed=1)
    seed = np.random.default_rng(4).normal(size=(4, 6, 8))
    compare_with_torch(layer, u, random_state(layer, 4), seed)
    compare_with_torch(layer, u, None, seed)  # zero initial state
    if num_layers == 2:
        assert layer.weight_input_l1_reverse.shape == (8, layer.weight_hidden.shape[1])


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_one_unbatched_sequence_matches_torch(name):
    """(n_steps, input_size) in, (n_steps, features) out, state parts (layers, size)."""
    layer = randomized(LAYERS[name](num_layers=2, bidirectional=True, random_state=0))
    u = sequences(1, 6, 3, seed=5)[0]
    state = [part[:, 0] for part in random_state(layer, 1)]
    seed = np.random.default_rng(6).normal(size=(6, 8))
    compare_with_torch(layer, u, state, seed)
    batched = layer(u[None], state=tuple(p[:, None] for p in state) if len(state) > 1
                    else state[0][:, None])
    np.testing.assert_allclose(layer(u, state=tuple(state) if len(state) > 1 else state[0]).data,
                               batched.data[0], **TOL)


def test_a_single_layer_state_has_the_layer_axis_or_not():
    """nnlearn's (n_samples, size) and PyTorch's (1, n_samples, size) mean the same; the
    final state comes back in the first form."""
    lstm = randomized(nl.LSTM(3, 4, random_state=0))
    u, (h0, c0) = sequences(2, 5, 3), random_state(lstm, 2)
    plain, (h, c) = lstm(u, state=(h0[0], c0[0]), return_state=True)
    with_axis = lstm(u, state=(h0, c0))
    np.testing.assert_array_equal(plain.data, with_axis.data)
    assert h.shape == c.shape == (2, 4)
    _, (h1, c1) = lstm(u[0], state=(h0[0, 0], c0[0, 0]), return_state=True)
    assert h1.shape == c1.shape == (4,)
    np.testing.assert_allclose(h1.data, h.data[0], **TOL)
    np.testing.assert_allclose(c1.data, c.data[0], **TOL)


def test_dropout_acts_between_layers_while_training_only():
    layer = randomized(nl.LSTM(3, 4, num_layers=2, dropout=0.5, random_state=0))
    u = sequences(3, 6, 3)
    rng = copy.deepcopy(layer.dropout_rng)
    out, (h, c) = layer(u, return_state=True)
    # the same network by hand: layer 0, the mask on its outputs, layer 1
    first, second = nl.LSTM(3, 4), nl.LSTM(4, 4)
    first.load_state_dict({k: layer.state_dict()[k] for k in ("weight_input", "weight_hidden",
                                                             "bias")})
    second.load_state_dict({k[:-3]: v for k, v in layer.state_dict().items() if k.endswith("_l1")})
    hidden, (h_first, c_first) = first(u, return_state=True)
    mask = (rng.random(hidden.shape) >= 0.5) / 0.5
    expected, (h_second, _) = second(hidden.data * mask, return_state=True)
    np.testing.assert_allclose(out.data, expected.data, **TOL)
    np.testing.assert_allclose(h.data[0], h_first.data, **TOL)  # states: before the dropout
    np.testing.assert_allclose(c.data[0], c_first.data, **TOL)
    np.testing.assert_allclose(h.data[1], h_second.data, **TOL)
    again = layer(u)
    assert not np.allclose(again.data, out.data)  # a new mask each call
    layer.eval()  # no dropout: PyTorch's network in evaluation mode
    compare_with_torch(layer, u, None, np.random.default_rng(7).normal(size=(3, 6, 4)))


def test_dropout_with_one_layer_warns_as_pytorch_does():
    with pytest.warns(UserWarning, match="num_layers=1 has none"):
        nl.RNN(2, 3, dropout=0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nl.RNN(2, 3, num_layers=2, dropout=0.2)


CONFIGURATIONS = {
    "rnn_stack_bidirectional": lambda: nl.RNN(3, 4, num_layers=2, bidirectional=True,
                                              activation="relu", random_state=0),
    "rnn_unrolled_activation": lambda: nl.RNN(3, 4, activation="elu", output_size=2,
                                              bidirectional=True, random_state=0),
    "lstm_dropout_readout": lambda: nl.LSTM(3, 4, output_size=2, output_activation="sigmoid",
                                            num_layers=3, dropout=0.25, truncate=2,
                                            random_state=0),
    "lstm_course_bidirectional_float32": lambda: nl.LSTM(
        3, 4, variant="course", bidirectional=True, bias=False,
        random_state=0).astype(np.float32),
}


@pytest.mark.parametrize("name", sorted(CONFIGURATIONS))
def test_every_configuration_saves_and_loads(tmp_path, name):
    layer = CONFIGURATIONS[name]().eval()
    path = tmp_path / "layer.nnl"
    nl.save(layer, path)
    copy_ = nl.load(path)
    assert repr(copy_) == repr(layer) and copy_.config() == layer.config()
    u = sequences(2, 5, 3).astype(layer.dtype)
    np.testing.assert_array_equal(copy_(u).data, layer(u).data)
    assert copy_.dtype == layer.dtype


def test_repr_shows_the_options():
    layer = nl.LSTM(3, 4, num_layers=2, bidirectional=True, dropout=0.1)
    assert repr(layer) == ("LSTM(3 → 4, num_layers=2, bidirectional=True, dropout=0.1, "
                           "variant='pytorch')")
    assert layer.out_features == 8


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: nl.LSTM(3, 4, num_layers=0), ValueError, "num_layers must be a positive integer"),
        (lambda: nl.LSTM(3, 4, num_layers=2.0), TypeError, "num_layers must be a .* got 2.0"),
        (lambda: nl.RNN(3, True), TypeError, r"hidden_size must be a positive integer, got True"),
        (lambda: nl.RNN(3, 4, bidirectional="yes"), TypeError, "bidirectional must be True or"),
        (lambda: nl.RNN(3, 4, num_layers=2, dropout=1.0), ValueError, r"\[0, 1\), got 1"),
        (lambda: nl.RNN(3, 4, num_layers=2, dropout=-0.1), ValueError, "dropout must be"),
        (lambda: nl.RNN(3, 4, num_layers=2, dropout=float("nan")), ValueError, "finite"),
        (lambda: nl.RNN(3, 4, num_layers=2, dropout="0.1"), TypeError, "dropout must be"),
        (lambda: nl.RNN(3, 4, 2, feedback=True, num_layers=2), ValueError, "num_layers=1"),
        (lambda: nl.RNN(3, 4, 2, feedback=True, bidirectional=True), ValueError,
         "bidirectional=False"),
        (lambda: nl.LSTM(3, 4, forget_bias=float("inf")), ValueError, "forget_bias"),
        (lambda: nl.LSTM(3, 4, num_layers=2)(np.zeros((2, 5, 3)), state=(np.zeros((2, 4)),) * 2),
         ValueError, r"initial state h of shape \(2, 4\); expected \(2, 2, 4\)"),
        (lambda: nl.LSTM(3, 4)(np.zeros((5, 3)), state=(np.zeros((2, 4)),) * 2), ValueError,
         r"expected \(1, 4\) or \(4,\)"),
        (lambda: nl.RNN(3, 4)(np.zeros((2, 5, 3)) * 1j), TypeError, "complex"),
        (lambda: nl.RNN(3, 4)(np.full((2, 5, 3), np.nan)), ValueError, "input must be finite"),
        (lambda: nl.RNN(3, 4)(np.zeros((2, 5, 3)), state=np.full((2, 4), np.inf)), ValueError,
         "initial state x must be finite"),
        (lambda: nl.RNN(3, 4)(np.zeros((1, 2, 5, 3))), ValueError, "or \\(n_steps, input_size\\)"),
    ],
)
def test_bad_arguments_get_clear_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()
