"""Answers to a question the bot asked: "是" confirms a complaint, 满意/不满意 rates a ticket."""

from __future__ import annotations

from domain import actions, texts
from domain.models import Message, Question, Ticket
from domain.questions import close_question, pending_question, read_answer
from handlers.base import Context, Outcome
from handlers.complaint import community_of, open_and_dispatch


def _could_answer(text: str | None) -> bool:
    """Whether `text` reads as an answer to any question the bot asks."""
    return bool(text) and any(read_answer(kind, text) for kind in ANSWER_KINDS)


ANSWER_KINDS = ("confirm", "satisfaction")


class FollowUpHandler:
    """Matches a short answer from someone the bot asked a question in this chat."""

    name = "follow_up"

    def match(self, message: Message, ctx: Context) -> tuple[Question, str] | None:
        """The open question and the sender's answer to it."""
        if not _could_answer(message.text):
            return None  # most messages: no need to look for a question in the database
        question = pending_question(ctx.desk, message)
        answer = read_answer(question.kind, message.text) if question else None
        return (question, answer) if answer is not None else None

    def handle(self, message: Message, ctx: Context, found: tuple[Question, str]) -> Outcome:
        question, answer = found
        close_question(question, answer, ctx.now)
        if question.kind == "confirm":
            return self._confirmed(message, question, answer, ctx)
        return self._rated(message, question, answer, ctx)

    def _confirmed(
        self, message: Message, question: Question, answer: str, ctx: Context
    ) -> Outcome:
        if answer != "yes":
            ctx.desk.sends.reply(message, texts.CONFIRM_DECLINED)
            return Outcome(self.name, detail={"confirm": answer})
        original = ctx.session.get(Message, question.message_id)
        outcome = open_and_dispatch(original, community_of(original, ctx), ctx)
        return Outcome(self.name, outcome.ticket_no, {"confirm": answer})

    def _rated(self, message: Message, question: Question, answer: str, ctx: Context) -> Outcome:
        ticket = ctx.session.get(Ticket, question.ticket_id)
        if ticket.status != "resolved":  # already closed (timeout) or reopened by someone else
            return Outcome(self.name, ticket.no, {"satisfaction": answer, "moot": True})
        if answer == "satisfied":
            actions.close(ctx.desk, ticket, "reporter", "satisfied")
            ctx.desk.sends.reply(message, texts.fmt(texts.RESIDENT_THANKS, no=ticket.no), ticket.no)
        else:
            actions.reopen(ctx.desk, ticket, "reporter")
            ctx.desk.sends.reply(
                message, texts.fmt(texts.RESIDENT_REOPENED, no=ticket.no), ticket.no
            )
        return Outcome(self.name, ticket.no, {"satisfaction": answer})
