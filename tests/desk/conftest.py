"""Desk fixtures: a dispatched ticket, desk passwords, and a browser-like client with CSRF."""

from __future__ import annotations

import re
import time

import pytest

from channels.signing import signed_ticket_url
from domain.desk_users import set_password
from tests.conftest import TEST_SECRETS
from tests.loop.conftest import CLUTTER, chat, time_machine  # noqa: F401  (fixtures)

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def ticket_no(chat, services, clock) -> str:  # noqa: F811
    """A dispatched clutter ticket in 龙湖悠山郡 (ST01, 城阳); web and workers share a clock."""
    services.clock = clock
    chat.resident(CLUTTER)
    return chat.ticket().no


@pytest.fixture
def passwords(store, clock):
    """Give `userids` the test password."""

    def give(*userids: str) -> None:
        with store.session() as s:
            for userid in userids:
                set_password(s, userid, PASSWORD, clock())

    return give


def csrf_token(client, path: str = "/desk/login") -> str:
    """The CSRF token of the page at `path` (the session cookie stays in the client)."""
    page = client.get(path).get_data(as_text=True)
    return TOKEN.search(page).group(1)


def login(client, userid: str, password: str = PASSWORD):
    """Sign in through the real form; returns the response."""
    token = csrf_token(client)
    data = {"userid": userid, "password": password, "csrf_token": token}
    return client.post("/desk/login", data=data)


def push_link(no: str, userid: str, now: float | None = None) -> str:
    """The link a push carries, made as the WeCom sender makes it."""
    return signed_ticket_url(f"/tickets/{no}", TEST_SECRETS["API_TOKEN"], no, userid, now)


def act(client, no: str, action: str, **fields):
    """Post the ticket page's form with its CSRF token, as the browser would."""
    token = csrf_token(client, f"/tickets/{no}")
    return client.post(f"/tickets/{no}/act", data={"action": action, "csrf_token": token, **fields})


def signed_in(app, userid: str, passwords):
    """A fresh client signed in as `userid`."""
    passwords(userid)
    client = app.test_client()
    assert login(client, userid).status_code == 302
    return client


__all__ = ["act", "csrf_token", "login", "push_link", "signed_in", "time"]
