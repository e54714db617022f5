"""Retention ("gallring"): what is past its retention period is deleted or anonymised, with a log.

The periods come from ``settings.TRYGG_RETENTION`` (days per rule; 0 or missing switches a rule
off). Each rule keeps what the statistics need (date, category, area) and removes what could
point at a person (free text, an exact point, who reported, IP addresses). The defaults and
their reasons are in docs/operations.md ("Retention"): storage limitation, GDPR art. 5(1)(e),
and for public records the authority's own gallringsbeslut under OSL/arkivlagen, which decides
the real periods – the defaults are a starting point to be set to that decision.

Every run is written to the import history (source ``retention``) with what went per rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from trygg.incidents.models import ImportRun, Incident, Placement, Source

DEFAULTS = {
    "police_text": 730,      # police events: title, summary, page text, link
    "est_details": 730,      # EST reports: description, place text, exact point, reporter
    "export_log": 1095,      # who exported what to whom
    "login_records": 90,     # django-axes attempts and logs (usernames, IP addresses)
    "sessions": 1,           # expired sessions (Django keeps them until cleared)
    "survey_comments": 1095,  # free-text comments in the collaboration survey
}
BATCH = 2000


@dataclass
class Outcome:
    rule: str
    days: int
    action: str
    count: int

    def line(self) -> str:
        return f"{self.rule} (>{self.days} days): {self.count} {self.action}"


def periods() -> dict[str, int]:
    configured = getattr(settings, "TRYGG_RETENTION", {}) or {}
    return {rule: int(configured.get(rule, days) or 0) for rule, days in DEFAULTS.items()}


def _batched_update(qs, *, cells: bool = False, **values) -> int:
    """Update in batches, each its own short transaction (the SQLite write lock is never held long).
    With ``cells`` (incidents whose placement changes) the daily cells of the batch's days are
    recomputed in the same transaction (``trygg.incidents.daily``: the cells count by placement)."""
    from trygg.incidents import daily

    total = 0
    while True:
        with transaction.atomic():
            pks = list(qs.values_list("pk", flat=True)[:BATCH])
            if not pks:
                return total
            batch = qs.model.objects.filter(pk__in=pks)
            days = set(batch.values_list("date", flat=True)) if cells else ()
            total += batch.update(**values)
            if days:
                daily.refresh_days(days)


def _batched_delete(qs) -> int:
    total = 0
    while True:
        with transaction.atomic():
            pks = list(qs.values_list("pk", flat=True)[:BATCH])
            if not pks:
                return total
            qs.model.objects.filter(pk__in=pks).delete()
            total += len(pks)


def run_retention(*, dry_run: bool = False, now=None) -> list[Outcome]:
    """Apply every rule; returns what each did (or would do, with ``dry_run``)."""
    now = now or timezone.now()
    p = periods()
    out: list[Outcome] = []

    def cutoff(rule):
        return now - timedelta(days=p[rule])

    def apply(rule, qs, action, cells=False, **values):
        if not p[rule]:
            return
        if dry_run:
            n = qs.count()
        elif action == "deleted":
            n = _batched_delete(qs)
        else:
            n = _batched_update(qs, cells=cells, **values)
        out.append(Outcome(rule, p[rule], action if not dry_run else f"would be {action}", n))

    police = Incident.objects.filter(source=Source.POLICE, occurred_at__lt=cutoff("police_text")).exclude(
        title="", summary="", body="", url="", place_text="")
    apply("police_text", police, "anonymised", title="", summary="", body="", url="", place_text="")

    est = Incident.objects.filter(source=Source.EST, occurred_at__lt=cutoff("est_details")).exclude(
        body="", place_text="", lon=None, lat=None, created_by=None)
    # the report keeps its area (placed by area now), category and date: the figures do not change
    # (its daily cells move from "point" to "area", counted again)
    apply("est_details", est, "anonymised", cells=True, body="", place_text="", lon=None, lat=None, created_by=None,
          placement=Placement.AREA)

    from trygg.picture.models import ExportLog

    apply("export_log", ExportLog.objects.filter(created_at__lt=cutoff("export_log")), "deleted")

    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        apply("login_records", model.objects.filter(attempt_time__lt=cutoff("login_records")), "deleted")

    from django.contrib.sessions.models import Session

    apply("sessions", Session.objects.filter(expire_date__lt=cutoff("sessions")), "deleted")

    from trygg.surveys.models import CollaborationAnswer

    apply("survey_comments", CollaborationAnswer.objects.filter(answered_at__lt=cutoff("survey_comments"))
          .exclude(comment=""), "anonymised", comment="")
    return out


def log_run(outcomes: list[Outcome], user=None, source: str = "retention") -> ImportRun:
    """The run in the import history: one line per rule."""
    changed = sum(o.count for o in outcomes if not o.action.startswith("would"))
    return ImportRun.objects.create(
        source=source, file_name="", user=user, status=ImportRun.Status.DONE, finished_at=timezone.now(),
        updated=changed, message="; ".join(o.line() for o in outcomes) or "no retention rule is switched on",
    )
