"""`python -m bot check-config` as a subprocess: exit codes and the path of the bad field."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def check_config(path: Path) -> subprocess.CompletedProcess:
    """Run `python -m bot check-config --config path` from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "check-config", "--config", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def write_config(tmp_path: Path, raw_config: dict, name: str = "bad.yaml") -> Path:
    """`raw_config` written as YAML under tmp_path."""
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw_config, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def raw(raw_config) -> dict:
    """A private copy of the sample config (the session fixture must stay untouched)."""
    return copy.deepcopy(raw_config)


def test_good_config_exits_zero():
    """The sample config.yaml validates and the summary counts stations."""
    result = check_config(ROOT / "config.yaml")
    assert result.returncode == 0, result.stderr
    assert "OK (" in result.stdout and "stations" in result.stdout


def test_bad_userid_names_its_path(tmp_path, raw):
    """A userid with a space fails with the path stations[3].officers[1].userid."""
    raw["stations"][3]["officers"][1]["userid"] = "bad user"
    result = check_config(write_config(tmp_path, raw))
    assert result.returncode != 0
    assert "stations[3].officers[1].userid:" in result.stderr
    assert "bad.yaml" in result.stderr


def test_cross_reference_error_names_its_path(tmp_path, raw):
    """A community pointing at an unknown station names communities[0].station."""
    raw["communities"][0]["station"] = "ST99"
    result = check_config(write_config(tmp_path, raw))
    assert result.returncode != 0
    assert "communities[0].station:" in result.stderr and "ST99" in result.stderr


def test_missing_file_exits_non_zero(tmp_path):
    """A path that does not exist is reported, not a traceback."""
    result = check_config(tmp_path / "nope.yaml")
    assert result.returncode != 0
    assert "nope.yaml" in result.stderr and "Traceback" not in result.stderr


def test_invalid_yaml_exits_non_zero(tmp_path):
    """Broken YAML is reported as such, not a traceback."""
    path = tmp_path / "broken.yaml"
    path.write_text("stations: [\n", encoding="utf-8")
    result = check_config(path)
    assert result.returncode != 0
    assert "invalid YAML" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("broken", [False, True])
def test_check_config_names_the_path_once(tmp_path, raw, broken):
    """`check-config --config other.yaml` prints the path once, when good and when bad."""
    if broken:
        raw["stations"][0]["officers"][0]["userid"] = "bad user"
    path = write_config(tmp_path, raw, "other.yaml")
    result = check_config(path)
    assert (result.stdout + result.stderr).count("other.yaml") == 1


def test_act_takes_todays_sequence(config):
    """`act 2 接单` means today's (local date) ticket 0002, as the chat commands do."""
    from datetime import UTC, datetime

    from app.act import full_ticket_no

    late_utc = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)  # already the 27th in Qingdao
    assert full_ticket_no("2", config, late_utc) == "CY20261127-0002"
    assert full_ticket_no("0012", config, late_utc) == "CY20261127-0012"
    assert full_ticket_no("CY20261126-0001", config, late_utc) == "CY20261126-0001"


def test_cli_without_secrets_says_what_to_export(tmp_path):
    """A second terminal, no service ever started here: it says to start one, no traceback."""
    env = {k: v for k, v in os.environ.items() if k not in ("API_TOKEN", "BRIDGE_SECRET", "PORT")}
    env["CGBOT_VAR_DIR"] = str(tmp_path / "var")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "act", "1", "接单", "--as", "zhangqinli"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "API_TOKEN" in result.stderr and "make run" in result.stderr
    assert "Traceback" not in result.stderr
