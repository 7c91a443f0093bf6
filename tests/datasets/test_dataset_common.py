"""Seeded splits, train-only standardisation and the missing-package error."""

import subprocess
import sys

import numpy as np
import pytest

from course_lib.datasets import (
    MissingPackageError,
    Standardizer,
    import_optional,
    train_val_test_split,
)


@pytest.mark.parametrize("n_samples", [3, 10, 101, 1000])
@pytest.mark.parametrize("seed", [0, 7])
def test_split_is_a_partition(n_samples, seed):
    train, val, test = train_val_test_split(n_samples, 0.2, 0.2, seed=seed)
    together = np.concatenate([train, val, test])
    assert sorted(together.tolist()) == list(range(n_samples))
    assert len(val) == round(0.2 * n_samples) and len(test) == round(0.2 * n_samples)
    assert not set(train) & set(val) and not set(train) & set(test) and not set(val) & set(test)


def test_split_depends_on_seed_only():
    np.random.seed(123)
    first = train_val_test_split(100, seed=3)
    np.random.seed(456)
    second = train_val_test_split(100, seed=3)
    other = train_val_test_split(100, seed=4)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[2], other[2])


def test_stratified_split_keeps_class_proportions():
    y = np.array([0] * 50 + [1] * 30 + [2] * 20)
    train, val, test = train_val_test_split(100, 0.2, 0.3, seed=1, stratify=y)
    assert np.bincount(y[val]).tolist() == [10, 6, 4]
    assert np.bincount(y[test]).tolist() == [15, 9, 6]
    assert np.bincount(y[train]).tolist() == [25, 15, 10]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_samples": 2}, "`n_samples`"),
        ({"n_samples": 10, "val_fraction": 0.0}, "`val_fraction`"),
        ({"n_samples": 10, "test_fraction": 1.5}, "`test_fraction`"),
        ({"n_samples": 10, "val_fraction": 0.5, "test_fraction": 0.5}, "sum"),
        ({"n_samples": 10, "seed": -1}, "`seed`"),
        ({"n_samples": 10, "stratify": np.zeros(9)}, "`stratify`"),
    ],
)
def test_split_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        train_val_test_split(**kwargs)


def test_standardizer_hand_worked():
    scaler = Standardizer().fit(np.array([[0.0, 5.0], [2.0, 5.0]]))
    np.testing.assert_allclose(scaler.mean_, [1.0, 5.0])
    np.testing.assert_allclose(scaler.scale_, [1.0, 1.0])  # std 1, and 0 replaced by 1
    out = scaler.transform(np.array([[1.0, 5.0], [4.0, 6.0]]))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0.0, 0.0], [3.0, 1.0]])


def test_standardizer_fits_train_only_and_inverts():
    rng = np.random.default_rng(0)
    train = rng.normal(3.0, 2.0, size=(200, 4))
    test = rng.normal(10.0, 5.0, size=(50, 4))
    scaler = Standardizer().fit(train)
    z_train = scaler.transform(train)
    np.testing.assert_allclose(z_train.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(z_train.std(axis=0), 1.0, atol=1e-5)
    assert scaler.transform(test).mean() > 2  # test statistics were not used
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(test)), test, rtol=1e-5)


def test_standardizer_unfitted_raises():
    with pytest.raises(RuntimeError, match="fit"):
        Standardizer().transform(np.zeros((2, 2)))


def test_import_optional_names_the_package_and_the_fix(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # makes `import sklearn...` fail
    monkeypatch.delitem(sys.modules, "sklearn.datasets", raising=False)
    with pytest.raises(MissingPackageError) as info:
        import_optional("sklearn.datasets", "scikit-learn", "load_digits()")
    message = str(info.value)
    assert "load_digits() needs the optional package `scikit-learn`" in message
    assert "pip install scikit-learn" in message
    assert isinstance(info.value, ImportError)


def test_importing_datasets_is_light():
    code = (
        "import sys, course_lib.datasets; "
        "heavy = [m for m in ('tensorflow', 'keras', 'sklearn', 'statsmodels', 'pandas', "
        "'english_words', 'matplotlib') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
