"""Tests: fast hashing, in-memory e-mail, and the same database choice as base (DATABASE_URL for PostgreSQL)."""

from guanjia.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "zh-hans"
DEBUG = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
HUEY = {**HUEY, "immediate": True}  # noqa: F405  (tasks run in-process; in-memory storage)
import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="guanjia-test-media-")
