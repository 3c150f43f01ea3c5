"""jieba behind one small class: own tokenizer, cache file in the project, HMM off."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterable
from pathlib import Path

# var/ is gitignored; NLP_CACHE_DIR moves it (read-only checkouts, tests).
CACHE_DIR = Path(os.environ.get("NLP_CACHE_DIR", Path(__file__).resolve().parents[1] / "var" / "nlp"))
CACHE_FILE = "jieba.cache"


def _import_jieba():
    """Import jieba without its pkg_resources deprecation warning and its start-up chatter."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=DeprecationWarning)
        warnings.simplefilter("ignore", category=UserWarning)
        warnings.simplefilter("ignore", category=SyntaxWarning)
        import jieba
    jieba.setLogLevel(logging.WARNING)
    return jieba


class Segmenter:
    """A private jieba Tokenizer with the project's user words; `cut` is the hot path."""

    def __init__(self, words: Iterable[str] = ()):
        jieba = _import_jieba()
        self._tk = jieba.Tokenizer()
        try:
            CACHE_DIR.mkdir(parents=True, exist_ok=True)
            self._tk.tmp_dir = str(CACHE_DIR)
            self._tk.cache_file = CACHE_FILE
        except OSError:  # unwritable checkout: jieba then falls back to the system temp dir
            pass
        self._tk.initialize()
        for word in sorted(set(words)):
            if len(word) >= 2:
                # A frequency high enough that the word stays whole, without suggest_freq's cost.
                self._tk.add_word(word, freq=max(self._tk.FREQ.get(word, 0), 2000))

    def cut(self, text: str) -> list[str]:
        """Tokens of `text` (dictionary only, no HMM: faster and stable for our vocabulary)."""
        return [t for t in self._tk.lcut(text, HMM=False) if not t.isspace()]
