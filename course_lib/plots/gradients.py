"""Per-layer gradient norms: how strongly each layer learns (vanishing gradients)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_gradient_norms"]


def plot_gradient_norms(
    norms: Mapping[str, Sequence[float]],
    layer_names: Sequence[str] | None = None,
    log_scale: bool = True,
    title: str = "Gradient norm per layer (input side on the left)",
    ax=None,
):
    """Bar chart of the gradient norm of each layer's weights, one group of bars per layer.

    Args:
        norms: ``{run label: [norm of layer 1, layer 2, ...]}``, e.g. ``{"sigmoid": [...],
            "relu": [...]}``; every run must have the same number of layers.
        layer_names: labels on the x axis (default "layer 1", "layer 2", ...).
        log_scale: logarithmic y axis (norms that vanish span decades).
        ax: an existing Axes to draw on.

    Returns:
        The matplotlib Figure.
    """
    if not isinstance(norms, Mapping) or not norms:
        raise ValueError(
            "Received an invalid value for `norms`, expected a non-empty mapping {label: "
            f"[norm per layer]}}. Received: norms={norms!r}"
        )
    values = {k: np.asarray(v, dtype=float).reshape(-1) for k, v in norms.items()}
    lengths = {len(v) for v in values.values()}
    if len(lengths) != 1 or 0 in lengths:
        raise ValueError(
            "Received an invalid value for `norms`, expected the same non-zero number of layers "
            f"in every run. Received lengths: { {k: len(v) for k, v in values.items()} }"
        )
    n_layers = lengths.pop()
    if layer_names is None:
        layer_names = [f"layer {i + 1}" for i in range(n_layers)]
    if len(layer_names) != n_layers:
        raise ValueError(
            f"Received an invalid value for `layer_names`, expected {n_layers} names. "
            f"Received: layer_names={list(layer_names)!r}"
        )
    if ax is None:
        fig, ax = plt.subplots(figsize=(max(5.5, 1.1 * n_layers + 2), 3.8))
    else:
        fig = ax.figure
    x = np.arange(n_layers)
    width = 0.8 / len(values)
    for i, (label, v) in enumerate(values.items()):
        ax.bar(x + (i - (len(values) - 1) / 2) * width, v, width=width, label=label)
    ax.set_xticks(x)
    ax.set_xticklabels(layer_names)
    if log_scale:
        ax.set_yscale("log")
    ax.set_ylabel("‖∂loss/∂W‖")
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
