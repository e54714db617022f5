"""Snapshots of the situation picture and the log of every export.

A :class:`Snapshot` freezes what was known when a decision was made: the figures, the map data and
the data sources with their latest import times, as JSON. The work cycle links problems to it.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Compare(models.TextChoices):
    PREVIOUS = "previous", _("previous period")
    LAST_YEAR = "last-year", _("same period last year")


class Snapshot(models.Model):
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="snapshots",
                             verbose_name=_("area"))
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    compare = models.CharField(_("compared with"), max_length=12, choices=Compare.choices, default=Compare.PREVIOUS)
    theme = models.CharField(_("theme"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("frozen figures"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   verbose_name=_("saved by"))
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")

    def __str__(self):
        return f"{self.title} ({self.area}, {self.start}–{self.end})"

    def get_absolute_url(self):
        return reverse("picture:snapshot", args=[self.area.code, self.pk])


class ExportLog(models.Model):
    """Who exported what, when, for which purpose and to whom (DOMAIN.md: every export is logged)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    what = models.CharField(_("what"), max_length=300)
    file_format = models.CharField(_("format"), max_length=10)
    purpose = models.CharField(_("purpose"), max_length=300)
    recipient = models.CharField(_("recipient"), max_length=200)
    created_at = models.DateTimeField(_("exported"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("export log")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user} {self.what} ({self.file_format})"
