"""Statistics, exports and reports show the loop's own numbers; leaders get them on schedule."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from tests.desk.conftest import act, push_link, signed_in
from tests.loop.conftest import FIRE_LANE

MONTH = "from=2026-11-01&to=2026-12-01"


def resolve_clutter(client, ticket_no, clock, minutes=5):
    """The officer accepts after `minutes` and resolves 3处 from the page."""
    client.get(push_link(ticket_no, "zhangqinli"))
    clock.advance(minutes=minutes)
    act(client, ticket_no, "accept")
    clock.advance(hours=1)
    act(client, ticket_no, "resolve", note="已清理", amount="3", unit="处")


def test_page_and_excel_show_the_figures(app, client, chat, ticket_no, clock, passwords):
    """One clutter ticket resolved with 3处: the page, the workbook and the CSV agree."""
    resolve_clutter(client, ticket_no, clock)
    chat.resident(FIRE_LANE, name="李四", sender="wxid_lisi")  # a second incident, open
    leader = signed_in(app, "zhaobingquan", passwords)
    page = leader.get(f"/desk/stats?{MONTH}").get_data(as_text=True)
    assert "城阳街道中队 2026-11-01 至 2026-11-30" in page and "乱堆乱放" in page
    assert "echarts.min.js" in page and "龙湖悠山郡" in page  # charts served here; heat table
    book = load_workbook(io.BytesIO(leader.get(f"/desk/stats.xlsx?{MONTH}").data))
    summary = {r[0]: r[1] for r in book["概况"].iter_rows(min_row=3, values_only=True)}
    assert (summary["受理问题（起）"], summary["已办结（件）"]) == (2, 1)
    assert summary["接单用时中位数（分钟）"] == 5.0 and summary["按时接单率"] == 1.0
    rows = list(book["按类别"].iter_rows(min_row=3, values_only=True))
    assert ("乱堆乱放", 1, 1, 1, 3, "处") in rows
    heat = list(book["类别 x 小区"].iter_rows(min_row=2, values_only=True))
    assert heat[0][0] == "小区" and heat[1][0] == "龙湖悠山郡" and heat[1][-1] == 2
    text = leader.get(f"/desk/stats.csv?{MONTH}&table=category").data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[1][0] == "类别" and ["乱堆乱放", "1", "1", "1", "3.0", "处"] in table


def test_stats_match_the_api(app, client, chat, ticket_no, clock, passwords):
    """/desk/stats.csv and /api/stats count the same incidents for the same parameters."""
    resolve_clutter(client, ticket_no, clock)
    api = client.get(
        f"/api/stats?{MONTH}&squadron=chengyang", headers={"Authorization": "Bearer test-api-token"}
    ).get_json()
    leader = signed_in(app, "zhaobingquan", passwords)
    text = leader.get(f"/desk/stats.csv?{MONTH}&squadron=chengyang&table=summary").data
    rows = dict(r[:2] for r in csv.reader(io.StringIO(text.decode("utf-8-sig"))) if len(r) > 1)
    assert int(rows["受理问题（起）"]) == api["incidents"] == 1
    assert api["amounts"] == {"clutter": {"处": 3.0}}


def test_monthly_report_in_the_articles_words(app, client, chat, ticket_no, clock, passwords):
    """The report paragraph reads like the bureau's: 共受理…起，办结…起，其中清理乱堆乱放3处."""
    resolve_clutter(client, ticket_no, clock)
    bureau = signed_in(app, "ju_liwei", passwords)
    page = bureau.get("/desk/reports/monthly?date=2026-11-15&scope=district").get_data(as_text=True)
    assert (
        "2026年11月，全区本月共受理群众反映问题1起（居民反映1次），办结1起，其中清理乱堆乱放3处"
        in page
    )
    txt = bureau.get("/desk/reports/monthly?date=2026-11-15&format=txt")
    assert txt.status_code == 200 and "attachment" in txt.headers["Content-Disposition"]
    assert "清理乱堆乱放3处" in txt.get_data(as_text=True)
    assert bureau.get("/desk/reports/daily?date=2026-11-26&format=xlsx").data[:2] == b"PK"
    assert bureau.get("/desk/reports/yearly").status_code == 400


def test_daily_and_monthly_pushes_reach_the_leader_once(chat, ticket_no, time_machine):
    """At 08:00 the next day a daily report; on the 1st a monthly one; never twice."""
    time_machine.advance(hours=22)  # Friday 2026-11-27 08:00
    chat.run()
    chat.run()
    daily = [p for p in chat.sent("push") if p.key.startswith("daily:")]
    assert [(p.recipient, p.key) for p in daily] == [("zhaobingquan", "daily:chengyang:2026-11-26")]
    assert daily[0].text.startswith("2026年11月26日，城阳街道中队当日共受理群众反映问题1起")
    time_machine.advance(days=4)  # Tuesday 2026-12-01 08:00
    chat.run()
    chat.run()
    monthly = [p for p in chat.sent("push") if p.key.startswith("monthly:")]
    assert [p.key for p in monthly] == ["monthly:chengyang:2026-11"]
    assert "/desk/reports/monthly?date=2026-11-01&squadron=chengyang" in monthly[0].text


def test_no_daily_report_before_eight(chat, ticket_no, time_machine):
    """07:59 the next morning is too early."""
    time_machine.advance(hours=21, minutes=59)
    chat.run()
    assert not [p for p in chat.sent("push") if p.key.startswith("daily:")]


def test_percentiles_interpolate_like_percentile_cont(store, config, clock):
    """Median and p90 of accept times 1, 2, 3, 4, 10 minutes: 3 and 7.6 minutes."""
    from domain.desk_stats import figures
    from domain.models import Ticket

    now = clock()
    with store.session() as s:
        for i, minutes in enumerate((1, 2, 3, 4, 10), start=1):
            s.add(_ticket(Ticket, i, now, now + timedelta(minutes=minutes)))
    with store.session() as s:
        fig = figures(s, config, now - timedelta(days=1), now + timedelta(days=1))
    assert round(fig.accept_seconds[0.5]) == 180 and round(fig.accept_seconds[0.9]) == 456
    assert (fig.accepted, fig.accepted_on_time) == (5, 5)


def _ticket(Ticket, i, created, accepted):
    return Ticket(
        no=f"CY20261126-{i:04d}",
        day="20261126",
        seq=i,
        origin_message_id=i,
        status="accepted",
        category="clutter",
        urgent=False,
        community="龙湖悠山郡",
        station="ST01",
        officer="zhangqinli",
        text="x",
        evidence={},
        reporter_name="r",
        reporter_id="r",
        channel="bridge",
        created_at=created,
        updated_at=created,
        accepted_at=accepted,
    )


def test_message_view_shows_the_confirmation_question(client, chat, classifier):
    """GET /api/messages shows the bot's question when it asked one instead of replying."""
    msg_id = chat.resident("小区里好像有人在搭东西")
    assert classifier.classify("小区里好像有人在搭东西", "龙湖悠山郡").ask
    view = client.get(
        f"/api/messages/bridge/{msg_id}", headers={"Authorization": "Bearer test-api-token"}
    ).get_json()
    (reply,) = view["replies"]
    assert reply["text"].startswith("@张三 请问您是要反映")
