"""The opening page: what nnlearn and the course are, how to read the book, its contents."""

from __future__ import annotations

from collections.abc import Sequence

from nnlearn.tour.html import BOOK_TITLE, CATALOGUE, escape
from nnlearn.tour.page import Page

WHAT = (
    "nnlearn implements the classic neural networks of an introductory course from their "
    "equations up, in Python on NumPy: the neurons of McCulloch and Pitts, Rosenblatt and "
    "Widrow, the multi-layer perceptron and backpropagation, recurrent networks and LSTMs, "
    "Markov chains, Hopfield networks and Boltzmann machines. Every model is checked "
    "against an independent reference: PyTorch, scikit-learn, closed forms, exact "
    "enumeration and the numbers printed in the course itself."
)

#: the course material this book follows, named by what each part is
MATERIAL = (
    ("The course's list of equations",
     "every equation of a BSc course on neural networks, from the counting loss to the "
     "learning rule of Boltzmann machines; each chapter states the ones it uses, and the "
     "equations page lists all of them with the code that implements each."),
    ("The lecture on neural networks",
     "logistic regression and its decision boundaries, the perceptron and the logic gates "
     "it can and cannot learn, backpropagation, activations, batch normalization; with its "
     "exercise: OR, AND, NOT with one perceptron, XOR with none."),
    ("The lecture from McCulloch and Pitts to backpropagation",
     "the history of the artificial neuron, Adaline and the perceptron on the Iris "
     "flowers, softmax, and a worked backpropagation example whose numbers the chapter on "
     "the multi-layer perceptron reproduces to nine digits."),
    ("The presentation on how networks learn",
     "backpropagation, weight decay, the Hessian, Taylor's second-order model and Adam, "
     "with a cost surface that the chapter on optimization explores."),
)

HOW_TO_READ = (
    "Each chapter opens with what it shows and why, states its equations (typeset from "
    "the catalogue, each linked to its entry), runs the experiments and shows their "
    "figures, and closes with the list of the catalogue's equations it covered. Every "
    "number on these pages was computed when they were written, by the code the text "
    "describes: run nnlearn tour again and you get the same pages; change a model and the "
    "pages change with it. nnlearn tour --chapter NAME writes one chapter; the terminal "
    "shows the same text as the pages, and how long each chapter took."
)


def index_body(pages: Sequence[Page]) -> str:
    """The opening page's body: the introduction, the course material, the contents."""
    material = "".join(f"<li><strong>{escape(name)}</strong>: {escape(what)}</li>"
                       for name, what in MATERIAL)
    chapters = []
    for page in pages:
        sections = "".join(f'<li><a href="{s.href}">{escape(s.title)}</a></li>'
                           for s in page.sections)
        chapters.append(
            f'<li><a href="{page.link.href}">{escape(page.title)}</a>'
            f'<span class="summary">{escape(page.summary)}</span><ol>{sections}</ol></li>')
    return (f"<h1>{escape(BOOK_TITLE)}</h1>"
            f'<p class="intro">{escape(WHAT)}</p>'
            "<h2>The course</h2><p>The book follows the course's material:</p>"
            f"<ul>{material}</ul>"
            f"<h2>How to read this book</h2><p>{escape(HOW_TO_READ)}</p>"
            '<nav class="contents" aria-label="contents"><h2 id="contents">Contents</h2>'
            f'<ol>{"".join(chapters)}</ol>'
            f'<p><a href="{CATALOGUE}">The equations and their code</a>: every entry of the '
            "catalogue, typeset, with the function that implements it, its documentation "
            "and the test that checks it.</p></nav>")
