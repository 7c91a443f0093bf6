"""The perceptron (Rosenblatt, 1958) and its learning rule, in NumPy.

A perceptron is one neuron with a step activation: it predicts class 1 where
``w . x + b > 0`` and class 0 elsewhere, so its decision boundary is the straight line (a
hyperplane in more dimensions) ``w . x + b = 0``. Its learning rule visits the examples one at a
time and, on each mistake, moves the line towards the misclassified example::

    t = +1 for class 1, -1 for class 0
    if t * (w . x + b) <= 0:          # wrong side of the line (or on it)
        w += learning_rate * t * x
        b += learning_rate * t

That update is a step of stochastic gradient descent on the *perceptron loss*
``max(0, -t (w . x + b))``. When a line with margin ``gamma`` separates the classes, the rule stops
making mistakes after at most ``(R / gamma) ** 2`` updates (Novikoff, 1962), where ``R`` bounds the
length of the examples with a 1 appended for the bias: :func:`novikoff_bound`. On data that no
line separates (XOR) it never stops.

    >>> X, y, _, _ = make_separable_2d(n_samples=50, margin=0.3, seed=0)
    >>> p = Perceptron(max_epochs=100).fit(X, y)
    >>> p.converged, p.mistakes[-1]
    (True, 0)
"""

from __future__ import annotations

import numpy as np

__all__ = ["Perceptron", "make_separable_2d", "novikoff_bound", "perceptron_loss"]


def _check_xy(X, y) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(
            "Received an invalid value for `X`, expected a non-empty array of shape "
            f"(n_samples, n_features). Received: X.shape={X.shape}"
        )
    y = np.asarray(y)
    if y.shape != (len(X),):
        raise ValueError(
            f"Received an invalid value for `y`, expected one label per row of X, shape "
            f"({len(X)},). Received: y.shape={y.shape}"
        )
    labels = set(np.unique(y).tolist())
    if not labels <= {0, 1}:
        raise ValueError(
            "Received an invalid value for `y`, expected labels 0 and 1. "
            f"Received: labels {sorted(labels)}"
        )
    return X, y.astype(float)


def perceptron_loss(w: np.ndarray, b: float, x: np.ndarray, label: float) -> float:
    """``max(0, -t (w . x + b))`` for one example, with ``t = 2 * label - 1`` in {-1, +1}.

    Its gradient with respect to ``(w, b)`` is ``-t (x, 1)`` where the example is on the wrong
    side and zero where it is on the right side: the perceptron update is ``-learning_rate``
    times that gradient.
    """
    t = 2.0 * float(label) - 1.0
    return max(0.0, -t * (float(np.dot(w, x)) + float(b)))


class Perceptron:
    """One neuron with a step activation, trained by the perceptron rule.

    Args:
        learning_rate: step of each update, > 0. With weights starting at zero it only scales
            ``w`` and ``b``, never the line they draw or the number of updates.
        max_epochs: passes over the data before giving up, >= 1.
        shuffle_seed: ``None`` visits the examples in their order every epoch; an integer
            shuffles them each epoch with that seed.

    After :meth:`fit`:
        weights: shape (n_features,); bias: a float.
        history: shape (n_updates + 1, n_features + 1), the ``(w, b)`` at the start and after
            every update, for drawing the line as it moves.
        mistakes: the number of mistakes (updates) in each epoch.
        converged: whether an epoch went by without a mistake.
    """

    def __init__(
        self, learning_rate: float = 1.0, max_epochs: int = 100, shuffle_seed: int | None = None
    ) -> None:
        if (
            isinstance(learning_rate, bool)
            or not isinstance(learning_rate, (int, float))
            or not (learning_rate > 0)
        ):
            raise ValueError(
                "Received an invalid value for `learning_rate`, expected a positive number. "
                f"Received: learning_rate={learning_rate!r}"
            )
        if isinstance(max_epochs, bool) or not isinstance(max_epochs, int) or max_epochs < 1:
            raise ValueError(
                "Received an invalid value for `max_epochs`, expected an integer >= 1. "
                f"Received: max_epochs={max_epochs!r}"
            )
        if shuffle_seed is not None and (
            isinstance(shuffle_seed, bool) or not isinstance(shuffle_seed, int)
        ):
            raise TypeError(
                "Received an invalid value for `shuffle_seed`, expected None or an integer. "
                f"Received: shuffle_seed={shuffle_seed!r}"
            )
        self.learning_rate = float(learning_rate)
        self.max_epochs = max_epochs
        self.shuffle_seed = shuffle_seed
        self.weights: np.ndarray | None = None
        self.bias = 0.0
        self.history = np.zeros((0, 0))
        self.mistakes: list[int] = []
        self.converged = False

    @property
    def n_updates(self) -> int:
        """How many times the rule changed the weights."""
        return int(sum(self.mistakes))

    def fit(self, X, y) -> Perceptron:
        """Run the rule from ``w = 0, b = 0``; X (n, d), y (n,) of 0/1 labels. Returns self."""
        X, y = _check_xy(X, y)
        t = 2.0 * y - 1.0  # (n,), labels as -1 / +1
        w = np.zeros(X.shape[1])
        b = 0.0
        history = [np.append(w, b)]
        self.mistakes = []
        self.converged = False
        rng = None if self.shuffle_seed is None else np.random.default_rng(self.shuffle_seed)
        for _ in range(self.max_epochs):
            order = np.arange(len(X)) if rng is None else rng.permutation(len(X))
            mistakes = 0
            for i in order:
                if t[i] * (X[i] @ w + b) <= 0:  # wrong side, or on the line
                    w = w + self.learning_rate * t[i] * X[i]
                    b = b + self.learning_rate * t[i]
                    history.append(np.append(w, b))
                    mistakes += 1
            self.mistakes.append(mistakes)
            if mistakes == 0:
                self.converged = True
                break
        self.weights, self.bias = w, float(b)
        self.history = np.array(history)  # (n_updates + 1, d + 1)
        return self

    def decision_function(self, X) -> np.ndarray:
        """``X @ w + b``, shape (n,): positive on class 1's side of the line."""
        if self.weights is None:
            raise ValueError("This Perceptron is not fitted yet: call `fit(X, y)` first.")
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != len(self.weights):
            raise ValueError(
                f"Received an invalid value for `X`, expected shape (n_samples, "
                f"{len(self.weights)}). Received: X.shape={X.shape}"
            )
        return X @ self.weights + self.bias

    def predict(self, X) -> np.ndarray:
        """The step activation: 1 where ``X @ w + b > 0``, else 0; shape (n,)."""
        return (self.decision_function(X) > 0).astype(int)

    def score(self, X, y) -> float:
        """Accuracy on (X, y)."""
        X, y = _check_xy(X, y)
        return float(np.mean(self.predict(X) == y))


def novikoff_bound(X, y, w, b) -> float:
    """``(R / gamma) ** 2``: the most updates the perceptron rule can make on separable data.

    ``R`` is the largest length of ``(x, 1)`` over the examples and ``gamma`` the margin of the
    separating line ``(w, b)``: the smallest ``t (w . x + b) / |(w, b)|``. Raises when ``(w, b)``
    does not separate the data (``gamma <= 0``).
    """
    X, y = _check_xy(X, y)
    w = np.asarray(w, dtype=float).reshape(-1)
    if w.shape != (X.shape[1],):
        raise ValueError(
            f"Received an invalid value for `w`, expected shape ({X.shape[1]},). "
            f"Received: w.shape={w.shape}"
        )
    t = 2.0 * y - 1.0
    norm = float(np.sqrt(w @ w + float(b) ** 2))
    gamma = float(np.min(t * (X @ w + b))) / norm if norm > 0 else 0.0
    if gamma <= 0:
        raise ValueError(
            "Received an invalid line, expected (w, b) that separates the classes with a positive "
            f"margin. Received: margin={gamma:.4g}"
        )
    radius = float(np.sqrt(np.max(np.sum(X**2, axis=1) + 1.0)))
    return (radius / gamma) ** 2


def make_separable_2d(
    n_samples: int = 100, margin: float = 0.3, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Two classes in the plane that a straight line separates, with a gap of ``2 * margin``.

    Points are drawn uniformly in the square [-2, 2] x [-2, 2]; a random line through a point near
    the centre labels them, and points closer than ``margin`` to it are drawn again. Returns
    ``X`` (n_samples, 2), ``y`` (n_samples,) of 0/1 labels (both present), and the line
    ``(w, b)``, ``w`` of length 1: every point has ``t (w . x + b) >= margin``.
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 2:
        raise ValueError(
            "Received an invalid value for `n_samples`, expected an integer >= 2. "
            f"Received: n_samples={n_samples!r}"
        )
    if isinstance(margin, bool) or not isinstance(margin, (int, float)) or not (0 < margin < 1):
        raise ValueError(
            "Received an invalid value for `margin`, expected a number in (0, 1). "
            f"Received: margin={margin!r}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(
            "Received an invalid value for `seed`, expected a non-negative integer. "
            f"Received: seed={seed!r}"
        )
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0.0, 2.0 * np.pi)
    w = np.array([np.cos(angle), np.sin(angle)])  # unit normal of the line
    b = float(rng.uniform(-0.5, 0.5))
    points = []
    while sum(len(p) for p in points) < n_samples:
        candidates = rng.uniform(-2.0, 2.0, size=(4 * n_samples, 2))
        points.append(candidates[np.abs(candidates @ w + b) >= margin])
    X = np.concatenate(points)[:n_samples]
    y = (X @ w + b > 0).astype(int)
    if y.min() == y.max():  # one class only (tiny n): relabel the point nearest the line
        X[0] = -margin * 2 * w * np.sign(X[0] @ w + b) - b * w
        y = (X @ w + b > 0).astype(int)
    return X, y, w, b
