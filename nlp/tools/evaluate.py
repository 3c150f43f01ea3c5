"""Scores on labelled messages: per-label P/R/F1, confusion matrix, community, place, urgent.

Issue 7's figures, overall, per source and per length band: complaint precision and recall,
category accuracy among complaints (rows both labelled and predicted complaint whose category is
right), place found (see `place_found`) and urgent recall.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from pathlib import Path

from nlp import load_classifier
from nlp.tools import real_corpus, train
from nlp.tools.jsonl import read_jsonl
from spec.taxonomy import INTENTS


def prf(gold: Sequence, pred: Sequence, label) -> tuple[float, float, float, int]:
    """Precision, recall, F1 and support of one label."""
    tp = sum(1 for g, p in zip(gold, pred, strict=False) if g == label and p == label)
    n_pred = sum(1 for p in pred if p == label)
    n_gold = sum(1 for g in gold if g == label)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, n_gold


def report_labels(title: str, gold: Sequence, pred: Sequence, labels: Sequence) -> float:
    """Print a P/R/F1 table and return the macro-F1 over labels that occur in gold."""
    print(f"\n{title}\n{'label':24} {'prec':>6} {'rec':>6} {'f1':>6} {'n':>5}")
    f1s = []
    for label in labels:
        p, r, f, n = prf(gold, pred, label)
        if n:
            f1s.append(f)
        print(f"{str(label):24} {p:6.3f} {r:6.3f} {f:6.3f} {n:5d}")
    macro = sum(f1s) / len(f1s) if f1s else 0.0
    print(f"{'macro-F1':24} {'':6} {'':6} {macro:6.3f}")
    return macro


def confusion(gold: Sequence, pred: Sequence, labels: Sequence) -> None:
    """Print a confusion matrix, rows gold, columns predicted."""
    counts = Counter(zip(gold, pred, strict=False))
    width = max(len(str(x)) for x in labels) + 1
    print("\nconfusion (rows gold, columns predicted)")
    print(" " * width + "".join(f"{i:>4}" for i in range(len(labels))))
    for i, g in enumerate(labels):
        row = "".join(f"{counts[(g, p)]:>4}" for p in labels)
        print(f"{str(g):{width}}{row}   [{i}]")


# Length bands of the text in characters: group one-liners, long group messages, board posts.
BANDS = ((0, 40, "<=40"), (41, 120, "41-120"), (121, 10**9, ">120"))
PLACE_COVER = 0.5


def place_found(predicted: str | None, label: str | None) -> bool:
    """True when the predicted place covers most of the labelled one.

    Covered share = the longest common substring of the two / len(label); "most" is at least
    PLACE_COVER (0.5). `长城路` for a label `长城路上` is found; `长城路` for `春阳路` is not.
    """
    if not predicted or not label:
        return False
    m = SequenceMatcher(None, predicted, label, autojunk=False)
    common = m.find_longest_match(0, len(predicted), 0, len(label)).size
    return common / len(label) >= PLACE_COVER


def issue_figures(rows: Sequence[dict], preds: Sequence[dict]) -> dict:
    """Complaint P/R, category accuracy among complaints, place found, urgent recall (and n)."""
    pairs = list(zip(rows, preds, strict=True))
    gold_c = [(r, p) for r, p in pairs if r["intent"] == "complaint"]
    pred_c = [(r, p) for r, p in pairs if p["intent"] == "complaint"]
    both = [(r, p) for r, p in gold_c if p["intent"] == "complaint"]
    placed = [(r, p) for r, p in gold_c if r.get("place")]
    urgent = [(r, p) for r, p in gold_c if r.get("urgent")]

    def share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    return {
        "n": len(pairs),
        "complaints": len(gold_c),
        "complaint_precision": share(len(both), len(pred_c)),
        "complaint_recall": share(len(both), len(gold_c)),
        "category_accuracy": share(sum(r["category"] == p["category"] for r, p in both), len(both)),
        "place_found": share(
            sum(place_found(p["place"], r["place"]) for r, p in placed), len(placed)
        ),
        "urgent_recall": share(sum(bool(p["urgent"]) for _, p in urgent), len(urgent)),
    }


def breakdown(rows: Sequence[dict], preds: Sequence[dict]) -> dict[str, dict]:
    """issue_figures overall, per source (row field `source`) and per length band."""
    groups: dict[str, list[int]] = {"all": list(range(len(rows)))}
    for i, r in enumerate(rows):
        if r.get("source"):
            groups.setdefault(f"source {r['source']}", []).append(i)
        n = len(r["text"])
        band = next(name for low, high, name in BANDS if low <= n <= high)
        groups.setdefault(f"length {band}", []).append(i)
    return {
        name: issue_figures([rows[i] for i in idx], [preds[i] for i in idx])
        for name, idx in groups.items()
    }


def print_breakdown(table: dict[str, dict]) -> None:
    """The breakdown as a fixed-width table (- where a figure has no rows to stand on)."""
    cols = (
        "n",
        "complaints",
        "complaint_precision",
        "complaint_recall",
        "category_accuracy",
        "place_found",
        "urgent_recall",
    )
    heads = ("n", "compl", "P", "R", "cat acc", "place", "urg R")
    print(f"\n{'subset':28}" + "".join(f"{h:>8}" for h in heads))
    for name, fig in table.items():
        cells = []
        for c in cols:
            v = fig[c]
            cells.append("-" if v is None else f"{v:d}" if isinstance(v, int) else f"{v:.3f}")
        print(f"{name[:28]:28}" + "".join(f"{x:>8}" for x in cells))


def score(rows: list[dict], predict: Callable[[dict], dict], show_errors: bool = True) -> dict:
    """Print every figure for `rows` (labelled dicts) and return the headline numbers."""
    preds = [predict(r) for r in rows]
    gold_i = [r["intent"] for r in rows]
    pred_i = [p["intent"] for p in preds]
    out = {"intent_macro_f1": report_labels("intent", gold_i, pred_i, INTENTS)}
    cp, cr, _, _ = prf(gold_i, pred_i, "complaint")
    out.update(complaint_precision=cp, complaint_recall=cr)
    both = [
        (r, p)
        for r, p in zip(rows, preds, strict=False)
        if r["intent"] == "complaint" == p["intent"]
    ]
    cats = sorted({r["category"] for r in rows if r.get("category")})
    gold_c = [r["category"] for r, _ in both]
    pred_c = [p["category"] for _, p in both]
    out["category_macro_f1"] = report_labels("category (complaints found)", gold_c, pred_c, cats)
    confusion(gold_i, pred_i, INTENTS)
    confusion(gold_c, pred_c, cats)
    out.update(_exact_figures(rows, preds))
    table = breakdown(rows, preds)
    print_breakdown(table)
    overall = table["all"]
    out["category_accuracy"] = overall["category_accuracy"] or 0.0
    out["place_found"] = overall["place_found"] or 0.0
    print("\nheadline: " + ", ".join(f"{k}={v:.3f}" for k, v in out.items()))
    if show_errors:
        _print_errors(rows, preds)
    return out


def _exact_figures(rows: list[dict], preds: list[dict]) -> dict:
    """Community and place exact match over all rows, urgent recall over urgent complaints."""
    n = len(rows) or 1
    community = (
        sum(r.get("community") == p["community"] for r, p in zip(rows, preds, strict=False)) / n
    )
    place = sum(r.get("place") == p["place"] for r, p in zip(rows, preds, strict=False)) / n
    urgent = [p["urgent"] for r, p in zip(rows, preds, strict=False) if r.get("urgent")]
    urgent_recall = sum(urgent) / len(urgent) if urgent else 1.0
    print(
        f"\ncommunity exact {community:.3f}  place exact {place:.3f}  urgent recall "
        f"{urgent_recall:.3f} ({sum(urgent)}/{len(urgent)})"
    )
    return {"community_exact": community, "place_exact": place, "urgent_recall": urgent_recall}


def _print_errors(rows: list[dict], preds: list[dict]) -> None:
    """List the lines where intent, category or urgency is wrong."""
    print("\nmisclassified")
    for r, p in zip(rows, preds, strict=False):
        keys = ("intent", "category", "urgent")
        if any(r.get(k) != p[k] for k in keys):
            got = "/".join(str(p[k]) for k in keys)
            want = "/".join(str(r.get(k)) for k in keys)
            print(f"{r.get('id')}: want {want} got {got} ev={p.get('evidence')}: {r['text']}")


def _load_rows(path: str | Path) -> list[dict]:
    """Labelled rows of a JSONL file."""
    with open(path, encoding="utf-8") as fh:
        return list(read_jsonl(fh, str(path)))


def evaluate_file(
    config_path: str, path: str | None, show_errors: bool = True, real: str | None = None
) -> int:
    """`python -m nlp evaluate FILE` (or `--real SPLIT`): score the configured classifier."""
    clf = load_classifier(config_path)

    def predict(row: dict) -> dict:
        c = clf.classify(row["text"], row.get("group"))
        return {**c.as_dict(), "evidence": c.evidence}

    rows = real_corpus.load(real) if real else _load_rows(path)
    score(rows, predict, show_errors)
    return 0


def cross_validate(
    config_path: str, k: int, data: str | None = None, show_errors: bool = False
) -> int:
    """`python -m nlp evaluate --cv K`: k-fold CV of the learned model on the training data."""
    rows = train.load_training(data) + train.load_real_training()
    if len(rows) < k:
        print(f"only {len(rows)} training rows for {k} folds", file=sys.stderr)
        return 2
    preds = train.cross_val_predictions(config_path, rows, k)
    held_out = [r for r in rows if id(r) in preds]
    print(
        f"{k}-fold CV on {len(held_out)} hand-written and real messages "
        f"({len(rows) - len(held_out)} generated ones always in training); the training data "
        "labels no community or place, so those two figures mean nothing here"
    )
    score(held_out, lambda r: preds[id(r)], show_errors)
    return 0
