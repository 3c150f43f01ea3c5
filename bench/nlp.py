"""NLP speed over the dev messages: throughput, ratio to bare jieba, memory, cold start.

Run: .venv/bin/python bench/nlp.py [messages.jsonl]
"""

from __future__ import annotations

import json
import resource
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


def rate(fn, texts: list[str], min_seconds: float = 2.0) -> float:
    """Messages per second of fn over texts, repeated for at least min_seconds."""
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < min_seconds:
        for t in texts:
            fn(t)
        done += len(texts)
    return done / (time.perf_counter() - start)


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


def main() -> None:
    """Print the figures."""
    sys.path.insert(0, str(ROOT))
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    config = ROOT / "config.yaml"
    texts = texts_of(data)
    tracemalloc.start()
    import nlp

    clf = nlp.load_classifier(config)
    clf.classify(texts[0])
    _, peak_build = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from nlp.segment import CACHE_DIR, _import_jieba

    jieba = _import_jieba()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)  # absent on a fresh clone
    jieba.dt.tmp_dir = str(CACHE_DIR)  # keep jieba's cache in the project, not /tmp
    jieba.initialize()
    ours = rate(clf.classify, texts)
    bare = rate(jieba.lcut, texts)
    print(f"messages: {len(texts)} from {data}; segmenter backend: {clf.segmenter.backend}")
    print(f"classify: {ours:,.0f} msg/s (one core)")
    print(f"bare jieba.lcut: {bare:,.0f} msg/s")
    print(f"ratio classify/jieba: {ours / bare:.2f}")
    print(
        f"peak memory building the classifier: {peak_build / 2**20:.1f} MiB Python heap "
        f"(tracemalloc), {rss:.0f} MiB max RSS of the process (ru_maxrss)"
    )
    print(f"cold start (import to first result, fresh process): {cold_start(config):.2f} s")


if __name__ == "__main__":
    main()
