"""plot_layer_histograms: one panel per network, one line per layer, clear errors."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib.plots import plot_layer_histograms  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _panels():
    rng = np.random.default_rng(0)
    return {
        "healthy": [rng.normal(0, 0.5, (50, 8)) for _ in range(3)],
        "saturated": [np.tanh(rng.normal(0, 5, (50, 8))) for _ in range(3)],
    }


def test_one_panel_per_network_one_line_per_layer():
    fig = plot_layer_histograms(
        _panels(), layer_names=["a", "b", "c"], value_range=(-1, 1), title="t"
    )
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ["healthy", "saturated"]
    assert all(len(ax.get_lines()) == 3 for ax in axes)
    labels = [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert labels[0].startswith("a (std ")
    assert axes[0].get_xlabel() == "activation" and axes[0].get_ylabel() == "density"
    lines = axes[0].get_lines()[0].get_xdata()
    assert lines.min() > -1 and lines.max() < 1


def test_default_range_ignores_outliers_and_non_finite_values():
    values = np.concatenate([np.random.default_rng(1).normal(0, 1, 1000), [1e6, np.nan]])
    fig = plot_layer_histograms({"x": [values]}, sharex=False)
    xs = fig.axes[0].get_lines()[0].get_xdata()
    assert xs.max() < 10


def test_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"`panels`, expected a non-empty mapping"):
        plot_layer_histograms({})
    with pytest.raises(ValueError, match=r"same non-zero number of layers"):
        plot_layer_histograms({"a": [np.ones(3)], "b": [np.ones(3), np.ones(3)]})
    with pytest.raises(ValueError, match=r"`layer_names`, expected 3 names"):
        plot_layer_histograms(_panels(), layer_names=["a"])
    with pytest.raises(ValueError, match=r"`bins`, expected an integer >= 2. Received: bins=1"):
        plot_layer_histograms(_panels(), bins=1)
