from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "habiter.people"
    label = "people"
    verbose_name = "Ménages et personnes"

    def ready(self):
        from . import contributions, permissions  # noqa: F401

        contributions.register()
