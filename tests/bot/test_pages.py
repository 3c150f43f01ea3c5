"""The officer's ticket page: only a link signed with API_TOKEN opens it."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from tests.conftest import TEST_SECRETS

NO = "CY20261126-0001"


def sig(ticket_no: str, key: str = TEST_SECRETS["API_TOKEN"]) -> str:
    """The documented scheme, computed independently: first 16 hex of HMAC-SHA256(key, no)."""
    return hmac.new(key.encode(), ticket_no.encode(), hashlib.sha256).hexdigest()[:16]


@pytest.fixture
def ticket(post_message, work, store):
    """One dispatched fire-lane ticket."""
    post_message()
    work()
    (only,) = store.tickets()
    return only


def test_signed_link_opens_the_page(client, ticket):
    """With the right sig the page shows number, category, community and the reporter's name."""
    resp = client.get(f"/tickets/{NO}?sig={sig(NO)}")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert f"工单 {NO}" in page and "消防通道" in page and "龙湖悠山郡" in page and "张三" in page
    assert "wxid_zhangsan" not in page


def test_page_shows_local_times(client, ticket):
    """Times on the page are Qingdao time (the ticket opened at 10:00 local, 02:00 UTC)."""
    page = client.get(f"/tickets/{NO}?sig={sig(NO)}").get_data(as_text=True)
    assert "11-26 10:00" in page


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?sig=",
        "?sig=0000000000000000",
        f"?sig={sig('CY20261126-0002')}",
        f"?sig={sig(NO, key='another-token')}",
        f"?sig={sig(NO)[:15]}",
        "?sig=令牌令牌",
    ],
    ids=["none", "empty", "zeros", "other-ticket", "other-key", "truncated", "non-ascii"],
)
def test_unsigned_or_badly_signed_link_is_403(client, ticket, query, caplog):
    """Any other sig gets a short Chinese 403 page, without ticket details, and a log line."""
    resp = client.get(f"/tickets/{NO}{query}")
    assert resp.status_code == 403
    page = resp.get_data(as_text=True)
    assert "无权查看" in page and "张三" not in page and "消防" not in page
    assert resp.headers["Content-Type"].startswith("text/html")
    assert f"/tickets/{NO}: 403" in caplog.text


def test_unknown_ticket_unsigned_looks_like_any_other_403(client, store):
    """Without a valid sig a non-existent number is 403 too: numbers cannot be probed."""
    assert client.get("/tickets/CY20991231-0001").status_code == 403


def test_unknown_ticket_signed_is_404(client, store):
    """A validly signed link to a ticket that does not exist is 404."""
    no = "CY20991231-0001"
    assert client.get(f"/tickets/{no}?sig={sig(no)}").status_code == 404


def test_page_closed_when_api_token_unset(make_app, ticket):
    """Without API_TOKEN no signature can be valid, not even one made with an empty key."""
    env = {k: v for k, v in TEST_SECRETS.items() if k != "API_TOKEN"}
    client = make_app(env).test_client()
    assert client.get(f"/tickets/{NO}?sig={sig(NO, key='')}").status_code == 403
