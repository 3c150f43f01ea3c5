"""`python -m bot simulate`: post a message exactly as a bridge would, then show what came of it."""

from __future__ import annotations

import json
import os
import time
import uuid

import requests

from channels.signing import signed_headers
from domain.config import Config

POLL_SECONDS = 20.0


def simulate(config: Config, url: str, community: str, text: str, sender: str) -> int:
    """Send `text` to the group of `community`; print the bot's answer and the ticket."""
    found = config.community_named(community)
    if found is None:
        print(f"未知小区 / unknown community: {community}")
        return 2
    secret, token = os.environ.get("BRIDGE_SECRET"), os.environ.get("API_TOKEN")
    if not secret or not token:
        print("BRIDGE_SECRET / API_TOKEN 未设置 / unset: start the service with `make run` first")
        return 2
    msg_id = f"sim-{uuid.uuid4().hex[:12]}"
    body = json.dumps(
        {
            "msg_id": msg_id,
            "group_id": found.groups[0],
            "sender_id": f"sim_{sender}",
            "sender_name": sender,
            "text": text,
            "sent_at": int(time.time()),
            "mentions": [],
        },
        ensure_ascii=False,
    ).encode()
    resp = requests.post(
        f"{url}/api/messages", data=body, headers=signed_headers(secret, body), timeout=10
    )
    print(f"POST /api/messages -> {resp.status_code} {resp.text.strip()}")
    if resp.status_code != 200:
        return 1
    view = _wait_processed(url, token, msg_id)
    if view is None:
        print("机器人尚未处理该消息（worker 是否在运行？）/ not processed yet")
        return 1
    _print_view(view)
    return 0


def _wait_processed(url: str, token: str, msg_id: str) -> dict | None:
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + POLL_SECONDS
    while time.monotonic() < deadline:
        resp = requests.get(f"{url}/api/messages/bridge/{msg_id}", headers=headers, timeout=10)
        view = resp.json() if resp.ok else None
        if (
            view
            and view["state"] != "received"
            and all(r["state"] != "pending" for r in view["replies"])
        ):
            return view
        time.sleep(0.3)
    return None


def _print_view(view: dict) -> None:
    outcome = view.get("outcome") or {}
    print(f"处理结果 / handler: {outcome.get('handler')}")
    for reply in view["replies"]:
        print(f"群回复 / group reply [{reply['state']}]: {reply['text']}")
    if not view["replies"]:
        print("群回复 / group reply: （无，机器人不回复闲聊）")
    ticket = view.get("ticket")
    if ticket:
        officer = ticket["officer"]["name"] if ticket["officer"] else "—"
        print(
            f"工单 / ticket: {ticket['no']} {ticket['status_name']} {ticket['category_name']} "
            f"{ticket['community']} {ticket['place'] or ''} -> {ticket['station_name']} "
            f"{officer}"
        )
        if ticket["officer"] and ticket["status"] in ("dispatched", "reopened"):
            # The number follows the local date: show the newcomer the exact next command.
            print(
                f"下一步 / next: .venv/bin/python -m bot act {ticket['no']} 接单 "
                f"--as {ticket['officer']['userid']}"
            )
