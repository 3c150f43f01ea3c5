"""Text similarity used to merge neighbours' reports of the same incident."""

from __future__ import annotations

import re

_NOISE = re.compile(r"[\s\W_]+")


def bigrams(text: str) -> set[str]:
    """Character bigrams of `text` without spaces and punctuation (single char kept as is)."""
    text = _NOISE.sub("", text)
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def dice(a: str, b: str) -> float:
    """Dice coefficient of the two texts' character bigrams, 0..1."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))
