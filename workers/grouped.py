"""Rate-limited channels (a group robot: 20 a minute): the group's pending replies go out one by
one, oldest first, through a drain that only one worker runs per recipient at a time. Nothing is
dropped: when the window is full the drain is scheduled for when a slot frees; a reply that can
no longer matter (a merged duplicate's acknowledgement over an hour old) is folded into one
summary."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from sqlalchemy import select

from channels.robots import RobotRateLimited, RobotRefused
from domain import texts
from domain.models import Outbox
from workers import runtime

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 4
RETRY_SECONDS = (10, 60, 300)
STALE = timedelta(hours=1)
MERGED_MARK = "已并入工单"  # texts.TICKET_MERGED: the acknowledgement of a duplicate report
LOCK_SECONDS = 300
# Sends per job run: with a 5 s HTTP timeout, 10 sends stay well inside the 60 s job timeout
# (a job killed mid-send would roll back a row that went out, and it would go out twice).
MAX_PER_RUN = 10


def limit_of(rt, row: Outbox) -> tuple[str, int] | None:
    """The row's (bucket, per-minute limit) when its channel is rate limited."""
    sender = rt.senders.get(row.channel)
    limit = getattr(sender, "limit", None)
    return limit(row) if limit else None


def limited_route(rt, pk: int) -> tuple[str, str] | None:
    """(channel, recipient) when pending row `pk` must go through its recipient's drain."""
    with rt.store.session() as s:
        row = s.get(Outbox, pk)
        if row is None or row.state != "pending" or limit_of(rt, row) is None:
            return None
        return row.channel, row.recipient


def drain_id(channel: str, recipient: str) -> str:
    """rq job ids allow letters, digits, _ and - only."""
    return "drain-" + hashlib.sha1(f"{channel}\0{recipient}".encode()).hexdigest()[:20]


def drain(channel: str, recipient: str) -> str:
    """Send the recipient's pending rows in order while the limit allows."""
    rt = runtime.current()
    lock = rt.queue.redis.lock(f"cgbot:{drain_id(channel, recipient)}", timeout=LOCK_SECONDS)
    while True:
        if not lock.acquire(blocking=False):
            return "busy"  # the holder sends our row too: it reads the table, not a job list
        try:
            result = _drain_locked(rt, channel, recipient)
        finally:
            lock.release()
        # A row committed while we held the lock found it busy: look once more before leaving.
        if result != "drained" or not _next_pending(rt, channel, recipient):
            return result


def _next_pending(rt, channel: str, recipient: str) -> int | None:
    with rt.store.session() as s:
        q = select(Outbox.id).where(
            Outbox.channel == channel, Outbox.recipient == recipient, Outbox.state == "pending"
        )
        return s.scalar(q.order_by(Outbox.id).limit(1))


def _drain_locked(rt, channel: str, recipient: str) -> str:
    for _ in range(MAX_PER_RUN):
        pk = _next_pending(rt, channel, recipient)
        if pk is None:
            return "drained"
        _fold_stale(rt, channel, recipient)
        pk = _next_pending(rt, channel, recipient)
        if pk is None:
            return "drained"
        with rt.store.session() as s:
            limit = limit_of(rt, s.get(Outbox, pk))
        if limit is None:  # the robot was removed from config: plain delivery
            rt.queue.deliver(pk)
            return "handed-over"
        bucket, per_minute = limit
        wait = rt.limiter.take(bucket, per_minute)
        if wait > 0:
            _later(rt, channel, recipient, wait)
            return "waiting"
        outcome = _send(rt, pk)
        if outcome == "limited":
            rt.limiter.block(bucket)
            _later(rt, channel, recipient, rt.limiter.window)
            return "limited"
        if outcome == "retry":
            return "retry"
    pk = _next_pending(rt, channel, recipient)
    if pk is not None:  # more to send: a fresh job (and a fresh timeout) picks up from here
        rt.queue.deliver(pk)
    return "more"


def _later(rt, channel: str, recipient: str, seconds: float) -> None:
    """Run the drain again when a slot frees (rq's scheduler; the reaper is the safety net)."""
    rt.queue.drain_in(seconds, channel, recipient, job_id=drain_id(channel, recipient))


def _send(rt, pk: int) -> str:
    """Send one row under its row lock: sent, failed, limited (45009) or retry."""
    with rt.store.session() as s:
        row = s.get(Outbox, pk, with_for_update=True)
        if row is None or row.state != "pending":
            return "sent"
        row.attempts += 1
        try:
            rt.senders[row.channel].send(row)
            row.state, row.sent_at, row.error = "sent", rt.clock(), None
            return "sent"
        except RobotRateLimited as exc:  # not the row's fault: it keeps its place in line
            row.attempts -= 1
            row.error = f"45009 {exc}"[:500]
            log.warning("outbox %s (%s): robot over its limit, waiting", pk, row.recipient)
            return "limited"
        except RobotRefused as exc:
            row.state, row.error = "failed", f"{type(exc).__name__}: {exc}"[:500]
            log.error("outbox %s: robot refused for good: %s", pk, exc)
            return "failed"
        except Exception as exc:  # network, 5xx: retry this row before any later one
            row.error = f"{type(exc).__name__}: {exc}"[:500]
            if row.attempts >= MAX_ATTEMPTS:
                row.state = "failed"
                log.error("outbox %s: delivery failed for good: %s", pk, row.error)
                return "failed"
            delay = RETRY_SECONDS[min(row.attempts, len(RETRY_SECONDS)) - 1]
            channel, recipient = row.channel, row.recipient
    log.warning("outbox %s: attempt failed, again in %ss", pk, delay)
    _later(rt, channel, recipient, delay)
    return "retry"


def _fold_stale(rt, channel: str, recipient: str) -> None:
    """Merged duplicates' acknowledgements over an hour old become one summary message."""
    cutoff = rt.clock() - STALE
    with rt.store.session() as s:
        q = select(Outbox).where(
            Outbox.channel == channel,
            Outbox.recipient == recipient,
            Outbox.state == "pending",
            Outbox.kind == "reply",
            Outbox.created_at < cutoff,
        )
        stale = [r for r in s.scalars(q.order_by(Outbox.id)) if MERGED_MARK in r.text]
        if len(stale) < 2:
            return
        lines = "\n".join(f"- {r.text}" for r in stale)
        summary = Outbox(
            key=f"folded:{stale[0].id}-{stale[-1].id}",
            created_at=stale[0].created_at,
            kind="reply",
            channel=channel,
            recipient=recipient,
            ticket_no=stale[-1].ticket_no,
            text=texts.fmt(texts.FOLDED_ACKS, n=len(stale), lines=lines),
            state="pending",
            attempts=0,
            extra={"markdown": True, "folds": [r.id for r in stale]},
        )
        s.add(summary)
        s.flush()  # a new id: the summary goes after the replies already waiting
        for r in stale:
            r.state, r.error = "folded", f"folded into outbox {summary.id}"
    log.info("outbox: %d stale acknowledgements to %s folded into one", len(stale), recipient)
