"""Tables for the command line: CSV files read with pandas, the target column, and the
preprocessing (scikit-learn's transformers) fitted to the feature columns and applied.

``nnlearn train`` and ``nnlearn predict`` are made of these pieces; in Python, the model
file they write loads with ``nl.load`` as a scikit-learn ``Pipeline`` of the preprocessing
and the network.
"""

from typing import TYPE_CHECKING

from nnlearn.lazy import attach

if TYPE_CHECKING:
    from nnlearn.tabular.columns import Columns, category_text
    from nnlearn.tabular.csv_files import CsvFormat, Table, read_csv, sniff_separator, write_csv
    from nnlearn.tabular.fitted import FittedPreprocessing, OtherPreprocessing
    from nnlearn.tabular.limits import MAX_CATEGORIES, MAX_INFERRED_CLASSES, TASKS
    from nnlearn.tabular.preprocessing import column_transformer, fit_transform
    from nnlearn.tabular.target import targets

__getattr__, __dir__ = attach(__name__)
