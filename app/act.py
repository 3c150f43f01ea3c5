"""`python -m bot act`: an officer's action on a ticket through the JSON API."""

from __future__ import annotations

import os

import requests

VERBS = {
    "接单": "accept",
    "到场": "arrive",
    "办结": "resolve",
    "转派": "transfer",
    "退回": "return",
    "升级": "escalate",
}


def act(url: str, ticket_no: str, action: str, actor: str, note: str = "") -> int:
    """POST the action and print the answer; non-zero exit when refused."""
    token = os.environ.get("API_TOKEN")
    if not token:
        print("API_TOKEN unset: start the service with `make run` first")
        return 2
    action = VERBS.get(action, action)
    body = {"actor": actor, "action": action, "note": note}
    if action == "transfer":
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
