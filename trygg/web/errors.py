"""Swedish error pages in the site's layout (403, 404, 500, CSRF failure), each with a way back,
and a logging filter that keeps a routine 403 to one line without a traceback."""

import logging

from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


def _render(request, template: str, status: int, context=None) -> HttpResponse:
    try:
        body = loader.render_to_string(template, context or {}, request)
    except Exception:  # the error page itself must never fail (e.g. the database is down)
        log.exception("Rendering %s failed", template)
        body = ("<!doctype html><html lang='sv'><meta charset='utf-8'><title>Trygg</title>"
                f"<h1>{status}</h1><p><a href='/'>Till startsidan</a></p></html>")
    return HttpResponse(body, status=status)


def forbidden(request, exception=None):
    return _render(request, "errors/403.html", 403)


def not_found(request, exception=None):
    return _render(request, "errors/404.html", 404)


def server_error(request):
    return _render(request, "errors/500.html", 500)


def bad_request(request, exception=None):
    return _render(request, "errors/400.html", 400)


def csrf_failure(request, reason=""):
    return _render(request, "errors/403.html", 403, {"csrf": True, "message": _(
        "The form had expired or was sent from another site. Go back, reload the page and try again.")})


class No403Traceback(logging.Filter):
    """Drop the traceback from Django's "Forbidden (Permission denied)" log record: a 403 for a
    role that lacks a capability is expected behaviour, not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
