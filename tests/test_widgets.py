"""course_lib.widgets: the static figure at the defaults, the live panel, and how each is chosen."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402
from ipywidgets import Dropdown, FloatLogSlider, FloatSlider, Widget  # noqa: E402

from course_lib import widgets  # noqa: E402
from course_lib.widgets import ENV, build_knob, knob, live_frontend  # noqa: E402


class Recorder:
    """A draw function that remembers the values it was called with."""

    def __init__(self):
        self.calls = []

    def __call__(self, learning_rate=0.1, optimizer="adam"):
        self.calls.append({"learning_rate": learning_rate, "optimizer": optimizer})
        fig, ax = plt.subplots()
        ax.set_title(f"{optimizer} at {learning_rate}")
        return fig


@pytest.fixture(autouse=True)
def _auto_mode(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setattr(Widget, "_control_comm", None)
    yield
    plt.close("all")


def test_static_draws_once_at_the_defaults_and_names_the_controls(capsys):
    draw = Recorder()
    assert knob(draw, learning_rate=(0.01, 1.0, 0.01), optimizer=["sgd", "adam"]) is None
    assert draw.calls == [{"learning_rate": 0.1, "optimizer": "adam"}]
    out = capsys.readouterr().out
    assert out == (
        "Figure at the defaults (learning_rate=0.1, optimizer='adam'). In JupyterLab this cell "
        "shows controls for learning_rate, optimizer instead.\n"
    )
    assert plt.get_fignums() == []  # shown and closed: nothing leaks into the next cell


def test_the_panel_starts_at_the_defaults_and_redraws_when_a_control_moves():
    draw = Recorder()
    panel = build_knob(draw, learning_rate=(0.01, 1.0, 0.01), optimizer=["sgd", "adam"])
    sliders = {w.description: w for w in panel.kwargs_widgets}
    assert isinstance(sliders["learning_rate"], FloatSlider)
    assert sliders["learning_rate"].value == 0.1
    assert isinstance(sliders["optimizer"], Dropdown)
    assert sliders["optimizer"].value == "adam"
    assert sliders["learning_rate"].continuous_update is False  # one redraw per release
    assert sliders["learning_rate"].style.description_width == "initial"
    assert draw.calls == [{"learning_rate": 0.1, "optimizer": "adam"}]
    sliders["learning_rate"].value = 0.5
    sliders["optimizer"].value = "sgd"
    assert draw.calls[1:] == [
        {"learning_rate": 0.5, "optimizer": "adam"},
        {"learning_rate": 0.5, "optimizer": "sgd"},
    ]
    panel.close()


def test_a_widget_control_is_used_as_given():
    draw = Recorder()
    slider = FloatLogSlider(value=0.1, base=10, min=-3, max=0)
    panel = build_knob(draw, learning_rate=slider)
    assert panel.kwargs_widgets[0] is slider
    slider.value = 0.01
    assert [c["learning_rate"] for c in draw.calls] == [0.1, 0.01]
    panel.close()


def test_live_displays_the_panel(monkeypatch, capsys):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    draw = Recorder()
    assert knob(draw, live=True, learning_rate=(0.01, 1.0)) is None
    assert len(shown) == 1 and shown[0].kwargs_widgets[0].value == 0.1
    assert "Figure at the defaults" not in capsys.readouterr().out  # no static caption
    shown[0].close()


def test_live_frontend_is_the_control_comm_unless_the_environment_says(monkeypatch):
    assert live_frontend() is False  # pytest: no frontend ever opened the control comm
    monkeypatch.setattr(Widget, "_control_comm", object())
    assert live_frontend() is True
    monkeypatch.setenv(ENV, "static")
    assert live_frontend() is False
    monkeypatch.setattr(Widget, "_control_comm", None)
    monkeypatch.setenv(ENV, "LIVE")
    assert live_frontend() is True
    monkeypatch.setenv(ENV, "auto")
    assert live_frontend() is False


class FakeKernel:
    def __init__(self, metadata):
        self.metadata = metadata

    def get_parent(self):
        return {"header": {"msg_type": "execute_request"}, "metadata": self.metadata}


class FakeShell:
    def __init__(self, metadata):
        self.kernel = FakeKernel(metadata)


@pytest.mark.parametrize(
    ("metadata", "live"),
    [
        ({"cellId": "90ba13c4", "deletedCells": [], "recordTiming": False}, True),  # JupyterLab 4
        ({}, False),  # nbclient: papermill, course outputs, nbval
        (None, False),
    ],
)
def test_a_request_naming_its_cell_comes_from_a_notebook_frontend(monkeypatch, metadata, live):
    monkeypatch.setattr("IPython.get_ipython", lambda: FakeShell(metadata))
    assert live_frontend() is live
    monkeypatch.setenv(ENV, "static")
    assert live_frontend() is False


def test_knob_follows_the_detection(monkeypatch, capsys):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    monkeypatch.setattr(widgets, "live_frontend", lambda: True)
    knob(Recorder(), learning_rate=(0.01, 1.0))
    assert len(shown) == 1 and "Figure at" not in capsys.readouterr().out
    shown[0].close()
    monkeypatch.setattr(widgets, "live_frontend", lambda: False)
    knob(Recorder(), learning_rate=(0.01, 1.0))
    assert len(shown) == 1 and capsys.readouterr().out.startswith("Figure at the defaults")


def test_ipywidgets_still_keeps_the_control_comm_where_detection_reads_it():
    # The detection reads ipywidgets 8's Widget._control_comm, set by handle_control_comm_opened
    # when a frontend opens "jupyter.widget.control". If ipywidgets moves it, this fails.
    assert "_control_comm" in vars(Widget)
    assert callable(Widget.handle_control_comm_opened)

    class FakeComm:
        def on_msg(self, callback):
            self.callback = callback

    comm = FakeComm()
    from ipywidgets.widgets.widget import __control_protocol_version__

    Widget.handle_control_comm_opened(comm, {"metadata": {"version": __control_protocol_version__}})
    assert live_frontend() is True


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"momentum": (0.0, 1.0)},
            r"invalid control `momentum`, expected a keyword parameter of `draw` \(learning_rate, optimizer\)",
        ),
        ({}, r"Received no controls"),
        (
            {"learning_rate": FloatSlider(value=0.3, min=0, max=1)},
            r"starts elsewhere than `draw`'s default, expected value=0.1.*Received: value=0.3",
        ),
    ],
)
def test_bad_controls_raise_naming_them(kwargs, message):
    with pytest.raises(ValueError, match=message):
        knob(Recorder(), **kwargs)


def test_a_control_needs_a_default():
    def draw(learning_rate):
        return plt.figure()

    with pytest.raises(
        ValueError, match=r"control `learning_rate` without a default.*draw\(learning_rate\)"
    ):
        knob(draw, learning_rate=(0.01, 1.0))


def test_bad_arguments_raise():
    with pytest.raises(TypeError, match=r"`draw`, expected a function.*draw=3"):
        knob(3, learning_rate=(0.0, 1.0))
    with pytest.raises(TypeError, match=r"`live`, expected True, False or None.*live='yes'"):
        knob(Recorder(), live="yes", learning_rate=(0.0, 1.0))


def test_a_bad_environment_value_raises(monkeypatch):
    monkeypatch.setenv(ENV, "sometimes")
    with pytest.raises(
        ValueError, match=r"COURSE_WIDGETS`, expected one of auto, live, static.*'sometimes'"
    ):
        live_frontend()


def test_a_notebook_run_headless_stores_the_static_figure_and_no_widget(tmp_path):
    # papermill, `course outputs` and nbval all execute through a kernel client with no widget
    # manager: the stored output must be the figure at the defaults and the caption, nothing else.
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import matplotlib.pyplot as plt\n"
            "from course_lib.widgets import knob\n"
            "def draw(learning_rate=0.1):\n"
            "    fig, ax = plt.subplots()\n"
            "    ax.plot([0, 1], [0, learning_rate])\n"
            "    return fig\n"
            "knob(draw, learning_rate=(0.01, 1.0))"
        )
    ]
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = nb.cells[0].outputs
    kinds = [sorted(o.get("data", {})) or o.output_type for o in outputs]
    assert kinds == [["image/png", "text/plain"], "stream"], kinds
    assert outputs[1].text.startswith("Figure at the defaults (learning_rate=0.1).")
    assert "widgets" not in nb.metadata
