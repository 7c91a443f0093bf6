"""Public cases of exercise ch3: diagnosing vanishing and exploding gradients, initialisation
scales, a prediction about a badly initialised network, batch normalisation's forward pass, a
train/validation split, inverted dropout, early stopping and the seed's deep model in Keras."""

from __future__ import annotations

import numpy as np

from course_lib.grading.cases import Suite
from course_lib.grading.predict import choice


def describe_model(model) -> dict:
    """Plain facts about a compiled Keras model: its Dense layers, parameters and compile settings."""
    dense = [layer for layer in model.layers if type(layer).__name__ == "Dense"]
    config = model.get_compile_config() or {}

    def name(item) -> str:  # 'adam', or a serialised object {'class_name': 'Adam', 'config': ...}
        if isinstance(item, dict):
            item = item.get("config", {}).get("name") or item.get("class_name")
        return str(item).lower().rstrip("_0123456789")

    return {
        "units": [int(layer.units) for layer in dense],
        "activations": [layer.activation.__name__ for layer in dense],
        "params": int(model.count_params()),
        "loss": name(config.get("loss")),
        "optimizer": name(config.get("optimizer")),
        "metrics": [name(m) for m in (config.get("metrics") or [])],
    }


def fixed_weight_output(model, n_features: int, seed: int) -> np.ndarray:
    """The model's output on fixed inputs after setting every weight to fixed random values."""
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0, 0.2, size=np.shape(w)).astype("float32") for w in model.get_weights()]
    model.set_weights(weights)
    x = rng.normal(size=(4, n_features)).astype("float32")
    return np.asarray(model(x, training=False))


def raises_value_error(fn, *args) -> str:
    """'ValueError' when ``fn(*args)`` raises one, else what came back instead."""
    try:
        fn(*args)
    except ValueError:
        return "ValueError"
    return "no error was raised"


def batchnorm_inputs(seed: int, n: int, d: int) -> dict:
    """A batch shifted and scaled away from (0, 1), gamma, beta and moving statistics."""
    rng = np.random.default_rng(seed)
    return {
        "x": rng.normal(2.0, 3.0, size=(n, d)),
        "gamma": rng.uniform(0.5, 2.0, size=d),
        "beta": rng.normal(size=d),
        "moving_mean": rng.normal(size=d),
        "moving_var": rng.uniform(0.5, 2.0, size=d),
    }


def split_facts(split: dict, n: int) -> dict:
    """Sizes of a split and whether its two parts are disjoint and cover 0..n-1."""
    train, val = np.asarray(split["train"]), np.asarray(split["val"])
    together = np.concatenate([train, val])
    return {
        "n_train": int(train.size),
        "n_val": int(val.size),
        "disjoint_and_covering": bool(
            together.size == n and np.array_equal(np.sort(together), np.arange(n))
        ),
    }


def build_suite() -> Suite:
    suite = Suite("ch3")

    # --- q1: gradient norms and a diagnosis ------------------------------------------------
    q1 = suite.question(
        "q1",
        "Vanishing or exploding? Gradient norms and a diagnosis",
        names=("gradient_norms", "diagnose"),
    )

    @q1.case(
        message="gradient_norms of a (2, 2) and a (3,) gradient, in layer order",
        hint="the L2 norm of all the entries of each array: sqrt(sum(g**2)), one number "
        "per array, in the order given",
    )
    def norms_hand_worked(ns):
        grads = [np.array([[3.0, 0.0], [0.0, -4.0]]), np.array([1.0, 2.0, 2.0])]
        return list(ns.gradient_norms(grads))

    @q1.case(
        message="gradient_norms of three (4, 3) matrices (not their spectral norm)",
        hint="flatten each array: the norm of a matrix here is over all its entries",
    )
    def norms_matrices(ns):
        rng = np.random.default_rng(1)
        grads = [rng.normal(size=(4, 3)) * 10.0**-k for k in range(3)]
        return list(ns.gradient_norms(grads))

    @q1.case(
        message="diagnose: the first layer gets 1e-4 times the last layer's norm",
        hint="vanishing when norms[0] < low * norms[-1]",
    )
    def diagnose_vanishing(ns):
        return ns.diagnose([1e-5, 1e-3, 0.1])

    @q1.case(
        message="diagnose: one layer's norm is above high, also when the first layer's norm "
        "is tiny (exploding is checked first)",
        hint="exploding when any norm is above high (checked before vanishing)",
    )
    def diagnose_exploding(ns):
        return {
            "norms above high": ns.diagnose([50.0, 80.0, 400.0]),
            "above high and a tiny first norm": ns.diagnose([1e-5, 1.0, 100.0]),
        }

    @q1.case(
        message="diagnose: a NaN or an inf among the norms",
        hint="a norm that is not finite means exploding (np.isfinite)",
    )
    def diagnose_not_finite(ns):
        return {
            "nan": ns.diagnose([0.1, float("nan"), 0.2]),
            "inf": ns.diagnose([float("inf"), 0.5, 0.2]),
        }

    @q1.case(
        message="diagnose: norms of the same size are healthy; so are the exact boundaries "
        "norms[0] == low * norms[-1] and a norm equal to high",
        hint="both comparisons are strict: < low * norms[-1] and > high",
    )
    def diagnose_healthy_and_boundaries(ns):
        return {
            "same size": ns.diagnose([0.02, 0.03, 0.01]),
            "first == low * last": ns.diagnose([0.001, 0.5, 1.0]),
            "a norm == high": ns.diagnose([2.0, 10.0, 5.0]),
        }

    @q1.case(
        message="diagnose uses its low and high arguments",
        hint="compare with the low and high passed in, not with the default values",
    )
    def diagnose_arguments(ns):
        return {
            "low=0.1": ns.diagnose([0.05, 0.5, 1.0], low=0.1),
            "high=1.0": ns.diagnose([0.5, 2.0, 0.5], high=1.0),
        }

    # --- q2: initialisation scales ---------------------------------------------------------
    q2 = suite.question("q2", "Initialisation scales: Glorot, He, LeCun", names=("init_std",))

    @q2.case(message='"glorot" with fan_in=256, fan_out=128', hint="sqrt(2 / (fan_in + fan_out))")
    def glorot(ns):
        return ns.init_std(256, 128, "glorot")

    @q2.case(
        message='"he" with fan_in=256, fan_out=128 (uses fan_in, not fan_out)',
        hint="sqrt(2 / fan_in)",
    )
    def he(ns):
        return ns.init_std(256, 128, "he")

    @q2.case(
        message='"lecun" with fan_in=300, fan_out=100 (uses fan_in, not fan_out)',
        hint="sqrt(1 / fan_in)",
    )
    def lecun(ns):
        return ns.init_std(300, 100, "lecun")

    @q2.case(
        message='an unknown scheme ("xavier_normal") raises ValueError',
        hint="raise ValueError(...) for any scheme other than the three names",
    )
    def unknown(ns):
        return raises_value_error(ns.init_std, 64, 64, "xavier_normal")

    # --- q3: prediction --------------------------------------------------------------------
    q3 = suite.question(
        "q3",
        "Predict: the signal through 10 tanh layers with N(0, 0.01²) weights",
        names=("prediction_q3",),
        kind="prediction",
    )

    @q3.case(message="your prediction", compare=choice("a", "b", "c"))
    def prediction(ns):
        return ns.prediction_q3

    # --- q4: batch normalisation -----------------------------------------------------------
    q4 = suite.question(
        "q4", "Batch normalisation's forward pass (Keras's formulas)", names=("batchnorm_forward",)
    )

    @q4.case(
        message="training: y on a (4, 3) batch, with gamma and beta",
        hint="the batch's mean and biased variance over axis 0 (np.var, ddof=0); "
        "y = gamma * (x - mean) / sqrt(var + epsilon) + beta",
    )
    def training_output(ns):
        out = ns.batchnorm_forward(**batchnorm_inputs(0, 4, 3), training=True)
        return {"y": out["y"]}

    @q4.case(
        message="training: moving_mean and moving_var after one batch, momentum=0.9",
        hint="moving = moving * momentum + batch statistic * (1 - momentum), with the "
        "biased variance",
    )
    def training_moving(ns):
        out = ns.batchnorm_forward(**batchnorm_inputs(1, 5, 2), training=True, momentum=0.9)
        return {"moving_mean": out["moving_mean"], "moving_var": out["moving_var"]}

    @q4.case(
        message="inference (training=False): y from the moving statistics, which come "
        "back unchanged",
        hint="use moving_mean and moving_var in place of the batch's statistics",
    )
    def bn_inference(ns):
        return ns.batchnorm_forward(**batchnorm_inputs(2, 4, 3), training=False)

    @q4.case(
        message="epsilon=1.0: epsilon goes inside the square root",
        hint="divide by sqrt(var + epsilon), not by sqrt(var) + epsilon",
    )
    def large_epsilon(ns):
        out = ns.batchnorm_forward(**batchnorm_inputs(3, 4, 2), training=True, epsilon=1.0)
        return {"y": out["y"]}

    @q4.case(
        message="the arrays passed in are left unchanged",
        hint="compute new moving statistics instead of updating the arrays in place",
    )
    def inputs_unchanged(ns):
        given = batchnorm_inputs(4, 6, 3)
        copies = {k: v.copy() for k, v in given.items()}
        ns.batchnorm_forward(**given, training=True)
        return {k: bool(np.array_equal(given[k], copies[k])) for k in given}

    # --- q5: train/validation split --------------------------------------------------------
    q5 = suite.question("q5", "A shuffled train/validation split", names=("train_val_split",))

    @q5.case(
        message="train and val indices for n=10, val_fraction=0.3, default_rng(0)",
        hint="perm = rng.permutation(n); val = perm[:n_val], train = perm[n_val:]",
    )
    def exact_indices(ns):
        out = ns.train_val_split(10, 0.3, np.random.default_rng(0))
        return {"train": out["train"], "val": out["val"]}

    @q5.case(
        message="sizes for n=10, val_fraction=0.27 (rounded, not floored), and the parts "
        "are disjoint and cover every index",
        hint="n_val = int(round(n * val_fraction))",
    )
    def sizes_rounded(ns):
        return split_facts(ns.train_val_split(10, 0.27, np.random.default_rng(1)), 10)

    @q5.case(
        message="sizes for n=101, val_fraction=0.2: 20.2 rounds to 20 (not up to 21)",
        hint="n_val = int(round(n * val_fraction)): not floor, not ceil",
    )
    def sizes_not_rounded_up(ns):
        return split_facts(ns.train_val_split(101, 0.2, np.random.default_rng(2)), 101)

    @q5.case(
        message="the shuffle comes from the rng passed in (n=20, default_rng(5))",
        hint="call rng.permutation(n) on the generator argument, not np.random",
    )
    def uses_rng(ns):
        out = ns.train_val_split(20, 0.25, np.random.default_rng(5))
        return {"train": out["train"], "val": out["val"]}

    # --- q6: dropout -----------------------------------------------------------------------
    q6 = suite.question("q6", "Inverted dropout", names=("dropout_forward",))

    @q6.case(
        message="rate=0.5 on a (2, 4) batch with a seeded generator",
        hint="keep = rng.random(x.shape) >= rate; kept values are divided by (1 - rate)",
    )
    def hand_worked(ns):
        x = np.arange(1.0, 9.0).reshape(2, 4)
        return ns.dropout_forward(x, 0.5, np.random.default_rng(0))

    @q6.case(
        message="rate=0.25 on a (2, 3, 2) batch: the same shape comes back",
        hint="draw the mask with x's own shape",
    )
    def three_dimensional(ns):
        x = np.arange(12.0).reshape(2, 3, 2) - 5.0
        return ns.dropout_forward(x, 0.25, np.random.default_rng(2))

    @q6.case(
        message="at inference (training=False) the input comes back unchanged",
        hint="dropout only acts while training",
    )
    def inference(ns):
        x = np.array([[1.0, -2.0, 3.0]])
        return ns.dropout_forward(x, 0.3, np.random.default_rng(1), training=False)

    @q6.case(
        message="rate=0 keeps everything, unscaled",
        hint="with rate 0 nothing is dropped and 1 - rate is 1",
    )
    def rate_zero(ns):
        x = np.arange(6.0).reshape(3, 2)
        return ns.dropout_forward(x, 0.0, np.random.default_rng(3))

    # --- q7: early stopping ----------------------------------------------------------------
    q7 = suite.question(
        "q7", "Early stopping, as Keras's EarlyStopping decides", names=("early_stopping_epoch",)
    )

    losses = [0.9, 0.7, 0.6, 0.65, 0.62, 0.64, 0.5]

    @q7.case(
        message=f"val_losses={losses}, patience=3",
        hint="epochs count from 1; wait counts the epochs since the last improvement; "
        "stop after the epoch where wait reaches patience",
    )
    def hand_worked_patience_3(ns):
        return ns.early_stopping_epoch(losses, patience=3)

    @q7.case(
        message="the same losses, patience=1",
        hint="patience=1 stops after the first epoch that does not improve",
    )
    def hand_worked_patience_1(ns):
        return ns.early_stopping_epoch(losses, patience=1)

    @q7.case(
        message="a tie with the best loss is not an improvement: [1.0, 0.8, 0.8, 0.8], patience=2",
        hint="an improvement is loss < best - min_delta, strictly",
    )
    def ties(ns):
        return ns.early_stopping_epoch([1.0, 0.8, 0.8, 0.8], patience=2)

    @q7.case(
        message="min_delta=0.1: [1.0, 0.95, 0.93, 0.92, 0.8], patience=3",
        hint="a loss must be below best - min_delta to count as an improvement",
    )
    def min_delta(ns):
        return ns.early_stopping_epoch([1.0, 0.95, 0.93, 0.92, 0.8], patience=3, min_delta=0.1)

    @q7.case(
        message="a loss that keeps falling never stops: stop_epoch is None",
        hint="when patience is never reached, return stop_epoch None (and still the best epoch)",
    )
    def never_stops(ns):
        return ns.early_stopping_epoch([0.5, 0.4, 0.45, 0.3, 0.2], patience=2)

    # --- q8: the seed's deep model in Keras ------------------------------------------------
    q8 = suite.question("q8", "The seed's deep model in Keras", names=("build_deep_model",))

    @q8.case(
        message="layers, activations, parameter count and compile settings on 20 features",
        hint="Input, then Dense layers of 128, 64, 32, 16 units with relu and Dense(1, "
        "sigmoid); compile with adam, binary_crossentropy and accuracy",
    )
    def structure(ns):
        return describe_model(ns.build_deep_model(20))

    @q8.case(
        message="hidden_units=(6, 3) on 7 features: one Dense layer per entry, in order",
        hint="build the hidden layers from the hidden_units argument, not from fixed sizes",
    )
    def other_hidden_units(ns):
        return describe_model(ns.build_deep_model(7, hidden_units=(6, 3)))

    @q8.case(
        message="the output on fixed inputs once its weights are set to fixed values",
        hint="the model must compute relu(...) layer by layer and end in a sigmoid",
        rtol=1e-4,
        atol=1e-6,
    )
    def forward(ns):
        return fixed_weight_output(ns.build_deep_model(20), 20, seed=0)

    return suite
