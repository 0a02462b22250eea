"""Chapter: the multi-layer perceptron, from the worked backpropagation example to digits."""

from __future__ import annotations

import numpy as np

import nnlearn as nl
from nnlearn.plots import training as plots
from nnlearn.tour.numbers import number, percent
from nnlearn.tour.page import Page
from nnlearn.train.backprop import backpropagate, course_example
from nnlearn.train.metrics import confusion_matrix

TITLE = "The multi-layer perceptron and backpropagation"
SUMMARY = ("The lecture's backpropagation example to nine digits, gradient descent with "
           "momentum and Adam on XOR, and a network that reads handwritten digits.")
INTRODUCTION = (
    "A hidden layer between inputs and output lets a network bend its decision boundary, "
    "and backpropagation gives the gradient of the loss with respect to every weight by "
    "the chain rule, layer by layer from the output back. This chapter recomputes the "
    "lecture's worked example number for number, compares three ways of descending the "
    "gradient on XOR, the gate no single neuron computes, and trains a network on 8×8 "
    "images of handwritten digits."
)

#: the lecture's worked example as it prints it: the forward pass, the error, and the
#: weights after one step of gradient descent (η = 0.5)
LECTURE = {
    "out_h1": 0.593269992, "out_h2": 0.596884378, "out_o1": 0.75136507,
    "out_o2": 0.772928465, "E_total": 0.298371109,
    "w1⁺": 0.149780716, "w2⁺": 0.19956143, "w3⁺": 0.24975114, "w4⁺": 0.29950229,
    "w5⁺": 0.35891648, "w6⁺": 0.408666186, "w7⁺": 0.511301270, "w8⁺": 0.561370121,
}
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0], dtype=float)
XOR_EPOCHS = 300


def worked_example(page: Page) -> None:
    page.section("The lecture's backpropagation example")
    page.equation("activation_of_a_layer", "backpropagation_unit_potential", "delta_equation",
                  "delta_equation_by_backpropagation", "update_rule_of_the_gradient_descent")
    net, u, target = course_example()
    trace = backpropagate(net, u, target)
    old = np.concatenate([layer.weight.data.T.ravel() for layer in net.layers])
    gradient = np.concatenate([g.T.ravel() for g in trace.weight_gradients])
    nl.fit(net, u, target, loss="half_squared_error",
           optimizer=nl.optim.SGD(net.parameters(), lr=0.5), epochs=1, batch_size=None)
    new = np.concatenate([layer.weight.data.T.ravel() for layer in net.layers])
    ours = {"out_h1": trace.activations[1][0, 0], "out_h2": trace.activations[1][0, 1],
            "out_o1": trace.activations[2][0, 0], "out_o2": trace.activations[2][0, 1],
            "E_total": trace.loss, **{f"w{i + 1}⁺": w for i, w in enumerate(new)}}
    agree = max(abs(ours[k] - v) for k, v in LECTURE.items())
    page.text("Two inputs (0.05, 0.10), two sigmoid hidden units, two sigmoid outputs with "
              "targets (0.01, 0.99), the squared error E = ½ Σ (target − out)², learning rate "
              "0.5, the biases held fixed. nnlearn.train.backprop computes the forward pass "
              "and the deltas δ = ∂E/∂net by the equations above; one step of nl.fit updates "
              f"the weights. Every number the lecture prints agrees to within {number(agree)}:")
    page.table(("quantity", "nnlearn", "the lecture"),
               [(k, number(ours[k], 9), number(v, 9)) for k, v in LECTURE.items()])
    page.table(("weight", "w", "∂E/∂w", "w⁺ = w − η ∂E/∂w"),
               [(f"w{i + 1}", number(w, 9), number(g, 9), number(w_new, 9))
                for i, (w, g, w_new) in enumerate(zip(old, gradient, new, strict=True))],
               caption="The step for every weight (w₁ to w₄ into the hidden layer, w₅ to w₈ "
                       "into the outputs)")


def _xor_network() -> nl.Sequential:
    return nl.Sequential(nl.Dense(2, 4, activation="tanh"),
                         nl.Dense(4, 1, activation="sigmoid")).initialize(0)


def descent(page: Page) -> None:
    page.section("Gradient descent, momentum and Adam on XOR")
    page.equation("momentum_update", "adam_update", "l2_weight_decay")
    optimizers = {"gradient descent, η = 0.5": ("sgd", {"lr": 0.5}),
                  "momentum μ = 0.9, η = 0.5": ("sgd", {"lr": 0.5, "momentum": 0.9}),
                  "Adam, η = 0.1": ("adam", {"lr": 0.1})}
    histories, accuracies, networks = {}, {}, {}
    for label, (name, options) in optimizers.items():
        net = networks[label] = _xor_network()
        optimizer = nl.optim.OPTIMIZERS.get(name)(net.parameters(), **options)
        history = nl.fit(net, XOR_X, XOR_Y, loss="bce", optimizer=optimizer,
                         epochs=XOR_EPOCHS, batch_size=None, metrics=["accuracy"],
                         random_state=0)
        histories[label] = history["loss"]
        accuracies[label] = history["accuracy"][-1]
    page.text(f"The exercise's XOR gate, for a 2-4-1 network (tanh hidden units, a sigmoid "
              f"output, binary cross-entropy) from one initialization, {XOR_EPOCHS} "
              "full-batch steps of each rule. Weight decay (the last equation) adds 2λW to "
              "each step; here λ = 0.")
    page.table(("optimizer", "loss after the last step", "accuracy"),
               [(label, float(histories[label][-1]), percent(accuracies[label]))
                for label in optimizers])
    page.figure(plots.training_curves(histories, "binary cross-entropy", logy=True),
                "xor-optimizers", "The loss per step of the three rules on XOR, from the same "
                "initial weights (logarithmic scale).")
    page.figure(plots.decision_boundary(networks["Adam, η = 0.1"], XOR_X, XOR_Y), "xor-boundary",
                "What the Adam-trained network computes: P(class 1) over the plane, and its "
                "0.5 contour (black), which puts the two diagonals on different sides.")


def digits(page: Page) -> None:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    page.section("Handwritten digits")
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0,
                                                        stratify=y)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    net = nl.Sequential(nl.Dense(64, 64, activation="relu"), nl.Dense(64, 10)).initialize(0)
    history = nl.fit(net, X_train, y_train, loss="cross_entropy", optimizer="adam", lr=0.01,
                     epochs=30, batch_size=32, validation_split=0.1, metrics=["accuracy"],
                     random_state=0)
    with nl.no_grad():
        predicted = net.eval()(X_test).data.argmax(axis=1)
    matrix = confusion_matrix(y_test, predicted, 10)
    off = matrix - np.diag(np.diag(matrix))
    true, wrong = np.unravel_index(off.argmax(), off.shape)
    page.text(f"scikit-learn's {len(X):,} images of 8×8 pixels, a quarter held out for "
              "testing, the pixels standardized; a network of 64 inputs, 64 ReLU units and "
              "10 outputs, trained with Adam (η = 0.01) on the softmax cross-entropy for 30 "
              "epochs of mini-batches of 32, a tenth of the training images kept aside to "
              "watch for over-fitting:")
    page.code(net.summary())
    page.text(f"On the {len(y_test)} test images it is right {np.trace(matrix)} times, an "
              f"accuracy of {percent(np.trace(matrix) / matrix.sum())}; its most frequent "
              f"mistake is reading {_a(true)} {true} as {_a(wrong)} {wrong} "
              f"({off[true, wrong]} times).")
    page.figure(plots.training_curves(
        history, "softmax cross-entropy", {"loss": "training images", "val_loss": "held-out "
                                           "tenth"}), "digits-curves",
        "The loss per epoch on the training images and on the held-out tenth.")
    page.figure(plots.confusion_matrix(matrix), "digits-confusion",
                "The confusion matrix on the test images: row i, column j counts the images "
                "of digit i read as j; the diagonal holds the correct answers.")


def _a(digit: int) -> str:
    """The article before a digit read aloud: an 8, a 7."""
    return "an" if digit == 8 else "a"


SECTIONS = (worked_example, descent, digits)
