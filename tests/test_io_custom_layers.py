"""A user's own layer in nl.save / nl.load: registered with @nl.layers.register_layer it
round-trips exactly; unregistered, or without config(), the errors say what to do; loading
builds registered classes only."""

import re
import subprocess
import sys

import numpy as np
import pytest
from model_files import rewrite

import nnlearn as nl
from nnlearn.io import FileFormatError
from nnlearn.layers import LAYERS, register_layer

RNG = np.random.default_rng(0)
ADVICE = (r"decorate the class {name} with @nnlearn\.layers\.register_layer and give it a "
          r"config\(\) method returning the constructor arguments that rebuild it")


@pytest.fixture(autouse=True)
def own_registry(monkeypatch):
    """The layers these tests register are forgotten after each test."""
    monkeypatch.setattr(LAYERS, "_entries", dict(LAYERS._entries))


def define_layers():
    """Two layers of one's own, as a user writes them (each call defines them afresh, as a
    notebook cell run again does)."""

    @nl.layers.register_layer
    class Scale(nl.Module):  # y = x ⊙ s, a learnable s per feature, a running count beside
        buffers = ("calls",)

        def __init__(self, n_features, initial=1.0):
            self.n_features, self.initial = n_features, initial
            self.scale = nl.Parameter(np.full(n_features, initial))
            self.calls = np.zeros(1)

        def forward(self, x):
            return x * self.scale

        def config(self):
            return {"n_features": self.n_features, "initial": self.initial}

    @nl.layers.register_layer
    class Gated(nl.Module):  # y = σ(g) ⊙ f(x): a layer holding another one
        def __init__(self, block, activation="sigmoid"):
            self.block, self.activation = block, nl.activations.get(activation)
            self.gate = nl.Parameter(np.zeros(block.out_features))

        def forward(self, x):
            return self.block(x) * self.activation(self.gate)

        def config(self):
            return {"block": self.block, "activation": self.activation}

    return Scale, Gated


def network(Scale, Gated, dtype=np.float64):
    net = nl.Sequential(nl.Dense(3, 4, activation="tanh"), Scale(4, initial=0.5),
                        nl.Residual(Gated(nl.Sequential(Scale(4), nl.Dense(4, 4)), "tanh")))
    for p in net.parameters():
        p.data[...] = RNG.normal(size=p.shape)
    net.layers[1].calls[...] = 7
    net.layers[1].scale.requires_grad = False
    return net.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_registered_layer_of_ones_own_round_trips_exactly(tmp_path, dtype):
    Scale, Gated = define_layers()
    net = network(Scale, Gated, dtype)
    nl.save(net, tmp_path / "own.nnl")
    copy = nl.load(tmp_path / "own.nnl")
    assert [type(m) for m in copy.modules()] == [type(m) for m in net.modules()]
    assert copy.layers[2].block.activation.name == "tanh"
    saved, loaded = net.state_dict(), copy.state_dict()
    assert saved.keys() == loaded.keys()
    for key, value in saved.items():
        assert loaded[key].dtype == dtype
        np.testing.assert_array_equal(loaded[key], value)
    assert not copy.layers[1].scale.requires_grad
    x = RNG.normal(size=(5, 3)).astype(dtype)
    np.testing.assert_array_equal(copy(x).data, net(x).data)


def test_a_layer_defined_again_replaces_its_former_self(tmp_path):
    FirstScale, _ = define_layers()
    nl.save(nl.Sequential(FirstScale(2)), tmp_path / "s.nnl")
    Scale, _ = define_layers()  # the notebook cell run again
    assert Scale is not FirstScale and LAYERS.get("Scale") is Scale
    assert type(nl.load(tmp_path / "s.nnl").layers[0]) is Scale


def test_an_unregistered_layer_says_how_to_register_it(tmp_path):
    class Plain(nl.Module):
        def __init__(self, n):
            self.n = n

        def forward(self, x):
            return x

        def config(self):
            return {"n": self.n}

    net = nl.Sequential(nl.Dense(2, 2), Plain(2))
    with pytest.raises(TypeError, match=r"cannot save obj\.layers\[1\]: Plain is not registered "
                                        r"in nnlearn\.layers\.LAYERS; "
                                        + ADVICE.format(name="Plain")):
        nl.save(net, tmp_path / "m.nnl")
    assert not (tmp_path / "m.nnl").exists()
    register_layer(Plain)
    nl.save(net, tmp_path / "m.nnl")
    assert type(nl.load(tmp_path / "m.nnl").layers[1]) is Plain


def test_a_file_naming_an_unregistered_layer_is_refused_in_a_fresh_process(tmp_path):
    """In a new process the class is not registered (its module is not imported): the file is
    refused, and nothing that it names is imported or run."""
    Scale, Gated = define_layers()
    nl.save(network(Scale, Gated), tmp_path / "own.nnl")
    code = ("import sys, nnlearn as nl\n"
            "try:\n    nl.load(sys.argv[1])\n"
            "except nl.io.FileFormatError as error:\n    print(error)\n"
            "print(sorted(name for name in sys.modules if name.startswith('test_')))\n")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "own.nnl")],
                            capture_output=True, text=True, check=True)
    message, imported = result.stdout.strip().splitlines()
    assert imported == "[]"
    assert re.search(r"names an unknown layer 'Scale'; this nnlearn knows BatchNorm, Dense, .*; "
                     r"if Scale is a layer of your own, import the module that defines it "
                     r"before nnlearn\.load, and there " + ADVICE.format(name="Scale"), message)


def test_a_file_naming_a_layer_no_longer_registered_is_refused(tmp_path, monkeypatch):
    Scale, Gated = define_layers()
    nl.save(network(Scale, Gated), tmp_path / "own.nnl")
    monkeypatch.setattr(LAYERS, "_entries", {name: cls for name, cls in LAYERS._entries.items()
                                             if name != "Gated"})
    with pytest.raises(FileFormatError, match=r"unknown layer 'Gated'.*"
                                              + ADVICE.format(name="Gated")):
        nl.load(tmp_path / "own.nnl")


def test_a_file_giving_a_layer_other_arguments_is_refused(tmp_path):
    Scale, _ = define_layers()
    nl.save(nl.Sequential(Scale(3)), tmp_path / "s.nnl")

    def add_argument(document):
        document["object"]["architecture"]["config"]["layers"][0]["config"]["evil"] = "x"

    rewrite(tmp_path / "s.nnl", add_argument)
    with pytest.raises(FileFormatError, match="unexpected keyword argument 'evil'"):
        nl.load(tmp_path / "s.nnl")


def test_a_layer_without_config_is_refused_at_registration_and_at_save(tmp_path):
    class Bare(nl.Module):
        def forward(self, x):
            return x

    with pytest.raises(TypeError, match=r"register_layer: Bare does not define config\(\); "
                                        r"define it to return the constructor arguments"):
        register_layer(Bare)
    assert "Bare" not in LAYERS
    with pytest.raises(TypeError, match="Bare is not registered.*" + ADVICE.format(name="Bare")):
        nl.save(Bare(), tmp_path / "b.nnl")


def test_a_registered_layer_whose_config_is_missing_is_refused_at_save(tmp_path):
    """A subclass that inherits no usable config() (it gives up its parent's) is named."""

    @register_layer
    class Unsaved(nl.Dense):
        def config(self):
            return super(nl.Dense, self).config()  # Module's: not defined

    with pytest.raises(TypeError, match=r"cannot save obj: Unsaved does not define config\(\), "
                                        r"so its architecture cannot be saved: define config\(\) "
                                        r"to return the constructor arguments that rebuild it"):
        nl.save(Unsaved(2, 2), tmp_path / "u.nnl")


def test_names_and_kinds_that_cannot_be_registered():
    class Dense(nl.Module):  # the name of nnlearn's own
        def config(self):
            return {}

    with pytest.raises(ValueError, match=r"another layer named 'Dense' is registered "
                                         r"\(nnlearn\.layers\.dense\.Dense\); files name layers "
                                         r"by class name, so give .*Dense another name"):
        register_layer(Dense)
    assert LAYERS.get("Dense") is nl.Dense
    with pytest.raises(TypeError, match=r"register_layer decorates subclasses of nnlearn\.Module"):
        register_layer(dict)
