from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "trygg.incidents"
    label = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        from trygg.areas.paths import area_moved

        from .area_paths import follow_area_move

        area_moved.connect(follow_area_move, dispatch_uid="incidents-follow-area-move")

        from .dataversion import connect_signals

        connect_signals()
