import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "production-like-secret-key-for-the-check-only-0123456789",
    "ALLOWED_HOSTS": "hazari.example.gov.in",
    "DJANGO_SETTINGS_MODULE": "hazari.settings",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    skip = {*PRODUCTION, "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in skip}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "ture", "DEBUG='ture' is not a yes/no value"),
        ("TIME_ZONE", "Mars/Olympus", "not a known time zone"),
        ("SECRET_KEY", "short", "at least 50"),
        ("AXES_FAILURE_LIMIT", "many", "not a whole number"),
        ("LANGUAGE_CODE", "fr", "must be one of hi, en"),
    ],
)
def test_bad_settings_stop_the_start(name, value, message):
    result = run_manage("check", **{**PRODUCTION, name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_missing_secret_key_in_production_stops_the_start():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_defaults_are_hindi_and_india_time():
    assert settings.LANGUAGE_CODE == "hi"
    assert settings.TIME_ZONE == "Asia/Kolkata"


@pytest.mark.django_db
def test_no_pending_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
