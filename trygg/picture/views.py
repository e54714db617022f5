"""Pages of the situation picture: the partners' picture, snapshots, exports, the metropolitan
comparison and the residents' public page. Every figure comes from ``figures`` (one code path)."""

from __future__ import annotations

import datetime as dt
import functools

from django.contrib import messages
from django.db.models import Count, Max
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.accounts.access import access, can
from trygg.accounts.municipalities import choose
from trygg.accounts.permissions import Capability
from trygg.analysis import periods
from trygg.areas import schemes
from trygg.areas.models import Area, Level
from trygg.incidents.categories import THEMES, theme_label
from trygg.incidents.models import Incident
from trygg.numbers import figure_cache, figures, queries
from trygg.numbers.params import BadChoice, Choice, parse_choice

from . import exports
from . import public as public_tables
from .forms import ExportForm, SnapshotForm
from .highlighted_theme import highlighted_theme
from .models import ExportLog, Snapshot
from .page_cache import page_cache
from .problem_links import raise_problem_url
from .snapshots import compare_snapshots, freeze

LATEST_LIMIT = 15


def _shortcuts(end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """Period buttons (label, start, end) from ``trygg.analysis.periods``."""
    out = [(_("Last 7 days"), *_se(periods.last_n_days(end, 7))),
           (_("Last 28 days"), *_se(periods.last_n_days(end, 28))),
           (_("This tertial"), *_se(periods.tertial(end))),
           (_("Year to date"), *_se(periods.year_to_date(end))),
           (_("Last 12 months"), end - dt.timedelta(days=364), end)]
    last_year = periods.year(dt.date(end.year - 1, 1, 1))
    out.append((str(end.year - 1), last_year.start, last_year.end))
    return out


def _se(p):
    return p.start, p.end


def _theme_choices(conference_theme):
    first = [(conference_theme, theme_label(conference_theme))] if conference_theme in THEMES else []
    return first + [(k, str(v)) for k, v in THEMES.items() if k != conference_theme]


def _chart_range(choice: Choice) -> tuple[dt.date, dt.date, str]:
    """Trend charts: up to five years ending with the period, weekly up to a year, else monthly."""
    start = max(choice.end - dt.timedelta(days=5 * 365), dt.date(choice.end.year - 4, 1, 1))
    earliest = queries.earliest_incident_date()
    if earliest and earliest > start:
        start = earliest
    bucket = "week" if (choice.end - start).days <= 400 else "month"
    return start, choice.end, bucket


def _chart_series(area, choice: Choice) -> dict:
    """The page's trend chart (also frozen into a saved picture)."""
    c_start, c_end, bucket = _chart_range(choice)
    return figures.time_series(area, c_start, c_end, bucket, theme=choice.theme)


# the last day of the period, then its last week: when one holds LATEST_LIMIT incidents they are the
# latest of the whole period (a day of the whole country is ~4,500 entries, its week ~32,000, each a
# row lookup for its time: on PostgreSQL at 4.5 M incidents 22 against 90–350 ms)
LATEST_WINDOWS_DAYS = (1, 7)


def latest_in(area, start, end, theme=None) -> list:
    """The ``LATEST_LIMIT`` latest incidents of ``area`` from ``start`` to ``end``, newest first.
    Which ones they are is the same for every viewer (what each may read of them is not), so their
    ids are kept in the figure cache until the data change, and the rows are read by id."""
    ids = cached_latest_ids(area, start, end, theme)
    rows = Incident.objects.filter(pk__in=ids).select_related("area").defer("area__geometry").in_bulk()
    return [rows[i] for i in ids if i in rows]


def cached_latest_ids(area, start, end, theme=None) -> list[int]:
    """:func:`latest_ids` through the figure cache (the same for every viewer)."""
    return figure_cache.cached("latest-ids", lambda: latest_ids(area, start, end, theme),
                               figure_cache.area_part(area), start, end, theme)


def latest_ids(area, start, end, theme=None) -> list[int]:
    """The ids of :func:`latest_in`. Read from the last day of the period first, then from its last
    week (``LATEST_WINDOWS_DAYS``): when those hold enough, they are the latest of the whole period
    too (``date`` is the local day of ``occurred_at``), and a big area's 12 months need not be read
    for 15 rows. The country, a municipality or a district (the areas with subtree sums) reads those
    days by the date-first index: a week of the whole country is fewer entries than all the years of
    a large area."""

    def ids(first, date_first=None):
        return list(queries.incidents_in(area, first, end, theme=theme, date_first=date_first)
                    .order_by("-occurred_at", "-id").values_list("id", flat=True)[:LATEST_LIMIT])

    for days in LATEST_WINDOWS_DAYS:
        recent_start = end - dt.timedelta(days=days - 1)
        if recent_start <= start:
            break
        recent = ids(recent_start, date_first=queries.summed(area))
        if len(recent) == LATEST_LIMIT:
            return recent
    return ids(start)


def _latest_incidents(request, area, choice: Choice):
    """The latest incidents with the text the viewer may see: police text only with
    VIEW_POLICE_DETAIL, EST free text only for the partnership of the incident's area."""
    if not can(request.user, Capability.VIEW_INCIDENTS, area):
        return None
    qs = latest_in(area, choice.start, choice.end, choice.theme)
    police_ok = can(request.user, Capability.VIEW_POLICE_DETAIL, area)
    est_ok_here = can(request.user, Capability.VIEW_EST_TEXT, area)
    out = []
    for inc in qs:  # at most LATEST_LIMIT rows, for display only
        if inc.source == "police":
            text = inc.summary or inc.title if police_ok else ""
        else:
            text = inc.body if (est_ok_here or (inc.area and can(request.user, Capability.VIEW_EST_TEXT, inc.area))) else ""
        out.append({"incident": inc, "text": text, "hidden": not text and bool(inc.summary or inc.body or inc.title)})
    return out


def _picture_extra(request, code):
    """What the picture page shows besides the data: the conference theme of the area's
    municipality (its chips) and the area's saved pictures (the latest is linked, the number is
    shown)."""
    saved = Snapshot.objects.filter(area=request.area).aggregate(n=Count("id"), last=Max("id"))
    return highlighted_theme(request.area), saved["n"], saved["last"]


@access(Capability.VIEW_PICTURE, area_kwarg="code")
@page_cache("picture", extra=_picture_extra)
def picture(request, code):
    area = request.area
    conference_theme = highlighted_theme(area)
    ctx = {"area": area, "ancestors": area.ancestors(), "themes": _theme_choices(conference_theme),
           "conference_theme": conference_theme, "typed": request.GET}
    try:
        choice = parse_choice(request.GET, area)
    except BadChoice as e:
        ctx["error"] = str(e)
        return render(request, "picture/picture.html", ctx, status=400)
    shared = shared_figures(area, choice)
    fig = shared["fig"]
    latest_snapshot = (Snapshot.objects.filter(area=area, start=choice.start, end=choice.end, compare=choice.compare,
                                               theme=choice.theme or "").order_by("-created_at").first())
    ctx.update({
        "choice": choice, "fig": fig, "shortcuts": _shortcuts(choice.end),
        "series": shared["series"], "siblings": shared["siblings"],
        "latest": _latest_incidents(request, area, choice),
        "can_save": can(request.user, Capability.EDIT_WORK, area),
        "latest_snapshot": latest_snapshot,
        "raise_problem_url": raise_problem_url(request.user, area, theme=choice.theme,
                                               snapshot_id=latest_snapshot.pk if latest_snapshot else None),
        "snapshot_form": SnapshotForm(initial={"title": _default_title(area, choice)}),
        "snapshot_count": Snapshot.objects.filter(area=area).count(),
        "children": area.children.exists(),
        "layers_url": reverse("api:layer", args=[area.code, "LAYER"]) + "?" + choice.query(),
    })
    return render(request, "picture/picture.html", ctx)


def shared_figures(area, choice: Choice) -> dict:
    """The picture page's figures that every viewer of the area sees alike (the key figures, the
    trend, the comparison with siblings), cached until the data change (``figure_cache``). What
    depends on the viewer (the latest incidents and their text, the buttons) is never in here."""

    def compute():
        c_start, c_end, bucket = _chart_range(choice)
        return {"fig": figures.cached_picture(area, choice.start, choice.end, choice.compare, choice.theme),
                "series": figures.time_series(area, c_start, c_end, bucket, theme=choice.theme),
                "siblings": figures.sibling_comparison(area, choice.start, choice.end, theme=choice.theme)}

    return figure_cache.cached("picture-page", compute, figure_cache.area_part(area), choice.start, choice.end,
                               choice.compare, choice.theme)


def _default_title(area, choice):
    return _("Situation picture %(area)s %(start)s–%(end)s") % {"area": area.name, "start": choice.start, "end": choice.end}


@access(Capability.EDIT_WORK, area_kwarg="code")
@require_POST
def snapshot_save(request, code):
    area = request.area
    try:
        choice = parse_choice(request.POST, area)
    except BadChoice as e:
        messages.error(request, str(e))
        return redirect("picture:picture", code=area.code)
    form = SnapshotForm(request.POST)
    if not form.is_valid():
        fig = figures.compute_picture(area, choice.start, choice.end, choice.compare, choice.theme)
        return render(request, "picture/snapshot_form.html",
                      {"area": area, "form": form, "choice": choice, "fig": fig}, status=400)
    snap = Snapshot.objects.create(area=area, start=choice.start, end=choice.end, compare=choice.compare,
                                   theme=choice.theme or "", title=form.cleaned_data["title"],
                                   note=form.cleaned_data["note"], created_by=request.user,
                                   data=freeze(area, choice, series=_chart_series(area, choice)))
    messages.success(request, _("The picture was saved as “%(title)s”.") % {"title": snap.title})
    return redirect(snap.get_absolute_url())


@access(Capability.VIEW_PICTURE, area_kwarg="code")
def snapshot_list(request, code):
    area = request.area
    snaps = Snapshot.objects.filter(area=area).select_related("created_by")
    return render(request, "picture/snapshot_list.html", {"area": area, "snapshots": snaps})


@access(Capability.VIEW_PICTURE, area_kwarg="code")
def snapshot_detail(request, code, pk):
    area = request.area
    snap = get_object_or_404(Snapshot.objects.select_related("created_by"), pk=pk, area=area)
    return render(request, "picture/snapshot_detail.html", {
        "area": area, "snap": snap, "data": snap.data, "series": snap.data.get("series"),
        "has_map": bool(snap.data.get("map")),
        "layers_url": reverse("picture:snapshot_layer", args=[area.code, snap.pk, "LAYER"]),
        "raise_problem_url": raise_problem_url(request.user, area, snapshot_id=snap.pk, theme=snap.theme or None)})


@access(Capability.VIEW_PICTURE, area_kwarg="code")
def snapshot_layer(request, code, pk, layer):
    """A saved picture's frozen map layer (GeoJSON as it was when saved)."""
    snap = get_object_or_404(Snapshot, pk=pk, area=request.area)
    frozen = (snap.data.get("map") or {}).get(layer)
    if frozen is None:
        raise Http404
    return JsonResponse(frozen)


@access(Capability.VIEW_PICTURE, area_kwarg="code")
def snapshot_compare(request, code):
    area = request.area
    snaps = Snapshot.objects.filter(area=area)
    ids = request.GET.getlist("s")
    ctx = {"area": area, "snapshots": snaps, "selected": ids}
    if ids:
        if len(ids) != 2 or not all(i.isdigit() for i in ids):
            ctx["error"] = _("Choose exactly two snapshots to compare.")
            return render(request, "picture/snapshot_compare.html", ctx, status=400)
        found = {str(s.pk): s for s in snaps.filter(pk__in=ids)}
        if len(found) != 2:
            raise Http404
        a, b = sorted(found.values(), key=lambda s: s.created_at)
        ctx.update({"a": a, "b": b, "diff": compare_snapshots(a.data, b.data)})
    return render(request, "picture/snapshot_compare.html", ctx)


@access(Capability.VIEW_PICTURE, area_kwarg="code")
def export(request, code):
    """GET: the export form (purpose and recipient are asked for); POST: log it and send the file."""
    area = request.area
    data = request.POST if request.method == "POST" else request.GET
    try:
        choice = parse_choice(data, area)
    except BadChoice as e:
        return render(request, "picture/export.html", {"area": area, "error": str(e), "form": ExportForm(data or None)},
                      status=400)
    form = ExportForm(request.POST or None, initial={"format": data.get("format", "xlsx")})
    if request.method == "POST" and form.is_valid():
        fig = figures.compute_picture(area, choice.start, choice.end, choice.compare, choice.theme, user=request.user)
        fmt = form.cleaned_data["format"]
        ExportLog.objects.create(user=request.user, area=area, file_format=fmt,
                                 what=f"picture {area.code} {choice.query()}",
                                 purpose=form.cleaned_data["purpose"], recipient=form.cleaned_data["recipient"])
        return exports.response(fig, fmt)
    logs = ExportLog.objects.filter(area=area).select_related("user")[:20]
    return render(request, "picture/export.html", {"area": area, "form": form, "choice": choice, "logs": logs},
                  status=400 if request.method == "POST" else 200)


@access(Capability.VIEW_PICTURE)
def metro(request):
    """The viewer's municipality (``?kommun=`` for another of theirs) against its metropolitan peers
    (and any municipality picked) per 100,000 inhabitants; the peers come from the municipality's
    configuration."""
    own = choose(request, Capability.VIEW_PICTURE).municipality
    home_scheme = schemes.scheme_for_code(own.code) if own else schemes.home()
    home = Area.objects.filter(code=home_scheme.code).first()
    all_munis = list(Area.objects.filter(level=Level.MUNICIPALITY).order_by("name"))
    codes = request.GET.getlist("m")
    added = (request.GET.get("add") or "").strip()
    if not codes and not added:
        codes = list(home_scheme.metro_codes)
    if added:  # typed or picked from the searchable list: a name (or a code)
        hit = next((m for m in all_munis if added.casefold() in (m.name.casefold(), m.code)), None)
        codes.append(hit.code if hit else added)
    chosen = [m for m in all_munis if m.code in codes]
    ctx = {"municipalities": all_munis, "codes": codes, "chosen": chosen}
    try:
        choice = parse_choice(request.GET, home) if home else None
    except BadChoice as e:
        ctx["error"] = str(e)
        return render(request, "picture/metro.html", ctx, status=400)
    unknown = [c for c in codes if c not in {m.code for m in chosen}]
    if unknown:
        ctx["error"] = _("Unknown municipality: %(names)s") % {"names": ", ".join(unknown)}
        return render(request, "picture/metro.html", ctx, status=400)
    if choice:
        if not request.GET.get("from"):
            choice.start = choice.end - dt.timedelta(days=364)
        ctx.update({"choice": choice, "table": figures.metro_comparison(chosen, choice.start, choice.end)})
    return render(request, "picture/metro.html", ctx)




@access(Capability.PUBLIC, area_kwarg="code")
@page_cache("public")
def public(request, code):
    """Residents' page: aggregated figures per theme for the latest complete tertial against the same
    tertial a year before, suppressed together with every other public page of the municipality
    (``trygg.picture.public``): no figure 1–4 can be worked out; no incident lists, no free text;
    the area's citizen promises when the work app has them."""
    area = request.area
    if not schemes.has_public_page(area):
        raise Http404
    pub = public_figures(area)
    from django.template import TemplateDoesNotExist
    from django.template.loader import select_template

    try:
        select_template(["work/public_promises.html"])
        has_promises = True
    except TemplateDoesNotExist:
        has_promises = False
    # links only (and only on a district's page): never the outlines (a municipality has 289 siblings)
    siblings = (Area.objects.filter(level=area.level, parent_id=area.parent_id).exclude(pk=area.pk)
                .defer("geometry").order_by("code"))
    return render(request, "picture/public.html", {
        "area": area, "fig": pub["fig"], "rows": pub["rows"], "total": pub["total"],
        "comparison_total": pub["comparison_total"], "period": pub["period"],
        "comparison_period": pub["comparison_period"],
        "has_promises": has_promises, "siblings": siblings,
        # called by the template only when the page's figure fragment is not cached yet
        "placement": functools.cache(lambda: public_placement(area, pub["period"])),
        # links only, as the public tables list them: without the outlines (a JSON decode each)
        "districts": public_tables.public_areas(area)[1:] if area.level == Level.MUNICIPALITY else [],
        "district_level": schemes.scheme_for(area).district,
    })


def public_placement(area, period) -> dict | None:
    """How much of the municipality's police data of the period is placed in a district by its
    text, for the public page: municipality-wide counts only (large; a district's own split could
    reveal a figure the disclosure control hides)."""
    from trygg.incidents.templatetags.placement_tags import cached_placement_share

    municipality = area if area.level == Level.MUNICIPALITY else next(
        (a for a in area.ancestors() if a.level == Level.MUNICIPALITY), None)
    if municipality is None:
        return None
    share = cached_placement_share(municipality, period.start, period.end)
    total = share["text"] + share["only_municipality"]
    return {"municipality": municipality, "text": share["text"], "only_municipality": share["only_municipality"],
            "percent": round(100 * share["text"] / total) if total else None}


def public_figures(area) -> dict:
    """The public page's figures (:func:`compute_public_figures`), cached until the data change
    (``figure_cache``; the same for every visitor)."""
    return figure_cache.cached("public-page", lambda: compute_public_figures(area), figure_cache.area_part(area))


def compute_public_figures(area) -> dict:
    """The public page's figures with its disclosure control (``trygg.picture.public``: suppressed
    together with every other public page of the municipality): ``fig`` (the full picture of the
    period, for its sources and currency), ``rows`` (per theme: label, count as shown,
    comparison_count, rate, direction), ``total``, ``comparison_total`` and the two periods. The
    open-data API (``/api/v1/open/…``) serves exactly these."""
    root = public_tables.public_root(area)
    cur_p, cmp_p = public_tables.public_periods(root)
    cur = public_tables.public_table(root, cur_p.start, cur_p.end)
    ref = public_tables.public_table(root, cmp_p.start, cmp_p.end)
    fig = figures.compute_picture(area, cur_p.start, cur_p.end, "last-year")
    tests = {r.theme: r for r in fig.theme_rows()}
    mine, before = cur.row(area.code), ref.row(area.code)
    rows = []
    for theme, label in public_tables.theme_labels().items():
        r = tests.get(theme)
        shown = cur.shown(area.code, theme)
        # a rate or a change could reveal a hidden count: shown only where both counts are printed
        both = shown and ref.shown(area.code, theme)
        rows.append({"theme": theme, "label": label, "count": mine["themes"][theme],
                     "comparison_count": before["themes"][theme],
                     "rate": r.rate if (r and shown) else None, "synthetic": bool(r and r.synthetic > 0),
                     "direction": ("incomplete" if r and r.incomplete else (r.direction if r else ""))
                     if both else "suppressed"})
    return {"fig": fig, "rows": rows, "total": mine["total"], "comparison_total": before["total"],
            "period": cur_p, "comparison_period": cmp_p}
