"""Optional learned layer (filled in phase 2); the rules work without it."""

from __future__ import annotations


class LinearModel:
    """Placeholder until a trained model file exists."""


def load_default_model() -> LinearModel | None:
    """The packaged trained model, or None when there is none."""
    return None
