"""The deployment: docker-compose.yml, the production settings and their refusals, and the health check.

Settings are read once per process, so the production configuration and its refusals are checked in a
child Python process with an environment built for each case.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.test import Client
from kombu import Connection

from enforcement import views

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
# What a child process keeps of this one's environment: nothing the settings (or the test settings, which
# set DEBUG, SECRET_KEY, VAR_DIR and DJANGO_ALLOW_ASYNC_UNSAFE) read, only what a shell session needs.
INHERITED_VARIABLES = {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "SYSTEMROOT"}
UNREACHABLE_BROKER = "redis://127.0.0.1:1//"


def production_env(var_dir: Path, **overrides: str) -> dict[str, str]:
    """A clean environment for a production process: DEBUG off, a real key, a host name, no services."""
    env = {
        key: value for key, value in os.environ.items() if key in INHERITED_VARIABLES or key.startswith("LC_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="enforcement.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters
        ALLOWED_HOSTS="court.example.cn",
        VAR_DIR=str(var_dir),
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value != ""}


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def start_django(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_python(["-c", "import django; django.setup()"], env)


def load_compose() -> dict[str, Any]:
    with COMPOSE_FILE.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


# --- docker-compose.yml -----------------------------------------------------------------------------------


def test_docker_compose_file_follows_the_compose_specification() -> None:
    check_jsonschema = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(  # noqa: S603
        [str(check_jsonschema), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_postgres_redis_web_worker_beat_and_a_migration_job() -> None:
    services = load_compose()["services"]
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= set(services)
    assert "version" not in load_compose()
    web = services["web"]
    assert web["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert web["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert web["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert "healthz" in " ".join(web["healthcheck"]["test"])
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]


@pytest.mark.parametrize("name", ["worker", "beat", "migrate"])
def test_worker_beat_and_migrate_run_the_web_image_with_the_web_environment(name: str) -> None:
    services = load_compose()["services"]
    web, other = services["web"], services[name]
    assert other["build"] == web["build"]
    assert other["image"] == web["image"]
    assert other["environment"] == web["environment"]
    assert other["command"] != web["command"]


def test_compose_runs_the_application_in_production_mode_behind_a_tls_proxy() -> None:
    environment = load_compose()["services"]["web"]["environment"]
    assert environment["DEBUG"] == "false"
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["CELERY_BROKER_URL"].startswith("redis://")
    assert environment["SECURE_SSL_REDIRECT"] == "false"
    assert environment["TRUST_X_FORWARDED_PROTO"] == "true"


def test_beat_keeps_its_schedule_in_the_writable_var_directory() -> None:
    command = load_compose()["services"]["beat"]["command"]
    assert command[command.index("--schedule") + 1] == "/app/var/celerybeat-schedule"


# --- Production settings ----------------------------------------------------------------------------------


def test_production_configuration_passes_the_deployment_checks(tmp_path: Path) -> None:
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path / "var")
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off(tmp_path: Path) -> None:
    result = start_django(production_env(tmp_path / "var", SECRET_KEY=""))
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr


def test_settings_refuse_to_start_without_allowed_hosts_when_debug_is_off(tmp_path: Path) -> None:
    result = start_django(production_env(tmp_path / "var", ALLOWED_HOSTS=""))
    assert result.returncode != 0
    assert "ImproperlyConfigured: ALLOWED_HOSTS must be set" in result.stderr


def test_settings_refuse_a_database_other_than_postgresql_or_sqlite(tmp_path: Path) -> None:
    env = production_env(tmp_path / "var", DATABASE_URL="mysql://court:secret@127.0.0.1:3306/enforcement")
    result = start_django(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL must point at PostgreSQL" in result.stderr


def test_settings_refuse_a_broker_other_than_redis_or_the_filesystem(tmp_path: Path) -> None:
    result = start_django(production_env(tmp_path / "var", CELERY_BROKER_URL="amqp://guest@127.0.0.1:5672//"))
    assert result.returncode != 0
    assert "ImproperlyConfigured: CELERY_BROKER_URL must be redis://" in result.stderr


def test_production_settings_start_with_everything_they_need(tmp_path: Path) -> None:
    """The refusals above fail for their own reason, not because the child process cannot start at all."""
    result = start_django(production_env(tmp_path / "var"))
    assert result.returncode == 0, result.stderr


# --- Health check -----------------------------------------------------------------------------------------


def test_healthz_answers_ok_when_database_and_broker_answer(client: Client, db: None) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.redis
def test_healthz_checks_the_redis_broker_when_one_is_configured(client: Client, db: None) -> None:
    assert views.celery_app.conf.broker_url == settings.CELERY_BROKER_URL
    with views.celery_app.connection_for_write() as connection:
        assert connection.transport_cls in {"redis", "rediss"}
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_healthz_answers_503_when_the_broker_is_unreachable(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views.celery_app, "connection_for_write", lambda: Connection(UNREACHABLE_BROKER))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "down"}
