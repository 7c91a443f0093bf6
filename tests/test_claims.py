"""course_lib.claims: guaranteed ranges, raised claims, learner-facing messages, the log."""

import json

import numpy as np
import pytest

from course_lib.claims import ANY, ClaimError, Claims, at_least, at_most, between, one_of


def chapter_claims(**values):
    parameters = {"seed": 0, "kind": "spirals", "epochs": 150, "smoke": False, **values}
    return Claims(
        parameters,
        seed=ANY,
        kind=one_of("spirals", "xor"),
        epochs=at_least(100),
        smoke=one_of(False),
    )


def test_ranges_contain_what_they_say():
    assert 3 in at_least(3) and 2 not in at_least(3)
    assert 3 in at_most(3) and 4 not in at_most(3)
    assert 0.5 in between(0, 1) and 1.5 not in between(0, 1)
    assert "xor" in one_of("xor") and "moons" not in one_of("xor")
    assert object() in ANY


def test_true_is_not_one():
    assert True not in one_of(1) and 1 not in one_of(True) and False in one_of(False)
    assert True not in at_least(0)
    assert "7" not in at_least(0)


def test_a_holding_claim_prints_one_line(capsys):
    claims = chapter_claims()
    assert claims.inside
    assert claims.check("depth helps", np.bool_(True), measured={"accuracy": 0.97}) is True
    assert capsys.readouterr().out == "claim holds: depth helps\n"


def test_a_failing_claim_inside_the_range_raises_with_claim_values_and_parameters():
    claims = chapter_claims(seed=7)
    with pytest.raises(ClaimError) as info:
        claims.check("depth helps", 0.71 > 0.95, measured={"accuracy": np.float32(0.71)})
    message = str(info.value)
    assert "The chapter claims: depth helps. It did not hold." in message
    assert "accuracy = 0.71" in message
    assert "seed=7" in message and "kind='spirals'" in message


def test_outside_the_range_a_failing_claim_explains_instead_of_raising(capsys):
    claims = chapter_claims(kind="moons")
    assert not claims.inside
    held = claims.check(
        "depth helps",
        False,
        measured={"accuracy": 0.91},
        otherwise="On moons one hidden layer is already enough.",
    )
    out = capsys.readouterr().out
    assert held is False
    assert out.startswith(
        "claim not true for your parameters: depth helps. Measured: accuracy = 0.91."
    )
    assert "kind='moons' (guaranteed: 'spirals' or 'xor')" in out
    assert out.strip().endswith("On moons one hidden layer is already enough.")


def test_describe_names_every_range_and_the_learners_position():
    assert chapter_claims().describe() == (
        "The claims this chapter checks are guaranteed for: `seed` any; `kind` 'spirals' or "
        "'xor'; `epochs` >= 100; `smoke` False. Your parameters are inside that range: every "
        "claim is enforced."
    )
    text = chapter_claims(epochs=30, smoke=True).describe()
    assert "Outside it: epochs=30 (guaranteed: >= 100), smoke=True (guaranteed: False)." in text


def test_every_parameter_needs_a_range():
    with pytest.raises(
        ValueError, match=r"no range for \['smoke'\]; ranges for unknown \['seeds'\]"
    ):
        Claims({"seed": 0, "smoke": False}, seed=ANY, seeds=ANY)
    with pytest.raises(TypeError, match=r"Received an invalid range for `seed`.*Received: seed=3"):
        Claims({"seed": 0}, seed=3)
    with pytest.raises(TypeError, match="expected a mapping"):
        Claims([("seed", 0)], seed=ANY)


def test_bad_claims_are_refused():
    claims = chapter_claims()
    with pytest.raises(ValueError, match="expected a sentence"):
        claims.check("", True)
    with pytest.raises(TypeError, match="expected a single truth value"):
        claims.check("all agree", np.array([True, False]))
    with pytest.raises(ValueError, match="low <= high"):
        between(2, 1)
    with pytest.raises(ValueError, match="at least one value"):
        one_of()


def test_checks_are_logged_when_asked(tmp_path, monkeypatch):
    log = tmp_path / "claims.jsonl"
    monkeypatch.setenv("COURSE_CLAIMS_LOG", str(log))
    claims = chapter_claims(kind="xor")
    claims.check("depth helps", True, measured={"accuracy": np.float64(0.97), "n": np.int64(3)})
    claims.check("still helps", True, measured={"curve": np.array([0.5, float("nan")])})
    first, second = [json.loads(line) for line in log.read_text().splitlines()]
    assert first == {
        "claim": "depth helps",
        "holds": True,
        "inside": True,
        "measured": {"accuracy": 0.97, "n": 3},
        "parameters": {"seed": 0, "kind": "xor", "epochs": 150, "smoke": False},
    }
    assert second["measured"] == {"curve": [0.5, "nan"]}
