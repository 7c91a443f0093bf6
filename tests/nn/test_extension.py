"""The documented extension point (a user's Layer subclass) and the promise that nothing is ever
silently left untrained (shared layers, weights replaced by hand)."""

from __future__ import annotations

import numpy as np
import pytest

import course_lib
from course_lib.nn import (
    Dense,
    Input,
    Layer,
    Sequential,
    activations,
    gradcheck,
    initializers,
)
from course_lib.nn.activations import ELU, LeakyReLU


class Residual(Layer):
    """y = x + relu(x @ kernel + bias): the block of the layers module's docstring."""

    param_names = ("kernel", "bias")
    grad_names = ("kernel_grad", "bias_grad")

    def build(self, input_shape):
        d = input_shape[-1]
        self.kernel = initializers.get("glorot_uniform")((d, d), self.dtype)
        self.bias = np.zeros(d, self.dtype)
        self.kernel_grad = np.zeros_like(self.kernel)
        self.bias_grad = np.zeros_like(self.bias)
        super().build(input_shape)

    def forward(self, x, training=False):
        self._x = x
        self._h = np.maximum(x @ self.kernel + self.bias, 0)
        return x + self._h

    def backward(self, grad):
        dz = grad * (self._h > 0)
        self.kernel_grad[...] = self._x.T @ dz
        self.bias_grad[...] = dz.sum(axis=0)
        return grad + dz @ self.kernel.T


def _data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    return x, (np.sin(2 * x[:, 0]) * x[:, 1] > 0).astype(np.float32)


def _residual_model():
    return Sequential(
        [
            Input(shape=(4,)),
            Dense(8, activation="relu"),
            Residual(),
            Residual(),
            Dense(1, activation="sigmoid"),
        ]
    )


def test_user_layer_trains_with_fit_evaluate_predict(tmp_path):
    course_lib.set_seed(0)
    x, y = _data()
    model = _residual_model()
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    before = [w.copy() for w in model.layers[1].get_weights()]
    history = model.fit(x, y, epochs=30, batch_size=16, validation_split=0.2, verbose=0)
    after = model.layers[1].get_weights()
    assert not np.allclose(before[0], after[0])  # the user's kernel was trained
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert accuracy > 0.75  # chance: 0.5
    assert model.predict(x, verbose=0).shape == (200, 1)
    assert model.count_params() == 4 * 8 + 8 + 2 * (8 * 8 + 8) + 8 + 1
    model.save_weights(tmp_path / "residual.npz")
    twin = _residual_model()
    twin.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    twin.load_weights(tmp_path / "residual.npz")
    np.testing.assert_array_equal(twin.predict(x, verbose=0), model.predict(x, verbose=0))


def test_user_layer_passes_gradcheck_alone_and_in_a_model():
    course_lib.set_seed(1)
    x, y = _data(12)
    layer = Residual()
    gradcheck(layer, np.random.default_rng(0).normal(size=(5, 3)))
    model = _residual_model()
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    result = gradcheck(model, x, y)
    assert f"{model.layers[1].name}/kernel" in result


def test_user_layer_with_a_wrong_backward_is_caught():
    class Forgetful(Residual):
        def backward(self, grad):
            dx = super().backward(grad)
            self.bias_grad[...] = 0  # forgets the bias
            return dx

    course_lib.set_seed(2)
    with pytest.raises(AssertionError, match=r"forgetful.*/bias"):
        gradcheck(Forgetful(), np.random.default_rng(0).normal(size=(5, 3)))


def test_layer_without_forward_or_backward_says_what_to_implement():
    class Empty(Layer):
        pass

    model = Sequential([Input(shape=(2,)), Empty(), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(NotImplementedError, match=r"Empty must implement forward\(x, training"):
        model.fit(np.zeros((4, 2)), np.zeros(4), verbose=0)

    class NoBackward(Layer):
        def forward(self, x, training=False):
            return x

    model = Sequential([Input(shape=(2,)), Dense(2), NoBackward(), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(NotImplementedError, match=r"NoBackward must implement backward\(grad\)"):
        model.fit(np.zeros((4, 2)), np.zeros(4), verbose=0)


# --------------------------------------------------------------------- never silently untrained
def test_a_layer_shared_by_two_models_is_trained_by_both():
    course_lib.set_seed(3)
    x, y = _data(64)
    shared = Dense(8, activation="relu")
    first = Sequential([Input(shape=(4,)), shared, Dense(1, activation="sigmoid")])
    second = Sequential([Input(shape=(4,)), shared, Dense(1)])  # builds after the first
    first.compile(optimizer="sgd", loss="binary_crossentropy")
    second.compile(optimizer="sgd", loss="mse")
    for model, name in ((first, "first"), (second, "second"), (first, "first again")):
        before = shared.kernel.copy()
        model.fit(x, y, epochs=2, batch_size=16, verbose=0)
        assert not np.allclose(shared.kernel, before), f"{name}: the shared kernel did not move"
        # both models compute with the same, current shared weights
        np.testing.assert_array_equal(first.get_weights()[0], second.get_weights()[0])
        np.testing.assert_array_equal(first.get_weights()[0], shared.kernel)


def test_a_kernel_assigned_by_hand_is_used_and_trained_by_the_next_fit():
    course_lib.set_seed(4)
    x, y = _data(64)
    model = Sequential([Input(shape=(4,)), Dense(3, activation="tanh"), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    layer = model.layers[0]
    new_kernel = np.full((4, 3), 0.25, dtype=np.float32)
    layer.kernel = new_kernel  # replaced, not written into
    np.testing.assert_array_equal(model.get_weights()[0], new_kernel)  # visible at once
    model.fit(x, y, epochs=1, verbose=0)
    assert not np.allclose(layer.kernel, 0.25)  # trained from the assigned values
    np.testing.assert_array_equal(model.get_weights()[0], layer.kernel)
    twin = Sequential([Input(shape=(4,)), Dense(3, activation="tanh"), Dense(1)])
    twin.compile(optimizer="sgd", loss="mse")
    twin.set_weights([new_kernel, *model.get_weights()[1:]])


def test_a_kernel_of_another_shape_is_refused_by_name():
    model = Sequential([Input(shape=(4,)), Dense(3), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.layers[0].kernel = np.zeros((5, 3), dtype=np.float32)
    name = model.layers[0].name
    with pytest.raises(ValueError, match=rf"`{name}.kernel`, expected an array of shape \(4, 3\)"):
        model.fit(np.zeros((4, 4)), np.zeros(4), verbose=0)


def test_a_replaced_kernel_keeps_the_optimizer_state():
    """Adam's moments survive a hand assignment, as they survive it in Keras."""
    course_lib.set_seed(5)
    x, y = _data(32)
    model = Sequential([Input(shape=(4,)), Dense(3), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    momentum = model.optimizer._slots[0]["momentum"]
    kept = momentum.copy()
    model.layers[0].kernel = model.layers[0].kernel.copy()
    model.train_on_batch(x[:8], y[:8])
    assert model.optimizer.iterations == 2  # one step in fit (a single batch of 32), one here
    assert model.optimizer._slots[0]["momentum"] is momentum  # not rebuilt from zeros
    assert not np.array_equal(momentum, kept) and np.any(kept != 0)


# --------------------------------------------------------------------- activations ------------
@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: LeakyReLU(negative_slope=True), "negative_slope"),
        (lambda: ELU(alpha=False), "alpha"),
    ],
)
def test_leaky_relu_and_elu_reject_booleans(make, name):
    with pytest.raises(ValueError, match=rf"`{name}`"):
        make()


def test_named_activations_with_a_setting_are_not_shared():
    a, b = Dense(2, activation="leaky_relu"), Dense(2, activation="leaky_relu")
    assert a.activation is not b.activation
    a.activation.negative_slope = 0.5
    assert b.activation.negative_slope == 0.2
    assert activations.get("elu") is not activations.get("elu")
    assert activations.get("relu") is activations.relu  # stateless ones may be shared


def test_unknown_names_say_received_once():
    with pytest.raises(ValueError) as info:
        activations.get("relux")
    assert str(info.value).count("Received") == 1
    assert "Unknown activation 'relux'" in str(info.value)
