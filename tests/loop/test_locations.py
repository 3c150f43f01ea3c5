"""Shared locations: nearest configured community within its radius; label becomes the place;
outside every community the sender is asked once."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from bot.message import IncomingMessage
from domain.config import ConfigError, distance_m
from tests.loop.conftest import FIRE_LANE, YOUSHANJUN_GROUP

YOUSHANJUN = {"lat": 36.3071, "lng": 120.4236, "label": "龙湖悠山郡8号楼"}  # ~30 m off its centre
FAR_AWAY = {"lat": 39.9087, "lng": 116.3975, "label": "天安门广场"}
_ids = itertools.count(1)


def post(chat, text: str = "", group: str | None = YOUSHANJUN_GROUP, **extra) -> str:
    msg_id = f"loc-{next(_ids)}"
    kind = "text" if text else "location"
    chat.services.intake.accept(
        IncomingMessage(
            channel="bridge",
            msg_id=msg_id,
            sender_id="wxid_zhangsan",
            sender_name="张三",
            text=text,
            sent_at=datetime.now(UTC),
            group_id=group,
            kind=kind,
            extra=extra,
        )
    )
    chat.run()
    return msg_id


def test_complaint_with_a_location_goes_to_the_community_there(chat):
    """Posted in 天泰城's group but located at 龙湖悠山郡: the location wins; label is the place."""
    post(chat, FIRE_LANE, group="grp-tiantaicheng", location=YOUSHANJUN)
    ticket = chat.ticket()
    assert (ticket.community, ticket.place) == ("龙湖悠山郡", "龙湖悠山郡8号楼")


def test_location_after_a_complaint_completes_its_place(chat):
    """A location sent just after the complaint becomes the ticket's place, noted in history."""
    chat.resident("小区里消防通道又被私家车堵了")
    msg_id = post(chat, location=YOUSHANJUN)
    assert chat.handled_by(msg_id) == "location"
    ticket = chat.ticket()
    assert ticket.place == "龙湖悠山郡8号楼"
    assert any(e.action == "location" for e in ticket.events)


def test_location_outside_every_community_is_asked_about_once(chat):
    """Far from every community: one question, never repeated for the same sender and chat."""
    first = post(chat, location=FAR_AWAY)
    post(chat, location=FAR_AWAY | {"label": "别处"})
    asks = [r for r in chat.sent("reply") if "不在本平台服务的小区范围内" in r.text]
    assert len(asks) == 1 and "天安门广场" in asks[0].text
    assert chat.handled_by(first) == "location"
    assert chat.statuses() == {}


def test_complaint_from_nowhere_with_a_far_location_asks(chat):
    """A one-to-one complaint whose only clue is a far location: asked, not ticketed."""
    post(chat, FIRE_LANE, group="grp-unknown", location=FAR_AWAY)
    assert chat.statuses() == {}
    assert "不在本平台服务的小区范围内" in chat.sent("reply")[-1].text


def test_wechat_location_message_maps_too(chat):
    """WeChat's own location message (Location_X = latitude, Location_Y = longitude)."""
    chat.resident("小区里消防通道又被私家车堵了")
    chat.services.intake.accept(
        IncomingMessage(
            channel="bridge",
            msg_id="wx-loc-1",
            sender_id="wxid_zhangsan",
            sender_name="张三",
            text="龙湖悠山郡东门",
            sent_at=datetime.now(UTC),
            group_id=YOUSHANJUN_GROUP,
            kind="location",
            extra={"x": 36.3071, "y": 120.4236, "label": "龙湖悠山郡东门"},
        )
    )
    chat.run()
    assert chat.ticket().place == "龙湖悠山郡东门"


def test_nearest_within_radius(config):
    """The closest covering community wins; beyond every radius nothing does."""
    community, metres = config.nearest_community(YOUSHANJUN["lat"], YOUSHANJUN["lng"])
    assert community.name == "龙湖悠山郡" and metres < 50
    assert config.nearest_community(FAR_AWAY["lat"], FAR_AWAY["lng"])[0] is None
    assert round(distance_m(36.0, 120.0, 36.0, 120.01)) == 900  # 0.01° of longitude at 36°N


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"location": {"lat": 95, "lng": 120.4}}, "communities[0].location.lat"),
        ({"location": {"lat": 36.3, "lng": 20}}, "communities[0].location.lng"),
        ({"radius_m": 0}, "communities[0].radius_m"),
        ({"radius_m": None}, "communities[0]"),
    ],
)
def test_check_config_validates_locations(raw_config, change, path):
    """Out-of-range coordinates, a zero radius, or a location without a radius are refused."""
    import copy

    from domain.config import Config

    data = copy.deepcopy(raw_config)
    data["communities"][0].update(change)
    with pytest.raises(ConfigError) as err:
        Config.from_mapping(data)
    assert path in str(err.value)
