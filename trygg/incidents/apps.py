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

        from . import categories, daily

        categories.connect_signals()
        daily.connect_signals()

        from django.db.models.signals import post_migrate

        from trygg.numbers.figure_cache import forget_all

        post_migrate.connect(forget_all, sender=self, dispatch_uid="incidents-forget-figures-after-migrate")
        # the data migration loads the themes and categories without signals
        post_migrate.connect(categories.forget, sender=self, dispatch_uid="incidents-forget-taxonomy-after-migrate")
