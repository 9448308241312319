"""Text messages (SMS) through a configurable backend: `settings.HABITER_SMS_BACKEND`, the dotted path of a class
with `send(to, body)`. The default logs the message and sends nothing (no provider is bundled); `LocmemBackend`
keeps the messages in `outbox` for the tests. A provider's backend is a small class of the same shape."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("habiter.sms")

DEFAULT_BACKEND = "habiter.core.sms.ConsoleBackend"

outbox: list[tuple[str, str]] = []  # (number, text) of LocmemBackend


class ConsoleBackend:
    """Logs the message (without its text, which may be personal) and sends nothing."""

    def send(self, to: str, body: str) -> None:
        logger.info("SMS (not sent, no provider configured) to a number ending in %s", to[-2:])


class LocmemBackend:
    """Keeps the messages in `habiter.core.sms.outbox` (tests)."""

    def send(self, to: str, body: str) -> None:
        outbox.append((to, body))


def send_sms(to: str, body: str) -> None:
    """Send `body` to the number `to` through the configured backend."""
    backend = import_string(getattr(settings, "HABITER_SMS_BACKEND", "") or DEFAULT_BACKEND)
    backend().send(to, body)
