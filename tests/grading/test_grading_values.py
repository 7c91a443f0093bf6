"""Plain-data transport of results and the comparisons made in the grader's process."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from course_lib.grading.values import DecodeError, compare_values, decode, encode


def roundtrip(value):
    return decode(json.loads(json.dumps(encode(value), allow_nan=False)))


@pytest.mark.parametrize(
    "value",
    [
        1,
        2.5,
        True,
        None,
        "relu",
        np.float32(0.25),
        np.int64(7),
        np.arange(6.0).reshape(2, 3),
        np.array([True, False]),
        np.arange(4, dtype=np.int32),
        (1.0, [np.ones(2), {"a": 3}]),
    ],
)
def test_roundtrip_keeps_values(value):
    back = roundtrip(value)
    ok, message = compare_values(back, roundtrip(value))
    assert ok, message


def test_non_finite_floats_survive_strict_json():
    back = roundtrip(np.array([np.nan, np.inf, -np.inf, 1.0]))
    assert np.isnan(back[0]) and back[1] == math.inf and back[2] == -math.inf


def test_encode_refuses_objects():
    with pytest.raises(TypeError, match="Received: object"):
        encode(object())
    with pytest.raises(TypeError, match="dtype object"):
        encode(np.array([object()]))


@pytest.mark.parametrize(
    "data",
    [
        {"__ndarray__": {"kind": "f", "shape": [3], "data": [1.0, 2.0]}},
        {"__ndarray__": {"kind": "O", "shape": [1], "data": [1]}},
        {"__ndarray__": {"kind": "f", "shape": [-1], "data": []}},
        {"__ndarray__": {"kind": "f", "shape": [1], "data": ["1"]}},
        {"__ndarray__": {"kind": "i", "shape": [1], "data": [1.5]}},
        {"__pickle__": "gASV"},
        {"__seq__": [1], "extra": 2},
        [1, 2],
    ],
)
def test_decode_rejects_anything_malformed(data):
    with pytest.raises(DecodeError):
        decode(data)


def test_compare_accepts_tolerance_and_scalar_forms():
    assert compare_values(np.array(0.5 + 1e-9), 0.5)[0]
    assert compare_values((1.0, 2.0), np.array([1.0, 2.0]))[0]
    assert compare_values({"w": np.ones(2)}, {"w": np.ones(2)})[0]


@pytest.mark.parametrize(
    "got, want, words",
    [
        (np.zeros(3), np.zeros((3, 1)), ["wrong shape", "(3,)", "(3, 1)"]),
        (np.array([1.0, 2.0, 9.0]), np.array([1.0, 2.0, 3.0]), ["1 of 3 wrong", "index (2,)"]),
        (np.array([np.nan]), np.array([0.123456]), ["NaN or inf"]),
        ("relu", 0.123456, ["expected a float", "got a str"]),
        ((1.0,), (np.ones(2), np.ones(2)), ["expected 2 items, got 1"]),
        ({"b": 1}, {"a": 0.123456}, ["missing the key(s) 'a'"]),
    ],
)
def test_compare_says_what_is_wrong_without_the_expected_numbers(got, want, words):
    ok, message = compare_values(got, want)
    assert not ok
    for word in words:
        assert word in message
    assert "0.123456" not in message and "0.1235" not in message
