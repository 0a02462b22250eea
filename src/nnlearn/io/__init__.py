"""Files: nnlearn's own model files (``nl.save`` / ``nl.load``), ONNX export and atomic
writes.

See :mod:`nnlearn.io.model_file` for the format, :mod:`nnlearn.io.onnx` for the ONNX graphs.
"""

from nnlearn.io.atomic import atomic_write
from nnlearn.io.model_file import ESTIMATORS, FileFormatError, load, load_metadata, save
from nnlearn.io.onnx import export_onnx

__all__ = ["ESTIMATORS", "FileFormatError", "atomic_write", "export_onnx", "load", "load_metadata",
           "save"]
