"""After WeCom refused a recipient: the leader is told once, the ticket moves on."""

from __future__ import annotations

from domain.tickets import TicketDesk
from domain.unreachable import officer_unreachable
from workers import timers


def refused(rt, userid: str, ticket_no: str | None) -> None:
    """Handle the refusal in its own unit of work, then queue what it recorded."""
    now = rt.clock()
    with rt.store.session() as s:
        desk = TicketDesk(s, rt.config, now)
        officer_unreachable(desk, userid, ticket_no)
        s.flush()
        sends = desk.sends.to_deliver()
        armed = list(desk.timers.armed)
    timers.after_commit(rt.queue, rt.clock, sends, armed)
