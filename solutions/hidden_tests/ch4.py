"""Hidden cases of exercise ch4 (instructor side)."""

import numpy as np

from course_lib.grading.public.ch4 import accuracy_at_least, digits_split, true_test_labels


def add_hidden(suite):
    @suite.case("q1", hidden=True, message="the digits training and test sets",
                hint="blank pixels have a standard deviation of 0", rtol=1e-6, atol=1e-9)
    def digits(ns):
        X_train, X_test, _, _ = digits_split()
        return ns.standardize(X_train, X_test)

    @suite.case("q2", hidden=True, message="a random batch of scores, including negative ones",
                hint="rows must sum to 1")
    def random_scores(ns):
        return ns.softmax(np.random.default_rng(40).normal(0, 5, size=(6, 10)))

    @suite.case("q2", hidden=True, message="very negative scores do not underflow to 0/0",
                hint="subtract each row's maximum before exponentiating")
    def negative_scores(ns):
        return ns.softmax(np.array([[-1000.0, -1001.0], [-5.0, 5.0]]))

    @suite.case("q3", hidden=True,
                message="accuracy of at least 0.85 on test images with jittered ink intensity",
                expected=true_test_labels, compare=accuracy_at_least(0.85),
                hint="a model that generalises copes with small pixel noise")
    def noisy_images(ns):
        X_test = digits_split()[1]
        jitter = np.random.default_rng(41).uniform(0.8, 1.2, size=X_test.shape)
        return ns.predict_digits(np.clip(X_test * jitter, 0, 16))
