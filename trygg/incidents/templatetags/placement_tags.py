"""``{% police_placement area start end theme %}``: how much of the police data of an area and
period is placed by the place names in its text, and how much is known only at municipality level."""

from django import template
from django.db.models.functions import Coalesce

from trygg.areas import schemes
from trygg.areas.models import Level
from trygg.incidents.categories import NOT_COUNTED
from trygg.incidents.models import DailyCount

register = template.Library()


def placement_share(area, start, end, theme=None) -> dict:
    """Counts for the block (two or three queries): police events in ``area`` placed by text, by
    level of its municipality's configuration, top down; events of its municipality known only at
    municipality level; events the text moved to another municipality (municipality pages). Read
    from the daily cells split by placement (the subtree sums of the country, a municipality or a
    district; the fine cells of a smaller area) and, for the events moved out, from the partial index of the few
    events placed outside the source's municipality (``Incident.MOVED_OUT``)."""
    from django.db.models import Sum

    from trygg.incidents.models import MOVED_OUT
    from trygg.numbers.queries import area_cells, counted, subtree_cells, summed

    if summed(area):
        cells = subtree_cells([area.path], start, end, theme=theme, sources=["police"])
    else:
        cells = area_cells(area, start, end, theme=theme, sources=["police"])
    rows = cells.order_by().values_list("placement", "place_level").annotate(total=Sum("n"))
    levels = schemes.levels_of(area)
    by_level = {lv.key: 0 for lv in levels}
    text = only_municipality = 0
    for placement, level, n in rows:
        if placement == "text" and level in by_level:
            by_level[level] += n
            text += n
        elif placement == "municipality":
            only_municipality += n
    out = {"area": area, "text": text, "levels": [(lv.name, by_level[lv.key]) for lv in levels if by_level[lv.key]],
           "only_municipality": only_municipality, "municipality": None, "moved_out": 0}
    if area.level == Level.MUNICIPALITY:
        out["municipality"] = area
        qs = counted(start, end).filter(MOVED_OUT, source="police", reported_municipality=area)
        if theme:
            qs = qs.filter(theme=theme)
        out["moved_out"] = qs.count()
    else:
        from trygg.areas.models import Area

        segs = area.path.strip("/").split("/")
        municipality = next((a for a in Area.objects.filter(path__in=["/" + "/".join(segs[:i]) + "/" for i in
                                                                        range(1, len(segs))], level=Level.MUNICIPALITY)), None)
        out["municipality"] = municipality
        if municipality is not None:
            # the municipality's own cells (its exact path): the area-first index's short range
            own = DailyCount.objects.exclude(category__in=sorted(NOT_COUNTED)).filter(
                area_path=municipality.path, day__gte=start, day__lte=end, source="police", placement="municipality")
            if theme:
                own = own.filter(theme=theme)
            out["only_municipality"] = own.aggregate(n=Coalesce(Sum("n"), 0))["n"]
    return out


def cached_placement_share(area, start, end, theme=None) -> dict:
    """:func:`placement_share`, kept until the data change (``figure_cache``): counts only, the same
    for every viewer, and a country-wide count by placement reads every row of the period."""
    from trygg.numbers import figure_cache

    return figure_cache.cached("placement-share", lambda: placement_share(area, start, end, theme),
                               figure_cache.area_part(area), start, end, theme)


@register.inclusion_tag("incidents/_placement_share.html")
def police_placement(area, start, end, theme=None):
    if area is None or start is None or end is None:
        return {"share": None}
    return {"share": cached_placement_share(area, start, end, theme or None)}
