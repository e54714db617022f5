"""Which work objects belong to an area's cycle: the area's own and those of areas below it."""

from django.http import Http404

from trygg.areas.subtree import within_area


def within(qs, area, field="area"):
    return within_area(qs, area, f"{field}__path")


def object_in_area(obj, area):
    """404 unless ``obj`` (anything with an ``area``) lies within ``area``."""
    if not obj.area.path.startswith(area.path):
        raise Http404
    return obj


def object_in_or_above(obj, area):
    """404 unless ``obj`` lies within ``area`` or on an area above it (agreements, promises)."""
    if not (obj.area.path.startswith(area.path) or area.path.startswith(obj.area.path)):
        raise Http404
    return obj
