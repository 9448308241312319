from django.apps import AppConfig


class LeasesConfig(AppConfig):
    name = "habiter.leases"
    label = "leases"
    verbose_name = "Baux"

    def ready(self):
        from . import contributions, permissions  # noqa: F401

        contributions.register()
