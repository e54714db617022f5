from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.accounts.access import access
from trygg.accounts.municipalities import choose
from trygg.accounts.permissions import Capability
from trygg.incidents.categories import THEMES
from trygg.numbers import figure_cache

from . import approval
from .annual import render as annual_render
from .annual.data import collect
from .attach import attach_analysis
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


def _report(request, year, theme):
    """The report's data for the municipality in ``?kommun=`` (the viewer's own by default; 404 for
    one they do not analyse), computed once per data version and shared by the page and the files
    (``figure_cache``; the same for everyone who may see it: ANALYZE_CITYWIDE there)."""
    chosen = choose(request, Capability.ANALYZE_CITYWIDE)
    code = chosen.code
    if theme not in THEMES or not 2000 <= year <= timezone.localdate().year or not code:
        raise Http404(_("No such report."))
    with translation.override("sv"):
        return figure_cache.cached("annual-report", lambda: collect(year, theme, municipality=code),
                                   year, theme, code)


@access(Capability.ANALYZE_CITYWIDE)
def annual(request, year, theme):
    report = _report(request, year, theme)
    with translation.override("sv"):
        body = annual_render.html(report, standalone=False)
    return render(request, "reports/annual_page.html", {"report": report, "body": body})


@access(Capability.ANALYZE_CITYWIDE)
def annual_file(request, year, theme, fmt):
    if fmt not in ("pdf", "xlsx"):
        raise Http404(_("Unknown format."))
    report = _report(request, year, theme)
    with translation.override("sv"):
        content = annual_render.FORMATS[fmt](report)
    response = HttpResponse(content, content_type=annual_render.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="arsanalys-{year}-{theme}.{fmt}"'
    return response


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
    return render(request, "reports/conference.html", {
        "conf": conf, "sides": approval.approvable_sides(request.user, conf),
        "previous_decisions": decisions_for(year), "themes": THEMES,
        "next_year": Conference.objects.filter(year=year + 1).first(),
    })


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
    """Generate the annual analysis for the conference's year and theme and store the PDF."""
    conf = get_object_or_404(Conference, year=year)
    attach_analysis(conf)
    messages.success(request, _("The annual analysis is generated and attached."))
    return redirect(conf)


@access(Capability.VIEW_PICTURE)
def conference_pdf(request, year):
    conf = get_object_or_404(Conference, year=year)
    if not conf.analysis_pdf:
        raise Http404(_("No analysis attached yet."))
    return FileResponse(conf.analysis_pdf.open("rb"), as_attachment=True,
                        filename=f"arsanalys-{conf.year}-{conf.theme}.pdf", content_type="application/pdf")
