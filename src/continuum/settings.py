"""Django settings for Continuum, read from environment variables.

Modes (CONTINUUM_ENV):
- ``demo``: the embedded default. SQLite, a fixed demo secret, the synthetic Northbrook area.
- ``test``: used by the test suite.
- ``production`` (the default when nothing is set): refuses to start without a real SECRET_KEY,
  with DEBUG on, or without ALLOWED_HOSTS.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import django
from django.core.exceptions import ImproperlyConfigured

from continuum.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
MODE = env_str("CONTINUUM_ENV", "production")
if MODE not in {"demo", "test", "production"}:
    raise ImproperlyConfigured(f"CONTINUUM_ENV must be demo, test or production, not {MODE!r}")
IS_PRODUCTION = MODE == "production"
DEMO_MODE = MODE == "demo"
DATA_DIR = Path(env_str("CONTINUUM_DATA_DIR", str(Path.cwd() / "var")))

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY") or ""
if IS_PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production (CONTINUUM_ENV=production).")
    if len(SECRET_KEY) < 50 or "insecure" in SECRET_KEY or "demo" in SECRET_KEY:
        raise ImproperlyConfigured(
            "Production needs a real SECRET_KEY (50+ random characters) in the environment. "
            "To try Continuum with synthetic data, run `continuum demo` instead."
        )
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production needs ALLOWED_HOSTS (comma-separated host names).")
else:
    SECRET_KEY = SECRET_KEY or f"continuum-{MODE}-insecure-key-not-for-production"
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "continuum.core",
    "continuum.directory",
    "continuum.audit",
    "continuum.people",
    "continuum.governance",
    "continuum.outcomes",
    "continuum.hubs",
    "continuum.servicedirectory",
    "continuum.linkage",
    "continuum.referrals",
    "continuum.casework",
    "continuum.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "continuum.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "continuum.core.auth.LoginRequired",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if django.VERSION >= (6, 0):
    # Django's built-in Content Security Policy: no inline script, everything served from here.
    from django.utils.csp import CSP

    MIDDLEWARE.insert(1, "django.middleware.csp.ContentSecurityPolicyMiddleware")
    SECURE_CSP = {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF],
        "style-src": [CSP.SELF],
        "img-src": [CSP.SELF, "data:"],
        "form-action": [CSP.SELF],
        "frame-ancestors": [CSP.NONE],
    }

ROOT_URLCONF = "continuum.urls"
WSGI_APPLICATION = "continuum.wsgi.application"
AUTH_USER_MODEL = "directory.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

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
                "continuum.core.context_processors.service",
                "continuum.referrals.context_processors.inbox",
                "continuum.home.navigation.menu",
            ],
        },
    }
]
FORM_RENDERER = "continuum.core.forms.GovukFormRenderer"

DATA_DIR.mkdir(parents=True, exist_ok=True) if not IS_PRODUCTION else None
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{DATA_DIR / 'continuum.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the single writer work side by side; IMMEDIATE avoids lock upgrades
    # failing half way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the per-user rate limits (core/ratelimit.py), so every app server must share
# it: the database cache by default (table `continuum_cache`, created on `continuum migrate`),
# or Redis with CACHE_URL=redis://host:6379/0. Never the per-process local-memory cache.
_CACHE_URL = env_str("CACHE_URL", "") or ""
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
        if _CACHE_URL.startswith(("redis://", "rediss://"))
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "continuum_cache",
            # one entry per user and window: never cull live counts (Django's default is 300)
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    )
}

AUTH_PASSWORD_VALIDATORS = (
    [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 12},
        },
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    ]
    if IS_PRODUCTION
    else []
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
MEDIA_ROOT = Path(env_str("CONTINUUM_FILES_DIR", str(DATA_DIR / "files")))  # never under static

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "continuum@northbrook.example")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # Application logs never carry personal data: ids and counts only.
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

CONTINUUM_SERVICE_NAME = "Continuum"
CONTINUUM_AREA_NAME = env_str("CONTINUUM_AREA_NAME", "Northbrook")
# "Is this person already known?" checks (POST /api/people/match and the add-person pages'
# duplicate warning): at most this many per member of staff in each window of this many seconds.
CONTINUUM_MATCH_LIMIT = env_int("CONTINUUM_MATCH_LIMIT", 20)
CONTINUUM_MATCH_WINDOW_SECONDS = env_int("CONTINUUM_MATCH_WINDOW_SECONDS", 600)

# The audit log's tamper evidence (ADR 0003): the chain is keyed (HMAC-SHA256) with a key that
# is never stored in the database, and its head is checkpointed, signed, to a file (and the
# `continuum.audit.checkpoint` logger) that the database cannot rewrite.
AUDIT_CHAIN_KEY = env_str("AUDIT_CHAIN_KEY") or ""
if IS_PRODUCTION and len(AUDIT_CHAIN_KEY) < 32:
    raise ImproperlyConfigured(
        "Production needs AUDIT_CHAIN_KEY (32+ random characters, kept outside the database) "
        "to sign the audit chain. Never change it once events are signed with it."
    )
AUDIT_CHAIN_KEY = AUDIT_CHAIN_KEY or f"continuum-{MODE}-audit-chain-key-not-secret"
AUDIT_CHECKPOINT_FILE = Path(
    env_str("CONTINUUM_AUDIT_CHECKPOINT_FILE", str(DATA_DIR / "audit-checkpoints.jsonl"))
)
AUDIT_CHECKPOINT_EVERY = env_int("AUDIT_CHECKPOINT_EVERY", 1000)  # events; 0: only from cron
# Every page about a person, family or case leaves an audit event, even a form (audit/pages.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("continuum.core.auth.LoginRequired") + 1, "continuum.audit.pages.PageViewAudit"
)
