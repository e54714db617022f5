"""Settings of the test OpenID Connect provider (see tests/sso_idp/oidc.py)."""

import os
from pathlib import Path

DIR = Path(os.environ["TRYGG_TEST_OIDC_DIR"])
SECRET_KEY = "test-oidc-provider-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.sso_idp.oidc_urls"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                  "oauth2_provider"]
MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware",
              "django.middleware.csrf.CsrfViewMiddleware",
              "django.contrib.auth.middleware.AuthenticationMiddleware"]
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates",
              "DIRS": [Path(__file__).parent / "templates"], "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.template.context_processors.request"]}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DIR / "oidc.sqlite3")}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
LOGIN_URL = "/login/"
# its own cookie name: the Trygg server under test also runs on 127.0.0.1 (cookies ignore the port)
SESSION_COOKIE_NAME = "test_idp_sessionid"
CSRF_COOKIE_NAME = "test_idp_csrftoken"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": (DIR / "oidc.key").read_text(),
    "OAUTH2_VALIDATOR_CLASS": "tests.sso_idp.oidc_urls.Validator",
    "SCOPES": {"openid": "OpenID Connect", "profile": "profile", "email": "e-mail"},
    "PKCE_REQUIRED": True,
}
