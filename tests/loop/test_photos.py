"""Photos and voice through the whole loop: real intake, worker, fake WeChat server, storage."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.message import IncomingMessage
from domain import attachments as attachments_module
from domain.models import Attachment, Message, TicketEvent
from tests.conftest import TEST_SECRETS
from tests.loop.conftest import CLUTTER, FIRE_LANE, YOUSHANJUN_GROUP
from tests.media.images import jpeg, noisy_jpeg, png

BEARER = {"Authorization": f"Bearer {TEST_SECRETS['API_TOKEN']}"}


def data_url(data: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(data).decode()


def bridge_post(chat, msg_id: str, text: str = "", sender="wxid_zhangsan", **extra) -> None:
    """A group message through the bridge channel, with `image` or other extras."""
    chat.services.intake.accept(
        IncomingMessage(
            channel="bridge",
            msg_id=msg_id,
            sender_id=sender,
            sender_name="张三",
            text=text,
            sent_at=datetime.now(UTC),
            group_id=YOUSHANJUN_GROUP,
            kind="image" if extra.get("image") and not text else "text",
            extra=extra,
        )
    )
    chat.run()


def attachments(chat) -> list[Attachment]:
    with chat.store.session() as s:
        return list(s.scalars(select(Attachment).order_by(Attachment.id)))


def api_ticket(client, no: str) -> dict:
    resp = client.get(f"/api/tickets/{no}", headers=BEARER)
    assert resp.status_code == 200
    return resp.get_json()


def test_resident_photo_just_after_complaint_joins_the_ticket(chat, client):
    """The photo is fetched, stored once, listed on the ticket, served byte for byte, and its
    officer gets a card with it."""
    chat.resident(FIRE_LANE)
    ticket = chat.ticket()
    photo = jpeg()
    bridge_post(chat, "img-1", image=data_url(photo))
    assert chat.handled_by("img-1") == "resident_media"
    sha = hashlib.sha256(photo).hexdigest()
    photos = api_ticket(client, ticket.no)["photos"]
    assert photos == [
        {
            "sha256": sha,
            "content_type": "image/jpeg",
            "bytes": len(photo),
            "source": "resident",
            "url": f"/media/{sha}",
        }
    ]
    served = client.get(photos[0]["url"], headers=BEARER)
    assert served.status_code == 200
    assert served.data == photo
    assert served.mimetype == "image/jpeg"
    card = [r for r in chat.sent("push", ticket.officer) if r.key == f"photo:{ticket.no}"]
    assert len(card) == 1 and card[0].extra == {"photo": sha}
    assert chat.last_reply().startswith("@张三 已受理")  # the photo itself got no answer


def test_photo_with_no_complaint_before_is_kept_and_nothing_asked(chat, client):
    """Often a meme: kept on the message, no ticket, no reply."""
    bridge_post(chat, "img-1", image=data_url(jpeg()))
    message, replies = chat.store.message_view("bridge", "img-1")
    assert message.outcome == {"handler": "resident_media", "ticket_no": None, "kept": "image"}
    (kept,) = client.get("/api/messages/bridge/img-1", headers=BEARER).get_json()["files"]
    assert (kept["kind"], kept["state"]) == ("image", "stored")
    assert client.get(kept["url"], headers=BEARER).status_code == 200
    assert replies == [] and chat.sent("reply") == []
    (row,) = attachments(chat)
    assert (row.state, row.ticket_id, row.message_id) == ("stored", None, message.id)


def test_photo_long_after_the_complaint_does_not_join(chat, time_machine, client):
    """Beyond the few minutes of media.join_minutes the photo is not guessed onto a ticket."""
    chat.resident(FIRE_LANE)
    time_machine.advance(minutes=6)
    bridge_post(chat, "img-1", image=data_url(jpeg()))
    assert api_ticket(client, chat.ticket().no)["photos"] == []
    assert attachments(chat)[0].ticket_id is None


def test_bridge_complaint_carrying_an_image_url(chat, client, fake_wechat):
    """`image` as an http URL the bridge serves: the new ticket has the photo."""
    photo = png(40, 40)
    url = fake_wechat.serve_file("p1.png", photo)
    bridge_post(chat, "c-1", CLUTTER, image=url)
    (listed,) = api_ticket(client, chat.ticket().no)["photos"]
    assert (listed["content_type"], listed["bytes"]) == ("image/png", len(photo))
    assert client.get(listed["url"], headers=BEARER).data == photo


def test_same_photo_twice_is_stored_once(chat, client, test_config):
    """Two messages with the same bytes: one file, one photo on the ticket."""
    chat.resident(FIRE_LANE)
    photo = jpeg()
    bridge_post(chat, "img-1", image=data_url(photo))
    bridge_post(chat, "img-2", image=data_url(photo))
    assert len(api_ticket(client, chat.ticket().no)["photos"]) == 1
    files = [p for p in Path(test_config.media.folder).rglob("*") if p.is_file()]
    assert len(files) == 1


def resolve(chat) -> str:
    chat.resident(CLUTTER)
    officer = chat.ticket().officer
    chat.officer(officer, "接单 0001")
    chat.officer(officer, "办结 0001 已清理 3处")
    return officer


def test_officer_proof_photo_survives_a_token_expiring_mid_download(chat, client, fake_wechat):
    """The officer's 办结 photo (a WeCom media_id) is fetched although the token expired."""
    officer = resolve(chat)
    photo = jpeg(80, 60)
    media_id = fake_wechat.add_media(photo)
    fake_wechat.expire_token_on_next_download()
    chat.officer(officer, "", kind="image", extra={"media_id": media_id, "pic_url": "http://x"})
    (listed,) = api_ticket(client, chat.ticket().no)["photos"]
    assert listed["source"] == "officer"
    assert client.get(listed["url"], headers=BEARER).data == photo
    assert len(fake_wechat.calls_to("/cgi-bin/media/get")) == 2  # 42001, then the file


def test_expired_media_id_fails_once_and_is_recorded(chat, client, fake_wechat):
    """A media_id WeChat no longer has: the attachment is failed, asked for once, no retries."""
    officer = resolve(chat)
    chat.officer(officer, "", kind="image", extra={"media_id": "MEDIA_EXPIRED"})
    (row,) = attachments(chat)
    assert row.state == "failed" and "40007" in row.error
    assert len(fake_wechat.calls_to("/cgi-bin/media/get")) == 1
    assert api_ticket(client, chat.ticket().no)["photos"] == []


def test_not_an_image_is_rejected(chat, client):
    """Bytes that are not an image are refused by the checks and never served."""
    chat.resident(FIRE_LANE)
    fake = "data:image/jpeg;base64," + base64.b64encode(b"<script>alert(1)</script>").decode()
    bridge_post(chat, "img-1", image=fake)
    (row,) = attachments(chat)
    assert row.state == "rejected" and "not a JPEG" in row.error
    assert api_ticket(client, chat.ticket().no)["photos"] == []


def test_voice_without_recognition_is_kept_and_noted(chat, fake_wechat):
    """No recognition text: the voice file is kept on the message and the ticket says so."""
    say = _wechat(chat)
    say("龙湖悠山郡")
    say(CLUTTER)
    ticket = chat.ticket()
    media_id = fake_wechat.add_media(b"#!AMR\n" + b"\x3c" * 200, "audio/amr")
    say("", kind="voice", extra={"media_id": media_id})
    (row,) = attachments(chat)
    assert (row.kind, row.state, row.ticket_id) == ("voice", "stored", ticket.id)
    with chat.store.session() as s:
        notes = list(s.scalars(select(TicketEvent.note).where(TicketEvent.action == "voice")))
    assert notes == ["居民发送了语音（未识别出文字），语音文件已保存在该消息上"]


def _wechat(chat):
    counter = iter(range(1, 100))

    def say(text: str, kind: str = "text", extra: dict | None = None) -> None:
        chat.services.intake.accept(
            IncomingMessage(
                channel="wechat",
                msg_id=f"wx-{next(counter)}",
                sender_id="oVoice",
                sender_name="微信用户",
                text=text,
                sent_at=datetime.now(UTC),
                kind=kind,
                extra=extra or {},
            )
        )
        chat.run()

    return say


@pytest.mark.parametrize("auth", ["none", "bad_sig", "other_ticket"])
def test_media_needs_a_token_or_the_tickets_own_signed_link(chat, client, auth):
    """Without the bearer token only a signed link of the photo's own ticket opens it."""
    from channels.signing import ticket_sig

    chat.resident(FIRE_LANE)
    photo = jpeg()
    bridge_post(chat, "img-1", image=data_url(photo))
    no = chat.ticket().no
    sha = hashlib.sha256(photo).hexdigest()
    key = TEST_SECRETS["API_TOKEN"]
    ok = client.get(f"/media/{sha}?no={no}&sig={ticket_sig(key, no)}")
    assert ok.status_code == 200 and ok.data == photo
    other = "CY20261126-0099"
    query = {
        "none": "",
        "bad_sig": f"?no={no}&sig=0000000000000000",
        "other_ticket": f"?no={other}&sig={ticket_sig(key, other)}",
    }[auth]
    assert client.get(f"/media/{sha}{query}").status_code in (403, 404)


def test_officer_uploads_a_photo_from_the_ticket_page(chat, client):
    """The signed page takes a photo upload; it is listed as `page` and shown on the page."""
    import io

    from channels.signing import signed_ticket_url

    chat.resident(FIRE_LANE)
    ticket = chat.ticket()
    key = TEST_SECRETS["API_TOKEN"]
    page = signed_ticket_url(f"/tickets/{ticket.no}", key, ticket.no, ticket.officer)
    upload = page.replace(f"/tickets/{ticket.no}?", f"/tickets/{ticket.no}/photos?")
    photo = noisy_jpeg()
    assert len(photo) > 64 * 1024  # larger than chat messages may be
    resp = client.post(upload, data={"photo": (io.BytesIO(photo), "x.jpg")})
    assert resp.status_code == 201, resp.get_json()
    (listed,) = api_ticket(client, ticket.no)["photos"]
    assert (listed["source"], listed["bytes"]) == ("page", len(photo))
    client.get(page)  # the push link signs the officer in, then the page shows the photo
    html = client.get(f"/tickets/{ticket.no}").get_data(as_text=True)
    assert f"/media/{listed['sha256']}?no={ticket.no}&amp;sig=" in html
    bad = client.post(upload, data={"photo": (io.BytesIO(b"GIF89a-not-really"), "x.gif")})
    assert bad.status_code == 400
    unsigned = client.post(f"/tickets/{ticket.no}/photos", data={"photo": (io.BytesIO(photo), "x")})
    assert unsigned.status_code == 403


def test_a_lost_fetch_job_is_reaped(chat, redis, time_machine):
    """A fetch whose job vanished (Redis restart) is queued again by the worker's maintenance."""
    from workers import media

    chat.resident(FIRE_LANE)
    with chat.store.session() as s:
        message = s.scalar(select(Message).order_by(Message.id.desc()).limit(1))
        message.extra = {"image": data_url(jpeg())}
        row = attachments_module.attach_message(s, message, None, "resident", chat.clock())
        pk = row.id
    assert media.reap() == 0  # too young: its job may still be on its way
    time_machine.advance(minutes=5)
    assert media.reap() == 1
    chat.run()
    with chat.store.session() as s:
        assert s.get(Attachment, pk).state == "stored"


def test_photo_just_before_the_complaint_joins_it_too(chat, client):
    """Photo first, words second (as people often do): the complaint takes the photo."""
    photo = jpeg(90, 70)
    bridge_post(chat, "img-1", image=data_url(photo))
    assert chat.statuses() == {}
    chat.resident(FIRE_LANE)
    ticket = chat.ticket()
    (listed,) = api_ticket(client, ticket.no)["photos"]
    assert listed["sha256"] == hashlib.sha256(photo).hexdigest()
    cards = [r for r in chat.sent("push", ticket.officer) if r.key == f"photo:{ticket.no}"]
    assert len(cards) == 1 and cards[0].extra == {"photo": listed["sha256"]}


def test_someone_elses_earlier_photo_is_not_taken(chat, client):
    """Only the complainant's own photos are adopted."""
    bridge_post(chat, "img-1", sender="wxid_other", image=data_url(jpeg()))
    chat.resident(FIRE_LANE)
    assert api_ticket(client, chat.ticket().no)["photos"] == []


def test_officer_given_the_ticket_later_sees_its_photo_too(chat):
    """A transfer after the photo arrived: the new officer also gets the photo card."""
    chat.resident(FIRE_LANE)
    ticket = chat.ticket()
    bridge_post(chat, "img-1", image=data_url(jpeg()))
    first, other = ticket.officer, ({"zhangqinli", "liuyang01"} - {ticket.officer}).pop()
    other_name = "刘洋" if other == "liuyang01" else "张勤利"
    chat.officer(first, f"转派 0001 {other_name}")
    assert chat.ticket().officer == other
    cards = [r for r in chat.sent("push", other) if r.key.startswith(f"photo:{ticket.no}")]
    assert len(cards) == 1 and cards[0].extra["photo"]
    assert len([r for r in chat.sent("push", first) if r.key.startswith("photo:")]) == 1
