"""Golden output of the classifier, for speed work that must change no result.

Classifies every message of nlp/data/eval/*.jsonl and every labelled real text (NLP_REAL_TEXTS;
texts only: no label is read) and writes one line per message: intent, category, urgent, place,
community, complaint probability (rounded to 1e-9), evidence, ask.

Run:
  python bench/nlp_golden.py dump OUT.jsonl          # the current code's output
  python bench/nlp_golden.py check GOLDEN.jsonl      # differences from a dump, by id only for
                                                     # real development rows (never read them)
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "nlp" / "data" / "eval"
REAL = Path(os.environ.get("NLP_REAL_TEXTS", ROOT / "var" / "real" / "texts.jsonl"))
# Sources with development rows: their differences are counted, never printed.
HIDDEN = ("cq12345", "tc_hanshan", "wh_liuyan")


def messages() -> list[tuple[str, str]]:
    """(id, text) of every evaluation message and real text."""
    out = []
    for path in sorted(EVAL.glob("*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh):
                if line.strip():
                    out.append((f"{path.stem}:{n}", json.loads(line)["text"]))
    if REAL.exists():
        from nlp.tools.real_corpus import LABELS, text_of

        # Only the labelled corpus of this checkout (ids only are read): the texts file may hold
        # rows of sets being built elsewhere, which are not to be run.
        with open(LABELS, encoding="utf-8") as fh:
            labelled = {json.loads(line)["id"] for line in fh if line.strip()}
        with open(REAL, encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if row["id"] in labelled:
                    out.append((f"real:{row['id']}", text_of(row["title"], row["body"])))
    return out


def outputs() -> list[str]:
    """One JSON line per message."""
    import nlp

    clf = nlp.load_classifier(ROOT / "config.yaml")
    lines = []
    for mid, text in messages():
        c = clf.classify(text)
        # The unrounded complaint probability (Classification.confidence keeps 3 decimals).
        p = clf._decide(clf.analyse(text)[2]).p_complaint
        rec = {
            "id": mid,
            "intent": c.intent,
            "category": c.category,
            "urgent": c.urgent,
            "place": c.place,
            "community": c.community,
            "confidence": round(p, 9),
            "evidence": list(c.evidence),
            "ask": c.ask,
        }
        lines.append(json.dumps(rec, ensure_ascii=False, sort_keys=True))
    return lines


def main() -> None:
    """dump OUT | check GOLDEN."""
    sys.path.insert(0, str(ROOT))
    mode, path = sys.argv[1], Path(sys.argv[2])
    lines = outputs()
    if mode == "dump":
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{len(lines)} messages written to {path}")
        return
    golden = path.read_text(encoding="utf-8").splitlines()
    if len(golden) != len(lines):
        sys.exit(f"{len(lines)} messages, golden has {len(golden)}")
    differ = [(g, n) for g, n in zip(golden, lines, strict=True) if g != n]
    for g, n in differ:
        mid = json.loads(g)["id"]
        if mid.startswith(tuple(f"real:{s}" for s in HIDDEN)):
            print(f"differs: {mid}")
        else:
            print(f"- {g}\n+ {n}")
    print(f"{len(lines)} messages, {len(differ)} differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
