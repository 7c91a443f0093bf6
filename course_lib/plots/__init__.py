"""The course's pictures. Every function returns a matplotlib Figure; end the cell with
``plt.show()``.

The module ``course_lib.plots.applications`` holds chapter 4's plots.
"""

from course_lib.plots.activations import plot_activations
from course_lib.plots.boundaries import (
    plot_decision_boundaries,
    plot_decision_boundary,
    predict_proba_fn,
)
from course_lib.plots.diagnostics import plot_layer_histograms  # noqa: F401 (chapter 3)
from course_lib.plots.gradients import plot_gradient_norms
from course_lib.plots.graph import plot_graph  # noqa: F401 (chapter 2)
from course_lib.plots.network import layer_sizes, plot_network
from course_lib.plots.optimization import plot_loss_surface
from course_lib.plots.perceptron import plot_half_planes, plot_neuron, plot_perceptron_updates  # noqa: F401 (chapter 1)
from course_lib.plots.style import apply_course_style
from course_lib.plots.training import history_dict, plot_history

apply_course_style()  # opaque white figures (dark-mode safe), for every chapter

__all__ = [
    "history_dict",
    "layer_sizes",
    "plot_activations",
    "plot_decision_boundaries",
    "plot_decision_boundary",
    "plot_gradient_norms",
    "plot_history",
    "plot_loss_surface",
    "plot_network",
    "predict_proba_fn",
]
