"""Generate a conference's annual analysis and store the PDF with it: at once (the demo) or as the
background job the conference page's button queues (``trygg.jobs``, kind ``conference-analysis``)."""

from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trygg.areas import schemes

from .annual import job as annual_job
from .annual import render
from .annual.data import collect
from .models import Conference

KIND = "conference-analysis"


def params(conference, language: str = "sv") -> dict:
    """One job per municipality, year and theme (each municipality's conference its own analysis)."""
    return {"year": conference.year, "theme": conference.theme, "municipality": conference.municipality.code,
            "language": language}


def _store(conference, pdf: bytes) -> None:
    if conference.analysis_pdf:
        conference.analysis_pdf.delete(save=False)
    conference.analysis_pdf.save(f"arsanalys-{conference.municipality.code}-{conference.year}-{conference.theme}.pdf",
                                 ContentFile(pdf), save=False)
    conference.analysis_generated_at = timezone.now()
    conference.save()


def attach_analysis(conference, language: str = "sv") -> None:
    with translation.override(language):
        pdf = render.pdf(collect(conference.year, conference.theme, municipality=conference.municipality.code))
    _store(conference, pdf)


def build(p: dict, progress):
    """The job: the annual report's PDF of the conference's municipality for its year and theme
    (shared with the report's own PDF job through the figure cache), attached to the conference.
    A job queued before conferences had a municipality names none: the installation's own."""
    code = p.get("municipality") or schemes.home_code()
    content, name, content_type = annual_job.build(
        annual_job.params(p["year"], p["theme"], code, "pdf", p["language"]), progress)
    conference = Conference.objects.get(municipality__code=code, municipality__level="municipality", year=p["year"])
    if conference.theme != p["theme"]:
        raise ValueError(_("The conference's theme changed while the analysis was generated: generate it again."))
    _store(conference, content)
    return content, name, content_type
