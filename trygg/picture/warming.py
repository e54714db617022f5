"""The figures most people open first, computed in the background after every import.

An import raises the data version, and with it every figure in the cache is stale
(``trygg.numbers.figure_cache``): without this, the first person to open a picture after an
import waits for every count of it (seconds on millions of incidents). So each finished import
queues the background job ``warm-figures`` (one per data version, ``trygg.jobs``), which computes,
in the installation's language, the figures every viewer of these pages shares:

* the situation picture of the default period (the last 28 complete days against the 28 before)
  and of the last 12 months against the year before, for the home municipality, every other
  municipality someone has a role in, their districts and the country;
* the public page of each of those municipalities and their districts, rendered whole into the page
  cache (it is the same for every visitor);
* the placement note of each of those pages (how much of the police data is placed by its text),
  and which incidents are the latest of each picture (their ids; what a viewer may read of them is
  decided when the page is shown).

and then the same for every other area whose picture or public page someone opened in the last
14 days (the 200 most recent: a sub-area a coordinator follows,
another municipality an analyst compares with), most recent first (``trygg.picture.opened``,
noted by ``page_cache`` on every view of those pages).

What depends on the viewer (the latest incidents and their text, the buttons) is never computed
ahead, and other periods and themes are computed when first asked for, as before. The job
stops as soon as the data change again (the next import's job takes over) and makes way for other
jobs that are waiting (an annual report asked for by a person): it queues the rest behind them.
``TRYGG_WARM_FIGURES=0`` switches it off.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils import translation

from . import opened

log = logging.getLogger("trygg.jobs")
KIND = "warm-figures"


def request(**_signal_kwargs) -> None:
    """Once the current transaction (the import's) has committed: :func:`after_import`."""
    if getattr(settings, "TRYGG_WARM_FIGURES", True):
        transaction.on_commit(after_import)


def after_import() -> None:
    """Compute at once, in the importing process, what every page and ``trygg`` command needs
    first whatever its area: what the coverage rules read (``coverage.warm``: from the daily counts
    of the whole history of the country, ~60 ms at 4.5 M incidents); then queue the job for the
    rest."""
    from trygg.incidents import coverage
    from trygg.jobs import queue

    try:
        coverage.warm()
    except Exception:  # the import has committed: a figure cache that fails (Redis down) must not undo that
        log.exception("after an import: the coverage rules' counts were not computed ahead")
    queue.get_or_enqueue(KIND, {})


def targets() -> list[tuple[str, object, object]]:
    """``(what, area, choice)`` in the order they are computed: ``what`` is "picture" (with its
    period ``choice``) or "public" (``choice`` None). The home municipality first, then its
    districts, then the country, then the other municipalities in use, then the other pages opened
    recently (``trygg.picture.opened``)."""
    from trygg.accounts.models import Membership
    from trygg.areas import schemes
    from trygg.areas.models import Area, Level
    from trygg.numbers.params import Choice, parse_choice

    home = schemes.home_code()
    used = {schemes.municipality_code(m.area) for m in Membership.objects.filter(area__isnull=False)
            .select_related("area").only("area__level", "area__code", "area__path")}
    codes = [home, *sorted(c for c in used if c and c != home)]
    municipalities = {a.code: a for a in Area.objects.filter(level=Level.MUNICIPALITY, code__in=codes)}
    country = Area.objects.filter(level=Level.COUNTRY).order_by("pk").first()

    def pictures(area):
        default = parse_choice({}, area)
        year = Choice(default.end - dt.timedelta(days=364), default.end, "last-year", None)
        return [("picture", area, default), ("picture", area, year)]

    out: list = []
    for i, code in enumerate(c for c in codes if c in municipalities):
        municipality = municipalities[code]
        districts = list(schemes.districts(municipality).order_by("code"))
        for area in (municipality, *districts):
            out += pictures(area)
        out += [("public", area, None) for area in (municipality, *districts) if schemes.has_public_page(area)]
        if i == 0 and country is not None:
            out += pictures(country)
    if country is not None and not municipalities:
        out += pictures(country)
    done = {(what, area.pk) for what, area, _choice in out}
    recent = opened.recently()
    areas = {a.code: a for a in Area.objects.filter(code__in={code for _kind, code in recent}).defer("geometry")}
    for kind, code in recent:
        area = areas.get(code)
        if area is None or (kind, area.pk) in done:
            continue
        done.add((kind, area.pk))
        if kind == "picture":
            out += pictures(area)
        elif kind == "public" and schemes.has_public_page(area):
            out.append(("public", area, None))
    return out


def _others_waiting() -> bool:
    from trygg.jobs.models import Job

    return Job.objects.filter(status=Job.Status.QUEUED).exclude(kind=KIND).exists()


def warm(targets_, progress=lambda percent, step="": None, start: int = 0) -> tuple[int, str]:
    """Compute ``targets_[start:]`` into the figure cache; ``(the index reached, why it stopped)``:
    "done", "data changed" or "others waiting"."""
    from trygg.incidents import dataversion
    from trygg.incidents.templatetags.placement_tags import cached_placement_share

    from .views import cached_latest_ids, public_figures, public_placement, shared_figures

    version = dataversion.current()
    for i in range(start, len(targets_)):
        if dataversion.current() != version:
            return i, "data changed"
        if i > start and _others_waiting():
            return i, "others waiting"
        what, area, choice = targets_[i]
        progress(100 * i / len(targets_), area.name)
        if what == "picture":
            shared_figures(area, choice)
            cached_placement_share(area, choice.start, choice.end, choice.theme)  # the page's placement note
            cached_latest_ids(area, choice.start, choice.end, choice.theme)  # which incidents are the latest
        else:
            public_placement(area, public_figures(area)["period"])
            render_public_page(area)
    return len(targets_), "done"


def render_public_page(area) -> None:
    """Render the public page of ``area`` as an anonymous visitor's request for its address would,
    through the view and its page cache (``page_cache``: the same for every visitor, so the first
    one after an import is served the stored page). A page that cannot be rendered here (no
    collected static files: ``trygg jobs run`` before ``trygg serve``) is left to its first visitor;
    its figures are computed all the same."""
    from django.contrib.auth.models import AnonymousUser
    from django.test.client import RequestFactory
    from django.urls import reverse

    from .views import public

    hosts = [h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")]
    request = RequestFactory(HTTP_HOST=hosts[0] if hosts else "localhost").get(
        reverse("picture:public", args=[area.code]))
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = translation.get_language()
    try:
        public(request, code=area.code)
    except ValueError as e:  # e.g. static files not collected yet (``trygg serve`` collects them first)
        log.warning("warm-figures: the public page of %s is not rendered ahead: %s", area.code, e)


def build(params: dict, progress):
    """The job: warm from ``params["start"]`` (0: from the first target) on."""
    started = time.perf_counter()
    start = int(params.get("start", 0))
    with translation.override(settings.LANGUAGE_CODE):
        todo = targets()
        reached, why = warm(todo, progress, start)
    if why == "others waiting":  # the rest after them (a new key: queued behind the waiting jobs)
        from trygg.jobs import queue

        queue.get_or_enqueue(KIND, {"start": reached})
    text = (f"{reached - start} of {len(todo)} figure sets computed from #{start} in "
            f"{time.perf_counter() - started:.1f} s: {why}\n")
    log.info("warm-figures: %s", text.strip())
    return text, "warm-figures.txt", "text/plain"
