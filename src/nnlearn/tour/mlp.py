"""Tour: the multi-layer perceptron, from the worked backpropagation example to real data."""

from __future__ import annotations

import numpy as np

import nnlearn as nl
from nnlearn.equations import CATALOGUE
from nnlearn.plots import training as plots
from nnlearn.tour.report import Report
from nnlearn.train.backprop import backpropagate, course_example
from nnlearn.train.metrics import confusion_matrix

TITLE = "The multi-layer perceptron"

EQUATIONS = (
    "activation_of_a_layer",
    "backpropagation_unit_potential",
    "delta_equation",
    "delta_equation_by_backpropagation",
    "update_rule_of_the_gradient_descent",
    "l2_weight_decay",
    "momentum_update",
    "adam_update",
    "batch_normalization",
)


def run(report: Report) -> None:
    for key in EQUATIONS:
        report.text(CATALOGUE[key].name)
        report.equation(CATALOGUE[key].latex)
    worked_example(report)
    xor(report)
    digits(report)


def _row(values: np.ndarray) -> str:
    return ", ".join(f"{v:.9f}" for v in np.ravel(values))


def worked_example(report: Report) -> None:
    net, u, target = course_example()
    trace = backpropagate(net, u, target)
    report.text("The lectures' worked example: inputs (0.05, 0.10), targets (0.01, 0.99), "
                "sigmoid units, E = ½Σ(target − out)², learning rate 0.5, biases fixed.")
    report.preformatted("\n".join([
        "forward pass",
        f"  net_h1, net_h2 = {_row(trace.potentials[0])}",
        f"  out_h1, out_h2 = {_row(trace.activations[1])}",
        f"  net_o1, net_o2 = {_row(trace.potentials[1])}",
        f"  out_o1, out_o2 = {_row(trace.activations[2])}",
        f"error  E_total = {trace.loss:.9f}",
        "deltas δ = ∂E/∂net",
        f"  output layer   = {_row(trace.deltas[1])}",
        f"  hidden layer   = {_row(trace.deltas[0])}",
    ]))
    old = [net[0].weight.data.T.ravel().copy(), net[1].weight.data.T.ravel().copy()]
    grads = [trace.weight_gradients[0].T.ravel(), trace.weight_gradients[1].T.ravel()]
    nl.fit(net, u, target, loss="half_squared_error",
           optimizer=nl.optim.SGD(net.parameters(), lr=0.5), epochs=1, batch_size=None)
    new = [net[0].weight.data.T.ravel(), net[1].weight.data.T.ravel()]
    rows = [(f"w{i + 1}", f"{w:.2f}", f"{g:.9f}", f"{w_new:.9f}") for i, (w, g, w_new) in
            enumerate(zip(np.concatenate(old), np.concatenate(grads), np.concatenate(new),
                          strict=True))]
    report.text("One gradient-descent step, w⁺ = w − η ∂E/∂w:")
    report.table(("weight", "w", "∂E/∂w", "w⁺"), rows)


def xor(report: Report) -> None:
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0], dtype=float)
    net = nl.Sequential(nl.Dense(2, 4, activation="tanh"),
                        nl.Dense(4, 1, activation="sigmoid")).initialize(0)
    history = nl.fit(net, X, y, loss="bce", optimizer="adam", lr=0.1, epochs=300,
                     batch_size=None, metrics=["accuracy"], random_state=0)
    report.text(f"XOR with a 2-4-1 network (the quiz): accuracy {history['accuracy'][-1]:.0%} "
                f"after 300 full-batch Adam steps.")
    report.figure(plots.decision_boundary(net, X, y), "mlp_xor_boundary.png",
                  "XOR: the hidden layer bends the decision boundary")


def digits(report: Report) -> None:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0,
                                                        stratify=y)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    net = nl.Sequential(nl.Dense(64, 64, activation="relu"), nl.Dense(64, 10)).initialize(0)
    report.preformatted(net.summary())
    history = nl.fit(net, X_train, y_train, loss="cross_entropy", optimizer="adam", lr=0.01,
                     epochs=30, batch_size=32, validation_split=0.1, metrics=["accuracy"],
                     random_state=0)
    with nl.no_grad():
        predicted = net.eval()(X_test).data.argmax(axis=1)
    accuracy = float(np.mean(predicted == y_test))
    report.text(f"8×8 digits, 64-64-10 ReLU, Adam, 30 epochs: test accuracy {accuracy:.2%}.")
    report.figure(plots.training_curves(history, ["loss", "val_loss"]), "mlp_digits_curves.png",
                  "digits: training and validation loss per epoch")
    report.figure(plots.confusion_matrix(confusion_matrix(y_test, predicted, 10)),
                  "mlp_digits_confusion.png", "digits: confusion matrix on the test set")
