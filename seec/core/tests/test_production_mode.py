"""Production mode: refuses to start unsafely, and Django's deployment check is clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
REAL_SECRET = "k3Jx9-" + "Qw8eRt5yUi2oPa7sDf4gHj1kLz6xCv0bNm" + "_u8TgBq3WnEzA5"


def manage(*args, env_overrides, tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "SEEC_FILE_KEY"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="seec.settings",
        SEEC_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env_overrides,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "SEEC_ENV": "production",
    "SECRET_KEY": REAL_SECRET,
    "ALLOWED_HOSTS": "seec.example.org",
    "SEEC_FILE_KEY": "bXkgZmlsZSBrZXkgaXMgdGhpcnR5LXR3byBieXRlcyE=",
}


def test_deploy_check_reports_nothing_in_production_mode(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"SECRET_KEY": ""}, "real SECRET_KEY"),
        ({"SECRET_KEY": "django-insecure-" + "a" * 50}, "real SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"DEBUG": "true"}, "DEBUG"),
        ({"SEEC_FILE_KEY": ""}, "SEEC_FILE_KEY"),
        ({"SEEC_FILE_KEY": ""}, "SEEC_FILE_KEY"),
    ],
)
def test_production_refuses_to_start_without_real_settings(tmp_path, overrides, complaint):
    result = manage("check", env_overrides={**PRODUCTION, **overrides}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert complaint in result.stderr


def test_production_limits_idle_sessions_and_requires_second_factor(tmp_path):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_AGE, s.SEEC_REQUIRE_SECOND_FACTOR, s.SESSION_COOKIE_SECURE)",
        env_overrides=PRODUCTION,
        tmp_path=tmp_path,
    )
    assert result.stdout.split() == ["900", "True", "True"], result.stderr


def test_demo_seed_refuses_production(tmp_path):
    manage("migrate", "--noinput", env_overrides=PRODUCTION, tmp_path=tmp_path)
    result = manage("seed_demo", env_overrides=PRODUCTION, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "refuses to run in production" in result.stderr
