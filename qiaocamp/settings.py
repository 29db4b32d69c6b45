"""QiaoCamp settings: one file, driven by environment variables.

With no environment at all it runs on embedded defaults (SQLite file, in-memory
channel layer, local-memory cache, console e-mail). DATABASE_URL and REDIS_URL
switch on PostgreSQL and Redis; QIAOCAMP_PRODUCTION=1 hardens everything so that
`manage.py check --deploy` is clean.
"""

import os
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

from qiaocamp.registry import APPS, PROJECT

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PRODUCTION = env_bool("QIAOCAMP_PRODUCTION")
DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "" if PRODUCTION else "dev-only-insecure-key-qiaocamp-0123456789-abcdefghijklmnopqrstuvwxyz"
)
if PRODUCTION and not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when QIAOCAMP_PRODUCTION=1")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address printed on login cards, certificates and calendar links.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.line",
    "allauth.socialaccount.providers.weixin",
    *APPS,
    PROJECT,  # the page shell's templates and commands (seed_demo, catalog_fallbacks)
]

MIDDLEWARE = [
    "qiaocamp.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "qiaocamp.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "qiaocamp.middleware.RequestSizeMiddleware",  # before anything reads the body; the 413 page translated
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qiaocamp.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "camp.middleware.YouthAccountPagesMiddleware",  # youth: no e-mail, no password through allauth
]

ROOT_URLCONF = "qiaocamp.urls"
WSGI_APPLICATION = "qiaocamp.wsgi.application"
ASGI_APPLICATION = "qiaocamp.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qiaocamp.context_processors.navigation",
            ],
            # `date` with the page language's own names (Lao, Burmese): camp.dateformat.
            "builtins": ["camp.templatetags.dates"],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")


def postgres_pool_options(environ=os.environ) -> dict | None:
    """Django's PostgreSQL connection pool (psycopg_pool), sized from the environment; None when off.

    Under daphne every request runs its sync view in a thread of a growing pool, and a persistent
    connection per thread (CONN_MAX_AGE > 0) exhausts PostgreSQL's connection slots (measured in
    bench/: 44 of 200 requests failed with "too many clients"). The pool caps one process at
    QIAOCAMP_DB_POOL_MAX connections and reuses them; a request waits up to
    QIAOCAMP_DB_POOL_TIMEOUT seconds for a free one. QIAOCAMP_DB_POOL=0, or a DB_CONN_MAX_AGE above
    0 (persistent connections, e.g. behind PgBouncer), turns the pool off.
    """
    pool_off = (environ.get("QIAOCAMP_DB_POOL") or "1").strip().lower() in {"0", "false", "no", "off"}
    if pool_off or int(environ.get("DB_CONN_MAX_AGE") or "0") != 0:
        return None
    min_size = int(environ.get("QIAOCAMP_DB_POOL_MIN") or "2")
    max_size = int(environ.get("QIAOCAMP_DB_POOL_MAX") or "10")
    timeout = float(environ.get("QIAOCAMP_DB_POOL_TIMEOUT") or "10")
    if not 0 <= min_size <= max_size or max_size < 1 or timeout <= 0:
        raise RuntimeError(
            "QIAOCAMP_DB_POOL_MIN must be 0 or more and at most QIAOCAMP_DB_POOL_MAX (1 or more); "
            "QIAOCAMP_DB_POOL_TIMEOUT above 0"
        )
    # max_idle: connections above min_size are closed after 5 idle minutes.
    return {"min_size": min_size, "max_size": max_size, "timeout": timeout, "max_idle": 300}


if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_health_checks=True)}
    _pool = postgres_pool_options() if DATABASES["default"]["ENGINE"].endswith("postgresql") else None
    if _pool:
        # Django refuses a pool with persistent connections: CONN_MAX_AGE stays 0.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = _pool
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE") or "0")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
            # A file, not :memory:, so live-server threads and daphne processes in tests share it.
            "TEST": {"NAME": os.environ.get("QC_TEST_DB", str(BASE_DIR / ".test-db.sqlite3"))},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache ----------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")


def channel_layer_hosts(environ=os.environ) -> list[str]:
    """The Redis servers of the channel layer: REDIS_CHANNEL_URLS (comma-separated) or REDIS_URL.

    channels_redis shards rooms (groups) and sockets over the hosts by a consistent hash of their
    name, so every process must list the same hosts in the same order (docs/scaling.md).
    """
    urls = [url.strip() for url in (environ.get("REDIS_CHANNEL_URLS") or "").split(",") if url.strip()]
    if not urls:
        return [environ["REDIS_URL"]] if environ.get("REDIS_URL") else []
    bad = [url for url in urls if not url.startswith(("redis://", "rediss://", "unix://"))]
    if bad:
        raise RuntimeError(f"REDIS_CHANNEL_URLS: not a Redis URL: {', '.join(bad)}")
    if len(set(urls)) != len(urls):
        raise RuntimeError("REDIS_CHANNEL_URLS: a host is listed twice")
    return urls


if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": channel_layer_hosts()},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "qiaocamp.cache.SharedPoolRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "qiaocamp"),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Video in the live room (docs/video.md) --------------------------------------
# The Janus media server's WebSocket API, e.g. ws://127.0.0.1:8188 (`manage.py janus_run` starts
# Janus with the project's configuration). Empty: no video in the room; it links to the meeting.
JANUS_URL = os.environ.get("JANUS_URL", "")
# Janus's API secret, admin secret and VideoRoom admin key: unset, each is derived from SECRET_KEY
# (live.video.config), so the platform and janus_run agree. Never sent to a browser.
JANUS_API_SECRET = os.environ.get("JANUS_API_SECRET", "")
JANUS_ADMIN_SECRET = os.environ.get("JANUS_ADMIN_SECRET", "")
JANUS_ROOM_ADMIN_KEY = os.environ.get("JANUS_ROOM_ADMIN_KEY", "")
# STUN/TURN for the browsers, comma-separated (stun:turn.example.org:3478,turn:turn.example.org:3478),
# and coturn's static-auth-secret: each page then gets a TURN password valid JANUS_TURN_TTL seconds.
JANUS_ICE_SERVERS = os.environ.get("JANUS_ICE_SERVERS", "")
JANUS_TURN_SECRET = os.environ.get("JANUS_TURN_SECRET", "")
JANUS_TURN_TTL = os.environ.get("JANUS_TURN_TTL", "14400")
# For janus_run: Janus's own STUN server (host:port) and public address behind 1:1 NAT, media ports,
# where the rendered configuration goes, and an offset for room numbers (two platforms, one Janus).
JANUS_STUN_SERVER = os.environ.get("JANUS_STUN_SERVER", "")
JANUS_NAT_1_1 = os.environ.get("JANUS_NAT_1_1", "")
JANUS_RTP_PORTS = os.environ.get("JANUS_RTP_PORTS", "20000-40000")
JANUS_CONFIG_DIR = os.environ.get("JANUS_CONFIG_DIR", str(BASE_DIR / ".janus"))
JANUS_ROOM_OFFSET = os.environ.get("JANUS_ROOM_OFFSET", "0")
# Where Janus writes the teacher's recordings and the converted files are kept (empty: `recordings`
# beside MEDIA_ROOT, never inside it). Janus's user must be able to write there.
JANUS_RECORDINGS_DIR = os.environ.get("JANUS_RECORDINGS_DIR", "")

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "camp.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "camp.adapters.CampAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SIGNUP_FORM_CLASS = "camp.forms.CoordinatorSignupForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[QiaoCamp] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "login_by_code": "20/m/ip,3/m/key",
}
# Sign-in with LINE and WeChat (docs/privacy.md): off unless both halves of a provider's
# credentials are set; without them the login page shows no button and its URLs answer 404
# (privacy.adapters). A social sign-up is a coordinator waiting for an organizer, like any other.
SOCIALACCOUNT_ADAPTER = "privacy.adapters.CampSocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {}
LINE_APP = {
    "client_id": os.environ.get("QIAOCAMP_LINE_CLIENT_ID", ""),
    "secret": os.environ.get("QIAOCAMP_LINE_SECRET", ""),
}
WEIXIN_APP = {
    "client_id": os.environ.get("QIAOCAMP_WEIXIN_APP_ID", ""),
    "secret": os.environ.get("QIAOCAMP_WEIXIN_SECRET", ""),
}
if all(LINE_APP.values()):
    # "email" makes allauth verify LINE's ID token, which carries the address when the person allows it.
    SOCIALACCOUNT_PROVIDERS["line"] = {"APPS": [LINE_APP], "SCOPE": ["profile", "openid", "email"]}
if all(WEIXIN_APP.values()):
    SOCIALACCOUNT_PROVIDERS["weixin"] = {"APPS": [WEIXIN_APP], "SCOPE": ["snsapi_login"]}
# Where the LINE/WeChat buttons send the browser (the CSP's form-action names them, qiaocamp.middleware).
SOCIALACCOUNT_AUTHORIZE_ORIGINS = {"line": "https://access.line.me", "weixin": "https://open.weixin.qq.com"}
# Always the sign-up form (name, time zone, language; e-mail optional: WeChat gives none).
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_REQUIRED = False
# The provider proved who signs in; an address typed on the form gets a confirmation mail but
# does not hold the login up. Addresses are never used to join a social login to an account.
SOCIALACCOUNT_EMAIL_VERIFICATION = "optional"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
# allauth's per-IP limits group IPv6 by /64, as camp.ratelimit.IPV6_PREFIX does for ours.
ALLAUTH_RATE_LIMIT_IPV6_PREFIX = 64
# Youth join-code login (camp.services.join): attempts per IP and per code.
JOIN_RATE_LIMIT_PER_IP = (int(os.environ.get("JOIN_RATE_LIMIT_PER_IP", "20")), 60)
JOIN_RATE_LIMIT_PER_CODE = (int(os.environ.get("JOIN_RATE_LIMIT_PER_CODE", "10")), 300)

# Data rights (docs/privacy.md): a camp's personal data is erased this many months after its last day.
QIAOCAMP_RETENTION_MONTHS = int(os.environ.get("QIAOCAMP_RETENTION_MONTHS", "12"))

# --- E-mail -----------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "QiaoCamp <noreply@qiaocamp.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Languages and time ------------------------------------------------------
# Lao is not in Django's LANG_INFO; without this entry get_language_info('lo') fails.
LANG_INFO["lo"] = {"bidi": False, "code": "lo", "name": "Lao", "name_local": "ລາວ"}
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", _("Simplified Chinese")),
    ("en", _("English")),
    ("th", _("Thai")),
    ("lo", _("Lao")),
    ("my", _("Burmese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"  # Beijing time: where the teachers and the federation work.
LANGUAGE_COOKIE_NAME = "qiaocamp_language"
# Per-language date formats and names, one (Gregorian) calendar per language: qiaocamp/formats/.
FORMAT_MODULE_PATH = ["qiaocamp.formats"]

MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_LANGUAGES = ("zh-hans", "en", "th", "lo", "my")
# A Lao reader understands Thai far better than English; everybody falls back to Chinese last.
MODELTRANSLATION_FALLBACK_LANGUAGES = {
    "default": ("zh-hans",),
    "en": ("zh-hans",),
    "th": ("en", "zh-hans"),
    "lo": ("th", "en", "zh-hans"),
    "my": ("en", "zh-hans"),
}
JQUERY_URL = "vendor/jquery-3.7.1.min.js"
JQUERY_UI_URL = "vendor/jquery-ui-1.14.1.min.js"

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media")))
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Any request body, files included (qiaocamp.middleware: 413 before it is read). The largest
# legitimate one is a lesson attachment of 20 MiB in its multipart envelope; nginx's
# client_max_body_size says the same (README).
QIAOCAMP_MAX_REQUEST_BYTES = int(os.environ.get("QIAOCAMP_MAX_REQUEST_BYTES", str(25 * 1024 * 1024)))

# --- Security -------------------------------------------------------------
# The reverse proxies in front of daphne (addresses or networks). Only a request from one of them
# has its X-Forwarded-For read: the client is the rightmost address in it that is not one of these
# (qiaocamp.middleware.client_from). Daphne runs without --proxy-headers (README, deployment).
QIAOCAMP_TRUSTED_PROXIES = env_list("QIAOCAMP_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True  # read by the server only
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
