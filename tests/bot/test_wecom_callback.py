"""WeCom self-built app callback: verification, decryption, mapping, refusals."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from tests.fakewechat import EDGE_ENV, WeComSender, envelope

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
URL = "/wecom/callback"


def fixture_xml(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
def app(make_edge_app):
    """The real app (real intake, database and queue) with a small body limit."""
    return make_edge_app(dict(EDGE_ENV), max_body_bytes=4096)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def intake(stored):
    """What the real intake stored."""
    return stored


@pytest.fixture
def sender():
    return WeComSender()


def post(client, query, body):
    return client.post(URL, query_string=query, data=body, content_type="text/xml")


def test_url_verification_returns_decrypted_echostr(client, sender):
    """A signed, fresh verification answers the decrypted echostr as plain text."""
    response = client.get(URL, query_string=sender.verify_query("echo-4711"))
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "echo-4711"


def test_url_verification_with_bad_signature_is_403(client, sender):
    """A verification whose signature does not match is refused."""
    query = sender.verify_query("echo-4711") | {"msg_signature": "0" * 40}
    response = client.get(URL, query_string=query)
    assert response.status_code == 403
    assert "echo" not in response.get_data(as_text=True)


def test_text_message_becomes_incoming_message(client, sender, intake):
    """An encrypted text push is stored as an IncomingMessage with the officer's userid."""
    response = post(client, *sender.push(fixture_xml("wecom_text.xml")))
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "success"
    message = intake.messages[("wecom", "7380291437268715522")]
    assert message.sender_id == message.sender_name == "ZhangWei"
    assert message.group_id is None
    assert message.kind == "text"
    assert message.text == "长城路菜市场门口垃圾堆了三天没人清理"
    assert message.sent_at.timestamp() == 1718236800
    assert message.sent_at.tzinfo is not None


def test_image_message_keeps_media_id_and_url(client, sender, intake):
    """An image push is stored with kind image and its media id and picture URL."""
    assert post(client, *sender.push(fixture_xml("wecom_image.xml"))).status_code == 200
    message = intake.messages[("wecom", "7380291694896218114")]
    assert message.kind == "image"
    assert message.extra == {
        "media_id": "1Gbk2NFfwsRLJuMEvPX7f9kqvyKHjbq-Ytmr0C3H8Ucq2ALIvDbnnqlKEJmkCMQl1",
        "pic_url": "https://wework.qpic.cn/wwpic/123456_abcdef/0",
    }


def test_location_message_keeps_coordinates(client, sender, intake):
    """A location push is stored with kind location and x, y, label."""
    assert post(client, *sender.push(fixture_xml("wecom_location.xml"))).status_code == 200
    message = intake.messages[("wecom", "7380291952594255874")]
    assert message.kind == "location"
    assert message.extra == {"x": "36.30733", "y": "120.39622", "label": "山东省青岛市城阳区正阳路"}


def test_voice_message_uses_recognition_text(client, sender, intake):
    """A voice push is stored with its speech-recognition text."""
    xml = fixture_xml("wecom_text.xml").replace("<![CDATA[text]]>", "<![CDATA[voice]]>")
    xml = xml.replace("<Content>", "<MediaId>m1</MediaId><Recognition>").replace(
        "</Content>", "</Recognition>"
    )
    assert post(client, *sender.push(xml)).status_code == 200
    message = intake.messages[("wecom", "7380291437268715522")]
    assert (message.kind, message.text) == ("voice", "长城路菜市场门口垃圾堆了三天没人清理")


def test_event_is_answered_but_not_stored(client, sender, intake):
    """An enter_agent event gets "success" and reaches no intake."""
    response = post(client, *sender.push(fixture_xml("wecom_event.xml")))
    assert (response.status_code, response.get_data(as_text=True)) == (200, "success")
    assert intake.count == 0


def test_unknown_message_type_is_answered_and_logged(client, sender, intake, caplog):
    """A message type we do not handle gets "success", a log line, and no intake."""
    xml = fixture_xml("wecom_text.xml").replace("<![CDATA[text]]>", "<![CDATA[hologram]]>")
    with caplog.at_level(logging.INFO, logger="bot.edge"):
        assert post(client, *sender.push(xml)).status_code == 200
    assert intake.count == 0
    assert "ignored unknown" in caplog.text


def test_duplicate_msg_id_is_stored_once_and_answered(client, sender, intake):
    """WeCom's retry of the same MsgId is answered "success" and stored only once."""
    first = post(client, *sender.push(fixture_xml("wecom_text.xml")))
    retry = post(client, *sender.push(fixture_xml("wecom_text.xml")))
    assert first.status_code == retry.status_code == 200
    assert retry.get_data(as_text=True) == "success"
    assert list(intake.messages) == [("wecom", "7380291437268715522")]


def test_bad_signature_is_403(client, sender, intake, caplog):
    """A push with a wrong msg_signature is refused with a log line naming the endpoint."""
    query, body = sender.push(fixture_xml("wecom_text.xml"))
    response = post(client, query | {"msg_signature": "f" * 40}, body)
    assert response.status_code == 403
    assert intake.count == 0
    assert "/wecom/callback" in caplog.text


def test_missing_signature_is_403(client, sender):
    """A push without msg_signature is refused."""
    query, body = sender.push(fixture_xml("wecom_text.xml"))
    del query["msg_signature"]
    assert post(client, query, body).status_code == 403


def test_stale_timestamp_is_403(client, sender, intake):
    """A correctly signed push older than the replay window is refused as stale."""
    response = post(client, *sender.push(fixture_xml("wecom_text.xml"), int(time.time()) - 301))
    assert response.status_code == 403
    assert "stale" in response.get_data(as_text=True)
    assert intake.count == 0


@pytest.mark.parametrize(
    "ciphertext",
    [
        "bm90IGEgYmxvY2sgbXVsdGlwbGU=",  # base64, but not a whole AES block
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  # 32 zero bytes: bad padding/length
        "%%%%",  # not base64 at all
        "QUJD" * 64,  # 192 bytes decrypting to noise
    ],
)
def test_garbage_ciphertext_with_valid_signature_is_400(client, sender, ciphertext, caplog):
    """Well-signed ciphertext that does not decrypt answers 400 with a reason, never 500."""
    response = post(client, sender.signed_query(ciphertext), envelope(ciphertext))
    assert response.status_code == 400
    assert "bad request" in response.get_data(as_text=True)
    assert "bad payload" in caplog.text


@pytest.mark.parametrize("body", ["not xml", "<xml><A>1</A></xml>", "<xml>text</xml>", ""])
def test_unreadable_envelope_is_400(client, sender, body):
    """A body that is not an encrypted-push envelope answers 400."""
    assert post(client, sender.signed_query("x"), body).status_code == 400


def test_xml_without_msgtype_is_400(client, sender, intake):
    """A decrypted message without MsgType answers 400 and stores nothing."""
    response = post(client, *sender.push("<xml><Content>hi</Content><MsgId>1</MsgId></xml>"))
    assert response.status_code == 400
    assert intake.count == 0


def test_xml_entities_are_refused_with_400(client, sender):
    """A decrypted message declaring entities (XXE, billion laughs) answers 400."""
    xml = '<!DOCTYPE x [<!ENTITY a "b">]><xml><MsgType>text</MsgType><Content>&a;</Content></xml>'
    assert post(client, *sender.push(xml)).status_code == 400


def test_oversized_body_is_413(client, sender):
    """A body over max_body_bytes is refused with 413, not turned into a 400."""
    query, _ = sender.push(fixture_xml("wecom_text.xml"))
    assert post(client, query, "<xml>" + "x" * 5000 + "</xml>").status_code == 413


def test_oversized_body_is_413_without_flask_limit(app, client, sender):
    """The edge caps the body itself even when MAX_CONTENT_LENGTH is not set."""
    app.config["MAX_CONTENT_LENGTH"] = None
    query, _ = sender.push(fixture_xml("wecom_text.xml"))
    assert post(client, query, "<xml>" + "x" * 5000 + "</xml>").status_code == 413


@pytest.mark.parametrize("unset", ["WECOM_TOKEN", "WECOM_ENCODING_AES_KEY", "WECOM_CORP_ID"])
def test_unconfigured_channel_is_503(make_edge_app, sender, unset, caplog):
    """A missing WeCom secret answers 503 naming the variable, for GET and POST alike."""
    client = make_edge_app(EDGE_ENV | {unset: ""}).test_client()
    get = client.get(URL, query_string=sender.verify_query("e"))
    posted = post(client, *sender.push(fixture_xml("wecom_text.xml")))
    assert get.status_code == posted.status_code == 503
    assert unset in posted.get_data(as_text=True)
    assert "channel not configured" in caplog.text


def test_invalid_aes_key_is_503(make_edge_app, sender):
    """An EncodingAESKey of the wrong length is a configuration error (503), not a 500."""
    client = make_edge_app(EDGE_ENV | {"WECOM_ENCODING_AES_KEY": "short"}).test_client()
    assert post(client, *sender.push(fixture_xml("wecom_text.xml"))).status_code == 503


# --- Through the real app: the lead's create_app, Intake, database and queue ---


def test_real_app_stores_text_once_despite_retry(make_app, store):
    """Through the real app a WeCom text is stored once and the retry still gets "success"."""
    client = make_app(dict(EDGE_ENV)).test_client()
    query, body = WeComSender().push(fixture_xml("wecom_text.xml"))
    assert [post(client, query, body).status_code for _ in range(2)] == [200, 200]
    record = store.find_message("wecom", "7380291437268715522")
    assert (record.sender_id, record.kind, record.group_id) == ("ZhangWei", "text", None)
    assert record.text == "长城路菜市场门口垃圾堆了三天没人清理"


def test_real_app_keeps_event_out_and_refuses_oversize(make_app, store):
    """Through the real app an event stores nothing and an oversized body is still a 413."""
    client = make_app(dict(EDGE_ENV)).test_client()
    sender = WeComSender()
    assert post(client, *sender.push(fixture_xml("wecom_event.xml"))).status_code == 200
    query, _ = sender.push(fixture_xml("wecom_text.xml"))
    limit = client.application.config["MAX_CONTENT_LENGTH"]
    assert post(client, query, "x" * (limit + 1)).status_code == 413
    assert store.find_message("wecom", "7380291437268715522") is None
