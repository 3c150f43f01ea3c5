"""Desk roles from config: bureau and admin lists are validated; scopes follow the role."""

from __future__ import annotations

import pytest

from domain.access import Scope, allowed_scope, viewer_for, visible_stations
from domain.config import Config, ConfigError


def with_people(raw_config, **lists) -> dict:
    """The sample config with `bureau` / `admin` replaced."""
    return {**raw_config, **lists}


def test_bureau_userid_must_be_unique(raw_config):
    """A bureau member with an officer's userid is refused, by path."""
    data = with_people(raw_config, bureau=[{"userid": "zhangqinli", "name": "重名"}])
    with pytest.raises(ConfigError, match=r"bureau\[0\]\.userid: duplicate userid 'zhangqinli'"):
        Config.from_mapping(data)


def test_admin_userid_is_checked(raw_config):
    """A malformed admin userid names its path."""
    with pytest.raises(ConfigError, match=r"admin\.0\.userid|admin\[0\]\.userid"):
        Config.from_mapping(with_people(raw_config, admin=[{"userid": "bad id!", "name": "x"}]))


def test_roles_and_scopes(config):
    """Officer: own station; leader: own squadron's stations; bureau and admin: everything."""
    officer, leader = viewer_for(config, "zhangqinli"), viewer_for(config, "zhaobingquan")
    bureau, admin = viewer_for(config, "ju_liwei"), viewer_for(config, "desk_admin")
    assert (officer.role, officer.scope) == ("officer", "ST01")
    assert visible_stations(config, officer) == ["ST01"]
    assert "ST02" in visible_stations(config, leader) and "ST10" not in visible_stations(
        config, leader
    )
    assert visible_stations(config, bureau) is None and admin.is_admin and not bureau.is_admin
    assert viewer_for(config, "stranger") is None
    assert allowed_scope(config, leader, Scope("station", "ST02"))
    assert not allowed_scope(config, leader, Scope("squadron", "liuting"))
    assert not allowed_scope(config, officer, Scope("district"))
    assert not allowed_scope(config, bureau, Scope("station", "NOPE"))
