"""The learner's in-notebook check(): friendly per-case messages, never the solution."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.grading import CheckResult, check
from course_lib.grading.check import load_expected


def good_relu(z):
    return np.maximum(0.0, z)


def good_sigmoid(z):
    e = np.exp(-np.abs(z))  # exp of non-positive numbers only: no overflow
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def naive_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_correct_answers_pass_every_public_case():
    result = check("ch1.q1", {"relu": good_relu, "sigmoid": good_sigmoid})
    assert isinstance(result, CheckResult) and result.passed
    assert result.score == result.max_score == 4
    assert "All public checks pass" in repr(result)
    assert "All public checks pass" in result._repr_html_() and "✔" in result._repr_html_()


def test_a_naive_sigmoid_fails_the_public_overflow_case():
    result = check("ch1.q1", {"relu": good_relu, "sigmoid": naive_sigmoid})
    assert not result.passed and result.score == 3
    assert "overflow" in repr(result)


def test_single_function_form():
    result = check(
        "ch1.q3", lambda sizes: sum(a * b + b for a, b in zip(sizes, sizes[1:], strict=False))
    )
    assert result.passed


def test_wrong_answer_gets_message_and_hint_but_not_the_expected_values():
    result = check("ch1.q1", {"relu": lambda z: z, "sigmoid": good_sigmoid})
    assert not result.passed and result.score == 2  # both relu cases fail, both sigmoid pass
    text = repr(result)
    assert "✘ relu on a hand-worked vector" in text
    assert "Hint:" in text and "Not there yet" in text
    assert "#b42318" in result._repr_html_()
    expected = load_expected()["values"]["ch1.q1/relu_hand_worked"]
    assert expected  # stored, but never shown
    assert "[0. 0. 0. 0.5 3.]" not in text and "0.5, 3.0" not in text


def test_missing_name_and_not_implemented_are_explained():
    result = check("ch1.q1", {"sigmoid": good_sigmoid})
    assert "`relu` is not defined" in repr(result)

    def todo(z):
        raise NotImplementedError()

    result = check("ch1.q1", {"relu": todo, "sigmoid": todo})
    assert result.score == 0 and "not answered yet" in repr(result)


def test_learner_exception_is_reported_not_raised():
    result = check(
        "ch2.q1",
        {"binary_crossentropy": lambda y, p: 1 / 0, "binary_crossentropy_grad": lambda y, p: p - y},
    )
    assert "ZeroDivisionError" in repr(result)


def test_several_names_need_globals():
    with pytest.raises(TypeError, match=r'check\("ch1.q1", globals\(\)\)'):
        check("ch1.q1", good_relu)


@pytest.mark.parametrize("question", ["ch1.q9", "nonsense", "ch7.q1"])
def test_unknown_question_is_a_clear_error(question):
    with pytest.raises((ValueError, ModuleNotFoundError)):
        check(question, good_relu)


def test_importing_the_checks_does_not_import_tensorflow():
    import subprocess
    import sys

    code = "import sys, course_lib.grading; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
