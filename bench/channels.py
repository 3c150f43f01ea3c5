"""Costs on the channels' paths, on the embedded Redis and this machine.

Run: .venv/bin/python bench/channels.py [N]   (default 2000)

Limiter: SlidingWindow.take (one Lua call) per second, the cost every robot reply pays.
Photo check: check_image on a 1600x1200 JPEG (magic bytes, Pillow header, verify) per second.
Store: FolderStore.put of that JPEG (hash, temp file, rename) per second.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from channels.media import check_image  # noqa: E402
from channels.mediastore import FolderStore  # noqa: E402
from channels.ratelimit import SlidingWindow  # noqa: E402
from domain.config import MediaSettings  # noqa: E402
from service.redis_server import EmbeddedRedis  # noqa: E402
from workers.queues import connect  # noqa: E402


def rate(label: str, n: int, fn) -> None:
    start = time.perf_counter()
    for i in range(n):
        fn(i)
    elapsed = time.perf_counter() - start
    print(f"{label}: {n / elapsed:,.0f}/s ({elapsed / n * 1000:.3f} ms each)")


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp), appendonly=False) as rs:
        redis = connect(rs.url)
        clock = iter(range(10**9))
        window = SlidingWindow(redis, lambda: next(clock) * 10.0)  # every call a new window
        rate("limiter take", n, lambda i: window.take(f"robot:{i % 50}", 20))
        out = io.BytesIO()
        Image.new("RGB", (1600, 1200), (120, 80, 40)).save(out, "JPEG", quality=85)
        photo = out.getvalue()
        print(f"photo: 1600x1200 JPEG, {len(photo):,} bytes")
        settings = MediaSettings()
        rate("photo check", max(n // 10, 1), lambda i: check_image(photo, settings))
        store = FolderStore(Path(tmp) / "media")
        rate("photo store", max(n // 10, 1), lambda i: store.put(photo + bytes([i % 256]), "x"))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
