"""Finding many literal words in a short text in one pass (indexed by first character)."""

from __future__ import annotations

from collections.abc import Iterable


class WordIndex:
    """Literal words with payloads; `scan` returns every occurrence in a text."""

    def __init__(self, entries: Iterable[tuple[str, object]]):
        self._by_first: dict[str, list[tuple[str, object]]] = {}
        for word, payload in entries:
            if word:
                self._by_first.setdefault(word[0], []).append((word, payload))

    def scan(self, text: str) -> list[tuple[int, str, object]]:
        """(position, word, payload) of every occurrence, left to right."""
        out = []
        by_first = self._by_first
        for i, ch in enumerate(text):
            candidates = by_first.get(ch)
            if candidates:
                for word, payload in candidates:
                    if text.startswith(word, i):
                        out.append((i, word, payload))
        return out
