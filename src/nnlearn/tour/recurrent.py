"""Chapter: recurrent networks, as dynamical systems (their fixed points, and a map's road
to chaos) and as sequence predictors."""

from __future__ import annotations

import numpy as np

import nnlearn as nl
from nnlearn.dynamics import ContinuousSystem, DiscreteSystem, logistic_map
from nnlearn.equations import implements
from nnlearn.plots import sequences as plots
from nnlearn.plots.dynamics import bifurcation_diagram, cobweb_plot, eigenvalue_plane
from nnlearn.plots.training import training_curves
from nnlearn.tour.numbers import number, percent
from nnlearn.tour.page import Page

TITLE = "Recurrent networks and dynamical systems"
SUMMARY = ("An RNN without input as a dynamical system, vanishing and exploding gradients, "
           "fixed points and their stability, the logistic map's road to chaos, a sine wave "
           "learned and generated, the LSTM, prediction as classification.")
INTRODUCTION = (
    "A recurrent network feeds its state back into itself, so it is a dynamical system: "
    "x(n + 1) = T(x(n), u(n)). This chapter first lets one run without input, where the "
    "spectral radius of its weight matrix decides whether the state fades or grows, and "
    "with it the gradient that backpropagation through time sends back. The eigenvalues "
    "of the Jacobian at a fixed point say why, for this network as for a map or a "
    "pendulum; and the logistic map, one equation with one parameter, goes from rest to "
    "chaos, measured by its Lyapunov exponent. Then a network "
    "learns to predict a sine wave and, fed its own predictions, keeps generating it; the "
    "LSTM's gated memory does the same in two forms; and, as Widrow and Hoff put it, "
    "prediction turns out to be a kind of classification."
)

#: the sine task: sequences of N_STEPS samples of sin, DT apart; predict the next sample
N_SEQUENCES, N_STEPS, DT = 64, 30, 0.25
#: Widrow and Hoff's tape: pieces of PIECE_LENGTH bits of s(n) = s(n−1) XOR s(n−2), each
#: bit of which the rule gives with probability RELIABILITY (else the other one)
N_PIECES, PIECE_LENGTH, RELIABILITY, TAPE_EPOCHS = 2000, 25, 0.9, 3
#: the free runs: steps, hidden units, the spectral radii of W
FREE_STEPS, FREE_UNITS, SPECTRAL_RADII = 60, 20, (0.8, 1.2)
#: the fixed points: the logistic map's r, the damping γ of the pendulum ẍ = −sin x − γẋ
FIXED_R, DAMPING = 2.8, 0.5
#: the logistic map: r of the cobwebs, of the 2-cycle and of chaos in the table of
#: Lyapunov exponents (with FIXED_R); the bifurcation diagram's values of r, steps
#: dropped and steps drawn for each
COBWEB_R, CYCLE_R, CHAOS_R = (2.8, 3.2, 3.9), 3.2, 4.0
BIFURCATION_R, BIFURCATION_TRANSIENT, BIFURCATION_KEEP = np.linspace(2.5, 4.0, 400), 300, 80


def recurrent_weights(spectral_radius: float) -> np.ndarray:
    """The free runs' W: a random FREE_UNITS × FREE_UNITS matrix scaled to the spectral
    radius ρ(W) (its largest |eigenvalue|)."""
    W = np.random.default_rng(0).normal(size=(FREE_UNITS, FREE_UNITS))
    return W * (spectral_radius / np.abs(np.linalg.eigvals(W)).max())


def free_run(spectral_radius: float, activation: str) -> tuple[np.ndarray, float]:
    """‖x(n)‖ for n = 0..FREE_STEPS of x(n) = σ(W x(n−1)) from a unit x(0), and
    ‖∂Σx(FREE_STEPS)/∂x(0)‖ by backpropagation through time."""
    rnn = nl.RNN(1, FREE_UNITS, activation=activation, bias=False)
    rnn.weight_hidden.data[...] = recurrent_weights(spectral_radius).T
    direction = np.random.default_rng(1).normal(size=(1, FREE_UNITS))
    x0 = nl.tensor(direction / np.linalg.norm(direction), requires_grad=True)
    states = rnn(np.zeros((1, FREE_STEPS, 1)), state=x0)
    states[0, -1].sum().backward()
    norms = np.r_[1.0, np.linalg.norm(states.data[0], axis=1)]
    return norms, float(np.linalg.norm(x0.grad))


def dynamics(page: Page) -> None:
    page.section("A recurrent network as a dynamical system")
    page.equation("discrete_time_update_operator", "rnn_update_equation",
                  "recurrent_neural_network_update_equations")
    curves, rows = {}, []
    for rho in SPECTRAL_RADII:
        for activation in ("identity", "tanh"):
            norms, gradient = free_run(rho, activation)
            curves[f"ρ(W) = {number(rho)}, σ = {activation}"] = norms
            rows.append((rho, activation, float(norms[-1]), gradient))
    low = np.array(list(curves.values())[:2])
    gap = float(np.max(np.abs(low[0] - low[1]) / low[0]))
    page.text(f"Without input, {FREE_UNITS} units with random weights W scaled to a spectral "
              "radius ρ(W) (the largest |eigenvalue|) run from a state of norm 1. For a "
              "linear σ the state shrinks or grows like ρ(W)ⁿ; tanh is the identity near 0, "
              "so below 1 it fades in the same way, and above 1 it grows until tanh "
              f"saturates. For ρ(W) = 0.8 the two runs differ by at most {percent(gap, 2)}: "
              "their curves lie on one another (drawn thick and thin). The gradient that "
              "backpropagation through time sends back to x(0) shrinks or grows alike: "
              "vanishing and exploding gradients. Clipping the gradient's norm (clip_norm= "
              "on an optimizer) bounds the second; the LSTM's memory cell answers the first.")
    page.table(("ρ(W)", "σ", f"‖x({FREE_STEPS})‖", f"‖∂Σx({FREE_STEPS})/∂x(0)‖"), rows)
    page.figure(plots.state_norms(curves), "state-norms",
                f"The norm of the free-running state over {FREE_STEPS} steps, on a "
                "logarithmic scale: it decays for ρ(W) < 1 and grows for ρ(W) > 1.")


def tanh_network(spectral_radius: float) -> DiscreteSystem:
    """The free runs' tanh network as a map: x(n+1) = tanh(W x(n))."""
    W = recurrent_weights(spectral_radius)
    return DiscreteSystem(lambda x: nl.tanh(nl.matmul(W, x)))


def fixed_points(page: Page) -> None:
    page.section("Fixed points and their stability")
    page.equation("newton_fixed_point", "fixed_point_stability")
    logistic = DiscreteSystem(lambda x: logistic_map(x, FIXED_R))
    pendulum = ContinuousSystem(
        lambda x: nl.stack([x[1], -nl.sin(x[0]) - DAMPING * x[1]]))
    rests = {rho: tanh_network(rho).fixed_point(np.zeros(FREE_UNITS)) for rho in SPECTRAL_RADII}
    r, gamma = FIXED_R, DAMPING
    focus = -gamma / 2 + np.array([1j, -1j]) * np.sqrt(1 - gamma**2 / 4)
    saddle = -gamma / 2 + np.array([1, -1]) * np.sqrt(1 + gamma**2 / 4)
    systems = (  # the points found, sorted by state, and their eigenvalues in closed form
        (f"logistic map, r = {number(r)}", logistic.fixed_points(np.linspace(-0.5, 1.5, 5)),
         ([r], [2 - r])),  # x* = 0 and 1 − 1/r
        (f"pendulum, γ = {number(gamma)}", pendulum.fixed_points([[0.3, 0.0], [3.0, 0.0]]),
         (focus, saddle)))  # hanging down and balanced upright
    rows = [(name, _state(point.state), _eigenvalues(point.eigenvalues),
             _eigenvalues(np.asarray(closed)), point.stable)
            for name, points, closed_forms in systems
            for point, closed in zip(points, closed_forms, strict=True)]
    for rho, rest in rests.items():
        rows.append((f"tanh RNN, ρ(W) = {number(rho)}", "0",
                     f"max |λ| = {number(np.abs(rest.eigenvalues).max())}",
                     f"ρ(W) = {number(rho)}", rest.stable))
    gap = max(float(np.abs(rest.jacobian - recurrent_weights(rho)).max())
              for rho, rest in rests.items())
    page.text("A map rests where x* = T(x*), a flow where T(x*) = 0. Newton's method finds "
              "such points from a few starts, with the exact Jacobian J = ∂T/∂x from "
              "nnlearn's autodiff, and J's eigenvalues decide what happens near each: a "
              "small deviation is multiplied by J at every step of a map, so x* is stable "
              "when every |λ| < 1, and it grows like e^(λt) in a flow, stable when every "
              "Re λ < 0. The logistic map x(n+1) = r x(n)(1 − x(n)) rests at 0 and at "
              f"1 − 1/r = {number(1 - 1 / r)}, where λ = f′(x*) = r and 2 − r. The damped "
              "pendulum ẍ = −sin x − γẋ, as a flow on (x, ẋ), rests hanging down, where "
              "λ = −γ/2 ± i√(1 − γ²/4) make a stable focus (complex eigenvalues: it swings as "
              "it settles), and balanced upright, where λ = −γ/2 ± √(1 + γ²/4) make a "
              "saddle:")
    page.table(("system", "x*", "eigenvalues λ of J", "closed form", "stable"), rows)
    page.text("The recurrent network of the first section rests at x* = 0, and as tanh′(0) "
              f"= 1 its Jacobian there is W itself (largest |J − W|: {number(gap)}). So the "
              "rest is stable exactly when every eigenvalue of W lies inside the unit "
              "circle, when ρ(W) < 1: the largest |λ| is "
              + " and ".join(number(np.abs(rest.eigenvalues).max()) for rest in rests.values())
              + ", the fading and the growing runs above.")
    page.figure(eigenvalue_plane({f"ρ(W) = {number(rho)}: stable" if rest.stable else
                                  f"ρ(W) = {number(rho)}: unstable": rest.eigenvalues
                                  for rho, rest in rests.items()}),
                "eigenvalues", f"The {FREE_UNITS} eigenvalues of J = W at the network's rest, "
                "for the two spectral radii, and the unit circle.")


def _state(state: np.ndarray) -> str:
    values = [number(v, zero=1e-12) for v in state]
    return values[0] if len(values) == 1 else "(" + ", ".join(values) + ")"


def _eigenvalues(values: np.ndarray) -> str:
    """Eigenvalues as a reader writes them: a complex pair as a ± bi, real ones listed."""
    values = np.asarray(values)
    if np.iscomplexobj(values) and np.any(values.imag != 0):
        pair = values[np.argmax(values.imag)]
        return f"{number(pair.real)} ± {number(pair.imag)}i"
    return ", ".join(number(float(v)) for v in sorted(values.real, reverse=True))


@implements("logistic_map_cycle_exponents", test="tests/test_tour_book.py::test_lyapunov_"
            "exponents_beside_closed_forms_and_the_diagrams_own")
def cycle_exponents(r: float) -> tuple[float, float]:
    """The Lyapunov exponents of the logistic map's fixed point 1 − 1/r and of its 2-cycle,
    in closed form: ln |f′(x*)| = ln |2 − r|, and ½ ln |f′(x₊) f′(x₋)| = ½ ln |4 + 2r − r²|.

    Parameters
    ----------
    r : float
        The parameter; the fixed point is stable for 1 < r < 3, the 2-cycle for
        3 < r < 1 + √6.

    Returns
    -------
    fixed, two_cycle : float
    """
    return float(np.log(abs(2 - r))), float(0.5 * np.log(abs(4 + 2 * r - r**2)))


def logistic(page: Page) -> None:
    page.section("The logistic map: from a fixed point to chaos")
    page.equation("logistic_map", "largest_lyapunov_exponent", "logistic_map_cycle_exponents")
    page.text("One number, r, takes the logistic map from rest to chaos. A cobweb shows an "
              "orbit on the graph: up to the curve gives f(x(n)), across to the diagonal "
              "makes it the next x. At r = {} the orbit spirals into the fixed point, at "
              "{} it settles on a cycle of two values, and at {} it never settles."
              .format(*map(number, COBWEB_R)))
    page.figure(cobweb_plot({f"r = {number(r)}": (lambda x, r=r: logistic_map(x, r))
                             for r in COBWEB_R}, x0=0.1, n_steps=40),
                "cobwebs", "Cobwebs of 40 steps of the logistic map from x(0) = 0.1, for three "
                "values of r.")
    r = np.array([FIXED_R, CYCLE_R, CHAOS_R])
    measured = [DiscreteSystem(lambda x, r=r: logistic_map(x, r)).lyapunov_exponent(
        0.3, n_steps=2000, n_transient=200) for r in r]
    fixed, _ = cycle_exponents(FIXED_R)
    _, two_cycle = cycle_exponents(CYCLE_R)
    closed = [fixed, two_cycle, np.log(2)]
    c = CYCLE_R
    cycle = (c + 1 + np.array([-1, 1]) * np.sqrt(c**2 - 2 * c - 3)) / (2 * c)  # x₋, x₊
    page.text("The largest Lyapunov exponent λ is the mean of ln |f′(x(n))| along the orbit, "
              "the rate at which two nearby orbits part: negative on a stable cycle, "
              "positive in chaos, where a difference in the last digit grows to the size of "
              "the attractor in a few dozen steps. For the fixed point and the 2-cycle (at "
              + " and ".join(number(x) for x in cycle) + ") it has the closed form above, "
              "and at "
              "r = 4, where the map is the doubling map in disguise, it is ln 2; over 2,000 "
              "steps of nnlearn's Jacobian products:")
    page.table(("r", "attractor", "λ, measured", "λ, closed form"),
               [(float(r[0]), "fixed point", float(measured[0]), float(closed[0])),
                (float(r[1]), "cycle of 2", float(measured[1]), float(closed[1])),
                (float(r[2]), "chaos", float(measured[2]), float(closed[2]))])
    figure = bifurcation_diagram(logistic_map, BIFURCATION_R, n_transient=BIFURCATION_TRANSIENT,
                                 n_keep=BIFURCATION_KEEP)
    drawn = figure.axes[1].get_lines()[0].get_ydata()
    page.text("The bifurcation diagram repeats the experiment for "
              f"{len(BIFURCATION_R)} values of r: the fixed point splits into a 2-cycle at "
              "r = 3, that into a 4-cycle at 1 + √6 ≈ 3.449, faster and faster, into chaos "
              "near r ≈ 3.57, broken by windows of stable cycles (the widest, a 3-cycle, "
              "near 3.83). λ(r) below marks each split by touching 0 and each window by a "
              f"dip below it; at r = 4 the diagram's {4 * BIFURCATION_KEEP} steps give "
              f"λ = {number(drawn[-1])}.")
    page.figure(figure, "bifurcation", f"Above: the {BIFURCATION_KEEP} states after "
                f"{BIFURCATION_TRANSIENT} steps from x(0) = 0.3, for each r. Below: the "
                "Lyapunov exponent λ(r) (clipped at −4, where an orbit passes x = ½ and "
                "f′ = 0).")


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


def sine(page: Page) -> None:
    page.section("Learning a sine wave, and generating it")
    page.equation("recursive_definition_of_recurrent_neural_networks",
                  "backpropagation_through_time", "recurrent_neural_network_with_output_feedback")
    X, y = sine_data(N_SEQUENCES, random_state=0)
    X_val, y_val = sine_data(16, random_state=1)
    rnn = nl.RNN(1, 16, output_size=1, random_state=0)
    history = nl.fit(rnn, X, y, loss="mse", lr=0.01, epochs=40, batch_size=16,
                     validation_data=(X_val, y_val), random_state=0)
    n_warm, n_free = 30, 70
    steps = np.arange(n_warm + n_free)
    target = np.sin(0.3 + DT * (steps + 1))
    with nl.no_grad():
        one_step = rnn(np.sin(0.3 + DT * steps)[None, :, None]).data[0, :, 0]
    free = np.full(len(steps), np.nan)
    free[n_warm - 1:] = generate(rnn, np.sin(0.3 + DT * steps[:n_warm])[:, None], n_free + 1)
    error = np.abs(free - target)[n_warm:].mean()
    page.text("Backpropagation through time is backpropagation on the unrolled graph (the "
              "recursive definition above): nl.RNN builds that graph, and loss.backward() "
              f"differentiates it. An RNN 1-16-1 (tanh state, linear readout) learns to "
              f"predict the next sample of sine waves of random phase ({N_SEQUENCES} "
              f"sequences of {N_STEPS} steps, Adam, 40 epochs): the validation MSE is "
              f"{number(history['val_loss'][0])} after the first epoch and "
              f"{number(history['val_loss'][-1])} after the last.")
    page.figure(training_curves(history, "mean squared error",
                                {"loss": "training sequences", "val_loss": "validation sequences"},
                                logy=True),
                "sine-curves", "The MSE per epoch on the training and validation sequences.")
    page.text(f"Fed its own predictions back as input (output feedback at run time), it keeps "
              f"generating the wave after reading {n_warm} samples: mean |error| "
              f"{number(error)} over {n_free} free-running steps.")
    page.figure(plots.sequence_prediction(
        steps, target, {"one step ahead, reading the wave": one_step,
                        "running free on its own outputs": free}, split=n_warm - 0.5,
        ylabel="sin(0.3 + 0.25 (n + 1))"),
        "sine-prediction", f"The trained RNN predicting one step ahead while it reads the "
        f"wave, and running free on its own outputs from step {n_warm} on (right of the "
        "dotted line).")


def lstm_sine(page: Page) -> None:
    page.section("The LSTM's gated memory")
    page.equation("input_neuron_of_an_lstm", "input_gate_of_an_lstm", "forget_gate_of_an_lstm",
                  "output_gate_of_an_lstm", "update_of_a_memory_cell_in_an_lstm",
                  "output_of_an_lstm", "lstm_with_squashed_cell")
    X, y = sine_data(N_SEQUENCES, random_state=0)
    X_val, y_val = sine_data(16, random_state=1)
    rows = []
    for variant, label in (("course", "the course's: a logistic input neuron, output gate × cell"),
                           ("pytorch", "PyTorch's: tanh input neuron, output gate × tanh(cell)")):
        lstm = nl.LSTM(1, 8, output_size=1, variant=variant, random_state=0)
        history = nl.fit(lstm, X, y, loss="mse", lr=0.02, epochs=20, batch_size=32,
                         validation_data=(X_val, y_val), random_state=0)
        rows.append((label, lstm.n_parameters, history["val_loss"][-1]))
    page.text("The sine task for an LSTM 1-8-1 in two forms, 20 epochs each: the course's "
              "equations, and PyTorch's (the last equation above). The course's cell only adds "
              "inputs in (0, 1), so its memory drifts upward and the readout has to undo the "
              "drift; tanh lets the cell add and subtract.")
    page.table(("variant", "parameters", "validation MSE after 20 epochs"), rows)


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


def tape_prediction(page: Page) -> None:
    page.section("Prediction is a kind of classification")
    train, test = binary_tape(N_PIECES, random_state=0), binary_tape(1000, random_state=1)
    X, y = 2.0 * train[:, :-1] - 1, train[:, -1]  # Widrow and Hoff's ±1 signals
    X_test, y_test = 2.0 * test[:, :-1] - 1, test[:, -1]
    optimum = np.mean((test[:, -2] ^ test[:, -3]) == y_test)
    echo = np.mean(test[:, -4] == y_test)
    adaline = nl.models.Adaline(learning_rate=0.002, max_epochs=50, normalized=False).fit(X, y)
    lstm = nl.Sequential(nl.LSTM(1, 8, random_state=0), nl.LastStep(),
                         nl.Dense(8, 2, random_state=1))
    history = nl.fit(lstm, X[:, :, None], y, loss="cross_entropy", lr=0.02, epochs=TAPE_EPOCHS,
                     batch_size=64, metrics=("accuracy",),
                     validation_data=(X_test[:, :, None], y_test), random_state=0)
    scores = {"the rule s(n−1) XOR s(n−2), the optimum": optimum,
              "the echo s(n−3) (s(n) = s(n−3) but for two noisy bits)": echo,
              "Adaline on the 24 previous bits, ±1": adaline.score(X_test, y_test),
              "LSTM 1-8 reading the bits, its last step into Dense 8-2":
                  history["val_accuracy"][-1]}
    page.text("Widrow and Hoff (1960): cut a correlated binary sequence into pieces of "
              f"{PIECE_LENGTH} bits and sort them by their last bit, to be predicted from the "
              "others. Here the sequence follows s(n) = s(n−1) XOR s(n−2) except for "
              f"{percent(1 - RELIABILITY)} of the bits, so no predictor beats the rule "
              f"itself. Trained on {N_PIECES:,} pieces (the LSTM for {TAPE_EPOCHS} epochs), "
              f"tested on {len(test):,}:")
    page.table(("predictor", "test accuracy"),
               [(name, percent(score)) for name, score in scores.items()])
    lstm_score, adaline_score = history["val_accuracy"][-1], adaline.score(X_test, y_test)
    page.text(f"The single neuron ({percent(adaline_score)}) is linear in the bits, and XOR "
              "is not (the perceptron's lesson): it does about as well as the sequence's "
              f"period-3 echo ({percent(echo)}). The LSTM ({percent(lstm_score)}) reads the "
              "bits one at a time and learns the rule, up to the noise: "
              f"{_against(lstm_score, optimum)} (nl.LastStep turns its per-step outputs into "
              "one per piece).")


def _against(score: float, optimum: float) -> str:
    """How a test accuracy compares with the optimum's, in words."""
    if np.isclose(score, optimum):
        return "it matches the optimum on the test pieces"
    side = "short of" if score < optimum else "above, by the luck of the test pieces,"
    return f"it is {number(100 * abs(optimum - score), 2)} percentage points {side} the optimum"


SECTIONS = (dynamics, fixed_points, logistic, sine, lstm_sine, tape_prediction)
