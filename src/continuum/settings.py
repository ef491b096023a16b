"""Django settings for Continuum, read from environment variables.

Modes (CONTINUUM_ENV):
- ``demo``: the embedded default. SQLite, a fixed demo secret, the synthetic Northbrook area.
- ``test``: used by the test suite.
- ``production`` (the default when nothing is set): refuses to start without a strong SECRET_KEY,
  with DEBUG on, or without ALLOWED_HOSTS; sets HSTS, an HTTPS redirect and secure cookies, and
  requires a second factor (TOTP) of every member of staff (docs/adr/0004-sign-in.md).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import django
from django.core.exceptions import ImproperlyConfigured

from continuum.core.env import env_bool, env_int, env_list, env_str, secret_key_problem

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
    problem = secret_key_problem(SECRET_KEY)
    if problem:
        raise ImproperlyConfigured(
            f"Production needs a real SECRET_KEY in the environment: {problem}. Make one with "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`. To run a command "
            "against the demo instead, prefix it with CONTINUUM_ENV=demo, for example "
            "`CONTINUUM_ENV=demo continuum audit verify`."
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
    # Sign-in (docs/adr/0004-sign-in.md): django-allauth for password sign-in, the second
    # factor (TOTP and recovery codes), password reset and OpenID Connect single sign-on;
    # django-axes for lockout after repeated failures.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "continuum.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "continuum.core.auth.IdleTimeout",
    "continuum.core.auth.LoginRequired",
    "continuum.core.auth.SecondFactorRequired",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "continuum.core.auth.NoStoreForSignedIn",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
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
    # First: refuses a locked-out username before any password is checked.
    "continuum.core.auth.LockoutBackend",
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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
                "continuum.governance.context_processors.governance",
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

# --- Sessions and transport security (production hardening, issue 11 finding 10) -------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_HTTPONLY = IS_PRODUCTION  # no page script reads the CSRF cookie
# The longest a sign-in lasts, however busy; SESSION_IDLE_MINUTES signs out an idle session
# sooner (continuum.core.auth.IdleTimeout).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
_DELIBERATELY_OFF: list[str] = []
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    # Behind an HTTPS reverse proxy: the header (and value) it sets on requests that came in
    # over HTTPS, e.g. SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto:https.
    _proxy_header = env_str("SECURE_PROXY_SSL_HEADER", "")
    if _proxy_header:
        _name, _, _value = _proxy_header.partition(":")
        if not _value:
            raise ImproperlyConfigured(
                "SECURE_PROXY_SSL_HEADER must be HEADER:VALUE, e.g. X-Forwarded-Proto:https"
            )
        SECURE_PROXY_SSL_HEADER = ("HTTP_" + _name.strip().upper().replace("-", "_"), _value)
    # A deployment that deliberately turns one of these off has chosen to; its warning from
    # `continuum check --deploy` would only hide the ones that matter.
    _DELIBERATELY_OFF = [
        check
        for check, off in (
            ("security.W004", not SECURE_HSTS_SECONDS),
            ("security.W005", not SECURE_HSTS_INCLUDE_SUBDOMAINS),
            ("security.W008", not SECURE_SSL_REDIRECT),
            ("security.W021", not SECURE_HSTS_PRELOAD),
        )
        if off
    ]
# The request header holding the client's address when a reverse proxy sits in front (e.g.
# X-Forwarded-For; its last entry, the one the proxy added, is used). Sign-in throttling keys on
# the address, so without this every client would share the proxy's.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", "")

# --- Sign-in: django-allauth, second factor, single sign-on (docs/adr/0004-sign-in.md) -------
ACCOUNT_ADAPTER = "continuum.core.auth.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "continuum.core.auth.SocialAccountAdapter"
MFA_ADAPTER = "continuum.core.auth.MFAAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"  # staff accounts are provisioned by an administrator
ACCOUNT_SESSION_REMEMBER = False  # a sign-in never outlives the browser
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_FORMS = {
    "login": "continuum.core.auth_forms.SignInForm",
    "reset_password": "continuum.core.auth_forms.ResetPasswordForm",
    "reset_password_from_key": "continuum.core.auth_forms.ResetPasswordKeyForm",
    "reauthenticate": "continuum.core.auth_forms.PasswordReauthenticateForm",
    "change_password": "continuum.core.auth_forms.ChangePasswordForm",
}
# Locking one username after repeated failures is django-axes' job (below), with its own page
# and audit event, so allauth's throttle of failed sign-ins counts per address only: it slows
# one address trying many usernames (password spraying) without locking a whole office behind
# one address.
# Per address: generous, as a council's staff share an office's address (a per-address limit
# of 10 failures or 30 sign-ins a minute shut everyone in the office out after one person's
# typos, or at 9 o'clock); each account is locked on its own after 5 wrong passwords (axes).
CSRF_FAILURE_VIEW = "continuum.core.views.csrf_failure"  # the service's page, not Django's bare one
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_FAILED_RATE_LIMIT", "60/m/ip"),
    "login": env_str("LOGIN_RATE_LIMIT", "300/m/ip"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = f"Continuum {env_str('CONTINUUM_AREA_NAME', 'Northbrook')}"
MFA_TOTP_TOLERANCE = env_int("MFA_TOTP_TOLERANCE", 1)  # one 30-second step either side
MFA_FORMS = {
    "authenticate": "continuum.core.auth_forms.AuthenticateForm",
    "reauthenticate": "continuum.core.auth_forms.ReauthenticateForm",
    "activate_totp": "continuum.core.auth_forms.ActivateTOTPForm",
}
# Every member of staff must use a second factor: the default in production, off in demo and
# test mode (so `continuum demo` keeps password-only sign-in) unless MFA_REQUIRED says so.
CONTINUUM_MFA_REQUIRED = env_bool("MFA_REQUIRED", default=IS_PRODUCTION)
# Single sign-on: an OpenID Connect provider, such as Microsoft Entra ID
# (OIDC_SERVER_URL=https://login.microsoftonline.com/<tenant>/v2.0). Staff accounts are
# provisioned first; a sign-on is matched to the account with the same email address.
OIDC_SERVER_URL = env_str("OIDC_SERVER_URL", "")
# True when the provider itself enforces a second factor (e.g. Entra ID conditional access):
# then a single sign-on counts as two-factor and Continuum does not ask for its own code.
OIDC_PROVIDER_ENFORCES_MFA = env_bool("OIDC_PROVIDER_ENFORCES_MFA", default=False)
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}}
if OIDC_SERVER_URL:
    _oidc_client_id = env_str("OIDC_CLIENT_ID", "")
    _oidc_secret = env_str("OIDC_CLIENT_SECRET", "")
    if not _oidc_client_id or not _oidc_secret:
        raise ImproperlyConfigured(
            "Single sign-on needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET with OIDC_SERVER_URL."
        )
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": env_str("OIDC_PROVIDER_ID", "sso"),
            "name": env_str("OIDC_PROVIDER_NAME", "your organisation's account"),
            "client_id": _oidc_client_id,
            "secret": _oidc_secret,
            "settings": {"server_url": OIDC_SERVER_URL, "oauth_pkce_enabled": True},
        }
    )
    if django.VERSION >= (6, 0):
        # The sign-in form posts to Continuum, which redirects to the provider: the browser
        # checks that redirect against the policy's form-action.
        from urllib.parse import urlsplit

        _oidc = urlsplit(OIDC_SERVER_URL)
        SECURE_CSP["form-action"] = [*SECURE_CSP["form-action"], f"{_oidc.scheme}://{_oidc.netloc}"]
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # matching by email is done by our adapter
SOCIALACCOUNT_STORE_TOKENS = False

# django-axes: AXES_FAILURE_LIMIT wrong passwords for one username lock it for
# AXES_COOLOFF_MINUTES; a successful sign-in clears the count. `continuum axes_reset_username
# NAME` unlocks an account early.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address in the lockout too: deliberately not, since staff share an
# office's address and one person's typos would lock everyone out; allauth's per-address
# throttle above covers many usernames from one address.
SILENCED_SYSTEM_CHECKS = ["axes.W006", *_DELIBERATELY_OFF]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "continuum.core.auth.locked_out"
AXES_CLIENT_IP_CALLABLE = "continuum.core.auth.client_ip"
AXES_VERBOSE = False
# API bearer tokens: this many failed tokens from one address within API_AUTH_WINDOW_SECONDS
# and that address gets 429 for every bearer token until the window ends.
API_AUTH_FAILURE_LIMIT = env_int("API_AUTH_FAILURE_LIMIT", 1000 if MODE == "test" else 10)
API_AUTH_WINDOW_SECONDS = env_int("API_AUTH_WINDOW_SECONDS", 5 * 60)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "continuum@northbrook.example")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # Application logs never carry personal data: ids and counts only.
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # failures and lockouts, not every successful sign-in
    },
}

CONTINUUM_SERVICE_NAME = "Continuum"
CONTINUUM_AREA_NAME = env_str("CONTINUUM_AREA_NAME", "Northbrook")
# "Is this person already known?" checks (POST /api/people/match and the add-person pages'
# duplicate warning): at most this many per member of staff in each window of this many seconds.
CONTINUUM_MATCH_LIMIT = env_int("CONTINUUM_MATCH_LIMIT", 20)
CONTINUUM_MATCH_WINDOW_SECONDS = env_int("CONTINUUM_MATCH_WINDOW_SECONDS", 600)
# How long emergency (break-glass) access to a record lasts, in hours.
CONTINUUM_BREAK_GLASS_HOURS = env_int("CONTINUUM_BREAK_GLASS_HOURS", 4)
if not 1 <= CONTINUUM_BREAK_GLASS_HOURS <= 24:
    raise ImproperlyConfigured("CONTINUUM_BREAK_GLASS_HOURS must be between 1 and 24")

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
