"""Chapter 4's pictures: digits, confusion matrices, features, series and forecasts, bigrams,
and what networks learn (filters, feature maps, weight images, embeddings).

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
    "plot_image_grid",
    "plot_convolution",
    "plot_embedding_2d",
]


def _check_n_cols(n_cols, n: int) -> int:
    """A positive number of grid columns, at most the number of images ``n``."""
    if isinstance(n_cols, bool) or not isinstance(n_cols, (int, np.integer)) or n_cols < 1:
        raise ValueError(
            "Received an invalid value for `n_cols`, expected a positive integer. "
            f"Received: n_cols={n_cols!r}"
        )
    return min(int(n_cols), n)


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
    n_cols = _check_n_cols(n_cols, n)
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


def plot_image_grid(
    images: np.ndarray,
    titles: Sequence[str] | None = None,
    n_cols: int = 8,
    title: str | None = None,
    symmetric: bool = True,
    colorbar_label: str = "value",
    panel_size: float = 1.1,
):
    """Small images on one shared colour scale, with a colour bar: filters, feature maps, weights.

    Args:
        images: shape (n, h, w).
        titles: one short title per image.
        symmetric: a diverging map centred on 0 (blue negative, red positive) for weights;
            False: a sequential map from the smallest to the largest value (activations).
        colorbar_label: what the colour encodes.
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 3 or images.shape[0] == 0:
        raise ValueError(
            "Received an invalid value for `images`, expected a non-empty array of shape "
            f"(n, height, width). Received: images.shape={images.shape}"
        )
    n = images.shape[0]
    if titles is not None and len(titles) != n:
        raise ValueError(
            f"Received an invalid value for `titles`, expected one per image ({n}). "
            f"Received: len(titles)={len(titles)}"
        )
    n_cols = _check_n_cols(n_cols, n)
    n_rows = int(np.ceil(n / n_cols))
    if symmetric:
        limit = float(np.abs(images).max()) or 1.0
        cmap, vmin, vmax = "RdBu_r", -limit, limit
    else:
        cmap, vmin, vmax = "magma", float(images.min()), float(images.max())
    fig, axes = plt.subplots(
        n_rows,
        n_cols,
        figsize=(panel_size * n_cols + 1.2, panel_size * n_rows + (0.6 if title else 0.2)),
        squeeze=False,
    )
    shown = None
    for i, ax in enumerate(axes.ravel()):
        ax.set_axis_off()
        if i >= n:
            continue
        shown = ax.imshow(images[i], cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=8)
    fig.colorbar(shown, ax=axes.ravel().tolist(), fraction=0.03, pad=0.02, label=colorbar_label)
    if title:
        fig.suptitle(title)
    return fig


def plot_convolution(
    image: np.ndarray,
    kernel: np.ndarray,
    output: np.ndarray,
    title: str | None = None,
    window: tuple[int, int] = (0, 0),
):
    """Three panels: the image with one window outlined, the kernel, and the output map.

    Args:
        image: shape (H, W); kernel: shape (kh, kw); output: shape (H - kh + 1, W - kw + 1).
        window: the top-left corner (row, column) of the window to outline; its output cell is
            outlined too.
    """
    image, kernel, output = (np.asarray(a, dtype=np.float64) for a in (image, kernel, output))
    if image.ndim != 2 or kernel.ndim != 2 or output.ndim != 2:
        raise ValueError(
            "Received an invalid value, expected 2-D `image`, `kernel` and `output`. Received: "
            f"shapes {image.shape}, {kernel.shape}, {output.shape}"
        )
    expected = (image.shape[0] - kernel.shape[0] + 1, image.shape[1] - kernel.shape[1] + 1)
    if output.shape != expected:
        raise ValueError(
            f"Received an invalid value for `output`, expected shape {expected} (a 'valid' "
            f"correlation of the image with the kernel). Received: output.shape={output.shape}"
        )
    row, col = window
    if not (0 <= row < expected[0] and 0 <= col < expected[1]):
        raise ValueError(
            f"Received an invalid value for `window`, expected a corner inside {expected}. "
            f"Received: window={window!r}"
        )
    fig, axes = plt.subplots(1, 3, figsize=(11.5, 3.8), width_ratios=[1, 0.7, 1])
    kh, kw = kernel.shape
    panels = (
        (image, "image (input)", "gray_r", None, "grey level"),
        (kernel, "kernel (weights)", "RdBu_r", float(np.abs(kernel).max()) or 1.0, "weight"),
        (output, "output (feature map)", "RdBu_r", float(np.abs(output).max()) or 1.0, "sum"),
    )
    for ax, (values, label, cmap, limit, bar) in zip(axes, panels, strict=True):
        kwargs = {} if limit is None else {"vmin": -limit, "vmax": limit}
        shown = ax.imshow(values, cmap=cmap, interpolation="nearest", **kwargs)
        fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.04, label=bar)
        ax.set_title(label)
        ax.set_xticks([])
        ax.set_yticks([])
    for ax, (r, c, h, w) in ((axes[0], (row, col, kh, kw)), (axes[2], (row, col, 1, 1))):
        ax.add_patch(
            plt.Rectangle((c - 0.5, r - 0.5), w, h, fill=False, edgecolor="tab:orange", lw=2.5)
        )
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_embedding_2d(
    vectors: np.ndarray,
    labels: Sequence[str],
    groups: Mapping[str, Sequence[str]] | None = None,
    title: str | None = None,
):
    """Vectors projected on their first two principal components, each drawn as its label.

    Args:
        vectors: shape (n, d), e.g. the rows of an ``Embedding`` layer's table.
        labels: n strings (the characters).
        groups: optional ``{group name: labels in it}`` (e.g. ``{"vowels": "aeiou"}``); each
            group gets its own colour and a legend entry, the rest is grey.
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2 or vectors.shape[0] < 2 or vectors.shape[1] < 2:
        raise ValueError(
            "Received an invalid value for `vectors`, expected shape (n, d) with n >= 2 and "
            f"d >= 2. Received: vectors.shape={vectors.shape}"
        )
    if len(labels) != len(vectors):
        raise ValueError(
            f"Received an invalid value for `labels`, expected one per vector ({len(vectors)}). "
            f"Received: len(labels)={len(labels)}"
        )
    centred = vectors - vectors.mean(axis=0)
    _, singular, components = np.linalg.svd(centred, full_matrices=False)
    xy = centred @ components[:2].T  # (n, 2)
    explained = singular[:2] ** 2 / max(float((singular**2).sum()), 1e-300)
    colours = {}
    for colour, (group, members) in zip(
        ("tab:red", "tab:blue", "tab:green", "tab:purple"), (groups or {}).items(), strict=False
    ):
        for label in members:
            colours[label] = (colour, group)
    fig, ax = plt.subplots(figsize=(6.4, 5.6))
    for (x, y), label in zip(xy, labels, strict=True):
        colour, _ = colours.get(label, ("0.35", None))
        ax.text(x, y, label, ha="center", va="center", fontsize=13, color=colour, fontweight="bold")
    for group, members in (groups or {}).items():
        colour = colours[next(iter(members))][0] if members else "0.35"
        ax.scatter([], [], color=colour, label=group)
    margin = 0.08 * (np.ptp(xy, axis=0) + 1e-12)
    ax.set_xlim(xy[:, 0].min() - margin[0], xy[:, 0].max() + margin[0])
    ax.set_ylim(xy[:, 1].min() - margin[1], xy[:, 1].max() + margin[1])
    ax.set_xlabel(f"first principal component ({explained[0]:.0%} of the variance)")
    ax.set_ylabel(f"second principal component ({explained[1]:.0%})")
    if groups:
        ax.legend(loc="best", frameon=True)
    ax.set_title(title or "Learned embeddings, projected to 2-D")
    fig.tight_layout()
    return fig
