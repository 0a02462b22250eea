"""Tour: recurrent networks, as dynamical systems and as sequence predictors."""

from __future__ import annotations

import numpy as np

import nnlearn as nl
from nnlearn.equations import CATALOGUE
from nnlearn.plots import sequences as plots
from nnlearn.plots.training import training_curves
from nnlearn.tour.report import Report

TITLE = "Recurrent networks: state, feedback and memory"

RNN_EQUATIONS = (
    "rnn_update_equation",
    "recurrent_neural_network_update_equations",
    "recurrent_neural_network_with_output_feedback",
    "recursive_definition_of_recurrent_neural_networks",
)
LSTM_EQUATIONS = (
    "input_neuron_of_an_lstm",
    "input_gate_of_an_lstm",
    "forget_gate_of_an_lstm",
    "output_gate_of_an_lstm",
    "update_of_a_memory_cell_in_an_lstm",
    "output_of_an_lstm",
)
#: the sine task: sequences of N_STEPS samples of sin, DT apart; predict the next sample
N_SEQUENCES, N_STEPS, DT = 64, 30, 0.25
#: Widrow and Hoff's tape: pieces of PIECE_LENGTH bits of s(n) = s(n−1) XOR s(n−2), each
#: bit of which the rule gives with probability RELIABILITY (else the other one)
N_PIECES, PIECE_LENGTH, RELIABILITY = 2000, 25, 0.9


def _equations(report: Report, keys: tuple[str, ...]) -> None:
    for key in keys:
        report.text(CATALOGUE[key].name)
        report.equation(CATALOGUE[key].latex)


def run(report: Report) -> None:
    _equations(report, RNN_EQUATIONS)
    dynamics(report)
    report.text("Backpropagation through time is ordinary backpropagation on the unrolled "
                "graph (the recursive definition above): nl.RNN builds that graph, and "
                "loss.backward() differentiates it, for 2,000 steps as for 2.")
    sine(report)
    _equations(report, LSTM_EQUATIONS)
    lstm_sine(report)
    tape_prediction(report)


def free_run(spectral_radius: float, activation: str, n_steps: int = 60) -> tuple[
        np.ndarray, float]:
    """‖x(n)‖ of x(n) = σ(W x(n−1)) from a unit x(0), and ‖∂Σx(n_steps)/∂x(0)‖ by BPTT."""
    rng = np.random.default_rng(0)
    rnn = nl.RNN(1, 20, activation=activation, bias=False)
    W = rng.normal(size=(20, 20))
    W *= spectral_radius / np.abs(np.linalg.eigvals(W)).max()
    rnn.weight_hidden.data[...] = W.T
    direction = rng.normal(size=(1, 20))
    x0 = nl.tensor(direction / np.linalg.norm(direction), requires_grad=True)
    states = rnn(np.zeros((1, n_steps, 1)), state=x0)
    states[0, -1].sum().backward()
    norms = np.r_[1.0, np.linalg.norm(states.data[0], axis=1)]
    return norms, float(np.linalg.norm(x0.grad))


def dynamics(report: Report) -> None:
    report.text("Without input, an RNN is a discrete-time dynamical system x(n+1) = σ(W x(n)). "
                "Near 0, tanh is the identity, so the spectral radius ρ(W) (the largest "
                "|eigenvalue|) decides: below 1 the state fades away, above 1 it grows — "
                "without bound for a linear σ, up to tanh's saturation otherwise. The "
                "gradient that BPTT sends back to x(0) shrinks or grows the same way "
                "(vanishing and exploding gradients: clip_norm= on an optimizer bounds the "
                "second; the LSTM's gated memory cell answers the first).")
    curves, rows = {}, []
    for rho in (0.8, 1.2):
        for activation in ("identity", "tanh"):
            norms, grad = free_run(rho, activation)
            curves[f"ρ = {rho}, σ = {activation}"] = norms
            rows.append((rho, activation, float(norms[-1]), grad))
    report.table(("ρ(W)", "σ", "‖x(60)‖", "‖∂Σx(60)/∂x(0)‖"), rows)
    report.figure(plots.state_norms(curves), "recurrent_state_norms.png",
                  "the free-running state decays for ρ(W) < 1 and grows for ρ(W) > 1")


def sine_data(n_sequences: int, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """Sine sequences of random phase, shaped (n, N_STEPS, 1), and their next samples."""
    phase = np.random.default_rng(random_state).uniform(0, 2 * np.pi, size=(n_sequences, 1))
    wave = np.sin(phase + DT * np.arange(N_STEPS + 1))
    return wave[:, :-1, None], wave[:, 1:, None]


def generate(model: nl.Module, warm_up: np.ndarray, n_steps: int) -> np.ndarray:
    """Read ``warm_up`` (n_warm, 1), then feed the model's own output back as its input."""
    with nl.no_grad():
        y, state = model(warm_up[None], return_state=True)
        outputs = [y.data[0, -1]]
        for _ in range(n_steps - 1):
            y, state = model(outputs[-1][None, None], state=state, return_state=True)
            outputs.append(y.data[0, -1])
    return np.array(outputs)[:, 0]


def sine(report: Report) -> None:
    X, y = sine_data(N_SEQUENCES, random_state=0)
    X_val, y_val = sine_data(16, random_state=1)
    rnn = nl.RNN(1, 16, output_size=1, random_state=0)
    history = nl.fit(rnn, X, y, loss="mse", lr=0.01, epochs=40, batch_size=16,
                     validation_data=(X_val, y_val), random_state=0)
    report.text(f"An RNN 1-16-1 (tanh state, linear readout) learns to predict the next sample "
                f"of sine waves of random phase ({N_SEQUENCES} sequences of {N_STEPS} steps, "
                f"Adam, 40 epochs): validation MSE {history['val_loss'][0]:.3f} after the first "
                f"epoch, {history['val_loss'][-1]:.5f} after the last.")
    report.figure(training_curves(history), "recurrent_sine_curves.png",
                  "training and validation MSE per epoch")
    n_warm, n_free = 30, 70
    steps = np.arange(n_warm + n_free)
    target = np.sin(0.3 + DT * (steps + 1))
    warm_up = np.sin(0.3 + DT * steps[:n_warm])[:, None]
    with nl.no_grad():
        one_step = rnn(np.sin(0.3 + DT * steps)[None, :, None]).data[0, :, 0]
    generated = np.r_[one_step[: n_warm - 1], generate(rnn, warm_up, n_free + 1)]
    error = np.abs(generated - target)[n_warm:].mean()
    report.text("Fed its own predictions back as input (output feedback at run time), it "
                f"keeps generating the wave: mean |error| {error:.3f} over {n_free} "
                "free-running steps.")
    report.figure(plots.sequence_prediction(steps, target, {
        "one step ahead": one_step, "free run after step 30": generated}, split=n_warm - 0.5),
        "recurrent_sine_prediction.png", "the trained RNN, reading the wave and then alone")


def lstm_sine(report: Report) -> None:
    X, y = sine_data(N_SEQUENCES, random_state=0)
    X_val, y_val = sine_data(16, random_state=1)
    rows = []
    for variant in ("pytorch", "course"):
        lstm = nl.LSTM(1, 8, output_size=1, variant=variant, random_state=0)
        history = nl.fit(lstm, X, y, loss="mse", lr=0.02, epochs=20, batch_size=32,
                         validation_data=(X_val, y_val), random_state=0)
        rows.append((variant, lstm.n_parameters, history["val_loss"][-1]))
    report.text("The same task for an LSTM 1-8-1, in PyTorch's form (tanh input neuron and "
                "cell output) and in the course's (logistic input neuron, output g^output · c), "
                "20 epochs each:")
    report.table(("variant", "parameters", "validation MSE"), rows)
    report.text("The course's cell only adds inputs in (0, 1), so its memory drifts upward and "
                "the readout has to undo the drift; tanh lets the cell add and subtract.")


def binary_tape(n_pieces: int, random_state: int) -> np.ndarray:
    """Pieces of a correlated binary sequence, shape (n_pieces, PIECE_LENGTH), bits 0/1:
    s(n) = s(n−1) XOR s(n−2) with probability RELIABILITY, the other bit otherwise."""
    rng = np.random.default_rng(random_state)
    bits = np.empty((n_pieces, PIECE_LENGTH), dtype=np.intp)
    bits[:, :2] = rng.integers(0, 2, size=(n_pieces, 2))
    for n in range(2, PIECE_LENGTH):
        rule = bits[:, n - 1] ^ bits[:, n - 2]
        bits[:, n] = np.where(rng.random(n_pieces) < RELIABILITY, rule, 1 - rule)
    return bits


def tape_prediction(report: Report) -> None:
    train, test = binary_tape(N_PIECES, random_state=0), binary_tape(1000, random_state=1)
    X, y = 2.0 * train[:, :-1] - 1, train[:, -1]  # Widrow and Hoff's ±1 signals
    X_test, y_test = 2.0 * test[:, :-1] - 1, test[:, -1]
    optimum = np.mean((test[:, -2] ^ test[:, -3]) == y_test)
    echo = np.mean(test[:, -4] == y_test)
    adaline = nl.models.Adaline(learning_rate=0.002, max_epochs=50, normalized=False).fit(X, y)
    lstm = nl.Sequential(nl.LSTM(1, 8, random_state=0), nl.LastStep(),
                         nl.Dense(8, 2, random_state=1))
    history = nl.fit(lstm, X[:, :, None], y, loss="cross_entropy", lr=0.02, epochs=8,
                     batch_size=64, metrics=("accuracy",),
                     validation_data=(X_test[:, :, None], y_test), random_state=0)
    report.text("\"Prediction is a certain kind of classification\" (Widrow and Hoff, 1960): "
                f"cut a correlated binary sequence into pieces of {PIECE_LENGTH} bits, and "
                "sort them by their last bit, to be predicted from the others. Here the "
                "sequence follows s(n) = s(n−1) XOR s(n−2) except for "
                f"{1 - RELIABILITY:.0%} of the bits, so no predictor beats the rule itself. "
                f"Trained on {N_PIECES:,} pieces, tested on 1,000:")
    report.table(("predictor", "test accuracy"), [
        ("the rule s(n−1) XOR s(n−2) (the optimum)", float(optimum)),
        ("the echo s(n−3) (s(n) = s(n−3) but for two noisy bits)", float(echo)),
        ("Adaline on the 24 previous bits, ±1", adaline.score(X_test, y_test)),
        ("LSTM 1-8 reading the bits, its last step into Dense 8-2",
         history["val_accuracy"][-1]),
    ])
    report.text("The single neuron is linear in the bits, and XOR is not (the perceptron's "
                "lesson): it catches no more than the sequence's period-3 echo. The "
                "LSTM reads the bits one at a time and learns the rule, up to the noise "
                "(nl.LastStep turns its per-step outputs into one per piece).")
