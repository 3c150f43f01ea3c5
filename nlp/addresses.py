"""Addresses as people write them: roads and crossings, house numbers, villages, rivers, estates.

Names are not listed anywhere: a name is the run of word chars right before a suffix (路, 村, 河,
小区), cut at the first function char (在, 的, 把 ...) and after any province/city/district
prefix (山东省青岛市城阳区 is left out: a place starts at the road, village or estate).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

_CJK = "\u4e00-\u9fff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
# Chars that never sit inside a place name: particles, pronouns, verbs of motion, measure words.
_STOP = frozenset(
    "在的了是把被从到往向和与跟及或我你他她它们这那哪个有就都还也又说去来看过沿着经对于给让叫"
    "请问找路街道楼条段根座处里外边旁左右门该此其每各某些于因为很称诉走至"
    "都要会能可已刚将再没不别非几么年月日时次等但"
)
# Chars that stop a name only in some words: 进 of 进来/跑进 (not 跃进河), 口 of 门口/路口
# (not 海口), 号 of 号楼 or after a number (not 海秀一号广场), 道 of 街道/人行道 (not 达道河),
# 年 and 时 of time (not 青年路, 时代广场), 都 of 都是 (not 盛达景都, 都市), 面 of 对面
# (not 面前坡).
_SOFT_STOP = (
    r"(?<![跑走开钻拐爬搬住冲闯溜放])进(?![来去入出\d])|(?<![门路街巷出入道])口"
    r"|(?<=[一二三四五六七八九十])号(?![楼院])"
    r"|(?<![街通渠车行步河水管跑轨隧坡便巷辅知报味人航频一这那大])道"
    r"|(?<=[青少老童])年|时(?=代)|(?<=[景名首帝京古成新丽])都|都(?=市|会)"
    r"|(?<![对前后里外上下侧表地路东西南北])面"
)
_SOFT = "进口号道年时都面"
# A lane's name ends in 里 (西溪里小区, 人民西里187号); elsewhere 里 is 里面 (小区里).
_LANE_END = re.compile(r"小区|新村|社区|花园|\d{1,4}号(?![楼院])")


def _cjk_less(excluded: Iterable[str], extra: str = "") -> str:
    """A char class of the CJK chars less `excluded`, plus `extra` (plain ranges match faster
    than a lookahead at every char)."""
    parts, low = [], 0x4E00
    for code in sorted({ord(c) for c in excluded if "\u4e00" <= c <= "\u9fff"}):
        if code > low:
            parts.append(chr(low) if code == low + 1 else f"{chr(low)}-{chr(code - 1)}")
        low = code + 1
    parts.append(f"{chr(low)}-\u9fff")
    return "[" + "".join(parts) + extra + "]"


# Up to 8 name chars (CJK or latin, no stop char) ending where the search ends.
NAME_CHAR = "(?:" + _cjk_less(_STOP | set(_SOFT), "a-z") + "|" + _SOFT_STOP + ")"
# \Z, not $: a name never runs over the line break after a post's subject line.
NAME_RUN = re.compile(NAME_CHAR + "+\\Z")
_ADMIN = re.compile(r".*[省市区县镇乡]")
# Words that start no place: a report's own verbs (投诉, 位于) and city names written without
# 市 (苏州太仓景瑞四期 -> 景瑞四期); a place starts at the road, village or estate.
LEADING = re.compile(
    r"(?:电?(?:投诉|举报|咨询|反映|反馈|反应|表示|表扬)|听闻|关于|位于|地处|地址|就在|住在|家住|在|由|"
    r"北京|上海|天津|重庆|广州|深圳|苏州|太仓|昆山|常熟|无锡|南京|杭州|宁波|福州|厦门|海口|三亚|"
    r"青岛|城阳|济南|武汉|成都|长沙|郑州|西安|沈阳|大连|哈尔滨|长春|合肥|南昌|南宁|昆明|贵阳|"
    r"兰州|太原|石家庄|呼和浩特|乌鲁木齐|银川|西宁|拉萨)+"
)
_NAME_MAX = 6
_SIDE_CHARS = frozenset("上下前后里内外边")
_SIDE_OF = frozenset("楼门路边街旁河")
# 和 right before a name, at the start of the text or after a break, a district or a preposition.
_AND_NAME = re.compile(r"(?:\A|[^\u4e00-\u9fff]|[区市县镇在于到从])和(?=[\u4e00-\u9fff])")

_NUMBERS = (
    r"(?:\d{1,4}(?:-\d{1,4})?(?:[、,和与及]\d{1,4})*[号弄](?:[和与、及]\d{1,4}号)*(?:院|楼)?"
    r"(?:门前|门口|旁边|附近|对面|路段)?)"
)
# Each alternative starts with a literal char (lookbehinds after it): the regex engine then skips
# ahead to those chars instead of trying every position.
_ROAD_SUFFIX = re.compile(
    r"大道|大街|东路|西路|南路|北路|中路"
    r"|路(?<![马公道水铁线电套思网土小大主岔歧走一完堵挡拦]路)(?![过途线费况子灯牌面程]|人(?!行))"
    r"|街(?<![业行食条满]街)(?![道办坊])"
    r"|胡同|巷(?<![小深街陋里]巷)(?![子道口])"  # lanes named alone: 松江胡同, 太阳巷
)
_ROAD_NAME = rf"{NAME_CHAR}{{2,5}}?(?:大道|大街|[东西南北中]?路|街)"
_ROAD_TAIL = re.compile(
    rf"{_NUMBERS}?"
    rf"(?:(?:[与和跟、]{_ROAD_NAME}(?:交叉口|交汇处|十字路口|路口|口)?)|(?:{_ROAD_NAME}(?:交叉口|路口|口))"
    r"|(?:交叉口|交汇处|十字路口|路口|口))?"
    rf"(?:{NAME_CHAR}{{1,4}}?(?:胡同|巷))?"  # a lane off the road: 通江街永丰胡同
    r"(?:[东西南北]{1,2}(?:侧|角|段|边|头)|[东西南北中]段)?"
    r"(?:公交站台?|站台|公交站)?"
)
_VILLAGE = re.compile(r"村(?<![农乡]村)(?![民里子庄镇落长委干口])")
_VILLAGE_TAIL = re.compile(
    rf"(?:[一二三四五六七八九十\d]{{1,3}}(?:组|大队|队)|(?:村)?委会|社区)?{_NUMBERS}?"
    r"(?:旁边?|附近|东侧|西侧|南侧|北侧|对面|后面|前面|[东西南北]头|广场|路口)?"
)
_RIVER = re.compile(
    r"河(?<!河河)(?![流道里])(?![南北]省)|溪(?![流水道里])|浜(?![流水道里])|湖(?<!湖湖)(?![南北泊])"
)
_RIVER_TAIL = re.compile(
    r"(?:[东西南北]{1,2}(?:岸|侧|边)|两岸|沿岸|岸边|河堤|堤|边|畔|桥(?:下|头)?)?"
)
# Estates right before a building: 阳光小区3号楼, 夏庄社区12号楼.
_ESTATE_SUFFIXES = tuple(
    "小区 社区 花园 家园 公寓 新苑 苑 府 新村 庄园 家属楼 家属院 宿舍 大院 组团".split()
)
# Named landmarks: a name right before one of these (金辉伯爵山小区, 跃进河工地, 万绿园正门).
_LANDMARK_WORDS = (
    "小区 花园 家园 公寓 新村 新城 大厦 广场 市场 公园 学校 小学 中学 大学 学院 幼儿园 医院"
    " 酒店 宾馆 商场 超市 大桥 天桥 车站 客运站 地铁站 公交站 河道 商业街 剧院 影院 体育馆 图书馆"
    " 博物馆 博物院 驾校 变电站 加油站 停车场 公厕 码头 花苑 大楼 酒吧 步行街 农贸市场 社区"
    " 组团 桥"
    " 府 苑 公馆 世家 居委会 村委会 宿舍 大院 美食园 美食城 大排档 菜场 别墅 家属区 派出所 邮局"
    " 国道 省道 园"
).split()
# A site or a gate says little alone (理厂工程): it counts inside an address chain.
_WEAK_LANDMARKS = frozenset("工地 项目 工程 正门 大门 商铺 铺面 门面 中心".split())
# Literal words only, no lookaround or group: the regex engine then skips ahead to their first
# chars instead of trying every position (5x faster on long posts).
# A 园 after one of these is a plot or a campus, not a named garden (菜园, 果园, 校园).
_NO_GARDEN = frozenset("菜果校田茶苗")
_LANDMARK = re.compile("|".join((*_LANDMARK_WORDS, *sorted(_WEAK_LANDMARKS))))
# A config problem word holding one of these names a place (垃圾站, 绿化带, 马路市场), no problem.
_PLACE_WORD = re.compile(
    "|".join(
        (
            *_LANDMARK_WORDS,
            *_WEAK_LANDMARKS,
            *"绿地 绿化 花坛 草坪 草地 围墙 垃圾站 垃圾房 垃圾点 公厕 早市 夜市 菜地 菜园".split(),
            *"人行道 车位 通道 门外 门口 门前 店外 外面 楼道 楼顶 顶楼 路边 路面 阳台 车库".split(),
        )
    )
)
# What joins two parts of one address: 小区南面的|河工地, 幼儿园的斜对面, 万绿园正门往北200米处.
_LINK = re.compile(
    r"(?:的|旁边的?|附近的?|斜?对面的?|[东西南北]{1,2}(?:面|侧|边|角)的?|门口的?|门前的?|前面的?"
    r"|后面的?|边上的?|之间的?|往[东西南北]\d{1,4}米处?的?|[与和及、到至，,])?"
)
_NOT_ROAD = frozenset({"马路", "道路", "公路", "一路", "半路", "修路", "走路", "挖路"})
# What a road is paved with names no road (破石板路, 一条泥巴路).
_PAVING = ("水泥", "柏油", "石板", "泥巴", "泥土", "土", "沙石", "砂石", "碎石", "硬化")


@lru_cache(maxsize=8)
def _lengths(known: frozenset[str]) -> tuple[int, ...]:
    """The lengths the names in `known` come in (a few), longest first."""
    return tuple(sorted({len(k) for k in known}, reverse=True))


def known_before(text: str, end: int, known: frozenset[str]) -> bool:
    """True when a name in `known` ends at `end` (set lookups, not a scan of every name)."""
    return any(text[end - n : end] in known for n in _lengths(known) if n <= end)


def known_at(text: str, start: int, known: frozenset[str]) -> int:
    """Length of the longest name in `known` starting at `start` (0 when none)."""
    return next((n for n in _lengths(known) if text[start : start + n] in known), 0)


# Verbs that take a place as their object, connectives and time words: grammar, not problems,
# and never inside a name (呼吁整治|琴亭湖, 施工造成|北园路, 靠近|则徐大道, 放假期间|跃进河).
_NAME_BREAKS = (
    "进行 整治 治理 清理 清除 填埋 堵塞 开挖 拆除 拆掉 扩宽 做好 完成 加快 尽快 加强 恢复 破坏 侵占"
    " 影响 造成 导致 致使 使得 变成 流入 排入 直入 倒入 掉入 渗入 透入 倾倒 结合 靠近 发现 希望"
    " 呼吁 解决 明确 督促 要求 请求 恳请 强烈 而且 并且 然后 甚至 比如 包括 加上 然而 否则 随意"
    " 直接 直流 出入 自己 如今 现如今 违规 违法 管理 借用 缓解 做成 整理 修建 污染"
    " 上午 下午 晚上 早上 中午 夜里 夜间 凌晨 白天 夏天 冬天 春节 期间 之前 之后 以前 以后 开始"
    " 目前 现在 最近 每天 天天 平时 建议 更改 更换 规范 支持 改善 宣传 告知 转接 连接 拍照 占用"
    " 大大"
).split()


class ProblemWords:
    """Words of the problems reported (config keywords and cue words): a place name stops before
    the problem (部分污水|排入河道, 人用铁皮|堵住路口).

    `matters` (out-of-scope matters: 直排, 清淤, but also 银行, 安置房) cut names only: after an
    address they are often the landmark that locates it (中国人民银行门前)."""

    def __init__(self, words: Iterable[str] = (), matters: Iterable[str] = ()):
        spots = {w for w in words if _problem(w)}
        names = {w for w in (*_NAME_BREAKS, *matters) if _problem(w)} - spots
        self._ends_spot = {**dict.fromkeys(names, False), **dict.fromkeys(spots, True)}
        # A word's first two chars: one set lookup skips a position that starts no word.
        self._heads = frozenset(w[:2] for w in self._ends_spot)
        self._lengths = tuple(sorted({len(w) for w in self._ends_spot}, reverse=True))

    def _at(self, text: str, i: int, spots: bool) -> int:
        """Length of the longest problem word at `i` (0 when none); with `spots` only the words
        that end a spot."""
        if text[i : i + 2] not in self._heads:
            return 0
        ends_spot = self._ends_spot
        for n in self._lengths:
            found = ends_spot.get(text[i : i + n])
            if found or (found is not None and not spots):
                return n
        return 0

    def first(self, text: str, start: int, end: int, unless: re.Pattern) -> int:
        """Start of the first problem word ending a spot in [start, end) (`end` when none) that
        is not right before a word `unless` matches (施工|工地, 臭水沟|旁边: a place after all)."""
        heads = self._heads
        for i in range(start, end):
            if text[i : i + 2] in heads:
                n = self._at(text, i, True)
                if n and not unless.match(text, i + n):
                    return i
        return end

    def holds(self, text: str, start: int, end: int) -> bool:
        """True when a problem word that ends a spot starts in [start, end)."""
        heads = self._heads
        return any(text[i : i + 2] in heads and self._at(text, i, True) for i in range(start, end))

    def name_start(self, text: str, start: int, end: int, over: int) -> int | None:
        """Start of a name in [start, end) after its last problem word; None when a problem word
        covers the suffix `over` chars long after `end` (修路, 挖路: no road)."""
        heads = self._heads
        for i in range(start, end):
            if text[i : i + 2] in heads:
                n = self._at(text, i, False)
                if not n:
                    continue
                if i + n <= end:
                    start = max(start, i + n)
                elif over and i + n == end + over:
                    return None
        return start


def _problem(word: str) -> bool:
    """True for a word that may cut a place: two chars or more, and no place word inside."""
    return len(word) > 1 and not _PLACE_WORD.search(word)


NO_PROBLEMS = ProblemWords()


def name_start(
    text: str, end: int, min_len: int = 2, problems: ProblemWords = NO_PROBLEMS, over: int = 0
) -> int | None:
    """Start of the name ending at `end` (the suffix's start, `over` chars long), or None when
    there is none."""
    lane = text[end - 1 : end] == "里" and _LANE_END.match(text, end)
    run = NAME_RUN.search(text, max(0, end - 8), end - 1 if lane else end)
    start = run.start() if run else end - 1 if lane else end
    if start < end:
        cut = problems.name_start(text, start, end, over)
        if cut is None:
            return None
        start = cut
    admin = _ADMIN.match(text, start, end)
    # 三市村, 中市东路: a short name ending in 市 right before the suffix is the name itself.
    if admin and not (admin.end() == end and end - start <= 3 and text[end - 1] == "市"):
        start = admin.end()
    lead = LEADING.match(text, start, end)
    if lead and lead.end() < end:
        start = lead.end()
    elif _AND_NAME.match(text, max(0, start - 2), start + 1):
        start -= 1  # 和 starts the name after a district or a preposition: 秀英区和泰路, 在和平路
    start = max(start, end - _NAME_MAX)
    if text[start : start + 1] in _SIDE_CHARS and text[start - 1 : start] in _SIDE_OF:
        start += 1  # 楼下|菜园, 边上|浦上支河: the side belongs to the word before
    return start if end - start >= min_len else None


def roads(text: str, problems: ProblemWords = NO_PROBLEMS) -> Iterator[tuple[int, int, int]]:
    """(start, end, specificity) of road addresses: 长城路与春阳路交叉口, 正阳中路118号."""
    for m in _ROAD_SUFFIX.finditer(text):
        over = m.end() - m.start()
        start = name_start(text, m.start(), problems=problems, over=over)
        if start is None and over == 2 and text[m.start()] in "东西南北中":
            # 陕西路: 西 is part of the name
            start = name_start(text, m.start() + 1, problems=problems, over=1)
        if (
            start is None
            or text[start : m.end()] in _NOT_ROAD
            or text.endswith(_PAVING, start, m.start())
        ):
            continue
        tail = _ROAD_TAIL.match(text, m.end())
        yield start, tail.end(), 3 if tail.end() > m.end() else 2


def villages(text: str, problems: ProblemWords = NO_PROBLEMS) -> Iterator[tuple[int, int, int]]:
    """Villages and their groups: 后桃林村三组, 河套村村委会旁."""
    for m in _VILLAGE.finditer(text):
        start = name_start(text, m.start(), problems=problems, over=1)
        if start is None:
            continue
        tail = _VILLAGE_TAIL.match(text, m.end())
        yield start, tail.end(), 3 if tail.end() > m.end() else 2


def rivers(
    text: str, known: frozenset[str] = frozenset(), problems: ProblemWords = NO_PROBLEMS
) -> Iterator[tuple[int, int, int]]:
    """Rivers, brooks and lakes and their banks: 墨水河北岸, 琴亭湖."""
    for m in _RIVER.finditer(text):
        start = name_start(text, m.start(), problems=problems, over=1)
        if start is None or _known_around(text, m.start(), known):
            continue
        tail = _RIVER_TAIL.match(text, m.end())
        yield start, tail.end(), 3 if tail.end() > m.end() else 2


# A house number after a lane or block name that is no road: 居仁坊14号, 高登里二横96号.
_HOUSE = re.compile(r"\d(?<!\d\d)\d{0,3}(?:-\d{1,4})?号(?![楼线院])")


def _known_around(text: str, pos: int, known: frozenset[str]) -> bool:
    """True when a name in `known` covers position `pos` (龙湖悠山郡 holds no lake)."""
    for name in _holding(known, text[pos]):
        at = text.find(name, max(0, pos - len(name) + 1), pos + len(name))
        if 0 <= at <= pos:
            return True
    return False


@lru_cache(maxsize=64)
def _holding(known: frozenset[str], char: str) -> tuple[str, ...]:
    """The names in `known` that hold `char`."""
    return tuple(k for k in known if char in k)


def house_numbers(
    text: str, problems: ProblemWords = NO_PROBLEMS
) -> Iterator[tuple[int, int, int]]:
    """Names with a house number (not a date: 12月5号, 周末8号)."""
    for m in _HOUSE.finditer(text):
        if not m.start() or not _CJK_CHAR.match(text, m.start() - 1):
            continue
        start = name_start(text, m.start(), problems=problems)
        if start is not None and not _NOT_NAME.match(text, start):
            yield start, m.end(), 2


def estate_start(
    text: str, start: int, known: frozenset[str] = frozenset(), problems: ProblemWords = NO_PROBLEMS
) -> int:
    """Where an estate name written right before position `start` begins (else `start`).

    A `known` estate (a configured community) is left out: the community field names it.
    """
    end = start - 1 if start > 0 and text[start - 1] == " " else start
    if known_before(text, end, known):
        return start
    suffix = next((x for x in _ESTATE_SUFFIXES if text.endswith(x, 0, end)), None)
    if suffix is None:  # an estate without a suffix (融汇半岛6期): the name run before the building
        name = name_start(text, end, min_len=3, problems=problems)
        return start if name is None or _NOT_NAME.match(text, name) else name
    name = name_start(text, end - len(suffix), min_len=2, problems=problems)
    return start if name is None else name


# Words that start no landmark's name (今天小区, 孩子学校, 隔壁小区): time, people, deixis.
_NOT_NAME = re.compile(
    r"(?:今天|明天|昨天|后天|前天|周[一二三四五六日末]|上午|下午|晚上|早上|中午|最近|现在|平时|孩子|儿子|女儿"
    r"|老家|隔壁|附近|咱们|我们|你们|他们|居民|全区|整个|哪家|这家|那家|每个|各个|一个|农村|城里|老旧)+"
)


def _landmark_start(
    text: str, end: int, known: frozenset[str], problems: ProblemWords, over: int
) -> int | None:
    """Start of a landmark's name ending at `end`, after any time word or configured community."""
    start = name_start(text, end, problems=problems, over=over)
    if start is None or LEADING.fullmatch(text, start, end):
        return None  # a city alone names no landmark (太仓小区: the city's estates)
    prefix = _NOT_NAME.match(text, start, end)
    if prefix:
        start = prefix.end()
    # 天泰城商业街: the community is named elsewhere, the landmark is generic.
    start += min(known_at(text, start, known), end - start)
    return start if end - start >= 2 else None


# A named spot right after an address, up to the last word that says where in it
# (金龙路|上邦百汇城内, 国兴大道|海口洲际酒店工地, 正义路|海口中级法院北门明月公寓斜对面): part
# of the same place. It may
# hold what links address parts (的, 到, 和, 往) but no particle, pronoun or verb of the report.
_SPOT_STOP = (
    "在了是把被从我你他她它们这哪有就都还也又说去来看过着经于给让叫请问找该此其每各某些"
    "因为很称诉要会能可已刚将再没不别非么等那及"
)
# Chars that stop a spot only in some words: time words (not 老年公寓, 时代广场), 对于 (not 对面),
# 向 (not 方向), 沿着 (not 沿岸).
_SPOT_CUT = re.compile(
    r"(?<=[\d今去明前每当小])[年月日时]|[年月日时](?=[底初份候间段])|对(?!面)|(?<!方)向|沿(?![岸线河])"
)
_SPOT_END = (
    r"(?:出口处|入口处|出口|入口|门口|门前|大门|正门|[东西南北前后侧]门|旁边|旁|对面|附近|隔壁|周边|周围"
    r"|前面|后面|背后|后方|前方|楼下|楼底下|底下|下面|里面|内河|内(?![河容部])|处|位置|路段|[东西南北中]段|方向|之间|中间"
    r"|交界处|交汇处|交叉口|十字路口|路口|尽头|两边|两侧|一侧|侧面|[东西南北]{1,2}(?:侧|面|边|角)|沿岸|岸边"
    r"|河边|桥头|桥下|桥底|一楼|[1-9]楼|架空层|铺面|门面|宿舍区|宿舍|大院|公寓|小区|花园|家园|新村"
    r"|酒店|宾馆|旅馆|酒吧|大厦|广场|市场|超市|公园|学校|中学|小学|幼儿园|医院|工地|项目|工程"
    r"|店|馆|公交站|车站|站台|天桥|大桥|大楼|公司|停车场|人行道|绿化带|辅道|便道|道路|小道|巷|(?<=\d)弄|\d+号|栋|幢"
    r"|卖场|主楼|第?[一二三四五六七八九十\d]{1,2}层|银行|祠堂|俱乐部|诊所|居委会|村委会|派出所"
    r"|[这那]一?段(?:马路|路)?|段)"
)
_SPOT_END_AT = re.compile(_SPOT_END)
_SPOT_CHAR = _cjk_less(_SPOT_STOP, r"a-z\d#-")
# 这/那 stop a spot except in its last words: 琴亭河|到十二亭这一段.
_SPOT_RUN = re.compile(f"(?:{_SPOT_CHAR}|[这那](?=一?段))" + "{1,20}")
_SPOT = re.compile(_SPOT_CHAR + "{0,20}" + _SPOT_END)
# A note in brackets right after an address: 大英路(靠近南航天桥处).
_BRACKETED = re.compile(r"\([^()\n]{1,30}\)")
# The chars an address suffix starts with: a text holding none of them names no address.
_PLACE_CHARS = frozenset("大东西南北中路街村河溪湖浜")
_NAMED_CHARS = _PLACE_CHARS | {"号"} | {w[0] for w in (*_LANDMARK_WORDS, *_WEAK_LANDMARKS)}


def landmarks(
    text: str, known: frozenset[str] = frozenset(), problems: ProblemWords = NO_PROBLEMS
) -> Iterator[tuple[int, int, int]]:
    """Named landmarks (a name before 小区, 公园, 工地 ...); configured communities are left out."""
    for m in _LANDMARK.finditer(text):
        word, before = m.group(), text[m.start() - 1 : m.start()]
        if (
            (word == "府" and before == "政")
            or (word == "园" and before in _NO_GARDEN)
            or (word == "市场" and text.startswith(("监督", "监管"), m.end()))
        ):
            continue  # 政府 is no estate, 菜园 no garden, 市场监督管理局 no market
        start = _landmark_start(text, m.start(), known, problems, m.end() - m.start())
        if start is not None and not known_before(text, m.end(), known):
            yield start, m.end(), 1 if m.group() in _WEAK_LANDMARKS else 2


def addresses(
    text: str,
    known: frozenset[str] = frozenset(),
    named: bool = True,
    problems: ProblemWords = NO_PROBLEMS,
) -> Iterator[tuple[int, int, int]]:
    """Every road, village, river and (with `named`) named-landmark address in `text`, each
    extended over the address parts that follow it (则徐大道|金辉伯爵山小区|南面的|跃进河工地)."""
    if (_NAMED_CHARS if named else _PLACE_CHARS).isdisjoint(text):
        return  # most group messages name no road, village, river or landmark
    parts = [*roads(text, problems), *villages(text, problems), *rivers(text, known, problems)]
    if named:
        parts += [*landmarks(text, known, problems), *house_numbers(text, problems)]
    parts = _cut_overlaps(sorted(parts))
    longest: dict[int, int] = {}
    for a, b, _ in parts:
        longest[a] = max(b, longest.get(a, 0))
    for a, b, rank in parts:
        end, links = b, 0
        while True:
            link = _LINK.match(text, end).end()
            nxt = longest.get(link) or (longest.get(end) if link != end else None)
            if not nxt or nxt <= end:
                break
            end, links = nxt, links + 1
        if rank >= 2:
            spots = spots_end(text, end, problems)
            end, links = spots, links + (spots > end)
            start = _located_by(text, a, problems)
            a, links = start, links + (start < a)
        yield _units_before(text, a, known, problems), end, 3 if links else rank


def _cut_overlaps(parts: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """A name starting inside an address part before it starts after that part (江边村|村雁头路
    -> 雁头路), so the two chain into one address."""
    out, reach = [], 0
    for a, b, rank in parts:
        if a < reach < b - 1:
            a = reach
        out.append((a, b, rank))
        reach = max(reach, b)
    return sorted(out)


# The town, street office or committee an address is in, written right before it:
# 灵山镇|美灵湖小区, 罗星街道培英社区|金门新村, 桥东村委会|张吴村二队.
_UNIT_END = re.compile(r"(?:镇|乡|街道|社区|村委会|居委会)\Z")


def _units_before(text: str, a: int, known: frozenset[str], problems: ProblemWords) -> int:
    """Start of the units (town, street office, committee) written right before `a`."""
    for _ in range(3):
        unit = _UNIT_END.search(text, max(0, a - 3), a)
        if unit is None or known_before(text, a, known):
            break
        start = name_start(text, unit.start(), problems=problems)
        if start is None or _NOT_NAME.match(text, start):
            break
        a = start
    return a


# What an address may be located by, written before it: 福州春天后面的|淌洋河, 科技园旁边|跃进河.
_LOCATED_BY = re.compile(
    r"(?:旁边|旁|对面|附近|后面|前面|背后|门口|门前|边上|隔壁|内|里|这边|那边|侧面|[东西南北](?:侧|面|边))"
    r"的?\Z"
)


def _located_by(text: str, start: int, problems: ProblemWords) -> int:
    """Start of the named spot an address starting at `start` is located by (else `start`)."""
    rel = _LOCATED_BY.search(text, max(0, start - 3), start)
    if rel is None:
        return start
    name = name_start(text, rel.start(), problems=problems)
    return start if name is None or _NOT_NAME.match(text, name) else name


def spots_end(text: str, end: int, problems: ProblemWords = NO_PROBLEMS) -> int:
    """End of the named spots and bracketed notes that follow an address ending at `end`."""
    for _ in range(3):
        run = _SPOT_RUN.match(text, end)
        spot = None
        if run:  # the spot ends at the last word that locates before any stop or problem
            cut = _SPOT_CUT.search(text, end, run.end())
            stop = problems.first(text, end, cut.start() if cut else run.end(), _SPOT_END_AT)
            spot = _SPOT.match(text, end, stop)
        if not spot:  # a note in brackets locates unless it tells of the problem
            spot = _BRACKETED.match(text, end)
            if spot and problems.holds(text, spot.start(), spot.end()):
                spot = None
        if not spot:
            break
        end = spot.end()
    return end
