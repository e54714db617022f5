from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from trygg.accounts.access import access, can
from trygg.accounts.municipalities import choose
from trygg.accounts.permissions import Capability
from trygg.incidents.categories import THEMES
from trygg.jobs import queue
from trygg.jobs.models import Job

from . import approval, attach
from .annual import job as annual_job
from .forms import AnnualForm, ConferenceForm
from .models import Conference, decisions_for


@access(Capability.ANALYZE_CITYWIDE)
def index(request):
    form = AnnualForm(request.GET or None)
    if request.GET and form.is_valid():
        d = form.cleaned_data
        name = "reports:annual" if d["fmt"] == "html" else "reports:annual_file"
        kwargs = {"year": d["year"], "theme": d["theme"]}
        if d["fmt"] != "html":
            kwargs["fmt"] = d["fmt"]
        return redirect(reverse(name, kwargs=kwargs))
    municipality = choose(request, Capability.ANALYZE_CITYWIDE).municipality
    conferences = Conference.objects.filter(municipality=municipality).select_related("municipality") \
        .defer("municipality__geometry")[:5]
    return render(request, "reports/index.html", {"form": form, "conferences": conferences,
                                                  "municipality": municipality})


def _annual_job(request, year, theme, fmt):
    """The background job that holds or builds the report for the municipality in ``?kommun=``
    (the viewer's own by default; 404 for one they do not analyse) and the data as they are now,
    and an outdated result to show meanwhile (``trygg.jobs``; the same for everyone who may see it:
    ANALYZE_CITYWIDE there). A POST asks for a new try after a failure."""
    code = choose(request, Capability.ANALYZE_CITYWIDE).code
    if theme not in THEMES or not 2000 <= year <= timezone.localdate().year or not code:
        raise Http404(_("No such report."))
    return queue.get_or_enqueue(annual_job.KIND, annual_job.params(year, theme, code, fmt), user=request.user,
                                retry=request.method == "POST")


def _annual_context(year, theme, fmt, job, code):
    return {"year": year, "theme": theme, "theme_label": THEMES[theme], "fmt": fmt, "job": job, "kommun": code,
            "status_url": reverse("reports:annual_status", args=[job.pk])}


def _read_text(job) -> str:
    with job.result.open("rb") as fh:
        return fh.read().decode("utf-8")


@access(Capability.ANALYZE_CITYWIDE)
@require_http_methods(["GET", "POST"])
def annual(request, year, theme):
    """The report in the page when it is built; otherwise its progress (and the previous report,
    marked outdated, if there is one)."""
    job, previous = _annual_job(request, year, theme, "html")
    if request.method == "POST":
        return redirect(request.get_full_path())
    context = _annual_context(year, theme, "html", job, job.params["municipality"])
    shown = job if job.status == Job.Status.DONE else previous
    context.update(body=mark_safe(_read_text(shown)) if shown else None, outdated=previous is not None and shown is previous,
                   older_data=previous is not None and previous.data_version != job.data_version)  # noqa: S308 (our own render)
    return render(request, "reports/annual_page.html", context, status=200 if shown or not job.active else 202)


@access(Capability.ANALYZE_CITYWIDE)
@require_http_methods(["GET", "POST"])
def annual_file(request, year, theme, fmt):
    """The stored file when it is built; otherwise a page with its progress that downloads it when done."""
    if fmt not in annual_job.FORMATS or fmt == "html":
        raise Http404(_("Unknown format."))
    job, _previous = _annual_job(request, year, theme, fmt)
    if request.method == "POST":
        return redirect(request.get_full_path())
    if job.status == Job.Status.DONE:
        return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name,
                            content_type=job.content_type)
    return render(request, "reports/annual_page.html",
                  _annual_context(year, theme, fmt, job, job.params["municipality"]), status=202 if job.active else 200)


@access(Capability.ANALYZE_CITYWIDE)
def annual_status(request, pk):
    """How far the job that builds an annual report has come (JSON, polled by job-progress.js)."""
    job = get_object_or_404(Job, pk=pk, kind__in=(annual_job.KIND, attach.KIND))
    return JsonResponse({"status": job.status, "progress": job.progress, "step": job.step,
                         "error": job.error if job.status == Job.Status.FAILED else ""})  # no-store: trygg.web.middleware


# ---- the conferences: each municipality holds its own, /rapporter/konferens/<kod>/<år>/ -----------


def _municipality(request, code, capability: Capability):
    """The municipality of SCB code ``code`` when the viewer works there with ``capability``
    (VIEW_PICTURE: anywhere in it; ANALYZE_CITYWIDE: for the whole of it); else 404, as for every
    other partnership's pages (``trygg.accounts.municipalities``)."""
    from trygg.accounts.municipalities import require_municipality
    from trygg.areas.models import Area, Level

    area = get_object_or_404(Area.objects.defer("geometry"), code=code, level=Level.MUNICIPALITY)
    require_municipality(request.user, capability, area)
    if capability == Capability.ANALYZE_CITYWIDE and not can(request.user, capability, area):
        raise Http404
    return area


def _conference(request, code, year, capability: Capability = Capability.VIEW_PICTURE) -> Conference:
    municipality = _municipality(request, code, capability)
    conf = get_object_or_404(Conference.objects.select_related("proposed_by", "city_approved_by", "police_approved_by"),
                             municipality=municipality, year=year)
    conf.municipality = municipality  # loaded without its outline
    return conf


@access(Capability.VIEW_PICTURE)
def conferences(request):
    """The conferences of the viewer's municipality (``?kommun=`` for another of theirs)."""
    chosen = choose(request, Capability.VIEW_PICTURE)
    confs = Conference.objects.filter(municipality=chosen.municipality).select_related("municipality") \
        .defer("municipality__geometry")
    return render(request, "reports/conferences.html", {
        "conferences": confs, "chosen": chosen,
        "can_create": chosen.municipality is not None
        and can(request.user, Capability.ANALYZE_CITYWIDE, chosen.municipality)})


@access(Capability.ANALYZE_CITYWIDE)
def conference_new(request):
    """A new conference of the analyst's municipality (``?kommun=`` for another of theirs)."""
    chosen = choose(request, Capability.ANALYZE_CITYWIDE)
    municipality = chosen.municipality
    if municipality is None or not can(request.user, Capability.ANALYZE_CITYWIDE, municipality):
        raise Http404
    form = ConferenceForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        if Conference.objects.filter(municipality=municipality, year=form.cleaned_data["year"]).exists():
            form.add_error("year", _("There is already a conference for this year."))
        else:
            conf = form.save(commit=False)
            conf.municipality = municipality
            conf.proposed_by = request.user
            conf.save()
            messages.success(request, _("Conference created. Both partners now approve the theme."))
            return redirect(conf)
    return render(request, "reports/conference_form.html", {"form": form, "chosen": chosen,
                                                            "municipality": municipality})


@access(Capability.VIEW_PICTURE)
def conference_by_year(request, year):
    """The old address /konferens/<år>/: that year's conference of the viewer's municipality."""
    municipality = choose(request, Capability.VIEW_PICTURE).municipality
    if municipality is None:
        raise Http404
    return redirect(reverse("reports:conference", args=[municipality.code, year]))


def _sides(request, conf) -> list[str]:
    """The sides the viewer may still approve: the APPROVE (district director, police chief) or
    ANALYZE_CITYWIDE (development lead) capability anywhere in the conference's municipality."""
    return approval.approvable_sides(request.user, conf, conf.municipality, anywhere_below=True)


@access(Capability.VIEW_PICTURE)
def conference(request, code, year):
    conf = _conference(request, code, year)
    municipality = conf.municipality
    citywide = can(request.user, Capability.ANALYZE_CITYWIDE, municipality)
    context = {"conf": conf, "sides": _sides(request, conf), "can_edit": citywide,
               "previous_decisions": decisions_for(year, municipality), "themes": THEMES,
               "next_year": Conference.objects.filter(municipality=municipality, year=year + 1).first()}
    if citywide:  # the analysis being generated, or why it failed
        job = Job.objects.filter(key=queue.key_for(attach.KIND, attach.params(conf))).first()
        if job is not None and job.status != Job.Status.DONE:
            context.update(_annual_context(conf.year, conf.theme, "html", job, municipality.code),
                           retry_url=reverse("reports:conference_attach", args=[municipality.code, conf.year]))
    return render(request, "reports/conference.html", context)


@access(Capability.ANALYZE_CITYWIDE)
def conference_edit(request, code, year):
    conf = _conference(request, code, year, Capability.ANALYZE_CITYWIDE)
    old_theme = conf.theme
    form = ConferenceForm(request.POST or None, instance=conf)
    if request.method == "POST" and form.is_valid():
        conf = form.save(commit=False)
        if Conference.objects.filter(municipality=conf.municipality, year=conf.year).exclude(pk=conf.pk).exists():
            form.add_error("year", _("There is already a conference for this year."))
            return render(request, "reports/conference_form.html", {"form": form, "conf": conf})
        if conf.theme != old_theme:
            approval.reset_approvals(conf)
            messages.warning(request, _("The theme changed: both partners must approve it again."))
        conf.save()
        return redirect(conf)
    return render(request, "reports/conference_form.html", {"form": form, "conf": conf})


@access(Capability.VIEW_PICTURE)
@require_POST
def conference_approve(request, code, year):
    """Approve the theme for one side: only people of the conference's own municipality (another
    municipality's conference is not found, 404); a side the viewer may not approve: 403."""
    conf = _conference(request, code, year)
    side = request.POST.get("side", "")
    try:
        approval.approve(request.user, conf, side, conf.municipality, anywhere_below=True)
    except PermissionError:
        raise PermissionDenied from None
    messages.success(request, _("Theme approved."))
    return redirect(conf)


@access(Capability.ANALYZE_CITYWIDE)
@require_POST
def conference_attach(request, code, year):
    """Queue the job that generates the annual analysis of the conference's municipality for its
    year and theme and stores the PDF with it; the conference page follows its progress."""
    conf = _conference(request, code, year, Capability.ANALYZE_CITYWIDE)
    job, _previous = queue.get_or_enqueue(attach.KIND, attach.params(conf), user=request.user, retry=True)
    if job.status == Job.Status.DONE and conf.analysis_pdf:
        messages.info(request, _("The attached analysis is up to date: the data have not changed since it was generated."))
    else:
        messages.success(request, _("The annual analysis is being generated in the background; this page shows it "
                                    "when it is attached."))
    return redirect(conf)


@access(Capability.VIEW_PICTURE)
def conference_pdf(request, code, year):
    conf = _conference(request, code, year)
    if not conf.analysis_pdf:
        raise Http404(_("No analysis attached yet."))
    return FileResponse(conf.analysis_pdf.open("rb"), as_attachment=True,
                        filename=f"arsanalys-{conf.municipality.code}-{conf.year}-{conf.theme}.pdf",
                        content_type="application/pdf")
