"""Group replies through a WeCom group robot webhook (群机器人): one key per group, from the
environment (WECOM_ROBOT_KEYS="group=key,...") or an untracked YAML file named in config.
A group without a robot is answered through the bridge reply URL as before."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import requests
import yaml

from domain.models import Outbox

log = logging.getLogger(__name__)
RATE_LIMITED = 45009  # "api freq out of limit": the robot's 20 a minute was exceeded
BAD_KEY = {93000, 93004}  # invalid webhook URL / robot removed from the group


class RobotRateLimited(Exception):
    """The robot refused for now (45009): wait and send again, in order."""


class RobotRefused(Exception):
    """The robot's key is invalid or the robot left the group: retrying will not help."""


def load_robot_keys(config, secrets) -> dict[str, str]:
    """group_id -> webhook key, from the untracked file and the environment (env wins)."""
    keys: dict[str, str] = {}
    path = config.channels.robot_keys_file
    if path:
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
            keys.update({str(k): str(v) for k, v in data.items()})
        except (OSError, yaml.YAMLError, AttributeError) as exc:
            log.error("robot keys file %s unreadable: %s", path, exc)
    for pair in (secrets.get("wecom_robot_keys") or "").split(","):
        group, sep, key = pair.strip().partition("=")
        if sep and group and key:
            keys[group.strip()] = key.strip()
    return keys


class RobotSender:
    """Posts text (or markdown) to one group's robot webhook."""

    def __init__(self, webhook_url: str, timeout: float):
        self.webhook_url, self.timeout = webhook_url, timeout

    def post(self, key: str, row: Outbox) -> None:
        markdown = bool((row.extra or {}).get("markdown"))
        body = (
            {"msgtype": "markdown", "markdown": {"content": row.text}}
            if markdown
            else {"msgtype": "text", "text": {"content": row.text}}
        )
        resp = requests.post(self.webhook_url, params={"key": key}, json=body, timeout=self.timeout)
        resp.raise_for_status()
        result = resp.json()
        errcode = result.get("errcode", 0)
        if errcode == RATE_LIMITED:
            raise RobotRateLimited(result.get("errmsg", ""))
        if errcode in BAD_KEY:
            raise RobotRefused(f"{errcode} {result.get('errmsg', '')}")
        if errcode:
            raise RuntimeError(f"robot webhook errcode {errcode}: {result.get('errmsg', '')}")


class GroupReplySender:
    """Replies into a bridged group: its robot when it has one (rate limited), else the bridge."""

    def __init__(self, bridge, robot: RobotSender, keys: dict[str, str], per_minute: int):
        self.bridge, self.robot, self.keys, self.per_minute = bridge, robot, keys, per_minute

    def limit(self, row: Outbox) -> tuple[str, int] | None:
        """(bucket, messages per minute) for rows that go through a robot; None otherwise."""
        key = self.keys.get(row.recipient)
        if key is None:
            return None
        # The bucket is the robot (its key), hashed so the key never lands in Redis or logs.
        return "robot:" + hashlib.sha256(key.encode()).hexdigest()[:16], self.per_minute

    def send(self, row: Outbox) -> None:
        key = self.keys.get(row.recipient)
        if key is None:
            self.bridge.send(row)
        else:
            self.robot.post(key, row)


def build_group_sender(config, secrets, bridge) -> GroupReplySender | object:
    """The bridge sender wrapped with the groups' robots; the bridge alone when none is set."""
    keys = load_robot_keys(config, secrets)
    if not keys:
        return bridge
    channels = config.channels
    robot = RobotSender(channels.robot_webhook_url, channels.http_timeout_seconds)
    log.info("group robots configured for %d groups", len(keys))
    return GroupReplySender(bridge, robot, keys, channels.robot_messages_per_minute)
