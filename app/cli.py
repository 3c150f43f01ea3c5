"""The command line, `python -m bot run|check-config|migrate|simulate|act|stats|user`."""

from __future__ import annotations

import argparse
import logging
import os
import sys

import requests

from app.act import act, full_ticket_no
from app.simulate import simulate
from app.users import set_password_command
from domain.config import ConfigError, load_config
from domain.db import upgrade
from domain.officer_actions import BY_VERB, BY_ZH
from service import runinfo
from service.settings import Settings
from service.supervisor import run

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def cmd_run(args) -> int:
    """Start the whole service on embedded defaults."""
    return run()


def cmd_check_config(args) -> int:
    """Validate config.yaml without starting anything."""
    path = args.config or Settings.from_env().config_file
    try:
        config = load_config(path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)  # starts with the file's path
        return 2
    print(
        f"{path}: OK ({len(config.squadrons)} squadrons, {len(config.stations)} stations, "
        f"{len(config.communities)} communities)"
    )
    return 0


def cmd_migrate(args) -> int:
    """Bring the database to the newest schema."""
    upgrade(Settings.from_env().database_url)
    return 0


def client_settings(*needed: str) -> Settings | None:
    """Settings of the running service for a second terminal: its port from var/run.env, the
    generated secrets from var/secrets.env; None (and what to export) when a secret is missing."""
    runinfo.fill_cli_env(os.environ)  # not environment_settings(): it would load stale secrets
    settings = Settings.from_env()
    missing = [name for name in needed if not os.environ.get(name)]
    if missing:
        print(runinfo.missing_secret_help(missing), file=sys.stderr)
        return None
    return settings


def cmd_simulate(args) -> int:
    """Post a message as a bridge would and print what the bot did."""
    settings = client_settings("BRIDGE_SECRET", "API_TOKEN")
    if settings is None:
        return 2
    url = args.url or f"http://127.0.0.1:{settings.port}"
    return simulate(load_config(settings.config_file), url, args.group, args.text, args.sender)


def cmd_act(args) -> int:
    """An officer's action through the JSON API (a row of domain/officer_actions.py)."""
    settings = client_settings("API_TOKEN")
    if settings is None:
        return 2
    url = args.url or f"http://127.0.0.1:{settings.port}"
    ticket = full_ticket_no(args.ticket, load_config(settings.config_file))
    return act(url, ticket, args.action, args.officer, " ".join(args.note))


def cmd_stats(args) -> int:
    """Print the figures for leaders (this month unless --from/--to)."""
    settings = client_settings("API_TOKEN")
    if settings is None:
        return 2
    url = args.url or f"http://127.0.0.1:{settings.port}"
    params = {
        k: v for k, v in (("from", args.start), ("to", args.end), ("squadron", args.squadron)) if v
    }
    resp = requests.get(
        f"{url}/api/stats",
        params={**params, "format": "text"},
        timeout=10,
        headers={"Authorization": f"Bearer {os.environ.get('API_TOKEN', '')}"},
    )
    print(resp.text)
    return 0 if resp.ok else 1


def cmd_user(args) -> int:
    """Desk users: `user set-password USERID` (the password on standard input)."""
    return set_password_command(Settings.from_env(), args.userid)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the command."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="社区城管助手")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start Redis, web and worker (embedded defaults)")
    check = sub.add_parser("check-config", help="validate config.yaml and exit")
    check.add_argument("--config", help="path (default: CONFIG_FILE or config.yaml)")
    sub.add_parser("migrate", help="apply database migrations")
    sim = sub.add_parser("simulate", help="send a group message as a bridge would")
    sim.add_argument("--group", required=True, help="community name or alias, e.g. 龙湖悠山郡")
    sim.add_argument("--sender", default="张三", help="display name of the resident")
    sim.add_argument("--url", help="service URL (default: http://127.0.0.1:$PORT)")
    sim.add_argument("text")
    act = sub.add_parser("act", help="an officer's action on a ticket, through the API")
    act.add_argument(
        "ticket", help="ticket number (CY20261126-0001) or today's sequence (1 or 0001)"
    )
    act.add_argument("action", help=" ".join(BY_ZH) + " (or " + ", ".join(BY_VERB) + ")")
    act.add_argument("note", nargs="*", help="resolution note, reason, or transfer target")
    act.add_argument("--officer", "--as", dest="officer", required=True, help="officer userid")
    act.add_argument("--url", help="service URL (default: http://127.0.0.1:$PORT)")
    stats = sub.add_parser("stats", help="figures for leaders, from the running service")
    stats.add_argument("--from", dest="start", help="YYYY-MM-DD (default: first of the month)")
    stats.add_argument("--to", dest="end", help="YYYY-MM-DD, exclusive (default: tomorrow)")
    stats.add_argument("--squadron", help="squadron code, e.g. chengyang")
    stats.add_argument("--url", help="service URL (default: http://127.0.0.1:$PORT)")
    user = sub.add_parser("user", help="desk users")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    setpw = user_sub.add_parser("set-password", help="set a desk password, read from stdin")
    setpw.add_argument("userid", help="a userid from config.yaml")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    commands = {
        "run": cmd_run,
        "check-config": cmd_check_config,
        "migrate": cmd_migrate,
        "simulate": cmd_simulate,
        "act": cmd_act,
        "stats": cmd_stats,
        "user": cmd_user,
    }
    return commands[args.command](args)
