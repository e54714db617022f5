"""Django settings for Trygg.

Everything that differs between a laptop demo and production comes from environment variables,
with safe defaults for the demo: ``DATABASE_URL``, ``SECRET_KEY``, ``DEBUG``, ``ALLOWED_HOSTS``,
``TRYGG_VAR_DIR``, ``TRYGG_MAP_TILES``.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("TRYGG_VAR_DIR", PROJECT_DIR / "var"))
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


DEBUG = _env_bool("DEBUG", False)
# Demo mode (scripts/demo, `trygg serve --demo`): the public demo key below is allowed. Anything else
# with DEBUG off refuses to start with it (trygg.web.checks.require_secret_key).
TRYGG_DEMO = _env_bool("TRYGG_DEMO", False)
DEMO_SECRET_KEY = "trygg-demo-only-secret-key-change-me-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or DEMO_SECRET_KEY
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "trygg.areas",
    "trygg.accounts",
    "trygg.incidents",
    "trygg.picture",
    "trygg.work",
    "trygg.surveys",
    "trygg.reports",
    "trygg.jobs",
    "trygg.api",
    "trygg.sso",
    "djangosaml2",
    "trygg.web",
    "trygg.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "trygg.web.middleware.NoStoreMiddleware",
    "trygg.reports.pdf_engine.PdfUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
    "djangosaml2.middleware.SamlSessionMiddleware",
]

ROOT_URLCONF = "trygg.urls"
WSGI_APPLICATION = "trygg.wsgi.application"

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
                "trygg.web.context.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'trygg.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Concurrent use of SQLite: write-ahead logging (readers never wait for a writer), a busy
    # timeout instead of an immediate "database is locked", and IMMEDIATE transactions so that a
    # transaction that will write takes the lock at its start and waits for it (a DEFERRED one that
    # reads first cannot wait, it fails). Imports prepare everything before their one short write
    # transaction (trygg.incidents.importing.import_run). More than a few users: use PostgreSQL.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": int(os.environ.get("TRYGG_SQLITE_TIMEOUT", "30")),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    })

elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # No JIT compilation: the pages' queries read a few index entries, but where the planner
    # overestimates the rows (a partial index's condition, e.g. the police events placed outside
    # their municipality: 185,000 estimated, none read) compiling the plan took 20–50 ms of a
    # query that runs in 0.1 ms. Options given in DATABASE_URL win.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", os.environ.get("TRYGG_POSTGRES_OPTIONS", "-c jit=off"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _cache(url: str) -> dict:
    """A cache from ``TRYGG_FIGURE_CACHE``: ``file:///path`` (default: ``var/cache/figures``, shared by
    every server process), ``locmem://`` (one per process), ``db://table`` (after ``trygg manage
    createcachetable``), ``redis://host:6379/0`` or ``dummy://``."""
    scheme, _sep, rest = url.partition("://")
    backends = {"locmem": "locmem.LocMemCache", "file": "filebased.FileBasedCache", "db": "db.DatabaseCache",
                "redis": "redis.RedisCache", "rediss": "redis.RedisCache", "dummy": "dummy.DummyCache"}
    if scheme not in backends:
        raise ValueError(f"TRYGG_FIGURE_CACHE: use one of {', '.join(s + '://' for s in backends)}, not {url!r}")
    location = url if scheme.startswith("redis") else rest or "trygg-figures"
    return {"BACKEND": f"django.core.cache.backends.{backends[scheme]}", "LOCATION": location,
            "TIMEOUT": int(os.environ.get("TRYGG_FIGURE_CACHE_SECONDS", str(24 * 3600))),
            # entries of past data versions are never read again; beyond this many a third is culled
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("TRYGG_FIGURE_CACHE_ENTRIES", "5000"))}}


# "figures": computed figures and the parts of the public and picture pages that are the same for
# every viewer, and the annual report, kept until the data version changes
# (trygg.numbers.figure_cache). By default files under var/cache/figures: one cache for all of
# gunicorn's worker processes (with locmem:// each worker would compute every figure once more).
# After every import, a background job computes the figures most people open first
# (trygg.picture.warming), so the first viewer after an import does not wait for them.
TRYGG_WARM_FIGURES = _env_bool("TRYGG_WARM_FIGURES", True)

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": _cache(os.environ.get("TRYGG_FIGURE_CACHE", f"file://{VAR_DIR / 'cache' / 'figures'}")),
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# django-axes: failed logins are counted per username and, separately, per client IP; either one
# reaching its limit locks out (so one IP cannot try any number of usernames, and a locked
# username stays locked from every IP). The IP limit is higher: a whole office may share one IP.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "trygg.accounts.lockout.client_ip"
AXES_HANDLER = "trygg.accounts.lockout.SeparateLimitsHandler"
# The client IP comes from REMOTE_ADDR unless a reverse proxy is configured: then (and only then)
# from that header, e.g. TRYGG_PROXY_IP_HEADER=HTTP_X_FORWARDED_FOR, taking the address the
# TRYGG_PROXY_COUNT trusted proxies saw (the right-most ones are ours).
TRYGG_PROXY_IP_HEADER = os.environ.get("TRYGG_PROXY_IP_HEADER", "").strip()
TRYGG_PROXY_COUNT = int(os.environ.get("TRYGG_PROXY_COUNT", "1"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Two-step login (TOTP + recovery codes) for local accounts: required for these roles (comma-separated;
# empty = nobody is required to, anyone may turn it on). The issuer is the name the phone app shows.
TRYGG_MFA_REQUIRED_ROLES = [r.strip() for r in os.environ.get(
    "TRYGG_MFA_REQUIRED_ROLES", "admin,utvecklingsledare").split(",") if r.strip()]
OTP_TOTP_ISSUER = os.environ.get("TRYGG_MFA_ISSUER", "Trygg")

# Single sign-on: identity providers as a JSON list (or the path of a JSON file), see
# trygg/sso/providers.py and docs/integrations.md. Roles come from the role mapping in the admin.
def _sso_providers():
    raw = os.environ.get("TRYGG_SSO_PROVIDERS", "").strip()
    if not raw:
        return []
    import json

    text = raw if raw.startswith("[") else Path(raw).read_text(encoding="utf-8")
    return json.loads(text)


TRYGG_SSO_PROVIDERS = _sso_providers()
TRYGG_BASE_URL = os.environ.get("TRYGG_BASE_URL", "").rstrip("/")  # e.g. https://trygg.example.se
TRYGG_SAML_ENTITY_ID = os.environ.get("TRYGG_SAML_ENTITY_ID", "")  # default: the SP metadata URL
TRYGG_SAML_KEY_FILE = os.environ.get("TRYGG_SAML_KEY_FILE", "")  # signs AuthnRequests when set
TRYGG_SAML_CERT_FILE = os.environ.get("TRYGG_SAML_CERT_FILE", "")
TRYGG_SAML_XMLSEC = os.environ.get("TRYGG_SAML_XMLSEC", "/usr/bin/xmlsec1")
SAML_CONFIG_LOADER = "trygg.sso.saml.config_loader"
SAML_ACS_FAILURE_RESPONSE_FUNCTION = "trygg.sso.views.saml_failure"
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML_CREATE_UNKNOWN_USER = False
SAML_CSP_HANDLER = ""  # the CSP comes from the project's own middleware
SAML_IGNORE_LOGOUT_ERRORS = True
# The IdP posts the answer cross-site: over HTTPS the SAML session cookie is SameSite=None; Secure.
SAML_SESSION_COOKIE_SAMESITE = "None" if _env_bool("SECURE_COOKIES", False) else "Lax"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
FIRST_DAY_OF_WEEK = 1

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise serves the project's own pinned JS/CSS (Leaflet, Chart.js, Pico) without a CDN: with
# hashed names (collected by `trygg serve`), compressed, cached "forever" by browsers.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": os.environ.get(
        "TRYGG_STATIC_STORAGE", "trygg.web.storage.StaticStorage")},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# HTTPS behind a reverse proxy (see docs/operations.md): all from the environment.
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)
if _env_bool("SECURE_PROXY_SSL_HEADER", False):  # the proxy sets X-Forwarded-Proto: https
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "trygg.web.errors.csrf_failure"

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline.
def _tile_origin(template: str) -> list[str]:
    """The CSP source of a tile URL template: "https://{s}.tile.osm.org/…" → "https://*.tile.osm.org"."""
    from urllib.parse import urlsplit

    if not template:
        return []
    parts = urlsplit(template.replace("{s}", "*"))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Leaflet positions map panes with style attributes; styles cannot run code.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *_tile_origin(os.environ.get("TRYGG_MAP_TILES", ""))],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Map base tiles: empty means polygons only (works offline). Example:
# TRYGG_MAP_TILES="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TRYGG_MAP_TILES = os.environ.get("TRYGG_MAP_TILES", "")
TRYGG_MAP_ATTRIBUTION = os.environ.get("TRYGG_MAP_ATTRIBUTION", "")

# The home municipality of this installation (SCB municipality code).
TRYGG_MUNICIPALITY_CODE = os.environ.get("TRYGG_MUNICIPALITY_CODE", "1480")

# Personal data found in imported free text: "redact" or "reject"; empty = per-source default
# (the police's public feed is redacted, EST reports are rejected).
TRYGG_IMPORT_PERSONAL_DATA = os.environ.get("TRYGG_IMPORT_PERSONAL_DATA", "")
# The personal-data guard (trygg/privacy/guard.py): free text longer than this is refused before
# it is scanned (forms and imported fields alike); upper-case three-letter words that look like a
# car registration when followed by three digits but are not one.
TRYGG_MAX_TEXT_LENGTH = int(os.environ.get("TRYGG_MAX_TEXT_LENGTH", "20000"))
TRYGG_PLATE_STOP_WORDS = _env_list("TRYGG_PLATE_STOP_WORDS", "SEK,EUR,USD,NOK,DKK,GBP,LPO,EST,SFS,SKR,SCB,BRA,GPS,MHZ,KWH,CAD,DPI,BMW,MAN,DAF,AMG,TPL")
# Retention ("gallring", trygg/ops/retention.py): days after which each kind of data is anonymised or
# deleted; 0 switches a rule off. Defaults and reasons: docs/operations.md. Env: TRYGG_RETENTION_<RULE>.
TRYGG_RETENTION = {
    rule: int(os.environ.get(f"TRYGG_RETENTION_{rule.upper()}", days))
    for rule, days in {"police_text": 730, "est_details": 730, "export_log": 1095, "login_records": 90,
                       "sessions": 1, "survey_comments": 1095}.items()
}
# Backups (trygg backup, and nightly by trygg scheduler): where, and how many to keep.
# The job and schedule locks (flock files): one folder on the machine that runs the job runners.
TRYGG_LOCK_DIR = Path(os.environ.get("TRYGG_LOCK_DIR", VAR_DIR / "locks"))
TRYGG_BACKUP_DIR = Path(os.environ.get("TRYGG_BACKUP_DIR", VAR_DIR / "backups"))
TRYGG_BACKUP_KEEP = int(os.environ.get("TRYGG_BACKUP_KEEP", "14"))
# trygg scheduler (trygg/ops/scheduler.py): police feed every N seconds, nightly backup and retention
# at HH:MM local time; an empty value switches the job off.
TRYGG_SCHEDULE = {
    "police": os.environ.get("TRYGG_SCHEDULE_POLICE", os.environ.get("TRYGG_POLICE_FETCH_MIN_INTERVAL", "600")),
    "backup": os.environ.get("TRYGG_SCHEDULE_BACKUP", "02:30"),
    "retention": os.environ.get("TRYGG_SCHEDULE_RETENTION", "03:30"),
}
TRYGG_POLICE_FEED_URL = os.environ.get("TRYGG_POLICE_FEED_URL", "https://polisen.se/api/events")
# Largest import file accepted (MB); a bigger one is refused before it is read.
TRYGG_IMPORT_MAX_MB = int(os.environ.get("TRYGG_IMPORT_MAX_MB", "100"))
# Least seconds between two live fetches of the police events feed (politeness).
TRYGG_POLICE_FETCH_MIN_INTERVAL = int(os.environ.get("TRYGG_POLICE_FETCH_MIN_INTERVAL", "600"))
# The theme highlighted in the situation picture until a conference theme is approved by both partners.
TRYGG_CONFERENCE_THEME = os.environ.get("TRYGG_CONFERENCE_THEME", "organiserad-brottslighet")

# Demo steps, in order: each module has ``load(stdout)``. Apps add themselves here.
TRYGG_DEMO_STEPS = [
    "trygg.areas.demo",
    "trygg.accounts.demo",
    "trygg.incidents.demo",
    "trygg.work.demo",
    "trygg.surveys.demo",
    "trygg.reports.demo",
]

# REST API v1 (Django REST framework + drf-spectacular). Rates per token (per user for sessions,
# per address for anonymous open-data calls), e.g. "600/hour".
TRYGG_API_RATE = os.environ.get("TRYGG_API_RATE", "1200/hour")
TRYGG_API_RATE_ANON = os.environ.get("TRYGG_API_RATE_ANON", "600/hour")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "trygg.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["trygg.api.auth.HasCapability"],
    "DEFAULT_THROTTLE_CLASSES": ["trygg.api.auth.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "trygg.api.problems.exception_handler",
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Trygg API",
    "DESCRIPTION": "The joint situation picture, EST reports, imports and open data. "
                   "Authenticate with `Authorization: Bearer <token>` (a personal API token). "
                   "Errors are `application/problem+json` naming the field. See docs/integrations.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from the project (drf-spectacular-sidecar), no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A plain 403 (a role without the capability) is routine: one line, no traceback.
    "filters": {"no_403_traceback": {"()": "trygg.web.errors.No403Traceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["no_403_traceback"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
