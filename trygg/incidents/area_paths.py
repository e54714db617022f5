"""Incidents follow their area when it moves: ``area_path`` (and the municipality, when the move
crosses one) is rewritten with the area's own prefix, in the mover's transaction, and so are the
pre-aggregated daily counts (``trygg.incidents.daily``)."""

from trygg.areas.models import Area, Level
from trygg.areas.paths import codes, replace_prefix, with_prefix

from . import daily
from .models import Incident


def municipality_of(path: str, using: str) -> Area | None:
    return Area.objects.using(using).filter(code__in=codes(path), level=Level.MUNICIPALITY).first()


def follow_area_move(sender, area, old_path: str, new_path: str, using: str, **kwargs) -> None:
    incidents = Incident.objects.using(using)
    replace_prefix(incidents, "area_path", old_path, new_path)
    before, after = municipality_of(old_path, using), municipality_of(new_path, using)
    if after is not None and before != after:
        with_prefix(incidents, "area_path", new_path).update(municipality=after)
    daily.refresh_paths([old_path, new_path], using)
