"""Training curves: several runs' loss and metrics on shared axes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

__all__ = ["history_dict", "plot_history"]


def history_dict(history) -> dict[str, list[float]]:
    """The ``{metric: [value per epoch]}`` dict of a Keras or ``course_lib.nn`` History, or a dict."""
    if isinstance(history, Mapping):
        return {k: [float(v) for v in vals] for k, vals in history.items()}
    inner = getattr(history, "history", None)
    if isinstance(inner, Mapping):
        return {k: [float(v) for v in vals] for k, vals in inner.items()}
    raise TypeError(
        "Received an invalid value for `history`, expected a History (with a `.history` dict) or "
        f"a dict of per-epoch lists. Received: history={type(history).__name__}"
    )


def plot_history(
    histories,
    metrics: Sequence[str] | None = None,
    title: str | None = None,
    markers: bool = True,
):
    """Plot per-epoch curves of one or several training runs, one panel per metric.

    Training values are solid lines, validation values (``val_<metric>``) dashed, in the same
    colour as their run.

    Args:
        histories: a History, a history dict, or ``{run label: History or dict}`` for several runs.
        metrics: the metrics to draw (default: every non-``val_`` key of the first run, the loss
            first, e.g. ``["loss", "accuracy"]``).
        title: figure title.
        markers: put a dot on each epoch.

    Returns:
        The matplotlib Figure.
    """
    if (
        isinstance(histories, Mapping)
        and histories
        and all(not isinstance(v, (list, tuple, np.ndarray)) for v in histories.values())
    ):
        runs = {str(label): history_dict(h) for label, h in histories.items()}
    else:
        runs = {"": history_dict(histories)}
    first = next(iter(runs.values()))
    if metrics is None:
        metrics = [k for k in first if not k.startswith("val_")]
        metrics.sort(key=lambda k: k != "loss")  # the loss first, as Keras prints it
    metrics = list(metrics)
    if not metrics:
        raise ValueError(
            "Received an invalid value for `metrics`, expected at least one metric name. "
            f"Received: metrics={metrics!r}"
        )
    for label, hist in runs.items():
        missing = [m for m in metrics if m not in hist]
        if missing:
            raise ValueError(
                f"Received an invalid value for `metrics`, expected names recorded in every run; "
                f"run {label!r} has {sorted(hist)}. Received: metrics={metrics!r}"
            )
    width = 5.0 * len(metrics) + (2.0 if len(metrics) == 1 else 0.0)
    fig, axes = plt.subplots(1, len(metrics), figsize=(width, 3.8), squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, metric in zip(axes[0], metrics, strict=False):
        for i, ((label, hist), color) in enumerate(zip(runs.items(), colors * 4, strict=False)):
            # Later runs are drawn thinner with other markers, so identical curves stay visible.
            lw = max(1.0, 3.0 - 0.8 * i)
            marker = "ox+^sv"[i % 6] if markers else None
            prefix = f"{label} " if label else ""
            epochs = np.arange(1, len(hist[metric]) + 1)
            ax.plot(
                epochs,
                hist[metric],
                "-",
                color=color,
                marker=marker,
                lw=lw,
                ms=5,
                label=f"{prefix}train",
            )
            if f"val_{metric}" in hist:
                ax.plot(
                    epochs,
                    hist[f"val_{metric}"],
                    "--",
                    color=color,
                    marker=marker,
                    lw=lw,
                    ms=5,
                    label=f"{prefix}validation",
                )
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_title(metric)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
