"""The fast paths of the word and pattern scans find what the plain scans find."""

from __future__ import annotations

import math
import re

import pytest

from nlp.matcher import PatternGate, WordIndex, required_chars
from nlp.model import LinearModel
from nlp.tools import train


def _texts(clf) -> list[str]:
    return [clf.normalize(r["text"]).text for r in train.load_training()]


def _plain_scan(entries, text):
    """Every (position, word, payload), shorter words first at a position."""
    found = []
    for word, payload in entries:
        i = text.find(word) if word else -1
        while i >= 0:
            found.append((i, word, payload))
            i = text.find(word, i + 1)
    return sorted(found, key=lambda hit: (hit[0], len(hit[1])))


def test_word_index_finds_every_occurrence():
    """Overlapping words, one-char words and words at the end are all found, in order."""
    entries = [("消防", 1), ("消防通道", 2), ("通道", 3), ("堵", 4), ("堵", 5), ("了", 6)]
    text = "消防通道被堵了消防"
    assert WordIndex(entries).scan(text) == _plain_scan(entries, text)


def test_word_index_matches_plain_scan_on_training(clf):
    """The configured vocabulary over every training message."""
    lex = clf.lex
    entries = [(w.lower(), c.code) for c in lex.categories.values() for w in c.keywords]
    entries += [(w.lower(), g.name) for g in lex.cue_groups for w in g.words]
    index = WordIndex(entries)
    for text in _texts(clf):
        assert index.scan(text) == _plain_scan(entries, text), text


def test_word_index_without_words_finds_nothing():
    assert WordIndex([]).scan("消防通道") == []
    assert WordIndex([("", 1)]).scan("消防通道") == []


def test_three_class_scores_give_the_plain_softmax():
    """The intent model sums complex pairs (scores relative to its first class): the
    probabilities are those of the weights summed class by class."""
    weights = {"w:堵": (0.5, -1.0, 2.0), "#kw": (1.5, 0.25, -0.5), "c:堵了": (-2.0, 3.0, 0.125)}
    model = LinearModel(("complaint", "status_query", "chatter"), weights)
    feats = {"w:堵": 1.0, "#kw": 0.4, "w:unknown": 1.0}
    plain = [weights["w:堵"][k] + weights["#kw"][k] * 0.4 + weights["c:堵了"][k] for k in range(3)]
    plain[0] += 0.7  # the rules' vote
    top = max(plain)
    expected = [math.exp(x - top) / sum(math.exp(y - top) for y in plain) for x in plain]
    got = model.proba(feats, {"complaint": 0.7}, ["c:堵了", "c:unknown"])
    assert list(got) == ["complaint", "status_query", "chatter"]
    assert list(got.values()) == pytest.approx(expected, rel=1e-12)


def test_required_chars():
    """Literals are needed, optional parts and classes are not; alternations need one of."""
    assert set(required_chars("狗.{0,8}(叫|吠)")) == {frozenset("狗"), frozenset("叫吠")}
    assert required_chars("(上次|\\d+).{0,6}报") == (frozenset("报"),)
    assert set(required_chars("(上次|\\d+日)报")) == {frozenset("上日"), frozenset("报")}
    assert required_chars("(?:a)?b*[^x]") == ()
    assert required_chars("(?i)abc") == ()


def test_gate_skips_no_pattern_that_matches(clf):
    """A pattern that matches a training message is always among its candidates."""
    gate = clf.lex.patterns
    skipped = []
    for text in _texts(clf):
        candidates = {id(regex) for regex, _ in gate.candidates(text)}
        skipped += [
            (regex.pattern, text)
            for regex, _ in gate.entries
            if id(regex) not in candidates and regex.search(text)
        ]
    assert not skipped, skipped[:5]
    assert len(gate.candidates("今天天气不错")) < len(gate.entries) / 4


def test_gate_keeps_order():
    """Candidates come in the order the patterns were given."""
    gate = PatternGate([(re.compile(p), n) for n, p in enumerate(["b+", "a", "x?", "ab"])])
    assert [n for _, n in gate.candidates("ab")] == [0, 1, 2, 3]
    assert [n for _, n in gate.candidates("a")] == [1, 2]
