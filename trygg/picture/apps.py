from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PictureConfig(AppConfig):
    name = "trygg.picture"
    label = "picture"
    verbose_name = _("Situation picture")

    def ready(self):
        from trygg.incidents.importing import imported
        from trygg.jobs import kinds

        from . import warming

        kinds.register(warming.KIND, "trygg.picture.warming.build")
        imported.connect(warming.request, dispatch_uid="trygg.picture.warming")
