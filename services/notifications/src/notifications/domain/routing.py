"""The routing rules: for each event, who is told, how, and with which template.

The table at the end of this module (``ROUTING``) is the one place that says it. Each rule
names an event type of the registry or the visa service, and routes:

- ``worker(template)``: the worker, by SMS and e-mail, in the worker's language;
- ``organisation()`` and ``operator()``: the registering LMC or agency, and the UK scheme
  operator concerned, by signed webhook (the event's data, no template text);
- ``ministry(template)`` and ``glaa(template)``: the configured contact addresses, by e-mail.

``legally_required=True`` marks notices a worker must get even after opting out of a
channel (consent and a known address are still needed). ``when=`` limits a route to events
whose data match; ``reminder=`` sends the message ahead of a date in the event instead of at
once; ``cancels=`` withdraws reminders of the worker's that no longer apply.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from notifications.domain.values import Audience, Channel

Facts = Mapping[str, Any]


@dataclass(frozen=True)
class Condition:
    """The value at ``path`` (dotted, in the event's data) is one of ``values``."""

    path: str
    values: tuple[Any, ...]

    def holds(self, facts: Facts) -> bool:
        return lookup(facts, self.path) in self.values

    def describe(self) -> str:
        shown = " or ".join(str(value).lower() for value in self.values)
        return f"{self.path} is {shown}"


def field_is(path: str, *values: Any) -> Condition:
    return Condition(path, values)


REMINDER_LOCAL_TIME = time(10, 0)


@dataclass(frozen=True)
class Reminder:
    """Due ``days_before`` days before the date at ``date_path``, at 10:00 local time."""

    date_path: str
    days_before: int

    def describe(self) -> str:
        return f"{self.days_before} days before {self.date_path}"

    def due(self, facts: Facts, zone: ZoneInfo) -> datetime | None:
        """When to send; None when the event does not say the date."""
        value = lookup(facts, self.date_path)
        if value is None:
            return None
        day = date.fromisoformat(str(value)[:10]) - timedelta(days=self.days_before)
        return datetime.combine(day, REMINDER_LOCAL_TIME, tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class Route:
    audience: Audience
    template: str = ""
    legally_required: bool = False
    when: Condition | None = None
    reminder: Reminder | None = None

    @property
    def channels(self) -> tuple[Channel, ...]:
        return self.audience.channels

    def applies(self, facts: Facts) -> bool:
        return self.when is None or self.when.holds(facts)


@dataclass(frozen=True)
class Rule:
    event: str
    routes: tuple[Route, ...]
    cancels: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoutingTable:
    rules: tuple[Rule, ...]
    _by_event: dict[str, Rule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_event: dict[str, Rule] = {}
        for rule in self.rules:
            if rule.event in by_event:
                raise ValueError(f"{rule.event} has two rules")
            by_event[rule.event] = rule
        object.__setattr__(self, "_by_event", by_event)

    def rule_for(self, event: str) -> Rule | None:
        return self._by_event.get(event)

    @property
    def events(self) -> list[str]:
        return sorted(self._by_event)

    def routes(self) -> Iterator[tuple[Rule, Route]]:
        for rule in self.rules:
            for route in rule.routes:
                yield rule, route

    def templates(self, channel: Channel) -> set[str]:
        """Templates whose text is sent on ``channel`` (webhooks carry data, not text)."""
        return {
            route.template
            for _, route in self.routes()
            if channel in route.channels and channel is not Channel.WEBHOOK
        }

    @property
    def legally_required(self) -> set[str]:
        return {route.template for _, route in self.routes() if route.legally_required}


def lookup(facts: Facts, path: str) -> Any:
    """``facts["a"]["b"]`` for ``"a.b"``; None when any part is missing."""
    value: Any = facts
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def snake_case(event: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", event).lower()


def on(event: str, *routes: Route, cancels: tuple[str, ...] = ()) -> Rule:
    """A rule; webhook routes are named after the event (``VisaGranted`` → visa_granted)."""
    named = tuple(route if route.template else replace(route, template=snake_case(event))
                  for route in routes)  # fmt: skip
    return Rule(event, named, cancels)


def worker(
    template: str,
    *,
    legally_required: bool = False,
    when: Condition | None = None,
    reminder: Reminder | None = None,
) -> Route:
    return Route(Audience.WORKER, template, legally_required, when, reminder)


def organisation() -> Route:
    return Route(Audience.REGISTERING_ORGANISATION)


def operator() -> Route:
    return Route(Audience.OPERATOR)


def ministry(template: str, *, when: Condition | None = None) -> Route:
    return Route(Audience.MINISTRY, template, when=when)


def glaa(template: str, *, when: Condition | None = None) -> Route:
    return Route(Audience.GLAA, template, when=when)


# Grievances that are fair-recruitment compliance flags: the ministry and the GLAA see each.
COMPLIANCE_CATEGORIES = ("recruitment_fee", "document_retention", "wages")
RETURN_REMINDER_DAYS = 7

# fmt: off
ROUTING = RoutingTable((
    # The journey up to departure (registry.worker.v1).
    on("WorkerRegistered", worker("worker_registered"), organisation()),
    on("WorkerScreened",
       worker("screening_passed", when=field_is("eligible", True)),
       worker("screening_failed", when=field_is("eligible", False)),
       organisation()),
    on("OrientationCompleted", worker("orientation_completed"), organisation()),
    on("PlacementOffered", worker("placement_offered"), organisation(), operator()),
    on("PlacementAccepted", worker("placement_accepted"), organisation(), operator()),
    on("PlacementDeclined", organisation(), operator()),
    on("WorkerWithdrawn", worker("worker_withdrawn"), organisation()),
    # The visa (visa.case.v1).
    on("VisaCaseOpened", organisation(), operator()),
    on("CertificateOfSponsorshipAssigned", worker("cos_assigned"), organisation(), operator()),
    on("VisaApplicationSubmitted", worker("visa_application_submitted"), organisation()),
    on("VisaBiometricsRecorded", organisation()),
    on("VisaGranted", worker("visa_granted"), organisation(), operator()),
    on("VisaRefused", worker("visa_refused"), organisation(), operator()),
    on("VisaExpiring",
       worker("visa_expiring", legally_required=True), organisation(), operator()),
    on("VisaCaseClosed", organisation()),
    # Abroad and back (registry.worker.v1).
    on("WorkerDeparted",
       worker("worker_departed", legally_required=True), organisation(), operator()),
    on("WorkerArrived",
       worker("worker_arrived", legally_required=True),
       worker("return_reminder",
              reminder=Reminder("placement.end_date", RETURN_REMINDER_DAYS)),
       organisation(), operator()),
    on("WelfareCheckRecorded", organisation()),
    on("GrievanceRaised",
       worker("grievance_raised"), organisation(),
       ministry("compliance_flag", when=field_is("category", *COMPLIANCE_CATEGORIES)),
       glaa("compliance_flag", when=field_is("category", *COMPLIANCE_CATEGORIES))),
    on("GrievanceReferred",
       worker("grievance_referred"), organisation(),
       ministry("grievance_referred_authority"), glaa("grievance_referred_authority")),
    on("GrievanceResolved", worker("grievance_resolved"), organisation()),
    on("RecruitmentFeeReported",
       worker("recruitment_fee_reported", legally_required=True,
              when=field_is("compliance_breach", True)),
       organisation(),
       ministry("recruitment_fee_flag", when=field_is("compliance_breach", True)),
       glaa("recruitment_fee_flag", when=field_is("compliance_breach", True))),
    on("ContractEnded", worker("contract_ended"), organisation(), operator(),
       cancels=("return_reminder",)),
    on("WorkerReturned", worker("worker_returned"), organisation(),
       cancels=("return_reminder",)),
    on("OverstayRiskFlagged",
       worker("overstay_risk", legally_required=True), organisation(), operator(),
       ministry("overstay_risk_authority")),
))
# fmt: on
