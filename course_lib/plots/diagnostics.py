"""Per-layer histograms of activations or gradients (healthy and unhealthy networks side by side)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_layer_histograms"]


def plot_layer_histograms(
    panels: Mapping[str, Sequence[np.ndarray]],
    layer_names: Sequence[str] | None = None,
    xlabel: str = "activation",
    bins: int = 60,
    value_range: tuple[float, float] | None = None,
    title: str | None = None,
    sharex: bool = True,
):
    """One panel per network, one histogram line per layer (Karpathy's makemore part 3 picture).

    Args:
        panels: ``{network label: [values of layer 1, layer 2, ...]}``, each an array of any
            shape (flattened), e.g. ``{"tanh, Glorot": record.activations[:-1], ...}``; every
            network must have the same number of layers.
        layer_names: legend labels (default "layer 1", "layer 2", ...).
        xlabel: what the values are ("activation", "∂loss/∂activation").
        bins: histogram bins, shared by all layers of a panel.
        value_range: ``(low, high)`` of the bins; default: the central 99% of each panel's
            values (0.5th to 99.5th percentile), so that a few outliers do not squash the rest.
        sharex: panels share the x axis (compare spreads directly).

    Returns:
        The matplotlib Figure. Each legend entry gives the layer's std, so the numbers are
        readable without reading the curves.
    """
    if not isinstance(panels, Mapping) or not panels:
        raise ValueError(
            "Received an invalid value for `panels`, expected a non-empty mapping {label: "
            f"[values per layer]}}. Received: panels={panels!r}"
        )
    values = {k: [np.asarray(a, dtype=float).ravel() for a in v] for k, v in panels.items()}
    lengths = {len(v) for v in values.values()}
    if len(lengths) != 1 or 0 in lengths:
        raise ValueError(
            "Received an invalid value for `panels`, expected the same non-zero number of layers "
            f"in every network. Received lengths: { {k: len(v) for k, v in values.items()} }"
        )
    n_layers = lengths.pop()
    if layer_names is None:
        layer_names = [f"layer {i + 1}" for i in range(n_layers)]
    if len(layer_names) != n_layers:
        raise ValueError(
            f"Received an invalid value for `layer_names`, expected {n_layers} names. "
            f"Received: layer_names={list(layer_names)!r}"
        )
    if not isinstance(bins, int) or isinstance(bins, bool) or bins < 2:
        raise ValueError(
            f"Received an invalid value for `bins`, expected an integer >= 2. Received: bins={bins!r}"
        )
    n = len(values)
    fig, axes = plt.subplots(1, n, figsize=(4.6 * n, 3.6), sharex=sharex, squeeze=False)
    colours = plt.cm.viridis(np.linspace(0.0, 0.9, n_layers))
    for ax, (label, layers) in zip(axes[0], values.items(), strict=True):
        finite = [v[np.isfinite(v)] for v in layers]
        if value_range is None:  # the central 99% of all layers' values: outliers off-screen
            pooled = np.concatenate(finite) if any(v.size for v in finite) else np.zeros(1)
            low, high = np.percentile(pooled, [0.5, 99.5])
            if low == high:
                low, high = low - 1.0, high + 1.0
        else:
            low, high = value_range
        edges = np.linspace(low, high, bins + 1)
        centres = (edges[:-1] + edges[1:]) / 2
        for colour, name, v in zip(colours, layer_names, finite, strict=True):
            density, _ = np.histogram(v, bins=edges, density=True)
            ax.plot(centres, density, color=colour, lw=1.4, label=f"{name} (std {v.std():.2g})")
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 3))
        ax.set_title(label)
        ax.set_xlabel(xlabel)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper right", framealpha=0.85)
    axes[0][0].set_ylabel("density")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
