"""Lock-out after failed logins, counted per username and per client IP separately (django-axes).

* A username is locked after ``AXES_FAILURE_LIMIT`` failures from any address.
* A client IP is locked after ``AXES_IP_FAILURE_LIMIT`` failures for any usernames (an office
  behind one NAT address shares it, so its limit is higher).
* The client IP is ``REMOTE_ADDR`` unless ``TRYGG_PROXY_IP_HEADER`` names the header our own
  reverse proxy sets; then the address ``TRYGG_PROXY_COUNT`` hops from the right of that header is
  used (a client can prepend anything to X-Forwarded-For, never append after our proxy).
"""

from __future__ import annotations

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def _valid_ip(value: str) -> str | None:
    value = (value or "").strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    meta = request.META
    header = settings.TRYGG_PROXY_IP_HEADER
    if header:
        hops = [h.strip() for h in str(meta.get(header, "")).split(",") if h.strip()]
        count = max(1, settings.TRYGG_PROXY_COUNT)
        if len(hops) >= count:
            ip = _valid_ip(hops[-count])
            if ip:
                return ip
    return _valid_ip(meta.get("REMOTE_ADDR", ""))


class SeparateLimitsHandler(AxesDatabaseHandler):
    """axes' database handler with one limit for the username and another for the IP.

    axes compares one number with ``AXES_FAILURE_LIMIT``; this handler reports the failures of the
    IP shifted by the difference of the two limits, so each parameter meets its own limit."""

    def get_failures(self, request, credentials=None) -> int:
        per_param = [qs.aggregate(n=Sum("failures_since_start"))["n"] or 0
                     for qs in self.get_user_attempts(request, credentials)]
        params = [p[0] if isinstance(p, (list, tuple)) and len(p) == 1 else p
                  for p in settings.AXES_LOCKOUT_PARAMETERS]
        user_limit = int(settings.AXES_FAILURE_LIMIT)
        ip_limit = int(getattr(settings, "AXES_IP_FAILURE_LIMIT", user_limit))
        worst = 0
        for param, failures in zip(params, per_param, strict=False):
            if param == "ip_address":
                failures -= ip_limit - user_limit
            worst = max(worst, failures)
        return worst
