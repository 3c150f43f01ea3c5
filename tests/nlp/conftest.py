"""One classifier per test session, built from the repo's config.yaml (jieba loads once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp import Classifier, Lexicon, load_classifier

CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"

SMALL_CONFIG = {
    "categories": {
        "fire_lane_blocked": {"zh": "占堵消防通道", "urgent": True, "keywords": {"消防通道": 5}},
        "clutter": {"zh": "乱堆乱放", "urgent": False, "keywords": {"杂物": 4}},
    },
    "communities": [{"name": "中海国际社区", "aliases": ["中海国际", "中海"]}],
    "nlp": {},
}


@pytest.fixture(scope="session")
def clf() -> Classifier:
    """The classifier as the service builds it."""
    return load_classifier(CONFIG)


@pytest.fixture(scope="session")
def small_lexicon() -> Lexicon:
    """A lexicon from a tiny config dict."""
    return Lexicon.from_mapping(SMALL_CONFIG)
