"""Claims a chapter makes, checked for the learner's own parameters.

A chapter's prose says things about what its cells compute ("without a hidden layer the accuracy
stays below 0.8"). Each such sentence is a *claim*: a check cell verifies it, and it must hold for
every parameter value the chapter says it holds for. This module is that check::

    claims = Claims(
        dict(seed=seed, kind=kind, epochs=epochs, smoke=smoke),
        seed=ANY, kind=one_of("spirals", "xor"), epochs=at_least(100), smoke=one_of(False),
    )
    print(claims.describe())          # next to the parameters cell: the guaranteed range
    ...
    claims.check(
        "a network without a hidden layer stays below 0.8 accuracy",
        linear < 0.8,
        measured={"accuracy": linear},
        otherwise="a linear boundary is enough for this dataset",
    )

Inside the guaranteed range a claim that does not hold raises :class:`ClaimError`, naming the claim,
the measured values and the parameters, so ``course run``, nbval and ``make claims`` fail. Outside
it, the cell says plainly what happened with the learner's values and why it can differ, and the
notebook goes on.

When the environment variable ``COURSE_CLAIMS_LOG`` names a file, every check appends one JSON line
to it (claim, measured values, parameters, whether it held): ``course claims`` collects them into a
report of the values measured across the runs it makes.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ANY", "ClaimError", "Claims", "at_least", "at_most", "between", "one_of"]

#: Environment variable naming a JSON-lines file that receives every checked claim.
LOG_ENV = "COURSE_CLAIMS_LOG"


class ClaimError(AssertionError):
    """A claim the chapter guarantees for these parameters did not hold."""


def _same(value: object, allowed: object) -> bool:
    """Equality in which True is not 1 (bool is an int in Python)."""
    if isinstance(value, bool) or isinstance(allowed, bool):
        return type(value) is type(allowed) and value == allowed
    return value == allowed


@dataclass(frozen=True)
class _Range:
    """A set of parameter values, with a description a learner can read."""

    text: str
    low: float | None = None
    high: float | None = None
    values: tuple = ()
    anything: bool = False

    def __contains__(self, value: object) -> bool:
        if self.anything:
            return True
        if self.values:
            return any(_same(value, allowed) for allowed in self.values)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if self.low is not None and value < self.low:
            return False
        return not (self.high is not None and value > self.high)


#: Any value of the parameter is inside the guaranteed range.
ANY = _Range("any", anything=True)


def one_of(*values: object) -> _Range:
    """The parameter must equal one of ``values``."""
    if not values:
        raise ValueError(
            "Received an invalid value for `values`, expected at least one value. "
            "Received: values=()"
        )
    return _Range(" or ".join(repr(v) for v in values), values=tuple(values))


def at_least(low: float) -> _Range:
    """The parameter must be a number ``>= low``."""
    return _Range(f">= {low}", low=low)


def at_most(high: float) -> _Range:
    """The parameter must be a number ``<= high``."""
    return _Range(f"<= {high}", high=high)


def between(low: float, high: float) -> _Range:
    """The parameter must be a number in ``[low, high]``."""
    if low > high:
        raise ValueError(
            f"Received an invalid range, expected low <= high. Received: low={low!r}, high={high!r}"
        )
    return _Range(f"from {low} to {high}", low=low, high=high)


def _format(value: Any) -> str:
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:.4g}"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_format(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_format(v) for v in value) + "]"
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:  # NumPy scalars
        return _format(value.item())
    return repr(value)


def _plain(value: Any) -> Any:
    """JSON-safe copy of a measured value (NumPy scalars and arrays become Python numbers)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    return repr(value)


class Claims:
    """The claims of one chapter, guaranteed for a range of its parameters.

    ``parameters`` are the learner's values (the chapter's ``parameters`` cell); each keyword names
    one of them and gives its guaranteed range (:data:`ANY`, :func:`one_of`, :func:`at_least`,
    :func:`at_most`, :func:`between`). Every parameter needs a range: a parameter the claims do not
    depend on takes :data:`ANY`.
    """

    def __init__(self, parameters: Mapping[str, object], **guaranteed: _Range) -> None:
        if not isinstance(parameters, Mapping):
            raise TypeError(
                f"Received an invalid value for `parameters`, expected a mapping of "
                f"parameter names to values. Received: parameters={parameters!r}"
            )
        missing = sorted(set(parameters) - set(guaranteed))
        unknown = sorted(set(guaranteed) - set(parameters))
        if missing or unknown:
            raise ValueError(
                "Received an invalid guaranteed range, expected one range for each parameter. "
                f"Received: no range for {missing or 'none'}; ranges for unknown {unknown or 'none'}"
            )
        for name, value in guaranteed.items():
            if not isinstance(value, _Range):
                raise TypeError(
                    f"Received an invalid range for `{name}`, expected ANY, one_of(...), "
                    f"at_least(...), at_most(...) or between(...). Received: {name}={value!r}"
                )
        self.parameters = dict(parameters)
        self.guaranteed = dict(guaranteed)
        self.checked = 0

    @property
    def outside(self) -> list[str]:
        """The parameters whose values are outside the guaranteed range, described."""
        return [
            f"{name}={self.parameters[name]!r} (guaranteed: {rng.text})"
            for name, rng in self.guaranteed.items()
            if self.parameters[name] not in rng
        ]

    @property
    def inside(self) -> bool:
        """Whether every parameter is inside its guaranteed range."""
        return not self.outside

    def describe(self) -> str:
        """One paragraph for the learner: where the claims are guaranteed, and where theirs are."""
        ranges = "; ".join(f"`{name}` {rng.text}" for name, rng in self.guaranteed.items())
        text = f"The claims this chapter checks are guaranteed for: {ranges}."
        if self.inside:
            return text + " Your parameters are inside that range: every claim is enforced."
        return (
            text + " Outside it: " + ", ".join(self.outside) + ". Claims are still checked, "
            "and each says what happened with your values instead of stopping the chapter."
        )

    def _log(self, record: dict) -> None:
        path = os.environ.get(LOG_ENV)
        if not path:
            return
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps(record, sort_keys=True) + "\n")

    def check(
        self,
        claim: str,
        holds: object,
        *,
        measured: Mapping[str, object] | None = None,
        otherwise: str = "",
    ) -> bool:
        """Verify one claim; print a line saying so.

        ``holds`` is the claim's truth, computed in the cell (a bool or NumPy bool);
        ``measured`` the values it was decided on (shown when it fails); ``otherwise`` a sentence
        explaining why it can fail outside the guaranteed range. Returns whether it held; raises
        :class:`ClaimError` when it did not and the parameters are inside the range.
        """
        if not isinstance(claim, str) or not claim.strip():
            raise ValueError(
                f"Received an invalid value for `claim`, expected a sentence. "
                f"Received: claim={claim!r}"
            )
        if not hasattr(holds, "__bool__") or (hasattr(holds, "size") and holds.size != 1):
            raise TypeError(
                f"Received an invalid value for `holds`, expected a single truth "
                f"value. Received: holds={holds!r}"
            )
        holds = bool(holds)
        measured = dict(measured or {})
        self.checked += 1
        self._log(
            {
                "claim": claim,
                "holds": holds,
                "inside": self.inside,
                "measured": _plain(measured),
                "parameters": _plain(self.parameters),
            }
        )
        values = ", ".join(f"{k} = {_format(v)}" for k, v in measured.items()) or "nothing recorded"
        params = ", ".join(f"{k}={v!r}" for k, v in self.parameters.items())
        if holds:
            note = "" if self.inside else " (it holds here too, outside the guaranteed range)"
            print(f"claim holds: {claim}{note}")
            return True
        if self.inside:
            raise ClaimError(
                f"The chapter claims: {claim}. It did not hold. Measured: {values}. "
                f"Parameters: {params}, inside the range the chapter guarantees, so this is a bug "
                f"in the chapter: please report it."
            )
        because = f" {otherwise.strip()}" if otherwise.strip() else ""
        print(
            f"claim not true for your parameters: {claim}. Measured: {values}. "
            f"With {', '.join(self.outside)}, the chapter does not guarantee it.{because}"
        )
        return False
