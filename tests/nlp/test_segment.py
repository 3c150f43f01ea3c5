"""Both segmenter backends give the same tokens, so rjieba can stand in for jieba."""

from __future__ import annotations

import pytest

from nlp.segment import Segmenter
from nlp.tools import train


def test_rjieba_matches_jieba(clf):
    """On every training message, rjieba and jieba cut the normalised text identically."""
    pytest.importorskip("rjieba")
    words = clf._user_words()
    fast, reference = Segmenter(words, "rjieba"), Segmenter(words, "jieba")
    texts = [clf.normalize(r["text"]).text for r in train.load_training()]
    mismatches = [t for t in texts if fast.cut(t) != reference.cut(t)]
    assert not mismatches, mismatches[:5]


def test_user_words_stay_whole():
    """Configured words (communities, terms) come out as single tokens."""
    seg = Segmenter(["中海国际社区", "消防通道"], "jieba")
    assert "中海国际社区" in seg.cut("中海国际社区消防通道被堵了")
    assert "消防通道" in seg.cut("中海国际社区消防通道被堵了")


def test_unknown_backend_is_refused():
    """A typo in the nlp.segmenter setting fails loudly."""
    with pytest.raises(ValueError):
        Segmenter([], "hanlp")
