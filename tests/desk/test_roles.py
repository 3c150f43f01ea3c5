"""Every role sees what it may, through the real routes: pages, exports and the API."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.desk.conftest import PASSWORD, csrf_token, login, signed_in
from tests.loop.conftest import CLUTTER

# zhangqinli: officer of ST01 (the ticket's station); yupengfei: officer of ST02, same squadron;
# zhaobingquan: leader of 城阳 (the ticket's squadron); goujunfeng: leader of 流亭;
# ju_liwei: bureau; desk_admin: admin.
SEES_TICKET = [
    ("zhangqinli", True),
    ("yupengfei", False),
    ("zhaobingquan", True),
    ("cy_duty", True),
    ("goujunfeng", False),
    ("ju_liwei", True),
    ("desk_admin", True),
]


@pytest.mark.parametrize(("userid", "sees"), SEES_TICKET)
def test_ticket_page_and_list_follow_the_scope(app, passwords, ticket_no, userid, sees):
    """The ticket page opens and the list shows the ticket exactly for the roles in scope."""
    client = signed_in(app, userid, passwords)
    page = client.get(f"/tickets/{ticket_no}")
    assert page.status_code == (200 if sees else 403)
    listing = client.get("/desk").get_data(as_text=True)
    assert (ticket_no in listing) is sees


@pytest.mark.parametrize(
    ("userid", "query", "status"),
    [
        ("zhangqinli", "", 200),
        ("zhangqinli", "station=ST01", 200),
        ("zhangqinli", "station=ST02", 403),
        ("zhangqinli", "squadron=chengyang", 403),
        ("zhangqinli", "scope=district", 403),
        ("zhaobingquan", "squadron=chengyang", 200),
        ("zhaobingquan", "station=ST02", 200),
        ("zhaobingquan", "squadron=liuting", 403),
        ("zhaobingquan", "scope=district", 403),
        ("ju_liwei", "scope=district", 200),
        ("ju_liwei", "squadron=liuting", 200),
        ("ju_liwei", "squadron=nowhere", 400),
        ("ju_liwei", "from=11/01", 400),
        ("ju_liwei", "date=11/01", 400),
    ],
)
def test_statistics_scope_by_role(app, passwords, ticket_no, userid, query, status):
    """Statistics, Excel and CSV answer only for scopes inside the role's own."""
    client = signed_in(app, userid, passwords)
    paths = ("/desk/stats", "/desk/stats.xlsx", "/desk/stats.csv", "/desk/reports/monthly")
    for path in paths:
        if query.split("=")[0] in ("from", "date") and (query[0] == "f") != ("stats" in path):
            continue  # from/to belong to statistics, date to reports
        assert client.get(f"{path}?{query}").status_code == status, path


def test_list_filters_outside_the_scope_are_refused(app, passwords, ticket_no):
    """An officer cannot list another station by filtering for it; bad filters are 400."""
    client = signed_in(app, "zhangqinli", passwords)
    assert client.get("/desk?station=ST02").status_code == 403
    assert client.get("/desk?status=flying").status_code == 400
    assert client.get("/desk?from=2026-13-01").status_code == 400
    assert client.get("/desk?page=x").status_code == 400


@pytest.mark.parametrize(
    ("userid", "status"),
    [("zhangqinli", 403), ("zhaobingquan", 403), ("ju_liwei", 403), ("desk_admin", 200)],
)
def test_admin_pages_are_for_admins(app, passwords, userid, status):
    """Failed sends and desk users: admins only; the configuration is for every role."""
    client = signed_in(app, userid, passwords)
    assert client.get("/desk/admin/outbox").status_code == status
    assert client.get("/desk/admin/users").status_code == status
    assert client.get("/desk/config").status_code == 200


def test_only_officers_and_leaders_get_actions(app, passwords, ticket_no):
    """The bureau sees the ticket but has no buttons (as in chat, it cannot act)."""
    bureau = signed_in(app, "ju_liwei", passwords)
    page = bureau.get(f"/tickets/{ticket_no}").get_data(as_text=True)
    assert "do-accept" not in page
    leader = signed_in(app, "zhaobingquan", passwords)
    assert 'id="do-accept"' in leader.get(f"/tickets/{ticket_no}").get_data(as_text=True)


def test_pages_need_a_sign_in(client, ticket_no):
    """Without a session the desk redirects to the sign-in form; the ticket page is a 403."""
    resp = client.get("/desk/stats?from=2026-11-01")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/desk/login?next=")
    assert client.get(f"/tickets/{ticket_no}").status_code == 403


def test_api_with_a_desk_session_follows_the_role(app, passwords, chat, ticket_no, config):
    """Signed-in people may use the JSON API within their role; the token still sees all."""
    liuting = next(c for c in config.communities if c.station == "ST10")
    chat.resident(CLUTTER, group=liuting.groups[0], sender="wxid_other", name="王五")
    other_no = next(no for no in chat.statuses() if no != ticket_no)
    officer = signed_in(app, "zhangqinli", passwords)
    listed = [t["no"] for t in officer.get("/api/tickets").get_json()["tickets"]]
    assert listed == [ticket_no]
    assert officer.get(f"/api/tickets/{other_no}").status_code == 403
    assert officer.get("/api/tickets?station=ST10").status_code == 403
    assert officer.get("/api/outbox").status_code == 403
    assert officer.get("/api/stats?squadron=chengyang").status_code == 403
    assert officer.get("/api/stats").get_json()["incidents"] == 1  # their own station
    assert officer.get("/api/stats?station=ST01").status_code == 200
    assert officer.get("/api/stats?station=ST10").status_code == 403
    assert officer.get("/api/stats?station=NOPE").status_code == 400
    leader = signed_in(app, "goujunfeng", passwords)  # 流亭: sees the other ticket, not ours
    assert leader.get(f"/api/tickets/{ticket_no}").status_code == 403
    assert leader.get(f"/api/tickets/{other_no}").status_code == 200
    assert leader.get("/api/stats?squadron=chengyang").status_code == 403
    bureau = signed_in(app, "ju_liwei", passwords)
    assert len(bureau.get("/api/tickets").get_json()["tickets"]) == 2
    assert bureau.get("/api/stats").get_json()["incidents"] == 2
    assert bureau.get("/api/outbox").status_code == 403
    admin = signed_in(app, "desk_admin", passwords)
    assert admin.get("/api/outbox").status_code == 200


def test_api_actions_with_a_session_need_csrf_and_oneself(app, passwords, chat, ticket_no):
    """A signed-in officer acts over the API as themselves, with the page's CSRF token."""
    client = signed_in(app, "zhangqinli", passwords)
    url = f"/api/tickets/{ticket_no}/actions"
    body = {"actor": "zhangqinli", "action": "accept"}
    assert client.post(url, json=body).status_code == 400  # no X-CSRFToken
    token = csrf_token(client, "/desk")
    headers = {"X-CSRFToken": token}
    other = {"actor": "liuyang01", "action": "accept"}
    assert client.post(url, json=other, headers=headers).status_code == 403
    assert chat.ticket(ticket_no).status == "dispatched"
    assert client.post(url, json=body, headers=headers).status_code == 200
    assert chat.ticket(ticket_no).status == "accepted"


def test_push_link_session_does_not_open_the_api(client, chat, ticket_no):
    """A one-ticket push-link sign-in is not enough for the API."""
    from tests.desk.conftest import push_link

    client.get(push_link(ticket_no, "zhangqinli"))
    assert client.get("/api/tickets").status_code == 401


def test_login_is_rate_limited_per_account(app, passwords, redis):
    """Five wrong passwords lock the account for the window, even for the right password."""
    passwords("zhaobingquan")
    client = app.test_client()
    for _ in range(5):
        assert login(client, "zhaobingquan", "wrong password").status_code == 401
    resp = login(client, "zhaobingquan", PASSWORD)
    assert resp.status_code == 429 and "尝试次数过多" in resp.get_data(as_text=True)
    assert login(client, "ju_liwei", "wrong password").status_code == 401  # others unaffected


def test_login_is_rate_limited_per_address(app, passwords, redis):
    """One address trying many accounts is stopped after 20 attempts."""
    client = app.test_client()
    for i in range(20):
        assert login(client, f"nobody{i}", "x").status_code == 401
    assert login(client, "ju_liwei", "x").status_code == 429


def test_limit_is_shared_between_web_processes(app, make_app, passwords, redis):
    """The counts live in Redis: a second app (another gunicorn worker) sees them."""
    passwords("zhaobingquan")
    first = app.test_client()
    for _ in range(5):
        login(first, "zhaobingquan", "wrong password")
    from tests.conftest import TEST_SECRETS

    other = make_app(dict(TEST_SECRETS)).test_client()
    assert login(other, "zhaobingquan", PASSWORD).status_code == 429


def test_login_form_needs_its_csrf_token(client, passwords):
    """A sign-in post without the form's token is refused before the password is looked at."""
    passwords("zhaobingquan")
    resp = client.post("/desk/login", data={"userid": "zhaobingquan", "password": PASSWORD})
    assert resp.status_code == 400


def test_unknown_or_unset_password_fails_alike(client, passwords):
    """A userid without a password and one not in config get the same answer."""
    a = login(client, "zhaobingquan", PASSWORD)
    b = login(client, "stranger", PASSWORD)
    assert a.status_code == b.status_code == 401
    assert "账号或密码错误" in a.get_data(as_text=True)


def test_logout_ends_the_session(app, passwords):
    """After signing out the desk asks for a sign-in again."""
    client = signed_in(app, "ju_liwei", passwords)
    token = csrf_token(client, "/desk")
    assert client.post("/desk/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/desk").status_code == 302


def test_session_cookie_is_httponly(app, passwords):
    """The session cookie cannot be read by page scripts (Secure only on https public URLs)."""
    passwords("ju_liwei")
    client = app.test_client()
    resp = login(client, "ju_liwei")
    cookie = [h for h in resp.headers.getlist("Set-Cookie") if h.startswith("cgbot_desk=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_next_cannot_leave_the_site(client, passwords):
    """`next` only leads to our own pages."""
    passwords("ju_liwei")
    token = csrf_token(client)
    data = {"userid": "ju_liwei", "password": PASSWORD, "csrf_token": token}
    resp = client.post("/desk/login?next=//evil.example/x", data=data)
    assert resp.headers["Location"] == "/desk"


def test_wecom_oauth_signs_a_leader_in(client, fake_wechat):
    """网页授权: WeCom returns a code for the member; a configured leader is signed in."""
    start = client.get("/desk/login/wecom?next=/desk/stats")
    location = start.headers["Location"]
    assert location.startswith("https://open.weixin.qq.com/connect/oauth2/authorize?appid=")
    state = location.split("state=")[1].split("#")[0]
    back = client.get(f"/desk/login/wecom/callback?code=code-zhaobingquan&state={state}")
    assert back.status_code == 302 and back.headers["Location"] == "/desk/stats"
    assert client.get("/desk/stats").status_code == 200


def test_wecom_oauth_refuses_strangers_and_stale_state(client, fake_wechat):
    """A member not in config, a wrong state or a bad code signs nobody in."""
    client.get("/desk/login/wecom")
    assert client.get("/desk/login/wecom/callback?code=code-x&state=wrong").status_code == 403
    location = client.get("/desk/login/wecom").headers["Location"]
    state = location.split("state=")[1].split("#")[0]
    resp = client.get(f"/desk/login/wecom/callback?code=code-stranger&state={state}")
    assert resp.status_code == 403 and "未在本系统登记" in resp.get_data(as_text=True)
    assert client.get("/desk").status_code == 302


def test_admin_sends_a_failed_push_again(app, passwords, chat, ticket_no, store):
    """A failed send is listed for the admin; 重发 queues it and the worker delivers it."""
    from domain.models import Outbox

    with store.session() as s:
        row = s.scalars(select(Outbox).where(Outbox.kind == "push")).first()
        row.state, row.error = "failed", "errcode 81013: user not in the app"
        failed_id = row.id
    admin = signed_in(app, "desk_admin", passwords)
    page = admin.get("/desk/admin/outbox").get_data(as_text=True)
    assert "errcode 81013" in page and ticket_no in page
    token = csrf_token(admin, "/desk/admin/outbox")
    resp = admin.post(f"/desk/admin/outbox/{failed_id}/retry", data={"csrf_token": token})
    assert resp.status_code == 302
    chat.run()
    with store.session() as s:
        assert s.get(Outbox, failed_id).state == "sent"
    leader = signed_in(app, "zhaobingquan", passwords)
    token = csrf_token(leader, "/desk")
    assert (
        leader.post(f"/desk/admin/outbox/{failed_id}/retry", data={"csrf_token": token}).status_code
        == 403
    )


def test_config_page_shows_who_is_on_duty(app, passwords):
    """Thursday 10:00: both officers of 龙湖悠山郡工作站 are on duty; communities are listed."""
    leader = signed_in(app, "zhaobingquan", passwords)
    page = leader.get("/desk/config").get_data(as_text=True)
    assert "<td>龙湖悠山郡工作站</td><td>城阳街道中队</td>" in page
    assert "<td>张勤利、刘洋</td>" in page and "龙湖悠山郡" in page


def test_list_pages_through_tickets(app, passwords, chat):
    """22 tickets: page 1 shows 20 and a next link, page 2 the other 2."""
    from tests.loop.conftest import CLUTTER

    for i in range(22):
        chat.resident(f"{i + 1}号楼 {CLUTTER}", sender=f"wxid_{i}", name=f"居民{i}")
    bureau = signed_in(app, "ju_liwei", passwords)
    first = bureau.get("/desk").get_data(as_text=True)
    assert "共 22 件" in first and first.count("<tr") == 21 and "下一页" in first
    second = bureau.get("/desk?page=2").get_data(as_text=True)
    assert second.count("<tr") == 3 and "上一页" in second


def test_behind_a_proxy_the_limit_counts_clients(test_config, store, queue, passwords, redis):
    """proxy_hops: 1 (nginx): two clients behind the same proxy have separate address limits."""
    from bot import Services, create_app
    from bot.intake import Intake
    from domain.config import Config
    from domain.secrets import Secrets
    from tests.conftest import TEST_SECRETS

    data = test_config.model_dump(mode="json")
    data["service"]["proxy_hops"] = 1
    config = Config.from_mapping(data)
    secrets = Secrets(config.secrets.model_dump(), dict(TEST_SECRETS))
    client = create_app(Services(config, secrets, store, Intake(store, queue))).test_client()
    token = csrf_token(client)
    for i in range(20):
        data = {"userid": f"nobody{i}", "password": "x", "csrf_token": token}
        client.post("/desk/login", data=data, headers={"X-Forwarded-For": "10.0.0.1"})
    data = {"userid": "ju_liwei", "password": "x", "csrf_token": token}
    blocked = client.post("/desk/login", data=data, headers={"X-Forwarded-For": "10.0.0.1"})
    other = client.post("/desk/login", data=data, headers={"X-Forwarded-For": "10.0.0.2"})
    assert (blocked.status_code, other.status_code) == (429, 401)
