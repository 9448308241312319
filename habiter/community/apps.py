from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "habiter.community"
    label = "community"
    verbose_name = "Participation et vie collective"

    def ready(self):
        from . import contributions, permissions  # noqa: F401

        contributions.register()
