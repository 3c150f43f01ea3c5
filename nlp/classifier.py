"""Complaint, status query or chatter; category, urgency, community and place of a group message."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from nlp.features import Analysis, analyse
from nlp.lexicon import Lexicon
from nlp.model import LinearModel, load_default_model
from nlp.normalize import Normalizer
from nlp.places import CommunityFinder, canonical_place, find_place
from nlp.segment import Segmenter
from nlp.similarity import dice

CONTRACT_FIELDS = ("intent", "category", "urgent", "community", "place")


@dataclass(frozen=True)
class Classification:
    """What the classifier says about one message; `evidence` names the words that drove it."""

    intent: str
    category: str | None
    urgent: bool
    community: str | None
    place: str | None
    confidence: float
    evidence: tuple[str, ...] = ()
    ask: bool = False

    def as_dict(self) -> dict:
        """The contract fields (intent, category, urgent, community, place)."""
        data = asdict(self)
        return {k: data[k] for k in CONTRACT_FIELDS}


class Classifier:
    """Rules and keyword weights from the Lexicon, optionally refined by a linear model."""

    def __init__(self, lexicon: Lexicon, model: LinearModel | None = None):
        self.lex = lexicon
        self.normalize = Normalizer(lexicon.typos)
        self.communities = CommunityFinder(lexicon.communities)
        self.segmenter = Segmenter(self._user_words())
        self.model = model if model is not None else load_default_model()
        self.roads = frozenset(lexicon.setting("roads", ()) or ())

    def _user_words(self) -> list[str]:
        """Community names and aliases, place words and category keywords for jieba."""
        words = list(self.communities.words()) + list(self.lex.user_words)
        for cat in self.lex.categories.values():
            words += list(cat.keywords)
        return words

    def classify(self, text: str, group: str | None = None) -> Classification:
        """Classify one group message; `group` is the community of the group it was posted in."""
        norm = self.normalize(text or "")
        tokens = self.segmenter.cut(norm.text)
        a = analyse(norm.text, tokens, self.lex)
        intent, score, evidence = self._intent(a)
        category = self._category(a) if intent == "complaint" else None
        return Classification(
            intent=intent,
            category=category,
            urgent=intent == "complaint" and self._urgent(a, category),
            community=self.communities.find(tokens),
            place=find_place(norm, self.roads),
            confidence=round(_sigmoid(score), 3),
            evidence=tuple(dict.fromkeys(evidence + self._category_evidence(a, category))),
            ask=intent != "status_query" and abs(score) < float(self.lex.setting("ask_margin", 1.0)),
        )

    def _intent(self, a: Analysis) -> tuple[str, float, tuple[str, ...]]:
        """Intent, complaint score (0 = undecided) and the cue words behind it."""
        if self.model is not None:
            return self.model.intent(a)
        threshold = float(self.lex.setting("complaint_threshold", 2.0))
        score = a.rule_score - threshold
        if a.status_hits and a.status_score >= max(3.0, a.rule_score):
            return "status_query", score, tuple(a.status_hits)
        intent = "complaint" if score >= 0 else "chatter"
        return intent, score, tuple(a.cue_words)

    def _category(self, a: Analysis) -> str:
        """Best-scoring category; a named fire lane wins over everything."""
        if a.category_hits.get("fire_lane_blocked"):
            return "fire_lane_blocked"
        if self.model is not None:
            return self.model.category(a)
        if not a.category_scores:
            return "other"
        return max(a.category_scores, key=a.category_scores.get)

    def _urgent(self, a: Analysis, category: str | None) -> bool:
        """Urgent by category default, or because someone is in danger now."""
        cat = self.lex.categories.get(category or "")
        return bool(a.urgent_hits) or bool(cat and cat.urgent)

    @staticmethod
    def _category_evidence(a: Analysis, category: str | None) -> tuple[str, ...]:
        """Keywords that named the category."""
        return tuple(w for w, _ in a.category_hits.get(category or "", ()))

    def similarity(self, a: str, b: str) -> float:
        """0..1 text similarity (character-bigram Dice on normalised text)."""
        return dice(self.normalize(a or "").text, self.normalize(b or "").text)

    def same_place(self, a: str | None, b: str | None) -> bool:
        """True when two place strings name the same spot (3号楼 == 3#楼 == 三号楼)."""
        if not a or not b:
            return False
        return canonical_place(a, self.normalize) == canonical_place(b, self.normalize)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))
