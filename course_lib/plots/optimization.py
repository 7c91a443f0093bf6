"""Gradient descent made visible: paths of the parameters over the contours of a loss."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_loss_surface", "plot_optimizer_paths"]


def plot_loss_surface(
    loss_fn: Callable[[np.ndarray, np.ndarray], np.ndarray],
    paths: Mapping[str, np.ndarray] | None = None,
    xlim: tuple[float, float] = (-2.0, 2.0),
    ylim: tuple[float, float] = (-2.0, 2.0),
    levels: int = 25,
    resolution: int = 200,
    xlabel: str = "w1",
    ylabel: str = "w2",
    log_levels: bool = True,
    title: str = "Loss surface and gradient-descent paths",
    ax=None,
):
    """Contours of a two-parameter loss with optimisation paths drawn on top.

    Args:
        loss_fn: ``loss_fn(W1, W2)`` evaluated element-wise on two grids of the same shape.
        paths: ``{label: array of shape (steps, 2)}``, the parameters visited, start first.
        xlim, ylim: the window shown.
        levels: number of contour levels.
        resolution: grid points per axis.
        log_levels: space the levels geometrically (useful when the loss spans decades).
        ax: an existing Axes to draw on.

    Returns:
        The matplotlib Figure.
    """
    paths = dict(paths or {})
    for label, path in paths.items():
        p = np.asarray(path)
        if p.ndim != 2 or p.shape[1] != 2 or len(p) < 1:
            raise ValueError(
                f"Received an invalid value for `paths[{label!r}]`, expected an array of shape "
                f"(steps, 2). Received: shape={p.shape}"
            )
    w1 = np.linspace(*xlim, resolution)
    w2 = np.linspace(*ylim, resolution)
    W1, W2 = np.meshgrid(w1, w2)  # (resolution, resolution)
    L = np.asarray(loss_fn(W1, W2), dtype=float)
    if L.shape != W1.shape:
        raise ValueError(
            "Received an invalid value for `loss_fn`, expected it to return an array shaped like "
            f"its inputs {W1.shape}. Received: shape={L.shape}"
        )
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 5.2))
    else:
        fig = ax.figure
    lo, hi = float(L.min()), float(L.max())
    if log_levels and hi > lo:
        offset = lo - 1e-3 * (hi - lo)
        lv = offset + np.geomspace(1e-3 * (hi - lo), hi - offset, levels)
    else:
        lv = levels
    cs = ax.contourf(W1, W2, L, levels=lv, cmap="viridis", alpha=0.85)
    ax.contour(W1, W2, L, levels=lv, colors="white", linewidths=0.4, alpha=0.6)
    fig.colorbar(cs, ax=ax, label="loss", format="%.2g")
    colors = ["#e41a1c", "#ff7f00", "#f781bf", "#ffff33", "#a65628", "#ffffff"]
    for (label, path), color in zip(paths.items(), colors * 3, strict=False):
        p = np.asarray(path, dtype=float)
        ax.plot(
            p[:, 0], p[:, 1], "-o", color=color, ms=3, lw=1.5, label=f"{label} ({len(p) - 1} steps)"
        )
        ax.plot(p[0, 0], p[0, 1], "s", color=color, ms=8, mec="k")
        ax.plot(p[-1, 0], p[-1, 1], "*", color=color, ms=14, mec="k")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if paths:
        ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    fig.tight_layout()
    return fig


def plot_optimizer_paths(
    loss_fn: Callable[[np.ndarray, np.ndarray], np.ndarray],
    paths: Mapping[str, np.ndarray],
    xlim: tuple[float, float] = (-2.0, 2.0),
    ylim: tuple[float, float] = (-2.0, 2.0),
    minimum: tuple[float, float] | None = None,
    ncols: int = 3,
    levels: int = 20,
    resolution: int = 160,
    xlabel: str = "w1",
    ylabel: str = "w2",
    title: str = "",
):
    """One panel per optimizer: its path over the same contours, with one shared colour bar.

    Args:
        loss_fn: ``loss_fn(W1, W2)`` evaluated element-wise on two grids of the same shape.
        paths: ``{label: array of shape (steps + 1, 2)}``, the parameters visited, start first.
        minimum: where the loss is lowest, marked with a cross on every panel.
        ncols: panels per row.

    Returns:
        The matplotlib Figure.
    """
    if not paths:
        raise ValueError("Received no paths, expected at least one {label: (steps, 2) array}.")
    for label, path in paths.items():
        p = np.asarray(path)
        if p.ndim != 2 or p.shape[1] != 2 or len(p) < 1:
            raise ValueError(
                f"Received an invalid value for `paths[{label!r}]`, expected an array of shape "
                f"(steps, 2). Received: shape={p.shape}"
            )
    W1, W2 = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    L = np.asarray(loss_fn(W1, W2), dtype=float)
    lo, hi = float(L.min()), float(L.max())
    lv = lo + (hi - lo) * np.r_[0.0, np.geomspace(1e-3, 1.0, levels)] if hi > lo else levels
    ncols = min(ncols, len(paths))
    nrows = -(-len(paths) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(3.6 * ncols + 0.8, 3.1 * nrows), squeeze=False, sharex=True,
        sharey=True, layout="constrained",
    )  # fmt: skip
    for ax, (label, path) in zip(axes.flat, paths.items(), strict=False):
        p = np.asarray(path, dtype=float)
        cs = ax.contourf(W1, W2, L, levels=lv, cmap="viridis", alpha=0.85)
        ax.contour(W1, W2, L, levels=lv, colors="white", linewidths=0.3, alpha=0.5)
        ax.plot(p[:, 0], p[:, 1], "-", color="#e41a1c", lw=1.4)
        ax.plot(p[:, 0], p[:, 1], "o", color="#e41a1c", ms=2)
        ax.plot(p[0, 0], p[0, 1], "s", color="white", ms=7, mec="k")
        if minimum is not None:
            ax.plot(*minimum, "x", color="white", ms=9, mew=2)
        final = float(loss_fn(np.array(p[-1, 0]), np.array(p[-1, 1])))
        ax.set_title(f"{label}\nloss after {len(p) - 1} steps: {final:.3g}", fontsize=9)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
    for ax in axes[-1]:
        ax.set_xlabel(xlabel)
    for ax in axes[:, 0]:
        ax.set_ylabel(ylabel)
    for ax in axes.flat[len(paths) :]:
        ax.axis("off")
    fig.colorbar(cs, ax=axes, label="loss", format="%.2g", shrink=0.9)
    if title:
        fig.suptitle(title)
    return fig
