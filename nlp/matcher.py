"""Finding many literal words in a short text in one pass (indexed by first character)."""

from __future__ import annotations

from collections.abc import Iterable


class WordIndex:
    """Literal words with payloads; `scan` returns every occurrence in a text."""

    def __init__(self, entries: Iterable[tuple[str, object]]):
        # first char -> [(length, {word: [payloads]})]: one dict lookup per length, not one
        # startswith per candidate word (some first chars start hundreds of words).
        tables: dict[str, dict[int, dict[str, list[object]]]] = {}
        for word, payload in entries:
            if word:
                by_len = tables.setdefault(word[0], {})
                by_len.setdefault(len(word), {}).setdefault(word, []).append(payload)
        self._by_first = {ch: sorted(t.items()) for ch, t in tables.items()}

    def scan(self, text: str) -> list[tuple[int, str, object]]:
        """(position, word, payload) of every occurrence, left to right."""
        out = []
        by_first = self._by_first
        for i, ch in enumerate(text):
            tables = by_first.get(ch)
            if tables:
                for length, words in tables:
                    payloads = words.get(text[i : i + length])
                    if payloads:
                        word = text[i : i + length]
                        out.extend((i, word, p) for p in payloads)
        return out
