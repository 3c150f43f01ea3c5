"""`python -m bot act`: an officer's action on a ticket through the JSON API."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

import requests

from domain.config import Config
from domain.officer_actions import BY_VERB, BY_ZH


def full_ticket_no(ref: str, config: Config, now: datetime | None = None) -> str:
    """`ref` as written, or today's ticket with that sequence (`1`, `0001`), as in chat."""
    if not re.fullmatch(r"[0-9]{1,4}", ref.strip()):
        return ref.strip()
    day = (now or datetime.now(UTC)).astimezone(config.tz).strftime("%Y%m%d")
    return f"{config.service.ticket_prefix}{day}-{int(ref):04d}"


def act(url: str, ticket_no: str, action: str, actor: str, note: str = "") -> int:
    """POST the action and print the answer; non-zero exit when refused."""
    token = os.environ.get("API_TOKEN")
    if not token:
        print("API_TOKEN unset: start the service with `make run` first")
        return 2
    known = BY_ZH.get(action) or BY_VERB.get(action)
    action = known.verb if known else action  # an unknown one: the API says why it is refused
    body = {"actor": actor, "action": action, "note": note}
    if known and known.argument == "target":
        body["target"] = note
    resp = requests.post(
        f"{url}/api/tickets/{ticket_no}/actions",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    data = (
        resp.json()
        if resp.headers.get("Content-Type", "").startswith("application/json")
        else {"error": resp.text}
    )
    if resp.status_code != 200:
        print(f"拒绝 / refused ({resp.status_code}): {data.get('error')}")
        return 1
    ticket = data["ticket"]
    print(f"{data['message']}  ->  {ticket['no']} {ticket['status_name']}")
    return 0
