"""Generated datasets: shapes, dtypes, reproducibility, fixed split, argument errors."""

import numpy as np
import pytest

from course_lib.datasets.synthetic import (
    NONLINEAR_KINDS,
    Dataset,
    make_binary_classification,
    make_nonlinear_2d,
    standardize,
    train_test_split,
)


@pytest.mark.parametrize(
    ("n_samples", "n_features", "test_size"), [(100, 2, 0.2), (1000, 20, 0.25)]
)
def test_binary_classification_shapes_and_dtypes(n_samples, n_features, test_size):
    d = make_binary_classification(n_samples, n_features, test_size=test_size, seed=3)
    n_test = round(n_samples * test_size)
    assert isinstance(d, Dataset)
    assert d.X.shape == (n_samples, n_features) and d.y.shape == (n_samples,)
    assert d.X_train.shape == (n_samples - n_test, n_features)
    assert d.X_test.shape == (n_test, n_features)
    assert d.y_train.shape == (n_samples - n_test,) and d.y_test.shape == (n_test,)
    assert d.X.dtype == np.float32 and d.y.dtype == np.float32
    assert set(np.unique(d.y)) == {0.0, 1.0}
    assert d.n_features == n_features and len(d.feature_names) == n_features
    # X keeps train first, then test.
    np.testing.assert_array_equal(d.X[: len(d.X_train)], d.X_train)
    np.testing.assert_array_equal(d.y[len(d.y_train) :], d.y_test)


def test_binary_classification_is_standardized_on_train():
    d = make_binary_classification(500, 6, seed=0)
    np.testing.assert_allclose(d.X_train.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(d.X_train.std(axis=0), 1.0, atol=1e-4)


@pytest.mark.parametrize("maker", [make_binary_classification, make_nonlinear_2d])
def test_same_seed_same_data_other_seed_other_data(maker):
    a, b, c = maker(seed=7), maker(seed=7), maker(seed=8)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, c.X_train)


def test_binary_classification_pinned_values():
    """The seed's data must not change silently between versions (stored notebook outputs)."""
    d = make_binary_classification(seed=0)
    assert d.X_train.shape == (800, 20)
    assert float(d.y.sum()) == pytest.approx(498.0)
    np.testing.assert_allclose(d.X_train[0, :3], [-1.0124, -0.1205, 0.7313], atol=1e-4)
    assert d.y_train[:8].tolist() == [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0]


@pytest.mark.parametrize("kind", NONLINEAR_KINDS)
def test_nonlinear_2d_kinds(kind):
    d = make_nonlinear_2d(kind, n_samples=200, noise=0.1, seed=1)
    assert d.X.shape == (200, 2) and d.X_train.shape == (150, 2) and d.X_test.shape == (50, 2)
    assert 0.3 < d.y.mean() < 0.7
    assert kind in d.description


def test_nonlinear_2d_is_not_linearly_separable():
    """A least-squares linear classifier stays far from perfect on the circles."""
    d = make_nonlinear_2d("circles", n_samples=400, noise=0.05, seed=0)
    A = np.c_[d.X_train, np.ones(len(d.X_train))]
    w, *_ = np.linalg.lstsq(A, d.y_train * 2 - 1, rcond=None)
    accuracy = np.mean((A @ w > 0) == (d.y_train > 0.5))
    assert accuracy < 0.75


def test_train_test_split_hand_example():
    X = np.arange(10).reshape(5, 2)
    y = np.arange(5)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.4, seed=0)
    assert len(X_tr) == 3 and len(X_te) == 2
    np.testing.assert_array_equal(X_tr[:, 0] // 2, y_tr)
    assert sorted(np.r_[y_tr, y_te].tolist()) == [0, 1, 2, 3, 4]


def test_standardize_uses_train_statistics():
    X_train = np.array([[0.0, 5.0], [2.0, 5.0]])
    X_test = np.array([[4.0, 6.0]])
    tr, te = standardize(X_train, X_test)
    np.testing.assert_allclose(tr, [[-1.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(te, [[3.0, 1.0]])  # constant column: centred, not scaled


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"n_samples": 5}, "n_samples"),
        ({"n_samples": 100.0}, "n_samples"),
        ({"n_features": 1}, "n_features"),
        ({"n_features": 4, "n_informative": 6}, "n_informative"),
        ({"test_size": 1.0}, "test_size"),
        ({"test_size": 0}, "test_size"),
        ({"seed": -1}, "seed"),
        ({"flip_y": 1.5}, "flip_y"),
        ({"class_sep": 0}, "class_sep"),
    ],
)
def test_binary_classification_argument_errors(kwargs, argument):
    with pytest.raises(ValueError, match=f"`{argument}`.*Received: {argument}="):
        make_binary_classification(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [({"kind": "donut"}, "kind"), ({"noise": -0.1}, "noise"), ({"n_samples": True}, "n_samples")],
)
def test_nonlinear_2d_argument_errors(kwargs, argument):
    with pytest.raises(ValueError, match=f"`{argument}`.*Received: {argument}="):
        make_nonlinear_2d(**kwargs)


def test_split_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same number of samples"):
        train_test_split(np.zeros((4, 2)), np.zeros(3))
