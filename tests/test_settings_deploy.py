"""Production settings, checked the way a deployment starts them."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# These run in a child process against their own database; a plain marker
# spares them the flush that every transactional test pays.
pytestmark = pytest.mark.django_db


def _manage(*args, tmp_path, **overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "EMAIL_", "CACHE_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "kommo2fa.settings",
            "DEBUG": "off",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "example.com",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
            "EMAIL_URL": "smtp://localhost:25",
        }
    )
    env.update(overrides)
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_deploy_with_production_environment_reports_no_issues(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "DEBUG", tmp_path=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_settings_without_secret_key_in_production_refuse_to_start(tmp_path):
    result = _manage("check", tmp_path=tmp_path, SECRET_KEY=None)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
