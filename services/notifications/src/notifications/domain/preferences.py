"""Whether, and when, a worker may be sent a message on a channel.

In order: the worker's consent to the channel (always respected), an address to send to, the
worker's opt-out of the channel (overridden by legally required notices), and for SMS the
quiet hours in the worker's local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from notifications.domain.quiet_hours import QuietHours
from notifications.domain.values import Channel, Language


@dataclass(frozen=True)
class Contact:
    """How the worker may be reached, from the registry's contact event."""

    phone: str | None
    email: str | None
    language: Language
    sms_consent: bool
    email_consent: bool

    def address(self, channel: Channel) -> str | None:
        return self.phone if channel is Channel.SMS else self.email

    def consents_to(self, channel: Channel) -> bool:
        return self.sms_consent if channel is Channel.SMS else self.email_consent


@dataclass(frozen=True)
class Preferences:
    """The worker's own choices, recorded by the organisation looking after the worker."""

    sms_opt_out: bool = False
    email_opt_out: bool = False

    def opted_out_of(self, channel: Channel) -> bool:
        return self.sms_opt_out if channel is Channel.SMS else self.email_opt_out


@dataclass(frozen=True)
class Send:
    address: str


@dataclass(frozen=True)
class Skip:
    """Not to be sent at all; the reason goes to the delivery log."""

    reason: str


@dataclass(frozen=True)
class Defer:
    """Not now: send at ``until`` (quiet hours), without counting an attempt."""

    until: datetime
    reason: str


@dataclass(frozen=True)
class Unreachable:
    """The worker's contact details are not known (yet): a failed attempt, retried."""

    reason: str


Decision = Send | Skip | Defer | Unreachable


def decide(
    channel: Channel,
    contact: Contact | None,
    preferences: Preferences,
    *,
    legally_required: bool,
    quiet_hours: QuietHours,
    zone: ZoneInfo,
    now: datetime,
) -> Decision:
    if channel not in (Channel.SMS, Channel.EMAIL):
        raise ValueError(f"workers are not sent {channel} messages")
    if contact is None:
        return Unreachable("the worker's contact details are not known yet")
    label = "SMS" if channel is Channel.SMS else "e-mail"
    if not contact.consents_to(channel):
        return Skip(f"no consent to {label}")
    address = contact.address(channel)
    if not address:
        return Skip(f"no {'phone number' if channel is Channel.SMS else 'e-mail address'}")
    if preferences.opted_out_of(channel) and not legally_required:
        return Skip(f"opted out of {label}")
    if channel is Channel.SMS:
        allowed = quiet_hours.next_allowed(now, zone)
        if allowed is not None:
            return Defer(allowed, f"quiet hours in {zone.key}")
    return Send(address)
