"""Web pages for officers: a ticket as a phone-friendly page (the link in every push)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, render_template_string, request

from bot.actions_api import ActionRequest, perform
from channels.signing import ticket_sig_ok
from domain.lifecycle import STATUS_NAMES, status_name

log = logging.getLogger(__name__)
pages_bp = Blueprint("pages", __name__)

FORBIDDEN_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>无权查看</title></head>
<body><h1>无权查看</h1><p>链接无效或已被改动，请从企业微信中的工单推送打开。</p></body></html>"""

TICKET_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>工单 {{ t.no }}</title>
<style>body{font-family:sans-serif;margin:1em;max-width:40em}
dt{color:#666}dd{margin:0 0 .6em}</style>
</head><body>
<h1>工单 {{ t.no }}{% if t.urgent %} <small style="color:#c00">紧急</small>{% endif %}</h1>
<dl>
<dt>状态</dt><dd>{{ status }}</dd>
<dt>类别</dt><dd>{{ category }}</dd>
<dt>小区 / 位置</dt><dd>{{ t.community }} {{ t.place or "" }}</dd>
<dt>内容</dt><dd>{{ t.text }}</dd>
<dt>反映人</dt><dd>{{ t.reporter_name }}（共 {{ t.reporters }} 人反映）</dd>
<dt>工作站</dt><dd>{{ station }}</dd>
<dt>接单时限</dt><dd>{{ accept_by }}</dd>
</dl>
<h2>处理记录</h2>
<ol>{% for e in t.events %}<li>{{ local(e.at) }}
{{ names.get(e.to_status, e.to_status) }} {{ e.note or "" }}</li>{% endfor %}</ol>
{% if notice %}<p style="background:#ffe;padding:.5em"><b>{{ notice }}</b></p>{% endif %}
{% if officer %}
<h2>操作（{{ officer_name }}）</h2>
<form method="post" action="{{ action_url }}">
<p><select name="action">
<option value="accept">接单</option><option value="arrive">到场</option>
<option value="resolve">办结</option><option value="transfer">转派</option>
<option value="return">退回</option><option value="escalate">升级</option></select></p>
<p><input name="note" style="width:100%"
 placeholder="办结情况 / 退回或升级原因，如：已拆除 约12平方米"></p>
<p><input name="target" placeholder="转派给（队员姓名）" style="width:100%"></p>
<p><button type="submit">提交</button></p>
</form>
{% else %}
<p>在企业微信中回复「接单 {{ t.no }}」即可接单。</p>
{% endif %}
</body></html>"""


def _signed(no: str) -> bool:
    """The link's sig covers the ticket number, and the officer `u` when the link carries one."""
    key = current_app.extensions["cgbot"].secrets.get("api_token")
    user = request.args.get("u")
    return ticket_sig_ok(key, f"{no}:{user}" if user else no, request.args.get("sig"))


def _forbidden(no: str):
    log.warning("%s /tickets/%s: 403 missing or bad sig", request.method, no)
    return FORBIDDEN_PAGE, 403, {"Content-Type": "text/html; charset=utf-8"}


@pages_bp.get("/tickets/<no>")
def ticket_page(no: str, notice: str | None = None):
    """The ticket page linked from officers' pushes; only a link signed with API_TOKEN opens it."""
    services = current_app.extensions["cgbot"]
    # Checked before the lookup, so a stranger cannot even learn which numbers exist.
    if not _signed(no):
        return _forbidden(no)
    ticket = services.store.ticket(no)
    if ticket is None:
        abort(404)
    config = services.config
    local = lambda at: local_time(at, config.tz)  # noqa: E731
    officer = request.args.get("u")
    person = config.officer(officer) if officer else None
    return render_template_string(
        TICKET_PAGE,
        t=ticket,
        status=status_name(ticket.status),
        category=config.categories[ticket.category].zh,
        station=config.station(ticket.station).name,
        accept_by=local(ticket.accept_by),
        local=local,
        names=STATUS_NAMES,
        notice=notice,
        officer=person is not None,
        officer_name=person.name if person else "",
        action_url=request.full_path.replace(f"/tickets/{no}?", f"/tickets/{no}/act?", 1),
    )


@pages_bp.post("/tickets/<no>/act")
def ticket_action(no: str):
    """A form post from the page: the officer named by the signed link acts, same rules as chat."""
    if not _signed(no) or not request.args.get("u"):
        return _forbidden(no)
    try:
        req = ActionRequest(
            actor=request.args["u"],
            action=request.form.get("action", ""),
            note=request.form.get("note", ""),
            target=request.form.get("target") or None,
        )
    except ValueError:
        return ticket_page(no, notice="请选择有效的操作")
    status, body = perform(no, req)
    notice = body.get("message") or body.get("error")
    if status == 404:
        abort(404)
    return ticket_page(no, notice=notice)


def local_time(at: datetime | None, tz) -> str:
    """`at` as local "MM-DD HH:MM"; naive values are UTC (SQLite drops the offset)."""
    if at is None:
        return ""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(tz).strftime("%m-%d %H:%M")
