"""Every plot returns a Figure with labelled axes, and rejects bad arguments clearly."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib.plots import (  # noqa: E402
    history_dict,
    layer_sizes,
    plot_activations,
    plot_decision_boundaries,
    plot_decision_boundary,
    plot_gradient_norms,
    plot_history,
    plot_loss_surface,
    plot_network,
    predict_proba_fn,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class _FakeDense:
    def __init__(self, units, activation):
        self.units = units
        self.activation = activation


class _FakeModel:
    """Quacks like a Keras / course_lib.nn model: layers and Keras-ordered weights."""

    def __init__(self, sizes, activations, seed=0):
        rng = np.random.default_rng(seed)
        self.layers = [_FakeDense(u, a) for u, a in zip(sizes[1:], activations, strict=True)]
        self._weights = []
        for a, b in zip(sizes[:-1], sizes[1:], strict=True):
            self._weights += [rng.normal(size=(a, b)), np.zeros(b)]

    def get_weights(self):
        return list(self._weights)

    def predict(self, X, verbose="auto"):
        h = np.asarray(X)
        for i in range(0, len(self._weights), 2):
            h = np.tanh(h @ self._weights[i] + self._weights[i + 1])
        return _sigmoid(h)


def test_layer_sizes_from_model():
    model = _FakeModel([20, 32, 16, 1], ["relu", "relu", _sigmoid])
    sizes, acts = layer_sizes(model)
    assert sizes == [20, 32, 16, 1]
    assert acts == ["relu", "relu", "_sigmoid"]


@pytest.mark.parametrize("show_weights", [False, True])
def test_plot_network_from_model(show_weights):
    model = _FakeModel([20, 32, 16, 1], ["relu", "relu", "sigmoid"])
    fig = plot_network(model, show_weights=show_weights)
    ax = fig.axes[0]
    assert "1,217 parameters" in ax.get_title()  # 20*32+32 + 32*16+16 + 16+1
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "32 units" in texts and "sigmoid" in texts and "⋮" in texts


def test_plot_network_from_sizes_draws_every_connection():
    fig = plot_network([3, 4, 1])
    # 3*4 + 4*1 connections are lines.
    assert len(fig.axes[0].lines) == 16


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (([3],), {}, ValueError, "model_or_sizes"),
        (([3, 0, 1],), {}, ValueError, "model_or_sizes"),
        (([3, 2, 1],), {"activations": ["relu"]}, ValueError, "activations"),
        (([3, 2, 1],), {"max_nodes": 1}, ValueError, "max_nodes"),
        (([3, 2, 1],), {"show_weights": True}, ValueError, "show_weights"),
        ((object(),), {}, TypeError, "model"),
    ],
)
def test_plot_network_errors(args, kwargs, error, match):
    with pytest.raises(error, match=f"`{match}`"):
        plot_network(*args, **kwargs)


def test_plot_activations_one_panel_per_function():
    fig = plot_activations(
        {
            "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
            "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0) * 1.0),
        }
    )
    assert [ax.get_title() for ax in fig.axes] == ["sigmoid", "relu"]
    assert all(len(ax.lines) >= 2 for ax in fig.axes)
    assert fig.axes[0].get_xlabel().startswith("z")


@pytest.mark.parametrize(
    ("activations", "error"),
    [({}, ValueError), ({"relu": np.tanh}, TypeError), ({"relu": (np.tanh,)}, TypeError)],
)
def test_plot_activations_errors(activations, error):
    with pytest.raises(error, match="`activations"):
        plot_activations(activations)


def test_plot_loss_surface_with_paths():
    path = np.array([[1.5, 1.5], [0.5, 0.5], [0.0, 0.0]])
    fig = plot_loss_surface(lambda a, b: a**2 + b**2, {"gd": path}, resolution=50)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "w1" and ax.get_ylabel() == "w2"
    assert "gd (2 steps)" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_plot_loss_surface_errors():
    with pytest.raises(ValueError, match="`paths"):
        plot_loss_surface(lambda a, b: a + b, {"bad": np.zeros((3, 3))})
    with pytest.raises(ValueError, match="`loss_fn`"):
        plot_loss_surface(lambda a, b: 1.0)


class _History:
    def __init__(self, history):
        self.history = history


H = {
    "loss": [0.7, 0.5, 0.4],
    "accuracy": [0.5, 0.7, 0.8],
    "val_loss": [0.8, 0.6, 0.5],
    "val_accuracy": [0.5, 0.6, 0.7],
}


def test_history_dict_accepts_history_and_dict():
    assert history_dict(_History(H)) == H
    assert history_dict(H) == H
    with pytest.raises(TypeError, match="`history`"):
        history_dict([1, 2])


@pytest.mark.parametrize("histories", [H, _History(H), {"numpy": H, "keras": _History(H)}])
def test_plot_history_panels_and_lines(histories):
    fig = plot_history(histories)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    n_runs = 2 if isinstance(histories, dict) and "numpy" in histories else 1
    assert len(fig.axes[0].lines) == 2 * n_runs  # train + validation per run
    assert fig.axes[0].get_xlabel() == "epoch"


def test_plot_history_unknown_metric():
    with pytest.raises(ValueError, match="`metrics`"):
        plot_history(H, metrics=["auc"])


def test_predict_proba_fn_model_and_callable():
    X = np.zeros((4, 2))
    model = _FakeModel([2, 3, 1], ["tanh", "sigmoid"])
    assert predict_proba_fn(model)(X).shape == (4,)
    assert np.allclose(predict_proba_fn(lambda X: np.full((len(X), 1), 0.25))(X), 0.25)
    with pytest.raises(TypeError, match="`model`"):
        predict_proba_fn(3)


def test_plot_decision_boundary_reports_accuracy():
    X = np.array([[-1.0, 0.0], [-2.0, 1.0], [1.0, 0.0], [2.0, -1.0]])
    y = np.array([0, 0, 1, 1])
    fig = plot_decision_boundary(
        lambda X: _sigmoid(5 * X[:, 0]), X, y, title="linear", resolution=30
    )
    assert fig.axes[0].get_title() == "linear - accuracy 1.00"


def test_plot_decision_boundaries_grid():
    X = np.random.default_rng(0).normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(int)
    fig = plot_decision_boundaries(
        {
            "a": lambda X: _sigmoid(X[:, 0]),
            "b": lambda X: _sigmoid(X[:, 1]),
            "c": _FakeModel([2, 2, 1], ["tanh", "sigmoid"]),
        },
        X,
        y,
        resolution=20,
        ncols=2,
    )
    assert len(fig.axes) == 4 and not fig.axes[3].axison


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [(np.zeros((5, 3)), np.zeros(5), "`X`"), (np.zeros((5, 2)), np.zeros(4), "`y`")],
)
def test_plot_decision_boundary_errors(X, y, match):
    with pytest.raises(ValueError, match=match):
        plot_decision_boundary(lambda X: X[:, 0], X, y)


def test_plot_gradient_norms_bars_per_run():
    fig = plot_gradient_norms({"sigmoid": [1e-4, 1e-2, 0.1], "relu": [0.1, 0.2, 0.3]})
    ax = fig.axes[0]
    assert len(ax.patches) == 6
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["layer 1", "layer 2", "layer 3"]


@pytest.mark.parametrize(
    ("norms", "kwargs", "match"),
    [
        ({}, {}, "`norms`"),
        ({"a": [1, 2], "b": [1]}, {}, "`norms`"),
        ({"a": [1, 2]}, {"layer_names": ["x"]}, "`layer_names`"),
    ],
)
def test_plot_gradient_norms_errors(norms, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_gradient_norms(norms, **kwargs)


def test_plots_read_a_course_lib_nn_model():
    """The pictures work on the NumPy engine's models (Keras's are checked in the notebooks)."""
    import course_lib
    from course_lib import nn

    course_lib.set_seed(0)
    model = nn.Sequential(
        [nn.Input(shape=(2,)), nn.Dense(4, activation="tanh"), nn.Dense(1, activation="sigmoid")]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    assert layer_sizes(model) == ([2, 4, 1], ["tanh", "sigmoid"])
    assert "17 parameters" in plot_network(model, show_weights=True).axes[0].get_title()
    X = np.random.default_rng(0).normal(size=(10, 2)).astype("float32")
    p = predict_proba_fn(model)(X)
    np.testing.assert_allclose(p, model.predict(X, verbose=0).ravel())
    fig = plot_decision_boundary(model, X, (X[:, 0] > 0).astype(int), resolution=20)
    assert fig.axes[0].get_title().startswith("accuracy")


def test_plot_history_puts_the_loss_first():
    keras_order = {"accuracy": [0.5, 0.6], "loss": [0.7, 0.6]}  # Keras 3 records accuracy first
    assert [ax.get_title() for ax in plot_history(keras_order).axes] == ["loss", "accuracy"]
