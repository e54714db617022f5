"""Errors as RFC 9457 problem details (``application/problem+json``), naming the field."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_JSON = "application/problem+json"


def _flatten(detail, prefix=""):
    """DRF's nested error detail → [{"field": ..., "detail": ...}]."""
    out = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key == "non_field_errors" or key == "__all__" else f"{prefix}{key}"
            out.extend(_flatten(value, f"{name}." if name else ""))
            if out and not out[-1].get("field") and name:
                out[-1]["field"] = name
    elif isinstance(detail, list):
        for item in detail:
            out.extend(_flatten(item, prefix))
    else:
        out.append({"field": prefix.rstrip(".") or None, "detail": str(detail)})
    return out


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    titles = {400: _("Invalid request"), 401: _("Authentication needed"), 403: _("Not allowed"),
              404: _("Not found"), 405: _("Method not allowed"), 409: _("Conflict"),
              429: _("Too many requests")}
    body = {"type": "about:blank", "title": titles.get(response.status_code, _("Error")),
            "status": response.status_code}
    data = response.data
    if isinstance(exc, exceptions.ValidationError) or (isinstance(data, dict) and "detail" not in data):
        errors = _flatten(data)
        body["errors"] = errors
        body["detail"] = "; ".join(
            f"{e['field']}: {e['detail']}" if e["field"] and not e["detail"].startswith(f"{e['field']}:")
            else e["detail"] for e in errors)
    else:
        body["detail"] = str(data.get("detail", "")) if isinstance(data, dict) else str(data)
    response.data = body
    response.content_type = PROBLEM_JSON
    return response


def problem(status: int, detail: str, field: str | None = None):
    """A problem response raised from view code: ``raise problem(400, "…", field="from")``."""
    if status == 400:
        return exceptions.ValidationError({field: [detail]} if field else [detail])
    exc = exceptions.APIException(detail)
    exc.status_code = status
    return exc
