from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "trygg.accounts"
    label = "accounts"
    verbose_name = _("Partners and people")

    def ready(self):
        from . import checks  # noqa: F401  (registers the check for roles without a municipality)
