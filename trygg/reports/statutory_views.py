"""Pages of the statutory documents (SFS 2023:196): /rapporter/lagstadgad/<code>/…

Anyone who sees the area's situation picture reads the documents and their checklist; the partners
who edit the work cycle save versions and write the text sections; the responsible roles approve
(``approval``). Once adopted a version is frozen: its PDF and DOCX are generated once and stored."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.accounts.access import access, can
from trygg.accounts.permissions import Capability

from . import approval
from .forms import StatutoryNewForm, StatutoryTextForm
from .models import StatutoryDocument
from .statutory import render as doc_render
from .statutory.data import TEXT_SECTIONS, collect
from .statutory.requirements import requirements

FILE_FORMATS = ("pdf", "docx")


def _doc(request, pk) -> StatutoryDocument:
    doc = get_object_or_404(StatutoryDocument.objects.select_related("area", "city_approved_by",
                                                                     "police_approved_by"), pk=pk)
    if doc.area_id != request.area.pk:
        raise Http404
    return doc


def _collect(area, kind, year, doc=None):
    with translation.override("sv"):
        return collect(area, kind, year, doc=doc)


def filename(doc_or_kind, area, year, fmt, version=None) -> str:
    kind = getattr(doc_or_kind, "kind", doc_or_kind)
    v = f"-v{version}" if version else ""
    return f"{kind}-{area.code}-{year}{v}.{fmt}"


@access(Capability.VIEW_PICTURE, area_kwarg="code")
def index(request, code):
    area = request.area
    year = timezone.localdate().year
    docs = StatutoryDocument.objects.filter(area=area).select_related("area")
    latest = {}
    for d in docs:
        latest.setdefault((d.kind, d.year), d)
    return render(request, "reports/statutory_index.html", {
        "area": area, "docs": docs, "latest": list(latest.values()),
        "form": StatutoryNewForm(initial={"year": year, "kind": "lagesbild"}),
        "can_edit": can(request.user, Capability.EDIT_WORK, area),
    })


@access(Capability.EDIT_WORK, area_kwarg="code")
@require_POST
def new(request, code):
    """Save a new version: it starts from the texts of the latest version of that document and year."""
    area = request.area
    form = StatutoryNewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect(reverse("reports:statutory_index", args=[area.code]))
    kind, year = form.cleaned_data["kind"], form.cleaned_data["year"]
    previous = StatutoryDocument.objects.filter(area=area, kind=kind, year=year).order_by("-version").first()
    doc = StatutoryDocument.objects.create(area=area, kind=kind, year=year, created_by=request.user,
                                           sections=dict(previous.sections) if previous else {})
    messages.success(request, _("Saved: %(doc)s") % {"doc": doc})
    return redirect(doc)


@access(Capability.VIEW_PICTURE, area_kwarg="code")
def detail(request, code, pk):
    doc = _doc(request, pk)
    frozen = doc.adopted and bool(doc.adopted_html)
    if frozen:  # what was adopted, not today's data
        report, body = None, mark_safe(doc.adopted_html)  # rendered by our own template at adoption
    else:
        report = _collect(doc.area, doc.kind, doc.year, doc)
        with translation.override("sv"):
            body = doc_render.html(report, standalone=False)
    versions = StatutoryDocument.objects.filter(area=doc.area, kind=doc.kind, year=doc.year).order_by("-version")
    return render(request, "reports/statutory.html", {
        "area": request.area, "doc": doc, "report": report, "body": body, "versions": versions,
        "requirements": requirements(report, doc) if report else None, "frozen": frozen,
        "sides": [] if doc.adopted else approval.approvable_sides(request.user, doc, doc.area),
        "can_edit": can(request.user, Capability.EDIT_WORK, doc.area) and not doc.adopted,
        "can_new_version": can(request.user, Capability.EDIT_WORK, doc.area),
    })


@access(Capability.EDIT_WORK, area_kwarg="code")
def edit(request, code, pk):
    doc = _doc(request, pk)
    if doc.adopted:
        messages.error(request, _("An adopted version cannot be changed: save a new version."))
        return redirect(doc)
    form = StatutoryTextForm(request.POST or None, kind=doc.kind, initial=doc.sections)
    if request.method == "POST" and form.is_valid():
        new = {k: v.strip() for k, v in form.cleaned_data.items()}
        if new != {k: (doc.sections or {}).get(k, "") for k in new}:
            if doc.city_approved_at or doc.police_approved_at:
                approval.reset_approvals(doc)
                messages.warning(request, _("The text changed: the approvals given must be given again."))
            doc.sections = new
            doc.save()
        messages.success(request, _("Saved: %(doc)s") % {"doc": doc})
        return redirect(doc)
    return render(request, "reports/statutory_form.html", {"area": request.area, "doc": doc, "form": form,
                                                           "sections": TEXT_SECTIONS[doc.kind]})


@access(Capability.SIGNED_IN)
@require_POST
def approve(request, code, pk):
    doc = get_object_or_404(StatutoryDocument.objects.select_related("area"), pk=pk, area__code=code)
    if doc.adopted:
        messages.info(request, _("This version is already adopted."))
        return redirect(doc)
    try:
        approval.approve(request.user, doc, request.POST.get("side", ""), doc.area)
    except PermissionError:
        raise PermissionDenied from None
    if not doc.missing_sides():
        adopt(doc)
        messages.success(request, _("Approved: the document is adopted, and its PDF and DOCX are stored."))
    else:
        messages.success(request, _("Approved."))
    return redirect(doc)


@transaction.atomic
def adopt(doc: StatutoryDocument) -> None:
    """Freeze an approved version: generate its PDF, DOCX and page once and store them."""
    doc.adopted_at = timezone.now()
    report = _collect(doc.area, doc.kind, doc.year, doc)
    with translation.override("sv"):
        for fmt in FILE_FORMATS:
            getattr(doc, fmt).save(filename(doc, doc.area, doc.year, fmt, doc.version),
                                   ContentFile(doc_render.FORMATS[fmt](report)), save=False)
        doc.adopted_html = doc_render.html(report, standalone=False)
    doc.save()


@access(Capability.VIEW_PICTURE, area_kwarg="code")
def download(request, code, pk, fmt):
    if fmt not in FILE_FORMATS:
        raise Http404
    doc = _doc(request, pk)
    stored = getattr(doc, fmt)
    if doc.adopted and stored:
        content = stored.read()
    else:
        with translation.override("sv"):
            content = doc_render.FORMATS[fmt](_collect(doc.area, doc.kind, doc.year, doc))
    resp = HttpResponse(content, content_type=doc_render.CONTENT_TYPES[fmt])
    resp["Content-Disposition"] = f'attachment; filename="{filename(doc, doc.area, doc.year, fmt, doc.version)}"'
    return resp



@access(Capability.VIEW_PICTURE, area_kwarg="code")
def weekly_brief(request, code, fmt):
    """The weekly brief of the area as an A4 PDF or PPTX slides."""
    from . import weekly

    if fmt not in ("pdf", "pptx"):
        raise Http404
    with translation.override("sv"):
        brief = weekly.collect(request.area)
        content = weekly.FORMATS[fmt](brief)
    resp = HttpResponse(content, content_type=weekly.CONTENT_TYPES[fmt])
    week = brief.pages[0].start.isocalendar()
    resp["Content-Disposition"] = f'attachment; filename="vecka-{week[0]}-{week[1]:02d}-{request.area.code}.{fmt}"'
    return resp
