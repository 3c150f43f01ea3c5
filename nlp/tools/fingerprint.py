"""A short hash of the files and settings an artefact was built from, to tell when it is stale."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def fingerprint(files: Iterable[Path], settings: object = None) -> str:
    """sha256 over each file's name and bytes (in the given order) and repr(settings)."""
    h = hashlib.sha256()
    for path in files:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    h.update(repr(settings).encode())
    return h.hexdigest()
