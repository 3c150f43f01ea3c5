"""Delivery of outbox rows through the channel each names: console, bridge, WeCom, WeChat."""

from __future__ import annotations

import json
import logging
from typing import Protocol

import requests
from wechatpy.exceptions import WeChatClientException

from channels import officer_cards, wxclients
from channels.aibot import AibotSender
from channels.robots import GroupReplySender, build_group_sender
from channels.signing import signed_headers, signed_ticket_url
from domain.models import Outbox

log = logging.getLogger(__name__)


class Sender(Protocol):
    """Sends one outbox row; raises when the far side refused, so the job retries."""

    def send(self, row: Outbox) -> None: ...


class ConsoleSender:
    """The default notifier: the outbox table is the record; the log shows the push."""

    def send(self, row: Outbox) -> None:
        log.info(
            "outbox %s [%s -> %s] %s %s",
            row.id,
            row.kind,
            row.recipient,
            row.title or "",
            row.text.replace("\n", " / "),
        )


class BridgeSender:
    """Group replies for bridge messages: POST to BRIDGE_REPLY_URL (signed) when it is set."""

    def __init__(self, reply_url: str | None, secret: str, timeout: float):
        self.reply_url, self.secret, self.timeout = reply_url, secret, timeout

    def send(self, row: Outbox) -> None:
        if not self.reply_url:  # no bridge listening: the outbox row is the record
            ConsoleSender().send(row)
            return
        body = json.dumps(_bridge_payload(row), ensure_ascii=False).encode()
        resp = requests.post(
            self.reply_url,
            data=body,
            headers=signed_headers(self.secret, body),
            timeout=self.timeout,
        )
        resp.raise_for_status()


def _bridge_payload(row: Outbox) -> dict:
    return {
        "key": row.key,
        "group_id": row.recipient,
        "text": row.text,
        "mentions": [row.mention] if row.mention else [],
        "ticket_no": row.ticket_no,
    }


class WeComSender:
    """Officer pushes (template card with 接单, text card, news card with a photo, signed links)
    and one-to-one replies through the WeCom app."""

    def __init__(
        self,
        client,
        agent_id: str,
        link_key: str | None = None,
        template_cards: bool = False,
        public_url: str = "",
    ):
        self.client, self.agent_id, self.link_key = client, agent_id, link_key
        self.template_cards, self.public_url = template_cards, public_url.rstrip("/")

    def send(self, row: Outbox) -> None:
        photo = (row.extra or {}).get("photo")
        if (row.extra or {}).get("update_card"):
            wxclients.update_template_card(
                self.client, self.agent_id, row.recipient, row.extra["update_card"], row.text
            )
        elif row.kind == "push" and photo and row.ticket_no:
            article = officer_cards.news_article(row, self._link(row), self._photo_url(row, photo))
            wxclients.send_officer_news(self.client, self.agent_id, row.recipient, article)
        elif (
            row.kind == "push" and row.url and self.template_cards and row.key.startswith("assign:")
        ):
            self._template_card(row)
        elif row.kind == "push" and row.url:
            wxclients.send_officer_card(
                self.client,
                self.agent_id,
                row.recipient,
                row.title or "",
                row.text,
                self._link(row),
            )
        else:
            wxclients.send_officer_text(self.client, self.agent_id, row.recipient, row.text)

    def _template_card(self, row: Outbox) -> None:
        """The 接单 card; an app that cannot show template cards gets the text card instead."""
        card = officer_cards.accept_card(row, self._link(row))
        try:
            wxclients.send_officer_template_card(self.client, self.agent_id, row.recipient, card)
        except WeChatClientException as exc:
            if exc.errcode not in officer_cards.CARD_UNSUPPORTED:
                raise
            log.warning("outbox %s: template card refused (%s), text card instead", row.id, exc)
            title, link = row.title or "", self._link(row)
            wxclients.send_officer_card(
                self.client, self.agent_id, row.recipient, title, row.text, link
            )

    def _photo_url(self, row: Outbox, sha256: str) -> str:
        url = f"{self.public_url}/media/{sha256}"
        if self.link_key:  # WeCom's servers fetch the picture: they need the ticket's signature
            url = signed_ticket_url(url, self.link_key, row.ticket_no)
        return url.replace("?sig=", f"?no={row.ticket_no}&sig=", 1)

    def _link(self, row: Outbox) -> str:
        # Signed only here: the outbox keeps the plain URL, so the key never lands in the database.
        if not (self.link_key and row.ticket_no):
            return row.url
        return signed_ticket_url(row.url, self.link_key, row.ticket_no, row.recipient)


class WeChatSender:
    """Replies to residents of the official account (customer-service messages)."""

    def __init__(self, client):
        self.client = client

    def send(self, row: Outbox) -> None:
        wxclients.send_resident_text(self.client, row.recipient, row.text)


def build_senders(config, secrets, storage=None) -> dict[str, Sender]:
    """One sender per outbox channel; a channel without credentials falls back to the console."""
    timeout = config.channels.http_timeout_seconds
    senders: dict[str, Sender] = {
        "console": ConsoleSender(),
        "bridge": build_group_sender(
            config,
            secrets,
            BridgeSender(
                secrets.get("bridge_reply_url"), secrets.get("bridge_secret") or "", timeout
            ),
        ),
    }
    senders["aibot"] = AibotSender(timeout, _robot_only(senders["bridge"]))
    senders["wecom"] = _wecom_sender(config, secrets, storage)
    wechat = wxclients.build_wechat_client(config, secrets, storage)
    senders["wechat"] = WeChatSender(wechat) if wechat else ConsoleSender()
    return senders


def _robot_only(group_sender) -> Sender:
    """智能机器人 chats have no bridge: only their robot (if configured) or the log."""
    if isinstance(group_sender, GroupReplySender):
        return GroupReplySender(
            ConsoleSender(), group_sender.robot, group_sender.keys, group_sender.per_minute
        )
    return ConsoleSender()


def _wecom_sender(config, secrets, storage) -> Sender:
    """The WeCom sender, or the console when corp id, secret or agent id is missing."""
    client = wxclients.build_wecom_client(config, secrets, storage)
    if client is None:
        return ConsoleSender()
    agent_id = secrets.get("wecom_agent_id")
    if not (agent_id and agent_id.isdigit()):  # wxclients sends int(agent_id)
        log.warning(
            "%s is unset or not a number: WeCom pushes go to the console log",
            secrets.env_name("wecom_agent_id"),
        )
        return ConsoleSender()
    return WeComSender(
        client,
        agent_id,
        secrets.get("api_token"),
        template_cards=config.channels.officer_card == "template",
        public_url=config.service.public_url,
    )
