"""The WeCom 智能机器人 callback: encrypted JSON in, its own signature and AES checks, the
answer through response_url. Payloads follow the protocol's own examples (接收消息: 文本消息)."""

from __future__ import annotations

import copy
import json
import time

import pytest

from tests.conftest import TEST_SECRETS
from tests.fakewechat import AibotSender

# The documentation's text message, with our group's chatid and a resident's complaint.
PROTOCOL_TEXT = {
    "msgid": "CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=",
    "aibotid": "AIBOTID",
    "chatid": "grp-longhu-youshanjun",
    "chattype": "group",
    "from": {"userid": "USERID"},
    "response_url": "RESPONSEURL",
    "msgtype": "text",
    "text": {"content": "@城管小助手 8号楼后面消防通道被一辆白色越野车堵死了，消防车进不来"},
}


@pytest.fixture
def aibot():
    return AibotSender()


def payload(fake_wechat, **changes) -> dict:
    data = copy.deepcopy(PROTOCOL_TEXT)
    data["response_url"] = fake_wechat.response_url("rc-1")
    data.update(changes)
    return data


def test_url_verification_echoes_the_decrypted_echostr(client, aibot):
    """GET with an encrypted echostr: the plaintext comes back, nothing else."""
    echostr = aibot.encrypt("1616140317555161061")
    query = aibot.signed_query(echostr) | {"echostr": echostr}
    resp = client.get("/aibot/callback", query_string=query)
    assert (resp.status_code, resp.get_data(as_text=True)) == (200, "1616140317555161061")


def test_group_mention_becomes_a_ticket_answered_through_response_url(
    client, aibot, fake_wechat, work, stored
):
    """The @-mention is stored (mention stripped), ticketed, and answered once via response_url."""
    query, body = aibot.push(payload(fake_wechat))
    resp = client.post("/aibot/callback", query_string=query, data=body)
    assert (resp.status_code, resp.get_data(as_text=True)) == (200, "")
    message = stored.messages[("aibot", PROTOCOL_TEXT["msgid"])]
    assert message.group_id == "grp-longhu-youshanjun"
    assert message.text.startswith("8号楼后面消防通道")
    work()
    (answer,) = fake_wechat.responses["rc-1"]
    assert answer["msgtype"] == "markdown"
    assert answer["markdown"]["content"].startswith("@USERID 已受理，工单号 CY")


def test_retried_callback_is_stored_once(client, aibot, fake_wechat, stored):
    """WeCom retries: the same msgid is acknowledged again and stored once."""
    for _ in range(2):
        query, body = aibot.push(payload(fake_wechat))
        assert client.post("/aibot/callback", query_string=query, data=body).status_code == 200
    assert stored.count == 1


def test_mixed_message_text_items_are_read(client, aibot, fake_wechat, stored):
    """图文混排: the text items are the message; the picture is not taken from this channel."""
    mixed = payload(
        fake_wechat,
        msgtype="mixed",
        mixed={
            "msg_item": [
                {"msgtype": "text", "text": {"content": "@城管小助手 楼道堆满杂物"}},
                {"msgtype": "image", "image": {"url": "URL"}},
            ]
        },
    )
    mixed.pop("text")
    query, body = aibot.push(mixed)
    assert client.post("/aibot/callback", query_string=query, data=body).status_code == 200
    assert stored.messages[("aibot", PROTOCOL_TEXT["msgid"])].text == "楼道堆满杂物"


def test_bad_signature_and_stale_timestamp_are_403(client, aibot, fake_wechat, stored):
    """Its own signature check, and the replay window."""
    query, body = aibot.push(payload(fake_wechat))
    bad = query | {"msg_signature": "0" * 40}
    assert client.post("/aibot/callback", query_string=bad, data=body).status_code == 403
    old = str(int(time.time()) - 3600)
    query, body = aibot.push(payload(fake_wechat), timestamp=old)
    assert client.post("/aibot/callback", query_string=query, data=body).status_code == 403
    assert stored.count == 0


@pytest.mark.parametrize(
    "body_kind", ["not_json", "no_encrypt", "bad_cipher", "not_object", "no_msgid", "other_aes"]
)
def test_unreadable_payloads_are_400(client, aibot, fake_wechat, stored, body_kind):
    """A correctly signed request whose body or plaintext we cannot read: 400, nothing stored."""
    if body_kind == "not_json":
        encrypted, body = "x", b"<xml/>"
    elif body_kind == "no_encrypt":
        encrypted, body = "", b'{"nothing": 1}'
    elif body_kind == "bad_cipher":
        encrypted = "AAAA" * 8
        body = json.dumps({"encrypt": encrypted}).encode()
    else:
        plain = {
            "not_object": "[1, 2]",
            "no_msgid": json.dumps({"msgtype": "text", "text": {"content": "x"}}),
            "other_aes": json.dumps(payload(fake_wechat)),
        }[body_kind]
        sender = aibot
        if body_kind == "other_aes":
            sender = AibotSender({**TEST_SECRETS, "AIBOT_ENCODING_AES_KEY": "a" * 43})
        encrypted = sender.encrypt(plain)
        body = json.dumps({"encrypt": encrypted}).encode()
    query = aibot.signed_query(encrypted)
    resp = client.post("/aibot/callback", query_string=query, data=body)
    assert resp.status_code == 400
    assert stored.count == 0


def test_unconfigured_bot_is_503(make_app, aibot, fake_wechat):
    """Without AIBOT_TOKEN / AIBOT_ENCODING_AES_KEY the endpoint says which are missing."""
    env = {k: v for k, v in TEST_SECRETS.items() if not k.startswith("AIBOT_")}
    query, body = aibot.push(payload(fake_wechat))
    resp = make_app(env).test_client().post("/aibot/callback", query_string=query, data=body)
    assert resp.status_code == 503
    assert "AIBOT_TOKEN" in resp.get_data(as_text=True)
