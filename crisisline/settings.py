"""The one settings module. Every value that differs between machines comes from the environment through
the strict helpers in crisisline.lib.env; README.md ("Configuration") lists them all."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from crisisline.lib.env import (
    ConfigError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_time_zone,
    env_url,
)

PACKAGE_DIR = Path(__file__).resolve().parent

# --- Where data lives -------------------------------------------------------------------------------
PRODUCTION = env_bool("CRISISLINE_PRODUCTION", False)
DATA_DIR = Path(env_str("CRISISLINE_DATA", "var")).expanduser().resolve()


def _secret_key() -> str:
    key = env_str("CRISISLINE_SECRET_KEY")
    if key is not None:
        if len(key) < 50 or len(set(key)) < 5:
            raise ConfigError("CRISISLINE_SECRET_KEY must be at least 50 characters of random text.")
        return key
    if PRODUCTION:
        raise ConfigError("CRISISLINE_SECRET_KEY must be set when CRISISLINE_PRODUCTION is true.")
    # Embedded mode: one random key per data directory, readable only by its owner.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _keys(name: str, filename: str) -> list[bytes]:
    """Encryption keys, kept apart from SECRET_KEY: base64 32-byte keys, comma-separated, newest first, from
    the variable `name`, or from the file its `name`_FILE names. In embedded mode a file in the data
    directory is made on first start; production must provide them."""
    text = env_str(name)
    path = env_str(f"{name}_FILE")
    if text is None and path is not None:
        try:
            text = Path(path).read_text()
        except OSError as error:
            raise ConfigError(f"{name}_FILE cannot be read: {error.strerror}.") from None
    if text is None:
        if PRODUCTION:
            raise ConfigError(f"{name} (or {name}_FILE) must be set when CRISISLINE_PRODUCTION is true.")
        default = DATA_DIR / filename
        if not default.exists():
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            default.touch(mode=0o600)
            default.write_text(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
        text = default.read_text()
    keys = []
    for item in text.replace("\n", ",").split(","):
        if not item.strip():
            continue
        try:
            key = base64.b64decode(item.strip(), validate=True)
        except ValueError:
            key = b""
        if len(key) != 32:
            raise ConfigError(
                f"{name} must hold base64-encoded 32-byte keys (make one: openssl rand -base64 32)."
            )
        keys.append(key)
    if not keys:
        raise ConfigError(f"{name} holds no key.")
    return keys


# Master keys seal identifying fields and second-factor secrets (lib/crypto.py); the first one seals, all
# of them open. The index key makes lookups by phone number without keeping the number (blind index).
MASTER_KEYS = _keys("CRISISLINE_MASTER_KEYS", "master.keys")
INDEX_KEY = _keys("CRISISLINE_INDEX_KEY", "index.key")[0]
DEBUG = env_bool("CRISISLINE_DEBUG", False)
if DEBUG and PRODUCTION:
    raise ConfigError("CRISISLINE_DEBUG cannot be true when CRISISLINE_PRODUCTION is true.")
ALLOWED_HOSTS = env_list("CRISISLINE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CRISISLINE_CSRF_TRUSTED_ORIGINS", [])

# --- Applications -----------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crisisline.audit",
    "crisisline.people",
    "crisisline.network",
    "crisisline.crises",
    "crisisline.messaging",
    "crisisline.oncall",
    "crisisline.worker",
    "crisisline.web",
    "crisisline.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "crisisline.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After auth and messages: it reads request.user and leaves a message when it ends a session.
    "crisisline.people.middleware.SignedInSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "crisisline.api.middleware.ApiErrorShapeMiddleware",
]

ROOT_URLCONF = "crisisline.urls"
WSGI_APPLICATION = "crisisline.wsgi.application"
AUTH_USER_MODEL = "people.Person"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crisisline.web.context.shell",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------
_default_db = f"sqlite:///{DATA_DIR / 'crisisline.sqlite3'}"
DATABASE_URL = env_url("DATABASE_URL", _default_db, schemes=("sqlite", "postgres", "postgresql"))
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CRISISLINE_DB_CONN_MAX_AGE", 60, minimum=0))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["CONN_MAX_AGE"] = 0
    # Tests use a file, not memory, so that the processes a test starts (worker, server) share its data;
    # one per test run, so that two runs side by side do not meet.
    _db["TEST"] = {"NAME": str(DATA_DIR / f"test-crisisline-{os.getpid()}.sqlite3")}
    _db["OPTIONS"] = {
        # WAL lets the web server read while the worker writes; FULL sync so that an accepted crisis
        # survives a power cut; IMMEDIATE so that a write transaction takes its lock at BEGIN and waits
        # for it instead of failing half-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    _db.setdefault("OPTIONS", {})
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}

# --- People and passwords ---------------------------------------------------------------------------
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A session ends after this long without a request, and this long after sign-in whatever happens
# (people/middleware.py). A shared phone left signed in must not stay signed in.
SESSION_IDLE_MINUTES = env_int("CRISISLINE_IDLE_MINUTES", 30, minimum=1, maximum=24 * 60)
SESSION_HOURS = env_int("CRISISLINE_SESSION_HOURS", 12, minimum=1, maximum=7 * 24)
SESSION_COOKIE_AGE = SESSION_HOURS * 60 * 60
# Guessing passwords (people/sign_in.py): an account refuses browsers it does not know for a cool-off after
# this many failed attempts in a row; an address (an IPv6 /64) after this many failures in 10 minutes.
SIGN_IN_LOCK_FAILURES = env_int("CRISISLINE_LOCK_FAILURES", 5, minimum=3, maximum=100)
SIGN_IN_LOCK_MINUTES = env_int("CRISISLINE_LOCK_MINUTES", 15, minimum=1, maximum=24 * 60)
SIGN_IN_ADDRESS_FAILURES = env_int("CRISISLINE_ADDRESS_FAILURES", 30, minimum=5, maximum=100_000)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Languages and time -----------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("hi", "हिन्दी")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_time_zone("CRISISLINE_TIME_ZONE", "Asia/Kolkata")
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files (served by whitenoise from the one process; no CDN) ---------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # filled by collectstatic; whitenoise warns when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "crisisline.web.storage.StaticStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_MAX_AGE = 7 * 24 * 60 * 60

# --- Security ---------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: under no-referrer Chromium sends "Origin: null" with form posts and beacons,
# which the CSRF check must refuse. Other sites get no referrer either way.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("CRISISLINE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("CRISISLINE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("CRISISLINE_HSTS_PRELOAD", False)
    if env_bool("CRISISLINE_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --- Crisisline's own settings ----------------------------------------------------------------------
# The address people reach Crisisline at, for links made outside a request (invitations from the command
# line, links in SMS). Without a trailing slash.
BASE_URL = (
    env_url("CRISISLINE_BASE_URL", None, schemes=("https", "http"))
    or f"http://127.0.0.1:{env_int('PORT', 8000, minimum=1, maximum=65535)}"
).rstrip("/")
# The name authenticator apps show beside the code: neutral, since others may look at the phone.
TOTP_ISSUER = env_str("CRISISLINE_TOTP_ISSUER", "Sign-in code")
# Where the quick-exit control sends someone: a page that looks like nothing in particular.
QUICK_EXIT_URL = env_url(
    "CRISISLINE_QUICK_EXIT_URL", "https://www.google.com/search?q=weather", schemes=("https", "http")
)
# /healthz calls the worker dead when its last heartbeat is older than this.
WORKER_STALE_SECONDS = env_int("CRISISLINE_WORKER_STALE_SECONDS", 30, minimum=5, maximum=3600)
WORKER_HEARTBEAT_SECONDS = env_int("CRISISLINE_WORKER_HEARTBEAT_SECONDS", 5, minimum=1, maximum=600)
# Short, so that a page due now goes out well within a second (a pass that finds nothing is a few reads).
WORKER_IDLE_SECONDS = env_int("CRISISLINE_WORKER_IDLE_MS", 200, minimum=10, maximum=60_000) / 1000

# --- Messaging (messaging/, docs/messaging.md) -------------------------------------------------------------
# Which provider carries each channel. "console" (the embedded default) prints and keeps an outbox file.
MESSAGING_PROVIDERS = {
    "sms": env_choice(
        "CRISISLINE_SMS_PROVIDER", "console", ["console", "twilio", "exotel", "android", "http"]
    ),
    "voice": env_choice("CRISISLINE_VOICE_PROVIDER", "console", ["console", "twilio", "exotel"]),
    "email": env_choice("CRISISLINE_EMAIL_PROVIDER", "console", ["console", "smtp"]),
    "console": "console",
}
MESSAGING_OUTBOX = env_str("CRISISLINE_OUTBOX", str(DATA_DIR / "outbox.jsonl"))
MESSAGING_CONSOLE_ECHO = env_bool("CRISISLINE_CONSOLE_ECHO", True)
# India's DLT registration: "page=1107161234567890123,page.hi=1107...,call_back=..." (template[.language]=id).
DLT_TEMPLATE_IDS = dict(
    item.split("=", 1) for item in env_list("CRISISLINE_DLT_TEMPLATE_IDS", []) if "=" in item
)
# Twilio (providers/twilio, docs/messaging.md). The auth token also signs Twilio's webhooks, so it is needed
# even when an API key sends. API_BASE only changes for tests (a local stand-in for api.twilio.com).
TWILIO_ACCOUNT_SID = env_str("CRISISLINE_TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env_str("CRISISLINE_TWILIO_AUTH_TOKEN", "")
TWILIO_API_KEY = env_str("CRISISLINE_TWILIO_API_KEY", "")
TWILIO_API_SECRET = env_str("CRISISLINE_TWILIO_API_SECRET", "")
TWILIO_FROM = env_str("CRISISLINE_TWILIO_FROM", "")
TWILIO_MESSAGING_SERVICE_SID = env_str("CRISISLINE_TWILIO_MESSAGING_SERVICE_SID", "")
TWILIO_API_BASE = env_url(
    "CRISISLINE_TWILIO_API_BASE", "https://api.twilio.com", schemes=("https", "http")
).rstrip("/")
# Exotel (providers/exotel). Exotel cannot sign its webhooks: each carries WEBHOOK_SECRET in its path and
# must come from one of ALLOWED_NETWORKS (CIDRs, Exotel's published source addresses).
EXOTEL_ACCOUNT_SID = env_str("CRISISLINE_EXOTEL_ACCOUNT_SID", "")
EXOTEL_API_KEY = env_str("CRISISLINE_EXOTEL_API_KEY", "")
EXOTEL_API_TOKEN = env_str("CRISISLINE_EXOTEL_API_TOKEN", "")
EXOTEL_API_BASE = env_url(
    "CRISISLINE_EXOTEL_API_BASE", "https://api.exotel.com", schemes=("https", "http")
).rstrip("/")
EXOTEL_FROM = env_str("CRISISLINE_EXOTEL_FROM", "")  # SMS: an ExoPhone or the DLT sender id (header)
EXOTEL_CALLER_ID = env_str("CRISISLINE_EXOTEL_CALLER_ID", "")  # voice: the ExoPhone a page call comes from
EXOTEL_FLOW_URL = env_url("CRISISLINE_EXOTEL_FLOW_URL", "", schemes=("https", "http"))
EXOTEL_DLT_ENTITY_ID = env_str("CRISISLINE_EXOTEL_DLT_ENTITY_ID", "")
EXOTEL_WEBHOOK_SECRET = env_str("CRISISLINE_EXOTEL_WEBHOOK_SECRET", "")
EXOTEL_ALLOWED_NETWORKS = env_list("CRISISLINE_EXOTEL_ALLOWED_NETWORKS", [])


def _provider_settings() -> None:
    """A provider chosen for a channel must have what it needs, or Crisisline does not start."""
    import ipaddress

    for network in EXOTEL_ALLOWED_NETWORKS:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ConfigError(
                f"CRISISLINE_EXOTEL_ALLOWED_NETWORKS must be CIDRs such as 203.0.113.0/24, not {network!r}."
            ) from None
    if EXOTEL_WEBHOOK_SECRET and len(EXOTEL_WEBHOOK_SECRET) < 24:
        raise ConfigError("CRISISLINE_EXOTEL_WEBHOOK_SECRET must be at least 24 random characters.")
    carries = {
        provider: {channel for channel, chosen in MESSAGING_PROVIDERS.items() if chosen == provider}
        for provider in ("twilio", "exotel")
    }
    needs: list[tuple[str, object]] = []
    if carries["twilio"]:
        needs += [
            ("CRISISLINE_TWILIO_ACCOUNT_SID", TWILIO_ACCOUNT_SID),
            ("CRISISLINE_TWILIO_AUTH_TOKEN", TWILIO_AUTH_TOKEN),
            # SMS may go through a messaging service instead; a call needs a number to come from.
            (
                "CRISISLINE_TWILIO_FROM",
                TWILIO_FROM or ("voice" not in carries["twilio"] and TWILIO_MESSAGING_SERVICE_SID),
            ),
        ]
    if carries["exotel"]:
        needs += [
            ("CRISISLINE_EXOTEL_ACCOUNT_SID", EXOTEL_ACCOUNT_SID),
            ("CRISISLINE_EXOTEL_API_KEY", EXOTEL_API_KEY),
            ("CRISISLINE_EXOTEL_API_TOKEN", EXOTEL_API_TOKEN),
            ("CRISISLINE_EXOTEL_WEBHOOK_SECRET", EXOTEL_WEBHOOK_SECRET),
            ("CRISISLINE_EXOTEL_ALLOWED_NETWORKS", EXOTEL_ALLOWED_NETWORKS),
        ]
    if "sms" in carries["exotel"]:
        needs += [("CRISISLINE_EXOTEL_FROM", EXOTEL_FROM)]
    if "voice" in carries["exotel"]:
        needs += [
            ("CRISISLINE_EXOTEL_CALLER_ID", EXOTEL_CALLER_ID),
            ("CRISISLINE_EXOTEL_FLOW_URL", EXOTEL_FLOW_URL),
        ]
    for name, value in needs:
        if not value:
            raise ConfigError(f"{name} must be set for the provider chosen in CRISISLINE_*_PROVIDER.")


_provider_settings()
# SMS Gateway for Android (providers/android): the phone's API (local server http://<phone>:8080, or the
# cloud https://api.sms-gate.app/3rdparty/v1) and its credentials; the phone's own number (the helpline an
# SMS to it reached); the key the app signs its webhooks with (app: Settings > Webhooks > Signing Key).
ANDROID_GATEWAY_URL = env_url("CRISISLINE_ANDROID_GATEWAY_URL", "", schemes=("https", "http")).rstrip("/")
ANDROID_GATEWAY_LOGIN = env_str("CRISISLINE_ANDROID_GATEWAY_LOGIN", "")
ANDROID_GATEWAY_PASSWORD = env_str("CRISISLINE_ANDROID_GATEWAY_PASSWORD", "")
ANDROID_GATEWAY_NUMBER = env_str("CRISISLINE_ANDROID_GATEWAY_NUMBER", "")
ANDROID_WEBHOOK_KEY = env_str("CRISISLINE_ANDROID_WEBHOOK_KEY", "")
# A generic HTTP SMS gateway (providers/http): a URL template ({to}, {text}, {sender}, {template_id},
# {key}), the method, the provider's names for our fields ("to=mobile,text=message,..."), the body format,
# secret headers ("Authorization: Bearer ...|X-Api-Key: ..."), where the answer holds its message id
# ("data.0.id"). Its webhooks carry INBOUND_SECRET in their path, optionally from ALLOWED_NETWORKS only.
HTTP_SMS_URL = env_url("CRISISLINE_HTTP_SMS_URL", "", schemes=("https", "http"))
HTTP_SMS_METHOD = env_choice("CRISISLINE_HTTP_SMS_METHOD", "POST", ["GET", "POST"])
HTTP_SMS_FORMAT = env_choice("CRISISLINE_HTTP_SMS_FORMAT", "form", ["form", "json"])
HTTP_SMS_SENDER = env_str("CRISISLINE_HTTP_SMS_SENDER", "")
HTTP_SMS_ID_FIELD = env_str("CRISISLINE_HTTP_SMS_ID_FIELD", "")
HTTP_INBOUND_SECRET = env_str("CRISISLINE_HTTP_INBOUND_SECRET", "")
HTTP_ALLOWED_NETWORKS = env_list("CRISISLINE_HTTP_ALLOWED_NETWORKS", [])
# Email over SMTP (providers/smtp). CA_FILE: a private certificate authority the mail server's is signed by.
SMTP_HOST = env_str("CRISISLINE_SMTP_HOST", "")
SMTP_SECURITY = env_choice("CRISISLINE_SMTP_SECURITY", "starttls", ["starttls", "ssl", "none"])
SMTP_PORT = env_int(
    "CRISISLINE_SMTP_PORT", {"starttls": 587, "ssl": 465, "none": 25}[SMTP_SECURITY], minimum=1, maximum=65535
)
SMTP_USER = env_str("CRISISLINE_SMTP_USER", "")
SMTP_PASSWORD = env_str("CRISISLINE_SMTP_PASSWORD", "")
SMTP_FROM = env_str("CRISISLINE_SMTP_FROM", "")
SMTP_CA_FILE = env_str("CRISISLINE_SMTP_CA_FILE", "")


def _gateway_settings() -> tuple[dict, dict, dict]:
    """The HTTP gateway's field names and headers, checked; the Android and SMTP providers' needs."""
    from crisisline.messaging.providers.http.config import field_names, headers, networks

    sms_fields = field_names("CRISISLINE_HTTP_SMS_FIELDS", ("to", "text", "sender", "template_id", "key"))
    inbound = field_names(
        "CRISISLINE_HTTP_INBOUND_FIELDS", ("from", "to", "text", "id", "message_id", "status")
    )
    networks("CRISISLINE_HTTP_ALLOWED_NETWORKS", HTTP_ALLOWED_NETWORKS)
    if HTTP_INBOUND_SECRET and len(HTTP_INBOUND_SECRET) < 24:
        raise ConfigError("CRISISLINE_HTTP_INBOUND_SECRET must be at least 24 random characters.")
    if ANDROID_GATEWAY_NUMBER and not ANDROID_GATEWAY_NUMBER.startswith("+"):
        raise ConfigError("CRISISLINE_ANDROID_GATEWAY_NUMBER must be in international form: +91...")
    needs: list[tuple[str, object]] = []
    if "android" in MESSAGING_PROVIDERS.values():
        needs += [
            ("CRISISLINE_ANDROID_GATEWAY_URL", ANDROID_GATEWAY_URL),
            ("CRISISLINE_ANDROID_GATEWAY_PASSWORD", ANDROID_GATEWAY_PASSWORD),
            ("CRISISLINE_ANDROID_WEBHOOK_KEY", ANDROID_WEBHOOK_KEY),
        ]
    if "http" in MESSAGING_PROVIDERS.values():
        needs += [("CRISISLINE_HTTP_SMS_URL", HTTP_SMS_URL)]
        for field in ("to", "text"):
            if HTTP_SMS_URL and f"{{{field}}}" not in HTTP_SMS_URL and field not in sms_fields:
                raise ConfigError(
                    f"CRISISLINE_HTTP_SMS_URL ({{{field}}}) or CRISISLINE_HTTP_SMS_FIELDS ({field}=...) "
                    f"must say where the {field} goes."
                )
    if "smtp" in MESSAGING_PROVIDERS.values():
        needs += [("CRISISLINE_SMTP_HOST", SMTP_HOST), ("CRISISLINE_SMTP_FROM", SMTP_FROM)]
        if SMTP_PASSWORD and SMTP_SECURITY == "none" and SMTP_HOST not in ("127.0.0.1", "localhost", "::1"):
            raise ConfigError("CRISISLINE_SMTP_SECURITY none would send the SMTP password in the clear.")
    for name, value in needs:
        if not value:
            raise ConfigError(f"{name} must be set for the provider chosen in CRISISLINE_*_PROVIDER.")
    return sms_fields, inbound, headers("CRISISLINE_HTTP_SMS_HEADERS")


HTTP_SMS_FIELDS, HTTP_INBOUND_FIELDS, HTTP_SMS_HEADERS = _gateway_settings()
# How long a worker holds a claimed escalation or message before another worker may take it over (after a
# kill -9, say). Longer than any one send may take.
WORKER_LEASE_SECONDS = env_int("CRISISLINE_WORKER_LEASE_SECONDS", 30, minimum=2, maximum=600)
# The auditor drives again (and reports) any escalation or message this many seconds past due.
AUDITOR_GRACE_SECONDS = env_int("CRISISLINE_AUDITOR_GRACE_SECONDS", 60, minimum=5, maximum=3600)
# How far ahead the worker looks for a stretch with nobody on call, to warn the team lead in time.
COVER_WARNING_HOURS = env_int("CRISISLINE_COVER_WARNING_HOURS", 48, minimum=1, maximum=24 * 14)
CRISISLINE_DEMO_ALLOWED = env_bool("CRISISLINE_DEMO_ALLOWED", not PRODUCTION)
NETWORK_NAME = _("Crisisline network")

# --- Logs: to standard error, scrubbed of anything that looks like a phone number ---------------------
LOG_LEVEL = env_choice("CRISISLINE_LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "crisisline.lib.logs.ScrubIdentifiers"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["scrub"]},
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
