"""Which message lane a message joins, decided at intake in microseconds, without the NLP stack.

Not classification: a hint for order only. Officers (by channel or known WeChat id) and texts
carrying a danger cue or a strong urgent-category keyword from config.yaml go to the first lane,
so under a backlog of chatter an urgent complaint is classified within seconds. A miss costs
only waiting in the ordinary lane; a false alarm costs nothing but its place in line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.config import Config

DEFAULT_STRONG_WEIGHT = 3.5  # nlp.fire_lane_weight: the keyword alone decides the category


@dataclass(frozen=True)
class Triage:
    """The first-lane test, built once from the configuration."""

    words: tuple[str, ...]
    patterns: tuple[re.Pattern, ...]
    typos: tuple[tuple[str, str], ...]
    config: Config

    @classmethod
    def from_config(cls, config: Config) -> Triage:
        """Danger cues (nlp.urgent_cues) and strong keywords of urgent categories."""
        nlp = config.nlp or {}
        strong = float(nlp.get("fire_lane_weight", DEFAULT_STRONG_WEIGHT))
        cues = nlp.get("urgent_cues") or {}
        words = {w.lower() for w in cues.get("words") or ()}
        for category in config.categories.values():
            if category.urgent:
                words.update(w.lower() for w, x in category.keywords.items() if x >= strong)
        patterns = tuple(re.compile(p) for p in cues.get("patterns") or ())
        typos = tuple((k.lower(), v.lower()) for k, v in (nlp.get("typos") or {}).items())
        return cls(tuple(sorted(words)), patterns, typos, config)

    def first(self, channel: str, sender_id: str, text: str) -> bool:
        """True when the message should be handled before the ordinary backlog."""
        if channel == "wecom" or self.config.staff_userid(sender_id) is not None:
            return True  # officers act on tickets: their commands must not queue behind chatter
        lowered = text.lower()
        for wrong, right in self.typos:  # the classifier's own typo list (消防通到 -> 消防通道)
            if wrong in lowered:
                lowered = lowered.replace(wrong, right)
        return any(w in lowered for w in self.words) or any(
            p.search(lowered) for p in self.patterns
        )
