"""Text normalisation before segmentation, with a map from every output char back to the input."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUM = "[零〇一二两三四五六七八九十]{1,4}"

# Building notations: 三号楼, 3#楼, 3# 楼, 3栋, 3幢, 3座 -> 3号楼; units: 二单元 -> 2单元.
_BUILDING = re.compile(rf"(\d{{1,3}}|{_CN_NUM})\s*(?:号楼|#楼|#|栋楼?|幢楼?|号?座楼?)")
_UNIT = re.compile(rf"({_CN_NUM})(单元)")
# WeChat sticker tags such as [捂脸] and [表情]; emoji and pictographs; @mentions up to a blank.
_TAG = re.compile(r"\[[\u4e00-\u9fffA-Za-z]{1,6}\]")
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u200d\u2b00-\u2bff]+")
# A mention ends at WeChat's U+2005 or a blank; the bot's own names also without one.
_MENTION = re.compile(r"@[^\s@，,。！？!?]{1,16}(?:[\s\u2005]+|$)")
_REPEAT_PUNCT = re.compile(r"([!?.,~。，！？…、～])\1+")
_SPACES = re.compile(r"[\s\u2005\u3000]+")


@dataclass(frozen=True)
class Normalized:
    """Normalised text with, for each of its chars, the [start, end) span it came from."""

    text: str
    original: str
    starts: Sequence[int]
    ends: Sequence[int]

    def original_span(self, i: int, j: int) -> str:
        """The substring of the original text that chars [i, j) of the normalised text come from."""
        if i >= j:
            return ""
        return self.original[self.starts[i] : self.ends[j - 1]]


def cn_to_int(token: str) -> int | None:
    """Value of a small Chinese numeral (三, 十二, 二十三) or None when it is not one."""
    if token.isdigit():
        return int(token)
    if "十" not in token:
        if len(token) > 2 or any(ch not in CN_DIGITS for ch in token):
            return None
        value = 0
        for ch in token:
            value = value * 10 + CN_DIGITS[ch]
        return value
    tens, _, ones = token.partition("十")
    if (tens and tens not in CN_DIGITS) or (ones and ones not in CN_DIGITS):
        return None
    return CN_DIGITS.get(tens, 1) * 10 + CN_DIGITS.get(ones, 0)


@lru_cache(maxsize=1)
def _char_table() -> dict[int, str]:
    """One-to-one char table: full-width to half-width, traditional to simplified, lower case."""
    from zhconv import zhconv as zc  # loaded lazily: only its single-char pairs are used

    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
    table[0x3000] = " "
    for trad, simp in zc.getdict("zh-cn").items():
        if len(trad) == 1 and len(simp) == 1:
            table[ord(trad)] = simp
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    for code in range(0xFF21, 0xFF3B):
        table[code] = chr(code - 0xFEE0 + 32)
    return table


class _Builder:
    """Mutable text plus span arrays; each pass rewrites regex matches and keeps the spans."""

    def __init__(self, text: str):
        self.text = text
        # Each char its own span until a pass replaces something (most messages: none does).
        self.starts: Sequence[int] = range(len(text))
        self.ends: Sequence[int] = range(1, len(text) + 1)

    def sub(self, pattern: re.Pattern, repl: Callable[[re.Match], str]) -> None:
        """Replace every match by repl(match); new chars map to the span of the whole match."""
        if not pattern.search(self.text):
            return
        out, starts, ends, pos = [], [], [], 0
        for m in pattern.finditer(self.text):
            a, b = m.span()
            out.append(self.text[pos:a])
            starts += self.starts[pos:a]
            ends += self.ends[pos:a]
            new = repl(m)
            if new and b > a:
                out.append(new)
                starts += [self.starts[a]] * len(new)
                ends += [self.ends[b - 1]] * len(new)
            pos = b
        out.append(self.text[pos:])
        starts += self.starts[pos:]
        ends += self.ends[pos:]
        self.text, self.starts, self.ends = "".join(out), starts, ends


def _blank(m: re.Match) -> str:
    return " "


def _building(m: re.Match) -> str:
    value = cn_to_int(m.group(1))
    return m.group(0) if value is None else f"{value}号楼"


def _unit(m: re.Match) -> str:
    value = cn_to_int(m.group(1))
    return m.group(0) if value is None else f"{value}单元"


class Normalizer:
    """Applies the fixed passes plus the configured typo map (违见 -> 违建) to a message."""

    def __init__(self, typos: Mapping[str, str] | None = None, bot_names: Iterable[str] = ()):
        self.typos = dict(typos or {})
        words = sorted(self.typos, key=len, reverse=True)
        self._typo_re = re.compile("|".join(map(re.escape, words))) if words else None
        names = sorted((n for n in bot_names if n), key=len, reverse=True)
        self._bot_re = re.compile("@(?:" + "|".join(map(re.escape, names)) + ")") if names else None

    def __call__(self, text: str) -> Normalized:
        """Normalise `text`; see the module docstring."""
        b = _Builder(text.translate(_char_table()))
        if "[" in b.text:
            b.sub(_TAG, _blank)
        b.sub(_EMOJI, _blank)
        if "@" in b.text:
            if self._bot_re is not None:
                b.sub(self._bot_re, _blank)
            b.sub(_MENTION, _blank)
        # A line break survives (a board post's subject line ends there); other blanks fold.
        b.sub(_SPACES, lambda m: "\n" if "\n" in m.group() else " ")
        b.sub(_REPEAT_PUNCT, lambda m: m.group(1))
        if self._typo_re is not None:
            b.sub(self._typo_re, lambda m: self.typos[m.group(0)])
        b.sub(_BUILDING, _building)
        b.sub(_UNIT, _unit)
        return Normalized(b.text.strip(), text, *self._strip_spans(b))

    @staticmethod
    def _strip_spans(b: _Builder) -> tuple[Sequence[int], Sequence[int]]:
        """Spans matching b.text.strip() (ranges while no pass replaced anything)."""
        lead = len(b.text) - len(b.text.lstrip())
        n = len(b.text.strip())
        if isinstance(b.starts, range):
            return b.starts[lead : lead + n], b.ends[lead : lead + n]
        return tuple(b.starts[lead : lead + n]), tuple(b.ends[lead : lead + n])
