"""The course's figures have an opaque white background (readable in dark mode)."""

import io

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def test_import_of_plots_makes_saved_figures_opaque_white():
    matplotlib.rcParams["figure.facecolor"] = (1, 1, 1, 0)  # as old matplotlib-inline set it
    matplotlib.rcParams["savefig.facecolor"] = "none"
    from course_lib.plots.style import apply_course_style

    apply_course_style()
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, 1])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    buffer.seek(0)
    image = plt.imread(buffer)
    assert image.shape[-1] == 4
    assert np.all(image[..., 3] == 1.0), "some pixels are transparent"
    assert np.allclose(image[0, 0, :3], 1.0), "the corner is not white"


def test_course_lib_plots_applies_the_style_on_import():
    import importlib

    import course_lib.plots
    from course_lib.plots.style import COURSE_RC

    matplotlib.rcParams["figure.facecolor"] = (1, 1, 1, 0)
    matplotlib.rcParams["savefig.transparent"] = True
    importlib.reload(course_lib.plots)

    for key, value in COURSE_RC.items():
        assert matplotlib.rcParams[key] == value or matplotlib.colors.same_color(
            matplotlib.rcParams[key], value
        ), key
