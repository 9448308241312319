from django.apps import AppConfig


class ResidencesConfig(AppConfig):
    name = "habiter.residences"
    label = "residences"
    verbose_name = "Pensions de famille et résidences"

    def ready(self):
        from . import contributions, permissions  # noqa: F401

        contributions.register()
