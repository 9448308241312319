from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "habiter.reporting"
    label = "reporting"
    verbose_name = "Indicateurs et rapports"

    def ready(self):
        from . import contributions, permissions  # noqa: F401

        contributions.register()
