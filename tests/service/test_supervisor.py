"""Secrets generated once into an untracked file, and the web server's command line."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

from service.supervisor import CONTROL_SOCKET, GENERATED_SECRETS, ensure_secrets, gunicorn_argv

ROOT = Path(__file__).resolve().parents[2]


def test_generates_secrets_into_a_private_file(tmp_path):
    """Unset BRIDGE_SECRET and API_TOKEN are generated, written with mode 600, and exported."""
    path = tmp_path / "var" / "secrets.env"
    env: dict[str, str] = {}
    assert ensure_secrets(env, path) == list(GENERATED_SECRETS)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert all(len(env[name]) >= 32 for name in GENERATED_SECRETS)
    assert env["BRIDGE_SECRET"] != env["API_TOKEN"]
    lines = path.read_text().splitlines()
    assert lines == [f"{name}={env[name]}" for name in GENERATED_SECRETS]


def test_second_start_reuses_the_file(tmp_path):
    """The next start reads the same values back and generates nothing."""
    path = tmp_path / "secrets.env"
    first: dict[str, str] = {}
    ensure_secrets(first, path)
    again: dict[str, str] = {}
    assert ensure_secrets(again, path) == []
    assert again == first
    assert len(path.read_text().splitlines()) == len(GENERATED_SECRETS)


def test_environment_wins_over_the_file(tmp_path):
    """A secret set in the environment is used as is and not written to the file."""
    path = tmp_path / "secrets.env"
    ensure_secrets({}, path)
    env = {"BRIDGE_SECRET": "from-env"}
    assert ensure_secrets(env, path) == []
    assert env["BRIDGE_SECRET"] == "from-env"
    assert "from-env" not in path.read_text()


def test_only_missing_secret_is_generated(tmp_path):
    """With BRIDGE_SECRET and SECRET_KEY set, only API_TOKEN is generated and written."""
    path = tmp_path / "secrets.env"
    env = {"BRIDGE_SECRET": "given", "SECRET_KEY": "given too"}
    assert ensure_secrets(env, path) == ["API_TOKEN"]
    assert path.read_text() == f"API_TOKEN={env['API_TOKEN']}\n"


def test_secrets_file_is_untracked():
    """var/ (where secrets.env lives) is git-ignored, so a generated secret is never committed."""
    result = subprocess.run(["git", "check-ignore", "-q", "var/secrets.env"], cwd=ROOT)
    assert result.returncode == 0


def test_gunicorn_control_socket_is_under_var():
    """gunicorn's control socket is ours under var/, not the shared ~/.gunicorn/gunicorn.ctl."""
    argv = gunicorn_argv("gunicorn", 8123)
    assert argv[argv.index("--control-socket") + 1] == str(CONTROL_SOCKET)
    assert CONTROL_SOCKET.parent == ROOT / "var"
    assert argv[argv.index("-b") + 1] == "127.0.0.1:8123" and argv[-1] == "bot.wsgi:app"
