"""Guanjia's settings for development and the embedded (SQLite) install.

`production.py` hardens them, `test.py` speeds them up. All environment reads are in `env.py`.
"""

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from guanjia.settings import env

BASE_DIR = env.PACKAGE_DIR
DATA_DIR = env.DATA_DIR
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env.secret_key(required=False)
DEBUG = env.DEBUG
ALLOWED_HOSTS = env.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = env.CSRF_TRUSTED_ORIGINS

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "csp",
    "auditlog",
    "rules.apps.AutodiscoverRulesConfig",
    "guanjia.core",
    "guanjia.org",
    "guanjia.accounts",
    "guanjia.enterprises",
    "guanjia.projects",
    "guanjia.workflow",
    "guanjia.requests",
    "guanjia.meetings",
    "guanjia.approvals",
    "guanjia.promotion",
    "guanjia.targets",
    "guanjia.notifications",
    "guanjia.reports",
    "guanjia.search",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "guanjia.core.middleware.UploadLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "guanjia.accounts.middleware.SessionPolicyMiddleware",  # idle timeout, forced password change
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "guanjia.core.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "guanjia.urls"
WSGI_APPLICATION = "guanjia.wsgi.application"

# Django's renderer, with a select's options written out in Python (guanjia/core/renderers.py).
FORM_RENDERER = "guanjia.core.renderers.FormRenderer"
# A list's filter that is not set reads 全部 ("any"), not Django's "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("全部")
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "guanjia.core.context_processors.navigation",
                "guanjia.notifications.context_processors.unread",
            ],
        },
    },
]


def _databases() -> dict:
    if env.DATABASE_URL:
        # A connection kept for the next request (CONN_MAX_AGE) belongs to the thread that opened it: safe
        # where the threads are a fixed pool (gunicorn's gthread workers, run_huey's workers), a leak under a
        # server that starts a thread per connection (runserver held 98 of 100 PostgreSQL connections). So
        # each request closes its own unless the operator turns them on (README, Deployment on PostgreSQL).
        max_age = env.DB_CONN_MAX_AGE
        db = dj_database_url.parse(env.DATABASE_URL, conn_max_age=max_age, conn_health_checks=max_age > 0)
    else:
        db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "guanjia.sqlite3")}
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while one writer writes; IMMEDIATE makes concurrent
        # writers queue for the lock instead of failing with "database is locked".
        db["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        db.pop("CONN_MAX_AGE", None)
        db.pop("CONN_HEALTH_CHECKS", None)
    return {"default": db}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "guanjia.org.auth.ModelBackend",  # Django's, reading the person's zone along
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": env.PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "guanjia.accounts.validators.CharacterClassesValidator"},
    {"NAME": "guanjia.accounts.validators.PasswordHistoryValidator"},
]
GUANJIA_PASSWORD_MIN_CLASSES = env.PASSWORD_MIN_CLASSES
GUANJIA_PASSWORD_HISTORY = env.PASSWORD_HISTORY

# Sign-in: failures counted per account and per real client address (behind the proxies named here),
# one lock-out for the web and the API; API tokens (django-rest-knox, stored hashed) expire.
GUANJIA_TRUSTED_PROXIES = env.TRUSTED_PROXIES
GUANJIA_PROXY_COUNT = env.PROXY_COUNT
GUANJIA_LOGIN_MAX_FAILURES = env.LOGIN_MAX_FAILURES
GUANJIA_LOGIN_ADDRESS_MAX_FAILURES = env.LOGIN_ADDRESS_MAX_FAILURES
GUANJIA_LOGIN_LOCK_MINUTES = env.LOGIN_LOCK_MINUTES
GUANJIA_TOKEN_HOURS = env.TOKEN_HOURS
GUANJIA_SESSION_IDLE_MINUTES = env.SESSION_IDLE_MINUTES
GUANJIA_SIGN_IN_LOG_DAYS = env.SIGN_IN_LOG_DAYS
GUANJIA_DEMO = env.DEMO
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations create its default token table even when the model is swapped for ours.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {"TOKEN_MODEL": "accounts.ApiToken", "TOKEN_TTL": None, "AUTO_REFRESH": False}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env.LANGUAGE_CODE
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.TIME_ZONE
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# The embedded install serves static files straight from the app folders (no collectstatic step);
# production serves the collected, hashed files only.
WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: a roster of 10 000 rows is ~1 MB; anything far larger is refused with a message.
GUANJIA_UPLOAD_MAX_BYTES = env.UPLOAD_MAX_MB * 1024 * 1024
# Links in e-mails and group-robot messages (e.g. https://guanjia.example.gov.cn); none without it.
GUANJIA_SITE_URL = env.SITE_URL
GUANJIA_NOTIFY_EMAIL = env.NOTIFY_EMAIL
# The nightly backup (guanjia.core.tasks): its folder, how many archives it keeps, its local hour (None: off).
GUANJIA_BACKUP_DIR = env.BACKUP_DIR
GUANJIA_BACKUP_KEEP = env.BACKUP_KEEP
GUANJIA_BACKUP_HOUR = env.BACKUP_HOUR
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# A file cache shared by every worker process (the sign-in lock-out counts in the database instead).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy on every answer (django-csp): scripts, styles, fonts, images and calls from this server
# only; no inline script, on…= handler or style attribute anywhere. The API docs' <style> elements (their pages'
# own, Redoc's styled-components) carry the per-response nonce, which the header then names; an answer that uses
# no nonce names none. A view that needs more says so with csp.decorators.csp_update (Redoc, in api_urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if env.EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.EMAIL_HOST or "localhost"
EMAIL_PORT = env.EMAIL_PORT
EMAIL_HOST_USER = env.EMAIL_HOST_USER
EMAIL_HOST_PASSWORD = env.EMAIL_HOST_PASSWORD
EMAIL_USE_TLS = env.EMAIL_USE_TLS
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",  # `Authorization: Token <t>` (API.md)
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "guanjia.accounts.permissions.PasswordIsCurrent",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "guanjia.core.parsers.JSONParser",  # DRF's, with a 400 for a body nested too deep
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "guanjia.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "guanjia.core.schema.AutoSchema",  # documents the error answers too
    "EXCEPTION_HANDLER": "guanjia.core.api.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Guanjia (管家) API",
    "DESCRIPTION": "Enterprise-service platform for high-tech and development zones.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # OpenAPI links from each object made to the operations on it (clients and the stateful schema test).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "guanjia.core.schema.add_links"],
    "ENUM_NAME_OVERRIDES": {
        "RequestStatusEnum": "guanjia.requests.choices.Status",
        "UnitTaskStatusEnum": "guanjia.requests.choices.UnitTaskStatus",
        "MeetingStatusEnum": "guanjia.meetings.choices.Status",
        "ActionItemStatusEnum": "guanjia.meetings.choices.ItemStatus",
        "MeetingKindEnum": "guanjia.meetings.choices.Kind",
        "NotificationKindEnum": "guanjia.notifications.choices.Kind",
        "SuspendReasonEnum": "guanjia.requests.choices.SuspendReason",
        "TargetKindEnum": "guanjia.targets.choices.TargetKind",
        "ApprovalStatusEnum": "guanjia.approvals.choices.Status",
        "ApprovalStageEnum": "guanjia.approvals.choices.ApprovalStage",
        "ProjectStageEnum": "guanjia.projects.choices.Stage",
        "ProjectTypeEnum": "guanjia.projects.choices.ProjectType",
        "WorkItemStatusEnum": "guanjia.promotion.choices.WorkItemStatus",
        "HandbookStatusEnum": "guanjia.approvals.choices.HandbookStatus",
    },
}

# Background jobs and schedules: one SqliteHuey consumer (`guanjia run_huey`) by default; set
# GUANJIA_HUEY_IMMEDIATE for tests. Always set, or huey falls back to Redis.
HUEY = {
    "huey_class": "guanjia.notifications.queue.WalSqliteHuey",
    "name": "guanjia",
    "filename": str(DATA_DIR / "huey.sqlite3"),
    "immediate": False,
    "utc": True,
    "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
}

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "guanjia": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # run_huey gives the huey logger its own handler; without this every line printed twice.
        "huey": {"level": "INFO", "propagate": False},
    },
}
