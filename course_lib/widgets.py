"""Knobs for figures: an ipywidgets control whose static rendering is the figure at the defaults.

A chapter draws a figure with a function whose keyword defaults are the values the text talks
about, and hands it to :func:`knob` with the controls a learner may turn::

    def draw(learning_rate=0.1, optimizer="adam"):
        fig, ax = plt.subplots()
        ...
        return fig

    knob(draw, learning_rate=(0.01, 1.0, 0.01), optimizer=["sgd", "momentum", "adam"])

What the cell shows depends on who runs it:

- **A live frontend** (JupyterLab with ipywidgets installed, as ``make lab`` opens it): the
  controls, and the figure redrawn when one is let go. It starts at ``draw``'s defaults.
- **Anything else** (papermill, ``course outputs``, nbval, a plain Python process, a static site):
  ``draw()`` at its defaults, shown with ``plt.show()``, and one printed line naming the controls.
  That is the stored output, so nbval compares the same text every time and the site shows the
  figure the prose describes.

How a live frontend is recognised (measured with JupyterLab 4.6, ipywidgets 8.1, nbclient 0.11):
JupyterLab (and Notebook 7, which shares its notebook code) sends each cell's id in the metadata of the request that runs it
(``cellId``); nbclient, and so papermill, ``course outputs`` and nbval, send empty metadata. A
widget manager that connected after ipywidgets was imported has also opened ipywidgets' control
comm (``jupyter.widget.control``, kept on ``Widget._control_comm``), which counts too; alone it is
not enough, because in a fresh kernel the manager connects before any cell imports ipywidgets.
Both signals are pinned by tests. Two ways to override them: ``knob(..., live=True)`` (or
``False``), or the environment variable ``COURSE_WIDGETS`` set to ``live`` or ``static`` before
the kernel starts.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt

__all__ = ["ENV", "build_knob", "knob", "live_frontend"]

#: Environment variable forcing the mode: ``live``, ``static`` or ``auto`` (the default).
ENV = "COURSE_WIDGETS"
_MODES = ("auto", "live", "static")


def live_frontend() -> bool:
    """Whether this kernel runs the current cell for a frontend that renders ipywidgets.

    ``COURSE_WIDGETS=live`` or ``static`` decides; otherwise it is whether the request running
    this cell carries a cell id (JupyterLab) or a widget manager opened ipywidgets'
    control comm. papermill, ``course outputs`` and nbval do neither.
    """
    mode = os.environ.get(ENV, "auto").strip().lower() or "auto"
    if mode not in _MODES:
        raise ValueError(
            f"Received an invalid value for the environment variable `{ENV}`, expected one of "
            f"{', '.join(_MODES)}. Received: {ENV}={os.environ[ENV]!r}"
        )
    if mode != "auto":
        return mode == "live"
    try:
        from ipywidgets import Widget
    except ImportError:  # the notebooks extra is not installed: nothing could render a widget
        return False
    return _request_has_cell_id() or getattr(Widget, "_control_comm", None) is not None


def _request_has_cell_id() -> bool:
    """Whether the execute request of the running cell names its cell (a notebook frontend)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    kernel = getattr(get_ipython(), "kernel", None)
    get_parent = getattr(kernel, "get_parent", None)
    if get_parent is None:  # plain Python or a terminal IPython: no kernel, no frontend
        return False
    metadata = (get_parent() or {}).get("metadata") or {}
    return bool(metadata.get("cellId"))


def _defaults(draw: Callable[..., Any], controls: dict[str, Any]) -> dict[str, Any]:
    """``draw``'s default for every control, checked against the controls given."""
    if not callable(draw):
        raise TypeError(
            f"Received an invalid value for `draw`, expected a function that draws a figure. "
            f"Received: draw={draw!r}"
        )
    if not controls:
        raise ValueError(
            "Received no controls, expected at least one keyword naming a parameter of `draw` "
            "(e.g. learning_rate=(0.01, 1.0)). Received: controls={}"
        )
    parameters = inspect.signature(draw).parameters
    defaults = {}
    for name, control in controls.items():
        parameter = parameters.get(name)
        if parameter is None or parameter.kind not in (
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            inspect.Parameter.KEYWORD_ONLY,
        ):
            raise ValueError(
                f"Received an invalid control `{name}`, expected a keyword parameter of "
                f"`draw` ({', '.join(parameters) or 'none'}). Received: {name}={control!r}"
            )
        if parameter.default is inspect.Parameter.empty:
            raise ValueError(
                f"Received a control `{name}` without a default, expected `draw` to give it "
                f"one (the static figure is drawn at the defaults). Received: "
                f"draw{inspect.signature(draw)}"
            )
        start = getattr(control, "value", parameter.default)
        if start != parameter.default:
            raise ValueError(
                f"Received a widget for `{name}` that starts elsewhere than `draw`'s default, "
                f"expected value={parameter.default!r} (live and static must start at the same "
                f"figure). Received: value={start!r}"
            )
        defaults[name] = parameter.default
    return defaults


def _show(figure: object) -> None:
    plt.show()
    if isinstance(figure, plt.Figure):
        plt.close(figure)


def knob(draw: Callable[..., Any], *, live: bool | None = None, **controls: Any) -> Any:
    """Show ``draw``'s figure with controls in a live frontend, or at its defaults elsewhere.

    ``draw(**values)`` draws one figure (returning it or leaving it current); every control names
    one of its keyword parameters, which must have a default. A control is anything
    ``ipywidgets.interact`` accepts: ``(min, max)`` or ``(min, max, step)`` for a slider, a list
    of choices, or a widget (which must start at ``draw``'s default, e.g.
    ``SelectionSlider(options=[0.01, 0.1, 1.0], value=0.1)``; a ``FloatLogSlider`` is rounded
    to its step by the frontend, so 0.05 with ``step=0.1`` starts at 0.0501 there). ``live`` forces the mode (default: detected by
    :func:`live_frontend`).

    Returns None (so that a trailing ``knob(...)`` displays nothing twice); :func:`build_knob`
    returns the panel without displaying it.
    """
    if live is not None and not isinstance(live, bool):
        raise TypeError(
            f"Received an invalid value for `live`, expected True, False or None (detect). "
            f"Received: live={live!r}"
        )
    defaults = _defaults(draw, controls)
    if live is None:
        live = live_frontend()
    if not live:
        _show(draw(**defaults))
        shown = ", ".join(f"{name}={value!r}" for name, value in defaults.items())
        print(
            f"Figure at the defaults ({shown}). In JupyterLab this cell shows controls for "
            f"{', '.join(defaults)} instead."
        )
        return None

    from IPython.display import display

    display(build_knob(draw, **controls))
    return None


def build_knob(draw: Callable[..., Any], **controls: Any) -> Any:
    """The ``ipywidgets.interactive`` panel that :func:`knob` displays in a live frontend.

    Same arguments as :func:`knob`; nothing is displayed. The panel's controls start at ``draw``'s
    defaults, and moving one redraws the figure in the panel's output area.
    """
    _defaults(draw, controls)
    import ipywidgets

    @functools.wraps(draw)  # interactive reads draw's signature (and defaults) through it
    def redraw(**values: Any) -> None:
        _show(draw(**values))

    panel = ipywidgets.interactive(redraw, **controls)
    given = [id(control) for control in controls.values()]
    for control in panel.kwargs_widgets:
        if id(control) in given:
            continue  # a widget the chapter built: left as it was made
        control.style.description_width = "initial"  # the whole name, not "learning_r..."
        if hasattr(control, "continuous_update"):
            control.continuous_update = False  # redraw when the slider is let go
    return panel
