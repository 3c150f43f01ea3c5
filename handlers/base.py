"""What every handler sees (Context) and returns (Outcome)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from domain.config import Config
from domain.models import Message
from domain.tickets import TicketDesk
from nlp import Classification, Classifier

Found = TypeVar("Found")


@dataclass
class Context:
    """The outside world, passed in: config, classifier, the open session and the time."""

    session: Session
    config: Config
    classifier: Classifier
    now: datetime

    @cached_property
    def desk(self) -> TicketDesk:
        """Ticket operations bound to this unit of work."""
        return TicketDesk(self.session, self.config, self.now)

    def classify(self, message: Message) -> Classification:
        """The NLP reading of `message`, computed once: several handlers' matches ask for it."""
        cache = self.__dict__.setdefault("_readings", {})
        if message.id not in cache:
            group = self.config.community_for_group(message.group_id) if message.group_id else None
            cache[message.id] = self.classifier.classify(
                message.text, group.name if group else None
            )
        return cache[message.id]


@dataclass(frozen=True)
class Outcome:
    """What a handler did: its name, the ticket it touched and any detail worth keeping."""

    handler: str
    ticket_no: str | None = None
    detail: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-friendly form stored on the message."""
        return {"handler": self.handler, "ticket_no": self.ticket_no, **self.detail}


class Handler(Protocol[Found]):
    """A match/handle pair, as python-telegram-bot's check_update/handle_update.

    `match` returns what it found (a parsed command, a ticket, a reading), or None when the
    message is not this handler's; the first handler that finds something is handed it.
    """

    name: str

    def match(self, message: Message, ctx: Context) -> Found | None: ...

    def handle(self, message: Message, ctx: Context, found: Found) -> Outcome: ...
