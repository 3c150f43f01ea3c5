"""Text in, labels out: complaint or chatter, category, urgency, community and place.

Knows nothing of Flask, Redis, SQL or tickets.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from nlp.classifier import Classification, Classifier
from nlp.lexicon import Lexicon
from nlp.model import IntentCategoryModel

__all__ = ["Classification", "Classifier", "Lexicon", "lexicon_from_file", "load_classifier"]


def lexicon_from_file(config_path: str | Path = "config.yaml") -> Lexicon:
    """The Lexicon of a config.yaml's categories, communities and nlp sections.

    For nlp's own command line and benchmarks; the product validates the file with
    domain.config.load_config and builds the Lexicon from the validated Config.
    """
    with open(config_path, encoding="utf-8") as fh:
        return Lexicon.from_mapping(yaml.safe_load(fh) or {})


def load_classifier(
    config_path: str | Path = "config.yaml", model: str | Path | None = None
) -> Classifier:
    """A Classifier built from the categories, communities and nlp sections of config.yaml, with
    the committed model or the trained one at `model`."""
    if model is None:
        return Classifier(lexicon_from_file(config_path))
    return Classifier(lexicon_from_file(config_path), IntentCategoryModel.load(Path(model)))
