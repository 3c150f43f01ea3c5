"""The services worker jobs use, installed by the entry point (or a test) before any job runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from channels.senders import Sender
from domain.config import Config
from domain.store import Store
from nlp import Classifier
from workers.queues import JobQueue


def utc_now() -> datetime:
    """The real clock; tests install a runtime with a controlled one."""
    return datetime.now(UTC)


@dataclass
class Runtime:
    """Config, storage, queue, classifier and senders of one worker process."""

    config: Config
    store: Store
    queue: JobQueue
    classifier: Classifier
    senders: dict[str, Sender]
    clock: Callable[[], datetime] = utc_now
    media: object | None = None  # workers.media.MediaRuntime: fetcher and store for attachments
    limiter: object | None = None  # channels.ratelimit.SlidingWindow for rate-limited channels


class NotInstalled(RuntimeError):
    """A job ran in a process whose entry point installed no runtime."""


_current: Runtime | None = None


def install(runtime: Runtime | None) -> None:
    """Make `runtime` the one jobs use (`python -m workers`, bench and tests call this)."""
    global _current
    _current = runtime


def current() -> Runtime:
    """The installed runtime; never built behind the caller's back."""
    if _current is None:
        raise NotInstalled(
            "no worker runtime installed: start workers with `python -m workers` "
            "(tests: the worker_runtime fixture)"
        )
    return _current
