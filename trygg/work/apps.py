from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "trygg.work"
    label = "work"
    verbose_name = _("Work cycle")
