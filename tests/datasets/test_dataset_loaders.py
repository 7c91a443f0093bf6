"""Every offline loader: shapes, sources, determinism, disjoint splits, missing-package errors."""

import sys

import numpy as np
import pytest

from course_lib.datasets import (
    MissingPackageError,
    SplitDataset,
    TimeSeries,
    WordList,
    load_breast_cancer,
    load_co2,
    load_digits,
    load_sunspots,
    load_words,
)

pytest.importorskip("sklearn")

TABULAR = {
    "digits": (load_digits, 1797, 64, 10),
    "breast_cancer": (load_breast_cancer, 569, 30, 2),
}


def _rows(data: SplitDataset, part: str) -> set[bytes]:
    return {row.tobytes() for row in getattr(data, f"X_{part}")}


@pytest.mark.parametrize("name", sorted(TABULAR))
def test_tabular_shapes_and_types(name):
    loader, n, n_features, n_classes = TABULAR[name]
    data = loader(seed=0)
    sizes = [len(data.y_train), len(data.y_val), len(data.y_test)]
    assert sum(sizes) == n
    for part in ("train", "val", "test"):
        X, y = getattr(data, f"X_{part}"), getattr(data, f"y_{part}")
        assert X.shape == (len(y), n_features) and X.dtype == np.float32
        assert y.dtype == np.int64 and set(np.unique(y)) == set(range(n_classes))
    assert data.n_features == n_features and data.n_classes == n_classes
    assert len(data.feature_names) == n_features
    assert "scikit-learn" in data.source
    assert "train" in data.summary() and "SplitDataset(" in repr(data)


@pytest.mark.parametrize("name", sorted(TABULAR))
def test_tabular_is_deterministic_and_seed_dependent(name):
    loader = TABULAR[name][0]
    a, b, c = loader(seed=3), loader(seed=3), loader(seed=4)
    np.testing.assert_array_equal(a.X_test, b.X_test)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert not np.array_equal(a.X_test, c.X_test)


def test_breast_cancer_parts_are_disjoint():
    # No tumour appears twice in the data, so disjoint indices mean disjoint rows. (Digits has a
    # few identical images, so the index-level test in test_dataset_common.py covers it.)
    data = load_breast_cancer(seed=0)
    train, val, test = _rows(data, "train"), _rows(data, "val"), _rows(data, "test")
    assert len(train) + len(val) + len(test) == 569
    assert not train & val and not train & test and not val & test


def test_breast_cancer_standardised_on_train_only():
    data = load_breast_cancer(seed=0)
    np.testing.assert_allclose(data.X_train.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(data.X_train.std(axis=0), 1.0, atol=1e-4)
    assert np.abs(data.X_test.mean(axis=0)).max() > 1e-3  # not refitted on the test part
    raw = load_breast_cancer(seed=0, standardize=False)
    np.testing.assert_allclose(data.scaler.transform(raw.X_test), data.X_test, rtol=1e-5, atol=1e-5)
    assert raw.scaler is None


def test_digits_default_pixels_in_unit_interval():
    data = load_digits(seed=0)
    assert data.X_train.min() == 0.0 and data.X_train.max() == 1.0
    assert data.X_train.reshape(-1, 8, 8).shape[1:] == (8, 8)
    assert data.target_names == tuple("0123456789")
    assert [len(data.y_train), len(data.y_val), len(data.y_test)] == [1079, 359, 359]


def test_digits_every_class_in_every_part():
    data = load_digits(seed=5, val_fraction=0.1, test_fraction=0.1)
    for y in (data.y_train, data.y_val, data.y_test):
        assert np.bincount(y, minlength=10).min() >= 15


@pytest.mark.parametrize(
    ("loader", "n", "period"),
    [(load_co2, 526, 12), (load_sunspots, 309, 11)],
)
def test_time_series_shapes_and_chronological_split(loader, n, period):
    pytest.importorskip("statsmodels")
    series = loader()
    assert isinstance(series, TimeSeries)
    assert series.values.shape == (n,) and series.dates.shape == (n,)
    assert np.isfinite(series.values).all()
    assert np.all(np.diff(series.dates).astype(np.int64) > 0)  # strictly increasing dates
    train, val, test = series.parts()
    assert len(train) + len(val) + len(test) == n
    assert series.dates[series.train_end - 1] < series.dates[series.train_end]
    assert series.period == period and "statsmodels" in series.source
    np.testing.assert_array_equal(loader().values, series.values)
    assert "test" in series.summary() and "TimeSeries(" in repr(series)


def test_co2_known_values():
    pytest.importorskip("statsmodels")
    series = load_co2()
    assert str(series.dates[0]) == "1958-03" and str(series.dates[-1]) == "2001-12"
    assert series.values[0] == pytest.approx(316.1)
    assert (series.train_end, series.val_end) == (368, 447)
    assert 310 < series.values.min() < series.values.max() < 380


def test_time_series_rejects_bad_fractions():
    pytest.importorskip("statsmodels")
    with pytest.raises(ValueError, match="`val_fraction`"):
        load_co2(val_fraction=0)
    with pytest.raises(ValueError, match="sum"):
        load_sunspots(val_fraction=0.6, test_fraction=0.5)


def test_words_shapes_disjoint_and_deterministic():
    pytest.importorskip("english_words")
    words = load_words(n_words=500, seed=1)
    assert isinstance(words, WordList)
    assert (len(words.train), len(words.val), len(words.test)) == (400, 50, 50)
    train, val, test = set(words.train), set(words.val), set(words.test)
    assert not train & val and not train & test and not val & test
    assert all(w.isalpha() and w.islower() and 3 <= len(w) <= 12 for w in train | val | test)
    assert set(words.alphabet) <= set("abcdefghijklmnopqrstuvwxyz")
    assert load_words(n_words=500, seed=1) == words
    assert load_words(n_words=500, seed=2).train != words.train
    assert "english-words" in words.source and "train" in words.summary()


def test_words_do_not_depend_on_hash_seed():
    pytest.importorskip("english_words")
    import subprocess

    code = "from course_lib.datasets import load_words; print(load_words(50, seed=0).test)"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": hash_seed, "PATH": ""},
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert len(outputs) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"source": "klingon"}, "`source`"),
        ({"n_words": 2}, "`n_words`"),
        ({"min_length": 0}, "`min_length`"),
    ],
)
def test_words_reject_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        load_words(**kwargs)


@pytest.mark.parametrize(
    ("loader", "blocked", "package"),
    [
        (load_digits, "sklearn", "scikit-learn"),
        (load_breast_cancer, "sklearn", "scikit-learn"),
        (load_co2, "statsmodels", "statsmodels"),
        (load_sunspots, "statsmodels", "statsmodels"),
        (load_words, "english_words", "english-words"),
    ],
)
def test_missing_package_error_says_what_to_install(monkeypatch, loader, blocked, package):
    # A None entry in sys.modules makes `import blocked` (and its submodules) raise ImportError,
    # exactly as when the package is not installed.
    for name in [m for m in sys.modules if m == blocked or m.startswith(blocked + ".")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, blocked, None)
    with pytest.raises(MissingPackageError, match=f"pip install {package}") as info:
        loader()
    assert f"{loader.__name__}() needs the optional package `{package}`" in str(info.value)
