"""Chapter 4's pictures: digits, confusion matrices, features, series and forecasts, bigrams.

Every function returns a matplotlib Figure; end the notebook cell with ``plt.show()``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

__all__ = [
    "plot_digits",
    "plot_confusion_matrix",
    "plot_feature_histograms",
    "plot_series",
    "plot_forecast",
    "plot_bigram_probabilities",
]


def plot_digits(
    images: np.ndarray,
    labels: Sequence[int] | np.ndarray | None = None,
    predictions: Sequence[int] | np.ndarray | None = None,
    n_cols: int = 10,
    title: str | None = None,
    image_shape: tuple[int, int] = (8, 8),
):
    """Show small grey-level images in a grid, with their label (and prediction) above each.

    Args:
        images: shape (n, 64) flattened or (n, 8, 8).
        labels: shape (n,), true labels shown as the image title.
        predictions: shape (n,); when given each title reads ``"true 3 / pred 5"``, red when
            the two differ.
        n_cols: images per row.
    """
    images = np.asarray(images, dtype=np.float64)
    n = images.shape[0]
    if n == 0 or images[0].size != image_shape[0] * image_shape[1]:
        raise ValueError(
            f"Received an invalid value for `images`, expected a non-empty array of shape "
            f"(n, {image_shape[0] * image_shape[1]}) or (n, {image_shape[0]}, {image_shape[1]}). "
            f"Received: images.shape={images.shape}"
        )
    for name, values in (("labels", labels), ("predictions", predictions)):
        if values is not None and len(values) != n:
            raise ValueError(
                f"Received an invalid value for `{name}`, expected one per image ({n}). "
                f"Received: len({name})={len(values)}"
            )
    if isinstance(n_cols, bool) or not isinstance(n_cols, (int, np.integer)) or n_cols < 1:
        raise ValueError(
            "Received an invalid value for `n_cols`, expected a positive integer. "
            f"Received: n_cols={n_cols!r}"
        )
    n_cols = min(int(n_cols), n)
    n_rows = int(np.ceil(n / n_cols))
    width, height = (1.0, 1.2) if predictions is None else (1.25, 1.75)
    fig, axes = plt.subplots(
        n_rows, n_cols, figsize=(width * n_cols, height * n_rows + 0.4), squeeze=False
    )
    for i, ax in enumerate(axes.ravel()):
        ax.set_axis_off()
        if i >= n:
            continue
        ax.imshow(images[i].reshape(image_shape), cmap="gray_r", interpolation="nearest")
        if predictions is not None:
            true = "?" if labels is None else labels[i]
            wrong = labels is not None and labels[i] != predictions[i]
            ax.set_title(
                f"true {true}\npred {predictions[i]}",
                fontsize=8,
                color="tab:red" if wrong else "black",
            )
        elif labels is not None:
            ax.set_title(str(labels[i]), fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(
    matrix: np.ndarray,
    class_names: Sequence[str] | None = None,
    title: str | None = None,
):
    """Draw a confusion matrix (rows: true class, columns: predicted class) with its counts.

    Args:
        matrix: shape (k, k), counts, e.g. from ``course_lib.applications.confusion_matrix``.
        class_names: k tick labels (default ``0 .. k-1``).
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise ValueError(
            "Received an invalid value for `matrix`, expected a non-empty square array. "
            f"Received: matrix.shape={matrix.shape}"
        )
    k = matrix.shape[0]
    names = [str(i) for i in range(k)] if class_names is None else [str(c) for c in class_names]
    if len(names) != k:
        raise ValueError(
            f"Received an invalid value for `class_names`, expected {k} names. "
            f"Received: {len(names)} names"
        )
    side = max(4.2, 0.45 * k + 1.5)
    fig, ax = plt.subplots(figsize=(side + 0.8, side))
    image = ax.imshow(matrix, cmap="Blues")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="count")
    threshold = matrix.max() / 2 if matrix.max() > 0 else 1
    for i in range(k):
        for j in range(k):
            if matrix[i, j] == 0:
                continue
            ax.text(
                j,
                i,
                str(matrix[i, j]),
                ha="center",
                va="center",
                fontsize=8 if k > 5 else 11,
                color="white" if matrix[i, j] > threshold else "black",
            )
    ax.set_xticks(range(k), names, rotation=0 if max(map(len, names)) <= 3 else 45)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    total = matrix.sum()
    accuracy = np.trace(matrix) / total if total else float("nan")
    ax.set_title(title or f"Confusion matrix (accuracy {accuracy:.3f})")
    fig.tight_layout()
    return fig


def plot_feature_histograms(
    X: np.ndarray,
    y: np.ndarray,
    feature_names: Sequence[str],
    class_names: Sequence[str],
    features: Sequence[int] = (0, 1, 2, 3),
    bins: int = 25,
):
    """One histogram per chosen feature, one colour per class: how well does each feature separate?

    Args:
        X: shape (n, n_features).
        y: shape (n,), integer classes.
        features: column indices to draw.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y).ravel()
    features = list(features)
    if not features or min(features) < 0 or max(features) >= X.shape[1]:
        raise ValueError(
            f"Received an invalid value for `features`, expected column indices in "
            f"[0, {X.shape[1] - 1}]. Received: features={features!r}"
        )
    fig, axes = plt.subplots(1, len(features), figsize=(3.4 * len(features), 3.0), squeeze=False)
    for ax, column in zip(axes[0], features, strict=True):
        edges = np.histogram_bin_edges(X[:, column], bins=bins)
        for label, name in enumerate(class_names):
            ax.hist(X[y == label, column], bins=edges, alpha=0.55, label=str(name))
        ax.set_title(str(feature_names[column]), fontsize=10)
        ax.set_yticks([])
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_series(series, title: str | None = None):
    """Plot a time series with its training, validation and test parts shaded.

    Args:
        series: a ``course_lib.datasets.TimeSeries`` (``dates``, ``values``, ``train_end``,
            ``val_end``, ``name``, ``units``).
    """
    dates, values = series.dates, series.values
    fig, ax = plt.subplots(figsize=(10, 3.6))
    ax.plot(dates, values, color="black", lw=1)
    bounds = (0, series.train_end, series.val_end, len(values))
    colors = ("tab:blue", "tab:orange", "tab:green")
    for part, start, stop, color in zip(
        ("train", "validation", "test"), bounds[:-1], bounds[1:], colors, strict=True
    ):
        ax.axvspan(dates[start], dates[stop - 1], color=color, alpha=0.15, label=part)
    ax.set_ylabel(f"{series.name} [{series.units}]" if series.units else series.name)
    ax.set_xlabel("date")
    ax.legend(loc="upper left")
    ax.set_title(title or series.name)
    fig.tight_layout()
    return fig


def plot_forecast(
    dates: np.ndarray,
    truth: np.ndarray,
    forecasts: Mapping[str, np.ndarray],
    units: str = "",
    title: str | None = None,
):
    """Forecasts against the truth (top) and each forecast's error (bottom).

    Args:
        dates: shape (m,), the forecast dates.
        truth: shape (m,), the observed values.
        forecasts: ``{name: predictions of shape (m,)}``; the mean absolute error goes in the
            legend.
    """
    truth = np.asarray(truth, dtype=np.float64)
    if len(dates) != len(truth) or any(len(f) != len(truth) for f in forecasts.values()):
        raise ValueError(
            "Received arrays of different lengths, expected `dates`, `truth` and every forecast "
            f"to have {len(truth)} values. Received: dates {len(dates)}, "
            f"forecasts {[len(f) for f in forecasts.values()]}"
        )
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(10, 5.5), sharex=True, gridspec_kw={"height_ratios": [2, 1]}
    )
    top.plot(dates, truth, color="black", lw=2.2, label="truth")
    styles = ("--", "-.", ":", "-")
    for i, (name, prediction) in enumerate(forecasts.items()):
        prediction = np.asarray(prediction, dtype=np.float64)
        error = prediction - truth
        mae = np.mean(np.abs(error))
        line = top.plot(
            dates, prediction, styles[i % len(styles)], lw=1.4, label=f"{name} (MAE {mae:.3f})"
        )
        bottom.plot(dates, error, styles[i % len(styles)], lw=1.2, color=line[0].get_color())
    bottom.axhline(0.0, color="black", lw=0.8)
    top.set_ylabel(units)
    bottom.set_ylabel(f"error [{units}]" if units else "error")
    bottom.set_xlabel("date")
    top.legend(fontsize=9)
    top.set_title(title or "Forecast against the truth")
    fig.tight_layout()
    return fig


def plot_bigram_probabilities(probabilities: np.ndarray, vocabulary: str, title: str | None = None):
    """Heat map of ``P(next character | previous character)`` with characters on both axes.

    Args:
        probabilities: shape (V, V), rows summing to 1 (``BigramModel.probabilities``).
        vocabulary: V characters, the row and column labels.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    V = len(vocabulary)
    if probabilities.shape != (V, V):
        raise ValueError(
            f"Received an invalid value for `probabilities`, expected shape ({V}, {V}) to match "
            f"the vocabulary. Received: probabilities.shape={probabilities.shape}"
        )
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    image = ax.imshow(probabilities, cmap="viridis")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="probability")
    ax.set_xticks(range(V), list(vocabulary))
    ax.set_yticks(range(V), list(vocabulary))
    ax.set_xlabel("next character")
    ax.set_ylabel("previous character")
    ax.set_title(title or "Bigram model: P(next | previous)")
    fig.tight_layout()
    return fig
