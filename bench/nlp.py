"""NLP speed over the dev messages: throughput, ratio to bare jieba, memory, cold start.

Speed is CPU time (this thread's), not wall time: on a machine shared with other jobs the wall
clock counts the time spent waiting for a core. The classifier and bare `jieba.lcut` run in
alternate passes over the messages in the same process, so both see the same load; the figures
are from each one's fastest pass (the least disturbed), with the medians beside them.

Run: .venv/bin/python bench/nlp.py [messages.jsonl] [--passes N] [--model model.json]
(`--model` reads another trained model than the committed one, to compare two in one sitting).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "nlp" / "data" / "eval" / "dev_messages.jsonl"
COLD_START = (
    "import time; t = time.perf_counter(); import nlp; "
    "c = nlp.load_classifier({config!r}); c.classify('8号楼后面消防通道被车堵了'); "
    "print(time.perf_counter() - t)"
)


def texts_of(path: Path) -> list[str]:
    """The `text` field of every line."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


def read_as_the_worker_does(clf):
    """classify, then what the handlers read: place and evidence (worked out when first read)
    only of a complaint, which becomes a ticket."""

    def read(text: str):
        c = clf.classify(text)
        if c.intent == "complaint":
            return c.place, c.evidence
        return c.intent

    return read


def one_pass(fn, texts: list[str]) -> float:
    """CPU seconds of fn over every text once."""
    start = time.thread_time()
    for t in texts:
        fn(t)
    return time.thread_time() - start


def alternate(fns: dict, texts: list[str], passes: int) -> dict[str, list[float]]:
    """CPU seconds per pass of each function, the functions taking turns pass by pass."""
    for fn in fns.values():  # warm-up: caches, lazily built tables
        one_pass(fn, texts)
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(passes):
        for name, fn in fns.items():
            times[name].append(one_pass(fn, texts))
    return times


def cold_start(config: Path, runs: int = 3) -> float:
    """Best of `runs` fresh interpreters: import nlp to the first classification, in seconds."""
    code = COLD_START.format(config=str(config))
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return min(times)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: messages file, passes, model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA, help="JSONL, `text`")
    parser.add_argument("--passes", type=int, default=15, help="timed passes of each (15)")
    parser.add_argument("--model", type=Path, help="a trained model.json (default: committed)")
    return parser.parse_args(argv)


def main() -> None:
    """Print the figures."""
    sys.path.insert(0, str(ROOT))
    args = parse_args()
    data, passes = args.data, args.passes
    config = ROOT / "config.yaml"
    texts = texts_of(data)
    tracemalloc.start()
    import nlp

    clf = nlp.load_classifier(config, args.model)
    clf.classify(texts[0])
    _, peak_build = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from nlp.segment import CACHE_DIR, _import_jieba

    jieba = _import_jieba()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)  # absent on a fresh clone
    jieba.dt.tmp_dir = str(CACHE_DIR)  # keep jieba's cache in the project, not /tmp
    jieba.initialize()
    times = alternate(
        {"classify": read_as_the_worker_does(clf), "jieba": jieba.lcut}, texts, passes
    )
    best = {name: min(t) for name, t in times.items()}
    median = {name: statistics.median(t) for name, t in times.items()}
    n = len(texts)
    print(f"messages: {n} from {data}; segmenter backend: {clf.segmenter.backend}")
    print(
        f"timing: CPU time, {passes} passes of each, classify and bare jieba alternating; "
        "best pass (median in brackets)"
    )
    print(
        f"classify: {n / best['classify']:,.0f} msg/s (one core), "
        f"{best['classify'] / n * 1e6:.0f} us/msg [{n / median['classify']:,.0f} msg/s]"
    )
    print(
        f"bare jieba.lcut: {n / best['jieba']:,.0f} msg/s, "
        f"{best['jieba'] / n * 1e6:.0f} us/msg [{n / median['jieba']:,.0f} msg/s]"
    )
    print(
        f"ratio classify/jieba: {best['jieba'] / best['classify']:.2f} "
        f"[{median['jieba'] / median['classify']:.2f}]"
    )
    print(
        f"peak memory building the classifier: {peak_build / 2**20:.1f} MiB Python heap "
        f"(tracemalloc), {rss:.0f} MiB max RSS of the process (ru_maxrss)"
    )
    print(f"cold start (import to first result, fresh process): {cold_start(config):.2f} s")


if __name__ == "__main__":
    main()
