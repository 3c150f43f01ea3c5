"""The fetch job: download an attachment, check it, store it once by hash, link it, and show the
first photo of a ticket to its officer."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from channels.media import Fetcher, MediaGone, MediaRejected, check
from channels.mediastore import MediaStore
from domain import attachments
from domain.models import Attachment
from domain.outbox import Sends
from workers import runtime

log = logging.getLogger(__name__)
MAX_FETCH_ATTEMPTS = 4


@dataclass
class MediaRuntime:
    """How workers fetch files and where they keep them."""

    fetcher: Fetcher
    store: MediaStore


class RetryFetch(Exception):
    """Raised so rq retries the fetch later (network trouble, far side busy)."""


def fetch_attachment(attachment_pk: int) -> str:
    """Fetch, check and store one attachment; a stored one is never fetched again."""
    rt = runtime.current()
    with rt.store.session() as s:
        row = s.get(Attachment, attachment_pk)
        if row is None or row.state != "pending":
            return "skipped"
        origin, kind = dict(row.origin), row.kind
    try:
        data = rt.media.fetcher.fetch(origin)
        checked = check(data, kind, rt.config.media)
        sha = rt.media.store.put(data, checked.content_type)
    except (MediaGone, MediaRejected) as exc:
        state = "failed" if isinstance(exc, MediaGone) else "rejected"
        return _give_up(rt, attachment_pk, state, exc)
    except Exception as exc:  # network, 5xx, token trouble: worth another try
        return _retry(rt, attachment_pk, exc)
    return _stored(rt, attachment_pk, sha, checked, len(data))


def _give_up(rt, pk: int, state: str, exc: Exception) -> str:
    with rt.store.session() as s:
        row = s.get(Attachment, pk, with_for_update=True)
        row.state, row.error = state, f"{type(exc).__name__}: {exc}"[:500]
        row.attempts += 1
    log.warning("attachment %s: %s: %s", pk, state, exc)
    return state


def _retry(rt, pk: int, exc: Exception) -> str:
    with rt.store.session() as s:
        row = s.get(Attachment, pk, with_for_update=True)
        row.attempts += 1
        row.error = f"{type(exc).__name__}: {exc}"[:500]
        if row.attempts >= MAX_FETCH_ATTEMPTS:
            row.state = "failed"
        attempts, state = row.attempts, row.state
    if state == "failed":
        log.error("attachment %s: fetch failed for good after %d attempts: %s", pk, attempts, exc)
        return state
    log.warning("attachment %s: fetch attempt %d failed: %s", pk, attempts, exc)
    raise RetryFetch(str(exc))


def _stored(rt, pk: int, sha: str, checked, size: int) -> str:
    now = rt.clock()
    with rt.store.session() as s:
        row = s.get(Attachment, pk, with_for_update=True)
        if row.state != "pending":  # another run got here first
            return "skipped"
        attachments.store_media(s, sha, checked, size, now)
        row.state, row.sha256, row.stored_at, row.error = "stored", sha, now, None
        row.attempts += 1
        s.flush()
        sends = Sends(s, rt.config, now)
        if row.ticket_id and row.kind == "image":
            attachments.show_first_photo(s, sends, row)
        outbox = [r.id for r in sends.recorded]
    for outbox_pk in outbox:
        rt.queue.deliver(outbox_pk)
    log.info("attachment %s: stored %s (%s, %d bytes)", pk, sha[:12], checked.content_type, size)
    return "stored"


def queue_fetches(rt, attachment_ids: list[int]) -> None:
    """After a message's unit of work committed: fetch the files it recorded."""
    for pk in attachment_ids:
        rt.queue.fetch_media(pk)


REAP_GRACE = timedelta(seconds=120)


def reap() -> int:
    """Re-enqueue fetches whose job was lost (crash, Redis restart); returns how many."""
    rt = runtime.current()
    cutoff = rt.clock() - REAP_GRACE
    with rt.store.session() as s:
        q = select(Attachment.id).where(
            Attachment.state == "pending", Attachment.created_at < cutoff
        )
        ids = list(s.scalars(q.order_by(Attachment.id).limit(500)))
    for pk in ids:
        rt.queue.fetch_media(pk)
    return len(ids)
