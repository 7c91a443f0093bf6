"""Public cases of exercise ch4: standardising features, a stable softmax, and a digits classifier
that reaches a stated test accuracy."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from course_lib.grading.cases import Suite

TARGET_ACCURACY = 0.92


@lru_cache(maxsize=1)
def digits_split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's 8x8 digits, 70/30 stratified split with random_state=0 (X in 0..16)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    return tuple(train_test_split(X, y, test_size=0.3, random_state=0, stratify=y))


def true_test_labels() -> np.ndarray:
    return digits_split()[3]


def accuracy_at_least(threshold: float):
    """A comparison: the learner's labels must match the true ones on ``threshold`` of images."""

    def compare(got, want) -> tuple[bool, str]:
        got_arr, want_arr = np.asarray(got), np.asarray(want)
        if got_arr.shape != want_arr.shape:
            return False, (f"expected one integer label per image, shape {want_arr.shape}; "
                           f"got shape {got_arr.shape}")
        accuracy = float(np.mean(got_arr == want_arr))
        return accuracy >= threshold, f"accuracy {accuracy:.3f}, needs at least {threshold:.2f}"

    return compare


def build_suite() -> Suite:
    suite = Suite("ch4")

    q1 = suite.question("q1", "Standardising features", names=("standardize",))

    @q1.case(message="a hand-worked 3x2 training set and a 1x2 test set",
             hint="use the training set's mean and standard deviation for both sets")
    def hand_worked(ns):
        X_train = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
        X_test = np.array([[4.0, 0.0]])
        return ns.standardize(X_train, X_test)

    @q1.case(message="a constant column does not produce NaN",
             hint="where the standard deviation is 0, divide by 1 instead")
    def constant_column(ns):
        X_train = np.array([[0.0, 1.0], [0.0, 3.0]])
        X_test = np.array([[0.0, 2.0], [5.0, 5.0]])
        return ns.standardize(X_train, X_test)

    q2 = suite.question("q2", "A numerically stable softmax", names=("softmax",))

    @q2.case(message="softmax of two hand-worked rows",
             hint="exponentiate, then divide each row by its sum")
    def hand_worked_rows(ns):
        return ns.softmax(np.array([[0.0, 0.0], [1.0, 2.0]]))

    @q2.case(message="very large scores do not overflow",
             hint="subtract each row's maximum before exponentiating")
    def large_scores(ns):
        return ns.softmax(np.array([[1000.0, 1001.0, 1002.0]]))

    q3 = suite.question("q3", f"A digits classifier with at least {TARGET_ACCURACY:.0%} test accuracy",
                        names=("predict_digits",))

    @q3.case(message="test accuracy of at least 0.80", expected=true_test_labels,
             compare=accuracy_at_least(0.80),
             hint="predict_digits(images) must return one integer label (0-9) per image")
    def accuracy_080(ns):
        return ns.predict_digits(digits_split()[1])

    @q3.case(points=2, message=f"test accuracy of at least {TARGET_ACCURACY:.2f}",
             expected=true_test_labels, compare=accuracy_at_least(TARGET_ACCURACY),
             hint="standardise the pixels, train longer, or add a hidden layer")
    def accuracy_target(ns):
        return ns.predict_digits(digits_split()[1])

    return suite
