from django.apps import AppConfig


class ReceptionConfig(AppConfig):
    name = "habiter.reception"
    label = "reception"
    verbose_name = "Accueil du public et ateliers"

    def ready(self):
        from . import contributions, permissions  # noqa: F401

        contributions.register()
