"""The ticket page from a push link: sign-in for that ticket, the actions, expiry and CSRF."""

from __future__ import annotations

import io
import time

from tests.desk.conftest import act, push_link


def test_push_link_signs_the_officer_in_and_accepts(client, chat, ticket_no):
    """The link redirects to the clean URL; the page offers 接单; accepting works."""
    resp = client.get(push_link(ticket_no, "zhangqinli"))
    assert resp.status_code == 302 and resp.headers["Location"] == f"/tickets/{ticket_no}"
    page = client.get(f"/tickets/{ticket_no}").get_data(as_text=True)
    assert "操作（张勤利）" in page and 'id="do-accept"' in page and 'id="do-resolve"' not in page
    assert "wxid_zhangsan" not in page and "张三" in page
    resp = act(client, ticket_no, "accept")
    assert resp.status_code == 302
    page = client.get(f"/tickets/{ticket_no}").get_data(as_text=True)
    assert f"已接单 {ticket_no}，请尽快到场处置" in page  # the chat command's answer, flashed
    assert chat.ticket(ticket_no).status == "accepted"


def camera_png(side: int = 64) -> bytes:
    """A real PNG, as a phone camera would send (Pillow: the media checks decode headers)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (side, side), (40, 120, 60)).save(out, format="PNG")
    return out.getvalue()


def test_resolve_with_amount_and_photo(client, chat, ticket_no):
    """办结 with an amount, unit and a camera photo: the amount counts, the photo is stored in the
    media store as the page's attachment and shown through a link signed for this ticket."""
    client.get(push_link(ticket_no, "zhangqinli"))
    act(client, ticket_no, "accept")
    photo = (io.BytesIO(camera_png()), "site.png", "image/png")
    resp = act(client, ticket_no, "resolve", note="已清理", amount="3", unit="处", photo=photo)
    assert resp.status_code == 302
    ticket = chat.ticket(ticket_no)
    assert ticket.status == "resolved"
    assert (ticket.resolution["amount"], ticket.resolution["unit"]) == (3.0, "处")
    (ref,) = ticket.resolution["photos"]
    page = client.get(f"/tickets/{ticket_no}").get_data(as_text=True)
    assert f"/media/{ref['sha256']}?no={ticket_no}&amp;sig=" in page and "已清理，共3处" in page
    link = page.split(f'src="/media/{ref["sha256"]}')[1].split('"')[0].replace("&amp;", "&")
    img = client.get(f"/media/{ref['sha256']}{link}")
    assert img.status_code == 200 and img.data == camera_png()


def test_page_action_follows_the_chat_rules(client, chat, ticket_no):
    """Resolving before accepting is refused with the lifecycle's own words."""
    client.get(push_link(ticket_no, "zhangqinli"))
    act(client, ticket_no, "resolve", note="x")
    page = client.get(f"/tickets/{ticket_no}").get_data(as_text=True)
    assert "工单当前状态为「已派单」，不能办结" in page
    assert chat.ticket(ticket_no).status == "dispatched"


def test_transfer_to_a_colleague_on_duty(client, chat, ticket_no):
    """The transfer list holds colleagues on duty; transferring moves the ticket."""
    client.get(push_link(ticket_no, "zhangqinli"))
    page = client.get(f"/tickets/{ticket_no}").get_data(as_text=True)
    assert 'value="liuyang01"' in page and 'value="zhangqinli"' not in page
    act(client, ticket_no, "transfer", target="liuyang01")
    assert chat.ticket(ticket_no).status == "transferred"
    assert chat.ticket(ticket_no).officer == "liuyang01"


def test_other_stations_officer_gets_no_actions(client, chat, ticket_no):
    """A valid link for an officer of another station opens nothing of this ticket."""
    resp = client.get(push_link(ticket_no, "wangjing"))
    assert resp.status_code == 302
    page = client.get(f"/tickets/{ticket_no}")
    assert page.status_code == 403


def test_expired_link_is_refused(client, chat, ticket_no, caplog):
    """A link older than its lifetime is a 403 that says so; nothing is signed in."""
    old = time.time() - 25 * 3600
    resp = client.get(push_link(ticket_no, "zhangqinli", now=old))
    assert resp.status_code == 403 and "链接已过期" in resp.get_data(as_text=True)
    assert client.get(f"/tickets/{ticket_no}").status_code == 403
    assert f"/tickets/{ticket_no}: 403 expired link" in caplog.text


def test_tampered_expiry_or_user_is_refused(client, chat, ticket_no):
    """Moving the expiry or changing the officer breaks the signature."""
    link = push_link(ticket_no, "zhangqinli")
    expires = link.split("e=")[1].split("&")[0]
    later = link.replace(f"e={expires}", f"e={int(expires) + 86400}")
    assert client.get(later).status_code == 403
    assert client.get(link.replace("u=zhangqinli", "u=liuyang01")).status_code == 403


def test_link_without_expiry_no_longer_works(client, chat, ticket_no):
    """The older form (sig over number and officer, no expiry) does not sign anyone in."""
    from channels.signing import ticket_sig

    sig = ticket_sig("test-api-token", f"{ticket_no}:zhangqinli")
    assert client.get(f"/tickets/{ticket_no}?u=zhangqinli&sig={sig}").status_code == 403


def test_link_session_opens_only_its_ticket(client, chat, ticket_no):
    """Signed in by a push link, the officer cannot browse lists or statistics."""
    client.get(push_link(ticket_no, "zhangqinli"))
    assert client.get("/desk").status_code == 403
    assert client.get("/desk/stats").status_code == 403


def test_form_without_csrf_token_is_refused(client, chat, ticket_no):
    """A cross-site form post (no token) is a 400 and the ticket does not move."""
    client.get(push_link(ticket_no, "zhangqinli"))
    resp = client.post(f"/tickets/{ticket_no}/act", data={"action": "accept"})
    assert resp.status_code == 400 and "页面已过期" in resp.get_data(as_text=True)
    bad = client.post(f"/tickets/{ticket_no}/act", data={"action": "accept", "csrf_token": "x"})
    assert bad.status_code == 400
    assert chat.ticket(ticket_no).status == "dispatched"


def test_not_signed_in_cannot_act(app, chat, ticket_no):
    """Without a session the form post is refused."""
    fresh = app.test_client()
    assert fresh.post(f"/tickets/{ticket_no}/act", data={"action": "accept"}).status_code in (
        400,
        403,
    )
    assert chat.ticket(ticket_no).status == "dispatched"


def test_photo_must_be_an_image(client, chat, ticket_no):
    """Uploading a non-image is refused with a clear message; the ticket stays accepted."""
    client.get(push_link(ticket_no, "zhangqinli"))
    act(client, ticket_no, "accept")
    bad = (io.BytesIO(b"MZ..."), "x.exe", "application/octet-stream")
    resp = act(client, ticket_no, "resolve", note="已清理", photo=bad)
    assert resp.status_code == 400 and "只能上传照片" in resp.get_data(as_text=True)
    assert chat.ticket(ticket_no).status == "accepted"


def test_oversized_photo_gets_a_page_not_json(client, chat, ticket_no):
    """A body over the photo limit is a 413 page in Chinese; the ticket stays accepted."""
    client.get(push_link(ticket_no, "zhangqinli"))
    act(client, ticket_no, "accept")
    huge = (io.BytesIO(b"\xff" * (11 * 1024 * 1024)), "big.jpg", "image/jpeg")
    resp = act(client, ticket_no, "resolve", note="已清理", photo=huge)
    assert resp.status_code == 413 and "照片超过 10 MB" in resp.get_data(as_text=True)
    assert chat.ticket(ticket_no).status == "accepted"
