"""Hidden cases of exercise ch3 (instructor side)."""

import numpy as np

from course_lib.grading.public.ch3 import describe_model, fixed_weight_output


def add_hidden(suite):
    @suite.case("q1", hidden=True, message="a large epsilon (0.1) on a matrix parameter",
                hint="epsilon is added to sqrt(v), after the square root, and not bias-corrected")
    def large_epsilon(ns):
        rng = np.random.default_rng(30)
        w, g = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
        return ns.adam_update(w, g, np.zeros((3, 2)), np.zeros((3, 2)), 1, epsilon=0.1)

    @suite.case("q1", hidden=True, message="step t=10 with other betas and learning rate",
                hint="use the step number t in both bias corrections")
    def later_step(ns):
        rng = np.random.default_rng(31)
        w, g = rng.normal(size=4), rng.normal(size=4)
        m, v = rng.normal(size=4) * 0.1, rng.random(4) * 0.01
        return ns.adam_update(w, g, m, v, 10, learning_rate=0.05, beta_1=0.8, beta_2=0.99)

    @suite.case("q2", hidden=True, message="other hidden_units: (8, 4) on 5 features",
                hint="one Dense layer per entry of hidden_units")
    def other_units(ns):
        return describe_model(ns.build_deep_model(5, hidden_units=(8, 4)))

    @suite.case("q2", hidden=True, message="the forward pass of the (8, 4) model",
                hint="relu on the hidden layers, sigmoid on the output", rtol=1e-4, atol=1e-6)
    def other_units_forward(ns):
        return fixed_weight_output(ns.build_deep_model(5, hidden_units=(8, 4)), 5, seed=1)

    @suite.case("q3", hidden=True, message="rate=0.2 on a (50, 40) batch",
                hint="one draw rng.random(x.shape) >= rate, kept values divided by 1 - rate")
    def larger_batch(ns):
        rng = np.random.default_rng(32)
        x = rng.normal(size=(50, 40))
        return ns.dropout_forward(x, 0.2, np.random.default_rng(33))

    @suite.case("q3", hidden=True, message="rate=0 keeps everything",
                hint="with rate 0 nothing is dropped and nothing is rescaled")
    def rate_zero(ns):
        x = np.arange(6.0).reshape(3, 2)
        return ns.dropout_forward(x, 0.0, np.random.default_rng(34))
