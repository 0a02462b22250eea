"""Files: nnlearn's own model files (``nl.save`` / ``nl.load``) and atomic writes.

See :mod:`nnlearn.io.model_file` for the format.
"""

from nnlearn.io.atomic import atomic_write
from nnlearn.io.model_file import ESTIMATORS, FileFormatError, load, load_metadata, save

__all__ = ["ESTIMATORS", "FileFormatError", "atomic_write", "load", "load_metadata", "save"]
