"""Signing in to the desk: password (rate-limited), WeCom OAuth, or a push link for one ticket."""

from __future__ import annotations

import functools
import logging
import secrets
import time

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from wechatpy.enterprise.client.api.oauth import WeChatOAuth
from wechatpy.exceptions import WeChatClientException

from bot.desk.common import SESSION_HOURS, csrf
from bot.desk.ratelimit import SignInLimiter
from channels import wxclients
from domain.access import Viewer, viewer_for
from domain.desk_users import password_ok

log = logging.getLogger(__name__)
auth_bp = Blueprint("desk_auth", __name__)
LINK_SESSION_SECONDS = 2 * 3600  # a push link signs the officer in for one ticket, briefly
USERID_MAX = 64


def services():
    """The app's service container."""
    return current_app.extensions["cgbot"]


def desk_guard() -> object | None:
    """before_request for every desk blueprint: a session key must exist; POSTs carry CSRF."""
    if not current_app.secret_key:
        name = services().secrets.env_name("session_secret")
        log.warning("%s %s: 503 %s is not set", request.method, request.path, name)
        return render_template("desk/message.html", title="未配置", text=f"{name} 未设置"), 503
    if request.method == "POST":
        csrf.protect()
    return None


auth_bp.before_request(desk_guard)


def sign_in(userid: str, via: str, ticket: str | None = None, seconds: int | None = None) -> None:
    """A fresh session (and so a fresh CSRF token) for `userid`."""
    session.clear()
    session.permanent = True
    seconds = seconds or SESSION_HOURS * 3600
    session.update(uid=userid, via=via, exp=int(time.time()) + seconds)
    if ticket:
        session["ticket"] = ticket


def current_viewer() -> Viewer | None:
    """The signed-in person, or None (no session, expired, or no longer in config)."""
    uid = session.get("uid")
    if not uid or session.get("exp", 0) < time.time():
        return None
    return viewer_for(services().config, uid, ticket=session.get("ticket"))


def signed_in(view):
    """The view needs a desk sign-in (not a one-ticket push link); sets g.viewer."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        viewer = current_viewer()
        if viewer is None:
            return redirect(url_for("desk_auth.login", next=request.full_path.rstrip("?")))
        if viewer.ticket is not None:
            return forbidden("推送链接只能打开该工单，查看其他页面请登录。")
        g.viewer = viewer
        return view(*args, **kwargs)

    return wrapper


def admin_only(view):
    """The view is for admins (after `signed_in`)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not g.viewer.is_admin:
            return forbidden("仅管理员可以查看此页面。")
        return view(*args, **kwargs)

    return wrapper


def forbidden(text: str):
    """A short 403 page, logged once."""
    log.warning("%s %s: 403 %s", request.method, request.path, text)
    return render_template("desk/message.html", title="无权查看", text=text), 403


def _safe_next(target: str | None) -> str:
    # Only our own pages: an open redirect would turn the sign-in page into a phishing aid.
    if target and target.startswith(("/desk", "/tickets/")) and "//" not in target:
        return target
    return url_for("desk_lists.desk_home")


def _wecom_client():
    if not services().secrets.get("wecom_agent_id"):
        return None
    return wxclients.build_wecom_client(services().config, services().secrets)


@auth_bp.route("/desk/login", methods=["GET", "POST"])
def login():
    """The sign-in form; POST checks userid and password (rate-limited per account and address)."""
    nxt = request.values.get("next")
    if request.method == "GET":
        return _login_page(nxt)
    userid = request.form.get("userid", "").strip()[:USERID_MAX]
    password = request.form.get("password", "")
    limiter = SignInLimiter(services().intake.queue.redis)
    if not limiter.attempt(userid, request.remote_addr or "-"):
        log.warning("desk login %s from %s: 429 too many attempts", userid, request.remote_addr)
        return _login_page(nxt, "尝试次数过多，请 15 分钟后再试。", 429)
    viewer = viewer_for(services().config, userid) if userid else None
    with services().store.session() as s:
        ok = password_ok(s, userid, password) and viewer is not None
    if not ok:
        log.warning(
            "desk login %s from %s: 401 wrong userid or password", userid, request.remote_addr
        )
        return _login_page(nxt, "账号或密码错误。", 401)
    limiter.succeeded(userid)
    sign_in(userid, "password")
    log.info("desk login %s (%s) by password", userid, viewer.role)
    return redirect(_safe_next(nxt))


def _login_page(nxt: str | None, error: str | None = None, status: int = 200):
    wecom = _wecom_client() is not None
    page = render_template("desk/login.html", next=nxt or "", error=error, wecom=wecom)
    return page, status


@auth_bp.route("/desk/logout", methods=["GET", "POST"])
def logout():
    """GET shows a sign-out button (a form with its CSRF token); POST signs out."""
    if request.method == "GET":
        return render_template("desk/logout.html", viewer=current_viewer())
    uid = session.get("uid")
    session.clear()
    log.info("desk logout %s", uid)
    return redirect(url_for("desk_auth.login"))


@auth_bp.get("/desk/login/wecom")
def wecom_login():
    """Send the browser to WeCom's 网页授权 (only when the WeCom app is configured)."""
    client = _wecom_client()
    if client is None:
        abort(404)
    state = secrets.token_urlsafe(16)
    session["oauth_state"] = state
    session["oauth_next"] = request.args.get("next", "")
    back = services().config.service.public_url.rstrip("/") + url_for("desk_auth.wecom_callback")
    return redirect(WeChatOAuth(client).authorize_url(back, state))


@auth_bp.get("/desk/login/wecom/callback")
def wecom_callback():
    """WeCom returns a code; its UserId must be a configured person."""
    client = _wecom_client()
    state = session.pop("oauth_state", None)
    if client is None or not state or request.args.get("state") != state:
        return forbidden("登录请求已失效，请重新登录。")
    try:
        info = WeChatOAuth(client).get_user_info(request.args.get("code", ""))
    except WeChatClientException as exc:
        log.warning("desk wecom login: code refused: %s", exc)
        return forbidden("企业微信登录失败，请重试。")
    userid = info.get("UserId") or info.get("userid") or ""
    if viewer_for(services().config, userid) is None:
        return forbidden("您的企业微信账号未在本系统登记。")
    nxt = session.get("oauth_next")
    sign_in(userid, "wecom")
    log.info("desk login %s by WeCom OAuth", userid)
    return redirect(_safe_next(nxt))
