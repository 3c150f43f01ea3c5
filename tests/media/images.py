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
