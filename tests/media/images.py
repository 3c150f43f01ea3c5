"""Small real images made with Pillow, for the photo tests."""

from __future__ import annotations

import io

from PIL import Image


def jpeg(width: int = 64, height: int = 48, colour=(200, 30, 30)) -> bytes:
    """A real JPEG of the given size."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG")
    return out.getvalue()


def png(width: int = 32, height: int = 32) -> bytes:
    """A real PNG."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (0, 120, 0)).save(out, "PNG")
    return out.getvalue()


def noisy_jpeg(width: int = 800, height: int = 600) -> bytes:
    """A JPEG that does not compress well: larger than the chat body limit (64 KiB)."""
    import random

    rng = random.Random(7)
    img = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()
