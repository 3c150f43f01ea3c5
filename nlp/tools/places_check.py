"""Place found on real training rows (labelled complaints with a labelled place).

`python -m nlp.tools.places_check [--misses] [--holdout]`: place found on all training rows, on
the fixed held-out eighth (sha256 starting with `f`, never read for misses) and the rest; the
place is found with the configured classifier's own intent (as `evaluate` does). `--misses`
prints the misses of the tuning rows only (never of the held-out eighth), and `--time` the CPU
time of place finding per message. Place found on the group-message sets: `python -m nlp evaluate
FILE` (its headline has place_found and place_exact).
"""

from __future__ import annotations

import sys
import time

from nlp import load_classifier
from nlp.places import find_place
from nlp.tools import real_corpus
from nlp.tools.cli import DEFAULT_CONFIG
from nlp.tools.evaluate import place_found

HELD_OUT = "f"


def main(argv: list[str]) -> int:
    clf = load_classifier(str(DEFAULT_CONFIG))
    rows = [r for r in real_corpus.load("train") if r["intent"] == "complaint" and r.get("place")]
    found = {"all": [0, 0], "held-out": [0, 0], "tuning": [0, 0]}
    by_source: dict[str, list[int]] = {}
    misses = []
    for r in rows:
        c = clf.classify(r["text"], r.get("group"))
        ok = place_found(c.place, r["place"])
        part = "held-out" if r["sha256"].startswith(HELD_OUT) else "tuning"
        for key in ("all", part):
            found[key][0] += ok
            found[key][1] += 1
        s = by_source.setdefault(r["source"], [0, 0])
        s[0] += ok
        s[1] += 1
        if not ok and part == "tuning":
            misses.append((r, c.place))
    for key, (k, n) in found.items():
        print(f"{key:10} {k / n:.3f} ({k}/{n})")
    for key, (k, n) in sorted(by_source.items()):
        print(f"  {key:12} {k / n:.3f} ({k}/{n})")
    if "--misses" in argv:
        for r, got in misses:
            text = r["text"].replace("\n", " | ")
            print(f"\n{r['id']} want [{r['place']}] got [{got}]\n  {text[:300]}")
    if "--time" in argv:
        _time(clf, [r["text"] for r in real_corpus.load("train")])
    return 0


def _time(clf, texts: list[str]) -> None:
    """CPU seconds of place finding alone per message (best of 5), inputs prepared beforehand."""
    from nlp.tools.jsonl import read_jsonl

    with open("nlp/data/eval/dev_messages.jsonl", encoding="utf-8") as fh:
        group = [r["text"] for r in read_jsonl(fh, "dev")]
    n_dev = len(group)
    texts = group + texts
    prepared = []
    for t in texts:
        norm, tokens, a = clf.analyse(t)
        prepared.append((norm, tokens, a.head_end))
    for name, part in (("group", prepared[:n_dev]), ("real", prepared[n_dev:])):
        best = None
        for _ in range(5):
            t0 = time.process_time()
            for norm, tokens, head in part:
                find_place(
                    norm,
                    tokens,
                    clf.roads,
                    bare=True,
                    head=head,
                    known=clf.known_estates,
                    problems=clf.problem_words,
                )
            dt = time.process_time() - t0
            best = dt if best is None else min(best, dt)
        per = best / len(part) * 1e6
        print(f"place finding, {name}: {len(part)} messages, {per:.1f} us/message")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
