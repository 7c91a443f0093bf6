"""Decision boundaries of classifiers on two-dimensional data."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["predict_proba_fn", "plot_decision_boundary", "plot_decision_boundaries"]


def predict_proba_fn(model) -> Callable[[np.ndarray], np.ndarray]:
    """A function ``X (n, 2) -> p (n,)`` from a model with ``predict`` or from a plain callable.

    Keras's ``predict`` is called with ``verbose=0`` so no progress bar is printed.
    """
    if hasattr(model, "predict"):

        def predict(X: np.ndarray) -> np.ndarray:
            try:
                out = model.predict(X, verbose=0)
            except TypeError:
                out = model.predict(X)
            return np.asarray(out, dtype=float).reshape(len(X), -1)[:, -1]

        return predict
    if callable(model):
        return lambda X: np.asarray(model(X), dtype=float).reshape(len(X), -1)[:, -1]
    raise TypeError(
        "Received an invalid value for `model`, expected a model with `predict` or a callable "
        f"returning probabilities. Received: model={type(model).__name__}"
    )


def _check_xy(X, y) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            "Received an invalid value for `X`, expected an array of shape (n_samples, 2). "
            f"Received: X.shape={X.shape}"
        )
    if len(y) != len(X):
        raise ValueError(
            "Received an invalid value for `y`, expected one label per row of X "
            f"({len(X)}). Received: y.shape={y.shape}"
        )
    return X, y


def plot_decision_boundary(
    model,
    X: np.ndarray,
    y: np.ndarray,
    title: str | None = None,
    resolution: int = 200,
    margin: float = 0.5,
    ax=None,
):
    """Shade the predicted probability of class 1 over the plane, draw the 0.5 contour and points.

    Args:
        model: a model with ``predict`` (Keras or ``course_lib.nn``) or a callable ``X -> p``.
        X: points, shape (n, 2).
        y: labels 0/1, shape (n,).
        title: Axes title.
        resolution: grid points per axis.
        margin: padding around the data.
        ax: an existing Axes to draw on.

    Returns:
        The matplotlib Figure.
    """
    X, y = _check_xy(X, y)
    predict = predict_proba_fn(model)
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.0, 4.4))
    else:
        fig = ax.figure
    x_min, y_min = X.min(axis=0) - margin
    x_max, y_max = X.max(axis=0) + margin
    g1, g2 = np.meshgrid(
        np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution)
    )
    grid = np.c_[g1.ravel(), g2.ravel()].astype(np.float32)  # (resolution**2, 2)
    p = predict(grid).reshape(g1.shape)
    ax.contourf(g1, g2, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.55, vmin=0, vmax=1)
    ax.contour(g1, g2, p, levels=[0.5], colors="k", linewidths=1.5)
    for label, color, marker in ((0, "#2166ac", "o"), (1, "#b2182b", "^")):
        mask = y == label
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            c=color,
            marker=marker,
            s=14,
            edgecolors="white",
            linewidths=0.4,
            label=f"class {label}",
        )
    accuracy = float(np.mean((predict(X.astype(np.float32)) > 0.5) == (y > 0.5)))
    ax.set_title(f"{title + ' - ' if title else ''}accuracy {accuracy:.2f}", fontsize=10)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    ax.legend(loc="lower right", fontsize=8, framealpha=0.8)
    return fig


def plot_decision_boundaries(
    models: Mapping[str, object],
    X: np.ndarray,
    y: np.ndarray,
    resolution: int = 150,
    ncols: int | None = None,
):
    """Several models' decision boundaries side by side (``{title: model}``), same data."""
    if not isinstance(models, Mapping) or not models:
        raise ValueError(
            "Received an invalid value for `models`, expected a non-empty mapping {title: model}. "
            f"Received: models={models!r}"
        )
    n = len(models)
    ncols = ncols or min(n, 4)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.9 * nrows), squeeze=False)
    for ax, (name, model) in zip(axes.ravel(), models.items(), strict=False):
        plot_decision_boundary(model, X, y, title=name, resolution=resolution, ax=ax)
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    fig.tight_layout()
    return fig
