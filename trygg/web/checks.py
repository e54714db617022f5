"""Refuse to run in production with the public demo key, and say so in ``check --deploy``."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

MESSAGE = (
    "SECRET_KEY is not set, so Trygg would sign sessions with the public demo key. Set SECRET_KEY "
    "to a long random value (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
    "or run the demo with TRYGG_DEMO=1 (scripts/demo does), or DEBUG=1 for development."
)


def uses_demo_key_in_production() -> bool:
    return settings.SECRET_KEY == settings.DEMO_SECRET_KEY and not settings.DEBUG and not settings.TRYGG_DEMO


def require_secret_key() -> None:
    """Called before a server starts (``trygg serve``, ``trygg.wsgi``, the scheduler)."""
    if uses_demo_key_in_production():
        raise ImproperlyConfigured(MESSAGE)


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    if settings.SECRET_KEY == settings.DEMO_SECRET_KEY and not settings.TRYGG_DEMO:
        return [Error(MESSAGE, id="trygg.E001")]
    return []
