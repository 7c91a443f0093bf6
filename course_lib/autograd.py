"""A scalar automatic-differentiation engine you can read in one screen (after micrograd).

Every :class:`Value` remembers the values it was computed from (``children``), the operation
(``op``) and how to pass a gradient back to them (``_backward``, the chain rule for that one
operation). :meth:`Value.backward` visits the graph from the output back to the inputs, so that
afterwards each node's ``grad`` is d(output)/d(node)::

    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    loss = (a * b + a).tanh()
    loss.backward()
    a.grad, b.grad          # d loss / d a, d loss / d b

Pure Python, no NumPy needed: slow, and meant to be read. ``course_lib.nn`` does the same with
whole arrays at a time.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["Value", "trace"]


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"Received an invalid value for `{name}`, expected a real number. "
            f"Received: {name}={value!r} of type {type(value).__name__}"
        )
    return float(value)


class Value:
    """A scalar in a computational graph, with the gradient of the graph's output in ``grad``."""

    def __init__(self, data: float, children: tuple = (), op: str = "", label: str = ""):
        self.data = _number("data", data)
        self.grad = 0.0  # d(output)/d(self), filled in by output.backward()
        self.children = tuple(children)
        self.op = op
        self.label = label
        self._backward = lambda: None  # adds this node's grad into its children's grads

    def __repr__(self) -> str:
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.4g}, grad={self.grad:.4g})"

    @staticmethod
    def _lift(other: Value | float) -> Value:
        return other if isinstance(other, Value) else Value(_number("other", other))

    def __add__(self, other: Value | float) -> Value:
        other = self._lift(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():  # d(a + b)/da = 1, d(a + b)/db = 1
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        other = self._lift(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():  # d(a b)/da = b, d(a b)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent: float) -> Value:
        k = _number("exponent", exponent)
        out = Value(self.data**k, (self,), f"**{exponent:g}")

        def _backward():  # d(a^k)/da = k a^(k-1)
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def _unary(self, data: float, local: float, op: str) -> Value:
        """A function of one input: ``local`` is its derivative at ``self.data``."""
        out = Value(data, (self,), op)

        def _backward():
            self.grad += local * out.grad

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return self._unary(t, 1.0 - t * t, "tanh")  # tanh' = 1 - tanh^2

    def sigmoid(self) -> Value:
        z = self.data  # the stable form for either sign of z
        s = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
        return self._unary(s, s * (1.0 - s), "sigmoid")  # sigma' = sigma (1 - sigma)

    def relu(self) -> Value:
        return self._unary(max(self.data, 0.0), float(self.data > 0), "relu")

    def exp(self) -> Value:
        e = math.exp(self.data)
        return self._unary(e, e, "exp")

    def log(self) -> Value:
        if self.data <= 0:
            raise ValueError(
                f"Received an invalid value for `log`, expected a positive number. "
                f"Received: data={self.data!r}"
            )
        return self._unary(math.log(self.data), 1.0 / self.data, "log")

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:
        return self + (-self._lift(other))

    def __truediv__(self, other: Value | float) -> Value:
        return self * self._lift(other) ** -1

    def __radd__(self, other: float) -> Value:
        return self + other

    def __rmul__(self, other: float) -> Value:
        return self * other

    def __rsub__(self, other: float) -> Value:
        return self._lift(other) - self

    def __rtruediv__(self, other: float) -> Value:
        return self._lift(other) / self

    def backward(self) -> None:
        """Set every node's ``grad`` to d(self)/d(node): the chain rule, output to inputs.

        Grads are reset first, so calling it twice gives the same answer. A node used twice
        (``a * a``) receives the sum of both paths' contributions.
        """
        order = trace(self)[0]
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):  # every node after all the nodes that use it
            node._backward()


def trace(root: Value) -> tuple[list[Value], list[tuple[Value, Value]]]:
    """The graph under ``root``: its nodes in topological order (inputs first, ``root`` last)
    and its edges ``(child, parent)``, one for each use of a child."""
    if not isinstance(root, Value):
        raise TypeError(
            f"Received an invalid value for `root`, expected a Value. Received: root={root!r}"
        )
    order: list[Value] = []
    edges: list[tuple[Value, Value]] = []
    seen: set[int] = set()
    stack = [(root, False)]  # iterative depth-first search: deep graphs need no recursion limit
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for child in node.children:
            edges.append((child, node))
            if id(child) not in seen:
                stack.append((child, False))
    return order, edges
