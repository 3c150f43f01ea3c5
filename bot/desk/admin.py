"""Configuration at a glance (read-only, with today's roster), and the admins' pages:
desk users and the failed sends, which an admin can send again."""

from __future__ import annotations

import logging

from flask import Blueprint, flash, g, redirect, render_template, url_for
from sqlalchemy import select

from bot.api import shown_recipient
from bot.desk.auth import admin_only, desk_guard, services, signed_in
from bot.desk.view import local
from domain.access import ROLE_NAMES, viewer_for
from domain.desk_users import users_with_password
from domain.models import Outbox
from domain.roster import on_duty

log = logging.getLogger(__name__)
admin_bp = Blueprint("desk_admin", __name__)
admin_bp.before_request(desk_guard)
FAILED_SHOWN = 200


@admin_bp.get("/desk/config")
@signed_in
def config_page():
    """Squadrons, stations with officers and who is on duty now, and their communities."""
    config, now = services().config, services().clock()
    communities: dict[str, list[str]] = {}
    for c in config.communities:
        communities.setdefault(c.station, []).append(c.name)
    stations = [
        {
            "s": s,
            "squadron": config.squadron(s.squadron).name,
            "duty": on_duty(config, s.code, now),
            "communities": communities.get(s.code, []),
        }
        for s in config.stations
    ]
    return render_template(
        "desk/config.html",
        viewer=g.viewer,
        config=config,
        stations=stations,
        now=local(now, config.tz, "%Y-%m-%d %H:%M"),
    )


@admin_bp.get("/desk/admin/users")
@signed_in
@admin_only
def users_page():
    """Who may sign in, with role, and whether a password is set."""
    config = services().config
    with services().store.session() as s:
        passwords = users_with_password(s)
    rows = []
    for userid in sorted(passwords):
        viewer = viewer_for(config, userid)
        rows.append(
            {
                "userid": userid,
                "name": viewer.name if viewer else "（已不在配置中）",
                "role": ROLE_NAMES[viewer.role] if viewer else "",
                "updated": local(passwords[userid], config.tz, "%Y-%m-%d %H:%M"),
            }
        )
    return render_template("desk/users.html", viewer=g.viewer, rows=rows)


@admin_bp.get("/desk/admin/outbox")
@signed_in
@admin_only
def outbox_page():
    """Sends that failed after every retry, newest first."""
    with services().store.session() as s:
        rows = list(
            s.scalars(
                select(Outbox)
                .where(Outbox.state == "failed")
                .order_by(Outbox.id.desc())
                .limit(FAILED_SHOWN)
            )
        )
    tz = services().config.tz
    return render_template(
        "desk/outbox.html", viewer=g.viewer, rows=rows, local=local, tz=tz, shown=shown_recipient
    )


@admin_bp.post("/desk/admin/outbox/<int:outbox_id>/retry")
@signed_in
@admin_only
def retry(outbox_id: int):
    """Put a failed send back in the queue (its key still guards against a double send)."""
    with services().store.session() as s:
        row = s.get(Outbox, outbox_id, with_for_update=True)
        if row is None or row.state != "failed":
            flash(f"发送记录 {outbox_id} 不是失败状态", "error")
            return redirect(url_for("desk_admin.outbox_page"))
        row.state, row.error = "pending", None
    services().intake.queue.deliver(outbox_id)
    log.info("outbox %d: retried by %s", outbox_id, g.viewer.userid)
    flash(f"已重新发送（记录 {outbox_id}）", "ok")
    return redirect(url_for("desk_admin.outbox_page"))
