"""The settings module fails loudly on bad values, and production settings pass Django's
deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_django(args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false"),
        ("SESSION_IDLE_SECONDS", "soon", "SESSION_IDLE_SECONDS must be a whole number"),
        ("ALLIED_ENVIRONMENT", "staging", "ALLIED_ENVIRONMENT must be development or production"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL must start with redis://"),
    ],
)
def test_a_bad_setting_stops_the_process_with_a_message_naming_it(variable, value, message):
    result = run_django(["check"], **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_needs_a_secret_key():
    result = run_django(
        ["check"], ALLIED_ENVIRONMENT="production", ALLOWED_HOSTS="allied.example.nhs.uk"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_settings_pass_the_deployment_checks():
    result = run_django(
        ["check", "--deploy", "--fail-level", "WARNING"],
        ALLIED_ENVIRONMENT="production",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-0123456789-abcdefgh",
        ALLOWED_HOSTS="allied.example.nhs.uk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


ASKS_AS_HTTPS = (
    "from django.test import Client; "
    "print(Client().get('/about/', HTTP_HOST='allied.example.nhs.uk', "
    "HTTP_X_FORWARDED_PROTO='https').status_code)"
)
PRODUCTION_ENV = {
    "ALLIED_ENVIRONMENT": "production",
    "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-0123456789-abcdefgh",
    "ALLOWED_HOSTS": "allied.example.nhs.uk",
}


def test_x_forwarded_proto_is_not_believed_unless_a_trusted_proxy_is_configured():
    """A client on plain HTTP that claims HTTPS in the header is still sent to HTTPS."""
    result = run_django(["shell", "-c", ASKS_AS_HTTPS], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "301"


def test_a_trusted_proxy_s_x_forwarded_proto_is_believed():
    result = run_django(["shell", "-c", ASKS_AS_HTTPS], TRUSTED_PROXY="true", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "200"
