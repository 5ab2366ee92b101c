"""Tests: fast hashing, in-memory e-mail, and the same database choice as base (DATABASE_URL for PostgreSQL)."""

from guanjia.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "zh-hans"
DEBUG = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
HUEY = {**HUEY, "immediate": True}  # noqa: F405  (tasks run in-process; in-memory storage)
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="guanjia-test-media-")

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as in production (WAL, IMMEDIATE, busy timeout): the in-memory shared-cache database
    # answers "table is locked" at once where the real one makes a second writer wait its turn.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / "guanjia-test.sqlite3")}  # noqa: F405
else:
    # The browser tests' live server answers from threads; a connection kept open there for reuse
    # (CONN_MAX_AGE) is the likely reason PostgreSQL now and then refused to drop a test database at
    # the end of a run ("being accessed by other users", a warning only; not reproduced on demand).
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
