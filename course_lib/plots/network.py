"""A picture of a dense network: one column of nodes per layer, every connection drawn."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["layer_sizes", "plot_network"]


def _activation_name(layer) -> str | None:
    act = getattr(layer, "activation", None)
    if act is None:
        return None
    if isinstance(act, str):
        return act
    for attr in ("__name__", "name"):
        name = getattr(act, attr, None)
        if isinstance(name, str):
            return name
    return type(act).__name__.lower()


def layer_sizes(model) -> tuple[list[int], list[str | None]]:
    """Read the layer widths and activations of a dense model (Keras or ``course_lib.nn``).

    The widths come from the kernels in ``model.get_weights()`` (each a 2-D array of shape
    (inputs, units)), so any model whose weights follow Keras's order works.

    Returns:
        ``(sizes, activations)``: ``sizes[0]`` is the number of inputs, ``sizes[i]`` the units of
        the i-th dense layer; ``activations[i - 1]`` the activation name of that layer.
    """
    if not hasattr(model, "get_weights"):
        raise TypeError(
            "Received an invalid value for `model`, expected a model with `get_weights()` or a "
            f"list of layer sizes. Received: model={type(model).__name__}"
        )
    kernels = [w for w in model.get_weights() if np.ndim(w) == 2]
    if not kernels:
        raise ValueError(
            "Received an invalid value for `model`, expected a built model with at least one "
            "Dense layer. Received: a model without 2-D weights"
        )
    sizes = [int(kernels[0].shape[0])] + [int(k.shape[1]) for k in kernels]
    dense = [layer for layer in getattr(model, "layers", []) if hasattr(layer, "units")]
    activations = [_activation_name(layer) for layer in dense]
    if len(activations) != len(kernels):
        activations = [None] * len(kernels)
    return sizes, activations


def _shown_positions(n: int, max_nodes: int) -> tuple[np.ndarray, list[int], bool]:
    """Vertical positions of the drawn nodes; the middle is elided when n > max_nodes."""
    if n <= max_nodes:
        idx = list(range(n))
        elided = False
    else:
        half = max_nodes // 2
        idx = list(range(half)) + list(range(n - (max_nodes - half), n))
        elided = True
    slots = len(idx) + (1 if elided else 0)
    ys = np.linspace(1, -1, slots) * min(1.0, slots / 10.0) if slots > 1 else np.zeros(1)
    if elided:
        half = max_nodes // 2
        ys = np.concatenate([ys[:half], ys[half + 1 :]])
    return ys, idx, elided


def plot_network(
    model_or_sizes,
    activations: Sequence[str | None] | None = None,
    max_nodes: int = 10,
    show_weights: bool = False,
    title: str | None = None,
    ax=None,
):
    """Draw a dense network: input, hidden and output layers as columns of nodes.

    Args:
        model_or_sizes: a built model (Keras or ``course_lib.nn``) or a list of layer widths such
            as ``[20, 32, 16, 1]`` (inputs first).
        activations: one name per non-input layer (read from the model when one is given).
        max_nodes: at most this many nodes per column; larger layers show their first and last
            nodes with "..." and the true count in the label.
        show_weights: colour each drawn connection by the sign (red positive, blue negative) and
            size of its weight relative to the largest in its layer (model only).
        title: figure title.
        ax: an existing Axes to draw on.

    Returns:
        The matplotlib Figure.
    """
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 2:
        raise ValueError(
            "Received an invalid value for `max_nodes`, expected an integer >= 2. "
            f"Received: max_nodes={max_nodes!r}"
        )
    kernels = None
    if isinstance(model_or_sizes, (list, tuple)):
        sizes = list(model_or_sizes)
        if len(sizes) < 2 or any(
            isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1 for s in sizes
        ):
            raise ValueError(
                "Received an invalid value for `model_or_sizes`, expected at least two positive "
                f"integers (inputs, ..., outputs). Received: model_or_sizes={model_or_sizes!r}"
            )
        sizes = [int(s) for s in sizes]
        acts = list(activations) if activations is not None else [None] * (len(sizes) - 1)
        if show_weights:
            raise ValueError(
                "Received an invalid value for `show_weights`, expected False when only layer "
                "sizes are given (there are no weights to show). Received: show_weights=True"
            )
    else:
        sizes, acts = layer_sizes(model_or_sizes)
        if activations is not None:
            acts = list(activations)
        if show_weights:
            kernels = [w for w in model_or_sizes.get_weights() if np.ndim(w) == 2]
    if len(acts) != len(sizes) - 1:
        raise ValueError(
            f"Received an invalid value for `activations`, expected {len(sizes) - 1} names (one "
            f"per non-input layer). Received: activations={activations!r}"
        )

    if ax is None:
        width = max(5.0, 1.9 * len(sizes))
        fig, ax = plt.subplots(figsize=(width, 4.8))
    else:
        fig = ax.figure
    columns = [_shown_positions(n, max_nodes) for n in sizes]
    xs = np.arange(len(sizes), dtype=float)

    # Connections first, so that nodes are drawn over them.
    # Each layer's colours are scaled by its own largest weight, so every layer shows its pattern.
    vmaxes = [float(np.abs(k).max()) or 1.0 for k in kernels] if kernels else []
    cmap = plt.get_cmap("coolwarm")
    for i in range(len(sizes) - 1):
        (ys_a, idx_a, _), (ys_b, idx_b, _) = columns[i], columns[i + 1]
        for a, ya in zip(idx_a, ys_a, strict=False):
            for b, yb in zip(idx_b, ys_b, strict=False):
                if kernels is not None:
                    w = float(kernels[i][a, b])
                    color = cmap(0.5 + 0.5 * w / vmaxes[i])
                    lw = 0.3 + 2.0 * abs(w) / vmaxes[i]
                else:
                    color, lw = "0.6", 0.5
                ax.plot([xs[i], xs[i + 1]], [ya, yb], color=color, lw=lw, alpha=0.7, zorder=1)

    bottom = min(float(ys.min()) for ys, _, _ in columns)
    face = {"input": "#9ecae1", "hidden": "#fdd49e", "output": "#a1d99b"}
    for i, (ys, _idx, elided) in enumerate(columns):
        kind = "input" if i == 0 else ("output" if i == len(sizes) - 1 else "hidden")
        ax.scatter(
            np.full(len(ys), xs[i]),
            ys,
            s=260,
            c=face[kind],
            edgecolors="k",
            linewidths=1.0,
            zorder=3,
        )
        if elided:
            ax.text(xs[i], 0.0, "⋮", ha="center", va="center", fontsize=16, zorder=4)
        label = {"input": "Input", "hidden": f"Hidden {i}", "output": "Output"}[kind]
        noun = "feature" if i == 0 else "unit"
        detail = f"{sizes[i]} {noun}{'' if sizes[i] == 1 else 's'}"
        if i > 0 and acts[i - 1]:
            detail += f"\n{acts[i - 1]}"
        ax.text(xs[i], bottom - 0.22, f"{label}\n{detail}", ha="center", va="top", fontsize=9)

    ax.set_xlim(-0.6, len(sizes) - 0.4)
    ax.set_ylim(bottom - 0.75, -bottom + 0.3)
    ax.axis("off")
    n_params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=False))
    ax.set_title(title or f"{' → '.join(map(str, sizes))}  ({n_params:,} parameters)")
    fig.tight_layout()
    return fig
