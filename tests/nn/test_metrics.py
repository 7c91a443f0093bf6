"""Metrics: hand-worked values, Keras's resolution of "accuracy", parity with Keras metrics."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.nn import metrics


def test_binary_accuracy_hand_worked():
    m = metrics.BinaryAccuracy()
    m.update_state([1, 0, 1, 0], [[0.9], [0.2], [0.5], [0.7]])  # 0.5 is not > 0.5
    assert m.result() == pytest.approx(0.5)
    m.update_state([1, 1], [[0.6], [0.8]])
    assert m.result() == pytest.approx(4 / 6)  # a mean over every sample seen
    m.reset_state()
    assert m.result() == 0.0


def test_binary_accuracy_soft_labels_never_hit(keras):
    # Keras casts y_pred > 0.5 to the labels' dtype and compares: a label of 0.3 matches nothing.
    y, p = [[1.0], [0.0], [0.3], [0.7]], [[0.9], [0.2], [0.1], [0.8]]
    assert metrics.BinaryAccuracy()(y, p) == pytest.approx(0.5)
    theirs = keras.metrics.BinaryAccuracy()
    theirs.update_state(np.array(y, np.float32), np.array(p, np.float32))
    assert float(theirs.result()) == pytest.approx(0.5)


def test_categorical_and_sparse_hand_worked():
    p = np.array([[0.1, 0.8, 0.1], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6]])
    assert metrics.CategoricalAccuracy()(np.eye(3)[[1, 1, 2]], p) == pytest.approx(2 / 3)
    assert metrics.SparseCategoricalAccuracy()([1, 1, 2], p) == pytest.approx(2 / 3)
    assert metrics.SparseCategoricalAccuracy()([[1], [0], [2]], p) == pytest.approx(1.0)


def test_regression_metrics_hand_worked():
    y, p = np.array([[1.0, 2.0]]), np.array([[2.0, 4.0]])
    assert metrics.MeanAbsoluteError()(y, p) == pytest.approx(1.5)
    assert metrics.MeanSquaredError()(y, p) == pytest.approx(2.5)


@pytest.mark.parametrize(
    ("y_shape", "p_shape", "cls"),
    [
        ((None,), (None, 1), metrics.BinaryAccuracy),
        ((None, 1), (None, 1), metrics.BinaryAccuracy),
        ((None,), (None, 3), metrics.SparseCategoricalAccuracy),
        ((None, 1), (None, 3), metrics.SparseCategoricalAccuracy),
        ((None, 3), (None, 3), metrics.CategoricalAccuracy),
    ],
)
def test_accuracy_resolved_as_keras(y_shape, p_shape, cls):
    resolved = metrics.get("accuracy", y_shape, p_shape)
    assert isinstance(resolved, cls)
    assert resolved.name == "accuracy"
    assert metrics.get("acc", y_shape, p_shape).name == "acc"


def test_history_key_is_the_string_given():
    assert metrics.get("mae").name == "mae"
    assert metrics.get("mean_squared_error").name == "mean_squared_error"
    assert metrics.get(metrics.BinaryAccuracy()).name == "binary_accuracy"


@pytest.mark.parametrize(
    "name", ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy", "mae", "mse"]
)
def test_parity_with_keras(keras, name):
    rng = np.random.default_rng(5)
    k = 1 if name == "binary_accuracy" else 3
    p = rng.random((12, k)).astype(np.float32)
    if name == "binary_accuracy":
        y = (rng.random((12, 1)) > 0.5).astype(np.float32)
    elif name == "categorical_accuracy":
        y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 12)]
    elif name == "sparse_categorical_accuracy":
        y = rng.integers(0, 3, 12)
    else:
        y = rng.random((12, 3)).astype(np.float32)
    theirs = keras.metrics.get(name)
    theirs = (
        theirs
        if isinstance(theirs, keras.metrics.Metric)
        else keras.metrics.MeanMetricWrapper(theirs)
    )
    mine = metrics.get(name)
    for lo in (0, 5):  # two updates of different sizes
        theirs.update_state(y[lo : lo + 7], p[lo : lo + 7])
        mine.update_state(y[lo : lo + 7], p[lo : lo + 7])
    assert mine.result() == pytest.approx(float(theirs.result()), rel=1e-6)


def test_unknown_metric_lists_valid_names():
    with pytest.raises(
        ValueError,
        match=r"Unknown metric 'precision'.*expected one of "
        r"'acc', 'accuracy',.*Received: metrics='precision'",
    ):
        metrics.get("precision")


def test_metric_of_wrong_type():
    with pytest.raises(TypeError, match=r"`metrics`.*Received: metrics entry 3 of type int"):
        metrics.get(3)
