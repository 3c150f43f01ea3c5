"""Finding many literal words in a short text in one pass; skipping regexes that cannot match
(the analysis of a pattern by the stdlib's own parser lives here, once)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import chain
from operator import itemgetter
from re import _constants as _c  # the stdlib's own parser of a pattern
from re import _parser

import ahocorasick


class WordIndex:
    """Literal words with payloads; `scan` returns every occurrence in a text (an Aho-Corasick
    automaton: one pass in C over the text, whatever the number of words)."""

    def __init__(self, entries: Iterable[tuple[str, object]]):
        payloads: dict[str, list[object]] = {}
        for word, payload in entries:
            if word:
                payloads.setdefault(word, []).append(payload)
        self._automaton = ahocorasick.Automaton()
        for word, found in payloads.items():
            self._automaton.add_word(word, (len(word) - 1, word, tuple(found)))
        if payloads:
            self._automaton.make_automaton()

    def scan(self, text: str) -> list[tuple[int, str, object]]:
        """(position, word, payload) of every occurrence, left to right (shorter words first)."""
        if self._automaton.kind != ahocorasick.AHOCORASICK:
            return []  # no words
        hits = [
            (end - back, back, word, p)
            for end, (back, word, found) in self._automaton.iter(text)
            for p in found
        ]
        hits.sort(key=_POSITION_LENGTH)  # the automaton reports by end position
        return [(pos, word, p) for pos, _, word, p in hits]


_POSITION_LENGTH = itemgetter(0, 1)


class PatternGate:
    """Regular expressions with payloads, each searched only in texts holding the chars it needs."""

    def __init__(self, entries: Iterable[tuple[re.Pattern, object]]):
        self.entries = tuple(entries)
        needs = [required_chars(p.pattern) for p, _ in self.entries]
        self._always = tuple(i for i, n in enumerate(needs) if not n)
        # A pattern is listed under the chars of its smallest need; the others are checked after.
        by_char: dict[str, list[int]] = {}
        for i, n in enumerate(needs):
            for ch in n[0] if n else ():
                by_char.setdefault(ch, []).append(i)
        self._by_char = {ch: tuple(ids) for ch, ids in by_char.items()}
        self._rest = [n[1:] for n in needs]

    def candidates(self, text: str) -> list[tuple[re.Pattern, object]]:
        """The (pattern, payload) entries that may match `text`, in their order."""
        chars = set(text)
        by_char, rest, entries = self._by_char, self._rest, self.entries
        listed = chain.from_iterable(map(by_char.get, chars & by_char.keys()))
        out = []
        for i in sorted({*self._always, *listed}):
            for need in rest[i]:
                if need.isdisjoint(chars):
                    break
            else:
                out.append(entries[i])
        return out


def required_chars(pattern: str) -> tuple[frozenset[str], ...]:
    """Char sets a text must meet, one char of each, for `pattern` to match anywhere in it.

    A cheap test run before the search (most patterns need a char most texts lack). Only
    literals count; anything the analysis does not follow (classes, lookarounds, case folding)
    requires nothing, so the test never skips a pattern that could match.
    """
    try:
        parsed = _parser.parse(pattern)
    except (re.error, TypeError, ValueError):
        return ()
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return ()
    needs = _sequence_needs(list(parsed))
    # Smallest sets first: they fail soonest; a few are enough.
    return tuple(sorted(set(needs), key=lambda s: (len(s), sorted(s))))[:4]


def _sequence_needs(items: list) -> list[frozenset[str]]:
    """Every mandatory item of a sequence adds its needs."""
    out: list[frozenset[str]] = []
    for op, arg in items:
        out += _item_needs(op, arg)
    return out


def _item_needs(op, arg) -> list[frozenset[str]]:
    """The needs of one parsed item (empty when it needs nothing that is followed here)."""
    if op is _c.LITERAL:
        return [frozenset(chr(arg))]
    if op is _c.IN and all(o is _c.LITERAL for o, _ in arg):
        return [frozenset(chr(a) for _, a in arg)]
    if op is _c.SUBPATTERN:
        _, add_flags, _, body = arg
        return [] if add_flags & re.IGNORECASE else _sequence_needs(list(body))
    if op is _c.BRANCH:
        chosen = []
        for branch in arg[1]:
            needs = _sequence_needs(list(branch))
            if not needs:
                return []  # a branch that needs nothing: the alternation needs nothing
            chosen.append(min(needs, key=len))
        return [frozenset().union(*chosen)]
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and arg[0] >= 1:
        return _sequence_needs(list(arg[2]))
    return []


def _start_chars(items: list) -> tuple[set[str] | None, bool]:
    """(chars a match of the parsed regex `items` can start with, or None for any; whether it
    can match empty), skipping lookarounds."""
    chars: set[str] = set()
    for op, arg in items:
        if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
            continue
        if op is _c.LITERAL:
            return chars | {chr(arg)}, False
        if op is _c.IN:
            for kind, value in arg:
                if kind is _c.LITERAL:
                    chars.add(chr(value))
                elif kind is _c.RANGE and value[1] - value[0] < 100:
                    chars.update(map(chr, range(value[0], value[1] + 1)))
                elif kind is _c.CATEGORY and value is _c.CATEGORY_DIGIT:
                    chars.update("0123456789")
                else:
                    return None, False
            return chars, False
        if op is _c.SUBPATTERN:
            alternatives = [list(arg[-1])]
        elif op is _c.BRANCH:
            alternatives = [list(b) for b in arg[1]]
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            alternatives = [list(arg[2])] if arg[0] else [list(arg[2]), []]
        else:
            return None, False
        empty = False
        for alt in alternatives:
            sub, nullable = _start_chars(alt)
            if sub is None:
                return None, False
            chars |= sub
            empty |= nullable or not alt
        if not empty:
            return chars, False
    return chars, True


def start_class(pattern: re.Pattern) -> re.Pattern:
    """A char class of the chars a match of `pattern` can start with: searching it finds the
    places worth trying `pattern.match` at (`required_chars` above asks the other question:
    which chars a text must hold for a match anywhere)."""
    chars, empty = _start_chars(list(_parser.parse(pattern.pattern)))
    if chars is None or empty:
        raise ValueError(f"a match of {pattern.pattern[:40]!r}… must start with known chars")
    return re.compile("[" + "".join(map(re.escape, sorted(chars))) + "]")
