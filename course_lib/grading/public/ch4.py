"""Public cases of exercise ch4: statistics from the training set only (standardising, choosing k
on validation data), a digits classifier, a convolution, time-series windows and the character
model's loss."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from course_lib.grading.cases import Suite
from course_lib.grading.predict import choice

TARGET_ACCURACY = 0.92
KS = (1, 3, 5, 7)


@lru_cache(maxsize=1)
def digits_split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's 8x8 digits, 70/30 stratified split with random_state=0 (X in 0..16)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    return tuple(train_test_split(X, y, test_size=0.3, random_state=0, stratify=y))


def true_test_labels() -> np.ndarray:
    return digits_split()[3]


def shuffled_positions(seed: int, size: int | None = None) -> np.ndarray:
    """A fixed shuffle of the test images' positions (the first ``size`` of them): the images
    reach ``predict_digits`` in another order than ``X_test``, so returning ``y_test`` fails."""
    n = len(digits_split()[1])
    order = np.random.default_rng(seed).permutation(n)
    return order if size is None else order[:size]


def shuffled_test_images(seed: int, size: int | None = None) -> np.ndarray:
    return digits_split()[1][shuffled_positions(seed, size)]


def shuffled_test_labels(seed: int, size: int | None = None):
    """``expected=`` for a case on :func:`shuffled_test_images` (the labels in the same order)."""
    return lambda: digits_split()[3][shuffled_positions(seed, size)]


def accuracy_at_least(threshold: float):
    """A comparison: the learner's labels must match the true ones on ``threshold`` of images."""

    def compare(got, want) -> tuple[bool, str]:
        got_arr, want_arr = np.asarray(got), np.asarray(want)
        if got_arr.shape != want_arr.shape:
            return False, (
                f"expected one integer label per image, shape {want_arr.shape}; "
                f"got shape {got_arr.shape}"
            )
        if got_arr.dtype.kind not in "iu":
            return False, "expected integer labels (0-9), got an array of another kind"
        accuracy = float(np.mean(got_arr == want_arr))
        return accuracy >= threshold, f"accuracy {accuracy:.3f}, needs at least {threshold:.2f}"

    return compare


def knn_data(seed: int) -> dict[str, np.ndarray]:
    """Two overlapping 2-D classes: 40 training, 30 validation and 30 test points.

    The seeds used by the cases are ones where the validation set and the test set prefer
    different k, so choosing on the test set gives another answer.
    """
    rng = np.random.default_rng(seed)
    out = {}
    for part, m in (("train", 40), ("val", 30), ("test", 30)):
        y = rng.integers(0, 2, size=m)
        out[f"X_{part}"] = rng.normal(0.0, 1.0, size=(m, 2)) + 1.2 * y[:, None]
        out[f"y_{part}"] = y
    return out


def choose_k_on(ns, seed: int, ks):
    d = knn_data(seed)
    return ns.choose_k(d["X_train"], d["y_train"], d["X_val"], d["y_val"], ks)


def final_on(ns, seed: int, ks):
    d = knn_data(seed)
    return ns.final_test_accuracy(
        d["X_train"], d["y_train"], d["X_val"], d["y_val"], d["X_test"], d["y_test"], ks
    )


def raises_value_error(fn, name: str) -> dict:
    """``{"raises ValueError": ..., "the message names `name`": ...}`` for a call that must fail."""
    try:
        fn()
    except ValueError as exc:
        return {"raises ValueError": True, f"the message names `{name}`": name in str(exc)}
    return {"raises ValueError": False, f"the message names `{name}`": False}


def build_suite() -> Suite:
    suite = Suite("ch4")

    # --- q1 -------------------------------------------------------------------------------
    q1 = suite.question("q1", "Standardising with training statistics only", names=("standardize",))

    def scaled(ns, X_train, X_test):
        train, test = ns.standardize(X_train, X_test)
        return {"X_train_scaled": train, "X_test_scaled": test}

    @q1.case(
        message="a hand-worked 3x2 training set and a 1x2 test set",
        hint="both sets use the training set's column means and np.std (population form); "
        "the test set's own statistics are never used",
    )
    def hand_worked(ns):
        X_train = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
        X_test = np.array([[4.0, 0.0]])
        return scaled(ns, X_train, X_test)

    @q1.case(
        message="a constant column (standard deviation 0)",
        hint="where the training standard deviation is 0, divide by 1 instead",
    )
    def constant_column(ns):
        X_train = np.array([[0.0, 1.0], [0.0, 3.0]])
        X_test = np.array([[0.0, 2.0], [5.0, 5.0]])
        return scaled(ns, X_train, X_test)

    # --- q2 -------------------------------------------------------------------------------
    q2 = suite.question(
        "q2",
        "Choose k on validation data, score it once on test data",
        names=("choose_k", "final_test_accuracy"),
    )

    @q2.case(
        message="choose_k on data where the validation and test sets prefer different k",
        hint="fit on the training set, measure accuracy on the VALIDATION set, return the k "
        "(not its accuracy, not its position in ks)",
    )
    def chooses_on_validation(ns):
        return {"k": choose_k_on(ns, 3, KS)}

    @q2.case(
        message="choose_k when two k tie on validation (ks given largest first)",
        hint="among equally good k, return the smallest one, whatever the order of ks",
    )
    def ties_smallest(ns):
        return {"k": choose_k_on(ns, 11, tuple(reversed(KS)))}

    @q2.case(
        message="final_test_accuracy: the chosen k and its test accuracy",
        hint="choose k with choose_k (validation), then score only that k on the test set, "
        "with the classifier fitted on the training set",
    )
    def final_score(ns):
        return final_on(ns, 3, KS)

    # --- q3 -------------------------------------------------------------------------------
    q3 = suite.question(
        "q3",
        f"A digits classifier with at least {TARGET_ACCURACY:.0%} test accuracy",
        names=("predict_digits",),
    )

    @q3.case(
        message="test accuracy of at least 0.80 on 300 test images in shuffled order",
        expected=shuffled_test_labels(4, 300),
        compare=accuracy_at_least(0.80),
        hint="predict_digits(images) must return one integer label (0-9) per image it is given, "
        "in the order of the images",
    )
    def accuracy_080(ns):
        return ns.predict_digits(shuffled_test_images(4, 300))

    @q3.case(
        points=2,
        message=f"test accuracy of at least {TARGET_ACCURACY:.2f} on all test images, shuffled",
        expected=shuffled_test_labels(5),
        compare=accuracy_at_least(TARGET_ACCURACY),
        hint="standardise the pixels, train longer, or add a hidden layer",
    )
    def accuracy_target(ns):
        return ns.predict_digits(shuffled_test_images(5))

    # --- q4 -------------------------------------------------------------------------------
    q4 = suite.question("q4", "A convolution, as Keras's Conv2D computes it", names=("conv2d",))

    @q4.case(
        message="a hand-worked 3x3 image and an asymmetric 2x2 kernel",
        hint="out[i, j] = sum of x[i + a, j + b] * kernel[a, b]: slide the kernel as it is, "
        "do not flip it",
    )
    def hand_worked_conv(ns):
        x = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 3.0], [2.0, 0.0, 1.0]]).reshape(1, 3, 3, 1)
        kernel = np.array([[1.0, 2.0], [0.0, -1.0]]).reshape(2, 2, 1, 1)
        return ns.conv2d(x, kernel, np.zeros(1))

    @q4.case(
        message="stride 2: a 5x5 image and a 3x3 kernel",
        hint="windows start every `stride` pixels; H_out = (H - kh) // stride + 1",
    )
    def stride_two(ns):
        x = np.arange(25.0).reshape(1, 5, 5, 1)
        kernel = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, 0.5]]).reshape(3, 3, 1, 1)
        return ns.conv2d(x, kernel, np.zeros(1), stride=2)

    @q4.case(
        message="three input channels are summed into one output channel",
        hint="each window is kh x kw x C_in: multiply by kernel[:, :, c, f] and add over c too",
    )
    def input_channels(ns):
        rng = np.random.default_rng(44)
        x = rng.integers(-3, 4, size=(1, 4, 4, 3)).astype(float)
        kernel = rng.integers(-2, 3, size=(2, 2, 3, 1)).astype(float)
        return ns.conv2d(x, kernel, np.zeros(1))

    @q4.case(
        message="two images, three filters, each filter with its own bias",
        hint="output channel f uses kernel[..., f] and adds bias[f]; every image of the batch "
        "is convolved",
    )
    def filters_and_bias(ns):
        rng = np.random.default_rng(45)
        x = rng.normal(size=(2, 4, 5, 2))
        kernel = rng.normal(size=(3, 2, 2, 3))
        return ns.conv2d(x, kernel, np.array([0.5, -1.0, 2.0]))

    # --- q5 -------------------------------------------------------------------------------
    q5 = suite.question(
        "q5",
        "Predict: the output side of a 3x3 stride-2 valid convolution on 28x28",
        names=("prediction_q5",),
        kind="prediction",
    )

    @q5.case(message="your prediction", compare=choice("a", "b", "c"))
    def prediction(ns):
        return ns.prediction_q5

    # --- q6 -------------------------------------------------------------------------------
    q6 = suite.question("q6", "Time-series windows", names=("make_windows",))

    @q6.case(
        message="a hand-worked series of 6 values, window=3",
        hint="X[i] = series[i : i + window], y[i] = the value horizon steps after X[i]'s last",
    )
    def hand_worked_windows(ns):
        return ns.make_windows(np.array([1.0, 2.0, 4.0, 7.0, 11.0, 16.0]), window=3)

    @q6.case(
        message="the number of windows: 10 values, window=4",
        hint="n = len(series) - window - horizon + 1: the last window ends where its target "
        "is the series' last value",
    )
    def count(ns):
        return ns.make_windows(np.linspace(0.0, 4.5, 10), window=4)

    @q6.case(
        message="horizon=2: the target lies two steps after the window",
        hint="y[i] = series[i + window + horizon - 1]",
    )
    def horizon_two(ns):
        return ns.make_windows(np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]), 3, horizon=2)

    @q6.case(
        message="a series too short for one example raises ValueError",
        hint="when n < 1 (window longer than the series, or as long: no target left), raise "
        "ValueError with a message that names `window`",
    )
    def too_short(ns):
        longer = raises_value_error(lambda: ns.make_windows(np.arange(3.0), window=5), "window")
        as_long = raises_value_error(lambda: ns.make_windows(np.arange(4.0), window=4), "window")
        return {
            "window longer than the series": longer,
            "window as long as the series": as_long,
        }

    # --- q7 -------------------------------------------------------------------------------
    q7 = suite.question(
        "q7",
        "The character model's loss and perplexity",
        names=("next_char_loss", "perplexity"),
    )

    @q7.case(
        message="next_char_loss of a hand-worked batch of 2 examples, 3 symbols",
        hint="the mean over the examples of log(sum_j exp(logits[i, j])) - logits[i, targets[i]]",
    )
    def hand_worked_loss(ns):
        logits = np.array([[2.0, 1.0, 0.0], [0.5, -1.0, 3.0]])
        return {"loss": ns.next_char_loss(logits, np.array([0, 1]))}

    @q7.case(
        message="huge logits (1000) keep the loss finite",
        hint="subtract each row's maximum before exponentiating (log-sum-exp)",
    )
    def huge_logits(ns):
        logits = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 1001.0]])
        return {"loss": ns.next_char_loss(logits, np.array([0, 1]))}

    @q7.case(
        message="a model that knows nothing: equal logits for 27 symbols",
        hint="equal logits give every symbol probability 1/27",
    )
    def uniform(ns):
        loss = ns.next_char_loss(np.full((4, 27), 3.0), np.array([0, 5, 26, 1]))
        return {"loss": loss, "perplexity": ns.perplexity(loss)}

    @q7.case(
        message="perplexity of hand-picked losses (0, 1 and 2.5 nats)",
        hint="perplexity = exp(loss), with the loss in nats",
    )
    def perplexity_values(ns):
        return {
            "perplexity(0.0)": ns.perplexity(0.0),
            "perplexity(1.0)": ns.perplexity(1.0),
            "perplexity(2.5)": ns.perplexity(2.5),
        }

    return suite
