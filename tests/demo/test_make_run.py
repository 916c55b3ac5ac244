"""`make run` points the links of its notifications (``SITE_URL``) where it serves: ``HOST`` and ``PORT``.

It used to pass HOST and PORT to the web server only, so with ``PORT=9000`` the notices still linked to
port 8000. Make runs here for real, with stand-ins for the virtualenv's programs (python, pip, honcho) that
record the environment each was started with, so nothing is installed, migrated or served.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECORD = """#!/bin/sh
echo "$(basename "$0") SITE_URL=$SITE_URL HOST=$HOST PORT=$PORT" >> "{log}"
"""

MAKE = shutil.which("make") or "make"
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def make_run(tmp_path: Path, *args: str, **env: str) -> list[str]:
    """The lines the stand-ins recorded, in order, after ``make run ARGS`` with ``env`` added."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "log"
    for program in ("python", "pip", "honcho"):
        path = bin_dir / program
        path.write_text(RECORD.format(log=log))
        path.chmod(0o755)
    environment = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT"}} | env
    subprocess.run(  # noqa: S603 - our own make, our own arguments
        [MAKE, "--no-print-directory", "run", f"BIN={bin_dir}", f"STAMP={tmp_path / 'installed'}", *args],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        timeout=60,
    )
    return log.read_text().splitlines()


def test_port_and_host_reach_the_links(tmp_path):
    lines = make_run(tmp_path, "HOST=127.0.0.2", "PORT=9123")
    started = [line for line in lines if not line.startswith("pip ")]
    assert [line.split()[0] for line in started] == ["python", "python", "honcho"]  # migrate, seed, serve
    for line in started:
        assert line.split()[1:] == ["SITE_URL=http://127.0.0.2:9123", "HOST=127.0.0.2", "PORT=9123"]


def test_the_defaults_are_127_0_0_1_and_8000(tmp_path):
    assert make_run(tmp_path)[-1] == "honcho SITE_URL=http://127.0.0.1:8000 HOST=127.0.0.1 PORT=8000"


def test_a_server_on_every_address_links_to_127_0_0_1(tmp_path):
    assert make_run(tmp_path, "HOST=0.0.0.0", "PORT=8080")[-1] == (
        "honcho SITE_URL=http://127.0.0.1:8080 HOST=0.0.0.0 PORT=8080"
    )


def test_a_site_url_given_is_kept(tmp_path):
    last = make_run(tmp_path, "PORT=9000", SITE_URL="https://zxzx.court.example")[-1]
    assert last == "honcho SITE_URL=https://zxzx.court.example HOST=127.0.0.1 PORT=9000"


def test_the_environment_works_as_well_as_arguments(tmp_path):
    assert (
        make_run(tmp_path, PORT="9001")[-1]
        == "honcho SITE_URL=http://127.0.0.1:9001 HOST=127.0.0.1 PORT=9001"
    )
