"""Hazari's settings. Everything a deployment changes comes from environment variables.

Production: DEBUG unset (false), SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL set.
`make demo` sets DEBUG=true and uses the embedded SQLite database.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from hazari.lib.env import env_bool, env_int, env_list, env_str, env_timezone

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HAZARI_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-never-use-in-production")
else:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "hazari.orgunits",
    "hazari.accounts",
    "hazari.registers",
    "hazari.front",
    "hazari.api",
    "hazari.imports",
    "hazari.staff",
    "hazari.schooldays",
    "hazari.attendance",
    "hazari.app",
    "hazari.dashboards",
    "hazari.meals",
    "hazari.students",
    "hazari.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hazari.lib.middleware.HindiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "hazari.accounts.middleware.PasswordChangeRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lock-out into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hazari.urls"
WSGI_APPLICATION = "hazari.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hazari" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hazari.front.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# SQLite is the embedded default (make demo); PostgreSQL is production.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hazari.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets officers read while a head master writes; IMMEDIATE makes a writer wait
        # for the lock at BEGIN instead of failing half-way through its transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# The capture upload's statements are prepared once per PostgreSQL connection
# (hazari.lib.prepared). Set to false behind a pooler in transaction mode.
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so that a locked-out user ID + IP never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, loading the user's unit with the user.
    "hazari.accounts.backends.UserWithUnitBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 60 * 60)

# django-axes: lock a user ID *from one IP*. Thousands of head masters share a handful of
# carrier NAT addresses, so locking by IP alone would lock out a whole district.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "hazari.accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# One-time password-reset codes sent by SMS.
PASSWORD_RESET_CODE_MINUTES = env_int("PASSWORD_RESET_CODE_MINUTES", 10, minimum=1)
PASSWORD_RESET_MAX_CODES_PER_HOUR = env_int("PASSWORD_RESET_MAX_CODES_PER_HOUR", 3, minimum=1)
PASSWORD_RESET_MAX_ATTEMPTS = env_int("PASSWORD_RESET_MAX_ATTEMPTS", 5, minimum=1)

# Tokens of the phone app (hazari.api): valid this many days from log-in, unless revoked.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30, minimum=1)

# Children's roll-call marks and follow-ups are kept for this many academic sessions (this one
# included), then reduced to counts: manage.py reduce_student_marks (hazari.students.retention).
STUDENT_MARKS_SESSIONS = env_int("STUDENT_MARKS_SESSIONS", 2, minimum=1)

# --- SMS ----------------------------------------------------------------------------------
SMS_BACKEND = env_str("SMS_BACKEND", "hazari.lib.sms.ConsoleBackend")
SMS_FILE_PATH = Path(env_str("SMS_FILE_PATH", str(VAR_DIR / "sms")))
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_SENDER = env_str("SMS_GATEWAY_SENDER", "HAZARI")
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10, minimum=1)

# --- Language and time --------------------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "hi")
LANGUAGES = [("hi", _("Hindi")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE={LANGUAGE_CODE!r} must be one of hi, en.")
LOCALE_PATHS = [BASE_DIR / "hazari" / "locale"]
TIME_ZONE = env_timezone("TIME_ZONE", "Asia/Kolkata")
USE_I18N = True
USE_TZ = True

# --- Uploaded files, background work, cache ------------------------------------------------
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served publicly: uploads are read back only through views
IMPORT_MAX_UPLOAD_MB = env_int("IMPORT_MAX_UPLOAD_MB", 25, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Long work (imports) runs in a worker: `manage.py db_worker` (django-tasks).
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Import progress is written by the worker and read by the web process: the cache must be
# shared between processes. Redis in production, files on one machine otherwise.
REDIS_URL = env_str("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    },
    # The dashboards' figures as rendered HTML, until the rollups' next refresh
    # (hazari.dashboards.keep): with Redis shared by every process (a page rendered once per
    # refresh), otherwise in each process's memory.
    "pages": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "pages",
        "TIMEOUT": 600,
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "hazari-pages",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 400},
    },
}
# Sessions are read from Redis when there is one (written to the database too, which stays
# the record): a page then asks the database for the user, not for the session as well.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# New figures are rendered by a background thread while the last ones are shown (False: by
# the request that finds them out of date, as the tests do).
DASHBOARD_RENDER_BEHIND = env_bool("DASHBOARD_RENDER_BEHIND", True)
# A page's figures are rendered again once they are this many seconds behind the rollups
# (the refresher runs every 5 s): a capture is on the pages within ~10 s of the rollups.
DASHBOARD_RENDER_EVERY = env_int("DASHBOARD_RENDER_EVERY", 10)

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "hazari.app.storage.AppStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security -----------------------------------------------------------------------------
# Behind a TLS-terminating proxy in production. The demo runs on plain http://127.0.0.1.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# No page loads anything from another host: no CDN, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
