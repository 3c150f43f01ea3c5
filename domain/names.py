"""Display names as they may stand in a group reply: one line, never a mention of everyone.

A WeChat nickname is whatever its owner typed. Put after "@" in a reply, `所有人\n@全体成员`
would notify the whole group; so names lose line breaks, invisible and control characters,
every "@", and the mention-all words, before anyone uses them.
"""

from __future__ import annotations

import re
import unicodedata

FALLBACK = "居民"
MAX_CHARS = 32
MENTION_ALL = re.compile(r"所有人|全体成员|\b(?:all|everyone)\b", re.IGNORECASE)
_AT = re.compile("[@＠﹫]")


def clean_name(name: str | None) -> str:
    """`name` safe to show and to mention; FALLBACK when nothing printable is left."""
    chars = []
    for ch in name or "":
        category = unicodedata.category(ch)
        if category in ("Cf", "Cs"):  # zero-width, bidi overrides, lone surrogates: dropped
            continue
        # control characters, line and paragraph breaks: a space, so words stay apart
        chars.append(" " if category in ("Cc", "Zl", "Zp") or ch.isspace() else ch)
    text = _AT.sub(" ", "".join(chars))
    text = MENTION_ALL.sub(" ", text)
    text = " ".join(text.split())[:MAX_CHARS].strip()
    return text or FALLBACK
