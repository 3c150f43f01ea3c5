"""Record an accepted message, then enqueue it. No NLP here: the request must stay fast."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from bot.message import IncomingMessage
from domain.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Receipt:
    """What the edge tells the sender: accepted, and whether it was seen before."""

    msg_id: str
    duplicate: bool


class Enqueuer(Protocol):
    """Puts a stored message on the work queue (workers.queues.JobQueue in production)."""

    def process_message(self, message_pk: int, first: bool = False) -> None: ...


class Lane(Protocol):
    """Says whether a message joins the first lane (workers.triage.Triage in production)."""

    def first(self, channel: str, sender_id: str, text: str) -> bool: ...


class Intake:
    """Stores a message (unique on channel + msg_id) before the request returns; then enqueues.

    One database transaction and one Redis round trip per accepted message.
    """

    def __init__(self, store: Store, queue: Enqueuer, triage: Lane | None = None):
        self.store = store
        self.queue = queue
        self.triage = triage

    def accept(self, message: IncomingMessage) -> Receipt:
        """Store then enqueue; a redelivered message is acknowledged again and creates nothing."""
        pk, created = self.store.save_message(_row(message))
        if created:
            self._enqueue(pk, message)
        else:
            log.info("message %s/%s: duplicate delivery", message.channel, message.msg_id)
        return Receipt(msg_id=message.msg_id, duplicate=not created)

    def _enqueue(self, pk: int, message: IncomingMessage) -> None:
        first = bool(
            self.triage and self.triage.first(message.channel, message.sender_id, message.text)
        )
        try:
            self.queue.process_message(pk, first=first)
        except Exception:  # the row is stored: the reaper re-enqueues it; the sender gets 200
            log.exception(
                "message %s/%s: enqueue failed, left for the reaper",
                message.channel,
                message.msg_id,
            )


def _row(message: IncomingMessage) -> dict:
    return {
        "channel": message.channel,
        "msg_id": message.msg_id,
        "group_id": message.group_id,
        "sender_id": message.sender_id,
        "sender_name": message.sender_name,
        "text": message.text,
        "kind": message.kind,
        "extra": dict(message.extra),
        "mentions": {"names": list(message.mentions)},
        "sent_at": message.sent_at,
        "received_at": datetime.now(UTC),
    }
