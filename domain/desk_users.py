"""Desk passwords: a slow hash per userid; who may sign in and with what role comes from config."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from domain.models import DeskUser

HASH_METHOD = (
    "scrypt"  # werkzeug's memory-hard default, named so a library upgrade cannot weaken it
)
MIN_PASSWORD_CHARS = 10
# Checked when the userid has no password, so a wrong userid costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-password", method=HASH_METHOD)


class WeakPassword(ValueError):
    """The password is too short to be set."""


def set_password(session: Session, userid: str, password: str, now: datetime) -> None:
    """Store (or replace) the slow hash of `password` for `userid`."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise WeakPassword(f"密码至少 {MIN_PASSWORD_CHARS} 个字符")
    row = session.get(DeskUser, userid)
    hashed = generate_password_hash(password, method=HASH_METHOD)
    if row is None:
        session.add(DeskUser(userid=userid, password_hash=hashed, updated_at=now))
    else:
        row.password_hash, row.updated_at = hashed, now


def password_ok(session: Session, userid: str, password: str) -> bool:
    """True when `password` matches the stored hash; the same work is done when none is stored."""
    row = session.get(DeskUser, userid)
    ok = check_password_hash(row.password_hash if row else _DUMMY_HASH, password)
    return ok and row is not None


def users_with_password(session: Session) -> dict[str, datetime]:
    """userid -> when the password was last set."""
    return {row.userid: row.updated_at for row in session.query(DeskUser)}
