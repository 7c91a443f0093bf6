"""English words from a word list shipped in a PyPI package (``english-words``; no download)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from course_lib.datasets._common import _check_seed, import_optional, train_val_test_split

__all__ = ["WordList", "load_words", "WORD_SOURCES"]

WORD_SOURCES = {
    "gcide": "GNU Collaborative International Dictionary of English (about 100k headwords)",
    "web2": "Webster's Second International Dictionary, 1934 (about 235k words, many rare)",
}


@dataclass(frozen=True, repr=False)
class WordList:
    """Words split into train, validation and test lists (disjoint: no word is in two parts).

    Attributes:
        train, val, test: tuples of lower-case words made of the letters a-z only.
        alphabet: the letters that occur, sorted (``"abcdefghijklmnopqrstuvwxyz"``).
        source: where the words come from.
    """

    train: tuple[str, ...]
    val: tuple[str, ...]
    test: tuple[str, ...]
    alphabet: str
    source: str

    def summary(self) -> str:
        """Number of words and characters in each part, one line each."""
        lines = [self.source]
        for part in ("train", "val", "test"):
            words = getattr(self, part)
            n_chars = sum(len(word) for word in words)
            lines.append(f"{part:>5}: {len(words)} words, {n_chars} characters")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"WordList(train {len(self.train)}, val {len(self.val)}, test {len(self.test)} "
            f"words, alphabet {self.alphabet!r})"
        )


def load_words(
    n_words: int = 10_000,
    seed: int = 0,
    val_fraction: float = 0.1,
    test_fraction: float = 0.1,
    source: str = "gcide",
    min_length: int = 3,
    max_length: int = 12,
) -> WordList:
    """A seeded random sample of ``n_words`` English words, split into train / val / test.

    Only words of letters a-z with ``min_length <= len(word) <= max_length`` are kept. The word
    list is sorted before sampling, so the sample does not depend on Python's hash seed.

    Args:
        n_words: how many words to sample (``None`` or more than available: all of them).
        source: ``"gcide"`` or ``"web2"``, see ``WORD_SOURCES``.

    Returns:
        a :class:`WordList`; default 8,000 / 1,000 / 1,000 words.
    """
    if source not in WORD_SOURCES:
        raise ValueError(
            f"Received an invalid value for `source`, expected one of {sorted(WORD_SOURCES)}. "
            f"Received: source={source!r}"
        )
    for name, value in (("min_length", min_length), ("max_length", max_length)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(
                f"Received an invalid value for `{name}`, expected a positive integer. "
                f"Received: {name}={value!r}"
            )
    if n_words is not None and (
        isinstance(n_words, bool) or not isinstance(n_words, (int, np.integer)) or n_words < 3
    ):
        raise ValueError(
            f"Received an invalid value for `n_words`, expected an integer >= 3 or None. "
            f"Received: n_words={n_words!r}"
        )
    english_words = import_optional("english_words", "english-words", "load_words()")
    letters_only = re.compile(r"[a-z]+")
    words = sorted(
        word
        for word in english_words.get_english_words_set([source], alpha=True, lower=True)
        if letters_only.fullmatch(word) and min_length <= len(word) <= max_length
    )
    rng = np.random.default_rng(_check_seed(seed))
    if n_words is not None and n_words < len(words):
        chosen = np.sort(rng.choice(len(words), size=n_words, replace=False))
        words = [words[i] for i in chosen]
    train, val, test = train_val_test_split(
        len(words), val_fraction=val_fraction, test_fraction=test_fraction, seed=seed
    )
    return WordList(
        train=tuple(words[i] for i in train),
        val=tuple(words[i] for i in val),
        test=tuple(words[i] for i in test),
        alphabet="".join(sorted(set("".join(words)))),
        source=(
            f"{WORD_SOURCES[source]}, from the `english-words` package: "
            f"english_words.get_english_words_set([{source!r}], alpha=True, lower=True)"
        ),
    )
