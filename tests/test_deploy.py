"""The deployment files say what the bot needs: the systemd unit, the env example, the image.
(`systemd-analyze verify` and a real install were run by hand: deploy/README.md says which.)"""

from __future__ import annotations

import configparser
import re

from config import PROJECT_ROOT, Settings
from domain.delivery.sender import STOP_GRACE

DEPLOY = PROJECT_ROOT / "deploy"


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in systemd
    parser.read(DEPLOY / "bimtek@.service", encoding="utf-8")
    return parser


def test_the_unit_runs_one_bot_per_env_file_as_an_unprivileged_user() -> None:
    service = unit()["Service"]
    assert service["User"] == "bimtek" and service["User"] != "root"
    assert service["EnvironmentFile"] == "/etc/bimtek/%i.env"
    assert service["StateDirectory"] == "bimtek/%i"
    assert service["ExecStart"].endswith("bot.py run")
    assert service["ExecStartPre"].endswith("bot.py check")
    assert service["Restart"] == "on-failure"
    assert service["RestartPreventExitStatus"] == "2"  # a configuration error: no loop
    assert service["KillSignal"] == "SIGTERM"
    # systemd waits longer than the sender lets in-flight sends finish.
    assert int(service["TimeoutStopSec"]) > STOP_GRACE + 5
    assert service["NoNewPrivileges"] == "true" and service["ProtectSystem"] == "strict"
    assert unit()["Install"]["WantedBy"] == "multi-user.target"


def test_the_env_example_names_only_real_settings_and_every_path_is_writable() -> None:
    lines = (DEPLOY / "bimtek.env.example").read_text(encoding="utf-8").splitlines()
    keys = [line.split("=", 1)[0] for line in lines if line and not line.startswith("#")]
    fields = {name.upper() for name in Settings.model_fields}
    assert set(keys) <= fields, set(keys) - fields
    assert {"BOT_TOKEN", "EVENT_FILE", "DATABASE_PATH", "ADMIN_IDS", "WEBHOOK_URL"} <= set(keys)
    values = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    # The service may write only its state directory.
    for key in ("DATABASE_PATH", "BACKUP_DIR"):
        assert values[key].startswith("/var/lib/bimtek/"), key


def test_the_image_runs_as_a_user_with_the_database_on_a_volume() -> None:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.1[1-9]-slim$", text, re.M)
    users = re.findall(r"^USER (\S+)$", text, re.M)
    assert users == ["bimtek"]
    assert re.search(r'^VOLUME \["/data"\]$', text, re.M)
    assert "DATABASE_PATH=/data/bimtek.sqlite3" in text and "BACKUP_DIR=/data/backups" in text
    assert re.search(r"^STOPSIGNAL SIGTERM$", text, re.M)
    # Every package the bot imports is copied into the image.
    for package in ("handlers", "domain", "schedules", "storage", "locales", "data"):
        assert f"COPY {package} ./{package}" in text
    # The bytecode is compiled into the image (the bot does not write it: every start would
    # compile everything again).
    assert "--no-compile" not in text and "python -m compileall -q /app" in text
    ignored = (PROJECT_ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert ".env" in ignored and ".venv" in ignored  # no token or local venv in the image


def test_the_cli_wrapper_reads_the_instance_env_file() -> None:
    script = (DEPLOY / "bimtek-cli").read_text(encoding="utf-8")
    assert script.startswith("#!/bin/sh")
    assert "env_file=/etc/bimtek/$name.env" in script and "set -a" in script
    assert (DEPLOY / "bimtek-cli").stat().st_mode & 0o111
