"""The classifier's vocabulary: categories with keyword weights, communities, cue word lists."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from nlp.matcher import WordIndex
from spec.taxonomy import CATEGORY_CODES


@dataclass(frozen=True)
class Category:
    """One taxonomy category: code, Chinese name, default urgency, keyword -> weight."""

    code: str
    zh: str
    urgent: bool
    keywords: Mapping[str, float]


@dataclass(frozen=True)
class Community:
    """A residential community with the short forms residents use for it."""

    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CueGroup:
    """Words and regex patterns that together signal one thing, with a weight."""

    name: str
    weight: float
    words: tuple[str, ...]
    patterns: tuple[re.Pattern, ...] = ()

    def pattern_hits(self, text: str) -> list[str]:
        """The matches of this group's regular expressions in `text` (words go via WordIndex)."""
        found = []
        for pattern in self.patterns:
            m = pattern.search(text)
            if m and m.group(0):
                found.append(m.group(0))
        return found


@dataclass(frozen=True)
class Context:
    """The context word lists of the cue scan (negation, questions, fears), read once."""

    negations: tuple[str, ...]
    window: int
    asking: str
    hypothetical: tuple[str, ...]
    imagined: tuple[str, ...]
    again: str
    served: tuple[str, ...]
    earlier: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    """Everything configurable the classifier reads; build it with `Lexicon.from_mapping`."""

    categories: Mapping[str, Category]
    communities: tuple[Community, ...]
    typos: Mapping[str, str]
    bot_names: tuple[str, ...]
    user_words: tuple[str, ...]
    roads: tuple[str, ...]
    stopwords: tuple[str, ...]
    ticket_patterns: tuple[re.Pattern, ...]
    complaint_cues: CueGroup
    urgent_cues: CueGroup
    status_cues: CueGroup
    chatter_cues: tuple[CueGroup, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> Lexicon:
        """Build from a parsed config.yaml dict (categories, communities, nlp; others ignored)."""
        nlp = dict(raw.get("nlp") or {})
        return cls(
            categories=_categories(raw.get("categories") or {}),
            communities=_communities(raw.get("communities") or []),
            typos=dict(nlp.get("typos") or {}),
            bot_names=tuple(nlp.get("bot_names") or ()),
            user_words=tuple(nlp.get("user_words") or ()),
            roads=tuple(nlp.get("roads") or ()),
            stopwords=tuple(nlp.get("stopwords") or ()),
            ticket_patterns=tuple(re.compile(p) for p in nlp.get("ticket_patterns") or ()),
            complaint_cues=_cue_group("complaint", nlp.get("complaint_cues") or {}),
            urgent_cues=_cue_group("urgent", nlp.get("urgent_cues") or {}),
            status_cues=_cue_group("status", nlp.get("status_cues") or {}),
            chatter_cues=tuple(
                _cue_group(k, v or {}) for k, v in (nlp.get("chatter_cues") or {}).items()
            ),
            settings={k: v for k, v in nlp.items() if not isinstance(v, dict)},
        )

    @cached_property
    def index(self) -> WordIndex:
        """One index over every category keyword and cue word: a single scan per message."""
        entries: list[tuple[str, object]] = []
        for cat in self.categories.values():
            entries += [(w.lower(), ("kw", cat.code, x)) for w, x in cat.keywords.items()]
        for group in self.cue_groups:
            entries += [(w.lower(), ("cue", group.name, group.weight)) for w in group.words]
        return WordIndex(entries)

    @cached_property
    def context(self) -> Context:
        """Settings the cue scan reads for every message, converted once (not per message)."""
        get = self.setting
        return Context(
            negations=tuple(get("negations", ()) or ()),
            window=int(get("negation_window", 4)),
            asking=str(get("question_suffixes", "没吗么不")),
            hypothetical=tuple(get("hypothetical", ()) or ()),
            imagined=tuple(get("hypothetical_after", ()) or ()),
            again=str(get("solved_undone", "又")),
            served=tuple(get("notice_served", ()) or ()),
            earlier=tuple(get("earlier_report_words", ()) or ()),
        )

    @cached_property
    def cue_groups(self) -> tuple[CueGroup, ...]:
        """Complaint, urgent, status and the chatter groups."""
        return (self.complaint_cues, self.urgent_cues, self.status_cues, *self.chatter_cues)

    @cached_property
    def chatter_weights(self) -> dict[str, float]:
        """Chatter group name -> weight, for the rule score."""
        return {g.name: g.weight for g in self.chatter_cues}

    def setting(self, key: str, default: Any) -> Any:
        """A scalar from the `nlp:` section (or the packaged defaults)."""
        return self.settings.get(key, default)


def _categories(raw: Mapping[str, Any]) -> dict[str, Category]:
    """Categories with their keyword weights, all from config (the taxonomy codes when absent)."""
    out = {}
    for code in list(raw) or list(CATEGORY_CODES):
        spec = raw.get(code) or {}
        words = spec.get("keywords") or {}
        out[code] = Category(
            code=code,
            zh=str(spec.get("zh", code)),
            urgent=bool(spec.get("urgent", code == "fire_lane_blocked")),
            keywords={str(w): float(x) for w, x in words.items() if float(x) != 0},
        )
    return out


def _communities(raw: list) -> tuple[Community, ...]:
    """Communities from config: a name and its aliases."""
    out = []
    for item in raw:
        if isinstance(item, str):
            out.append(Community(item))
        elif isinstance(item, Mapping) and item.get("name"):
            aliases = tuple(str(a) for a in item.get("aliases") or () if a)
            out.append(Community(str(item["name"]), aliases))
    return tuple(out)


def _cue_group(name: str, spec: Mapping[str, Any]) -> CueGroup:
    """A CueGroup from {weight, words, patterns}."""
    return CueGroup(
        name=name,
        weight=float(spec.get("weight", 1.0)),
        words=tuple(str(w) for w in spec.get("words") or ()),
        patterns=tuple(re.compile(p) for p in spec.get("patterns") or ()),
    )
