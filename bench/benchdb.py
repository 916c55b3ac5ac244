"""What the benchmarks share: a PostgreSQL database of their own, Django set up on it, SQL helpers.

Safety first: a bench runs only against PostgreSQL, on a database whose name contains "bench", which it
creates itself and marks with a table; it never touches a database it did not create.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent


# --- Safety and the database ---------------------------------------------------------------------------


def _database_url() -> tuple[str, dict[str, Any]]:
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        sys.exit("Refusing to run: DATABASE_URL must be a PostgreSQL URL (postgres://...).")
    name = unquote(parts.path.lstrip("/"))
    if "bench" not in name:
        sys.exit(f"Refusing to run: the database name {name!r} must contain 'bench'.")
    params: dict[str, Any] = {"host": parts.hostname or "localhost", "port": parts.port or 5432}
    if parts.username:
        params["user"] = unquote(parts.username)
    if parts.password:
        params["password"] = unquote(parts.password)
    return name, params


def connect(dbname: str = "postgres") -> psycopg.Connection:
    _name, params = _database_url()
    return psycopg.connect(dbname=dbname, autocommit=True, **params)


def prepare_database(marker: str) -> None:
    """Create the bench database, or refuse if one of that name exists that a bench did not create.

    ``marker`` is the table a bench script leaves in its database to recognise it later.
    """
    name, _params = _database_url()
    with connect() as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            with connect(name) as db:
                marked = db.execute("SELECT to_regclass(%s) IS NOT NULL", [marker]).fetchone()
            if not (marked and marked[0]):
                sys.exit(
                    f"Refusing to run: database {name!r} exists and was not created by this script "
                    f"(no {marker} table). Drop it yourself or choose another name."
                )
            print(f"dropping the leftover bench database {name!r} (created by this script)")
            admin.execute(f'DROP DATABASE "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    with connect(name) as db:
        db.execute(f"CREATE TABLE {marker} (created_at timestamptz NOT NULL DEFAULT now())")
        db.execute(f"INSERT INTO {marker} DEFAULT VALUES")


def drop_database() -> None:
    from django.db import connections

    connections.close_all()
    name, _params = _database_url()
    with connect() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    print(f"dropped the bench database {name!r}")


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "enforcement.settings"
    os.environ["DEBUG"] = "true"
    # The test client's host, for benches that request pages.
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # the scan logs a line per run at INFO
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# --- Timing helpers --------------------------------------------------------------------------------------


@contextmanager
def timed(into: list[float]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    into.append(time.perf_counter() - start)


def execute(sql: str, params: dict[str, Any] | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def scalar(sql: str, params: dict[str, Any] | None = None) -> Any:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


@contextmanager
def without_fk_checks() -> Iterator[None]:
    """For the fill only: the rows are consistent by construction, so skip the million FK trigger calls.

    ``session_replication_role = replica`` turns off the (deferred) foreign key triggers of this session;
    it needs a superuser, as on the bench machine. Never on during a measurement.
    """
    execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        execute("SET session_replication_role = DEFAULT")


@contextmanager
def indexes_built_after(*tables: str) -> Iterator[None]:
    """For the fill only: drop the tables' plain indexes, insert, then build them again.

    Keeping ten indexes up to date row by row is what makes a million-row INSERT slow (random inserts
    into B-trees larger than shared_buffers); building them afterwards is several times faster and
    gives the same indexes. Indexes behind a constraint (primary key, unique) stay.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[])
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [list(tables)],
        )
        definitions = cursor.fetchall()
        for name, _definition in definitions:
            cursor.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in definitions:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")


def vacuum(*tables: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
        cursor.execute("CHECKPOINT")
