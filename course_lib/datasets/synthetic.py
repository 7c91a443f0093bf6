"""Generated datasets for chapters 1-3: nothing is downloaded, everything is seeded.

Two families:

* :func:`make_binary_classification` - a tabular binary task with ``n_features`` columns, the
  ``X``, ``y``, ``X_train``, ``y_train`` ... that the seed document's Keras code expects.
* :func:`make_nonlinear_2d` - two-dimensional sets (moons, circles, spirals, xor) that no straight
  line separates, for drawing decision boundaries.

Both return a :class:`Dataset` whose split is fixed by ``seed``: the same arguments give the same
arrays on every machine. Features are float32 (what Keras uses), labels float32 of shape (n,).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "Dataset",
    "NONLINEAR_KINDS",
    "make_binary_classification",
    "make_nonlinear_2d",
    "train_test_split",
    "standardize",
]

NONLINEAR_KINDS = ("moons", "circles", "spirals", "xor")


@dataclass(frozen=True)
class Dataset:
    """Features and labels, with a fixed train/test split.

    Attributes:
        X: all features, shape (n_samples, n_features), float32.
        y: all labels, shape (n_samples,), float32 with values 0.0 and 1.0.
        X_train, y_train: the first ``n_train`` samples of the shuffled order.
        X_test, y_test: the remaining samples.
        feature_names: one name per column.
        description: one line saying how the data was made.
    """

    X: np.ndarray
    y: np.ndarray
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...] = field(default=())
    description: str = ""

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])

    def __repr__(self) -> str:
        return (
            f"Dataset({self.description or 'unnamed'}: X_train {self.X_train.shape}, "
            f"X_test {self.X_test.shape}, positives {self.y.mean():.1%})"
        )


def _check_int(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(
            f"Received an invalid value for `{name}`, expected an integer >= {minimum}. "
            f"Received: {name}={value!r}"
        )
    return int(value)


def _check_fraction(name: str, value, allow_zero: bool = False) -> float:
    ok = isinstance(value, (int, float, np.floating)) and not isinstance(value, bool)
    low_ok = ok and (value >= 0 if allow_zero else value > 0)
    if not (low_ok and value < 1):
        interval = "[0, 1)" if allow_zero else "(0, 1)"
        raise ValueError(
            f"Received an invalid value for `{name}`, expected a number in {interval}. "
            f"Received: {name}={value!r}"
        )
    return float(value)


def train_test_split(
    X: np.ndarray, y: np.ndarray, test_size: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle with ``seed`` and split: returns ``X_train, X_test, y_train, y_test``.

    The test set has ``round(n * test_size)`` samples (at least one of each side).
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim < 1 or y.ndim < 1 or len(X) != len(y):
        raise ValueError(
            "Received an invalid value for `X`/`y`, expected arrays with the same number of "
            f"samples. Received: X.shape={X.shape}, y.shape={y.shape}"
        )
    test_size = _check_fraction("test_size", test_size)
    seed = _check_int("seed", seed, 0)
    n = len(X)
    n_test = int(round(n * test_size))
    if n_test < 1 or n_test >= n:
        raise ValueError(
            f"Received an invalid value for `test_size`, expected a fraction leaving at least one "
            f"sample on each side of the split of {n} samples. Received: test_size={test_size!r}"
        )
    order = np.random.default_rng(seed).permutation(n)
    train, test = order[: n - n_test], order[n - n_test :]
    return X[train], X[test], y[train], y[test]


def standardize(X_train: np.ndarray, *others: np.ndarray) -> list[np.ndarray]:
    """Scale every column to mean 0 and standard deviation 1, using the training statistics only.

    Returns ``[X_train_scaled, *others_scaled]`` as float32. Constant columns are left centred.
    """
    X_train = np.asarray(X_train, dtype=np.float64)
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return [
        ((np.asarray(a, dtype=np.float64) - mean) / std).astype(np.float32)
        for a in (X_train, *others)
    ]


def _assemble(X, y, test_size, seed, scale, names, description) -> Dataset:
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float32)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, seed=seed)
    if scale:
        X_train, X_test = standardize(X_train, X_test)
        # X keeps the train-then-test order so that X[:n_train] is X_train.
    X_all = np.concatenate([X_train, X_test]).astype(np.float32)
    y_all = np.concatenate([y_train, y_test]).astype(np.float32)
    return Dataset(
        X=X_all,
        y=y_all,
        X_train=X_all[: len(X_train)],
        y_train=y_all[: len(y_train)],
        X_test=X_all[len(X_train) :],
        y_test=y_all[len(y_train) :],
        feature_names=tuple(names),
        description=description,
    )


def make_binary_classification(
    n_samples: int = 1000,
    n_features: int = 20,
    n_informative: int | None = None,
    class_sep: float = 1.0,
    flip_y: float = 0.02,
    test_size: float = 0.2,
    seed: int = 0,
    standardize_features: bool = True,
) -> Dataset:
    """A tabular binary classification task (the ``X``, ``y_train`` ... of the seed's code).

    Built with scikit-learn's ``make_classification``: two classes, each a mixture of Gaussian
    clusters on the corners of a hypercube in ``n_informative`` dimensions, plus redundant
    (linear combinations) and noise columns, and a fraction ``flip_y`` of labels flipped.

    Args:
        n_samples: number of rows, >= 10.
        n_features: number of columns, >= 2.
        n_informative: columns that carry the signal; default ``max(2, n_features // 2)``.
        class_sep: larger values make the task easier.
        flip_y: fraction of labels assigned at random (label noise), in [0, 1).
        test_size: fraction held out as the test set, in (0, 1).
        seed: fixes the data and the split.
        standardize_features: scale columns with the training mean and standard deviation.

    Returns:
        A :class:`Dataset`; ``X_train`` has shape (n_samples - round(n_samples * test_size),
        n_features).
    """
    n_samples = _check_int("n_samples", n_samples, 10)
    n_features = _check_int("n_features", n_features, 2)
    if n_informative is None:
        n_informative = max(2, n_features // 2)
    n_informative = _check_int("n_informative", n_informative, 1)
    if n_informative > n_features:
        raise ValueError(
            "Received an invalid value for `n_informative`, expected at most n_features="
            f"{n_features}. Received: n_informative={n_informative!r}"
        )
    flip_y = _check_fraction("flip_y", flip_y, allow_zero=True)
    test_size = _check_fraction("test_size", test_size)
    seed = _check_int("seed", seed, 0)
    if not isinstance(class_sep, (int, float)) or isinstance(class_sep, bool) or class_sep <= 0:
        raise ValueError(
            "Received an invalid value for `class_sep`, expected a positive number. "
            f"Received: class_sep={class_sep!r}"
        )
    from sklearn.datasets import make_classification

    n_redundant = min(n_features - n_informative, max(0, n_informative // 2))
    # 2 clusters per class needs 2 * 2 <= 2 ** n_informative.
    clusters = 2 if n_informative >= 2 else 1
    X, y = make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=n_informative,
        n_redundant=n_redundant,
        n_clusters_per_class=clusters,
        class_sep=float(class_sep),
        flip_y=flip_y,
        random_state=seed,
    )
    names = [f"x{i}" for i in range(n_features)]
    description = f"binary classification, {n_samples} samples x {n_features} features"
    return _assemble(X, y, test_size, seed, standardize_features, names, description)


def _spirals(
    n_samples: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    n0 = n_samples // 2
    n1 = n_samples - n0
    parts, labels = [], []
    for label, n in ((0, n0), (1, n1)):
        t = np.sqrt(rng.uniform(0.0, 1.0, n)) * 3.0 * np.pi  # (n,), angle along the arm
        angle = t + label * np.pi
        r = t / (3.0 * np.pi)
        xy = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)  # (n, 2)
        parts.append(xy + rng.normal(0.0, noise * 0.2, size=(n, 2)))
        labels.append(np.full(n, label))
    return np.concatenate(parts), np.concatenate(labels)


def _xor(n_samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    return X + rng.normal(0.0, noise * 0.5, size=X.shape), y


def make_nonlinear_2d(
    kind: str = "moons",
    n_samples: int = 500,
    noise: float = 0.2,
    test_size: float = 0.25,
    seed: int = 0,
    standardize_features: bool = True,
) -> Dataset:
    """A two-dimensional binary task that no straight line can separate.

    Args:
        kind: ``"moons"`` (two interleaving half circles), ``"circles"`` (a ring around a disc),
            ``"spirals"`` (two interleaved arms) or ``"xor"`` (opposite quadrants share a class).
        n_samples: number of points, >= 10.
        noise: how much Gaussian noise blurs the classes, >= 0. For ``"moons"`` it is the standard
            deviation, as in scikit-learn; ``"circles"`` and ``"xor"`` use half of it and
            ``"spirals"`` a fifth, so that the same value gives a similar overlap on each.
        test_size: fraction held out as the test set, in (0, 1).
        seed: fixes the data and the split.
        standardize_features: scale both columns with the training mean and standard deviation.

    Returns:
        A :class:`Dataset` with ``X`` of shape (n_samples, 2).
    """
    if kind not in NONLINEAR_KINDS:
        raise ValueError(
            f"Received an invalid value for `kind`, expected one of {NONLINEAR_KINDS}. "
            f"Received: kind={kind!r}"
        )
    n_samples = _check_int("n_samples", n_samples, 10)
    if not isinstance(noise, (int, float)) or isinstance(noise, bool) or noise < 0:
        raise ValueError(
            "Received an invalid value for `noise`, expected a non-negative number. "
            f"Received: noise={noise!r}"
        )
    test_size = _check_fraction("test_size", test_size)
    seed = _check_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    if kind == "moons":
        from sklearn.datasets import make_moons

        X, y = make_moons(n_samples=n_samples, noise=float(noise), random_state=seed)
    elif kind == "circles":
        from sklearn.datasets import make_circles

        X, y = make_circles(
            n_samples=n_samples, noise=float(noise) * 0.5, factor=0.5, random_state=seed
        )
    elif kind == "spirals":
        X, y = _spirals(n_samples, float(noise), rng)
    else:
        X, y = _xor(n_samples, float(noise), rng)
    description = f"{kind}, {n_samples} samples, noise {noise}"
    return _assemble(X, y, test_size, seed, standardize_features, ("x1", "x2"), description)
