"""Settings for the test suite: the project's settings with test-only defaults.

The environment still decides the database and the broker (CI points them at PostgreSQL and Redis).
"""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-with-enough-length-and-variety-0123456789")
# Playwright runs an event loop in the test thread; Django must still allow the live server's DB access.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test"))

from enforcement.settings import *  # noqa: F403

# Plain storage: pages rendered by the live server in browser tests need no collectstatic.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Fast hashing: tests create many users; production keeps Django's default PBKDF2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
# Tests sign in at the session's clock (TEST_TODAY or today) and many then travel to a fixed date, weeks
# away: Django's two-week session would have expired there and the page answer a redirect to sign-in.
# How long a staff session lasts is not what any test is about; the parties' 30-minute access is
# portal.proof's own clock and unaffected.
SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: concurrent-filing tests then see SQLite's real locking
    # (busy timeout and IMMEDIATE transactions) instead of "table is locked" errors.
    # One file per run, so two runs at once on one machine do not share it (it is removed afterwards).
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Commits need not wait for the disk in tests (a crash loses a test database, nothing else): the live
    # server, concurrency and flush-heavy transactional tests commit on every statement.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
