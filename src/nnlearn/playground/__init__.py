"""``nnlearn playground``: the course's networks, live in the browser.

A local web server (:mod:`.server`, started by :func:`~.launch.serve`) holds one session
per browser tab (:mod:`.sessions`) and in it one view (:mod:`.views`): the server trains
and samples with nnlearn, the page (``static/``, plain JavaScript) only draws. The views:

- :mod:`.mlp` — a multi-layer perceptron on 2-D data (:mod:`.datasets`), with each neuron's
  formula and backpropagation step by step (:mod:`.mlp_inspect`), exported as a model
  file or a script (:mod:`.export`);
- :mod:`.neurons` — McCulloch-Pitts gates, the perceptron rule and Adaline;
- :mod:`.hopfield` — a Hopfield memory storing and recalling patterns;
- :mod:`.boltzmann` — a Boltzmann machine's samples against its exact distribution;
- :mod:`.markov` — a Markov chain's distribution converging, and its trajectories.

The messages between page and server are described in :mod:`.protocol`; each view's
settings (:mod:`.settings`) are its link, so a link reproduces a setup.
"""

# each view module registers its view
from nnlearn.playground import boltzmann, hopfield, markov, mlp, neurons  # noqa: F401
