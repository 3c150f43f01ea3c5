"""rq jobs: thin and idempotent. Each loads by id, does one thing, and is safe to run twice."""

from __future__ import annotations

import logging
from datetime import timedelta

import handlers
from channels.wxclients import RecipientRejected
from domain import attachments
from domain.models import Message, Outbox
from handlers.base import Context
from handlers.cards import after_card_click
from handlers.media import link_after_handling
from workers import grouped, media, recipients, runtime, timers
from workers.queues import delivery_job_id, message_job_id
from workers.triage import Triage

log = logging.getLogger(__name__)
MAX_DELIVERY_ATTEMPTS = 4  # the first try plus the queue's retries
MAX_PROCESS_ATTEMPTS = 6  # rq's retries plus a few rounds of the reaper, then parked as failed
REAP_GRACE = timedelta(seconds=60)  # younger rows may be between their commit and enqueue


def process_message(message_pk: int) -> str:
    """Handle a stored message once: classify, run the first matching handler, queue sends.

    One transaction counts the attempt and does the work. If the handling raises, that
    transaction is rolled back and a second, short one counts the failed attempt (a process
    killed mid-job is counted by the reaper when it re-enqueues the message).
    """
    rt = runtime.current()
    try:
        with rt.store.session() as s:
            message = s.get(Message, message_pk, with_for_update=True)
            if message is None or message.state != "received" or not _count_attempt(message):
                return "skipped"
            ctx = Context(session=s, config=rt.config, classifier=rt.classifier, now=rt.clock())
            outcome = handlers.handle(message, ctx)
            link_after_handling(message, outcome, ctx)
            after_card_click(message, outcome, ctx)
            message.state, message.outcome = "processed", outcome.as_dict()
            s.flush()
            sends, armed = ctx.desk.sends.to_deliver(), list(ctx.desk.timers.armed)
            files = attachments.pending_for_message(s, message_pk)
    except Exception:
        count_failed_attempt(rt, message_pk)
        raise  # rq retries the job
    timers.after_commit(rt.queue, rt.clock, sends, armed)
    media.queue_fetches(rt, files)
    log.info(
        "message %s/%s: %s %s",
        message.channel,
        message.msg_id,
        outcome.handler,
        outcome.ticket_no or "",
    )
    return outcome.handler


def count_failed_attempt(rt, message_pk: int) -> None:
    """Count an attempt whose work was rolled back (or lost with its process)."""
    try:
        with rt.store.session() as s:
            message = s.get(Message, message_pk, with_for_update=True)
            if message is not None and message.state == "received":
                _count_attempt(message)
    except Exception:  # the database itself is failing: the job's own error says more
        log.exception("message %s: could not count the failed attempt", message_pk)


def _count_attempt(message: Message) -> bool:
    """Count this attempt; a message that keeps failing is parked instead of tried again."""
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
    route = grouped.limited_route(rt, outbox_pk)
    if route is not None:  # a rate-limited channel: the recipient's rows go out in order
        return grouped.drain(*route)
    with rt.store.session() as s:
        row = s.get(Outbox, outbox_pk, with_for_update=True)
        if row is None or row.state != "pending":
            return "skipped"
        row.attempts += 1
        refused = False
        try:
            rt.senders[row.channel].send(row)
            row.state, row.sent_at, row.error = "sent", rt.clock(), None
        except RecipientRejected as exc:  # the officer is outside the app: retrying cannot help
            row.error, row.state = f"{type(exc).__name__}: {exc}"[:500], "failed"
            refused = row.kind == "push"
        except Exception as exc:  # any far-side failure: record it, then let rq retry
            row.error = f"{type(exc).__name__}: {exc}"[:500]
            row.state = "failed" if row.attempts >= MAX_DELIVERY_ATTEMPTS else "pending"
        state, error, attempts, ticket_no = row.state, row.error, row.attempts, row.ticket_no
        recipient = row.recipient
    if refused:
        recipients.refused(rt, recipient, ticket_no)
    if state == "pending":  # committed above, so the attempt count survives the retry
        log.warning("outbox %s (%s): attempt %d failed: %s", outbox_pk, ticket_no, attempts, error)
        raise RetryDelivery(error)
    if state == "failed":  # visible in /api/outbox; never silently dropped
        log.error("outbox %s (%s): delivery failed for good: %s", outbox_pk, ticket_no, error)
    return state


class RetryDelivery(Exception):
    """Raised so rq retries the delivery later."""


def reap() -> dict:
    """Re-enqueue messages and sends whose job was lost (crash, Redis restart, failed enqueue).

    Lost means no job for it exists that will still run: the stable job id is looked up in
    Redis (queued, running, scheduled for a retry). A long backlog is not lost and is left
    alone. The grace period only keeps the reaper from racing a commit and its enqueue.
    """
    rt = runtime.current()
    cutoff = rt.clock() - REAP_GRACE
    triage = Triage.from_config(rt.config)
    messages = sends = 0
    for page in _pages(lambda after: rt.store.messages_waiting(cutoff, after)):
        lost = _lost(rt.queue, {message_job_id(pk): row for pk, *row in page})
        rt.store.count_attempts([pk for pk, _row in lost])  # lost with a killed process, too
        for first in (True, False):
            pks = [pk for pk, (ch, sender, text) in lost if triage.first(ch, sender, text) == first]
            rt.queue.process_messages(pks, first=first)
        messages += len(lost)
    for page in _pages(lambda after: rt.store.outbox_pending(cutoff, after)):
        lost = _lost(rt.queue, {delivery_job_id(pk): urgent for pk, urgent in page})
        rt.queue.enqueue_after_commit(lost, [])
        sends += len(lost)
    return {"messages": messages, "sends": sends}


def _pages(fetch):
    """Rows from `fetch(after_id)`, page by page, until a page comes back empty."""
    after = 0
    while page := fetch(after):
        yield page
        after = page[-1][0]


def _lost(queue, rows_by_job: dict) -> list:
    """(pk, row) for the rows whose job is lost; failed jobs leave the failed registry."""
    lost_ids = queue.lost(list(rows_by_job))
    queue.forget_failed(lost_ids)
    return [(int(job_id.split("-", 1)[1]), rows_by_job[job_id]) for job_id in lost_ids]
