"""`python -m bot user set-password USERID`: a desk password, read from standard input."""

from __future__ import annotations

import getpass
import sys
from datetime import UTC, datetime

from domain.access import viewer_for
from domain.config import load_config
from domain.db import make_engine
from domain.desk_users import WeakPassword, set_password
from domain.store import Store


def read_password(stream=sys.stdin) -> str:
    """A terminal asks twice without echo; a pipe gives one line."""
    if stream.isatty():
        first = getpass.getpass("新密码: ")
        if first != getpass.getpass("再输入一次: "):
            raise WeakPassword("两次输入不一致")
        return first
    return stream.readline().rstrip("\r\n")


def set_password_command(settings, userid: str, stream=sys.stdin) -> int:
    """Set the desk password of a configured person; exit 2 for an unknown userid."""
    config = load_config(settings.config_file)
    viewer = viewer_for(config, userid)
    if viewer is None:
        print(f"{userid}: 不在 config.yaml 中（队员、中队长、bureau 或 admin）", file=sys.stderr)
        return 2
    try:
        password = read_password(stream)
        store = Store(make_engine(settings.database_url))
        with store.session() as s:
            set_password(s, userid, password, datetime.now(UTC))
    except WeakPassword as exc:
        print(f"{userid}: {exc}", file=sys.stderr)
        return 2
    print(f"{userid}（{viewer.name}，{viewer.role_name}）的密码已设置")
    return 0
