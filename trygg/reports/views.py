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
from trygg.areas import schemes
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
    return render(request, "reports/index.html", {"form": form, "conferences": Conference.objects.all()[:5]})


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


@access(Capability.VIEW_PICTURE)
def conferences(request):
    return render(request, "reports/conferences.html", {"conferences": Conference.objects.all()})


@access(Capability.ANALYZE_CITYWIDE)
def conference_new(request):
    form = ConferenceForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        if Conference.objects.filter(year=form.cleaned_data["year"]).exists():
            form.add_error("year", _("There is already a conference for this year."))
        else:
            conf = form.save(commit=False)
            conf.proposed_by = request.user
            conf.save()
            messages.success(request, _("Conference created. Both partners now approve the theme."))
            return redirect(conf)
    return render(request, "reports/conference_form.html", {"form": form})


@access(Capability.VIEW_PICTURE)
def conference(request, year):
    conf = get_object_or_404(Conference, year=year)
    context = {"conf": conf, "sides": approval.approvable_sides(request.user, conf),
               "previous_decisions": decisions_for(year), "themes": THEMES,
               "next_year": Conference.objects.filter(year=year + 1).first()}
    if can(request.user, Capability.ANALYZE_CITYWIDE):  # the analysis being generated, or why it failed
        job = Job.objects.filter(key=queue.key_for(attach.KIND, attach.params(conf))).first()
        if job is not None and job.status != Job.Status.DONE:
            context.update(_annual_context(conf.year, conf.theme, "html", job, schemes.home_code()),
                           retry_url=reverse("reports:conference_attach", args=[conf.year]))
    return render(request, "reports/conference.html", context)


@access(Capability.ANALYZE_CITYWIDE)
def conference_edit(request, year):
    conf = get_object_or_404(Conference, year=year)
    old_theme = conf.theme
    form = ConferenceForm(request.POST or None, instance=conf)
    if request.method == "POST" and form.is_valid():
        conf = form.save(commit=False)
        if conf.theme != old_theme:
            approval.reset_approvals(conf)
            messages.warning(request, _("The theme changed: both partners must approve it again."))
        conf.save()
        return redirect(conf)
    return render(request, "reports/conference_form.html", {"form": form, "conf": conf})


@access(Capability.SIGNED_IN)
@require_POST
def conference_approve(request, year):
    conf = get_object_or_404(Conference, year=year)
    side = request.POST.get("side", "")
    try:
        approval.approve(request.user, conf, side)
    except PermissionError:
        raise PermissionDenied from None
    messages.success(request, _("Theme approved."))
    return redirect(conf)


@access(Capability.ANALYZE_CITYWIDE)
@require_POST
def conference_attach(request, year):
    """Queue the job that generates the annual analysis for the conference's year and theme and
    stores the PDF with it; the conference page follows its progress."""
    conf = get_object_or_404(Conference, year=year)
    job, _previous = queue.get_or_enqueue(attach.KIND, attach.params(conf), user=request.user, retry=True)
    if job.status == Job.Status.DONE and conf.analysis_pdf:
        messages.info(request, _("The attached analysis is up to date: the data have not changed since it was generated."))
    else:
        messages.success(request, _("The annual analysis is being generated in the background; this page shows it "
                                    "when it is attached."))
    return redirect(conf)


@access(Capability.VIEW_PICTURE)
def conference_pdf(request, year):
    conf = get_object_or_404(Conference, year=year)
    if not conf.analysis_pdf:
        raise Http404(_("No analysis attached yet."))
    return FileResponse(conf.analysis_pdf.open("rb"), as_attachment=True,
                        filename=f"arsanalys-{conf.year}-{conf.theme}.pdf", content_type="application/pdf")
