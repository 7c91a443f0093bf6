"""Chapter 4's plots return Figures with the expected panels and reject bad arguments."""

import matplotlib

matplotlib.use("Agg")

from types import SimpleNamespace  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_lib.plots.applications import (  # noqa: E402
    plot_bigram_probabilities,
    plot_confusion_matrix,
    plot_convolution,
    plot_digits,
    plot_embedding_2d,
    plot_feature_histograms,
    plot_forecast,
    plot_image_grid,
    plot_series,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("shape", [(12, 64), (12, 8, 8)])
@pytest.mark.parametrize("n_cols", [4, 5, 20])
def test_plot_digits_grid(shape, n_cols):
    images = np.random.default_rng(0).random(shape)
    labels = np.arange(12) % 10
    fig = plot_digits(images, labels, n_cols=n_cols, title="digits")
    assert isinstance(fig, Figure)
    cols = min(n_cols, 12)
    assert len(fig.axes) == cols * int(np.ceil(12 / cols))
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 12 and shown[0].get_title() == "0"


def test_plot_digits_marks_mistakes_in_red():
    images = np.zeros((3, 64))
    fig = plot_digits(images, labels=[1, 2, 3], predictions=[1, 7, 3])
    titles = [ax.title for ax in fig.axes]
    assert titles[1].get_text() == "true 2\npred 7"
    assert titles[1].get_color() == "tab:red" and titles[0].get_color() == "black"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"images": np.zeros((0, 64))}, "`images`"),
        ({"images": np.zeros((3, 10))}, "`images`"),
        ({"images": np.zeros((3, 64)), "labels": [1, 2]}, "`labels`"),
        ({"images": np.zeros((3, 64)), "n_cols": 0}, "`n_cols`"),
    ],
)
def test_plot_digits_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot_digits(**kwargs)


def test_plot_confusion_matrix_annotates_counts():
    matrix = np.array([[5, 1], [0, 4]])
    fig = plot_confusion_matrix(matrix, class_names=["no", "yes"])
    ax = fig.axes[0]
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == ["1", "4", "5"]  # zeros are left blank
    assert "0.900" in ax.get_title()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["no", "yes"]
    with pytest.raises(ValueError, match="`matrix`"):
        plot_confusion_matrix(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="`class_names`"):
        plot_confusion_matrix(matrix, class_names=["a"])


def test_plot_feature_histograms_one_panel_per_feature():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 5)), rng.integers(0, 2, 50)
    fig = plot_feature_histograms(X, y, list("abcde"), ["neg", "pos"], features=(0, 3))
    assert [ax.get_title() for ax in fig.axes] == ["a", "d"]
    with pytest.raises(ValueError, match="`features`"):
        plot_feature_histograms(X, y, list("abcde"), ["neg", "pos"], features=(7,))


def _series(n=48):
    dates = np.datetime64("2000-01") + np.arange(n).astype("timedelta64[M]")
    values = np.sin(np.arange(n) * 2 * np.pi / 12) + 0.05 * np.arange(n)
    return SimpleNamespace(
        dates=dates, values=values, train_end=30, val_end=40, name="toy", units="ppm"
    )


def test_plot_series_shades_three_parts():
    fig = plot_series(_series())
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "validation", "test"]
    assert "ppm" in ax.get_ylabel()


def test_plot_forecast_reports_mae_in_legend():
    series = _series()
    truth = series.values[40:]
    fig = plot_forecast(series.dates[40:], truth, {"zero error": truth, "off by 1": truth + 1})
    top, bottom = fig.axes
    labels = [t.get_text() for t in top.get_legend().get_texts()]
    assert labels == ["truth", "zero error (MAE 0.000)", "off by 1 (MAE 1.000)"]
    np.testing.assert_allclose(bottom.lines[1].get_ydata(), 1.0)
    with pytest.raises(ValueError, match="different lengths"):
        plot_forecast(series.dates[40:], truth, {"short": truth[:3]})


def test_plot_bigram_probabilities_labels_axes_with_characters():
    probabilities = np.full((3, 3), 1 / 3)
    fig = plot_bigram_probabilities(probabilities, ".ab")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [".", "a", "b"]
    with pytest.raises(ValueError, match="`probabilities`"):
        plot_bigram_probabilities(np.ones((2, 2)), ".ab")


# --- what networks learn -------------------------------------------------------------------


@pytest.mark.parametrize(("n", "n_cols"), [(16, 8), (5, 3), (1, 4)])
@pytest.mark.parametrize("symmetric", [True, False])
def test_plot_image_grid_shares_one_colour_scale(n, n_cols, symmetric):
    images = np.random.default_rng(0).normal(size=(n, 3, 3))
    fig = plot_image_grid(
        images,
        titles=[f"f{i}" for i in range(n)],
        n_cols=n_cols,
        symmetric=symmetric,
        colorbar_label="weight",
        title="filters",
    )
    shown = [ax for ax in fig.axes if ax.images]
    cols = min(n_cols, n)
    assert len(shown) == n and len(fig.axes) == cols * int(np.ceil(n / cols)) + 1  # + colour bar
    limits = {ax.images[0].get_clim() for ax in shown}
    assert len(limits) == 1  # one scale for every panel
    low, high = limits.pop()
    if symmetric:
        assert low == -high == -np.abs(images).max()
    else:
        assert (low, high) == (images.min(), images.max())
    assert shown[0].get_title() == "f0"
    assert any(ax.get_ylabel() == "weight" for ax in fig.axes)


def test_plot_image_grid_rejects_bad_input():
    with pytest.raises(ValueError, match=r"shape \(n, height, width\)"):
        plot_image_grid(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="one per image"):
        plot_image_grid(np.zeros((2, 3, 3)), titles=["a"])
    with pytest.raises(ValueError, match="`n_cols`"):
        plot_image_grid(np.zeros((2, 3, 3)), n_cols=0)


def test_plot_convolution_panels_and_window():
    image = np.arange(64.0).reshape(8, 8)
    kernel = np.array([[1.0, 0.0, -1.0]] * 3)
    output = np.zeros((6, 6))
    fig = plot_convolution(image, kernel, output, title="one filter", window=(2, 3))
    panels = [ax for ax in fig.axes if ax.images and ax.get_title()]
    assert [ax.get_title() for ax in panels] == [
        "image (input)",
        "kernel (weights)",
        "output (feature map)",
    ]
    window = panels[0].patches[0]
    assert window.get_xy() == (2.5, 1.5) and (window.get_width(), window.get_height()) == (3, 3)
    assert panels[2].patches[0].get_width() == 1
    with pytest.raises(ValueError, match=r"expected shape \(6, 6\)"):
        plot_convolution(image, kernel, np.zeros((8, 8)))
    with pytest.raises(ValueError, match="`window`"):
        plot_convolution(image, kernel, output, window=(6, 0))


def test_plot_embedding_2d_projects_on_principal_components():
    rng = np.random.default_rng(0)
    # the first coordinate varies most: the projection's first axis must follow it
    vectors = np.column_stack([np.linspace(-5, 5, 6), 0.1 * rng.normal(size=(6, 3))])
    labels = list("abcdef")
    fig = plot_embedding_2d(vectors, labels, groups={"vowels": "ae"}, title="emb")
    ax = fig.axes[0]
    texts = {t.get_text(): t for t in ax.texts}
    assert set(texts) == set(labels)
    xs = np.array([texts[c].get_position()[0] for c in labels])
    assert np.all(np.diff(xs) > 0) or np.all(np.diff(xs) < 0)
    assert texts["a"].get_color() == texts["e"].get_color() != texts["b"].get_color()
    assert "variance" in ax.get_xlabel() and ax.get_legend() is not None
    with pytest.raises(ValueError, match="one per vector"):
        plot_embedding_2d(vectors, labels[:3])
    with pytest.raises(ValueError, match=r"shape \(n, d\)"):
        plot_embedding_2d(np.zeros((5, 1)), list("abcde"))
