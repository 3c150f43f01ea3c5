"""Secrets come from the environment (or an untracked file); config.yaml only names them."""

from __future__ import annotations

import os
from collections.abc import Mapping


class Secrets:
    """Looks up a secret by its config key (`wecom_token`) through the env variable config names."""

    def __init__(self, names: Mapping[str, str], environ: Mapping[str, str] | None = None):
        self._names = dict(names)
        self._environ = os.environ if environ is None else environ

    def get(self, key: str) -> str | None:
        """The value of the secret named by config key `key`, or None when unset or empty."""
        return self._environ.get(self._names[key]) or None

    def env_name(self, key: str) -> str:
        """The environment variable that holds secret `key` (for error messages)."""
        return self._names[key]
