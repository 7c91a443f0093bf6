"""What a learner reads: every wrong item named, "not answered yet" for untouched questions, demo
cells that wait for an answer, predictions, hidden cases that never leak a number, and the
instructor's question table."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from course_lib.grading import check, requires
from course_lib.grading.cases import EXERCISES, Case, Suite, load_suite
from course_lib.grading.predict import choice, number
from course_lib.grading.scoring import score_case
from course_lib.grading.table import BEGIN, END, question_table, stale_readme, update_readme
from course_lib.grading.values import compare_values, encode

REPO = Path(__file__).resolve().parents[2]
SOLUTIONS = REPO / "solutions"


def test_every_wrong_item_is_listed_by_its_name():
    want = {"loss": 0.5, "dW1": np.ones((2, 2)), "db1": np.zeros(2), "dW2": np.ones((2, 1))}
    got = {"loss": 0.5, "dW1": np.ones((2, 2)), "db1": np.ones(2), "dW2": np.ones(2)}
    ok, message = compare_values(got, want)
    assert not ok
    assert message.startswith("db1: values differ") and "item" not in message
    assert "dW2: wrong shape: got (2,) (floats), expected (2, 1) (floats)" in message
    assert "dW1" not in message and "loss" not in message


def test_nested_items_and_sequences_are_named_from_the_top():
    ok, message = compare_values(
        {"grads": (np.ones(2), np.ones(3))}, {"grads": (np.ones(2), 0 * np.ones(3))}
    )
    assert not ok and message.startswith("grads[1]: values differ")
    ok, message = compare_values((1.0, np.ones(2)), (2.0, np.zeros(2)))
    assert "item 0" in message and "item 1" in message


def test_integers_expected_and_floats_returned_is_said():
    ok, message = compare_values(np.array([0.4, 1.0]), np.array([0, 1]))
    assert not ok and "expected integers, got floats" in message
    ok, message = compare_values(np.zeros((3, 1)), np.zeros(3, dtype=int))
    assert "got (3, 1) (floats), expected (3,) (integers)" in message


@pytest.mark.parametrize("exercise", EXERCISES)
def test_hidden_cases_never_show_a_number_from_the_hidden_inputs_or_answers(exercise):
    suite = load_suite(exercise, SOLUTIONS / "hidden_tests")
    hidden = [c for c in suite.cases if c.hidden]
    assert hidden, f"{exercise} has no hidden case"
    for case in hidden:
        label_digits = set(re.findall(r"\d+(?:\.\d+)?", f"{case.message} {case.hint}"))
        for outcome in (
            {"value": encode(np.full(3, 13_600.25))},
            {
                "error": "ValueError: operands could not be broadcast 13600 (4,7)",
                "type": "ValueError",
            },
        ):
            ok, message = score_case(case, outcome, np.zeros(3))
            assert not ok
            shown = set(re.findall(r"\d+(?:\.\d+)?", message)) - label_digits
            assert not shown, (case.id, message)


def _todo(*args, **kwargs):
    raise NotImplementedError()


def test_an_untouched_question_says_not_answered_yet_and_nothing_else():
    result = check("ch1.q1", {"relu": _todo, "sigmoid": _todo})
    text = repr(result)
    assert not result.answered and result.score == 0
    assert text.splitlines()[0].endswith(
        f": not answered yet, 0/{result.max_score:g} public points"
    )
    assert "✘" not in text and "Answer the question above" in text
    assert "not answered yet" in result._repr_html_()


def test_a_half_answered_question_lists_every_case():
    result = check("ch1.q1", {"relu": lambda z: np.maximum(z, 0.0), "sigmoid": _todo})
    assert result.answered and 0 < result.score < result.max_score
    text = repr(result)
    assert "✔" in text and "✘" in text and "not answered yet (the code still raises" in text


def test_an_undefined_name_counts_as_not_answered():
    result = check("ch1.q1", {})
    assert not result.answered
    assert "`relu` is not defined: not answered yet" in result.outcomes[0].message


def test_requires_waits_for_the_answer(capsys):
    with requires("ch1.q2"):
        _todo()
    with requires("ch1.q1", "ch1.q2"):
        raise NameError("name 'dense_forward' is not defined", name="dense_forward")
    out = capsys.readouterr().out
    assert out.count("not answered yet: answer it first") == 2
    assert "ch1.q1 and ch1.q2 (`relu`, `sigmoid`, `dense_forward`)" in out


def test_requires_lets_other_errors_through():
    with pytest.raises(ZeroDivisionError), requires("ch1.q2"):
        1 / 0  # noqa: B018
    with pytest.raises(NameError), requires("ch1.q2"):
        raise NameError("name 'typo' is not defined", name="typo")


@pytest.mark.parametrize("bad", ["ch1", "ch1.q99", 3])
def test_requires_refuses_unknown_questions(bad):
    with pytest.raises(ValueError, match="Received an invalid value for `questions`"):
        requires(bad)
    with pytest.raises(ValueError, match="Received no question"):
        requires()


def prediction_case(compare) -> Case:
    suite = Suite("ch1")
    q = suite.question("q9", "Predict", names=("prediction_q9",), kind="prediction")
    q.case(message="your prediction", compare=compare)(lambda ns: ns.prediction_q9)
    return q.cases[0]


@pytest.mark.parametrize(
    "got, ok, words",
    [
        (None, False, ["not answered yet (the prediction is still None)", "'a', 'b', 'c'"]),
        ("d", False, ["expected one of 'a', 'b', 'c', got 'd'"]),
        ("a", False, ["not this one"]),
        ("b", True, []),
        (" B ", True, []),
        (2, False, ["got 2"]),
    ],
)
def test_a_choice_prediction(got, ok, words):
    case = prediction_case(choice("a", "b", "c"))
    passed, message = score_case(case, {"value": encode(got)}, "b")
    assert passed is ok
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    "got, ok, words",
    [
        (None, False, ["not answered yet"]),
        (110.0, True, []),
        (89, False, ["within 10%"]),
        ("100", False, ["expected a finite number, got str"]),
        (float("nan"), False, ["finite number"]),
    ],
)
def test_a_number_prediction(got, ok, words):
    case = prediction_case(number(rtol=0.1))
    passed, message = score_case(case, {"value": encode(got)}, 100.0)
    assert passed is ok, message
    for word in words:
        assert word in message


def test_prediction_comparisons_refuse_bad_arguments():
    with pytest.raises(ValueError, match="`choices`"):
        choice()
    with pytest.raises(ValueError, match="`rtol`/`atol`"):
        number(rtol=0, atol=0)
    with pytest.raises(ValueError, match="`kind`"):
        Suite("ch1").question("q1", "x", kind="quiz")


def test_the_question_table_lists_every_question_with_its_points():
    table = question_table(SOLUTIONS)
    for exercise in EXERCISES:
        suite = load_suite(exercise, SOLUTIONS / "hidden_tests")
        assert (
            f"### {exercise}: {len(suite.questions)} questions, {suite.max_points:g} points"
            in table
        )
        for q in suite.questions.values():
            assert f"| {q.id} " in table and f"| {q.max_points:g} (" in table


def test_the_committed_question_table_is_up_to_date():
    assert not stale_readme(SOLUTIONS), "run `course exercises` to regenerate solutions/README.md"


def test_the_table_is_written_between_its_markers_only(tmp_path):
    (tmp_path / "README.md").write_text(f"# Mine\n\nintro\n\n{BEGIN}\nold\n{END}\n\nrest\n")
    assert stale_readme(tmp_path) and update_readme(tmp_path)
    text = (tmp_path / "README.md").read_text()
    assert text.startswith("# Mine\n\nintro\n\n") and text.endswith(f"{END}\n\nrest\n")
    assert "old" not in text and "### ch1:" in text
    assert not update_readme(tmp_path)


def test_a_folder_without_a_table_is_left_alone(tmp_path):
    assert not stale_readme(tmp_path) and not update_readme(tmp_path)
    (tmp_path / "README.md").write_text("# An instructor's own notes\n")
    assert not update_readme(tmp_path)
    assert (tmp_path / "README.md").read_text() == "# An instructor's own notes\n"
