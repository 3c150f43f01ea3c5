"""Learned layer: multinomial logistic regression over tokens, char bigrams and rule cues.

Trained by `python -m nlp train` (nlp/tools/train.py) from nlp/data/train/*.tsv into
nlp/data/model.json.
Every decision is explainable: the features with the largest contribution are the evidence.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from itertools import repeat
from operator import add, mul
from pathlib import Path

from nlp.features import Analysis
from nlp.lexicon import OUT_OF_SCOPE

MODEL_PATH = Path(__file__).parent / "data" / "model.json"
_PUNCT = set(" ,.!?;:'\"()[]{}<>-~、，。！？；：“”‘’（）【】《》…—·")


def features(a: Analysis) -> dict[str, float]:
    """Sparse features of an analysed message: the head's tokens (w:), a long post's body tokens
    (x:, apart, so the head still weighs most) and cue flags (the category model's)."""
    feats: dict[str, float] = {"#bias": 1.0}
    feats.update(dict.fromkeys(["w:" + tok for tok in a.tokens if tok not in _PUNCT], 1.0))
    if a.tail:
        feats.update(dict.fromkeys(["x:" + tok for tok in a.tail if tok not in _PUNCT], 1.0))
    feats.update(cue_features(a))
    return feats


def intent_features(a: Analysis, feats: dict[str, float]) -> dict[str, float]:
    """The intent model's features: a board post or hotline record (a long or titled text) also
    gets its own copy of each, so what is particular to long posts is learnt by the copies and
    their prose does not shift the weights that short group messages are read with."""
    if a.board_post:
        # The body's own features (x:) exist on board posts only: they need no copy.
        copies = {"b" + k: v for k, v in feats.items() if not k.startswith("x:")}
        return {**feats, **copies}
    return feats


def bigrams(a: Analysis) -> list[str]:
    """Character bigrams of the digit-folded text: intent features robust to odd segmentation;
    a board post's also come with their own copies (see intent_features)."""
    text = a.model_text
    grams = ["c:" + x + y for x, y in zip(text, text[1:], strict=False)]
    return grams + ["b" + g for g in grams] if a.board_post else grams


def cue_features(a: Analysis) -> dict[str, float]:
    """Rule cues as features: keyword score per category, cue groups, question marks."""
    out = {f"#kw:{c}": min(s, 5.0) / 5.0 for c, s in a.category_scores.items()}
    if a.category_scores:
        out["#kw_any"] = min(max(a.category_scores.values()), 5.0) / 5.0
        # A keyword with no chatter or status cue and no question: the linear model cannot
        # form this conjunction itself, and it is what a plain report looks like.
        if not (a.chatter_hits or a.status_hits or "?" in a.text):
            out["#kw_plain"] = out["#kw_any"]
    for name in a.chatter_hits:
        if name != OUT_OF_SCOPE:  # a gate of the classifier, not a feature
            out["#" + name] = 1.0
    if "non_urban" in a.chatter_hits and not a.category_scores:
        # A non-urban subject (neighbour noise, lifts, heating) with no category keyword: the
        # harm words around it (天天, 烦死) do not make it a case for urban management.
        out["#off_topic"] = 1.0
    if a.status_hits:
        out["#status"] = min(len(a.status_hits), 2) / 2
    if a.complaint_hits:
        out["#complaint"] = min(len(a.complaint_hits), 3) / 3
    if a.urgent_hits:
        out["#urgent"] = 1.0
    if "?" in a.text or a.text.endswith(("吗", "呢", "么")):
        out["#question"] = 1.0
    return out


class LinearModel:
    """Softmax-linear classifier: weights[feature][k] for classes[k]."""

    def __init__(self, classes: Sequence[str], weights: Mapping[str, Sequence[float]]):
        self.classes = tuple(classes)
        self.weights = {f: tuple(w) for f, w in weights.items()}
        # Softmax only needs scores relative to one class: with three classes the two others'
        # weights, less the first's, fit in one complex number, and summing a message's features
        # is one C-level sum (the intent model reads every message).
        self._pairs = (
            {f: complex(w[1] - w[0], w[2] - w[0]) for f, w in self.weights.items()}
            if len(self.classes) == 3
            else None
        )

    def scores(self, feats: Mapping[str, float], ones: Sequence[str] = ()) -> list[float]:
        """Class scores of weighted features `feats` plus indicator features `ones`, up to a
        constant shared by all classes (softmax ignores it)."""
        if self._pairs is not None:
            return self._scores_of_three(feats, ones)
        get = self.weights.get
        keys = [f for f, v in feats.items() if v == 1.0]
        keys += ones
        rows = list(filter(None, map(get, keys)))  # C-level lookups; columns summed below
        s = list(map(sum, zip(*rows, strict=False))) if rows else [0.0] * len(self.classes)
        # Weighted features after the indicators, as sum() would add them: the same floats.
        for f, v in feats.items():
            if v != 1.0 and (w := get(f)) is not None:
                s = list(map(add, s, map(mul, w, repeat(v))))
        return s

    def _scores_of_three(self, feats: Mapping[str, float], ones: Sequence[str]) -> list[float]:
        """scores() of a three-class model, relative to the first class."""
        get = self._pairs.get
        keys = [f for f, v in feats.items() if v == 1.0]
        keys += ones
        total = sum(filter(None, map(get, keys)), 0j)
        for f, v in feats.items():
            if v != 1.0 and (w := get(f)) is not None:
                total += w * v
        return [0.0, total.real, total.imag]

    def proba(
        self, feats: Mapping[str, float], bias: Mapping[str, float] | None = None, ones=()
    ) -> dict:
        """Class probabilities; `bias` adds to the named classes' scores (the rules' vote)."""
        s = self.scores(feats, ones)
        for label, extra in (bias or {}).items():
            s[self.classes.index(label)] += extra
        top = max(s)
        exp = [math.exp(x - top) for x in s]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=False)}

    def explain(self, feats: Mapping[str, float], label: str, runner: str, n: int = 5) -> list[str]:
        """The n features (names) that pushed most towards `label` rather than `runner`."""
        k, r = self.classes.index(label), self.classes.index(runner)
        contrib = []
        for f, v in feats.items():
            w = self.weights.get(f)
            if w is not None and f != "#bias":
                push = (w[k] - w[r]) * v
                if push > 0:
                    contrib.append((push, f))
        contrib.sort(reverse=True)
        return [f for _, f in contrib[:n]]

    def to_json(self) -> dict:
        """Serialisable form."""
        return {
            "classes": list(self.classes),
            "weights": {f: list(w) for f, w in self.weights.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping) -> LinearModel:
        """Inverse of to_json."""
        return cls(data["classes"], data["weights"])


class IntentCategoryModel:
    """The two learned classifiers the Classifier consults: intent and category."""

    def __init__(self, intent: LinearModel, category: LinearModel):
        self.intent_model = intent
        self.category_model = category

    def predict(self, a: Analysis, intent_bias: Mapping[str, float] | None = None) -> tuple:
        """(intent probabilities, category features, intent features); the intent model also
        sees character bigrams. Both feature sets are returned so explaining and the category
        model reuse them."""
        feats = features(a)
        intent_feats = intent_features(a, feats)
        return self.intent_model.proba(intent_feats, intent_bias, bigrams(a)), feats, intent_feats

    def category(self, feats: Mapping[str, float]) -> dict[str, float]:
        """Category probabilities (asked only for complaints)."""
        return self.category_model.proba(feats)

    def save(self, path: Path = MODEL_PATH) -> None:
        """Write the model as compact JSON."""
        data = {"intent": self.intent_model.to_json(), "category": self.category_model.to_json()}
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> IntentCategoryModel:
        """Read a model written by save()."""
        data = json.loads(path.read_text("utf-8"))
        return cls(LinearModel.from_json(data["intent"]), LinearModel.from_json(data["category"]))


def load_default_model() -> IntentCategoryModel | None:
    """The packaged trained model, or None when it has not been trained."""
    return IntentCategoryModel.load() if MODEL_PATH.exists() else None
