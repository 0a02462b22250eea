"""Files: nnlearn's own model files (``nl.save`` / ``nl.load``), ONNX export and atomic
writes.

See :mod:`nnlearn.io.model_file` for the format, :mod:`nnlearn.io.model_reader` for the checks
made on loading, :mod:`nnlearn.io.onnx` for the ONNX graphs.
"""

from typing import TYPE_CHECKING

from nnlearn.lazy import attach

if TYPE_CHECKING:
    from nnlearn.io.archive import FileFormatError
    from nnlearn.io.atomic import atomic_write
    from nnlearn.io.model_file import ESTIMATORS, save
    from nnlearn.io.model_reader import load, load_metadata
    from nnlearn.io.onnx import export_onnx

__getattr__, __dir__ = attach(__name__)
