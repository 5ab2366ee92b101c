"""The one place where Guanjia reads its environment.

Every setting that an operator may change is read here, with its default, so that
`README.md` (Configuration) and this file are the whole story.
"""

import os
import secrets
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
_CHECKOUT = PACKAGE_DIR.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    return int(value) if value else default


def _default_data_dir() -> Path:
    # A source checkout keeps its data beside the code (`var/`, git-ignored);
    # an installed package keeps it in the user's data directory.
    if (_CHECKOUT / "pyproject.toml").exists():
        return _CHECKOUT / "var"
    return Path.home() / ".local" / "share" / "guanjia"


DATA_DIR = Path(env_str("GUANJIA_DATA_DIR") or _default_data_dir()).resolve()
DEBUG = env_bool("GUANJIA_DEBUG", False)
DATABASE_URL = env_str("DATABASE_URL")
DB_CONN_MAX_AGE = env_int("GUANJIA_DB_CONN_MAX_AGE", 0)
ALLOWED_HOSTS = env_list("GUANJIA_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("GUANJIA_CSRF_TRUSTED_ORIGINS")
TIME_ZONE = env_str("GUANJIA_TIME_ZONE", "Asia/Shanghai")
LANGUAGE_CODE = env_str("GUANJIA_LANGUAGE", "zh-hans")
EMAIL_HOST = env_str("GUANJIA_EMAIL_HOST")
EMAIL_PORT = env_int("GUANJIA_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("GUANJIA_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("GUANJIA_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("GUANJIA_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("GUANJIA_EMAIL_FROM", "guanjia@localhost")
UPLOAD_MAX_MB = env_int("GUANJIA_UPLOAD_MAX_MB", 20)
SITE_URL = env_str("GUANJIA_SITE_URL").rstrip("/")
NOTIFY_EMAIL = env_bool("GUANJIA_NOTIFY_EMAIL", True)
SECURE_SSL_REDIRECT = env_bool("GUANJIA_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("GUANJIA_HSTS_SECONDS", 31536000)
# The nightly backup (`guanjia.core.tasks`): where its archives go, how many are kept, at which local hour
# it runs ("off" turns it off).
BACKUP_DIR = Path(env_str("GUANJIA_BACKUP_DIR") or DATA_DIR / "backups").resolve()
BACKUP_KEEP = env_int("GUANJIA_BACKUP_KEEP", 7)
BACKUP_HOUR = None if env_str("GUANJIA_BACKUP_HOUR").lower() == "off" else env_int("GUANJIA_BACKUP_HOUR", 2)


def secret_key_path(data_dir: Path) -> Path:
    """The file that keeps the generated secret key in a data directory (a backup carries it along)."""
    return data_dir / "secret_key"

# Sign-in (README, Configuration: "Sign-in and passwords").
TRUSTED_PROXIES = env_list("GUANJIA_TRUSTED_PROXIES")
PROXY_COUNT = env_int("GUANJIA_PROXY_COUNT", 0)
LOGIN_MAX_FAILURES = env_int("GUANJIA_LOGIN_MAX_FAILURES", 5)
LOGIN_ADDRESS_MAX_FAILURES = env_int("GUANJIA_LOGIN_ADDRESS_MAX_FAILURES", 30)
LOGIN_LOCK_MINUTES = env_int("GUANJIA_LOGIN_LOCK_MINUTES", 15)
TOKEN_HOURS = env_int("GUANJIA_TOKEN_HOURS", 7 * 24)
SESSION_IDLE_MINUTES = env_int("GUANJIA_SESSION_IDLE_MINUTES", 30)
PASSWORD_MIN_LENGTH = env_int("GUANJIA_PASSWORD_MIN_LENGTH", 10)
PASSWORD_MIN_CLASSES = env_int("GUANJIA_PASSWORD_MIN_CLASSES", 3)
PASSWORD_HISTORY = env_int("GUANJIA_PASSWORD_HISTORY", 5)
SIGN_IN_LOG_DAYS = env_int("GUANJIA_SIGN_IN_LOG_DAYS", 365)
# Set by `guanjia demo` for the servers it starts: the demo accounts keep their shared password there.
DEMO = env_bool("GUANJIA_DEMO", False)


def secret_key(*, required: bool) -> str:
    """`GUANJIA_SECRET_KEY`, or (outside production) a key kept in the data directory."""
    key = env_str("GUANJIA_SECRET_KEY")
    if key:
        return key
    if required:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("GUANJIA_SECRET_KEY must be set in production (50+ random characters).")
    path = secret_key_path(DATA_DIR)
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()
