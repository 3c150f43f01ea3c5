"""The classifier's vocabulary: categories with keyword weights, communities, cue word lists."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from nlp.matcher import PatternGate, WordIndex
from spec.taxonomy import CATEGORY_CODES

# The chatter cue group of out-of-scope government matters (config `nlp.out_of_scope`).
OUT_OF_SCOPE = "out_of_scope"


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
    tail: float = 0.5
    landmark: tuple[str, ...] = ()
    negatable: frozenset[str] = frozenset()
    not_negations: tuple[str, ...] = ()
    senses: tuple[str, ...] = ()

    @cached_property
    def negation_re(self) -> re.Pattern:
        """Any of `negations`, to search a window for."""
        return any_of(self.negations)

    @cached_property
    def served_re(self) -> re.Pattern:
        """Any of `served`."""
        return any_of(self.served)

    @cached_property
    def hypothetical_re(self) -> re.Pattern:
        """Any of `hypothetical`."""
        return any_of(self.hypothetical)


@dataclass(frozen=True)
class Redirect:
    """A category named only by `only` words, with none of `unless` in the text (and one of
    `when`, if given), becomes `to`."""

    source: str
    to: str
    only: tuple[str, ...]
    unless: tuple[str, ...]
    when: tuple[str, ...] = ()


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
    standard_terms: frozenset[str] = frozenset()
    other_senses: tuple[str, ...] = ()
    ongoing: tuple[str, ...] = ()
    redirects: tuple[Redirect, ...] = ()
    keyword_patterns: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> Lexicon:
        """Build from a parsed config.yaml dict (categories, communities, nlp; others ignored)."""
        nlp = dict(raw.get("nlp") or {})
        standard = _standard_terms(nlp.get("standard_terms") or {})
        chatter = dict(nlp.get("chatter_cues") or {})
        if nlp.get("out_of_scope"):
            chatter[OUT_OF_SCOPE] = nlp["out_of_scope"]
        return cls(
            categories=_categories(
                raw.get("categories") or {}, standard, float(nlp.get("standard_term_weight", 4))
            ),
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
            chatter_cues=tuple(_cue_group(k, v or {}) for k, v in chatter.items()),
            settings={k: v for k, v in nlp.items() if not isinstance(v, dict)},
            standard_terms=frozenset(w.lower() for words in standard.values() for w in words),
            other_senses=tuple(str(w).lower() for w in nlp.get("other_senses") or ()),
            ongoing=tuple(str(w) for w in nlp.get("ongoing") or ()),
            redirects=tuple(_redirect(r) for r in nlp.get("redirects") or ()),
            keyword_patterns={
                str(c): {str(p): float(w) for p, w in (ps or {}).items()}
                for c, ps in (nlp.get("keyword_patterns") or {}).items()
            },
        )

    @cached_property
    def index(self) -> WordIndex:
        """One index over every category keyword and cue word: a single scan per message."""
        entries: list[tuple[str, object]] = []
        for cat in self.categories.values():
            entries += [(w.lower(), ("kw", cat.code, x)) for w, x in cat.keywords.items()]
        for group in self.cue_groups:
            entries += [(w.lower(), ("cue", group.name, group.weight)) for w in group.words]
        entries += [(w, ("sense", "", 0.0)) for w in self.other_senses]
        entries += [(w.lower(), ("ongoing", "", 0.0)) for w in self.ongoing]
        return WordIndex(entries)

    @cached_property
    def problem_words(self) -> frozenset[str]:
        """Words of the problems reported (category keywords, complaint, urgent and ongoing cue
        words): a place name stops before them."""
        words = [w for cat in self.categories.values() for w in cat.keywords]
        words += [*self.complaint_cues.words, *self.urgent_cues.words, *self.ongoing]
        return frozenset(w.lower() for w in words)

    @cached_property
    def out_of_scope_words(self) -> frozenset[str]:
        """Words of government matters outside urban management (config `nlp.out_of_scope`)."""
        return frozenset(
            w.lower() for g in self.chatter_cues if g.name == OUT_OF_SCOPE for w in g.words
        )

    @cached_property
    def patterns(self) -> PatternGate:
        """Every regular expression a message is searched with, tagged (kind, name, weight):
        keyword patterns ("kw", category, weight), then ticket numbers ("ticket"), then cue
        patterns ("cue", group) in group order. Searched one by one, and only in a text holding
        the chars they need: an alternation of all of them would lose the regex engine's
        literal prefilters."""
        entries: list[tuple[re.Pattern, tuple[str, str, float]]] = [
            (re.compile(pattern), ("kw", code, weight))
            for code, patterns in self.keyword_patterns.items()
            for pattern, weight in patterns.items()
        ]
        entries += [(p, ("ticket", "", 0.0)) for p in self.ticket_patterns]
        entries += [(p, ("cue", g.name, g.weight)) for g in self.cue_groups for p in g.patterns]
        return PatternGate(entries)

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
            tail=float(get("tail_weight", 0.5)),
            landmark=tuple(get("landmark_after", ()) or ()),
            negatable=frozenset(get("negatable_cues", ()) or ()),
            not_negations=tuple(get("not_negations", ()) or ()),
            senses=self.other_senses,
        )

    @cached_property
    def cue_groups(self) -> tuple[CueGroup, ...]:
        """Complaint, urgent, status and the chatter groups."""
        return (self.complaint_cues, self.urgent_cues, self.status_cues, *self.chatter_cues)

    @cached_property
    def cue_group_indexes(self) -> dict[str, tuple[int, ...]]:
        """Cue group name -> the indexes of the groups so called in `cue_groups`."""
        out: dict[str, tuple[int, ...]] = {}
        for i, group in enumerate(self.cue_groups):
            out[group.name] = (*out.get(group.name, ()), i)
        return out

    @cached_property
    def chatter_weights(self) -> dict[str, float]:
        """Chatter group name -> weight, for the rule score."""
        return {g.name: g.weight for g in self.chatter_cues}

    def setting(self, key: str, default: Any) -> Any:
        """A scalar from the `nlp:` section (or the packaged defaults)."""
        return self.settings.get(key, default)


def any_of(words: tuple[str, ...]) -> re.Pattern:
    """A pattern matching any of `words` (never matching when there are none)."""
    return re.compile("|".join(map(re.escape, words)) if words else "(?!)")


def _categories(
    raw: Mapping[str, Any], standard: Mapping[str, list[str]], weight: float
) -> dict[str, Category]:
    """Categories with their keyword weights, all from config (the taxonomy codes when absent).

    Standard terms join their category's keywords with at least `weight`.
    """
    out = {}
    for code in list(raw) or list(CATEGORY_CODES):
        spec = raw.get(code) or {}
        words = {str(w): float(x) for w, x in (spec.get("keywords") or {}).items()}
        for term in standard.get(code, ()):
            words[term] = max(words.get(term, 0.0), weight)
        out[code] = Category(
            code=code,
            zh=str(spec.get("zh", code)),
            urgent=bool(spec.get("urgent", code == "fire_lane_blocked")),
            keywords={w: x for w, x in words.items() if x != 0},
        )
    return out


def _standard_terms(raw: Mapping[str, Any]) -> dict[str, list[str]]:
    """Category code -> its standard terms (config `nlp.standard_terms`)."""
    return {str(code): [str(w) for w in words or ()] for code, words in raw.items()}


def _redirect(raw: Mapping[str, Any]) -> Redirect:
    """A Redirect from {from, to, only, unless, when}."""
    return Redirect(
        source=str(raw["from"]),
        to=str(raw["to"]),
        only=tuple(str(w) for w in raw.get("only") or ()),
        unless=tuple(str(w) for w in raw.get("unless") or ()),
        when=tuple(str(w) for w in raw.get("when") or ()),
    )


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
