"""The words of the notifications domain: languages, channels, recipients."""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    KAZAKH = "kk"
    RUSSIAN = "ru"
    ENGLISH = "en"


# A missing translation falls back to Russian, then English.
FALLBACK_ORDER: tuple[Language, ...] = (Language.RUSSIAN, Language.ENGLISH)


def languages_to_try(preferred: Language) -> tuple[Language, ...]:
    """The preferred language first, then the fallbacks, each once."""
    return tuple(dict.fromkeys((preferred, *FALLBACK_ORDER)))


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    WEBHOOK = "webhook"


class RecipientKind(StrEnum):
    """Who a delivery goes to, as the NotificationDelivered/Failed events name it."""

    WORKER = "worker"
    ORGANISATION = "organisation"
    MINISTRY = "ministry"
    GLAA = "glaa"


class Audience(StrEnum):
    """Who a routing rule tells; resolved to recipients from the event."""

    WORKER = "worker"
    REGISTERING_ORGANISATION = "registering_organisation"
    OPERATOR = "operator"
    MINISTRY = "ministry"
    GLAA = "glaa"

    @property
    def recipient_kind(self) -> RecipientKind:
        if self is Audience.WORKER:
            return RecipientKind.WORKER
        if self in (Audience.REGISTERING_ORGANISATION, Audience.OPERATOR):
            return RecipientKind.ORGANISATION
        return RecipientKind(self.value)

    @property
    def channels(self) -> tuple[Channel, ...]:
        """Workers by SMS and e-mail, partner organisations by webhook, authorities by e-mail."""
        if self is Audience.WORKER:
            return (Channel.SMS, Channel.EMAIL)
        if self.recipient_kind is RecipientKind.ORGANISATION:
            return (Channel.WEBHOOK,)
        return (Channel.EMAIL,)


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting to be sent (now or at its due time)
    DELIVERED = "delivered"  # the provider accepted it
    FAILED = "failed"  # refused, or retries exhausted
    SKIPPED = "skipped"  # not to be sent: opted out, no consent, no address or endpoint
    CANCELLED = "cancelled"  # a reminder that no longer applies


# The contacts that are not a worker or an organisation have fixed recipient ids.
AUTHORITY_IDS = {RecipientKind.MINISTRY: "ministry", RecipientKind.GLAA: "glaa"}
