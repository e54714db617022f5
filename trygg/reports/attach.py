"""Generate a conference's annual analysis and store the PDF with it (view and demo share this)."""

from django.core.files.base import ContentFile
from django.utils import timezone, translation

from .annual import render
from .annual.data import collect


def attach_analysis(conference, language: str = "sv") -> None:
    with translation.override(language):
        pdf = render.pdf(collect(conference.year, conference.theme))
    if conference.analysis_pdf:
        conference.analysis_pdf.delete(save=False)
    conference.analysis_pdf.save(f"arsanalys-{conference.year}-{conference.theme}.pdf", ContentFile(pdf), save=False)
    conference.analysis_generated_at = timezone.now()
    conference.save()
