from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "manyi.common"
    label = "common"
    verbose_name = _("Common")

    def ready(self) -> None:
        from .deadlines import autodiscover

        autodiscover()  # every app's deadline rules (manyi.common.deadlines)
