"""Outbound clients against the fake WeChat server over real HTTP."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import requests
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.memorystorage import MemoryStorage

from channels.wxclients import (
    RecipientRejected,
    build_wechat_client,
    build_wecom_client,
    send_officer_card,
    send_officer_text,
    send_resident_text,
)
from domain.secrets import Secrets
from tests.fakewechat import EDGE_ENV

SECRETS = Secrets({key.lower(): key for key in EDGE_ENV}, EDGE_ENV)


def make_config(base_url: str) -> SimpleNamespace:
    # A plain str, as domain.config's HttpUrl type is (a str with a pattern).
    channels = SimpleNamespace(
        wecom_api_base_url=base_url, wechat_api_base_url=base_url, http_timeout_seconds=3
    )
    return SimpleNamespace(channels=channels)


def test_officer_card_fetches_token_and_reaches_server(fake_wechat):
    """A text card goes out with a freshly fetched token, to the right userid and agent."""
    client = build_wecom_client(make_config(fake_wechat.url), SECRETS)
    result = send_officer_card(
        client, "1000002", "ZhangWei", "新工单 CY-0042", "长城路垃圾", "https://x/t/42"
    )
    assert result["errcode"] == 0
    token_call, send_call = fake_wechat.calls
    assert token_call[0] == "/cgi-bin/gettoken"
    assert token_call[1] == {"corpid": "ww1d2c3b4a5f6e7d8c", "corpsecret": "wecom-test-secret"}
    path, query, body = send_call
    assert path == "/cgi-bin/message/send"
    assert query["access_token"] in fake_wechat.tokens
    assert (body["touser"], body["agentid"], body["msgtype"]) == ("ZhangWei", 1000002, "textcard")
    assert body["textcard"]["title"] == "新工单 CY-0042"
    assert body["textcard"]["url"] == "https://x/t/42"


def test_token_is_reused_across_sends(fake_wechat):
    """Two sends share one token fetch."""
    client = build_wecom_client(make_config(fake_wechat.url), SECRETS)
    send_officer_text(client, 1000002, "ZhangWei", "一")
    send_officer_text(client, 1000002, "ZhangWei", "二")
    assert len(fake_wechat.calls_to("/gettoken")) == 1
    sent = [call[2]["text"]["content"] for call in fake_wechat.calls_to("/message/send")]
    assert sent == ["一", "二"]


def test_shared_storage_lets_a_second_client_skip_the_token_fetch(fake_wechat):
    """Clients given the same session storage (Redis in production) share the token."""
    storage = MemoryStorage()
    for _ in range(2):
        client = build_wecom_client(make_config(fake_wechat.url), SECRETS, storage=storage)
        send_officer_text(client, 1000002, "ZhangWei", "hi")
    assert len(fake_wechat.calls_to("/gettoken")) == 1


def test_send_error_raises(fake_wechat):
    """A WeChat error answer raises WeChatClientException with its errcode."""
    client = build_wecom_client(make_config(fake_wechat.url), SECRETS)
    fake_wechat.fail_next(1, errcode=-1)
    with pytest.raises(WeChatClientException) as caught:
        send_officer_text(client, 1000002, "ZhangWei", "hi")
    assert caught.value.errcode == -1
    assert send_officer_text(client, 1000002, "ZhangWei", "hi")["errcode"] == 0


def test_revoked_token_is_refetched_once(fake_wechat):
    """An expired token (40014) makes the client fetch a new one and retry the send."""
    client = build_wecom_client(make_config(fake_wechat.url), SECRETS)
    send_officer_text(client, 1000002, "ZhangWei", "hi")
    fake_wechat.revoke_tokens()
    assert send_officer_text(client, 1000002, "ZhangWei", "again")["errcode"] == 0
    assert len(fake_wechat.calls_to("/gettoken")) == 2


def test_rejected_recipient_raises(fake_wechat):
    """WeCom listing the userid as invalid raises RecipientRejected instead of passing silently."""
    client = build_wecom_client(make_config(fake_wechat.url), SECRETS)
    client.message.send_text = lambda *args: {"errcode": 0, "invaliduser": "Ghost"}
    with pytest.raises(RecipientRejected):
        send_officer_text(client, 1000002, "Ghost", "hi")


def test_resident_text_goes_through_custom_send(fake_wechat):
    """A resident reply uses the official account's token and customer-service send."""
    client = build_wechat_client(make_config(fake_wechat.url), SECRETS)
    send_resident_text(client, "oQ7Xw5mRkT2yL9pH3vN8cB1aZ4dE", "已受理，工单号 CY-0042")
    (token_path, token_query, _), (path, _, body) = fake_wechat.calls
    assert token_path == "/cgi-bin/token"
    assert token_query["appid"] == "wx0a1b2c3d4e5f6a7b"
    assert path == "/cgi-bin/message/custom/send"
    assert body == {
        "touser": "oQ7Xw5mRkT2yL9pH3vN8cB1aZ4dE",
        "msgtype": "text",
        "text": {"content": "已受理，工单号 CY-0042"},
    }


def test_token_error_raises(fake_wechat):
    """A token endpoint error (empty secret at the server) raises."""
    client = build_wechat_client(make_config(fake_wechat.url), SECRETS)
    client.secret = ""
    with pytest.raises(WeChatClientException):
        send_resident_text(client, "o1", "hi")


def test_unreachable_server_raises():
    """A dead API host raises a requests error for the caller to retry."""
    client = build_wecom_client(make_config("http://127.0.0.1:9/cgi-bin/"), SECRETS)
    with pytest.raises(requests.ConnectionError):
        send_officer_text(client, 1000002, "ZhangWei", "hi")


@pytest.mark.parametrize("unset", ["WECOM_CORP_ID", "WECOM_SECRET"])
def test_build_wecom_client_without_secrets_is_none(unset):
    """No WeCom client when its id or secret is unset."""
    secrets = Secrets({key.lower(): key for key in EDGE_ENV}, EDGE_ENV | {unset: ""})
    assert build_wecom_client(make_config("http://x/"), secrets) is None


def test_build_wechat_client_without_secret_is_none():
    """No official-account client when its secret is unset."""
    env = EDGE_ENV | {"WECHAT_APP_SECRET": ""}
    secrets = Secrets({key.lower(): key for key in EDGE_ENV}, env)
    assert build_wechat_client(make_config("http://x/"), secrets) is None


def test_timeout_is_applied_to_every_request(fake_wechat):
    """The configured timeout reaches the HTTP session used for token fetches too."""
    client = build_wecom_client(make_config(fake_wechat.url), SECRETS)
    assert client._http.default_timeout == 3 and client.timeout == 3


def test_bridge_reply_is_recorded(fake_wechat):
    """The fake server records JSON posted to /bridge/reply."""
    requests.post(fake_wechat.bridge_reply_url, json={"group_id": "g1", "text": "好"}, timeout=3)
    assert fake_wechat.calls == [("/bridge/reply", {}, {"group_id": "g1", "text": "好"})]
