"""Settings, read from the environment (twelve-factor).

DATABASE_URL  database (default: embedded SQLite in ./var/mutakhir.sqlite3)
SECRET_KEY    required unless DEBUG is on
DEBUG         off unless set to 1/true (`make demo` turns it on)
ALLOWED_HOSTS comma-separated (default: localhost names)
MUTAKHIR_HTTPS, MUTAKHIR_PROXY_HTTPS, MUTAKHIR_REQUIRE_2FA, MUTAKHIR_SESSION_IDLE_MINUTES: see "Security" below
and docs/security.md
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(os.environ.get("MUTAKHIR_HOME", Path.cwd()))
VAR_DIR = BASE_DIR / "var"


def env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DEBUG")
# Without it (and DEBUG off) only what signs or hashes fails: Django refuses an empty SECRET_KEY when it is
# read, `mutakhir` says in one line what to set (cli.py), and the web server and worker refuse to start
# (core/secret.py). So `mutakhir nik check` or `mutakhir check` work on a fresh clone.
SECRET_KEY = os.environ.get("SECRET_KEY", "") or ("insecure-demo-key-only-for-DEBUG" if DEBUG else "")

ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # its templates and static files: /api/docs served from here, not a CDN (the CSP allows only self)
    "simple_history",
    "axes",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # one-time backup codes (accounts/twofactor.py)
    "mutakhir.core",
    "mutakhir.regions",
    "mutakhir.accounts",
    "mutakhir.registry",
    "mutakhir.registration",
    "mutakhir.identification",
    "mutakhir.verification",
    "mutakhir.decrees",
    "mutakhir.ranking",
    "mutakhir.targeting",
    "mutakhir.complaints",
    "mutakhir.verivali",
    "mutakhir.notifications",
]

MIDDLEWARE = [
    "mutakhir.core.middleware.ClientAddressMiddleware",
    "mutakhir.core.bodylimit.RequestBodyLimitMiddleware",  # before anything reads a body (CSRF does)
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mutakhir.core.middleware.IndonesianFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mutakhir.accounts.middleware.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "mutakhir.accounts.middleware.SecondFactorMiddleware",
    "mutakhir.core.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mutakhir.config.urls"
WSGI_APPLICATION = "mutakhir.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'mutakhir.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while a background import writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "mutakhir.accounts.backends.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed logins (django-axes): per username and client address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

# --- Security (docs/security.md) ---
# A session ends 8 hours after login, after MUTAKHIR_SESSION_IDLE_MINUTES without a request, or when the
# browser closes (accounts/middleware.py).
SESSION_COOKIE_AGE = 8 * 3600
SESSION_IDLE_SECONDS = 60 * int(os.environ.get("MUTAKHIR_SESSION_IDLE_MINUTES", "30"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# HTTPS is on whenever DEBUG is off, so a production install cannot forget it. MUTAKHIR_HTTPS=0 turns it
# off for a LAN-only install on plain http (and `make demo` runs with DEBUG=1 on http://127.0.0.1).
HTTPS = env_flag("MUTAKHIR_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = HTTPS
# Behind a TLS-terminating proxy that always sets X-Forwarded-Proto (and strips the client's own).
if env_flag("MUTAKHIR_PROXY_HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated); none by default, so
# rate limits, lockouts and the access log use the connecting address (core/public.py, ClientAddressMiddleware).
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("MUTAKHIR_TRUSTED_PROXIES", "").split(",") if p.strip()]
# `mutakhir serve` (waitress): at most this many open connections; one silent this long is closed.
SERVE_CONNECTION_LIMIT = int(os.environ.get("MUTAKHIR_SERVE_CONNECTION_LIMIT", "200"))
SERVE_CHANNEL_TIMEOUT = int(os.environ.get("MUTAKHIR_SERVE_CHANNEL_TIMEOUT", "30"))
# Request bodies (core/bodylimit.py): waitress refuses a body larger than the largest upload (the 500 MB
# civil-registry extract, plus 1 MB of form) before reading it; every page takes REQUEST_BODY_MAX_BYTES
# unless it is an upload page with its own limit.
SERVE_MAX_REQUEST_BODY = int(os.environ.get("MUTAKHIR_SERVE_MAX_REQUEST_BODY_MB", "501")) * 2**20
REQUEST_BODY_MAX_BYTES = int(os.environ.get("MUTAKHIR_REQUEST_BODY_MAX_KB", "2560")) * 2**10
# Background jobs beat every JOB_HEARTBEAT_SECONDS; a running job silent for JOB_STALE_SECONDS is swept
# as interrupted (core/jobs.py).
JOB_HEARTBEAT_SECONDS = int(os.environ.get("MUTAKHIR_JOB_HEARTBEAT_SECONDS", "30"))
JOB_STALE_SECONDS = int(os.environ.get("MUTAKHIR_JOB_STALE_SECONDS", "600"))
# Where a district's package goes when it is sent: "local" (district and national team in this installation:
# straight into the national inbox) or "none" (national team elsewhere: download it, upload the answer).
# An http(s) URL instead names the national installation: the package goes to its API (/api/packages/) with
# the district's token NATIONAL_INBOX_TOKEN, and the decree page polls the answer (decrees/national.py).
NATIONAL_INBOX = os.environ.get("MUTAKHIR_NATIONAL_INBOX", "local")
NATIONAL_INBOX_TOKEN = os.environ.get("MUTAKHIR_NATIONAL_INBOX_TOKEN", "")
NATIONAL_INBOX_TIMEOUT = int(os.environ.get("MUTAKHIR_NATIONAL_INBOX_TIMEOUT", "120"))
# A match run checks registered people against the district's latest civil-registry extract (the verivali
# sync's); the match page warns before the start when there is none or it is older than this.
CIVIL_REGISTRY_MAX_AGE_DAYS = int(os.environ.get("MUTAKHIR_CIVIL_REGISTRY_MAX_AGE_DAYS", "90"))
# Bulk registration import (registration/exchange_adapter.py, import_jobs.py): the largest sheet of an .xlsx,
# and the time an import job may take before it is stopped, so one file cannot hold the worker for hours.
XLSX_MAX_ROWS = int(os.environ.get("MUTAKHIR_XLSX_MAX_ROWS", "500000"))
XLSX_MAX_COLUMNS = int(os.environ.get("MUTAKHIR_XLSX_MAX_COLUMNS", "100"))
IMPORT_JOB_MAX_SECONDS = 60 * int(os.environ.get("MUTAKHIR_IMPORT_JOB_MAX_MINUTES", "30"))
# The districts whose citizens see their desil and programs on the public status check: "all", or district
# codes (comma-separated, e.g. "1901,19.02"); none by default (a desil is a relative rank some districts
# would rather explain in person). Everyone always sees their stage and what they are waiting for.
_SHOWS_DESIL = os.environ.get("MUTAKHIR_PUBLIC_SHOWS_DESIL", "").strip().lower()
PUBLIC_SHOWS_DESIL = ["*"] if _SHOWS_DESIL in {"1", "true", "yes", "on", "all"} else [
    code.strip().replace(".", "") for code in _SHOWS_DESIL.split(",") if code.strip() not in {"", "0", "false", "no",
                                                                                              "off"}]

# Citizens' messages (notifications/): the SMS/WhatsApp gateway (an adapter over its HTTP API, by name) and
# its address and token; e-mail goes through Django's mail (MAILERS: MUTAKHIR_EMAIL_HOST, _PORT, _FROM).
SMS_GATEWAY_ADAPTER = os.environ.get("MUTAKHIR_SMS_GATEWAY_ADAPTER", "json")
SMS_GATEWAY_URL = os.environ.get("MUTAKHIR_SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("MUTAKHIR_SMS_GATEWAY_TOKEN", "")
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
    "host": os.environ.get("MUTAKHIR_EMAIL_HOST", "localhost"),
    "port": int(os.environ.get("MUTAKHIR_EMAIL_PORT", "25")), "timeout": 20}}}
DEFAULT_FROM_EMAIL = os.environ.get("MUTAKHIR_EMAIL_FROM", "mutakhir@localhost")
# The address citizens reach the public pages at, printed in messages and notices (e.g. https://mpm.example.go.id).
PUBLIC_BASE_URL = os.environ.get("MUTAKHIR_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The highest desil of the national coverage: desil 1..N are "in the coverage" (4: the old BDT 40%), shown beside
# the desil wherever a household's standing in the unified database is shown.
DESIL_COVERAGE = min(10, max(1, int(os.environ.get("MUTAKHIR_DESIL_COVERAGE", "4"))))

# Content Security Policy (Django's own middleware): no inline script or style, nothing from elsewhere.
# htmx is told not to inject its indicator style nor to eval (the htmx-config meta tag in base.html).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Two-factor login (TOTP, django-otp) for the roles in accounts/twofactor.py; MUTAKHIR_REQUIRE_2FA=0 turns
# the requirement off (accounts that enrolled a device still verify).
REQUIRE_2FA = env_flag("MUTAKHIR_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "Mutakhir"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded and generated files hold personal data (import error reports list full NIKs): owner only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Every handler masks 16-digit identity numbers (NIK/KK) in messages and tracebacks (core/logging.py);
# django.server (runserver's request log, with query strings) goes through the same handler.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_ids": {"()": "mutakhir.core.logging.MaskIdentityNumbers"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_ids"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"django.server": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
