"""The one settings module of Lifeline.

Production differs from the embedded default only through environment variables (see
`.env.example`). With nothing set, the platform runs on one machine with no servers:
SQLite in ./var, in-memory channel layer, local-memory cache, eager background jobs,
console e-mail. The embedded default is never insecure: DEBUG is off unless asked for, and
without DEBUG a missing secret key fails fast.
"""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path
from typing import Literal

import environ
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lifeline.core import map_tiles

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# `.env` is read only when present (it is git-ignored); real deployments set variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("LIFELINE_VAR_DIR", default=str(BASE_DIR / "var")))

# --- Core -------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or env.bool("LIFELINE_EMBEDDED", default=False):
        # Embedded/debug runs get a per-install key kept in ./var, never committed.
        _key_file = VAR_DIR / "secret-key"
        if _key_file.exists():
            SECRET_KEY = _key_file.read_text().strip()
        else:
            from django.utils.crypto import get_random_string

            VAR_DIR.mkdir(parents=True, exist_ok=True)
            SECRET_KEY = get_random_string(64)
            _key_file.write_text(SECRET_KEY)
            _key_file.chmod(0o600)
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off "
            "(use `lifeline serve` for the embedded default, or copy .env.example to .env)."
        )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    # Before django.contrib.admin: its admin/base_site.html themes the admin.
    "lifeline.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_prometheus",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    # Swagger UI and Redoc as static files: /api/docs/ needs no CDN (CSP, hospital networks).
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "corsheaders",
    "csp",
    "django_htmx",
    "template_partials",
    "django_guid",
    "phonenumber_field",
    "channels",
    "lifeline.core",
    "lifeline.accounts",
    "lifeline.access",
    "lifeline.audit",
    "lifeline.notifications",
    "lifeline.realtime",
    "lifeline.files",
    "lifeline.ops",
    "lifeline.jobs",
    # Domain modules (one per seed); each may use the shared apps above, never another
    # domain module except through its selectors/services (import-linter contracts).
    "lifeline.clinic",
    "lifeline.chat",
    "lifeline.sos",
    "lifeline.ambulance",
    "lifeline.freelance",
    "lifeline.fieldservice",
    "lifeline.market",
    "lifeline.content",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lifeline.accounts.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Web pages: forced password change / 2FA enrolment, and dates in the user's time zone.
    "lifeline.web.middleware.RestrictionMiddleware",
    "lifeline.web.middleware.UserTimezoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lifeline.ops.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # WAL lets readers work while one writer commits; IMMEDIATE avoids lock upgrades.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
else:
    _db["ENGINE"] = "django.db.backends.postgresql"
    # WSGI roles reuse connections; the ASGI role must not (decision 3 in ARCHITECTURE.md).
    _db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    _db["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, channel layer, Celery -------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache with one Redis client per pool (see lifeline/core/cache.py).
            "BACKEND": "lifeline.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lifeline",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py caps a pool at 100 connections and times reads out at 5 s, the same
            # as channels-redis' receive wait: 1,000 sockets then fail to connect or drop
            # events (measured in benchmarks/realtime_fanout.py).
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "max_connections": 1000, "socket_timeout": 30}],
                "prefix": "lifeline",
                # channels-redis queues every event for one ASGI process in one Redis list and
                # silently drops new ones past `capacity` (default 100): at 60 chat msg/s that
                # lost 119-517 frames per run while every send got 201; 10,000 lost none
                # (benchmarks/chat_roles.py --channel-capacity). Events still expire after 60 s.
                "capacity": env.int("LIFELINE_CHANNEL_CAPACITY", default=10_000),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# WebSocket Origins accepted besides the request's own host (e.g. "https://app.example.com",
# "https://.example.com" for subdomains). Empty: same host only.
LIFELINE_WS_ALLOWED_ORIGINS = env.list("LIFELINE_WS_ALLOWED_ORIGINS", default=[])
# Seconds a WebSocket counts as online after its last heartbeat (presence, in the cache).
LIFELINE_PRESENCE_TTL = env.int("LIFELINE_PRESENCE_TTL", default=60)
# Seconds the user behind an API token stays cached (invalidated at once on any change of the
# user or its session; 0 = off). See lifeline/accounts/auth_cache.py.
LIFELINE_AUTH_CACHE_TTL = env.int("LIFELINE_AUTH_CACHE_TTL", default=30)
# Allow that cache on a process-local cache (LocMemCache): single-process servers only, where a
# revocation in one process cannot be missed by another. `lifeline serve` turns it on.
LIFELINE_AUTH_CACHE_LOCAL = env.bool("LIFELINE_AUTH_CACHE_LOCAL", default=False)

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
# Without a broker, jobs run in-process (eagerly) so the embedded default needs no servers.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
# A task whose worker process died (OOM, SIGKILL) is requeued at once instead of acked.
# Every task is idempotent (STYLE.md 2.8), so running one again is safe.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 300
# Redis broker: a message fetched by a worker that then died (the whole worker, so no
# reject) is redelivered after this many seconds, not Celery's default of an hour. It must
# exceed the longest hard time limit, or a slow live task would run twice. No task relies on
# it: what must happen is a database deadline re-run by a sweep (lifeline/core/tasks.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 60}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes every database connection before and after each task unless
# this is set (it closes every 2 × N tasks instead), ignoring CONN_MAX_AGE: each task paid a
# new PostgreSQL connection (a server process, authentication, session setup) and lost its
# prepared statements. Set "never" here; config/celery.py applies Django's own rules
# (CONN_MAX_AGE, CONN_HEALTH_CHECKS, broken connections) around each task instead.
CELERY_DB_REUSE_MAX = 2**62

# --- Auth and accounts ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lifeline.accounts.backends.EmailOrPhoneBackend",
    # Admin model permissions for platform admins (staff, not necessarily superusers).
    "lifeline.web.backends.PlatformAdminPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Verified and upgraded to Argon2id at the next successful login.
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
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
    {"NAME": "lifeline.accounts.passwords.CharacterClassValidator"},
    {"NAME": "lifeline.accounts.passwords.PasswordHistoryValidator"},
]
LIFELINE_PASSWORD_HISTORY = env.int("LIFELINE_PASSWORD_HISTORY", default=5)
LIFELINE_PASSWORD_MAX_AGE_DAYS = env.int("LIFELINE_PASSWORD_MAX_AGE_DAYS", default=90)
# Roles whose members must use 2FA. Comma-separated Role values.
LIFELINE_2FA_REQUIRED_ROLES = env.list(
    "LIFELINE_2FA_REQUIRED_ROLES",
    default=[
        "doctor",
        "clinic_admin",
        "dispatcher",
        "sos_admin",
        "ambulance_admin",
        "director",
        "platform_admin",
    ],
)
# Inactivity logout for clinical and emergency roles (seconds).
LIFELINE_CLINICAL_IDLE_TIMEOUT = env.int("LIFELINE_CLINICAL_IDLE_TIMEOUT", default=30 * 60)
LIFELINE_CLINICAL_ROLES = env.list(
    "LIFELINE_CLINICAL_ROLES",
    default=["doctor", "clinic_admin", "dispatcher", "crew", "sos_admin", "ambulance_admin"],
)
LIFELINE_VERIFICATION_CODE_TTL = 10 * 60
LIFELINE_VERIFICATION_MAX_ATTEMPTS = 5
LIFELINE_VERIFICATION_RESEND_SECONDS = 60
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Failures count per account, whatever the address: rotating (or spoofing) addresses cannot
# buy more guesses against one account. The "username" is the account key (accounts.lockout).
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lifeline.accounts.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "lifeline.accounts.lockout.username_from_request"
AXES_VERBOSE = False
# accounts.LoginEvent is the login history; axes' own access log would also force a session
# (and a cookie) onto every API login.
AXES_DISABLE_ACCESS_LOG = True
# Reverse proxies of ours in front of the app; X-Forwarded-For is trusted for exactly this many
# hops counted from the right (lifeline.core.http.client_address, used by axes, the API
# throttles, audit and login history alike).
LIFELINE_PROXY_COUNT = env.int("LIFELINE_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "lifeline.core.http.client_address"

OTP_TOTP_ISSUER = "Lifeline"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=12 * 3600)
CSRF_COOKIE_SAMESITE = "Lax"
HTTPS = env.bool(
    "LIFELINE_HTTPS", default=not DEBUG and not env.bool("LIFELINE_EMBEDDED", default=False)
)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# The language switch's cookie: same rules as the session's (Django's defaults send it over
# plain HTTP too, with no SameSite). No script reads it.
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE: Literal["Lax"] = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS: list[str] = [
    # axes.W006 wants "ip_address" in AXES_LOCKOUT_PARAMETERS. We lock per account on purpose
    # (rotating or spoofed addresses must not buy guesses); a per-address lockout would lock a
    # whole hospital behind one NAT address. Addresses are rate-limited instead: the login
    # throttles (API and web sign-in) key on lifeline.core.http.client_address.
    "axes.W006",
]

# Background tiles of the Leaflet maps: a URL template ({z}/{x}/{y}, optionally {s}) and the
# attribution shown on the map (HTML). Empty: no tiles; the map shows a scale, a legend and its
# markers, as it does when the tile server cannot be reached. The server joins img-src below.
LIFELINE_MAP_TILES_URL = env.str("LIFELINE_MAP_TILES_URL", default=map_tiles.OSM_TILES_URL)
LIFELINE_MAP_TILES_ATTRIBUTION = env.str(
    "LIFELINE_MAP_TILES_ATTRIBUTION",
    default=map_tiles.OSM_ATTRIBUTION if LIFELINE_MAP_TILES_URL == map_tiles.OSM_TILES_URL else "",
)
try:
    _MAP_TILES_SOURCE = map_tiles.csp_source(LIFELINE_MAP_TILES_URL)
except ValueError as error:
    raise ImproperlyConfigured(f"LIFELINE_MAP_TILES_URL: {error}") from error

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # NONCE: django-csp adds 'nonce-…' when a template reads request.csp_nonce.
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        # Tiles are <img> elements (no fetch/XHR), so their server needs img-src only.
        "img-src": [
            "'self'",
            "data:",
            "blob:",
            *([_MAP_TILES_SOURCE] if _MAP_TILES_SOURCE else []),
        ],
        "connect-src": ["'self'", "ws:", "wss:"] if DEBUG else ["'self'", "wss:"],
        "media-src": ["'self'", "blob:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
# Browsers hide response headers from scripts unless listed (X-Request-ID for support tickets).
CORS_EXPOSE_HEADERS = [
    "X-Request-ID",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
]

# --- REST framework ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lifeline.accounts.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "lifeline.core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "lifeline.core.api.errors.exception_handler",
    # DRF's JSON parser with a nesting limit (400 json_too_deep instead of a RecursionError).
    "DEFAULT_PARSER_CLASSES": [
        "lifeline.core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "lifeline.core.api.throttling.AnonRateThrottle",
        "lifeline.core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("LIFELINE_THROTTLE_ANON", default="60/min"),
        "user": env.str("LIFELINE_THROTTLE_USER", default="1200/min"),
        "auth": env.str("LIFELINE_THROTTLE_AUTH", default="10/min"),
        "verification": env.str("LIFELINE_THROTTLE_VERIFICATION", default="5/min"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "sub",
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default=SECRET_KEY),
    "AUTH_HEADER_TYPES": ("Bearer",),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Lifeline API",
    "DESCRIPTION": (
        "One platform: pain-assessment clinic, wearable SOS, ambulance dispatch, field service, "
        "marketplace. Errors are RFC 9457 problem details with a stable `code`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "lifeline.access.enums.OrganizationKind",
        "RoleEnum": "lifeline.access.enums.Role",
        "FileKindEnum": "lifeline.files.enums.FileKind",
        "DeviceKindEnum": "lifeline.notifications.enums.DeviceKind",
        "LabelActionEnum": "lifeline.clinic.enums.LabelAction",
        "DecisionActionEnum": "lifeline.clinic.enums.DecisionAction",
        "CatalogueKindEnum": "lifeline.clinic.enums.CatalogueKind",
        "AmbulanceCallStatusEnum": "lifeline.ambulance.enums.CallStatus",
        "AmbulanceCallListStatusEnum": "lifeline.ambulance.enums.LISTABLE_STATUS_CHOICES",
        "AmbulanceCrewStepEnum": "lifeline.ambulance.enums.CREW_STEP_CHOICES",
        "AmbulanceCriticalityEnum": "lifeline.ambulance.enums.Criticality",
        "AmbulanceRejectReasonEnum": "lifeline.ambulance.enums.RejectReason",
        "AmbulanceTroubleKindEnum": "lifeline.ambulance.enums.TroubleKind",
        "AmbulanceEquipmentClassEnum": "lifeline.ambulance.enums.EquipmentClass",
        "AmbulanceSexEnum": "lifeline.ambulance.enums.Sex",
        "AmbulanceCallSourceEnum": "lifeline.ambulance.enums.CallSource",
        "AmbulanceStaffRoleEnum": "lifeline.ambulance.api.staff.ROLE_CHOICES",
        "FreelanceGigStatusEnum": "lifeline.freelance.enums.GigStatus",
        "FreelanceOrderStatusEnum": "lifeline.freelance.enums.OrderStatus",
        "FreelanceOrderEventKindEnum": "lifeline.freelance.enums.OrderEventKind",
        "FreelancePackageTierEnum": "lifeline.freelance.enums.PackageTier",
        "FreelanceOrderTierEnum": "lifeline.freelance.enums.OrderTier",
        "FreelanceLedgerAccountEnum": "lifeline.freelance.enums.LedgerAccount",
        "FreelanceLedgerKindEnum": "lifeline.freelance.enums.LedgerKind",
        "FreelanceDisputeStatusEnum": "lifeline.freelance.enums.DisputeStatus",
        "FreelanceDisputeOutcomeEnum": "lifeline.freelance.enums.DisputeOutcome",
        "FreelanceOfferStatusEnum": "lifeline.freelance.enums.OfferStatus",
        "FieldRequestStatusEnum": "lifeline.fieldservice.enums.RequestStatus",
        "CallbackStatusEnum": "lifeline.fieldservice.enums.CallbackStatus",
        "FieldStaffStatusEnum": "lifeline.fieldservice.enums.StaffStatus",
        "FieldAlertKindEnum": "lifeline.fieldservice.enums.AlertKind",
        "FieldStaffRoleEnum": "lifeline.fieldservice.enums.STAFF_ROLE_CHOICES",
        "MarketProductStatusEnum": "lifeline.market.enums.ProductStatus",
        "MarketOrderStatusEnum": "lifeline.market.enums.OrderStatus",
        "MarketConditionEnum": "lifeline.market.enums.Condition",
        "ContentStatusEnum": "lifeline.content.enums.ContentStatus",
        "ContentMembershipStatusEnum": "lifeline.content.enums.MembershipStatus",
        "ContentFlagStatusEnum": "lifeline.content.enums.FlagStatus",
        "ContentFlagReasonEnum": "lifeline.content.enums.FlagReason",
        "ContentChannelRoleEnum": "lifeline.content.enums.ChannelRole",
        "ContentVisibilityEnum": "lifeline.content.enums.Visibility",
    },
}

# --- I18N -------------------------------------------------------------------------------
LANGUAGE_CODE = env.str("DJANGO_LANGUAGE_CODE", default="ru")
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Leaflet is served from the copy inside the django-leaflet wheel (static/leaflet/leaflet.js,
# leaflet.css, images/), without installing the app: its admin needs GDAL (decision 7).
STATICFILES_DIRS = [Path(importlib.util.find_spec("leaflet").origin).parent / "static"]  # type: ignore[arg-type, union-attr]
MEDIA_ROOT = Path(env.str("LIFELINE_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# No MEDIA_URL is served: files are streamed through views that check access.
MEDIA_URL = "/media-not-public/"
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# S3-compatible object storage (AWS S3, MinIO, Yandex Object Storage …) for uploads when a
# bucket is named. Objects stay private: no ACL is set (the bucket policy decides, and it must
# not be public) and any URL the backend builds is pre-signed; Lifeline itself streams files
# through views that check access. Credentials fall back to boto3's own chain (AWS_* env vars,
# instance role) when LIFELINE_S3_ACCESS_KEY_ID is not set.
LIFELINE_S3_BUCKET = env.str("LIFELINE_S3_BUCKET", default="") or env.str(
    "AWS_STORAGE_BUCKET_NAME", default=""
)
if LIFELINE_S3_BUCKET:
    _s3_options = {
        "bucket_name": LIFELINE_S3_BUCKET,
        "endpoint_url": env.str("LIFELINE_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("LIFELINE_S3_REGION", default="") or None,
        "location": env.str("LIFELINE_S3_PREFIX", default=""),
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": env.int("LIFELINE_S3_URL_EXPIRE_SECONDS", default=300),
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "private, no-store"},
    }
    if env.str("LIFELINE_S3_ACCESS_KEY_ID", default=""):
        _s3_options["access_key"] = env.str("LIFELINE_S3_ACCESS_KEY_ID")
        _s3_options["secret_key"] = env.str("LIFELINE_S3_SECRET_ACCESS_KEY")
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options}

# Uploads: per-kind limits (bytes) override the defaults in lifeline/files/kinds.py through
# LIFELINE_UPLOAD_MAX_BYTES_<KIND> (IMAGE, DOCUMENT, ATTACHMENT, VOICE, CALL_RECORDING,
# DELIVERABLE). The reverse proxy's body limit (nginx client_max_body_size) must be at least
# the largest, and at least LIFELINE_UPLOAD_CHUNK_MAX_BYTES.
LIFELINE_UPLOAD_MAX_BYTES = {
    _kind: env.int(f"LIFELINE_UPLOAD_MAX_BYTES_{_kind.upper()}")
    for _kind in ("image", "document", "attachment", "voice", "call_recording", "deliverable")
    if env.str(f"LIFELINE_UPLOAD_MAX_BYTES_{_kind.upper()}", default="")
}
# Resumable uploads (sent in parts; lifeline/files/conf.py): the largest file of a kind that
# takes them (LIFELINE_UPLOAD_RESUMABLE_MAX_BYTES_DELIVERABLE, default 1 GiB), the largest part,
# hours a session lives after its last part, unfinished uploads per person, and the local
# directory (shared by every web process) where parts wait: default MEDIA_ROOT/partial-uploads.
LIFELINE_UPLOAD_RESUMABLE_MAX_BYTES = {
    _kind: env.int(f"LIFELINE_UPLOAD_RESUMABLE_MAX_BYTES_{_kind.upper()}")
    for _kind in ("deliverable",)
    if env.str(f"LIFELINE_UPLOAD_RESUMABLE_MAX_BYTES_{_kind.upper()}", default="")
}
LIFELINE_UPLOAD_CHUNK_MAX_BYTES = env.int("LIFELINE_UPLOAD_CHUNK_MAX_BYTES", default=8 * 1024**2)
LIFELINE_UPLOAD_SESSION_HOURS = env.int("LIFELINE_UPLOAD_SESSION_HOURS", default=24)
# Files uploaded but attached to nothing (a delivery, a gig image, a message…) are deleted with
# their bytes this many hours after the upload (files.purge_unattached, hourly).
LIFELINE_UPLOAD_UNATTACHED_HOURS = env.int("LIFELINE_UPLOAD_UNATTACHED_HOURS", default=24)
LIFELINE_UPLOAD_MAX_OPEN_SESSIONS = env.int("LIFELINE_UPLOAD_MAX_OPEN_SESSIONS", default=10)
LIFELINE_UPLOAD_STAGING_DIR = env.str("LIFELINE_UPLOAD_STAGING_DIR", default="")
LIFELINE_UPLOAD_MAX_IMAGE_PIXELS = env.int("LIFELINE_UPLOAD_MAX_IMAGE_PIXELS", default=50_000_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads spool to a temporary file
FILE_UPLOAD_PERMISSIONS = 0o600  # medical data: readable by the service account only
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- E-mail -----------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Lifeline <no-reply@lifeline.local>")

# --- Notifications ----------------------------------------------------------------------
# Every vendor is off unless <VENDOR>_ENABLED: then e-mail goes through EMAIL_BACKEND (console
# by default), SMS to the console, and push is skipped. Secrets come only from the environment.
FCM_ENABLED = env.bool("FCM_ENABLED", default=False)
WEBPUSH_ENABLED = env.bool("WEBPUSH_ENABLED", default=False)
SMS_ENABLED = env.bool("SMS_ENABLED", default=False)
UNISENDER_GO_ENABLED = env.bool("UNISENDER_GO_ENABLED", default=False)
NOTIFICATIONS = {
    "FCM": {
        "ENABLED": FCM_ENABLED,
        "PROJECT_ID": env.str("FCM_PROJECT_ID", default=""),  # default: the service account's
        "CREDENTIALS_FILE": env.str("FCM_CREDENTIALS_FILE", default=""),  # service-account JSON
    },
    "WEBPUSH": {
        "ENABLED": WEBPUSH_ENABLED,
        "VAPID_PRIVATE_KEY": env.str("WEBPUSH_VAPID_PRIVATE_KEY", default=""),
        "VAPID_PUBLIC_KEY": env.str("WEBPUSH_VAPID_PUBLIC_KEY", default=""),  # derived if empty
        "VAPID_SUBJECT": env.str("WEBPUSH_VAPID_SUBJECT", default="mailto:admin@lifeline.local"),
        "TTL_SECONDS": env.int("WEBPUSH_TTL_SECONDS", default=24 * 3600),
        "ALLOWED_ENDPOINT_HOSTS": env.list(
            "WEBPUSH_ALLOWED_ENDPOINT_HOSTS",
            default=[
                "fcm.googleapis.com",
                "push.services.mozilla.com",
                "notify.windows.com",
                "push.apple.com",
            ],
        ),
    },
    "SMS": {
        "ENABLED": SMS_ENABLED,
        "HTTP_URL": env.str("SMS_HTTP_URL", default=""),
        "HTTP_TOKEN": env.str("SMS_HTTP_TOKEN", default=""),
        "SENDER": env.str("SMS_SENDER", default="Lifeline"),
    },
    "HTTP_TIMEOUT_SECONDS": env.float("NOTIFICATIONS_HTTP_TIMEOUT_SECONDS", default=10.0),
}
if UNISENDER_GO_ENABLED:
    EMAIL_BACKEND = "anymail.backends.unisender_go.EmailBackend"
    ANYMAIL = {
        "UNISENDER_GO_API_KEY": env.str("UNISENDER_GO_API_KEY"),
        # The account's data centre, e.g. https://go2.unisender.ru/ru/transactional/api/v1/
        "UNISENDER_GO_API_URL": env.str(
            "UNISENDER_GO_API_URL", default="https://go1.unisender.ru/ru/transactional/api/v1/"
        ),
    }

# --- Audit ------------------------------------------------------------------------------
LIFELINE_AUDIT_RETENTION_DAYS = env.int("LIFELINE_AUDIT_RETENTION_DAYS", default=365)

# --- Logging ----------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    # False: django-guid would overwrite Access-Control-Expose-Headers; CORS_EXPOSE_HEADERS
    # lists X-Request-ID instead.
    "EXPOSE_HEADER": False,
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "correlation_id": {"()": "django_guid.log_filters.CorrelationId"},
        "redact": {"()": "lifeline.ops.logging.RedactSecretsFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "correlation_id": "request_id",
            },
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT if LOG_FORMAT in ("json", "text") else "json",
            "filters": ["correlation_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "django_guid": {"level": "WARNING"},
        # uvicorn (`lifeline run ws`, `lifeline serve`) logs each WebSocket handshake with its
        # query string, which may carry `?token=`: its lines go through our redacting handler.
        # No level here, so uvicorn's --log-level still applies.
        "uvicorn": {"handlers": ["console"], "propagate": False},
    },
}

SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    from lifeline.ops.sentry import before_send

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        send_default_pii=False,  # medical platform: never ship personal data to a third party
        include_local_variables=False,  # frame locals can hold patient data
        max_request_body_size="never",
        before_send=before_send,  # type: ignore[arg-type]
        before_send_transaction=before_send,  # type: ignore[arg-type]
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
    )

PROMETHEUS_EXPORT_MIGRATIONS = False
# /metrics answers only these networks, or a request with `Authorization: Bearer <token>`.
LIFELINE_METRICS_ALLOWED_CIDRS = env.list(
    "LIFELINE_METRICS_ALLOWED_CIDRS", default=["127.0.0.1/32", "::1/128"]
)
LIFELINE_METRICS_TOKEN = env.str("LIFELINE_METRICS_TOKEN", default="")

# --- Clinic -------------------------------------------------------------------------------
# Licensed questionnaire wording (HADS; DN4/CSI where the licence requires), installed per
# deployment as a separate strings file (clinical-rules.md §E). Unset: neutral short labels.
CLINIC_LICENSED_STRINGS_PATH = env.str("CLINIC_LICENSED_STRINGS_PATH", default="") or None
# Days between archiving a patient and deleting the record (the daily purge task).
CLINIC_ARCHIVE_RETENTION_DAYS = env.int("CLINIC_ARCHIVE_RETENTION_DAYS", default=30)

# --- Messenger (lifeline.chat) --------------------------------------------------------------
LIFELINE_CHAT_EDIT_WINDOW_SECONDS = env.int("LIFELINE_CHAT_EDIT_WINDOW_SECONDS", default=15 * 60)
LIFELINE_CHAT_MAX_TEXT_LENGTH = env.int("LIFELINE_CHAT_MAX_TEXT_LENGTH", default=4000)
LIFELINE_CHAT_MAX_ATTACHMENT_BYTES = env.int(
    "LIFELINE_CHAT_MAX_ATTACHMENT_BYTES", default=10 * 1024 * 1024
)
LIFELINE_CHAT_MAX_VOICE_BYTES = env.int("LIFELINE_CHAT_MAX_VOICE_BYTES", default=3 * 1024 * 1024)
LIFELINE_CHAT_MAX_VOICE_SECONDS = env.int("LIFELINE_CHAT_MAX_VOICE_SECONDS", default=180)
LIFELINE_CHAT_REPLY_TARGET_MINUTES = env.int("LIFELINE_CHAT_REPLY_TARGET_MINUTES", default=24 * 60)
# 0 keeps every message; otherwise the daily purge erases older ones.
LIFELINE_CHAT_RETENTION_DAYS = env.int("LIFELINE_CHAT_RETENTION_DAYS", default=0)

# --- SOS ------------------------------------------------------------------------------------
# Device track points go through a Redis buffer drained in chunks by `sos.drain_locations`
# (lifeline/sos/ingest.py). Unset: buffered when Redis is configured and tasks are not eager;
# true/false forces it.
SOS_INGEST_BUFFER = env.bool("SOS_INGEST_BUFFER", default=None)
# The slug of the default SOS service: people in no SOS-service organization join it when they
# register a device (device owner) or volunteer (a helper request its SOS admins approve);
# its admins see their events and its settings apply. Created on first use if missing.
# Empty: no default service (such events reach platform admins only).
LIFELINE_DEFAULT_SOS_SERVICE = env.str("LIFELINE_DEFAULT_SOS_SERVICE", default="sos")

# --- Ambulance (lifeline.ambulance) ---------------------------------------------------------
# A self-hosted OSRM (http://host:5000): road ETAs for team suggestions (`table`) and the
# crew's route line (`route`). Unset: great-circle ETAs at AMBULANCE_ETA_SPEED_KMH and a
# straight line. A timeout or error falls back the same way (logged, never an error).
OSRM_URL = env.str("OSRM_URL", default="")
OSRM_PROFILE = env.str("OSRM_PROFILE", default="driving")
OSRM_TIMEOUT_SECONDS = env.float("OSRM_TIMEOUT_SECONDS", default=2.0)

# --- Field service (lifeline.fieldservice) --------------------------------------------------
# Mango Office VPBX: the API key and salt sign outbound calls and verify inbound webhooks
# (sign = sha256(key + json + salt)). Unset: webhooks answer 403 and click-to-call is off.
FIELDSERVICE_MANGO_API_KEY = env.str("FIELDSERVICE_MANGO_API_KEY", default="")
FIELDSERVICE_MANGO_API_SALT = env.str("FIELDSERVICE_MANGO_API_SALT", default="")
FIELDSERVICE_MANGO_BASE_URL = env.str(
    "FIELDSERVICE_MANGO_BASE_URL", default="https://app.mango-office.ru/vpbx/"
)
# Webhooks per source address and web process (a PBX posts every leg of every call; the
# benchmark is 200/s); counted in the process's memory (fieldservice/api/webhooks.py).
FIELDSERVICE_MANGO_RATE = env.str("FIELDSERVICE_MANGO_RATE", default="30000/min")
# Alerts (services/alerts.py): rules evaluated by the sweep, sent to one Telegram chat with
# a reminder every REPEAT minutes and at most MAX_PER_RUN messages per sweep.
FIELDSERVICE_TELEGRAM_BOT_TOKEN = env.str("FIELDSERVICE_TELEGRAM_BOT_TOKEN", default="")
FIELDSERVICE_TELEGRAM_CHAT_ID = env.str("FIELDSERVICE_TELEGRAM_CHAT_ID", default="")
FIELDSERVICE_TELEGRAM_API_URL = env.str(
    "FIELDSERVICE_TELEGRAM_API_URL", default="https://api.telegram.org"
)
FIELDSERVICE_ALERT_REPEAT_MINUTES = env.int("FIELDSERVICE_ALERT_REPEAT_MINUTES", default=240)
FIELDSERVICE_ALERTS_MAX_PER_RUN = env.int("FIELDSERVICE_ALERTS_MAX_PER_RUN", default=20)
# Call recordings the PBX mails to an IMAP mailbox (services/mail_recordings.py), read by
# the periodic `fieldservice.poll_mailbox` (read-only). Unset host/user/password: off.
FIELDSERVICE_IMAP_HOST = env.str("FIELDSERVICE_IMAP_HOST", default="")
FIELDSERVICE_IMAP_PORT = env.int("FIELDSERVICE_IMAP_PORT", default=993)
FIELDSERVICE_IMAP_SSL = env.bool("FIELDSERVICE_IMAP_SSL", default=True)
FIELDSERVICE_IMAP_USER = env.str("FIELDSERVICE_IMAP_USER", default="")
FIELDSERVICE_IMAP_PASSWORD = env.str("FIELDSERVICE_IMAP_PASSWORD", default="")
FIELDSERVICE_IMAP_FOLDER = env.str("FIELDSERVICE_IMAP_FOLDER", default="INBOX")
FIELDSERVICE_IMAP_DAYS_BACK = env.int("FIELDSERVICE_IMAP_DAYS_BACK", default=3)
FIELDSERVICE_IMAP_TIMEZONE = env.str("FIELDSERVICE_IMAP_TIMEZONE", default="Europe/Moscow")
