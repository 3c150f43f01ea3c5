"""Finding where: the community named in a message and the place inside it (building, gate, road)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from nlp.lexicon import Community
from nlp.normalize import Normalized

_CJK = "\u4e00-\u9fff"
_NUM = r"\d{1,3}"
_BUILDING = (
    rf"(?:[a-h]区)?{_NUM}号楼(?:(?:[、和与跟到至]|一直到){_NUM}号楼)?"
    rf"(?:{_NUM}单元(?:\d{{3,4}}(?!\d))?)?|{_NUM}单元"
)
_GATE = r"(?:小区)?(?:[东西南北后正侧大][门](?:口)?|门口)"
_AREA = (
    r"地下车库(?:入口|[ab]\d层?)?|[ab]\d车库|[ab]\d层|车库|[a-h]区|商业街|中心花园|中心广场|小区广场"
    r"|中心景观带|景观带|楼道|电梯间|电梯口|电梯里|公告栏|垃圾站|垃圾分类(?:点|亭|投放点)|投放点"
    rf"|[{_CJK}]{{2}}市场|菜市场|市场|幼儿园|小学|超市|后山|健身器材|老年活动中心|门卫室|小区外墙|小区围墙"
    r"|小区主路|小区外面|小区后面|小区里面|楼顶|顶楼|一楼院子|阳台外面|三楼平台|[一二三四五六七八九]楼"
)
_SIDE = (
    rf"(?:小区)?(?:[东西南北](?:侧|边|面)|对面|旁边|后面|西头|东头)"
    rf"(?:的|那个|那条|那块|那片)?(?:在建|拆迁)?"
    r"(?:工地|空地|绿地|围墙|道路|草地|公共空地|临时集市|集市)"
)
_REL = (
    r"外面|外侧|外|内侧|里面|里|内|口|前面|前|后面|后|[东西南北](?:侧|边|头)|旁边|旁|附近|那边|这边"
    r"|那里|这里|周边|周围|对面|楼下|楼上|楼前|楼顶|顶楼|露台|底商|单元门口|门口|楼道|电梯口|电梯里|电梯"
    r"|进来第.个路口|进来[左右]手边|之间|中间|下面|上面|角落|入口|坡道|公交站|站台|停车区域|车位"
    r"|地面车位|楼梯下面|楼梯口|墙上|柱子上|树上|配电箱上|垃圾桶旁边|垃圾分类投放点|[一二三四五六七八九]楼"
    r"|院子|平台"
)
_TAIL = (
    r"(?:的|那条|那段|那个|那块|那排|那一排|那一段|这一段|这段|那片|那一片)?"
    r"(?:公共)?(?:路口|路边|马路边|马路|人行道|路|小路|巷子|工地|空地|草地|草坪|绿地|绿化带|早市|集市|一排店"
    r"|公交站|柱子|树|墙|配电箱|停车区域|车位|广场|滑梯旁边)"
)
_PLACE = re.compile(
    rf"(?:{_SIDE}|(?:{_BUILDING}|{_GATE}|{_AREA}|(?P<road>[{_CJK}]{{2}}路))"
    rf"(?:{_REL})*(?:{_TAIL}(?:{_REL})*)?)(?:上|里|边)?"
)
_DROP_PREFIX = re.compile(r"^小区(?=[东西南北后正侧]门)")
_BAD_END = ("的", "那", "这")
# Words ending in 路 that are not roads.
_NOT_ROADS = {"一路", "走路", "修路", "马路", "挖路", "堵路", "让路", "带路", "半路", "过路", "问路", "绕路",
              "主路", "那路", "条路", "段路", "在路", "到路", "上路", "下路", "的路", "占路", "出路"}


def find_place(norm: Normalized, roads: Iterable[str] = ()) -> str | None:
    """The first place expression in the message, as the exact substring of the original text."""
    for m in _PLACE.finditer(norm.text):
        a, b = m.span()
        road = m.group("road")
        if road and road not in roads and (road in _NOT_ROADS or m.end() - m.start() <= 3):
            continue
        prefix = _DROP_PREFIX.match(norm.text, a, b)
        if prefix and b - prefix.end() > 2 and norm.text[a:b] != "小区门口":
            a = prefix.end()
        while b > a and norm.text[b - 1] in _BAD_END:
            b -= 1
        if b - a >= 2:
            return norm.original_span(a, b).strip()
    return None


class CommunityFinder:
    """Maps names and aliases found in a message to the canonical community name."""

    def __init__(self, communities: Sequence[Community]):
        self.surface = {}
        for c in communities:
            for s in (c.name, *c.aliases):
                self.surface.setdefault(s.lower(), c.name)
        self.max_len = max((len(s) for s in self.surface), default=0)

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
    (re.compile(r"外面"), "外"), (re.compile(r"里面"), "里"), (re.compile(r"前面|楼前"), "前"),
    (re.compile(r"后面"), "后"), (re.compile(r"([东西南北])(?:边|面|头)"), r"\1侧"),
    (re.compile(r"^小区|的|那边|这边|那里|这里|附近|周边|旁边|上$|里$"), ""),
    (re.compile(r"门口"), "门"),
]


def canonical_place(place: str, normalize) -> str:
    """Comparable form of a place: normalised notation, synonyms folded, fillers dropped."""
    text = normalize(place).text.replace(" ", "")
    for pattern, repl in _PLACE_CANON:
        text = pattern.sub(repl, text)
    return text
