"""What to do with a message: an ordered list of handlers, first match wins."""

from __future__ import annotations

from domain.models import Message
from handlers.base import Context, Handler, Outcome
from handlers.chatter import ChatterHandler
from handlers.complaint import ComplaintHandler
from handlers.followup import FollowUpHandler
from handlers.location import LocationHandler
from handlers.media import ResidentMediaHandler
from handlers.officer import OfficerCommandHandler
from handlers.photo import OfficerPhotoHandler
from handlers.resident import ResidentCommunityHandler
from handlers.status import StatusQueryHandler

HANDLERS: tuple[Handler, ...] = (
    OfficerCommandHandler(),
    OfficerPhotoHandler(),
    ResidentMediaHandler(),
    LocationHandler(),
    StatusQueryHandler(),
    FollowUpHandler(),
    ResidentCommunityHandler(),
    ComplaintHandler(),
    ChatterHandler(),
)


def handle(message: Message, ctx: Context, handlers: tuple[Handler, ...] = HANDLERS) -> Outcome:
    """Run the first handler that finds something in `message`, handing it what it found."""
    for handler in handlers:
        found = handler.match(message, ctx)
        if found is not None:
            return handler.handle(message, ctx, found)
    raise LookupError("no handler matched")  # ChatterHandler matches everything


__all__ = ["HANDLERS", "Context", "Outcome", "handle"]
