"""course_lib.plots.perceptron: figures with labelled axes, the lines they say they draw, errors."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib.perceptron import Perceptron, make_separable_2d  # noqa: E402
from course_lib.plots import plot_half_planes, plot_neuron, plot_perceptron_updates  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def data():
    X, y, _, _ = make_separable_2d(n_samples=60, margin=0.1, seed=0)
    return X, y


def test_plot_neuron_draws_its_line_and_reports_accuracy(data):
    X, y = data
    fig = plot_neuron([1.0, 0.0], 0.0, X, y)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "x1" and ax.get_ylabel() == "x2"
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == "w . x + b = 0"]
    np.testing.assert_allclose(line.get_xdata(), [0.0, 0.0])  # the vertical axis x1 = 0
    accuracy = np.mean((X[:, 0] > 0) == (y == 1))
    assert ax.get_title().endswith(f"accuracy {accuracy:.2f}")
    assert any("neuron output" in a.get_ylabel() for a in fig.axes[1:])  # a colour bar


def test_plot_neuron_rejects_bad_arguments(data):
    X, y = data
    with pytest.raises(ValueError, match=r"`w`, expected two weights. Received: w.shape=\(3,\)"):
        plot_neuron([1.0, 2.0, 3.0], 0.0, X, y)
    with pytest.raises(ValueError, match="`activation`, expected 'sigmoid' or 'step'"):
        plot_neuron([1.0, 0.0], 0.0, X, y, activation="relu")
    with pytest.raises(ValueError, match=r"`X`, expected an array of shape \(n_samples, 2\)"):
        plot_neuron([1.0, 0.0], 0.0, np.zeros((3, 3)), np.zeros(3))


def test_plot_perceptron_updates_draws_intermediate_and_final_lines(data):
    X, y = data
    p = Perceptron().fit(X, y)
    fig = plot_perceptron_updates(X, y, p.history, p.mistakes, max_lines=5)
    ax, bars = fig.axes[0], fig.axes[1]
    assert len(ax.get_lines()) <= 5 + 1
    assert any(f"({p.n_updates})" in ln.get_label() for ln in ax.get_lines())
    assert [int(r.get_height()) for r in bars.patches] == p.mistakes
    assert bars.get_xlabel().startswith("epoch")
    assert any(a.get_ylabel() == "update number" for a in fig.axes)
    single = plot_perceptron_updates(X, y, p.history)
    assert len([a for a in single.axes if a.get_xlabel() == "x1"]) == 1


def test_plot_perceptron_updates_rejects_bad_history(data):
    X, y = data
    with pytest.raises(ValueError, match=r"`history`, expected an array of shape"):
        plot_perceptron_updates(X, y, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="`max_lines`, expected an integer >= 1"):
        plot_perceptron_updates(X, y, np.zeros((3, 3)), max_lines=0)


def test_plot_half_planes_one_panel_per_unit_and_the_output():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    kernel, bias = np.array([[10.0, 10.0], [10.0, 10.0]]), np.array([-5.0, -15.0])
    fig = plot_half_planes(X, y, kernel, bias)
    assert len([a for a in fig.axes if a.get_xlabel() == "x1"]) == 2
    assert "10 x1 + 10 x2 - 5 > 0" in fig.axes[0].get_title()
    assert "10 x1 + 10 x2 - 15 > 0" in fig.axes[1].get_title()

    def predict(points):
        return ((points.sum(axis=1) > 0.5) & (points.sum(axis=1) < 1.5)) * 1.0

    fig = plot_half_planes(X, y, kernel, bias, predict=predict, title="XOR")
    panels = [a for a in fig.axes if a.get_xlabel() == "x1"]
    assert len(panels) == 3 and "accuracy 1.00" in panels[-1].get_title()
    assert any(a.get_ylabel() == "P(class 1)" for a in fig.axes)
    with pytest.raises(ValueError, match=r"`kernel` of shape \(2, units\)"):
        plot_half_planes(X, y, np.zeros((3, 2)), np.zeros(2))
