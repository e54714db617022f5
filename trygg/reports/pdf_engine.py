"""WeasyPrint, the PDF engine, with a clear message when the system libraries it needs are missing.

WeasyPrint draws text with Pango and HarfBuzz, C libraries that pip cannot install; without them
``import weasyprint`` fails with an ``OSError`` from deep inside cffi. Every PDF is made through
:func:`html_document`, so that failure becomes :class:`PdfUnavailable`: the command line prints its
message (it is a ``CommandError``, so no traceback) and the web answers 503 with it
(:class:`PdfUnavailableMiddleware`). ``scripts/demo`` and ``scripts/test`` install the libraries.
"""

import logging

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)
DEBIAN_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"


class PdfUnavailable(CommandError):
    """PDF cannot be made on this machine; the message says what to install."""


def _load_weasyprint():
    import weasyprint

    return weasyprint


def html_document(**kwargs):
    """``weasyprint.HTML(**kwargs)``, or :class:`PdfUnavailable` naming what is missing."""
    try:
        weasyprint = _load_weasyprint()
    except (OSError, ImportError) as exc:
        raise PdfUnavailable(_(
            "PDF cannot be made on this server: the PDF engine WeasyPrint needs the system libraries "
            "Pango and HarfBuzz (%(error)s). On Debian or Ubuntu: apt-get install %(packages)s "
            "(./scripts/demo and ./scripts/test install them).") % {"error": exc, "packages": DEBIAN_PACKAGES})
    return weasyprint.HTML(**kwargs)


class PdfUnavailableMiddleware:
    """Answer 503 with the message when a view cannot make its PDF."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PdfUnavailable):
            return None
        from django.http import HttpResponse
        from django.template import loader

        log.error("%s", exception)
        body = loader.render_to_string("errors/_error.html", {
            "heading": _("PDF is not available"), "text": str(exception), "status": 503}, request)
        return HttpResponse(body, status=503)
