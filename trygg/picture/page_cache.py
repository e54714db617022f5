"""Whole pages kept in the ``figures`` cache until the data they show change: ``@page_cache``.

The situation picture and the public page are read far more often than their data change (an
import a few times a day), and most of their cost is rendering, not counting. A page is stored
once per *viewer* (the anonymous public, or one signed-in user with their memberships as they are
now) and per everything else it shows: the full URL (area, period, theme), the language, the data
version and today's date (``trygg.numbers.figure_cache.key``), and what the view adds
(``extra``: e.g. the conference theme and the area's saved pictures, which are not data).

What differs per request is never stored:

* the CSRF token: the stored page holds a placeholder that each request replaces with its own
  token (``get_token``), so forms on a cached page post as on a fresh one;
* flash messages: a request with messages waiting is rendered afresh (and not stored);
* answers other than 200 (a refused period, 403, 404) are never stored.

Each view of a page of an area is noted (``trygg.picture.opened``): the job after the next import
computes the figures of the pages opened in the last two weeks ahead.

Access is checked before this runs (``@access`` wraps it): a cached page is only ever served to a
viewer who may see it, and a viewer's memberships are part of the key, so a changed role or area
is a new page at once. Signed-in pages still get ``Cache-Control: no-store`` from the middleware:
this cache is on the server, never in the browser or a proxy.
"""

from __future__ import annotations

import re
from functools import wraps

from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token

from trygg.accounts.access import memberships
from trygg.numbers import figure_cache

from . import opened

_TOKEN_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_PLACEHOLDER = b"\x00trygg-csrf-token\x00"


def viewer(request) -> tuple:
    """Who the page is rendered for, as a key part: everything about the signed-in user a page may
    show or that decides what it shows (name, flags, every membership's role, area and side)."""
    user = request.user
    if not user.is_authenticated:
        return ("anonymous",)
    roles = tuple(sorted((m.pk, m.role, m.organisation_id, m.organisation.kind, m.area_id,
                          m.area.path if m.area_id else None) for m in memberships(user)))
    verified = getattr(user, "is_verified", None)
    return (user.pk, user.get_username(), user.get_full_name(), user.is_active, user.is_staff, user.is_superuser,
            bool(verified()) if callable(verified) else None, roles)


def _messages_waiting(request) -> bool:
    storage = get_messages(request)  # a plain list for a request without message storage (the job's)
    waiting = len(storage) > 0
    if hasattr(storage, "used"):
        storage.used = False  # looking is not reading: the page rendered next still shows them
    return waiting


def page_cache(kind: str, extra=None):
    """Serve the view's page from the cache when it was rendered before for the same viewer, URL,
    data version, language and day (and ``extra(request, *args, **kwargs)``, a tuple of plain
    values the page depends on besides the data)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD") or _messages_waiting(request):
                return view(request, *args, **kwargs)
            if "code" in kwargs:  # computed ahead after the next imports (``warming.targets``)
                opened.note(kind, kwargs["code"])
            parts = (request.get_full_path(), viewer(request))
            if extra is not None:
                parts += tuple(extra(request, *args, **kwargs))
            store = caches[figure_cache.CACHE]
            k = figure_cache.key(f"page:{kind}", *parts)
            stored = store.get(k)
            if stored is None:
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or response.streaming or response.cookies:
                    return response
                stored = {"content_type": response["Content-Type"],
                          "body": _TOKEN_FIELD.sub(rb"\1" + _PLACEHOLDER + rb"\2", response.content)}
                store.set(k, stored)
                return response
            body = stored["body"]
            if _PLACEHOLDER in body:
                body = body.replace(_PLACEHOLDER, get_token(request).encode("ascii"))
            return HttpResponse(body, content_type=stored["content_type"])

        return wrapped

    return decorator
