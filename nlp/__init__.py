"""Text in, labels out: complaint or chatter, category, urgency, community and place.

Knows nothing of Flask, Redis, SQL or tickets.
"""

from __future__ import annotations

from pathlib import Path

from nlp.classifier import Classification, Classifier
from nlp.lexicon import Lexicon

__all__ = ["Classification", "Classifier", "Lexicon", "load_classifier"]


def load_config(config_path: str | Path = "config.yaml") -> dict:
    """The parsed config.yaml as a dict."""
    import yaml

    with open(config_path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def load_classifier(config_path: str | Path = "config.yaml") -> Classifier:
    """A Classifier built from the categories, communities and nlp sections of config.yaml."""
    return Classifier(Lexicon.from_mapping(load_config(config_path)))
