"""Answers to 智能机器人 messages: POST to the message's response_url (once, within an hour);
later notices for the same chat go through its group robot when it has one, else the log."""

from __future__ import annotations

import logging

import requests

from domain.models import Outbox

log = logging.getLogger(__name__)
SPENT = {40029, 93017, 600039}  # response_code used or expired: the URL cannot answer again


class ResponseUrlSpent(Exception):
    """The response_url was already used or has expired."""


class AibotSender:
    """Markdown through response_url; the fallback sender for rows without one."""

    def __init__(self, timeout: float, fallback):
        self.timeout, self.fallback = timeout, fallback

    def limit(self, row: Outbox):
        """Rate-limited like the fallback when it goes there (a group robot)."""
        if (row.extra or {}).get("response_url"):
            return None
        limit = getattr(self.fallback, "limit", None)
        return limit(row) if limit else None

    def send(self, row: Outbox) -> None:
        url = (row.extra or {}).get("response_url")
        if not url:
            self.fallback.send(row)
            return
        body = {"msgtype": "markdown", "markdown": {"content": row.text}}
        resp = requests.post(url, json=body, timeout=self.timeout)
        resp.raise_for_status()
        errcode = resp.json().get("errcode", 0)
        if errcode in SPENT:
            log.warning("outbox %s: response_url spent (%s), using the fallback", row.id, errcode)
            self.fallback.send(row)
        elif errcode:
            raise RuntimeError(f"aibot response errcode {errcode}")
