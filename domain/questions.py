"""Questions the bot asks once (is this a complaint? are you satisfied?) and their answers."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from domain import texts
from domain.models import Message, Question, Ticket
from domain.tickets import TicketDesk

CONFIRM_TTL = timedelta(hours=2)  # an unanswered "is this a complaint?" lapses after this
YES = re.compile(r"^(是|是的|对|对的|嗯|嗯嗯|好|好的|要|需要|确认|是啊|对啊)[!！。.~～]*$")
NO = re.compile(r"^(不是|不用|没有|不需要|算了|否)[!！。.~～]*$")
MENTION = re.compile(r"@\S+\s*")


def clean_answer(text: str) -> str:
    """The answer without @mentions and surrounding spaces."""
    return MENTION.sub("", text or "").strip()


def read_answer(kind: str, text: str) -> str | None:
    """yes/no for a confirmation, satisfied/unsatisfied for satisfaction; None if not an answer."""
    answer = clean_answer(text)
    if kind == "confirm":
        return "yes" if YES.match(answer) else "no" if NO.match(answer) else None
    if len(answer) > 12:
        return None  # a long message is a new topic, not a one-word rating
    if "不满意" in answer or "没解决" in answer or "没有解决" in answer:
        return "unsatisfied"
    return "satisfied" if "满意" in answer else None


def pending_question(desk: TicketDesk, message: Message) -> Question | None:
    """The newest unanswered question the sender of `message` was asked in this chat."""
    q = select(Question).where(
        Question.channel == message.channel,
        Question.chat_id == chat_of(message),
        Question.asked_id == message.sender_id,
        Question.answered_at.is_(None),
    )
    return desk.s.scalar(q.order_by(Question.id.desc()).limit(1))


def chat_of(message: Message) -> str:
    """The group, or the sender in a one-to-one chat."""
    return message.group_id or message.sender_id


def ask_confirm(desk: TicketDesk, message: Message, category_zh: str) -> None:
    """Ask once whether `message` is a complaint of `category_zh`."""
    desk.s.add(
        Question(
            kind="confirm",
            channel=message.channel,
            chat_id=chat_of(message),
            asked_id=message.sender_id,
            message_id=message.id,
            asked_at=desk.now,
            detail={"category_zh": category_zh},
        )
    )
    desk.sends.reply(
        message, texts.fmt(texts.ASK_CONFIRM, category=category_zh), key=f"ask:{message.id}"
    )


def ask_satisfaction(desk: TicketDesk, ticket: Ticket, note: str) -> None:
    """Tell the reporter the ticket is resolved and ask once: 满意 / 不满意."""
    if desk.s.scalar(
        select(Question.id).where(Question.kind == "satisfaction", Question.ticket_id == ticket.id)
    ):
        return
    desk.s.add(
        Question(
            kind="satisfaction",
            channel=ticket.channel,
            chat_id=ticket.group_id or ticket.reporter_id,
            asked_id=ticket.reporter_id,
            ticket_id=ticket.id,
            asked_at=desk.now,
        )
    )
    desk.sends.tell_reporter(
        ticket,
        texts.fmt(texts.RESIDENT_RESOLVED, no=ticket.no, note=note),
        f"resolved:{ticket.no}:{ticket.round}",
    )


def close_question(question: Question, answer: str, now) -> None:
    """Record the answer; a question is answered once."""
    question.answered_at, question.answer = now, answer
