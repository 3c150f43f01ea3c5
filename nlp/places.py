"""Finding where: the community a message names and the place inside it (building, gate, road)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import accumulate

from nlp.addresses import (
    LEADING,
    NAME_RUN,
    NO_PROBLEMS,
    ProblemWords,
    addresses,
    estate_start,
    known_at,
    spots_end,
)
from nlp.lexicon import Community
from nlp.matcher import start_class
from nlp.normalize import Normalized

_CJK = "\u4e00-\u9fff"
_NUM = r"\d{1,3}"
_FLOOR = "[一二三四五六七八九]楼"
_COMPASS_ZONE = r"[东西南北]区"
_CJK_CHAR = re.compile(rf"[{_CJK}]")
# Heads, most specific first: numbered buildings and units, lettered zones and garage levels.
_BUILDING = (
    # 3-2 / 3-2-101: building-unit-flat (not a date or a time: 1-7日)
    rf"(?<![\d-]){_NUM}-{_NUM}(?:-\d{{3,4}})?(?![\d-]|[日月号点时])|"
    rf"(?:[a-h]\d{{0,2}}区|{_COMPASS_ZONE}|[一二三四\d]期)?{_NUM}号(?:楼|(?={_NUM}单元))(?:(?:[、和与跟到至]|一直到){_NUM}号楼)?"
    rf"(?:{_NUM}单元(?:\d{{3,4}}(?!\d))?)?|{_NUM}单元(?:\d{{3,4}}(?!\d))?"
)
_ZONE = r"地下车库[ab]\d层?|[ab]\d(?:车库|层)|[a-h]\d{0,2}区|[a-h]座|\d期|[一二三四]期"
_GATE = r"(?:小区门口|[东西南北后正侧大]门口?|单元门口?|店门口|(?:我|俺)?家门口|门口)"
_AREA = (
    r"地下室通道|小区主干道|地下车库(?:入口)?|地库(?:出口|入口)?|地下室|车库|地铁站|地铁口|楼梯拐角|楼后头|楼前头"
    rf"|{_COMPASS_ZONE}|商业街|中心花园|中心广场|小区广场|中心景观带|景观带"
    r"|楼道|电梯间|电梯口|电梯里|公告栏|垃圾站|垃圾分类(?:点|亭|投放点)|投放点"
    r"|菜市场|市场|早市|集市|幼儿园|小学|超市|后山|健身器材|老年活动中心|门卫室|公交站牌|公交站"
    rf"|小区外墙|小区围墙|围墙|外墙|小区主路|小区外面|小区后面|小区里面|小区对面|小区旁边|小区(?:的)?(?:草坪|绿地|绿化带)|马路上|马路边|路口|楼顶|顶楼|一楼院子|阳台外面|{_FLOOR}平台"
    r"|地面车位|地面停车场|停车场|人行道|绿化带|草坪|绿地|空地|工地|车棚|楼梯口|楼梯间|广场"
    r"|盲道|马路牙子|马路中间|河边|花坛|阳台上|草地|主干道|公共通道|公共绿地"
    r"|消防栓(?=旁边|前|边上|附近)|学校|大厅|大堂|社区服务中心|服务中心|物业前台|隔壁工地|[1-9]楼院子"
    r"|快递柜|丰巢柜|电线杆|路灯杆|公交站台|站牌|站台|桥下|桥洞|涵洞|河堤|岸边|公园"
)
# A named shop or street (全家便利店, 菜鸟驿站, 烧烤一条街): the name is the token before the word.
_SHOP_WORD = r"便利店|驿站|超市|药店|药房|饭店|水果店|理发店|一条街|美食街|步行街|店"
_SHOP = re.compile(rf"(?<=[{_CJK}a-z\d])(?:{_SHOP_WORD})")
# Where at the shop: only a shop with one of these after it names a place (烧烤店 alone is a shop).
_SHOP_REL = re.compile(r"门口|门前|旁边|隔壁|对面|后门|后面|前面|附近|边上|那边")
# A name of no known kind that opens a clause, then a side of it (军分区对面, 白藤大闸周边,
# 李松蓢村口): the place of a report that names nothing else (the weakest kind of place).
_SIDE_WORD = re.compile(
    r"斜对面|对面|周边|附近|旁边|门口|门前|村口|桥头|一带|[东西南北]侧|后面|前面"
)
_CLAUSE_BREAK = frozenset("\n，。,；;：:！!？? （(")
_SIDE_NAME_MAX = 10
_GENERIC_ESTATE = frozenset({"小区", "社区", "我们小区", "本小区", "这个小区", "院里", "村里"})
_SHOP_NOT_NAME = re.compile(
    r"[的了在把是这那个到去从又就还都]|[一我你他她谁]家|对面|旁边|隔壁|新开"
)
_SIDE = (
    r"(?:小区|楼)?(?:[东西南北](?:侧|边|面)|对面|旁边|后面|前面|西头|东头|[前后下])"
    r"(?:的|那个|那条|那块|那片|那段)?(?:在建|拆迁)?"
    r"(?:工地|空地|绿地|围墙|道路|路上|路|草地|草坪|绿化带|公共空地|临时集市|集市|垃圾站|巷子|小路)"
)
_REL = (
    r"外面|外侧|外|内侧|里面|里|内|口|前面|前|后面|后|[东西南北](?:侧|边|头|口)|旁边|旁|附近|那边|这边"
    r"|那里|这里|周边|周围|对面|楼下|楼上|楼前|楼顶|顶楼|顶上|露台|底商|单元门口|门口|电梯口|电梯里"
    r"|进来第.个路口|进来[左右]手边|之间|中间|下面|上面|边上|两边|两侧|角落|入口|坡道|站台|路口|路边"
    r"|马路边|马路上|门前|出口|走廊|保安室|站牌上|站牌|拐角|公共停车区域|停车区域|车位|楼梯下面|墙上|柱子上|树上|配电箱上|垃圾桶旁边"
    rf"|{_FLOOR}|院子|平台|滑梯旁边|大厅|大堂|[东西南北]{{1,2}}角|[东西南北中]段|公交站|后门|前台"
)
_TAIL = (
    r"的(?:公共)?(?:路口|路边|人行道|工地|空地|公交站|柱子|配电箱|停车区域|车位|广场|电梯里"
    r"|垃圾分类亭|垃圾站|过道|树|早市|夜市|路面|区域|快递柜|丰巢柜)"
    r"|(?:那条|那段|那个|那块|那排|那一排|那一段|这一段|这段|那片|那一片)"
    r"(?:路口|路边|马路|路上|路|小路|巷子|工地|空地|早市|集市|公交站|广场|店|垃圾分类亭|垃圾站|垃圾点|过道"
    r"|绿地|草坪|草地|绿化带|车位)"
    r"|(?:进来|出去)(?:那条|的)(?:路|街|主路|马路)"
    r"|那段|那一段|这一段|这段"
)
_HEAD = rf"(?P<b>{_BUILDING})|(?P<z>{_ZONE})|(?P<s>{_SIDE})|(?P<g>{_GATE})|(?P<a>{_AREA})"
_PLACE = re.compile(rf"(?:{_HEAD})(?:{_ZONE}|{_GATE}|{_AREA}|{_REL}|{_TAIL})*(?:上|里|边|下)?")
# A market named by the two chars before it (农贸市场, 早晚市场), not a market supervision bureau.
_NAMED_MARKET = re.compile(rf"[{_CJK}]{{2}}市场(?!监)")
_DROP_PREFIX = re.compile(r"小区(?=[东西南北后正侧]门|[东西南北](?:侧|边|面))")
_BAD_END = ("的", "那", "这", "在")
# Heads that alone say little: a message naming a building or gate as well is about that.
_WEAK = {
    "楼道",
    "门口",
    "楼前",
    "楼后",
    "楼下",
    "超市",
    "小学",
    "幼儿园",
    "电梯里",
    "车库",
    "市场",
    "垃圾桶",
    "人行道",
    "空地",
    "工地",
    "楼顶",
    "绿地",
    "草坪",
    "绿化带",
    "公交站",
    "围墙",
    "外墙",
    "停车场",
    "马路上",
    "马路边",
    "路口",
    "学校",
    "消防栓",
    "大厅",
    "路边",
    "河边",
    "花坛",
    "草地",
    "盲道",
    "马路中间",
    "马路牙子",
    "阳台",
    "公共绿地",
    "电线杆",
    "路灯杆",
    "站台",
    "桥下",
    "公园",
}
# The whole community is no place inside it.
_NOWHERE = {"小区里面", "小区里", "小区内"}
_WEAK_ALL = _WEAK | {"健身器材", "地铁站", "单元门", "广场", "电梯口", "楼道", "阳台上"}
_SPECIFICITY = {"b": 3, "z": 3, "s": 2, "g": 2, "a": 2}


def find_place(
    norm: Normalized,
    tokens: Sequence[str] = (),
    roads: Iterable[str] = (),
    bare: bool = True,
    head: int | None = None,
    known: frozenset[str] = frozenset(),
    problems: ProblemWords = NO_PROBLEMS,
) -> str | None:
    """The most specific place expression (first on ties), as the exact original substring.

    With `bare` False (a message that reports nothing: chatter, a status query) a weak head on
    its own (楼道杂物, 绿地种菜, 超市的菜) names a thing, not where, and is no place. In a long
    text a place in the head (`head`: its subject line and first sentence) comes first. A place
    name stops before the `problems` (words of the reported problem).
    """
    bounds = _token_bounds(norm.text, tokens)
    head = len(norm.text) if head is None else head
    titled = "\n" in norm.text
    best, best_key = None, None
    for start, end, rank in _candidates(norm.text, bounds, roads, known, bare, problems):
        if norm.text[start:end] in _NOWHERE or (
            not bare and rank == 1 and norm.text[start:end] in _WEAK_ALL
        ):
            continue
        # A board post's most specific address is its longest; a group message's its first.
        key = (start < head, rank, end - start if titled else -start)
        if best_key is None or key > best_key:
            best, best_key = (start, end), key
    return norm.original_span(*best).strip() if best else None


def _candidates(
    text: str,
    bounds: set[int],
    roads: Iterable[str],
    known: frozenset[str],
    bare: bool = True,
    problems: ProblemWords = NO_PROBLEMS,
):
    """(start, end, specificity) of every place expression in normalised `text`."""
    titled = "\n" in text
    end = 0
    for m in _place_matches(text):
        a, b = m.span()
        if m.group("a") and a - 2 >= end and _NAMED_MARKET.match(text, a - 2, b):
            a -= 2
        end = b
        if _district(text, a):  # 江北区, 渝北区: a district, not a zone of the estate
            if m.group("a"):
                continue
            a += 2
        prefix = _DROP_PREFIX.match(text, a)
        if prefix:
            a = prefix.end()
        b = _trim(text, a, b, bounds)
        if b - a < 2:
            continue
        head = next(k for k in _SPECIFICITY if m.group(k))
        rank = _SPECIFICITY[head]
        if text[a:b].rstrip("上里边") in _WEAK:
            rank = 1
        if head in ("b", "z") or (titled and head == "g"):
            a = estate_start(text, a, known, problems)
        if titled and rank > 1:  # a board post runs on: 西门|往北200米处
            b = spots_end(text, b, problems)
        yield a, b, rank
    roads = tuple(roads)
    named = None
    # Named landmarks only where something is reported or the text is a long post.
    for a, b, rank in addresses(text, known, bare or len(text) > 40, problems):
        if named is None:
            named = [m.start() for m in _road_names(roads).finditer(text)] if roads else []
        # A configured road inside a guessed name starts it (诉求人称文阳路 -> 文阳路).
        a = max((x for x in named if a < x < b), default=a)
        while b > a and text[b - 1] in _BAD_END:
            b -= 1
        yield a, b, rank
    for m in _SHOP.finditer(text):
        a = _shop_start(text, m.start(), bounds)
        rel = _SHOP_REL.match(text, m.end())
        if a is not None and rel:
            yield a, _trim(text, a, rel.end(), bounds), 2
    if bare:
        yield from _named_sides(text, known, problems)
    if roads:
        seen = set()
        for m in _road_names(roads).finditer(text):
            if m.group() not in seen:  # the first mention of each road
                seen.add(m.group())
                yield m.start(), _road_end(text, m.end(), roads), 3


def _named_sides(text: str, known: frozenset[str], problems: ProblemWords):
    """(start, end, 1) of each side word after a name that opens a clause (see _SIDE_WORD).

    Not after a configured community (the `community` field names it, 门口 alone is the place), a
    bare 小区, or a run holding a problem word (狗粑粑放门口 names no spot)."""
    for m in _SIDE_WORD.finditer(text):
        end = m.start()
        low = max(0, end - _SIDE_NAME_MAX)
        run = NAME_RUN.search(text, low, end)
        if run is None:
            continue
        a = run.start()
        if a > 0 and (a == low or text[a - 1] not in _CLAUSE_BREAK):
            continue  # a longer run, or one inside a clause: no name of its own
        lead = LEADING.match(text, a, end)
        if lead:
            a = lead.end()
        if end - a < 2 or text[a:end] in _GENERIC_ESTATE or known_at(text, a, known):
            continue
        if not problems.holds(text, a, end):
            yield a, m.end(), 1


_PLACE_START = start_class(_PLACE)


def _place_matches(text: str):
    """The matches `_PLACE.finditer` would give, the regex tried only where a place can start:
    a char-class search skips the rest at C speed (the head alternation has no literal prefix
    the engine could skip by)."""
    pos, search, match = 0, _PLACE_START.search, _PLACE.match
    while (m := search(text, pos)) is not None:
        found = match(text, m.start())
        if found and found.end() > found.start():
            yield found
            pos = found.end()
        else:
            pos = m.start() + 1


def _district(text: str, a: int) -> bool:
    """True when a compass zone (北区) at `a` is the tail of a district name a name runs into."""
    return (
        text[a : a + 1] in ("东", "西", "南", "北")
        and text[a + 1 : a + 2] == "区"
        and a > 0
        and bool(_CJK_CHAR.match(text, a - 1))
        and not text.endswith(("小区", "社区"), 0, a)
    )


def _shop_start(text: str, word: int, bounds: set[int]) -> int | None:
    """Start of a shop's name: the token before the shop word (None when that is no name)."""
    if not bounds:
        return None
    start = max((x for x in bounds if x < word), default=0)
    # jieba (HMM off) splits an unknown name into single chars (罗|森|便利店): take them back.
    while (
        start > 0
        and word - start < 4
        and (start == 1 or start - 1 in bounds)
        and not _SHOP_NOT_NAME.match(text, start - 1)
        and re.match(rf"[{_CJK}a-z\d]", text[start - 1])
    ):
        start -= 1
    if word - start < 2 or _SHOP_NOT_NAME.search(text, start, word):
        return None
    return start


def _road_end(text: str, end: int, roads: Iterable[str]) -> int:
    """Extend a road over `和X路路口` / `路口` so a crossing is one place."""
    return _road_tail(tuple(roads)).match(text, end).end()


@lru_cache(maxsize=8)
def _road_names(roads: tuple[str, ...]) -> re.Pattern:
    """Any road name, longest first."""
    return re.compile("|".join(map(re.escape, sorted(roads, key=len, reverse=True))))


@lru_cache(maxsize=8)
def _road_tail(roads: tuple[str, ...]) -> re.Pattern:
    """What may follow a road name (compiled once per road list)."""
    return re.compile(
        r"(?:[和与跟](?:" + "|".join(map(re.escape, roads)) + r"))?(?:路口|交叉口)?"
        r"(?:[东西南北]{1,2}角|[东西南北中]段|公交站)?"
        r"(?:那段马路|那段路|那一段|那段|这段|上)?"
    )


def _trim(text: str, a: int, b: int, bounds: set[int]) -> int:
    """End the span on a token boundary (北门|路灯 -> 北门) and drop dangling particles."""
    if bounds:
        while b > a and b not in bounds:
            b -= 1
    while b > a and text[b - 1] in _BAD_END:
        b -= 1
    return b


def _token_bounds(text: str, tokens: Sequence[str]) -> set[int]:
    """Character offsets in `text` where a token ends."""
    if sum(map(len, tokens)) == len(text):  # no whitespace dropped: offsets are running sums
        return set(accumulate(map(len, tokens)))
    bounds, pos = set(), 0
    for tok in tokens:
        found = text.find(tok, pos)
        if found < 0:
            return set()
        pos = found + len(tok)
        bounds.add(pos)
    return bounds


class CommunityFinder:
    """Maps names and aliases found in a message to the canonical community name."""

    def __init__(self, communities: Sequence[Community]):
        self.surface = {}
        for c in communities:
            for s in (c.name, *c.aliases):
                self.surface.setdefault(s.lower(), c.name)

    def words(self) -> list[str]:
        """Every name and alias, for the segmenter's user dictionary."""
        return list(self.surface)

    def find(self, tokens: Sequence[str]) -> str | None:
        """Canonical name of the first community named (a token or two adjacent tokens)."""
        for i, tok in enumerate(tokens):
            name = self.surface.get(tok)
            if name is None and i + 1 < len(tokens):
                name = self.surface.get(tok + tokens[i + 1])
            if name is not None:
                return name
        return None


_PLACE_CANON = [
    (re.compile(r"外面"), "外"),
    (re.compile(r"里面"), "里"),
    (re.compile(r"前面|楼前"), "前"),
    (re.compile(r"后面"), "后"),
    (re.compile(r"([东西南北])(?:边|面|头)"), r"\1侧"),
    (re.compile(r"^小区|的|那边|这边|那里|这里|附近|周边|旁边|上$|里$"), ""),
    (re.compile(r"门口"), "门"),
]


def canonical_place(place: str, normalize) -> str:
    """Comparable form of a place: normalised notation, synonyms folded, fillers dropped."""
    text = normalize(place).text.replace(" ", "")
    for pattern, repl in _PLACE_CANON:
        text = pattern.sub(repl, text)
    return text
