"""Optimizers with Keras 3's argument names, defaults and exact update formulas.

An optimizer keeps its state (momenta, second moments) in lists lined up with the variables it
updates, and updates the variables **in place**:

>>> opt = Adam(learning_rate=0.001)
>>> opt.apply(grads, variables)   # grads[i] is dL/dvariables[i]

The formulas are those of ``keras/src/optimizers/{sgd,rmsprop,adam}.py`` (Keras 3), computed
in the variables' dtype (float32 for a model).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import numpy as np

from course_lib.nn._validation import invalid, lookup

__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "get", "ALL_OPTIMIZERS"]


def _check_float(
    name: str, value, *, low: float = 0.0, high: float | None = None, low_inclusive: bool = True
) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"Received an invalid value for `{name}`, expected a float. "
            f"Received: {name}={value!r} of type {type(value).__name__}"
        )
    value = float(value)
    too_low = value < low if low_inclusive else value <= low
    if too_low or (high is not None and value > high) or not np.isfinite(value):
        bound = (
            f"in [{low:g}, {high:g}]"
            if high is not None
            else (f"{'>=' if low_inclusive else '>'} {low:g}")
        )
        raise invalid(name, f"a float {bound}", value)
    return value


class Optimizer:
    """Base class: ``apply(grads, variables)`` updates each variable in place."""

    name = "optimizer"

    def __init__(self, learning_rate: float):
        self.learning_rate = _check_float("learning_rate", learning_rate, low_inclusive=False)
        self.iterations = 0
        self._variable_ids: list[int] | None = None
        self._slots: list[dict[str, np.ndarray]] = []

    def build(self, variables: Sequence[np.ndarray]) -> None:
        """Create the state (zeros lined up with ``variables``)."""
        self._variable_ids = [id(v) for v in variables]
        self._slots = [self._make_slots(v) for v in variables]

    def _make_slots(self, variable: np.ndarray) -> dict[str, np.ndarray]:
        return {"tmp": np.empty_like(variable), "tmp2": np.empty_like(variable)}

    def apply(self, grads: Sequence[np.ndarray], variables: Sequence[np.ndarray]) -> None:
        """One update step: each ``variables[i]`` is changed in place using ``grads[i]``."""
        if len(grads) != len(variables):
            raise ValueError(
                "Received an invalid value for `grads`, expected one gradient per variable "
                f"({len(variables)}). Received: {len(grads)} gradients"
            )
        if self._variable_ids is None or self._variable_ids != [id(v) for v in variables]:
            self.build(variables)
        step = self.iterations + 1
        for grad, variable, slots in zip(grads, variables, self._slots, strict=False):
            self.update_step(grad, variable, slots, step)
        self.iterations = step

    def apply_gradients(self, grads_and_vars: Iterable[tuple[np.ndarray, np.ndarray]]) -> None:
        """Keras's form: ``apply_gradients(zip(grads, variables))``."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])

    def update_step(self, grad, variable, slots, step: int) -> None:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"learning_rate": self.learning_rate}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Gradient descent, optionally with (Nesterov) momentum.

    Without momentum: w -= lr * g. With momentum: m = momentum * m - lr * g, then
    w += m, or with Nesterov w += momentum * m - lr * g.
    """

    name = "SGD"

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False):
        super().__init__(learning_rate)
        self.momentum = _check_float("momentum", momentum, high=1.0)
        if not isinstance(nesterov, bool):
            raise invalid("nesterov", "True or False", nesterov)
        self.nesterov = nesterov

    def _make_slots(self, variable):
        slots = super()._make_slots(variable)
        if self.momentum:
            slots["momentum"] = np.zeros_like(variable)
        return slots

    def update_step(self, grad, variable, slots, step):
        lr = variable.dtype.type(self.learning_rate)
        tmp = slots["tmp"]
        if not self.momentum:
            np.multiply(grad, lr, out=tmp)
            variable -= tmp
            return
        m = slots["momentum"]
        np.multiply(grad, -lr, out=tmp)  # -g * lr
        m *= variable.dtype.type(self.momentum)
        m += tmp  # m = -g * lr + m * momentum
        if self.nesterov:
            tmp2 = slots["tmp2"]
            np.multiply(m, variable.dtype.type(self.momentum), out=tmp2)
            tmp2 += tmp
            variable += tmp2  # w += -g * lr + m * momentum
        else:
            variable += m

    def get_config(self):
        return {
            "learning_rate": self.learning_rate,
            "momentum": self.momentum,
            "nesterov": self.nesterov,
        }


class RMSprop(Optimizer):
    """v = rho v + (1 - rho) g^2; increment = lr g / sqrt(v + epsilon);
    with momentum m = momentum m + increment, w -= m; else w -= increment."""

    name = "RMSprop"

    def __init__(
        self,
        learning_rate: float = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
    ):
        super().__init__(learning_rate)
        self.rho = _check_float("rho", rho, high=1.0)
        self.momentum = _check_float("momentum", momentum, high=1.0)
        self.epsilon = _check_float("epsilon", epsilon)

    def _make_slots(self, variable):
        slots = super()._make_slots(variable)
        slots["velocity"] = np.zeros_like(variable)
        if self.momentum:
            slots["momentum"] = np.zeros_like(variable)
        return slots

    def update_step(self, grad, variable, slots, step):
        f = variable.dtype.type
        v, tmp, tmp2 = slots["velocity"], slots["tmp"], slots["tmp2"]
        v *= f(self.rho)
        np.multiply(grad, grad, out=tmp)
        tmp *= f(1 - self.rho)
        v += tmp  # v = rho v + (1 - rho) g^2
        np.add(v, f(self.epsilon), out=tmp)
        np.sqrt(tmp, out=tmp)
        np.multiply(grad, f(self.learning_rate), out=tmp2)
        tmp2 /= tmp  # increment = lr g / sqrt(v + eps)
        if self.momentum:
            m = slots["momentum"]
            m *= f(self.momentum)
            m += tmp2
            variable -= m
        else:
            variable -= tmp2

    def get_config(self):
        return {
            "learning_rate": self.learning_rate,
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
        }


class Adam(Optimizer):
    """Adam as Keras writes it (t counts from 1):

    alpha = lr sqrt(1 - beta_2^t) / (1 - beta_1^t); m += (g - m)(1 - beta_1);
    v += (g^2 - v)(1 - beta_2); w -= alpha m / (sqrt(v) + epsilon).

    The bias correction is folded into alpha and epsilon sits outside the root, uncorrected:
    this differs slightly from the textbook form.
    """

    name = "Adam"

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
    ):
        super().__init__(learning_rate)
        self.beta_1 = _check_float("beta_1", beta_1, high=1.0)
        self.beta_2 = _check_float("beta_2", beta_2, high=1.0)
        self.epsilon = _check_float("epsilon", epsilon)
        self._constants_key: tuple | None = None
        self._constants_values: tuple = ()

    def _make_slots(self, variable):
        slots = super()._make_slots(variable)
        slots["momentum"] = np.zeros_like(variable)
        slots["velocity"] = np.zeros_like(variable)
        return slots

    def update_step(self, grad, variable, slots, step):
        m, v, tmp, tmp2 = slots["momentum"], slots["velocity"], slots["tmp"], slots["tmp2"]
        lr, beta_1, beta_2, epsilon, one, one_minus_beta_1, one_minus_beta_2 = self._constants(
            variable.dtype
        )
        # The step size, in the variables' dtype as Keras computes it (a float64 alpha differs
        # in the last bit, and over thousands of steps that bit sends training elsewhere).
        t = one.dtype.type(step)
        alpha = lr * np.sqrt(one - beta_2**t) / (one - beta_1**t)
        np.subtract(grad, m, out=tmp)
        tmp *= one_minus_beta_1  # 1 - beta_1 in Python, then float32, as Keras
        m += tmp  # m += (g - m)(1 - beta_1)
        np.multiply(grad, grad, out=tmp)
        tmp -= v
        tmp *= one_minus_beta_2
        v += tmp  # v += (g^2 - v)(1 - beta_2)
        np.multiply(m, alpha, out=tmp2)
        np.sqrt(v, out=tmp)
        tmp += epsilon
        tmp2 /= tmp
        variable -= tmp2  # w -= alpha m / (sqrt(v) + eps)

    def _constants(self, dtype) -> tuple:
        """learning_rate, beta_1, beta_2, epsilon, 1, 1 - beta_1 and 1 - beta_2 as scalars of
        ``dtype``, converted once (NumPy scalar conversions cost more than a small network's
        arithmetic). 1 - beta is computed in Python, then converted, as Keras does."""
        key = (dtype, self.learning_rate, self.beta_1, self.beta_2, self.epsilon)
        if self._constants_key != key:
            f = np.dtype(dtype).type
            self._constants_key = key
            self._constants_values = (
                f(self.learning_rate),
                f(self.beta_1),
                f(self.beta_2),
                f(self.epsilon),
                f(1),
                f(1 - self.beta_1),
                f(1 - self.beta_2),
            )
        return self._constants_values

    def get_config(self):
        return {
            "learning_rate": self.learning_rate,
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }


_BY_NAME = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam}
#: The names ``get`` accepts.
ALL_OPTIMIZERS = ("sgd", "rmsprop", "adam")


def get(identifier: str | Optimizer) -> Optimizer:
    """A new optimizer with Keras's defaults for a name, or the optimizer object given."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    if isinstance(identifier, str):
        return lookup("optimizer", identifier, _BY_NAME, names=ALL_OPTIMIZERS)()
    raise TypeError(
        "Received an invalid value for `optimizer`, expected a name such as 'adam' or an "
        f"Optimizer object. Received: optimizer={identifier!r} of type "
        f"{type(identifier).__name__}"
    )
