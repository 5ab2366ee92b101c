"""Production: PostgreSQL via DATABASE_URL behind HTTPS. `guanjia check --deploy` is clean with these."""

from guanjia.settings import env
from guanjia.settings.base import *  # noqa: F403

SECRET_KEY = env.secret_key(required=True)
DEBUG = False

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

WHITENOISE_USE_FINDERS = False

SECURE_SSL_REDIRECT = env.SECURE_SSL_REDIRECT
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.SECURE_HSTS_SECONDS
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is the operator's decision, not ours

LOGGING["root"]["level"] = "INFO"  # noqa: F405
