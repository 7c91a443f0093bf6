"""course_lib.plots.graph and plot_optimizer_paths: what the figures contain."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

from course_lib.autograd import Value  # noqa: E402
from course_lib.plots import plot_graph  # noqa: E402
from course_lib.plots.optimization import plot_optimizer_paths  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _neuron():
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(1.0, label="b")
    o = (x * w + b).tanh()
    o.label = "o"
    o.backward()
    return o


def test_one_box_per_value_one_circle_per_operation_and_the_gradients_written():
    fig = plot_graph(_neuron())
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    circles = [p for p in ax.patches if isinstance(p, plt.Circle)]
    assert len(boxes) == 6  # x, w, b, x*w, x*w + b, o
    assert len(circles) == 3  # *, +, tanh
    texts = [t.get_text() for t in ax.texts]
    assert {"*", "+", "tanh"} <= set(texts)
    o_grad = 1 - np.tanh(-5.0) ** 2
    assert f"x\ndata 2\ngrad {-3.0 * o_grad:.3g}" in texts
    assert f"o\ndata {np.tanh(-5.0):.3g}\ngrad 1" in texts


def test_inputs_sit_left_of_the_operations_that_use_them():
    fig = plot_graph(_neuron())
    ax = fig.axes[0]
    x_of = {
        t.get_text().split("\n")[0]: t.get_position()[0] for t in ax.texts if "\n" in t.get_text()
    }
    assert x_of["x"] < x_of["o"] and x_of["b"] < x_of["o"]


def test_bad_graphs_raise():
    with pytest.raises(TypeError, match="`root`, expected a Value"):
        plot_graph(3.0)
    big = Value(0.0)
    for _ in range(40):
        big = big + 1.0
    with pytest.raises(
        ValueError, match=r"too large to draw, expected at most max_nodes=60.*81 values"
    ):
        plot_graph(big)


def bowl(w1, w2):
    return w1**2 + 4 * w2**2


def test_optimizer_paths_one_panel_each_with_one_colour_bar():
    paths = {name: np.array([[1.0, 1.0], [0.5, 0.2], [0.1, 0.0]]) for name in ("a", "b", "c", "d")}
    fig = plot_optimizer_paths(bowl, paths, minimum=(0.0, 0.0), ncols=3)
    panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert len(panels) == 6 and sum(ax.axison for ax in panels) == 4  # 2 x 3 grid, two unused
    assert len(fig.axes) - len(panels) == 1  # one shared colour bar
    assert panels[0].get_title() == f"a\nloss after 2 steps: {bowl(0.1, 0.0):.3g}"


def test_optimizer_paths_validate():
    with pytest.raises(ValueError, match="Received no paths"):
        plot_optimizer_paths(bowl, {})
    with pytest.raises(
        ValueError,
        match=r"`paths\['a'\]`, expected an array of shape \(steps, 2\). Received: shape=\(3,\)",
    ):
        plot_optimizer_paths(bowl, {"a": np.zeros(3)})
