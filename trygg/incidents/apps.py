from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "trygg.incidents"
    label = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        from .dataversion import connect_signals

        connect_signals()
