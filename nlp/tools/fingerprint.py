"""A short hash of the files and settings an artefact was built from, to tell when it is stale."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def fingerprint(files: Iterable[Path], settings: object = None) -> str:
    """sha256 over each file's name and bytes (in the given order) and repr(settings)."""
    return fingerprint_parts(((path.name, path.read_bytes()) for path in files), settings)


def fingerprint_parts(parts: Iterable[tuple[str, bytes]], settings: object = None) -> str:
    """As `fingerprint`, over (name, bytes) pairs: for inputs only part of a file counts in."""
    h = hashlib.sha256()
    for name, data in parts:
        h.update(name.encode() + b"\0" + data + b"\0")
    h.update(repr(settings).encode())
    return h.hexdigest()
