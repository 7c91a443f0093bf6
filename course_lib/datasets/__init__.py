"""Offline datasets for the course: generated, or shipped inside installed packages.

Nothing is ever downloaded. Importing this package is light (NumPy only); each loader imports
its optional package (scikit-learn, statsmodels, english-words) when called, and says how to
install it when it is missing.

| loader | data | source |
|---|---|---|
| ``make_binary_classification``, ``make_nonlinear_2d`` | generated | :mod:`.synthetic` |
| ``load_digits`` | 1,797 8x8 handwritten digits | scikit-learn |
| ``load_breast_cancer`` | 569 tumours x 30 features | scikit-learn |
| ``load_co2`` | 526 months of Mauna Loa CO2 | statsmodels |
| ``load_sunspots`` | 309 years of sunspot numbers | statsmodels |
| ``load_words`` | English words | english-words |
"""

from course_lib.datasets._common import (
    MissingPackageError,
    SplitDataset,
    Standardizer,
    import_optional,
    train_val_test_split,
)
from course_lib.datasets.images import DIGIT_SHAPE, load_digits
from course_lib.datasets.synthetic import (
    NONLINEAR_KINDS,
    Dataset,
    make_binary_classification,
    make_nonlinear_2d,
    standardize,
    train_test_split,
)
from course_lib.datasets.tabular import load_breast_cancer
from course_lib.datasets.text import WORD_SOURCES, WordList, load_words
from course_lib.datasets.timeseries import TimeSeries, load_co2, load_sunspots

__all__ = [
    # generated (synthetic.py)
    "Dataset",
    "NONLINEAR_KINDS",
    "make_binary_classification",
    "make_nonlinear_2d",
    "train_test_split",
    "standardize",
    # shipped in packages
    "load_digits",
    "DIGIT_SHAPE",
    "load_breast_cancer",
    "load_co2",
    "load_sunspots",
    "TimeSeries",
    "load_words",
    "WordList",
    "WORD_SOURCES",
    # shared pieces
    "SplitDataset",
    "Standardizer",
    "train_val_test_split",
    "import_optional",
    "MissingPackageError",
]
