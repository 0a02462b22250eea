"""The choices and limits of reading a table, apart from the code that reads it (pandas,
scikit-learn's transformers), so that ``nnlearn train --help`` shows them without
importing that code."""

#: The most categories a column may have by default (each becomes a column of the input).
MAX_CATEGORIES = 100

#: Integer targets with at most this many distinct values are taken for class labels.
MAX_INFERRED_CLASSES = 20

#: What a model of a table learns: class labels, or numbers.
TASKS = ("classification", "regression")
