from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "habiter.housing"
    label = "housing"
    verbose_name = "Parc de logements"

    def ready(self):
        from . import contributions, permissions  # noqa: F401

        contributions.register()
