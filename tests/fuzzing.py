"""Hostile inputs, generated: mutations of valid bridge bodies (re-signed) and of WeCom/WeChat
plaintexts (re-encrypted with wechatpy's crypto), and schemathesis cases for the JSON API.

Shared by tests/bot/test_fuzz.py (modest example counts, in every run of the suite, so on SQLite
and on PostgreSQL) and bench/fuzz.py (more examples, prints the figures).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from hypothesis import strategies as st

from channels.signing import signed_headers

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NASTY_TEXT = [
    "",
    "\x00",
    "m\x00",
    "\ud800",
    "\udfff-tail",
    "9" * 400,
    "x" * 300,
    "所有人\n@全体成员",
    "\u202e@all",
    "<b>x</b>",
    "]]>",
    "1e300",
    "Infinity",
    "NaN",
    "-1",
    "0001-01-01T00:00:00+23:59",
    "9999-12-31T23:59:59-23:59",
    "2026-11-26T10:00:00",
    "2026-02-30",
    "CY20261126-0001",
    "../../etc/passwd",
    "%00",
]
NASTY_NUMBERS = [0, -1, 1e20, 10**30, 1e300, 10**400, 2**63, -(2**63) - 1, 12345678901234567]

# Every character, surrogates included (hypothesis leaves them out unless asked).
any_text = st.text(st.characters(exclude_categories=()), max_size=40) | st.sampled_from(NASTY_TEXT)
# What can travel in an encrypted push at all: UTF-8, so no lone surrogates (NUL can).
xml_text = st.text(max_size=40) | st.sampled_from(
    [t for t in NASTY_TEXT if not any("\ud800" <= ch <= "\udfff" for ch in t)]
)
numbers = (
    st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(NASTY_NUMBERS)
)
scalars = st.none() | st.booleans() | numbers | any_text
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)


# -- bridge bodies ------------------------------------------------------------------------------
BRIDGE_FIELDS = ("msg_id", "group_id", "sender_id", "sender_name", "text", "sent_at", "mentions")


def valid_bridge_body(n: int) -> dict:
    return {
        "msg_id": f"fz-{n}",
        "group_id": "grp-longhu-youshanjun",
        "sender_id": "wxid_fuzz",
        "sender_name": "张三",
        "text": "8号楼后面消防通道被堵了",
        "sent_at": int(time.time()),
        "mentions": ["城管小助手"],
    }


@st.composite
def bridge_mutation(draw) -> tuple[bytes, str]:
    """(raw body, what was done) from a valid body: fields replaced, dropped, added, nested
    deep, serialised with or without ASCII escapes, or bytes flipped after serialising."""
    body = valid_bridge_body(draw(st.integers(0, 10**9)))
    kind = draw(st.sampled_from(["replace", "drop", "extra", "deep", "sent_at", "bytes", "type"]))
    if kind == "replace":
        body[draw(st.sampled_from(BRIDGE_FIELDS))] = draw(json_values)
    elif kind == "drop":
        body.pop(draw(st.sampled_from(BRIDGE_FIELDS)))
    elif kind == "extra":
        body[draw(any_text)] = draw(json_values)
    elif kind == "deep":  # json.dumps recurses: write the nesting by hand, past its limit
        depth = draw(st.integers(5, 1200))
        nested = b'{"a":' * depth + b"{}" + b"}" * depth
        return json.dumps(body).encode()[:-1] + b', "image": ' + nested + b"}", kind
    elif kind == "sent_at":
        body["sent_at"] = draw(numbers | st.sampled_from(NASTY_TEXT))
    elif kind == "type":
        return draw(st.sampled_from([b"[]", b"null", b"1", b'"s"', b"", b"{"])), kind
    raw = json.dumps(body, ensure_ascii=draw(st.booleans()), allow_nan=True)
    data = raw.encode("utf-8", "surrogatepass")
    if kind == "bytes":
        data = _flip(draw, data)
    return data, kind


def _flip(draw, data: bytes) -> bytes:
    pos = draw(st.integers(0, len(data) - 1))
    new = draw(st.binary(min_size=1, max_size=4))
    return data[:pos] + new + data[pos + draw(st.integers(0, 3)) :]


def post_bridge(client, raw: bytes, secret: str):
    return client.post("/api/messages", data=raw, headers=signed_headers(secret, raw))


# -- WeCom / WeChat plaintexts -----------------------------------------------------------------
XML_FIELDS = ("MsgId", "FromUserName", "CreateTime", "Content", "MsgType", "ToUserName")


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def plaintext_mutation(draw, fixture: str) -> tuple[str, str]:
    """(plaintext XML, what was done) from a valid push: a field's text replaced, a field given
    twice, an element inside a field, a field dropped, a stray element, or text spliced in."""
    xml = (FIXTURES / fixture).read_text(encoding="utf-8")
    field = draw(st.sampled_from(XML_FIELDS))
    start, end = xml.find(f"<{field}>"), xml.find(f"</{field}>")
    kind = draw(st.sampled_from(["text", "twice", "element", "drop", "stray", "splice", "digits"]))
    if kind == "splice" or start < 0:
        pos = draw(st.integers(0, len(xml)))
        return xml[:pos] + draw(xml_text) + xml[pos:], "splice"
    whole = xml[start : end + len(field) + 3]
    if kind == "text":
        new = f"<{field}>{xml_escape(draw(xml_text))}</{field}>"
    elif kind == "digits":
        new = f"<{field}>{draw(st.integers(-(10**20), 10**20))}</{field}>"
    elif kind == "twice":
        new = whole + whole
    elif kind == "element":
        new = f"<{field}><b>{xml_escape(draw(xml_text))}</b></{field}>"
    elif kind == "drop":
        new = ""
    else:
        tag = draw(st.sampled_from(["X", "Content", "MsgId"]))
        new = whole + f"<{tag}>1</{tag}>"
    return xml.replace(whole, new, 1), kind


# -- tallies ------------------------------------------------------------------------------------
class Tally:
    """Inputs tried and status codes seen, by target."""

    def __init__(self):
        self.tried: Counter = Counter()
        self.codes: dict[str, Counter] = {}

    def add(self, target: str, status: int) -> None:
        self.tried[target] += 1
        self.codes.setdefault(target, Counter())[status] += 1

    def server_errors(self) -> int:
        return sum(n for c in self.codes.values() for code, n in c.items() if code >= 500)

    def lines(self) -> list[str]:
        out = []
        for target in sorted(self.tried):
            codes = ", ".join(f"{k}: {v}" for k, v in sorted(self.codes[target].items()))
            out.append(f"{target:40} {self.tried[target]:6} inputs   {codes}")
        total = sum(self.tried.values())
        out.append(f"{'total':40} {total:6} inputs   5xx: {self.server_errors()}")
        return out
