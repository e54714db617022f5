"""Fetch the live police events feed: one request, no more often than the minimum interval
(``TRYGG_POLICE_FETCH_MIN_INTERVAL`` seconds, default 600) since the last fetch recorded as an
ImportRun with source "police" and the URL as file name."""

import json
import urllib.error
import urllib.request

from django.conf import settings
from django.utils import timezone

from .importing import ImportFileError
from .models import ImportRun
from .police import import_police_events

DEFAULT_URL = "https://polisen.se/api/events"
USER_AGENT = "Trygg (crime-prevention platform; polite: one request per interval)"


class FetchRefused(Exception):
    pass


def min_interval() -> int:
    return settings.TRYGG_POLICE_FETCH_MIN_INTERVAL


def fetch_police_events(url=DEFAULT_URL, timeout=30, user=None):
    last = ImportRun.objects.filter(source="police", file_name=url).order_by("-started_at").first()
    if last is not None:
        waited = (timezone.now() - last.started_at).total_seconds()
        if waited < min_interval():
            raise FetchRefused(f"{url}: fetched {int(waited)} s ago; the minimum interval is {min_interval()} s "
                               "(TRYGG_POLICE_FETCH_MIN_INTERVAL)")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ImportFileError(f"{url}: request failed ({exc})")
    try:
        records = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFileError(f"{url}: not valid JSON ({exc})")
    if not isinstance(records, list):
        raise ImportFileError(f"{url}: expected a JSON list of events")
    return import_police_events(records, file_name=url, user=user)
