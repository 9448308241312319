from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "habiter.support"
    label = "support"
    verbose_name = "Accompagnement"

    def ready(self):
        from . import contributions, permissions  # noqa: F401

        contributions.register()
