"""Hidden cases of exercise ch3 (instructor side): other inputs of the requirements the public
cases test."""

import numpy as np

from course_lib.grading.public.ch3 import (
    batchnorm_inputs,
    describe_model,
    fixed_weight_output,
    raises_value_error,
    split_facts,
)


def add_hidden(suite):
    # --- q1: gradient norms and a diagnosis ------------------------------------------------
    @suite.case(
        "q1",
        points=2,
        hidden=True,
        message="gradient_norms of kernels and biases of several shapes",
        hint="one L2 norm over all the entries of each array",
    )
    def norms_other_shapes(ns):
        rng = np.random.default_rng(40)
        grads = [rng.normal(size=s) for s in [(8, 5), (5,), (5, 1), (1,)]]
        return list(ns.gradient_norms(grads))

    @suite.case(
        "q1",
        points=2,
        hidden=True,
        message="diagnose on the norms of three deep "
        "networks (sigmoid, relu with Glorot, relu with large weights)",
        hint="exploding first, then vanishing, else healthy",
    )
    def diagnose_networks(ns):
        sigmoid = [5.2e-06, 2.9e-05, 1.3e-04, 4.7e-04, 2.3e-03, 1.2e-02, 5.2e-02, 0.21, 0.67]
        relu = [2.7e-02, 2.9e-02, 2.7e-02, 2.6e-02, 2.2e-02, 2.0e-02, 1.6e-02, 1.4e-02, 1.0e-02]
        large = [47.6, 78.1, 78.1, 106.0, 132.0, 186.0, 280.0, 317.0, 395.0]
        return {
            "sigmoid": ns.diagnose(sigmoid),
            "relu": ns.diagnose(relu),
            "large": ns.diagnose(large),
        }

    @suite.case(
        "q1",
        points=2,
        hidden=True,
        message="diagnose with other low and high values, and a non-finite last norm",
        hint="use the arguments; any non-finite norm",
    )
    def diagnose_other_arguments(ns):
        return {
            "vanishing": ns.diagnose([0.009, 1.0, 1.0], low=0.01, high=100.0),
            "healthy": ns.diagnose([0.011, 50.0, 1.0], low=0.01, high=100.0),
            "exploding": ns.diagnose([0.1, 0.2, 101.0], low=0.01, high=100.0),
            "inf last": ns.diagnose([0.1, 0.2, float("-inf")]),
        }

    @suite.case(
        "q1",
        points=1,
        hidden=True,
        message="diagnose at other exact boundaries",
        hint="both comparisons are strict",
    )
    def diagnose_other_boundaries(ns):
        return {
            "first == low * last": ns.diagnose([0.004, 1.0, 4.0]),
            "a norm == high": ns.diagnose([10.0, 10.0, 10.0]),
        }

    # --- q2: initialisation scales ---------------------------------------------------------
    @suite.case(
        "q2",
        points=2,
        hidden=True,
        message="the three schemes with other fan_in and fan_out",
        hint="glorot uses both fans, he and lecun only fan_in",
    )
    def other_fans(ns):
        return {
            scheme: ns.init_std(fan_in, fan_out, scheme)
            for scheme, (fan_in, fan_out) in {
                "glorot": (20, 128),
                "he": (32, 784),
                "lecun": (7, 3),
            }.items()
        }

    @suite.case(
        "q2",
        points=1,
        hidden=True,
        message="a single-unit layer (fan_in=1, fan_out=1)",
        hint="the same formulas",
    )
    def single_unit(ns):
        return {scheme: ns.init_std(1, 1, scheme) for scheme in ("glorot", "he", "lecun")}

    @suite.case(
        "q2",
        points=1,
        hidden=True,
        message="another unknown scheme raises ValueError",
        hint="only the three names are known",
    )
    def other_unknown(ns):
        return raises_value_error(ns.init_std, 10, 20, "uniform")

    # --- q4: batch normalisation -----------------------------------------------------------
    @suite.case(
        "q4",
        points=2,
        hidden=True,
        message="training on a (32, 5) batch with the default momentum and epsilon",
        hint="y, moving_mean and moving_var",
    )
    def training_larger(ns):
        return ns.batchnorm_forward(**batchnorm_inputs(41, 32, 5), training=True)

    @suite.case(
        "q4",
        points=1,
        hidden=True,
        message="inference on a (10, 4) batch with epsilon=0.5",
        hint="the moving statistics, epsilon inside the root",
    )
    def inference_other(ns):
        return ns.batchnorm_forward(**batchnorm_inputs(42, 10, 4), training=False, epsilon=0.5)

    @suite.case(
        "q4",
        points=1,
        hidden=True,
        message="training with momentum=0.5 and epsilon=0.2",
        hint="use the arguments given",
    )
    def training_other_arguments(ns):
        return ns.batchnorm_forward(
            **batchnorm_inputs(43, 7, 3), training=True, momentum=0.5, epsilon=0.2
        )

    @suite.case(
        "q4",
        points=1,
        hidden=True,
        message="the inputs are left unchanged, at inference too",
        hint="no in-place updates",
    )
    def inputs_unchanged_inference(ns):
        given = batchnorm_inputs(44, 5, 2)
        copies = {k: v.copy() for k, v in given.items()}
        ns.batchnorm_forward(**given, training=False)
        ns.batchnorm_forward(**given, training=True, momentum=0.8)
        return {k: bool(np.array_equal(given[k], copies[k])) for k in given}

    # --- q5: train/validation split --------------------------------------------------------
    @suite.case(
        "q5",
        points=1,
        hidden=True,
        message="indices for n=101, val_fraction=0.2",
        hint="rng.permutation(n), validation first",
    )
    def exact_larger(ns):
        out = ns.train_val_split(101, 0.2, np.random.default_rng(45))
        return {"train": out["train"], "val": out["val"]}

    @suite.case(
        "q5",
        points=1,
        hidden=True,
        message="sizes for n=37, val_fraction=0.15",
        hint="int(round(n * val_fraction))",
    )
    def sizes_other(ns):
        return split_facts(ns.train_val_split(37, 0.15, np.random.default_rng(46)), 37)

    @suite.case(
        "q5",
        points=1,
        hidden=True,
        message="another generator gives its own shuffle",
        hint="use the rng argument",
    )
    def other_rng(ns):
        out = ns.train_val_split(15, 0.4, np.random.default_rng(47))
        return {"train": out["train"], "val": out["val"]}

    # --- q6: dropout -----------------------------------------------------------------------
    @suite.case(
        "q6",
        points=1,
        hidden=True,
        message="rate=0.2 on a (50, 40) batch",
        hint="one draw rng.random(x.shape) >= rate, kept values divided by 1 - rate",
    )
    def larger_batch(ns):
        x = np.random.default_rng(32).normal(size=(50, 40))
        return ns.dropout_forward(x, 0.2, np.random.default_rng(33))

    @suite.case(
        "q6",
        points=1,
        hidden=True,
        message="rate=0.9 on a (3, 5) batch",
        hint="kept values divided by 1 - rate",
    )
    def high_rate(ns):
        x = np.random.default_rng(48).normal(size=(3, 5))
        return ns.dropout_forward(x, 0.9, np.random.default_rng(49))

    @suite.case(
        "q6",
        points=1,
        hidden=True,
        message="inference on a (2, 2, 3) batch",
        hint="training=False returns x unchanged",
    )
    def inference_3d(ns):
        x = np.random.default_rng(50).normal(size=(2, 2, 3))
        return ns.dropout_forward(x, 0.5, np.random.default_rng(51), training=False)

    @suite.case(
        "q6",
        points=1,
        hidden=True,
        message="rate=0 on a (4,) vector",
        hint="with rate 0 nothing is dropped and nothing is rescaled",
    )
    def rate_zero_vector(ns):
        return ns.dropout_forward(np.array([1.0, -1.0, 2.0, 0.5]), 0.0, np.random.default_rng(34))

    # --- q7: early stopping ----------------------------------------------------------------
    @suite.case(
        "q7",
        points=2,
        hidden=True,
        message="a noisy validation curve of 40 epochs, patience=5",
        hint="best so far, wait counter, stop when wait reaches patience",
    )
    def noisy_curve(ns):
        rng = np.random.default_rng(52)
        epochs = np.arange(40)
        losses = 0.3 + 0.5 * np.exp(-epochs / 6) + 0.004 * epochs + rng.normal(0, 0.02, 40)
        return ns.early_stopping_epoch([float(v) for v in losses], patience=5)

    @suite.case(
        "q7",
        points=1,
        hidden=True,
        message="min_delta=0.01 with ties and small improvements, patience=2",
        hint="loss < best - min_delta, strictly",
    )
    def min_delta_ties(ns):
        return ns.early_stopping_epoch(
            [0.5, 0.49, 0.485, 0.47, 0.47, 0.465, 0.46], patience=2, min_delta=0.01
        )

    @suite.case(
        "q7",
        points=1,
        hidden=True,
        message="long patience that is never reached",
        hint="stop_epoch None, best_epoch the last improvement",
    )
    def never_reached(ns):
        return ns.early_stopping_epoch([0.9, 0.8, 0.85, 0.84, 0.83, 0.82], patience=10)

    # --- q8: the seed's deep model in Keras ------------------------------------------------
    @suite.case(
        "q8",
        hidden=True,
        message="other hidden_units: (8, 4) on 5 features",
        hint="one Dense layer per entry of hidden_units",
    )
    def other_units(ns):
        return describe_model(ns.build_deep_model(5, hidden_units=(8, 4)))

    @suite.case(
        "q8",
        hidden=True,
        message="the forward pass of the (8, 4) model",
        hint="relu on the hidden layers, sigmoid on the output",
        rtol=1e-4,
        atol=1e-6,
    )
    def other_units_forward(ns):
        return fixed_weight_output(ns.build_deep_model(5, hidden_units=(8, 4)), 5, seed=1)
