"""The taxonomy in spec/taxonomy.yaml, read once: the one source of intents and category codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

TAXONOMY_FILE = Path(__file__).with_name("taxonomy.yaml")


@dataclass(frozen=True)
class TaxonomyCategory:
    """One category as the spec defines it: stable code, Chinese name, default urgency."""

    code: str
    zh: str
    urgent: bool


def _load(path: Path = TAXONOMY_FILE) -> tuple[tuple[str, ...], tuple[TaxonomyCategory, ...]]:
    """(intents, categories) in the file's order."""
    data = yaml.safe_load(path.read_text("utf-8"))
    categories = tuple(
        TaxonomyCategory(code, str(spec["zh"]), bool(spec["urgent"]))
        for code, spec in data["categories"].items()
    )
    return tuple(data["intents"]), categories


INTENTS, CATEGORIES = _load()
CATEGORY_CODES: tuple[str, ...] = tuple(c.code for c in CATEGORIES)
