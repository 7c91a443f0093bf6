"""Chapter 4's helpers: metrics, baselines and data preparation for the applications.

Every network in chapter 4 is compared with a simple baseline, so the learner sees what the
network adds:

| application | baseline here | metric |
|---|---|---|
| digits, breast cancer | :func:`fit_logistic_regression` (scikit-learn, imported lazily), :class:`KNearestNeighbors` | accuracy |
| CO2 forecasting | :func:`naive_forecast`, :func:`seasonal_naive_forecast` (and a linear autoregression, in the chapter) | mean absolute error |
| next-character model | :class:`BigramModel` (counts of character pairs), :class:`NgramModel` (interpolated counts of longer contexts) | cross-entropy |

:func:`cross_correlate2d` is what a convolutional layer computes for one image and one filter.

NumPy only at import time; nothing here imports TensorFlow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "accuracy",
    "confusion_matrix",
    "mean_absolute_error",
    "root_mean_squared_error",
    "cross_entropy",
    "fit_logistic_regression",
    "KNearestNeighbors",
    "cross_correlate2d",
    "make_windows",
    "naive_forecast",
    "seasonal_naive_forecast",
    "BOUNDARY",
    "build_vocabulary",
    "encode_contexts",
    "one_hot_contexts",
    "BigramModel",
    "NgramModel",
    "generate_words",
    "format_results_table",
]


def _check_positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(
            f"Received an invalid value for `{name}`, expected a positive integer. "
            f"Received: {name}={value!r}"
        )
    return int(value)


def _check_same_length(y_true: np.ndarray, y_pred: np.ndarray) -> None:
    if y_true.shape[0] != y_pred.shape[0]:
        raise ValueError(
            "Received arrays of different lengths, expected `y_true` and `y_pred` to have the "
            f"same number of samples. Received: {y_true.shape[0]} and {y_pred.shape[0]}"
        )


# --- metrics -------------------------------------------------------------------------------


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction of samples whose predicted label equals the true label.

    Args:
        y_true: shape (n,), integer labels.
        y_pred: shape (n,), integer labels (not probabilities: take ``argmax`` or threshold).
    """
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    _check_same_length(y_true, y_pred)
    return float(np.mean(y_true == y_pred))


def confusion_matrix(
    y_true: np.ndarray, y_pred: np.ndarray, n_classes: int | None = None
) -> np.ndarray:
    """Counts ``C[i, j]`` = number of samples of true class ``i`` predicted as class ``j``.

    Args:
        y_true, y_pred: shape (n,), integer labels in ``0 .. n_classes - 1``.
        n_classes: number of classes; by default ``max(label) + 1``.

    Returns:
        shape (n_classes, n_classes), int64; the diagonal holds the correct predictions.
    """
    y_true = np.asarray(y_true, dtype=np.int64).ravel()
    y_pred = np.asarray(y_pred, dtype=np.int64).ravel()
    _check_same_length(y_true, y_pred)
    if n_classes is None:
        n_classes = int(max(y_true.max(initial=0), y_pred.max(initial=0))) + 1
    n_classes = _check_positive_int("n_classes", n_classes)
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def mean_absolute_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """``mean(|y_true - y_pred|)``, in the units of the data."""
    y_true = np.asarray(y_true, dtype=np.float64).ravel()
    y_pred = np.asarray(y_pred, dtype=np.float64).ravel()
    _check_same_length(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred)))


def root_mean_squared_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """``sqrt(mean((y_true - y_pred)**2))``, in the units of the data."""
    y_true = np.asarray(y_true, dtype=np.float64).ravel()
    y_pred = np.asarray(y_pred, dtype=np.float64).ravel()
    _check_same_length(y_true, y_pred)
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))


def cross_entropy(probabilities: np.ndarray, y_true: np.ndarray, eps: float = 1e-12) -> float:
    """Mean negative log-likelihood ``-mean(log p[i, y_i])`` in nats.

    The same number as Keras's ``sparse_categorical_crossentropy`` on probabilities.

    Args:
        probabilities: shape (n, n_classes), rows summing to 1.
        y_true: shape (n,), integer labels.
        eps: probabilities are clipped to ``[eps, 1]`` so that ``log`` stays finite.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    y_true = np.asarray(y_true, dtype=np.int64).ravel()
    if probabilities.ndim != 2:
        raise ValueError(
            "Received an invalid value for `probabilities`, expected shape (n, n_classes). "
            f"Received: probabilities.shape={probabilities.shape}"
        )
    _check_same_length(y_true, probabilities)
    picked = probabilities[np.arange(len(y_true)), y_true]  # (n,)
    return float(-np.mean(np.log(np.clip(picked, eps, 1.0))))


# --- classification baseline ---------------------------------------------------------------


def fit_logistic_regression(
    X_train: np.ndarray, y_train: np.ndarray, C: float = 1.0, max_iter: int = 5000
) -> Any:
    """Fit scikit-learn's ``LogisticRegression`` (L2 penalty, lbfgs): the linear baseline.

    Logistic regression is a network without hidden layers: one ``Dense`` layer with a sigmoid
    (two classes) or softmax (more) output. Whatever a hidden layer adds shows up as the gap
    between this baseline and the network. ``C`` is the inverse regularisation strength; choose
    it on the validation set, never on the test set.

    Returns:
        the fitted estimator (``predict``, ``predict_proba``, ``score``).
    """
    from course_lib.datasets import import_optional

    linear_model = import_optional(
        "sklearn.linear_model", "scikit-learn", "fit_logistic_regression()"
    )
    if isinstance(C, bool) or not isinstance(C, (int, float)) or C <= 0:
        raise ValueError(
            f"Received an invalid value for `C`, expected a positive number. Received: C={C!r}"
        )
    model = linear_model.LogisticRegression(C=C, max_iter=_check_positive_int("max_iter", max_iter))
    return model.fit(np.asarray(X_train, dtype=np.float64), np.asarray(y_train).ravel())


class KNearestNeighbors:
    """Classify by a majority vote of the ``k`` nearest training samples (Euclidean distance).

    No training at all: ``fit`` stores the data, ``predict`` measures the squared distance
    ``|a - b|^2 = |a|^2 + |b|^2 - 2 a.b`` from every query to every training sample and lets the
    ``k`` closest vote; a tie between labels goes to the smallest label (as scikit-learn's
    ``KNeighborsClassifier``). A strong baseline wherever similar inputs have similar labels.
    """

    def __init__(self, k: int = 1) -> None:
        self.k = _check_positive_int("k", k)
        self.X_train: np.ndarray | None = None
        self.y_train: np.ndarray | None = None

    def fit(self, X: np.ndarray, y: np.ndarray) -> KNearestNeighbors:
        """Store the training samples. X: shape (n, d); y: shape (n,), integer labels >= 0."""
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.int64).ravel()
        if X.ndim != 2:
            raise ValueError(
                "Received an invalid value for `X`, expected shape (n_samples, n_features). "
                f"Received: X.shape={X.shape}"
            )
        _check_same_length(y, X)
        if len(y) < self.k:
            raise ValueError(
                f"Received too few training samples, expected at least k={self.k}. "
                f"Received: {len(y)} samples"
            )
        self.X_train, self.y_train = X, y
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Labels of shape (m,) for queries X of shape (m, d)."""
        if self.X_train is None or self.y_train is None:
            raise RuntimeError("This KNearestNeighbors is not fitted yet: call fit(X, y) first.")
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.X_train.shape[1]:
            raise ValueError(
                f"Received an invalid value for `X`, expected shape (m, {self.X_train.shape[1]}). "
                f"Received: X.shape={X.shape}"
            )
        squared = (
            (X**2).sum(axis=1)[:, None]
            + (self.X_train**2).sum(axis=1)[None, :]
            - 2.0 * X @ self.X_train.T
        )  # (m, n)
        nearest = np.argsort(squared, axis=1, kind="stable")[:, : self.k]  # (m, k)
        votes = self.y_train[nearest]  # (m, k)
        n_classes = int(self.y_train.max()) + 1
        counts = np.zeros((len(X), n_classes), dtype=np.int64)
        np.add.at(counts, (np.arange(len(X))[:, None], votes), 1)
        return counts.argmax(axis=1)  # ties: the smallest label


def cross_correlate2d(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Slide ``kernel`` over ``image`` and take the weighted sum at each position ("valid").

    ``out[i, j] = sum_{a, b} image[i + a, j + b] * kernel[a, b]``: what a ``Conv2D`` filter
    computes on one channel (deep-learning "convolutions" do not flip the kernel).

    Args:
        image: shape (H, W).
        kernel: shape (kh, kw), at most the image's size.

    Returns:
        shape (H - kh + 1, W - kw + 1).
    """
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(
            "Received an invalid value for `image` or `kernel`, expected 2-D arrays. "
            f"Received: image.shape={image.shape}, kernel.shape={kernel.shape}"
        )
    kh, kw = kernel.shape
    if kh > image.shape[0] or kw > image.shape[1]:
        raise ValueError(
            f"Received a kernel larger than the image, expected kernel.shape <= {image.shape}. "
            f"Received: kernel.shape={kernel.shape}"
        )
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return out


# --- time series ---------------------------------------------------------------------------


def make_windows(
    values: np.ndarray, window: int, horizon: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut a series into (past window, future value) pairs for supervised learning.

    ``X[i] = values[i : i + window]`` and ``y[i] = values[t_i]`` with
    ``t_i = i + window + horizon - 1``: the value ``horizon`` steps after the window's last one.

    >>> X, y, t = make_windows(np.arange(6.0), window=3)
    >>> X.tolist(), y.tolist(), t.tolist()
    ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], [3.0, 4.0, 5.0], [3, 4, 5])

    Returns:
        ``X`` shape (n, window), ``y`` shape (n,), ``target_index`` shape (n,) (int64, the
        position of each target in ``values``), with ``n = len(values) - window - horizon + 1``.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(
            "Received an invalid value for `values`, expected a 1-D series. "
            f"Received: values.shape={values.shape}"
        )
    window = _check_positive_int("window", window)
    horizon = _check_positive_int("horizon", horizon)
    n = len(values) - window - horizon + 1
    if n < 1:
        raise ValueError(
            f"Received a series too short for the window, expected len(values) >= window + "
            f"horizon = {window + horizon}. Received: len(values)={len(values)}"
        )
    starts = np.arange(n)
    X = values[starts[:, None] + np.arange(window)[None, :]]  # (n, window)
    target_index = starts + window + horizon - 1  # (n,)
    return X, values[target_index], target_index.astype(np.int64)


def _check_target_index(values: np.ndarray, target_index: np.ndarray, lag: int) -> np.ndarray:
    target_index = np.asarray(target_index, dtype=np.int64)
    if target_index.size and (target_index.min() < lag or target_index.max() >= len(values)):
        raise ValueError(
            f"Received an invalid value for `target_index`, expected positions in "
            f"[{lag}, {len(values) - 1}] so that the value {lag} steps earlier exists. "
            f"Received: min={target_index.min()}, max={target_index.max()}"
        )
    return target_index


def naive_forecast(values: np.ndarray, target_index: np.ndarray, horizon: int = 1) -> np.ndarray:
    """The "nothing changes" forecast: ``values[t - horizon]``, the last value seen.

    Args:
        values: shape (n,), the whole series.
        target_index: shape (m,), the positions to forecast.
    """
    values = np.asarray(values, dtype=np.float64)
    horizon = _check_positive_int("horizon", horizon)
    return values[_check_target_index(values, target_index, horizon) - horizon]


def seasonal_naive_forecast(
    values: np.ndarray, target_index: np.ndarray, period: int, horizon: int = 1
) -> np.ndarray:
    """The "same as one season ago" forecast: ``values[t - k * period]``.

    ``k`` is the smallest number of whole seasons at least ``horizon`` steps back, so only values
    known at forecast time are used. For monthly data with a yearly cycle, ``period = 12``.
    """
    values = np.asarray(values, dtype=np.float64)
    period = _check_positive_int("period", period)
    horizon = _check_positive_int("horizon", horizon)
    lag = period * int(np.ceil(horizon / period))
    return values[_check_target_index(values, target_index, lag) - lag]


# --- text ----------------------------------------------------------------------------------

BOUNDARY = "."
"""Marks both the start (as padding of the context) and the end of a word; index 0."""


def build_vocabulary(alphabet: str) -> str:
    """``BOUNDARY`` followed by the sorted distinct characters of ``alphabet``.

    A character's index in the vocabulary is its class label: ``"."`` is 0, ``"a"`` is 1 ...
    """
    letters = sorted(set(alphabet) - {BOUNDARY})
    if not letters:
        raise ValueError(
            "Received an invalid value for `alphabet`, expected at least one character other "
            f"than {BOUNDARY!r}. Received: alphabet={alphabet!r}"
        )
    return BOUNDARY + "".join(letters)


def encode_contexts(
    words: Sequence[str], vocabulary: str, block_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Turn words into (previous ``block_size`` characters -> next character) examples.

    Each word gives ``len(word) + 1`` examples: every letter, then the end marker. Contexts at
    the start of a word are padded with ``BOUNDARY``. For ``"ab"`` and ``block_size=2``::

        ..  -> a        .a -> b        ab -> .

    Returns:
        ``X`` shape (n, block_size), int64 character indices; ``y`` shape (n,), int64.
    """
    block_size = _check_positive_int("block_size", block_size)
    index = {char: i for i, char in enumerate(vocabulary)}
    contexts: list[list[int]] = []
    targets: list[int] = []
    for word in words:
        context = [0] * block_size
        for char in word + BOUNDARY:
            if char not in index:
                raise ValueError(
                    f"Received a word with a character outside the vocabulary, expected only "
                    f"{vocabulary!r}. Received: word={word!r}"
                )
            contexts.append(context)
            targets.append(index[char])
            context = context[1:] + [index[char]]
    X = np.array(contexts, dtype=np.int64).reshape(-1, block_size)
    return X, np.array(targets, dtype=np.int64)


def one_hot_contexts(X: np.ndarray, vocab_size: int) -> np.ndarray:
    """One-hot encode each context character and concatenate: the input of a ``Dense`` network.

    Multiplying this by a weight matrix is the same as looking up one row per character (an
    embedding) and adding them up, so ``Dense`` on one-hot contexts is a small language model.

    Args:
        X: shape (n, block_size), integer character indices.

    Returns:
        shape (n, block_size * vocab_size), float32 of zeros and ones.
    """
    X = np.asarray(X, dtype=np.int64)
    vocab_size = _check_positive_int("vocab_size", vocab_size)
    if X.ndim != 2 or (X.size and (X.min() < 0 or X.max() >= vocab_size)):
        raise ValueError(
            f"Received an invalid value for `X`, expected shape (n, block_size) with indices in "
            f"[0, {vocab_size - 1}]. Received: X.shape={X.shape}"
        )
    n, block_size = X.shape
    out = np.zeros((n, block_size, vocab_size), dtype=np.float32)
    out[np.arange(n)[:, None], np.arange(block_size)[None, :], X] = 1.0
    return out.reshape(n, block_size * vocab_size)


class BigramModel:
    """Next-character probabilities from counts of character pairs (the text baseline).

    ``P(next = j | previous = i) = (count(i, j) + smoothing) / sum_k (count(i, k) + smoothing)``.
    It looks at one previous character only; a network that sees ``block_size`` characters
    should beat it. Add-``smoothing`` keeps unseen pairs from getting probability 0.
    """

    def __init__(self, vocab_size: int, smoothing: float = 1.0) -> None:
        self.vocab_size = _check_positive_int("vocab_size", vocab_size)
        if isinstance(smoothing, bool) or not isinstance(smoothing, (int, float)) or smoothing < 0:
            raise ValueError(
                "Received an invalid value for `smoothing`, expected a number >= 0. "
                f"Received: smoothing={smoothing!r}"
            )
        self.smoothing = float(smoothing)
        self.counts: np.ndarray | None = None
        self.probabilities: np.ndarray | None = None

    def fit(self, X: np.ndarray, y: np.ndarray) -> BigramModel:
        """Count pairs (last context character, next character).

        Args:
            X: shape (n, block_size), contexts from :func:`encode_contexts`.
            y: shape (n,), next characters.
        """
        previous = np.asarray(X, dtype=np.int64)[:, -1]
        counts = np.zeros((self.vocab_size, self.vocab_size), dtype=np.int64)
        np.add.at(counts, (previous, np.asarray(y, dtype=np.int64)), 1)
        smoothed = counts + self.smoothing
        self.counts = counts  # (V, V)
        self.probabilities = smoothed / smoothed.sum(axis=1, keepdims=True)  # (V, V)
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Next-character probabilities, shape (n, vocab_size), for contexts of shape (n, b)."""
        if self.probabilities is None:
            raise RuntimeError("This BigramModel is not fitted yet: call fit(X, y) first.")
        return self.probabilities[np.asarray(X, dtype=np.int64)[:, -1]]

    def evaluate(self, X: np.ndarray, y: np.ndarray) -> float:
        """Mean cross-entropy in nats per character (lower is better)."""
        return cross_entropy(self.predict(X), y)


class NgramModel:
    """Next-character probabilities from counts of the last ``order - 1`` characters, interpolated.

    The bigram model generalised to longer contexts. Long contexts are rare, so their counts are
    mixed with the next shorter context's probabilities (interpolation, in the style of
    Witten and Bell)::

        P_n(c | h) = w_h * count(h, c) / count(h) + (1 - w_h) * P_{n-1}(c | shorter h)
        w_h = count(h) / (count(h) + strength * distinct(h))

    where ``distinct(h)`` is the number of different characters seen after ``h``: a context seen
    often with few followers is trusted, a rare one leans on the shorter context. ``P_1`` is the
    add-one smoothed character frequency. Choose ``order`` and ``strength`` on validation data.
    """

    def __init__(self, vocab_size: int, order: int = 3, strength: float = 1.0) -> None:
        self.vocab_size = _check_positive_int("vocab_size", vocab_size)
        self.order = _check_positive_int("order", order)
        if isinstance(strength, bool) or not isinstance(strength, (int, float)) or strength <= 0:
            raise ValueError(
                "Received an invalid value for `strength`, expected a number > 0. "
                f"Received: strength={strength!r}"
            )
        self.strength = float(strength)
        self._tables: list[tuple[np.ndarray, np.ndarray]] | None = None

    def _keys(self, X: np.ndarray, length: int) -> np.ndarray:
        """The last ``length`` characters of each context as one integer, shape (n,)."""
        if length == 0:
            return np.zeros(len(X), dtype=np.int64)
        powers = self.vocab_size ** np.arange(length - 1, -1, -1, dtype=np.int64)
        return X[:, X.shape[1] - length :] @ powers

    def _check_contexts(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.int64)
        if X.ndim != 2 or X.shape[1] < self.order - 1:
            raise ValueError(
                f"Received an invalid value for `X`, expected shape (n, block_size) with "
                f"block_size >= order - 1 = {self.order - 1}. Received: X.shape={X.shape}"
            )
        return X

    def fit(self, X: np.ndarray, y: np.ndarray) -> NgramModel:
        """Count (context, next character) for every context length 0 .. order - 1.

        Args:
            X: shape (n, block_size), contexts from :func:`encode_contexts`.
            y: shape (n,), next characters.
        """
        X = self._check_contexts(X)
        y = np.asarray(y, dtype=np.int64).ravel()
        _check_same_length(y, X)
        self._tables = []
        for length in range(self.order):
            seen, rows = np.unique(self._keys(X, length), return_inverse=True)
            counts = np.zeros((len(seen), self.vocab_size))  # (distinct contexts, V)
            np.add.at(counts, (rows.ravel(), y), 1)
            self._tables.append((seen, counts))
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Next-character probabilities, shape (n, vocab_size), for contexts of shape (n, b)."""
        if self._tables is None:
            raise RuntimeError("This NgramModel is not fitted yet: call fit(X, y) first.")
        X = self._check_contexts(X)
        counts = self._tables[0][1][0]  # (V,), the characters' frequencies
        probabilities = np.tile((counts + 1.0) / (counts + 1.0).sum(), (len(X), 1))  # (n, V)
        for length in range(1, self.order):
            seen, table = self._tables[length]
            keys = self._keys(X, length)
            rows = np.minimum(np.searchsorted(seen, keys), len(seen) - 1)
            found = seen[rows] == keys  # contexts never seen in training: counts 0
            counts = np.where(found[:, None], table[rows], 0.0)  # (n, V)
            total = counts.sum(axis=1, keepdims=True)
            distinct = (counts > 0).sum(axis=1, keepdims=True)
            weight = total / np.maximum(total + self.strength * distinct, 1e-300)
            probabilities = weight * counts / np.maximum(total, 1.0) + (1 - weight) * probabilities
        return probabilities

    def evaluate(self, X: np.ndarray, y: np.ndarray) -> float:
        """Mean cross-entropy in nats per character (lower is better)."""
        return cross_entropy(self.predict(X), y)


def generate_words(
    predict_proba: Callable[[np.ndarray], np.ndarray],
    vocabulary: str,
    block_size: int,
    n_words: int = 10,
    seed: int = 0,
    max_length: int = 20,
) -> list[str]:
    """Sample new words one character at a time from a next-character model.

    All ``n_words`` words are generated together: at each step the model sees a batch of
    contexts (shape (n_words, block_size), int64) and returns probabilities of shape
    (n_words, len(vocabulary)); one character per word is drawn with its own seeded generator.
    A word ends at ``BOUNDARY`` or after ``max_length`` characters.

    Args:
        predict_proba: maps contexts to probabilities, e.g.
            ``lambda X: model.predict(one_hot_contexts(X, V), verbose=0)`` or
            ``BigramModel.predict``.
    """
    block_size = _check_positive_int("block_size", block_size)
    n_words = _check_positive_int("n_words", n_words)
    max_length = _check_positive_int("max_length", max_length)
    rng = np.random.default_rng(seed)
    contexts = np.zeros((n_words, block_size), dtype=np.int64)
    letters: list[list[str]] = [[] for _ in range(n_words)]
    finished = np.zeros(n_words, dtype=bool)
    for _ in range(max_length):
        probabilities = np.asarray(predict_proba(contexts), dtype=np.float64)  # (n_words, V)
        cumulative = np.cumsum(probabilities, axis=1)
        cumulative /= cumulative[:, -1:]
        draws = rng.random(n_words)[:, None]
        chosen = np.minimum((cumulative < draws).sum(axis=1), len(vocabulary) - 1)  # (n_words,)
        for i in np.flatnonzero(~finished):
            if chosen[i] == 0:
                finished[i] = True
            else:
                letters[i].append(vocabulary[chosen[i]])
        if finished.all():
            break
        contexts = np.concatenate([contexts[:, 1:], chosen[:, None]], axis=1)
    return ["".join(word) for word in letters]


# --- results -------------------------------------------------------------------------------


def format_results_table(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str] = ("application", "metric", "baseline", "NumPy engine", "Keras"),
    decimals: int = 3,
) -> str:
    """A plain-text table; floats rounded to ``decimals`` so the printout is stable.

    >>> print(format_results_table([("digits", "accuracy", 0.9612, 0.97, 0.98)]))
    application  metric    baseline  NumPy engine  Keras
    -----------  --------  --------  ------------  -----
    digits       accuracy     0.961         0.970  0.980
    """
    cells = [
        [f"{value:.{decimals}f}" if isinstance(value, float) else str(value) for value in row]
        for row in rows
    ]
    for row in cells:
        if len(row) != len(headers):
            raise ValueError(
                f"Received a row of the wrong length, expected {len(headers)} cells like "
                f"{tuple(headers)}. Received: {row}"
            )
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    numeric = [all(isinstance(row[i], float) for row in rows) for i in range(len(headers))]

    def line(items: Sequence[str]) -> str:
        parts = [
            item.rjust(w) if is_num else item.ljust(w)
            for item, w, is_num in zip(items, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    header = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([header, rule, *(line(r) for r in cells)])
