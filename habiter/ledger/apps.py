from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "habiter.ledger"
    label = "ledger"
    verbose_name = "Comptabilité"

    def ready(self):
        from . import contributions, permissions  # noqa: F401

        contributions.register()
