"""Officer pushes as WeCom template cards with an 接单 button; the click acts like the command;
an officer outside the app's visible range is reported once and the ticket moves on."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from app.compose import secrets_for
from channels.senders import build_senders
from domain.config import Config
from domain.models import Outbox, Ticket, TicketEvent
from tests.fakewechat import WeComSender as WeComCallback
from workers import runtime


@pytest.fixture
def wecom_runtime(worker_runtime, test_config, secrets_env):
    """Officer pushes through the fake WeCom, as template cards."""
    data = test_config.model_dump(mode="json")
    data["channels"].update(notifier="wecom", officer_card="template")
    config = Config.from_mapping(data)
    senders = build_senders(config, secrets_for(config, secrets_env))
    rt = dataclasses.replace(worker_runtime, config=config, senders=senders)
    runtime.install(rt)
    return rt


def pushes(store) -> list[Outbox]:
    return sorted((r for r in store.outbox() if r.kind == "push"), key=lambda r: r.id)


def click(client, user: str, key: str, task: str):
    query, body = WeComCallback().card_click(user, key, task)
    return client.post("/wecom/callback", query_string=query, data=body)


def test_new_ticket_push_is_a_template_card_with_an_accept_button(
    post_message, wecom_runtime, work, store, fake_wechat
):
    """按钮交互型 card: the button's key names the ticket, the card links the signed page."""
    post_message()
    work()
    (call,) = fake_wechat.calls_to("/message/send")
    body = call[2]
    assert body["msgtype"] == "template_card"
    card = body["template_card"]
    assert card["card_type"] == "button_interaction"
    assert card["button_list"] == [{"text": "接单", "style": 1, "key": "accept:CY20261126-0001"}]
    assert card["task_id"] == "assign-CY20261126-0001-1"
    assert "sig=" in card["card_action"]["url"]


def test_clicking_accept_acts_like_the_text_command(
    post_message, wecom_runtime, work, store, client, fake_wechat
):
    """The click is 接单 by that officer: same transition, same audit trail, same reply; a
    retried callback changes nothing."""
    post_message()
    work()
    officer = pushes(store)[0].recipient
    for _ in range(2):  # WeCom retries callbacks it thinks were lost
        resp = click(client, officer, "accept:CY20261126-0001", "assign-CY20261126-0001-1")
        assert resp.status_code == 200
    work()
    ticket = store.ticket("CY20261126-0001")
    assert (ticket.status, ticket.officer) == ("accepted", officer)
    accepts = [e for e in ticket.events if e.action == "accept"]
    assert len(accepts) == 1 and accepts[0].actor == officer
    replies = [r for r in store.outbox() if r.kind == "reply" and r.recipient == officer]
    assert [r.text for r in replies] == ["已接单 CY20261126-0001，请尽快到场处置"]
    (update,) = [c[2] for c in fake_wechat.calls_to("/message/update_template_card")]
    assert update["button"] == {"replace_name": "已接单"}
    assert (update["userids"], update["response_code"]) == ([officer], "rc-1")


def test_click_by_an_officer_of_another_station_is_refused(
    post_message, wecom_runtime, work, store, client
):
    """Same permissions as the command: another station's officer cannot take it."""
    post_message()
    work()
    click(client, "wangjing", "accept:CY20261126-0001", "assign-CY20261126-0001-1")
    work()
    assert store.ticket("CY20261126-0001").status == "dispatched"
    (reply,) = [r for r in store.outbox() if r.recipient == "wangjing"]
    assert "不属于您的辖区" in reply.text


def test_unknown_button_key_is_ignored(wecom_runtime, client, stored):
    """A card event whose key we never issued is acknowledged and stored nowhere."""
    assert click(client, "zhangqinli", "delete:everything", "t-x").status_code == 200
    assert stored.count == 0


def test_officer_outside_the_visible_range_is_reported_once_and_skipped(
    post_message, wecom_runtime, work, store, fake_wechat
):
    """81013 for the assignee: the leader hears once, the other officer on duty gets the ticket
    at once; a second ticket bouncing off the same officer tells the leader nothing new."""
    first_choice = "zhangqinli"
    fake_wechat.fail_next(1, errcode=81013)
    post_message()
    work()
    ticket = store.ticket("CY20261126-0001")
    bounced = pushes(store)[0].recipient
    assert bounced == first_choice
    assert ticket.officer == "liuyang01" and ticket.status == "transferred"
    leader_notes = [r for r in pushes(store) if r.key == f"unreachable:{bounced}"]
    assert len(leader_notes) == 1 and leader_notes[0].recipient == "zhaobingquan"
    assert "不在企业微信应用的可见范围" in leader_notes[0].text
    assert leader_notes[0].state == "sent"
    with store.session() as s:
        actions = list(
            s.scalars(
                select(TicketEvent.action)
                .where(TicketEvent.ticket_id == ticket_id(s, ticket.no))
                .order_by(TicketEvent.id)
            )
        )
    assert actions[-2:] == ["unreachable", "transfer"]
    assert pushes(store)[0].state == "failed" and pushes(store)[0].attempts == 1
    fake_wechat.fail_next(1, errcode=81013)
    post_message(msg_id="m-2", text="5号楼楼道里堆满了纸箱和旧家具，好几天了")
    work()
    second = store.ticket("CY20261126-0002")
    assert second.officer == "liuyang01"
    assert [r.key for r in pushes(store)].count(f"unreachable:{bounced}") == 1


def ticket_id(s, no: str) -> int:
    return s.scalar(select(Ticket.id).where(Ticket.no == no))


def test_first_photo_reaches_the_officer_as_a_news_card(
    post_message, wecom_runtime, work, store, fake_wechat, client
):
    """The officer's push shows the ticket's first photo; the picture URL opens without a token
    (WeCom's servers fetch it) because it is signed for that ticket."""
    import base64
    from urllib.parse import urlsplit

    from tests.media.images import jpeg

    post_message()
    work()
    photo = jpeg()
    data_url = "data:image/jpeg;base64," + base64.b64encode(photo).decode()
    post_message(msg_id="m-2", text="", image=data_url)
    work()
    news = [c[2] for c in fake_wechat.calls_to("/message/send") if c[2]["msgtype"] == "news"]
    assert len(news) == 1
    (article,) = news[0]["news"]["articles"]
    assert article["title"].startswith("工单 CY20261126-0001 现场照片")
    picture = urlsplit(article["picurl"])
    served = client.get(f"{picture.path}?{picture.query}")
    assert served.status_code == 200 and served.data == photo


def test_app_without_template_cards_gets_the_text_card(
    post_message, wecom_runtime, work, store, fake_wechat
):
    """WeCom refuses the card type (40008): the same push goes out as the text card, once."""
    fake_wechat.fail_next(1, errcode=40008)
    post_message()
    work()
    kinds = [c[2]["msgtype"] for c in fake_wechat.calls_to("/message/send")]
    assert kinds == ["template_card", "textcard"]
    assert pushes(store)[0].state == "sent"
