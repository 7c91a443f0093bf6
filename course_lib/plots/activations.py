"""Activation functions next to their derivatives."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_activations"]

ActivationPair = tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]


def plot_activations(
    activations: Mapping[str, ActivationPair],
    z_range: tuple[float, float] = (-5.0, 5.0),
    num: int = 401,
):
    """Plot each activation g(z) (solid) and its derivative g'(z) (dashed), one panel each.

    Args:
        activations: ``{name: (g, g_prime)}``, both vectorised functions of a 1-D array.
        z_range: the interval of pre-activations z drawn.
        num: number of points.

    Returns:
        The matplotlib Figure.
    """
    if not isinstance(activations, Mapping) or not activations:
        raise ValueError(
            "Received an invalid value for `activations`, expected a non-empty mapping "
            f"{{name: (function, derivative)}}. Received: activations={activations!r}"
        )
    for name, pair in activations.items():
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(map(callable, pair))):
            raise TypeError(
                f"Received an invalid value for `activations[{name!r}]`, expected a pair "
                f"(function, derivative) of callables. Received: {pair!r}"
            )
    low, high = z_range
    if not low < high:
        raise ValueError(
            "Received an invalid value for `z_range`, expected (low, high) with low < high. "
            f"Received: z_range={z_range!r}"
        )
    z = np.linspace(low, high, num)
    n = len(activations)
    fig, axes = plt.subplots(1, n, figsize=(3.2 * n, 3.2), sharex=True, squeeze=False)
    for ax, (name, (g, dg)) in zip(axes[0], activations.items(), strict=False):
        ax.axhline(0, color="0.8", lw=0.8)
        ax.axvline(0, color="0.8", lw=0.8)
        ax.plot(z, np.asarray(g(z)), lw=2, label="g(z)")
        ax.plot(z, np.asarray(dg(z)), lw=2, ls="--", label="g′(z)")
        ax.set_title(name)
        ax.set_xlabel("z (pre-activation)")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("value")
    axes[0][0].legend(loc="upper left")
    fig.tight_layout()
    return fig
