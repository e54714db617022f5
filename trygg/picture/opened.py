"""Which pages of which areas were opened lately: the job after an import computes them ahead
(``trygg.picture.warming``). ``page_cache`` notes each view of a picture or public page here; the
notes live in the figure cache (shared by the web and job processes), one entry for all."""

from __future__ import annotations

import datetime as dt

KEY = "warm-figures:opened"  # in the figure cache
DAYS = 14
LIMIT = 200


def note(kind: str, code: str) -> None:
    """Note that the page ``kind`` ("picture" or "public") of the area ``code`` was opened today
    (one cache read a view; a write only on the first view of the day). A hint for ``warming.targets``:
    two processes writing at once may lose one note, never a figure."""
    from django.core.cache import caches
    from django.utils import timezone

    from trygg.numbers import figure_cache

    store = caches[figure_cache.CACHE]
    today = timezone.localdate().isoformat()
    seen = store.get(KEY) or {}
    name = f"{kind}:{code}"
    if seen.get(name) == today:
        return
    seen[name] = today
    store.set(KEY, _recent(seen), timeout=None)


def _recent(seen: dict) -> dict:
    """``{"kind:code": ISO day}`` of the last :data:`DAYS` days, at most
    :data:`LIMIT`, the most recent first."""
    from django.utils import timezone

    cutoff = (timezone.localdate() - dt.timedelta(days=DAYS - 1)).isoformat()
    kept = sorted(((day, name) for name, day in seen.items() if day >= cutoff), reverse=True)[:LIMIT]
    return {name: day for day, name in kept}


def recently() -> list[tuple[str, str]]:
    """``(kind, code)`` of the pages opened in the last :data:`DAYS` days, most recent first."""
    from django.core.cache import caches

    from trygg.numbers import figure_cache

    return [tuple(name.split(":", 1)) for name in _recent(caches[figure_cache.CACHE].get(KEY) or {})]
