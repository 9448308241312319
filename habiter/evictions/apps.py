from django.apps import AppConfig


class EvictionsConfig(AppConfig):
    name = "habiter.evictions"
    label = "evictions"
    verbose_name = "Prévention des expulsions"

    def ready(self):
        from . import contributions, permissions  # noqa: F401

        contributions.register()
