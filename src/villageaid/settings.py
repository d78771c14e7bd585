"""One settings module; every value comes from an environment variable.

Production-safe defaults apply whenever ``DEBUG`` is off: a missing
``SECRET_KEY`` or PII key is a start-up error rather than a silent default.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
TESTING = envbool("VILLAGEAID_TESTING", "pytest" in sys.modules)
DATA_DIR = Path(env("VILLAGEAID_DATA_DIR", str(Path.cwd() / "var"))).resolve()


# `villageaid COMMAND --help` builds a parser and serves nothing: placeholders will do.
HELP_ONLY = envbool("VILLAGEAID_HELP_ONLY")


class MissingSetting(ImproperlyConfigured):
    """Required environment variables are unset; the console script prints one line (exit 2)."""

    def __init__(self, variables: list[str]) -> None:
        self.variables = variables
        super().__init__(f"{', '.join(variables)} must be set when DEBUG is off (see .env.example)")


_MISSING = [name for name in ("SECRET_KEY", "PII_ENCRYPTION_KEYS", "PII_HASH_KEY") if not env(name)]
if _MISSING and not (DEBUG or TESTING or HELP_ONLY):
    raise MissingSetting(_MISSING)


def _secret(name: str, dev_default: str) -> str:
    return env(name) or dev_default


# Development defaults only: refused above unless DEBUG, tests or help.
SECRET_KEY = _secret("SECRET_KEY", "dev-only-insecure-secret-key-change-me")
# PII_ENCRYPTION_KEYS: comma-separated Fernet keys, newest first (rotation).
PII_ENCRYPTION_KEYS = envlist(
    "PII_ENCRYPTION_KEYS",
    _secret("PII_ENCRYPTION_KEYS", "ZGV2LW9ubHktcGlpLWtleS0zMi1ieXRlcy1sb25nISE="),
)
PII_HASH_KEY = _secret("PII_HASH_KEY", "dev-only-pii-hash-key")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "ninja",  # the API docs' Swagger UI from our own static files, not a CDN
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "villageaid.core",
    "villageaid.accounts",
    "villageaid.policy",
    "villageaid.registry",
    "villageaid.screening",
    "villageaid.cases",
    "villageaid.visits",
    "villageaid.greenhouse",
    "villageaid.sales",
    "villageaid.epidemic",
    "villageaid.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "villageaid.core.csp.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "villageaid.urls"
WSGI_APPLICATION = "villageaid.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "villageaid.core.context_processors.navigation",
            ],
        },
    }
]

DATABASE_URL = env("DATABASE_URL")
if not DATABASE_URL:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{DATA_DIR / 'villageaid.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # A second connection to the same database for job progress written from inside a long
    # transaction (a roster commit), so the page sees it move (core/progress.py).
    DATABASES["progress"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock a username+IP after repeated failures.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "villageaid.core.net.client_ip"

CSRF_FAILURE_VIEW = "villageaid.core.error_views.csrf_failure"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Files browsers ask for at the site's root (/favicon.ico), served as they are.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
WHITENOISE_AUTOREFRESH = DEBUG

# Cookies and transport: secure unless explicitly running plain HTTP (demo, tests).
HTTPS = envbool("HTTPS", not DEBUG and not TESTING and not envbool("VILLAGEAID_DEMO"))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
# Sessions read from the per-process cache, written through to the database.
# Sessions in the database only: with "cached_db" and the per-process cache, a logout in one
# server worker left the session alive in the others' caches.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = HTTPS and envbool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY") else None
# The proxies whose X-Forwarded-For is believed for the client's address (core/net.py).
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", "127.0.0.1,::1" if envbool("BEHIND_PROXY") else "")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Roster imports (registry/roster/limits.py): a file over a cap is refused before it is read,
# with a message naming the cap. Memory stays under ~300 MB at these defaults.
ROSTER_MAX_UPLOAD_MB = envint("ROSTER_MAX_UPLOAD_MB", 50)
ROSTER_MAX_ROWS = envint("ROSTER_MAX_ROWS", 110_000)
ROSTER_MAX_COLUMNS = envint("ROSTER_MAX_COLUMNS", 256)
ROSTER_MAX_UNCOMPRESSED_MB = envint("ROSTER_MAX_UNCOMPRESSED_MB", 512)
ROSTER_MAX_SHARED_STRINGS_MB = envint("ROSTER_MAX_SHARED_STRINGS_MB", 48)
ROSTER_MAX_SHARED_STRINGS = envint("ROSTER_MAX_SHARED_STRINGS", 600_000)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "imports", "screening", "reports"],
    }
}

MQTT_URL = env("MQTT_URL", "mqtt://127.0.0.1:1883")
MQTT_TOPIC_PREFIX = env("MQTT_TOPIC_PREFIX", "villageaid")
# Greenhouse readings: raw rows kept this many days once rolled up; rollups kept longer.
GREENHOUSE_RAW_DAYS = envint("GREENHOUSE_RAW_DAYS", 30)
GREENHOUSE_ROLLUP_5MIN_DAYS = envint("GREENHOUSE_ROLLUP_5MIN_DAYS", 400)
GREENHOUSE_ROLLUP_HOUR_DAYS = envint("GREENHOUSE_ROLLUP_HOUR_DAYS", 3660)
# A reading stamped more than this many seconds after its receipt is refused and counted.
GREENHOUSE_MAX_FUTURE_SECONDS = envint("GREENHOUSE_MAX_FUTURE_SECONDS", 300)
WEBHOOK_TIMEOUT_SECONDS = envint("WEBHOOK_TIMEOUT_SECONDS", 5)
# Group-robot webhooks (WeCom / DingTalk) for escalations and alerts, comma-separated.
WEBHOOK_URLS = envlist("WEBHOOK_URLS")

# Screening on Spark (--engine spark): the session is built from these alone
# (screening.engine.spark.SparkSettings; empty = the default shown). SPARK_MASTER is local[*],
# spark://host:7077 (scripts/spark-cluster.sh), yarn or k8s://...; SPARK_SHARED_DIR is a
# directory at the same path on the driver and every executor (docs/spark.md).
SPARK_MASTER = env("SPARK_MASTER") or "local[*]"
SPARK_DRIVER_MEMORY = env("SPARK_DRIVER_MEMORY") or "4g"
SPARK_EXECUTOR_MEMORY = env("SPARK_EXECUTOR_MEMORY")
SPARK_EXECUTOR_CORES = envint("SPARK_EXECUTOR_CORES", 0)
SPARK_SHARED_DIR = env("SPARK_SHARED_DIR")

LOGGING_CONFIG = "villageaid.core.logging.configure"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_pii": {"()": "villageaid.core.logging.RedactIdNumbers"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_pii"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The embedded demo broker narrates every state change at INFO.
        "amqtt": {"level": "WARNING"},
        "transitions": {"level": "WARNING"},
    },
}
