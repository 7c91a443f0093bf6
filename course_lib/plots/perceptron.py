"""Chapter 1's pictures of single neurons: a line in the plane, the perceptron's updates, and the
half-planes of a hidden layer."""

from __future__ import annotations

from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, Normalize
from matplotlib.patches import Patch

from course_lib.plots.boundaries import _check_xy as _check_points

__all__ = ["plot_half_planes", "plot_neuron", "plot_perceptron_updates"]

_CLASS_STYLE = ((0, "#2166ac", "o"), (1, "#b2182b", "^"))  # as in plots.boundaries


def _limits(X: np.ndarray, margin: float) -> tuple[float, float, float, float]:
    (x_min, y_min), (x_max, y_max) = X.min(axis=0) - margin, X.max(axis=0) + margin
    return float(x_min), float(x_max), float(y_min), float(y_max)


def _scatter(ax, X: np.ndarray, y: np.ndarray, size: float = 16) -> None:
    for label, color, marker in _CLASS_STYLE:
        mask = y == label
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            c=color,
            marker=marker,
            s=size,
            edgecolors="white",
            linewidths=0.4,
            label=f"class {label}",
            zorder=3,
        )


def _line(ax, w: np.ndarray, b: float, limits, **style) -> None:
    """Draw ``w1 x1 + w2 x2 + b = 0`` inside ``limits`` (nothing when w = 0)."""
    x_min, x_max, y_min, y_max = limits
    w1, w2 = float(w[0]), float(w[1])
    if abs(w2) >= abs(w1) and w2 != 0:
        xs = np.array([x_min, x_max])
        ax.plot(xs, -(w1 * xs + b) / w2, **style)
    elif w1 != 0:
        ys = np.array([y_min, y_max])
        ax.plot(-(w2 * ys + b) / w1, ys, **style)


def _equation(w1: float, w2: float, b: float) -> str:
    """``"10 x1 + 10 x2 - 5"``: the weighted sum, with signs written as a learner would."""
    return f"{w1:.3g} x1 {'-' if w2 < 0 else '+'} {abs(w2):.3g} x2 {'-' if b < 0 else '+'} {abs(b):.3g}"


def _finish(ax, limits) -> None:
    ax.set_xlim(limits[0], limits[1])
    ax.set_ylim(limits[2], limits[3])
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_aspect("equal", adjustable="box")


def plot_neuron(w, b: float, X, y, activation: str = "sigmoid", margin: float = 0.4, ax=None):
    """One neuron on the plane: its output shaded, its line ``w . x + b = 0`` and its weights.

    Args:
        w: the neuron's two weights, shape (2,).
        b: its bias.
        X: points, shape (n, 2); y: their 0/1 labels, shape (n,).
        activation: ``"sigmoid"`` (output in (0, 1)) or ``"step"`` (0 or 1).
        margin: padding around the points.
        ax: an existing Axes to draw on.

    Returns:
        The matplotlib Figure. The title gives the weights and the accuracy of "class 1 where the
        output is above 0.5".
    """
    X, y = _check_points(X, y)
    w = np.asarray(w, dtype=float).reshape(-1)
    if w.shape != (2,):
        raise ValueError(
            f"Received an invalid value for `w`, expected two weights. Received: w.shape={w.shape}"
        )
    if activation not in ("sigmoid", "step"):
        raise ValueError(
            "Received an invalid value for `activation`, expected 'sigmoid' or 'step'. "
            f"Received: activation={activation!r}"
        )
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.6, 4.6))
    else:
        fig = ax.figure
    limits = _limits(X, margin)
    g1, g2 = np.meshgrid(
        np.linspace(limits[0], limits[1], 150), np.linspace(limits[2], limits[3], 150)
    )
    z = w[0] * g1 + w[1] * g2 + b
    out = 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60))) if activation == "sigmoid" else (z > 0) * 1.0
    shade = ax.contourf(
        g1,
        g2,
        out,
        levels=np.linspace(0, 1, 11),
        cmap="RdBu_r",
        alpha=0.45,
        vmin=0,
        vmax=1,
    )
    fig.colorbar(shade, ax=ax, label=f"neuron output ({activation})", fraction=0.046, pad=0.04)
    _line(ax, w, b, limits, color="k", lw=1.8, label="w . x + b = 0")
    _scatter(ax, X, y)
    z_points = X @ w + b
    accuracy = float(np.mean((z_points > 0) == (y > 0.5)))
    ax.set_title(
        f"w = ({w[0]:.2f}, {w[1]:.2f}), b = {b:.2f}: accuracy {accuracy:.2f}",
        fontsize=10,
    )
    _finish(ax, limits)
    ax.legend(
        loc="upper left",
        fontsize=8,
        framealpha=0.85,
        bbox_to_anchor=(0.0, -0.14),
        ncol=3,
    )
    return fig


def plot_perceptron_updates(X, y, history, mistakes=None, margin: float = 0.3, max_lines: int = 12):
    """The perceptron's line after each update, light to dark, and its mistakes per epoch.

    Args:
        X: points, shape (n, 2); y: their 0/1 labels.
        history: ``Perceptron.history``, shape (n_updates + 1, 3): ``(w1, w2, b)`` at the start
            (zeros, no line) and after every update.
        mistakes: ``Perceptron.mistakes`` (one count per epoch); adds a second panel when given.
        margin: padding around the points.
        max_lines: at most this many intermediate lines are drawn (evenly spaced updates); the
            final line is always drawn, thick.

    Returns:
        The matplotlib Figure.
    """
    X, y = _check_points(X, y)
    history = np.asarray(history, dtype=float)
    if history.ndim != 2 or history.shape[1] != 3 or len(history) < 1:
        raise ValueError(
            "Received an invalid value for `history`, expected an array of shape "
            f"(n_updates + 1, 3) of (w1, w2, b). Received: history.shape={history.shape}"
        )
    if isinstance(max_lines, bool) or not isinstance(max_lines, int) or max_lines < 1:
        raise ValueError(
            "Received an invalid value for `max_lines`, expected an integer >= 1. "
            f"Received: max_lines={max_lines!r}"
        )
    panels = 2 if mistakes is not None else 1
    fig, axes = plt.subplots(
        1,
        panels,
        figsize=(5.6 * panels, 4.6),
        squeeze=False,
        gridspec_kw={"width_ratios": [1.25, 1][:panels]},
    )
    ax = axes[0, 0]
    limits = _limits(X, margin)
    n_updates = len(history) - 1
    steps = np.unique(np.linspace(1, n_updates, min(max_lines, n_updates)).round().astype(int))
    steps = steps[(steps >= 1) & (steps < n_updates)]
    norm = Normalize(vmin=0, vmax=max(n_updates, 1))
    cmap = ListedColormap(plt.get_cmap("Greys")(np.linspace(0.25, 0.85, 256)))  # no white lines
    for k in steps:
        w1, w2, b = history[k]
        _line(ax, np.array([w1, w2]), b, limits, color=cmap(norm(k)), lw=1.0)
    if n_updates >= 1:
        w1, w2, b = history[-1]
        _line(
            ax,
            np.array([w1, w2]),
            b,
            limits,
            color="#1b7837",
            lw=2.6,
            label=f"after the last update ({n_updates})",
        )
    _scatter(ax, X, y)
    _finish(ax, limits)
    ax.set_title(
        "The perceptron's line after each update (light: early, dark: late)",
        fontsize=10,
    )
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.14), ncol=3, fontsize=8)
    fig.colorbar(
        ScalarMappable(norm=norm, cmap=cmap),
        ax=ax,
        label="update number",
        fraction=0.046,
        pad=0.04,
    )
    if mistakes is not None:
        mistakes = np.asarray(mistakes, dtype=int)
        ax2 = axes[0, 1]
        epochs = np.arange(1, len(mistakes) + 1)
        bars = ax2.bar(epochs, mistakes, color="#762a83")
        if len(epochs) <= 12:
            ax2.bar_label(bars, padding=2, fontsize=8)
        ax2.set_xlabel("epoch (one pass over the data)")
        ax2.set_ylabel("mistakes = updates in that epoch")
        ax2.set_xticks(epochs if len(epochs) <= 12 else np.linspace(1, len(epochs), 6).round())
        ax2.set_title(f"Mistakes per epoch: {int(mistakes.sum())} updates in all", fontsize=10)
    fig.tight_layout()
    return fig


def plot_half_planes(
    X,
    y,
    kernel,
    bias,
    predict: Callable[[np.ndarray], np.ndarray] | None = None,
    margin: float = 0.4,
    title: str | None = None,
):
    """Each hidden unit's half-plane, then what the output unit makes of them.

    Args:
        X: points, shape (n, 2); y: their 0/1 labels.
        kernel: the hidden layer's weights, shape (2, units); bias: shape (units,). Unit ``j`` is
            "on" where ``X @ kernel[:, j] + bias[j] > 0``, one side of its line.
        predict: optional function ``X (m, 2) -> p (m,)`` (the whole network); adds a last panel
            with its output shaded, its 0.5 contour, and the hidden units' lines dashed.
        margin: padding around the points.
        title: an overall title.

    Returns:
        The matplotlib Figure.
    """
    X, y = _check_points(X, y)
    kernel = np.asarray(kernel, dtype=float)
    bias = np.asarray(bias, dtype=float).reshape(-1)
    if kernel.ndim != 2 or kernel.shape[0] != 2 or bias.shape != (kernel.shape[1],):
        raise ValueError(
            "Received an invalid hidden layer, expected `kernel` of shape (2, units) and `bias` "
            f"of shape (units,). Received: kernel.shape={kernel.shape}, bias.shape={bias.shape}"
        )
    units = kernel.shape[1]
    panels = units + (predict is not None)
    fig, axes = plt.subplots(1, panels, figsize=(3.9 * panels, 4.1), squeeze=False)
    limits = _limits(X, margin)
    g1, g2 = np.meshgrid(
        np.linspace(limits[0], limits[1], 200), np.linspace(limits[2], limits[3], 200)
    )
    grid = np.c_[g1.ravel(), g2.ravel()]  # (200 * 200, 2)
    unit_colors = plt.get_cmap("tab10")
    for j in range(units):
        ax = axes[0, j]
        on = (grid @ kernel[:, j] + bias[j] > 0).reshape(g1.shape)
        ax.contourf(
            g1,
            g2,
            on * 1.0,
            levels=[-0.5, 0.5, 1.5],
            colors=["white", "#d9d9d9"],
            alpha=0.8,
        )
        _line(ax, kernel[:, j], bias[j], limits, color=unit_colors(j), lw=2.2)
        _scatter(ax, X, y, size=12)
        w1, w2 = kernel[:, j]
        ax.set_title(
            f"hidden unit {j + 1}: on (grey) where\n{_equation(w1, w2, bias[j])} > 0",
            fontsize=9,
        )
        _finish(ax, limits)
    if predict is not None:
        ax = axes[0, -1]
        p = np.asarray(predict(grid.astype(np.float32)), dtype=float).reshape(g1.shape)
        shade = ax.contourf(
            g1,
            g2,
            p,
            levels=np.linspace(0, 1, 11),
            cmap="RdBu_r",
            alpha=0.5,
            vmin=0,
            vmax=1,
        )
        ax.contour(g1, g2, p, levels=[0.5], colors="k", linewidths=1.5)
        for j in range(units):
            _line(ax, kernel[:, j], bias[j], limits, color=unit_colors(j), lw=1.2, ls="--")
        _scatter(ax, X, y, size=12)
        accuracy = float(
            np.mean((np.asarray(predict(X.astype(np.float32))).reshape(-1) > 0.5) == (y > 0.5))
        )
        ax.set_title(f"the network's output (black: 0.5)\naccuracy {accuracy:.2f}", fontsize=9)
        _finish(ax, limits)
        fig.colorbar(shade, ax=ax, label="P(class 1)", fraction=0.046, pad=0.04)
    handles, _ = axes[0, 0].get_legend_handles_labels()
    handles.append(Patch(facecolor="#d9d9d9", label="unit on: z > 0"))
    axes[0, 0].legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.16),
        ncol=3,
        fontsize=8,
    )
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig
