"""Allied's one settings module: every value that differs between machines comes from the
environment, and a bad value stops the process with a message naming the variable.

ALLIED_ENVIRONMENT is `development` (the default: DEBUG on, SQLite, a local secret key kept
under var/) or `production` (DEBUG off, SECRET_KEY and ALLOWED_HOSTS required, HTTPS only).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ALLIED_VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no), not {value!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


ENVIRONMENT = env_str("ALLIED_ENVIRONMENT", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"ALLIED_ENVIRONMENT must be development or production, not {ENVIRONMENT!r}."
    )
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when ALLIED_ENVIRONMENT is production.")


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        if PRODUCTION and len(key) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    # A development machine keeps its own random key outside the repository.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "allied.web",
    "allied.accounts",
    "allied.audit",
    "allied.workshops",
    "allied.programmes",
    "allied.matching",
    "allied.mentoring",
    "allied.circles",
    "allied.allyship",
    "allied.reports",
    "allied.consensus",
    "allied.rights",
    "allied.picture",
    "allied.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "allied.accounts.middleware.ApiErrorsMiddleware",
    "allied.web.outage.DatabaseOutageMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allied.accounts.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "allied.accounts.middleware.SessionLimitsMiddleware",
    "allied.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "allied.urls"
DEFAULT_EXCEPTION_REPORTER = "allied.web.outage.ExceptionReporterForOutages"
ASGI_APPLICATION = "allied.asgi.application"
WSGI_APPLICATION = "allied.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "allied.web.context_processors.navigation",
            ],
        },
    },
]

# Databases: SQLite for a pilot on one laptop, PostgreSQL when DATABASE_URL is set.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    import dj_database_url

    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A bounded pool per process: under ASGI every request runs on a thread of its own,
        # and without a pool each thread kept its own connection until PostgreSQL ran out
        # (bench/bench_workshops.py). Requests borrow a connection and give it back.
        # When the database is down, a request waits at most DB_POOL_TIMEOUT seconds for a
        # connection and then answers 503 (allied.web.views.server_error), and a new
        # connection gives up after DB_CONNECT_TIMEOUT: people get a clear page quickly, and
        # the pool reconnects by itself when the database returns.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 3, minimum=1)
        options["pool"] = {
            "min_size": env_int("DB_POOL_MIN", 2, minimum=0),
            "max_size": env_int("DB_POOL_MAX", 20, minimum=1),
            "timeout": env_int("DB_POOL_TIMEOUT", 4, minimum=1),
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "allied.sqlite3")),
            # WAL lets readers (live pages polling) go on while one request writes; writers
            # queue for up to 20 seconds rather than fail. secure_delete zeroes what is
            # deleted or overwritten, so erased text does not linger in the file's free space
            # (docs/data-rights.md).
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
                ),
            },
            # Tests use a file too: an in-memory database locks whole tables, which a live
            # server with several browsers polling it cannot bear.
            # One file per test process, so parallel runs never share one.
            "TEST": {
                "NAME": str(Path(tempfile.gettempdir()) / f"allied-test-{os.getpid()}.sqlite3")
            },
        }
    }
# Every request runs in one transaction: a failure part-way through saves nothing.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, when set, carries the cache (and so sessions' fast path) and live pages'
# announcements (allied.live) between app servers.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "allied"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Live pages: a waiting stream re-reads the database version at least this often (the safety
# net when an announcement is lost), and a browser without a stream polls this often.
LIVE_DB_CHECK_SECONDS = env_int("LIVE_DB_CHECK_SECONDS", 2, minimum=1)
LIVE_POLL_SECONDS = env_int("LIVE_POLL_SECONDS", 2, minimum=1)

# Background work (reminders): run at once in the request or `allied tick` by default; in
# production set TASKS_BACKEND=django_tasks_db.DatabaseBackend and run `manage.py db_worker`
# (docs/scheduled-work.md).
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    }
}

# Accounts and sessions.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allied.accounts.backends.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "accounts:sign_in"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2
# Sessions live in the database, never only in Redis: a Redis outage must sign nobody out
# and break no page (tests/workshops/test_faults.py stops Redis mid-workshop).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60, minimum=60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sign-in throttling (allied.accounts.throttle, decision 0021): wrong guesses per account and
# client address, per client address over all accounts, and per account from anywhere (past
# which the account is paced, not locked). Counted in the cache.
SIGN_IN_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5, minimum=1)
SIGN_IN_FAILURE_WINDOW_SECONDS = env_int("SIGN_IN_FAILURE_WINDOW_SECONDS", 30 * 60, minimum=60)
SIGN_IN_CLIENT_FAILURE_LIMIT = env_int("SIGN_IN_CLIENT_FAILURE_LIMIT", 30, minimum=1)
SIGN_IN_CLIENT_WINDOW_SECONDS = env_int("SIGN_IN_CLIENT_WINDOW_SECONDS", 15 * 60, minimum=60)
SIGN_IN_ACCOUNT_FAILURE_LIMIT = env_int("SIGN_IN_ACCOUNT_FAILURE_LIMIT", 20, minimum=1)
SIGN_IN_PACE_SECONDS = env_int("SIGN_IN_PACE_SECONDS", 30, minimum=1)
# Join codes, join links and invitation links that match nothing, per client address.
GUESS_LIMIT = env_int("GUESS_LIMIT", 30, minimum=1)
GUESS_WINDOW_SECONDS = env_int("GUESS_WINDOW_SECONDS", 10 * 60, minimum=60)
# Password reset requests an hour, per client address and per email address.
PASSWORD_RESET_CLIENT_LIMIT = env_int("PASSWORD_RESET_CLIENT_LIMIT", 20, minimum=1)
PASSWORD_RESET_EMAIL_LIMIT = env_int("PASSWORD_RESET_EMAIL_LIMIT", 5, minimum=1)
RATELIMIT_CACHE_PREFIX = "allied-throttle:"
INVITATION_DAYS = env_int("INVITATION_DAYS", 14, minimum=1)
# API tokens end after this many days (and at once when their owner's password or roles change).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30, minimum=1)
OTP_TOTP_ISSUER = "Allied"

# Email: the console in development, SMTP from the environment in production.
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Allied <no-reply@allied.invalid>")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Security headers. The CSP allows no inline script at all: every script is a file of ours.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No page asks for a device or sensor, so none may (django-permissions-policy sends the header).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "ambient-light-sensor", "autoplay", "bluetooth", "camera",
        "display-capture", "geolocation", "gyroscope", "hid", "magnetometer", "microphone",
        "midi", "payment", "screen-wake-lock", "serial", "usb",
        "xr-spatial-tracking",
    )
}  # fmt: skip
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Whether every request reaches Allied through a proxy that sets X-Forwarded-Proto itself,
# overwriting any sent by the client. Off by default: the ASGI server (uvicorn's
# --proxy-headers --forwarded-allow-ips) already takes the scheme from the named proxy only,
# and a header believed from anyone would let a client on plain HTTP pass as HTTPS.
TRUSTED_PROXY = env_bool("TRUSTED_PROXY", False)
if TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix binds the cookie to this exact host over HTTPS.
    SESSION_COOKIE_NAME = "__Host-allied-session"
    CSRF_COOKIE_NAME = "__Host-allied-csrf"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
# Serve straight from the apps' static folders, so a pilot needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "allied.base.log_filters.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.security.csrf": {"level": "WARNING"},
        "django.request": {"filters": ["refusals"]},
    },
}
