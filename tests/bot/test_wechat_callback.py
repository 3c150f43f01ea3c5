"""Official-account callback: plain and safe mode, verification, mapping, refusals."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.fakewechat import EDGE_ENV, WeChatSender, envelope, sign

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
URL = "/wechat/callback"
OPENID = "oQ7Xw5mRkT2yL9pH3vN8cB1aZ4dE"
MSG_ID = "24601368297015934"
PLAIN_ENV = EDGE_ENV | {"WECHAT_ENCODING_AES_KEY": ""}  # plain mode only


def text_xml() -> str:
    return (FIXTURES / "wechat_text.xml").read_text(encoding="utf-8")


def post(client, query, body):
    return client.post(URL, query_string=query, data=body, content_type="text/xml")


@pytest.fixture
def sender():
    return WeChatSender()


def test_url_verification_echoes_echostr(make_edge_app, sender):
    """A signed, fresh GET answers echostr unchanged."""
    client = make_edge_app(PLAIN_ENV).test_client()
    response = client.get(URL, query_string=sender.plain_query() | {"echostr": "8812345"})
    assert (response.status_code, response.get_data(as_text=True)) == (200, "8812345")


def test_url_verification_with_bad_signature_is_403(make_edge_app, sender):
    """A GET whose signature does not match is refused and echoes nothing."""
    client = make_edge_app(PLAIN_ENV).test_client()
    query = sender.plain_query() | {"echostr": "8812345", "signature": "1" * 40}
    response = client.get(URL, query_string=query)
    assert response.status_code == 403
    assert "8812345" not in response.get_data(as_text=True)


def test_plain_mode_text_becomes_incoming_message(make_edge_app, stored, sender):
    """A plain-mode text push is stored with the openid and the generic resident name."""
    app = make_edge_app(PLAIN_ENV)
    response = post(app.test_client(), sender.plain_query(), text_xml())
    assert (response.status_code, response.get_data(as_text=True)) == (200, "success")
    message = stored.messages[("wechat", MSG_ID)]
    assert (message.sender_id, message.sender_name) == (OPENID, "微信用户")
    assert (message.kind, message.text, message.group_id) == (
        "text",
        "春阳路有人占道经营，晚上很吵",
        None,
    )


def test_safe_mode_text_becomes_incoming_message(make_edge_app, stored, sender):
    """A safe-mode (encrypt_type=aes) push is decrypted and stored."""
    app = make_edge_app(EDGE_ENV)
    response = post(app.test_client(), *sender.safe_push(text_xml()))
    assert (response.status_code, response.get_data(as_text=True)) == (200, "success")
    message = stored.messages[("wechat", MSG_ID)]
    assert (message.channel, message.sender_id) == ("wechat", OPENID)


def test_plain_mode_bad_signature_is_403(make_edge_app, stored, sender):
    """A plain push with a wrong signature is refused and not stored."""
    app = make_edge_app(PLAIN_ENV)
    response = post(app.test_client(), sender.plain_query() | {"signature": "a" * 40}, text_xml())
    assert response.status_code == 403
    assert stored.count == 0


def test_safe_mode_bad_msg_signature_is_403(make_edge_app, sender):
    """A safe push whose msg_signature does not cover the ciphertext is refused."""
    query, body = sender.safe_push(text_xml())
    client = make_edge_app(EDGE_ENV).test_client()
    assert post(client, query | {"msg_signature": "b" * 40}, body).status_code == 403


def test_stale_timestamp_is_403(make_edge_app, sender):
    """A signed push outside the replay window is refused as stale."""
    client = make_edge_app(PLAIN_ENV).test_client()
    response = post(client, sender.plain_query(int(time.time()) + 400), text_xml())
    assert response.status_code == 403
    assert "stale" in response.get_data(as_text=True)


def test_safe_mode_without_aes_key_is_503(make_edge_app, sender):
    """encrypt_type=aes while WECHAT_ENCODING_AES_KEY is unset is a configuration error."""
    client = make_edge_app(PLAIN_ENV).test_client()
    response = post(client, *sender.safe_push(text_xml()))
    assert response.status_code == 503
    assert "WECHAT_ENCODING_AES_KEY" in response.get_data(as_text=True)


def test_plain_mode_refused_once_safe_mode_is_configured(make_edge_app, sender):
    """With an AES key set, an unencrypted push (body not covered by the signature) is refused."""
    client = make_edge_app(EDGE_ENV).test_client()
    assert post(client, sender.plain_query(), text_xml()).status_code == 403


def test_token_unset_is_503(make_edge_app, sender):
    """Without WECHAT_TOKEN the callback answers 503 for GET and POST."""
    client = make_edge_app(EDGE_ENV | {"WECHAT_TOKEN": ""}).test_client()
    assert client.get(URL, query_string=sender.plain_query()).status_code == 503
    assert post(client, sender.plain_query(), text_xml()).status_code == 503


def test_garbage_ciphertext_with_valid_signature_is_400(make_edge_app, sender):
    """Safe-mode ciphertext that does not decrypt answers 400."""
    query = sender.plain_query()
    garbage = "QUJD" * 64
    signature = sign(sender.token, query["timestamp"], query["nonce"], garbage)
    query |= {"encrypt_type": "aes", "msg_signature": signature}
    client = make_edge_app(EDGE_ENV).test_client()
    assert post(client, query, envelope(garbage)).status_code == 400


@pytest.mark.parametrize(
    "body",
    ["<xml><Content>hi</Content></xml>", "<xml><MsgType>text", "<xml>x</xml>", "\udcff".join("ab")],
)
def test_unreadable_plain_body_is_400(make_edge_app, sender, body):
    """A signed plain push without MsgType or with broken XML answers 400."""
    client = make_edge_app(PLAIN_ENV).test_client()
    data = body.encode("utf-8", "surrogateescape")
    assert post(client, sender.plain_query(), data).status_code == 400


def test_unknown_encrypt_type_is_400(make_edge_app, sender):
    """An encrypt_type other than raw or aes answers 400."""
    client = make_edge_app(PLAIN_ENV).test_client()
    query = sender.plain_query() | {"encrypt_type": "rot13"}
    assert post(client, query, text_xml()).status_code == 400


def test_subscribe_event_is_not_stored(make_edge_app, stored, sender):
    """A subscribe event is answered "success" and reaches no intake."""
    app = make_edge_app(PLAIN_ENV)
    xml = (
        text_xml()
        .replace("<![CDATA[text]]>", "<![CDATA[event]]>")
        .replace("<Content>", "<Event>subscribe</Event><X>")
        .replace("</Content>", "</X>")
    )
    response = post(app.test_client(), sender.plain_query(), xml)
    assert (response.status_code, response.get_data(as_text=True)) == (200, "success")
    assert stored.count == 0


def test_oversized_body_is_413(make_edge_app, sender):
    """A body over max_body_bytes answers 413."""
    client = make_edge_app(PLAIN_ENV, max_body_bytes=1024).test_client()
    assert post(client, sender.plain_query(), "<xml>" + "y" * 2000 + "</xml>").status_code == 413


def test_real_app_stores_safe_mode_message(make_app, store, sender):
    """Through the real app a safe-mode push lands in the database as a wechat message."""
    client = make_app(dict(EDGE_ENV)).test_client()
    assert post(client, *sender.safe_push(text_xml())).status_code == 200
    record = store.find_message("wechat", MSG_ID)
    assert (record.sender_id, record.sender_name) == (OPENID, "微信用户")
