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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: concurrent-filing tests then see SQLite's real locking
    # (busy timeout and IMMEDIATE transactions) instead of "table is locked" errors.
    # One file per run, so two runs at once on one machine do not share it (it is removed afterwards).
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
