from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "habiter.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self):
        from . import checks, contributions, permissions, security_events  # noqa: F401

        contributions.register()
        security_events.connect()
