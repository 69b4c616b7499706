"""The background job that sends queued deliveries (every instance runs one; they share the
queue safely, see application/sending.py)."""

from __future__ import annotations

import logging
from typing import Any

from notifications import wiring
from notifications.config import NotificationsSettings
from servicekit.service import Runtime

log = logging.getLogger(__name__)


async def delivery_sender(runtime: Runtime[Any]) -> None:
    settings = runtime.settings
    if not isinstance(settings, NotificationsSettings) or not settings.delivery_sender_enabled:
        log.info("the delivery sender is off (DELIVERY_SENDER_ENABLED=false)")
        return
    sender = wiring.sender(runtime)
    try:
        await sender.run()
    finally:
        for channel in sender.channels.values():
            await channel.close()
