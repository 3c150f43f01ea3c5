"""Learned layer: multinomial logistic regression over tokens, char bigrams and rule cues.

Trained by `python -m nlp train` (nlp/train.py) from nlp/data/train/*.tsv into nlp/data/model.json.
Every decision is explainable: the features with the largest contribution are the evidence.
"""

from __future__ import annotations

import json
import math
from operator import add
from collections.abc import Mapping, Sequence
from pathlib import Path

from nlp.features import Analysis

MODEL_PATH = Path(__file__).parent / "data" / "model.json"
_PUNCT = set(" ,.!?;:'\"()[]{}<>-~、，。！？；：“”‘’（）【】《》…—·")


def features(a: Analysis) -> dict[str, float]:
    """Sparse features of an analysed message: tokens, CJK char bigrams and cue flags."""
    feats: dict[str, float] = {"#bias": 1.0}
    for tok in a.tokens:
        if tok not in _PUNCT:
            feats["w:" + tok] = 1.0
    text = a.model_text
    for i in range(len(text) - 1):
        pair = text[i : i + 2]
        if pair.isalpha() or "0" in pair:
            feats["c:" + pair] = 1.0
    feats.update(cue_features(a))
    return feats


def cue_features(a: Analysis) -> dict[str, float]:
    """Rule cues as features: keyword score per category, cue groups, question marks."""
    out = {f"#kw:{c}": min(s, 5.0) / 5.0 for c, s in a.category_scores.items()}
    if a.category_scores:
        out["#kw_any"] = min(max(a.category_scores.values()), 5.0) / 5.0
    for name in a.chatter_hits:
        out["#" + name] = 1.0
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

    def scores(self, feats: Mapping[str, float]) -> list[float]:
        """Raw class scores."""
        out = [0.0] * len(self.classes)
        get = self.weights.get
        for f, v in feats.items():
            w = get(f)
            if w is None:
                continue
            if v == 1.0:  # most features are indicators: skip the multiplication
                out = list(map(add, out, w))
            else:
                out = [o + x * v for o, x in zip(out, w)]
        return out

    def proba(self, feats: Mapping[str, float], bias: Mapping[str, float] | None = None) -> dict:
        """Class probabilities; `bias` adds to the named classes' scores (the rules' vote)."""
        s = self.scores(feats)
        for label, extra in (bias or {}).items():
            s[self.classes.index(label)] += extra
        top = max(s)
        exp = [math.exp(x - top) for x in s]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp)}

    def explain(self, feats: Mapping[str, float], label: str, n: int = 5) -> list[str]:
        """The n words and cues that pushed most towards `label` rather than the runner-up.

        Character bigrams are left out: they carry weight but explain nothing to a reader.
        """
        scores = self.scores(feats)
        k = self.classes.index(label)
        runner = max((j for j in range(len(scores)) if j != k), key=scores.__getitem__, default=k)
        contrib = []
        for f, v in feats.items():
            w = self.weights.get(f)
            if w is not None and f[0] != "c" and f != "#bias":
                push = (w[k] - w[runner]) * v
                if push > 0:
                    contrib.append((push, f))
        contrib.sort(reverse=True)
        return [f.split(":", 1)[-1].lstrip("#") for _, f in contrib[:n]]

    def to_json(self) -> dict:
        """Serialisable form."""
        return {"classes": list(self.classes), "weights": {f: list(w) for f, w in self.weights.items()}}

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
        """(intent probabilities, features)."""
        feats = features(a)
        return self.intent_model.proba(feats, intent_bias), feats

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
