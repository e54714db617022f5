import datetime as dt

from django import template
from django.utils import timezone

from trygg.incidents.models import IMPORT_SOURCE_LABELS
from trygg.numbers.figures import SOURCE_LABELS
from trygg.picture.problem_links import raise_problem_url

register = template.Library()


@register.simple_tag(takes_context=True)
def raise_problem_for_row(context, row):
    """Raise-a-problem URL for a flagged row of the picture (empty when not allowed or not flagged)."""
    if not context.get("raise_problem_url") or not getattr(row, "significant", False) and not (
            isinstance(row, dict) and row.get("significant")):
        return ""
    snap = context.get("snap") or context.get("latest_snapshot")
    return raise_problem_url(context["request"].user, context["area"], snapshot_id=snap.pk if snap else None,
                             row=row) or ""


@register.filter
def source_label(code):
    """Readable name of an import source code ("police" → "Police events")."""
    return str(SOURCE_LABELS.get(code) or IMPORT_SOURCE_LABELS.get(code) or code)


@register.filter
def theme_name(slug):
    """Readable name of a theme slug ("narkotika" → "Narcotics")."""
    from trygg.incidents.categories import theme_label

    return theme_label(slug) if slug else ""


@register.filter
def local_time(iso):
    """An ISO timestamp (as stored in the figures and snapshots) in local time, "YYYY-MM-DD HH:MM"."""
    if not iso:
        return "–"
    try:
        value = dt.datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)[:16]
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")
