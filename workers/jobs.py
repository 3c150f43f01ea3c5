"""rq jobs: thin and idempotent. Each loads by id, does one thing, and is safe to run twice."""

from __future__ import annotations

import logging
from datetime import timedelta

import handlers
from channels.wxclients import RecipientRejected
from domain.models import Message, Outbox
from handlers.base import Context
from workers import runtime, timers

log = logging.getLogger(__name__)
MAX_DELIVERY_ATTEMPTS = 4  # the first try plus the queue's retries
MAX_PROCESS_ATTEMPTS = 6  # rq's retries plus a few rounds of the reaper, then parked as failed
REAP_GRACE = timedelta(seconds=60)  # a message this old and still unprocessed lost its job


def process_message(message_pk: int) -> str:
    """Handle a stored message once: classify, run the first matching handler, queue sends."""
    rt = runtime.current()
    if not _count_attempt(rt, message_pk):
        return "skipped"
    with rt.store.session() as s:
        message = s.get(Message, message_pk, with_for_update=True)
        if message is None or message.state != "received":
            return "skipped"
        ctx = Context(session=s, config=rt.config, classifier=rt.classifier, now=rt.clock())
        outcome = handlers.handle(message, ctx)
        message.state, message.outcome = "processed", outcome.as_dict()
        s.flush()
        sends = [row.id for row in ctx.desk.sends.recorded if row.state == "pending"]
        armed = list(ctx.desk.timers.armed)
    timers.after_commit(rt.queue, rt.clock, sends, armed)
    log.info(
        "message %s/%s: %s %s",
        message.channel,
        message.msg_id,
        outcome.handler,
        outcome.ticket_no or "",
    )
    return outcome.handler


def _count_attempt(rt, message_pk: int) -> bool:
    """Count this attempt in its own transaction; a message that keeps failing is parked."""
    with rt.store.session() as s:
        message = s.get(Message, message_pk, with_for_update=True)
        if message is None or message.state != "received":
            return False
        message.attempts += 1
        if message.attempts <= MAX_PROCESS_ATTEMPTS:
            return True
        message.state = "failed"  # visible in /api/messages; an operator re-queues it after a fix
        log.error(
            "message %s/%s: failed %d times, parked",
            message.channel,
            message.msg_id,
            MAX_PROCESS_ATTEMPTS,
        )
        return False


def deliver(outbox_pk: int) -> str:
    """Send one outbox row through its channel; a sent row is never sent again."""
    rt = runtime.current()
    with rt.store.session() as s:
        row = s.get(Outbox, outbox_pk, with_for_update=True)
        if row is None or row.state != "pending":
            return "skipped"
        row.attempts += 1
        try:
            rt.senders[row.channel].send(row)
            row.state, row.sent_at, row.error = "sent", rt.clock(), None
        except RecipientRejected as exc:  # the officer is outside the app: retrying cannot help
            row.error, row.state = f"{type(exc).__name__}: {exc}"[:500], "failed"
        except Exception as exc:  # any far-side failure: record it, then let rq retry
            row.error = f"{type(exc).__name__}: {exc}"[:500]
            row.state = "failed" if row.attempts >= MAX_DELIVERY_ATTEMPTS else "pending"
        state, error, attempts, ticket_no = row.state, row.error, row.attempts, row.ticket_no
    if state == "pending":  # committed above, so the attempt count survives the retry
        log.warning("outbox %s (%s): attempt %d failed: %s", outbox_pk, ticket_no, attempts, error)
        raise RetryDelivery(error)
    if state == "failed":  # visible in /api/outbox; never silently dropped
        log.error("outbox %s (%s): delivery failed for good: %s", outbox_pk, ticket_no, error)
    return state


class RetryDelivery(Exception):
    """Raised so rq retries the delivery later."""


def reap() -> dict:
    """Re-enqueue messages and sends whose job was lost (crash, Redis restart, failed enqueue)."""
    rt = runtime.current()
    cutoff = rt.clock() - REAP_GRACE
    messages = rt.store.messages_waiting(cutoff)
    for pk in messages:
        rt.queue.process_message(pk)
    sends = rt.store.outbox_pending(cutoff)
    for pk in sends:
        rt.queue.deliver(pk)
    return {"messages": len(messages), "sends": len(sends)}
