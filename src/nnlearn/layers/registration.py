"""The layers that model files may name: a class registered here is saved by its name and
rebuilt from its ``config()`` (:mod:`nnlearn.io.model_file`); nothing else is built from a file.
"""

from __future__ import annotations

from nnlearn.layers.module import Module
from nnlearn.registry import Registry

#: The layer classes that ``nnlearn.load`` may build, by class name.
LAYERS: Registry[type[Module]] = Registry("layer")


def register_layer(cls: type[Module]) -> type[Module]:
    """Class decorator: let ``nnlearn.save`` and ``nnlearn.load`` store and rebuild a layer.

    A file names a layer by its class name and holds what ``config()`` returns: the
    constructor arguments that rebuild the layer's architecture (numbers, strings, None,
    lists, activations and other layers), with its parameters and ``buffers`` beside them.
    Loading builds ``cls.from_config(config)`` (by default ``cls(**config)``), then copies
    the saved values in, so parameters come back exact. Only registered classes are built
    from a file (nothing in it is imported or executed): the module that defines a layer of
    your own must be imported, and so the class registered, before ``nnlearn.load`` reads a
    file that holds one.

    Parameters
    ----------
    cls : subclass of Module
        It must define ``config()``. Its name must not be that of another registered class
        (nnlearn's ``Dense``, ...); the same class defined again (a notebook cell run twice)
        replaces its former self.

    Raises
    ------
    TypeError
        If ``cls`` is not a Module subclass, or does not define ``config()``.
    ValueError
        If another class of the same name is registered.

    Examples
    --------
    A layer of one's own, saved and loaded as nnlearn's are (``tests/test_io_custom_layers.py``
    runs this)::

        import numpy as np
        import nnlearn as nl

        @nl.layers.register_layer
        class Scale(nl.Module):  # y = x ⊙ s, with a learnable scale s per feature
            def __init__(self, n_features, initial=1.0):
                self.n_features, self.initial = n_features, initial
                self.scale = nl.Parameter(np.full(n_features, initial))

            def forward(self, x):
                return x * self.scale

            def config(self):  # the constructor arguments that rebuild it
                return {"n_features": self.n_features, "initial": self.initial}

        nl.save(nl.Sequential(nl.Dense(3, 4), Scale(4)), "model.nnl")
        model = nl.load("model.nnl")       # in a new process: import Scale's module first
    """
    if not (isinstance(cls, type) and issubclass(cls, Module)):
        raise TypeError(f"register_layer decorates subclasses of nnlearn.Module, got "
                        f"{cls!r}")
    name = cls.__name__
    if cls.config is Module.config:
        raise TypeError(f"register_layer: {name} does not define config(); define it to "
                        "return the constructor arguments that rebuild the layer (a dict such "
                        "as {'n_features': self.n_features}), so that nnlearn.load can call "
                        f"{name}(**config)")
    if name in LAYERS:
        known = LAYERS.get(name)
        if (known.__module__, known.__qualname__) != (cls.__module__, cls.__qualname__):
            raise ValueError(f"register_layer: another layer named {name!r} is registered "
                             f"({known.__module__}.{known.__qualname__}); files name layers by "
                             f"class name, so give {cls.__module__}.{cls.__qualname__} another "
                             "name")
    return LAYERS.register(name, replace=True)(cls)
