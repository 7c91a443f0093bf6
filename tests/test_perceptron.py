"""course_lib.perceptron: a hand-worked run, the rule as a gradient step, parity with scikit-learn,
Novikoff's bound, the separable data, and clear errors."""

import numpy as np
import pytest

from course_lib.perceptron import Perceptron, make_separable_2d, novikoff_bound, perceptron_loss

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def test_hand_worked_run():
    # (1, 0) is class 1, (0, 1) class 0. Epoch 1: both on the line or wrong side -> two updates:
    # w = (0,0) + (1,0) = (1,0), b = 1; then z = 0 + 1 = 1 for class 0: w = (1,-1), b = 0.
    # Epoch 2: z = 1 (class 1) and z = -1 (class 0), both right: converged.
    p = Perceptron().fit(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1, 0]))
    np.testing.assert_array_equal(p.history, [[0, 0, 0], [1, 0, 1], [1, -1, 0]])
    assert p.mistakes == [2, 0] and p.converged and p.n_updates == 2
    np.testing.assert_array_equal(p.weights, [1.0, -1.0])
    assert p.bias == 0.0
    np.testing.assert_array_equal(p.predict([[2.0, 0.0], [0.0, 2.0]]), [1, 0])


def _numerical_gradient(params, x, label, h=1e-6):
    grad = np.zeros(3)
    for k in range(3):
        up, down = params.copy(), params.copy()
        up[k] += h
        down[k] -= h
        grad[k] = (
            perceptron_loss(up[:2], up[2], x, label) - perceptron_loss(down[:2], down[2], x, label)
        ) / (2 * h)
    return grad


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_each_update_is_a_gradient_step_on_the_perceptron_loss(seed):
    X, y, _, _ = make_separable_2d(n_samples=30, margin=0.05, seed=seed)
    p = Perceptron(learning_rate=0.5).fit(X, y)
    t = 2 * y - 1
    # replay the visits in order: every update is -learning_rate times the finite-difference
    # gradient of the loss of the example it was made for (away from the kink t z = 0)
    k, checked = 0, 0
    params = p.history[0]
    for _epoch in p.mistakes:
        for i in range(len(X)):
            z = X[i] @ params[:2] + params[2]
            if t[i] * z <= 0:
                step = p.history[k + 1] - p.history[k]
                np.testing.assert_allclose(step, 0.5 * t[i] * np.append(X[i], 1.0))
                if t[i] * z < -1e-3:
                    np.testing.assert_allclose(
                        step, -0.5 * _numerical_gradient(params, X[i], y[i]), atol=1e-6
                    )
                    checked += 1
                k += 1
                params = p.history[k]
            else:
                np.testing.assert_allclose(_numerical_gradient(params, X[i], y[i]), 0.0)
    assert k == p.n_updates and checked > 0


def test_correct_examples_have_zero_loss_and_gradient():
    w, b = np.array([1.0, -1.0]), 0.5
    assert perceptron_loss(w, b, np.array([2.0, 0.0]), 1) == 0.0
    assert perceptron_loss(w, b, np.array([2.0, 0.0]), 0) == pytest.approx(2.5)


@pytest.mark.parametrize("seed", [0, 3, 7])
def test_same_weights_as_scikit_learn(seed):
    from sklearn.linear_model import Perceptron as SkPerceptron

    X, y, _, _ = make_separable_2d(n_samples=60, margin=0.1, seed=seed)
    ours = Perceptron(max_epochs=200).fit(X, y)
    assert ours.converged
    sk = SkPerceptron(eta0=1.0, shuffle=False, max_iter=len(ours.mistakes), tol=None)
    sk.fit(X, y)
    np.testing.assert_allclose(sk.coef_.ravel(), ours.weights, atol=1e-12)
    np.testing.assert_allclose(sk.intercept_, [ours.bias], atol=1e-12)


@pytest.mark.parametrize(
    ("seed", "margin", "shuffle_seed"), [(0, 0.1, None), (1, 0.05, 4), (2, 0.3, 0)]
)
def test_converges_within_novikoffs_bound(seed, margin, shuffle_seed):
    X, y, w, b = make_separable_2d(n_samples=200, margin=margin, seed=seed)
    p = Perceptron(max_epochs=5000, shuffle_seed=shuffle_seed).fit(X, y)
    assert p.converged and p.mistakes[-1] == 0
    assert p.score(X, y) == 1.0
    assert p.n_updates <= novikoff_bound(X, y, w, b)
    assert len(p.history) == p.n_updates + 1


def test_novikoff_bound_by_hand():
    # one point (3, 0) of class 1 and (-3, 0) of class 0; line x1 = 0: w = (1, 0), b = 0.
    # R = |(3, 0, 1)| = sqrt(10); gamma = 3 / 1 = 3; bound = 10 / 9.
    X = np.array([[3.0, 0.0], [-3.0, 0.0]])
    assert novikoff_bound(X, np.array([1, 0]), [1.0, 0.0], 0.0) == pytest.approx(10 / 9)
    # scaling (w, b) changes nothing
    assert novikoff_bound(X, np.array([1, 0]), [5.0, 0.0], 0.0) == pytest.approx(10 / 9)


def test_xor_never_converges():
    p = Perceptron(max_epochs=50).fit(XOR_X, XOR_Y)
    assert not p.converged
    assert len(p.mistakes) == 50 and min(p.mistakes) > 0
    assert p.score(XOR_X, XOR_Y) <= 0.75


@pytest.mark.parametrize("seed", [0, 1, 5])
def test_separable_data_keeps_its_margin(seed):
    X, y, w, b = make_separable_2d(n_samples=150, margin=0.2, seed=seed)
    assert X.shape == (150, 2) and y.shape == (150,)
    assert set(np.unique(y)) == {0, 1}
    assert np.linalg.norm(w) == pytest.approx(1.0)
    t = 2 * y - 1
    assert np.min(t * (X @ w + b)) >= 0.2
    X2, y2, _, _ = make_separable_2d(n_samples=150, margin=0.2, seed=seed)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)


def test_tiny_datasets_have_both_classes():
    for seed in range(20):
        X, y, w, b = make_separable_2d(n_samples=2, margin=0.5, seed=seed)
        assert set(np.unique(y)) == {0, 1}
        assert np.min((2 * y - 1) * (X @ w + b)) >= 0.5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"learning_rate": 0},
            "`learning_rate`, expected a positive number. Received: learning_rate=0",
        ),
        ({"learning_rate": True}, "`learning_rate`, expected a positive number"),
        ({"max_epochs": 0}, "`max_epochs`, expected an integer >= 1. Received: max_epochs=0"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        Perceptron(**kwargs)


def test_bad_data_is_named():
    with pytest.raises(TypeError, match="`shuffle_seed`, expected None or an integer"):
        Perceptron(shuffle_seed=1.5)
    with pytest.raises(ValueError, match=r"`X`, expected a non-empty array .* X.shape=\(3,\)"):
        Perceptron().fit(np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"`y`, expected one label per row of X, shape \(2,\)"):
        Perceptron().fit(np.zeros((2, 2)), np.zeros(3))
    with pytest.raises(
        ValueError, match=r"`y`, expected labels 0 and 1. Received: labels \[-1, 1\]"
    ):
        Perceptron().fit(np.zeros((2, 2)), np.array([-1, 1]))
    with pytest.raises(ValueError, match="not fitted yet"):
        Perceptron().predict(np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"expected shape \(n_samples, 2\)"):
        Perceptron().fit(XOR_X, XOR_Y).predict(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="positive margin"):
        novikoff_bound(XOR_X, XOR_Y, [1.0, 1.0], -0.5)
    with pytest.raises(ValueError, match=r"`w`, expected shape \(2,\)"):
        novikoff_bound(XOR_X, XOR_Y, [1.0], 0.0)
    with pytest.raises(ValueError, match="`margin`, expected a number in \\(0, 1\\)"):
        make_separable_2d(margin=1.5)
    with pytest.raises(ValueError, match="`n_samples`, expected an integer >= 2"):
        make_separable_2d(n_samples=1)
    with pytest.raises(ValueError, match="`seed`, expected a non-negative integer"):
        make_separable_2d(seed=-1)
