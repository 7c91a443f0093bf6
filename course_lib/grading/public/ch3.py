"""Public cases of exercise ch3: the Adam update (Keras's formula), the seed's deep model in Keras,
inverted dropout."""

from __future__ import annotations

import numpy as np

from course_lib.grading.cases import Suite


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


def build_suite() -> Suite:
    suite = Suite("ch3")

    q1 = suite.question("q1", "The Adam update (Keras's formula)", names=("adam_update",))

    @q1.case(message="the first step (t=1) with the default hyperparameters",
             hint="m and v are moving averages of g and g**2; alpha = learning_rate * "
                  "sqrt(1 - beta_2**t) / (1 - beta_1**t)")
    def first_step(ns):
        w = np.array([1.0, -2.0, 0.5])
        g = np.array([0.1, -0.3, 0.0])
        return ns.adam_update(w, g, np.zeros(3), np.zeros(3), 1)

    @q1.case(message="three steps in a row, feeding m and v back in",
             hint="return the new (w, m, v) and count t from 1")
    def three_steps(ns):
        w, m, v = np.array([[0.5, -0.5]]), np.zeros((1, 2)), np.zeros((1, 2))
        for t in (1, 2, 3):
            g = np.array([[0.2, 0.1]]) * t
            w, m, v = ns.adam_update(w, g, m, v, t, learning_rate=0.01)
        return w, m, v

    q2 = suite.question("q2", "The seed's deep model in Keras", names=("build_deep_model",))

    @q2.case(message="layers, activations, parameter count and compile settings on 20 features",
             hint="Input, then Dense layers of 128, 64, 32, 16 units with relu and Dense(1, sigmoid); "
                  "compile with adam, binary_crossentropy and accuracy")
    def structure(ns):
        return describe_model(ns.build_deep_model(20))

    @q2.case(message="the output on fixed inputs once its weights are set to fixed values",
             hint="the model must compute relu(...) layer by layer and end in a sigmoid",
             rtol=1e-4, atol=1e-6)
    def forward(ns):
        return fixed_weight_output(ns.build_deep_model(20), 20, seed=0)

    q3 = suite.question("q3", "Inverted dropout", names=("dropout_forward",))

    @q3.case(message="rate=0.5 on a (2, 4) batch with a seeded generator",
             hint="keep = rng.random(x.shape) >= rate; kept values are divided by (1 - rate)")
    def hand_worked(ns):
        x = np.arange(1.0, 9.0).reshape(2, 4)
        return ns.dropout_forward(x, 0.5, np.random.default_rng(0))

    @q3.case(message="at inference (training=False) the input comes back unchanged",
             hint="dropout only acts while training")
    def inference(ns):
        x = np.array([[1.0, -2.0, 3.0]])
        return ns.dropout_forward(x, 0.3, np.random.default_rng(1), training=False)

    return suite
