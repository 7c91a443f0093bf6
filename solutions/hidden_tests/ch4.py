"""Hidden cases of exercise ch4 (instructor side): other inputs of the requirements the public
cases test."""

import numpy as np

from course_lib.grading.public.ch4 import (
    KS,
    TARGET_ACCURACY,
    accuracy_at_least,
    choose_k_on,
    digits_split,
    final_on,
    shuffled_positions,
    shuffled_test_images,
    shuffled_test_labels,
)


def add_hidden(suite):
    # --- q1: standardize ----------------------------------------------------------------------
    @suite.case(
        "q1",
        hidden=True,
        message="the digits training and test sets",
        hint="blank pixels have a standard deviation of 0",
        rtol=1e-6,
        atol=1e-9,
    )
    def digits(ns):
        X_train, X_test, _, _ = digits_split()
        train, test = ns.standardize(X_train, X_test)
        return {"X_train_scaled": train, "X_test_scaled": test}

    @suite.case(
        "q1",
        hidden=True,
        message="a random 20x4 training set and 7x4 test set with a constant column",
        hint="training statistics only; a standard deviation of 0 becomes 1",
    )
    def random_sets(ns):
        rng = np.random.default_rng(46)
        X_train = rng.normal(3.0, 2.0, size=(20, 4))
        X_train[:, 2] = -1.5
        X_test = rng.normal(0.0, 5.0, size=(7, 4))
        train, test = ns.standardize(X_train, X_test)
        return {"X_train_scaled": train, "X_test_scaled": test}

    # --- q2: choose_k, final_test_accuracy ----------------------------------------------------
    @suite.case(
        "q2",
        hidden=True,
        message="choose_k on other data where validation and test disagree",
        hint="measure accuracy on the validation set",
    )
    def other_data(ns):
        return {"k": choose_k_on(ns, 4, KS), "k (other data)": choose_k_on(ns, 20, KS)}

    @suite.case(
        "q2",
        hidden=True,
        message="choose_k with a tie, ks in another order",
        hint="ties go to the smallest k",
    )
    def other_tie(ns):
        return {"k": choose_k_on(ns, 28, (5, 1, 7, 3))}

    @suite.case(
        "q2",
        hidden=True,
        message="final_test_accuracy on other data",
        hint="score only the chosen k on the test set",
    )
    def other_final(ns):
        return final_on(ns, 20, KS)

    # --- q3: predict_digits -------------------------------------------------------------------
    @suite.case(
        "q3",
        hidden=True,
        message="accuracy of at least 0.85 on shuffled test images with jittered ink intensity",
        expected=shuffled_test_labels(41),
        compare=accuracy_at_least(0.85),
        hint="a model that generalises copes with small pixel noise",
    )
    def noisy_images(ns):
        X_test = shuffled_test_images(41)
        jitter = np.random.default_rng(41).uniform(0.8, 1.2, size=X_test.shape)
        return ns.predict_digits(np.clip(X_test * jitter, 0, 16))

    @suite.case(
        "q3",
        hidden=True,
        message=f"test accuracy of at least {TARGET_ACCURACY:.2f} on the test images in another "
        "order",
        expected=lambda: digits_split()[3][shuffled_positions(42)][::-1],
        compare=accuracy_at_least(TARGET_ACCURACY),
        hint="one label per image, in the order of the images",
    )
    def other_order(ns):
        return ns.predict_digits(shuffled_test_images(42)[::-1])

    # --- q4: conv2d ---------------------------------------------------------------------------
    @suite.case(
        "q4",
        hidden=True,
        message="random images (3, 7, 6, 2), a 3x3 kernel with 4 filters, stride 1",
        hint="cross-correlation over every input channel, plus each filter's bias",
    )
    def random_stride_one(ns):
        rng = np.random.default_rng(47)
        x = rng.normal(size=(3, 7, 6, 2))
        kernel = rng.normal(size=(3, 3, 2, 4))
        return ns.conv2d(x, kernel, rng.normal(size=4))

    @suite.case(
        "q4",
        hidden=True,
        message="random images (2, 9, 8, 3), a 3x2 kernel with 2 filters, stride 2",
        hint="H_out = (H - kh) // stride + 1",
    )
    def random_stride_two(ns):
        rng = np.random.default_rng(48)
        x = rng.normal(size=(2, 9, 8, 3))
        kernel = rng.normal(size=(3, 2, 3, 2))
        return ns.conv2d(x, kernel, rng.normal(size=2), stride=2)

    @suite.case(
        "q4",
        hidden=True,
        message="stride 3 with a 2x2 kernel on 8x8 images",
        hint="windows start every `stride` pixels",
    )
    def stride_three(ns):
        rng = np.random.default_rng(49)
        x = rng.normal(size=(1, 8, 8, 1))
        kernel = rng.normal(size=(2, 2, 1, 1))
        return ns.conv2d(x, kernel, np.array([0.25]), stride=3)

    # --- q6: make_windows ---------------------------------------------------------------------
    @suite.case(
        "q6",
        hidden=True,
        message="a random series of 50 values, window=7, horizon=3",
        hint="y[i] = series[i + window + horizon - 1]",
    )
    def random_series(ns):
        series = np.random.default_rng(50).normal(size=50).cumsum()
        return ns.make_windows(series, 7, horizon=3)

    @suite.case(
        "q6",
        hidden=True,
        message="window=1 on a short series",
        hint="n = len(series) - window - horizon + 1",
    )
    def window_one(ns):
        return ns.make_windows(np.array([5.0, -2.0, 0.5, 8.0]), window=1)

    @suite.case(
        "q6",
        hidden=True,
        message="a series too short for the window and horizon raises ValueError",
        hint="n < 1 raises ValueError naming `window`",
    )
    def too_short_with_horizon(ns):
        try:
            ns.make_windows(np.arange(6.0), window=4, horizon=3)
        except ValueError as exc:
            return {"raises ValueError": True, "the message names `window`": "window" in str(exc)}
        return {"raises ValueError": False, "the message names `window`": False}

    # --- q7: next_char_loss, perplexity -------------------------------------------------------
    @suite.case(
        "q7",
        hidden=True,
        message="random logits for 50 examples and 27 symbols",
        hint="mean of log-sum-exp minus the target's logit",
    )
    def random_logits(ns):
        rng = np.random.default_rng(51)
        logits = rng.normal(0.0, 4.0, size=(50, 27))
        return {"loss": ns.next_char_loss(logits, rng.integers(0, 27, size=50))}

    @suite.case(
        "q7",
        hidden=True,
        message="large negative and positive logits stay finite",
        hint="log-sum-exp with each row's maximum subtracted",
    )
    def large_logits(ns):
        rng = np.random.default_rng(52)
        logits = rng.normal(0.0, 300.0, size=(6, 5)) + np.array([[800.0], [-900.0], [0.0]] * 2)
        return {"loss": ns.next_char_loss(logits, rng.integers(0, 5, size=6))}

    @suite.case(
        "q7",
        hidden=True,
        message="uniform logits for 10 symbols and the perplexity of a loss",
        hint="perplexity = exp(loss)",
    )
    def uniform_ten(ns):
        loss = ns.next_char_loss(np.full((3, 10), -7.0), np.array([9, 0, 4]))
        return {
            "loss": loss,
            "perplexity": ns.perplexity(loss),
            "perplexity(0.3)": ns.perplexity(0.3),
        }
