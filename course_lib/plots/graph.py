"""The computational graph of a :class:`course_lib.autograd.Value`, drawn with matplotlib alone."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

from course_lib.autograd import Value, trace

__all__ = ["plot_graph"]

_LEAF, _INNER, _ROOT, _OP = "#cfe3f5", "#eeeeee", "#fde0b2", "#ffffff"


def _levels(order: list[Value], edges: list[tuple[Value, Value]]) -> dict[int, int]:
    """Column of every node: one right of its deepest input; an input just left of its first use."""
    level: dict[int, int] = {}
    for node in order:  # topological: children first
        level[id(node)] = 1 + max((level[id(c)] for c in node.children), default=-1)
    users: dict[int, list[int]] = {}
    for child, parent in edges:
        users.setdefault(id(child), []).append(level[id(parent)])
    for node in order:
        if not node.children and id(node) in users:
            level[id(node)] = min(users[id(node)]) - 1
    return level


def plot_graph(root: Value, *, title: str = "", max_nodes: int = 60, ax=None):
    """Draw the graph that computed ``root``, inputs on the left, ``root`` on the right.

    Each value is a box showing its label (if any), its ``data`` and its ``grad`` (call
    ``root.backward()`` first to see gradients); each operation is a circle feeding the box of
    its result. Inputs are blue, the output orange.

    Returns:
        The matplotlib Figure.
    """
    order, edges = trace(root)
    if len(order) > max_nodes:
        raise ValueError(
            f"Received a graph too large to draw, expected at most max_nodes={max_nodes} values. "
            f"Received: {len(order)} values"
        )
    level = _levels(order, edges)
    depth = max(level.values())
    columns: dict[int, list[Value]] = {}
    for node in order:
        columns.setdefault(level[id(node)], []).append(node)
    y: dict[int, float] = {}
    for lv in range(depth + 1):
        nodes = columns.get(lv, [])
        if lv > 0:  # place each node near the mean height of its inputs: fewer crossings
            nodes.sort(key=lambda n: sum(y[id(c)] for c in n.children) / max(len(n.children), 1))
        for i, node in enumerate(nodes):
            y[id(node)] = i - (len(nodes) - 1) / 2
    x = {id(n): 2.6 * level[id(n)] for n in order}
    tallest = max(len(c) for c in columns.values())
    if ax is None:
        fig, ax = plt.subplots(figsize=(min(2.3 * (depth + 1) + 1, 14), 1.0 + 1.05 * tallest))
    else:
        fig = ax.figure
    box_w, box_h, op_dx = 1.5, 0.78, 1.05
    for child, parent in edges:  # child box -> parent's operation circle
        ax.annotate(
            "",
            xy=(x[id(parent)] - op_dx - 0.18, y[id(parent)]),
            xytext=(x[id(child)] + box_w / 2, y[id(child)]),
            arrowprops=dict(arrowstyle="->", color="#555555", lw=1.0, shrinkA=0, shrinkB=0),
        )
    for node in order:
        cx, cy = x[id(node)], y[id(node)]
        color = _ROOT if node is root else (_LEAF if not node.children else _INNER)
        ax.add_patch(
            FancyBboxPatch(
                (cx - box_w / 2, cy - box_h / 2), box_w, box_h,
                boxstyle="round,pad=0.02,rounding_size=0.08", fc=color, ec="#333333", lw=1.0,
            )
        )  # fmt: skip
        name = f"{node.label}\n" if node.label else ""
        ax.text(cx, cy, f"{name}data {node.data:.3g}\ngrad {node.grad:.3g}", ha="center",
                va="center", fontsize=8.5, family="monospace")  # fmt: skip
        if node.op:
            ax.add_patch(plt.Circle((cx - op_dx, cy), 0.18, fc=_OP, ec="#333333", lw=1.0))
            ax.text(cx - op_dx, cy, node.op, ha="center", va="center", fontsize=8.5)
            ax.annotate(
                "",
                xy=(cx - box_w / 2, cy),
                xytext=(cx - op_dx + 0.18, cy),
                arrowprops=dict(arrowstyle="->", color="#555555", lw=1.0),
            )
    ax.set_xlim(-box_w / 2 - 0.2, 2.6 * depth + box_w / 2 + 0.2)
    ax.set_ylim(-tallest / 2 - 0.1, tallest / 2 + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title or "Computational graph: inputs (blue) to output (orange)", fontsize=10)
    fig.tight_layout()
    return fig
