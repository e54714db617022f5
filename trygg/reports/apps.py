from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "trygg.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from trygg.jobs import kinds
        from trygg.picture import highlighted_theme

        from .conference_theme import current_conference_theme

        highlighted_theme.register(current_conference_theme)
        kinds.register("annual-report", "trygg.reports.annual.job.build")  # the annual report as a background job
        kinds.register("conference-analysis", "trygg.reports.attach.build")  # and attached to the conference
