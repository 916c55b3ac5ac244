"""Settings of the enforcement service center, read from the environment and validated at start.

With no environment set the application runs embedded: SQLite under ``var/`` and Celery on kombu's
filesystem transport, so it starts on any machine with Python. A deployment sets ``DATABASE_URL``
(PostgreSQL), ``CELERY_BROKER_URL`` (Redis), ``SECRET_KEY``, ``ALLOWED_HOSTS`` and leaves ``DEBUG`` off.
"""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)

# A development key is acceptable only while DEBUG is on; a deployment must bring its own.
_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "csp",
    "enforcement",
    "intake",
    "portal",
    "assignment",
    "custody",
    "payments",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "enforcement.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "enforcement.middleware.ApiBodySizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "enforcement.middleware.HostileInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers a sign-in refused for lockout (enforcement/signin.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "enforcement.urls"
WSGI_APPLICATION = "enforcement.wsgi.application"

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
                "enforcement.context_processors.user_roles",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
_ENGINE = DATABASES["default"]["ENGINE"]
if _ENGINE == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so two clerks filing at once queue up
    # instead of failing with "database is locked" halfway through a case number allocation.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
elif _ENGINE == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...) or SQLite.")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Celery ---------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
_BROKER_SCHEME = urlsplit(CELERY_BROKER_URL).scheme
if _BROKER_SCHEME not in {"filesystem", "redis", "rediss", "memory"}:
    raise ImproperlyConfigured("CELERY_BROKER_URL must be redis://..., rediss://... or filesystem://.")
if _BROKER_SCHEME == "filesystem":
    _BROKER_DIR = VAR_DIR / "celery"
    for _sub in ("queue", "processed", "control"):
        (_BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
DEADLINE_SCAN_INTERVAL_SECONDS = env.int("DEADLINE_SCAN_INTERVAL_SECONDS", default=300)
OUTBOX_DELIVERY_INTERVAL_SECONDS = env.int("OUTBOX_DELIVERY_INTERVAL_SECONDS", default=60)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "scan-deadlines": {
        "task": "enforcement.scan_deadlines",
        "schedule": float(DEADLINE_SCAN_INTERVAL_SECONDS),
    },
    # Retries of notices that failed, and anything a lost task left behind.
    "deliver-outbox": {
        "task": "enforcement.deliver_outbox",
        "schedule": float(OUTBOX_DELIVERY_INTERVAL_SECONDS),
    },
    # Each court's daily digest, once its digest time (Court.digest_time) has passed; idempotent.
    "send-digests": {"task": "enforcement.send_digests", "schedule": 300.0},
    # Each court's case balances against the last bank statement, once a day before work starts.
    "reconcile-money": {"task": "payments.reconcile", "schedule": crontab(hour=7, minute=30)},
    "flag-late-claims": {"task": "payments.flag_late_claims", "schedule": crontab(minute=15)},
    # Freezes, seizures and seals whose term ended unrenewed are flagged on the case and for supervisors.
    "flag-lapsed-measures": {"task": "custody.flag_lapsed_measures", "schedule": crontab(minute=5)},
    # Dishonest-debtor listings whose term is over leave the list (and the published list), once each.
    "remove-expired-listings": {"task": "custody.remove_expired_listings", "schedule": crontab(minute=10)},
    # Progress-query attempts older than the throttle's longest window (a day) are of no more use.
    "purge-query-attempts": {"task": "portal.purge_query_attempts", "schedule": crontab(hour=3, minute=40)},
    # The supervision indicators' monthly figures, recomputed every night (the pages read only them).
    "compute-indicators": {"task": "enforcement.compute_indicators", "schedule": crontab(hour=1, minute=20)},
    # Text messages to parties: retries, and anything a lost task left behind.
    "deliver-sms": {"task": "enforcement.deliver_sms", "schedule": 60.0},
}

# --- Money ----------------------------------------------------------------------------------------
# The bank signs its notifications (X-Signature: hex HMAC-SHA256 of the body) with this shared secret.
# Without one, every notification is refused; DEBUG has a demo secret so the demo can be tried.
_DEV_BANK_SECRET = "demo-bank-webhook-secret"  # noqa: S105
BANK_WEBHOOK_SECRET = env.str("BANK_WEBHOOK_SECRET", default=_DEV_BANK_SECRET if DEBUG else "")
# A notification booked further in the future than this is refused (400): the bank's clock may run a
# little ahead of ours, never by days (payments/bank_notifications.py).
BANK_BOOKING_TOLERANCE_MINUTES = env.int("BANK_BOOKING_TOLERANCE_MINUTES", default=10)

# --- Notifications --------------------------------------------------------------------------------
# Links in notices point here: the address users reach the site at.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    # Embedded default: mail is written to files under var/mail, never sent anywhere.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="zxzx-noreply@localhost")
# A stuck mail server must not hold a delivery batch past its claim on the outbox rows.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Text messages to parties go through this class (a dotted path to an enforcement.sms.SmsBackend);
# the default only logs them. A court plugs in its provider here (see enforcement/sms.py).
SMS_BACKEND = env.str("SMS_BACKEND", default="enforcement.sms.ConsoleBackend")

# --- Authentication -------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out account or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff sign-in throttling (django-axes, enforcement/signin.py): this many failures of one account, or
# from one address, within the cool-off lock that account or address out until the cool-off has passed
# since its last failure. Pages, admin and the API's token endpoint count together.
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("SIGN_IN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "enforcement.clientaddress.client_address"
AXES_LOCKOUT_CALLABLE = "enforcement.signin.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["password"]
# API tokens (django-rest-knox, enforcement/api/auth.py): stored hashed, expire after this many hours,
# revoked by POST /api/v1/auth/logout/.
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(hours=env.int("API_TOKEN_HOURS", default=10)),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
    "USER_SERIALIZER": None,
}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing folder before collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Request limits -------------------------------------------------------------------------------
# The API reads bodies as streams, so Django's own DATA_UPLOAD_MAX_MEMORY_SIZE does not protect it:
# ApiBodySizeLimitMiddleware refuses larger bodies up front with a 413.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)
# Multipart API uploads (photos of a property lead: 3 files of 5 MB at most) stream to disk.
API_MAX_UPLOAD_BYTES = env.int("API_MAX_UPLOAD_BYTES", default=16 * 1024 * 1024)
# How deep a JSON body may nest (enforcement/api/parsers.py): real requests nest a few levels;
# deeper bodies are refused with a 400 before decoding, since Python's decoder recurses per level.
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=32)
# Requests per minute and client address to the lobby's screen and terminal feed (portal/lobby_throttle.py).
LOBBY_REQUESTS_PER_MINUTE = env.int("LOBBY_REQUESTS_PER_MINUTE", default=120)
if LOBBY_REQUESTS_PER_MINUTE < 1:
    raise ImproperlyConfigured("LOBBY_REQUESTS_PER_MINUTE must be 1 or more.")

# --- Security (on by default whenever DEBUG is off) -----------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies of our own stand in front of gunicorn: the progress query's throttle then
# takes the client's address from X-Forwarded-For, that many entries from the right (intake/progress.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp 4) on every response: scripts and styles from this site only, or
# inline with the request's nonce (``request.csp_nonce``); no plugins, frames or foreign form targets.
# Data URIs are images Pico draws its icons with. The API docs relax it for their bundles
# (enforcement/api/docs.py), and the browsable API for its inline styles (enforcement/middleware.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # A header-based class first: its authenticate_header makes an unauthenticated call a 401 with
    # WWW-Authenticate (with SessionAuthentication first, DRF answers 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # The JSON parser refuses deep nesting and NUL before decoding (enforcement/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "enforcement.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "enforcement.api.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "enforcement.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Enforcement service center API",
    "DESCRIPTION": "Intake, progress and enforcement operations of a court's enforcement service center.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "kind" choice; name each enum after its model so the schema stays readable.
    "ENUM_NAME_OVERRIDES": {
        "PartyKindEnum": "enforcement.models.Party.Kind",
        "ClaimKindEnum": "enforcement.models.Case.ClaimKind",
        "TitleKindEnum": "enforcement.models.Case.TitleKind",
        "MaterialKindEnum": "intake.models.ReceivedMaterial.Kind",
        "CaseStatusEnum": "enforcement.models.Case.Status",
        "DeadlineStatusEnum": "enforcement.models.Deadline.Status",
        "CaseStreamEnum": "enforcement.models.Case.Stream",
        "PayoutStatusEnum": "payments.models.Payout.Status",
        "PayoutHoldStatusEnum": "payments.models.PayoutHold.Status",
        "BankTransactionStatusEnum": "payments.models.BankTransaction.Status",
        "BankTransactionSourceEnum": "payments.models.BankTransaction.Source",
        "LedgerEntryKindEnum": "payments.models.LedgerEntry.Kind",
        "PayoutHoldReasonEnum": "payments.models.PayoutHold.Reason",
        "PartyMoneyKindEnum": "portal.serializers.MONEY_KINDS",
        "DeductionKindEnum": "enforcement.models.Deduction.Kind",
        "CertificateKindEnum": "enforcement.models.Certificate.Kind",
        "ExtensionStatusEnum": "enforcement.models.Extension.Status",
        "ClosureEnum": "enforcement.models.Case.Closure",
        "TerminationGroundEnum": "enforcement.models.Case.TerminationGround",
        "ClosureConditionEnum": "enforcement.models.ClosureRequirement.Kind",
        "ServiceMethodEnum": "enforcement.models.ClosureService.Method",
        "ClosureProposalStatusEnum": "enforcement.models.ClosureProposal.Status",
        "ReviewedClosureEnum": "enforcement.api.closure_review.REVIEWED_CLOSURE_CHOICES",
        "RestrictionStatusEnum": "custody.models.ConsumptionRestriction.Status",
        "RestrictionLiftReasonEnum": "custody.models.ConsumptionRestriction.LiftReason",
        "BoundCapacityEnum": "custody.models.BoundCapacity",
        "DishonestGroundEnum": "custody.models.DishonestGround",
        "ListingStatusEnum": "custody.models.DishonestListing.Status",
        "RemovalGroundEnum": "custody.models.RemovalGround",
        "RecordedRemovalGroundEnum": "custody.credit_serializers.REMOVAL_CHOICES",
        "ListingRefusalReasonEnum": "custody.models.ListingRefusal.Reason",
    },
}

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
