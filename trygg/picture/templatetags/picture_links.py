from django import template

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
