"""gradcheck: passes on correct gradients, names the parameter and the index on wrong ones."""

from __future__ import annotations

import numpy as np
import pytest

import course_lib
from course_lib.nn import (
    Dense,
    GradientCheckError,
    Input,
    Sequential,
    gradcheck,
    losses,
    numerical_gradient,
)


class _BrokenDense(Dense):
    """Forgets the factor x in dL/dkernel: a typical learner's mistake."""

    def _backward_linear(self, dz, need_input_grad):
        dx = super()._backward_linear(dz, need_input_grad)
        self.kernel_grad[...] = dz.sum(axis=0)
        return dx


def test_numerical_gradient_hand_worked():
    w = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v**2), w), 2 * w, rtol=1e-9)
    np.testing.assert_array_equal(w, [1.0, -2.0, 3.0])  # restored


def test_function_form():
    w = np.random.default_rng(0).normal(size=(3, 2))
    result = gradcheck(lambda v: np.sum(np.sin(v)), w, np.cos(w))
    assert result.passed and list(result) == ["x"] and result["x"] < 1e-8


def test_dict_of_parameters_for_a_hand_written_two_layer_network():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 1))
    params = {
        "W1": rng.normal(size=(3, 4)),
        "b1": rng.normal(size=4),
        "W2": rng.normal(size=(4, 1)),
        "b2": rng.normal(size=1),
    }

    def loss(p):
        h = np.tanh(x @ p["W1"] + p["b1"])
        return np.mean((h @ p["W2"] + p["b2"] - y) ** 2)

    h = np.tanh(x @ params["W1"] + params["b1"])
    dout = 2 * (h @ params["W2"] + params["b2"] - y) / len(x)
    dz = (dout @ params["W2"].T) * (1 - h**2)
    grads = {"W1": x.T @ dz, "b1": dz.sum(0), "W2": h.T @ dout, "b2": dout.sum(0)}
    result = gradcheck(loss, params, grads)
    assert list(result) == ["W1", "b1", "W2", "b2"] and result.passed
    grads["b1"] = grads["b1"] * 2
    with pytest.raises(GradientCheckError, match=r"Gradient check failed for `b1`"):
        gradcheck(loss, params, grads)
    with pytest.raises(ValueError, match=r"expected a dict of gradients with the keys of `x`"):
        gradcheck(loss, params, {"W1": grads["W1"]})


def test_reports_relative_error_per_parameter():
    course_lib.set_seed(0)
    result = gradcheck(Dense(3, activation="tanh"), np.random.default_rng(1).normal(size=(4, 2)))
    assert set(result) == {"x", f"{result_name(result)}/kernel", f"{result_name(result)}/bias"}
    assert result.max_error < 1e-7
    assert "relative error" in repr(result) and "ok" in repr(result)


def result_name(result) -> str:
    return next(k for k in result if k != "x").split("/")[0]


def test_wrong_layer_gradient_is_caught_with_a_clear_message():
    course_lib.set_seed(0)
    layer = _BrokenDense(2, name="broken")
    x = np.random.default_rng(2).normal(size=(3, 4))
    with pytest.raises(
        GradientCheckError,
        match=r"Gradient check failed for `broken/kernel`: "
        r"relative error .* exceeds the tolerance 1e-06. Largest difference at "
        r"index \(\d, \d\): analytic .* vs numerical .*",
    ):
        gradcheck(layer, x)
    result = gradcheck(layer, x, raise_on_failure=False)
    assert not result.passed and result.failures() == ["broken/kernel"]
    assert result["broken/bias"] < 1e-7


def test_wrong_model_gradient_is_caught():
    course_lib.set_seed(0)
    model = Sequential(
        [
            Input(shape=(4,)),
            _BrokenDense(3, activation="relu", name="hidden"),
            Dense(1, activation="sigmoid", name="out"),
        ]
    )
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    x = np.random.default_rng(3).normal(size=(6, 4))
    y = np.array([0, 1, 1, 0, 1, 0])
    result = gradcheck(model, x, y, raise_on_failure=False)
    assert result.failures() == ["hidden/kernel"]


def test_original_is_left_untouched():
    course_lib.set_seed(0)
    layer = Dense(2)
    layer.build((3,))
    before = layer.get_weights()
    gradcheck(layer, np.ones((2, 3)))
    assert layer.kernel.dtype == np.float32
    np.testing.assert_array_equal(layer.get_weights()[0], before[0])


def test_errors():
    with pytest.raises(ValueError, match=r"`y`, expected the labels to check a loss with"):
        gradcheck(losses.get("mse"), np.zeros((2, 1)))
    with pytest.raises(ValueError, match=r"expected a compiled model"):
        gradcheck(Sequential([Input(shape=(2,)), Dense(1)]), np.zeros((2, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"expected a gradient of the same shape as `x` \(2,\)"):
        gradcheck(np.sum, np.zeros(2), np.zeros(3))
    with pytest.raises(TypeError, match=r"`target`, expected an activation, a loss, a layer"):
        gradcheck(3, np.zeros(2))
