"""The pure rules: routing table, preferences and quiet hours, retry schedule, circuit
breaker, fairness, signatures, masking (and the logging filter), formatting, endpoint URLs."""

from __future__ import annotations

import logging
import typing
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.base import IntegrationEvent
from contracts.events import abroad, placement, registry, visa
from notifications.adapters.log_masking import PersonalDataFilter
from notifications.domain.circuit import CircuitPolicy, CircuitState
from notifications.domain.endpoints import checked_url
from notifications.domain.errors import InvalidEndpoint
from notifications.domain.formatting import format_date, format_money, format_number
from notifications.domain.masking import mask_email, mask_phone, mask_text
from notifications.domain.preferences import (
    Contact,
    Defer,
    Preferences,
    Send,
    Skip,
    Unreachable,
    decide,
)
from notifications.domain.queue import fair_share
from notifications.domain.quiet_hours import QuietHours
from notifications.domain.retry import RetryPolicy
from notifications.domain.routing import ROUTING
from notifications.domain.signatures import InvalidSignature, sign, signed_headers, verify
from notifications.domain.values import Audience, Channel, Language, languages_to_try
from notifications.entrypoints.consumers.journey import SUBSCRIBED

ALMATY, LONDON = ZoneInfo("Asia/Almaty"), ZoneInfo("Europe/London")
NIGHT = QuietHours(time(21), time(8))


# -- routing ---------------------------------------------------------------------------------


def _journey_events() -> set[str]:
    found = set()
    for module in (registry, placement, abroad, visa):
        for value in vars(module).values():
            topic = getattr(value, "topic", None)
            if (
                isinstance(value, type)
                and issubclass(value, IntegrationEvent)
                and topic in ("registry.worker.v1", "visa.case.v1")
            ):
                found.add(value.event_name)
    return found


def test_every_journey_and_visa_event_has_a_rule_or_is_known_to_tell_nobody() -> None:
    only_remembered = {"WorkerProfileUpdated", "WorkerAssigned"}  # access facts, not news
    assert _journey_events() - only_remembered == set(ROUTING.events)
    assert set(ROUTING.events) <= {model.event_name for model in SUBSCRIBED}


def test_workers_are_told_by_sms_and_email_partners_by_webhook_authorities_by_email() -> None:
    for _, route in ROUTING.routes():
        expected = {
            Audience.WORKER: (Channel.SMS, Channel.EMAIL),
            Audience.REGISTERING_ORGANISATION: (Channel.WEBHOOK,),
            Audience.OPERATOR: (Channel.WEBHOOK,),
            Audience.MINISTRY: (Channel.EMAIL,),
            Audience.GLAA: (Channel.EMAIL,),
        }[route.audience]
        assert route.channels == expected


def test_compliance_flags_and_referrals_reach_the_ministry_and_the_glaa() -> None:
    def told(event: str, facts: dict[str, object]) -> set[Audience]:
        rule = ROUTING.rule_for(event)
        assert rule is not None
        return {route.audience for route in rule.routes if route.applies(facts)}

    assert {Audience.MINISTRY, Audience.GLAA} <= told("GrievanceReferred", {})
    assert {Audience.MINISTRY, Audience.GLAA} <= told("GrievanceRaised", {"category": "wages"})
    assert not {Audience.MINISTRY, Audience.GLAA} & told("GrievanceRaised", {"category": "housing"})
    assert {Audience.MINISTRY, Audience.GLAA} <= told(
        "RecruitmentFeeReported", {"compliance_breach": True}
    )
    assert told("RecruitmentFeeReported", {"compliance_breach": False}) == {
        Audience.REGISTERING_ORGANISATION
    }


def test_the_return_reminder_is_due_a_week_before_the_placement_ends_at_ten_local() -> None:
    rule = ROUTING.rule_for("WorkerArrived")
    assert rule is not None
    [reminder] = [r.reminder for r in rule.routes if r.reminder]
    due = reminder.due({"placement": {"end_date": "2031-09-30"}}, LONDON)
    assert due == datetime(2031, 9, 23, 9, 0, tzinfo=UTC)
    assert reminder.due({"placement": {}}, LONDON) is None


# -- preferences and quiet hours -----------------------------------------------------------------

CONTACT = Contact("+77011234567", "a@example.kz", Language.KAZAKH, True, True)
EVENING = datetime(2031, 6, 1, 17, 30, tzinfo=UTC)  # 22:30 in Almaty, 18:30 in London


def _decide(channel: Channel, **changes: object) -> object:
    arguments: dict[str, typing.Any] = {
        "contact": CONTACT,
        "preferences": Preferences(),
        "legally_required": False,
        "quiet_hours": NIGHT,
        "zone": ALMATY,
        "now": EVENING,
    } | changes
    return decide(channel, **arguments)


def test_consent_address_opt_out_and_quiet_hours_decide_in_that_order() -> None:
    no_sms = Contact("+77011234567", "a@example.kz", Language.KAZAKH, False, True)
    assert _decide(Channel.SMS, contact=no_sms, legally_required=True) == Skip("no consent to SMS")
    assert _decide(Channel.EMAIL, contact=Contact(None, None, Language.RUSSIAN, True, True)) == (
        Skip("no e-mail address")
    )
    opted_out = Preferences(sms_opt_out=True, email_opt_out=True)
    assert _decide(Channel.EMAIL, preferences=opted_out) == Skip("opted out of e-mail")
    assert _decide(Channel.EMAIL, preferences=opted_out, legally_required=True) == Send(
        "a@example.kz"
    )
    assert _decide(Channel.SMS, preferences=opted_out, legally_required=True) == Defer(
        datetime(2031, 6, 2, 3, 0, tzinfo=UTC), "quiet hours in Asia/Almaty"
    )
    assert _decide(Channel.SMS, zone=LONDON) == Send("+77011234567")
    assert isinstance(_decide(Channel.SMS, contact=None), Unreachable)


def test_quiet_hours_overnight_same_day_and_off() -> None:
    assert NIGHT.next_allowed(datetime(2031, 6, 1, 21, 30, tzinfo=UTC), LONDON) == datetime(
        2031, 6, 2, 7, 0, tzinfo=UTC
    )  # 22:30 BST → 08:00 BST
    assert NIGHT.next_allowed(datetime(2031, 1, 1, 1, 0, tzinfo=UTC), ALMATY) == datetime(
        2031, 1, 1, 3, 0, tzinfo=UTC
    )  # 06:00 → 08:00 the same morning
    assert NIGHT.next_allowed(datetime(2031, 1, 1, 6, 0, tzinfo=UTC), ALMATY) is None
    lunch = QuietHours(time(13), time(14))
    assert lunch.next_allowed(datetime(2031, 1, 15, 13, 30, tzinfo=UTC), LONDON) == datetime(
        2031, 1, 15, 14, 0, tzinfo=UTC
    )
    assert QuietHours(time(0), time(0)).next_allowed(EVENING, ALMATY) is None


@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2035, 1, 1)))
def test_a_deferred_sms_is_never_due_inside_the_quiet_hours(moment: datetime) -> None:
    now = moment.replace(tzinfo=UTC)
    for zone in (ALMATY, LONDON):
        allowed = NIGHT.next_allowed(now, zone)
        if allowed is not None:
            assert allowed > now
            assert allowed - now <= timedelta(hours=12)
            assert NIGHT.next_allowed(allowed, zone) is None


# -- retries, circuit, fairness --------------------------------------------------------------


def test_retries_back_off_exponentially_with_jitter_up_to_a_ceiling() -> None:
    policy = RetryPolicy(max_attempts=5, base_seconds=30, max_seconds=600)
    assert [policy.delay(n, 0.0) for n in (1, 2, 3, 6)] == [15, 30, 60, 300]
    assert [policy.delay(n, 1.0) for n in (1, 2, 3, 6)] == [30, 60, 120, 600]
    assert policy.delay(1, 0.0, retry_after=90) == 90
    assert policy.delay(1, 0.0, retry_after=10_000) == 600
    assert not policy.exhausted(4)
    assert policy.exhausted(5)


def test_the_circuit_opens_at_the_threshold_and_closes_on_success() -> None:
    policy = CircuitPolicy(failure_threshold=3, open_for=timedelta(seconds=60))
    now = datetime(2031, 1, 1, tzinfo=UTC)
    state = CircuitState()
    for _ in range(2):
        state = policy.after_failure(state, now)
    assert not state.is_open(now)
    state = policy.after_failure(state, now)
    assert state.is_open(now)
    assert not state.is_open(now + timedelta(seconds=61))
    assert policy.after_success() == CircuitState()


def test_a_claim_takes_endpoints_in_turn_within_their_room() -> None:
    candidates = [(f"slow-{i}", "webhook:slow") for i in range(10)] + [
        ("sms-1", "sms"),
        ("sms-2", "sms"),
        ("fast-1", "webhook:fast"),
    ]
    room = {"webhook:slow": 2, "sms": 8, "webhook:fast": 2}
    chosen = fair_share(candidates, 5, room.__getitem__)
    assert chosen == ["slow-0", "sms-1", "fast-1", "slow-1", "sms-2"]
    assert fair_share(candidates, 50, room.__getitem__).count("slow-2") == 0


# -- signatures ------------------------------------------------------------------------------

# The example of the Standard Webhooks specification.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID, SPEC_TIMESTAMP = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330
SPEC_BODY = b'{"test": 2432232314}'


def test_signatures_match_the_standard_webhooks_example() -> None:
    assert sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_a_receiver_accepts_a_genuine_webhook_and_rejects_anything_else() -> None:
    headers = signed_headers([SPEC_SECRET], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)
    verify(SPEC_SECRET, headers, SPEC_BODY, now=SPEC_TIMESTAMP + 10)
    upper = {name.upper(): value for name, value in headers.items()}
    verify(SPEC_SECRET, upper, SPEC_BODY, now=SPEC_TIMESTAMP)
    with pytest.raises(InvalidSignature, match="no signature matches"):
        verify(SPEC_SECRET, headers, b'{"test": 2432232315}', now=SPEC_TIMESTAMP)
    with pytest.raises(InvalidSignature, match="too old"):
        verify(SPEC_SECRET, headers, SPEC_BODY, now=SPEC_TIMESTAMP + 301)
    with pytest.raises(InvalidSignature, match="no signature matches"):
        verify("whsec_" + "A" * 32, headers, SPEC_BODY, now=SPEC_TIMESTAMP)
    with pytest.raises(InvalidSignature, match="missing"):
        verify(SPEC_SECRET, {}, SPEC_BODY, now=SPEC_TIMESTAMP)


def test_after_a_rotation_either_secret_verifies() -> None:
    new = "whsec_" + "B" * 32
    headers = signed_headers([new, SPEC_SECRET], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)
    verify(new, headers, SPEC_BODY, now=SPEC_TIMESTAMP)
    verify(SPEC_SECRET, headers, SPEC_BODY, now=SPEC_TIMESTAMP)


# -- masking ---------------------------------------------------------------------------------


def test_numbers_and_addresses_are_masked() -> None:
    assert mask_phone("+77011234567") == "+7701*****67"
    assert mask_email("aigerim@example.kz") == "a*****@example.kz"
    text = "sent to +44 7700 900123 and aigerim.s@mail.kz on 2031-06-01, IIN 980412300012"
    assert mask_text(text) == (
        "sent to +4477******23 and a*****@mail.kz on 2031-06-01, IIN 9804******12"
    )


def test_the_logging_filter_masks_every_line(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("notifications.test.masking")
    records: list[logging.LogRecord] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Capture()
    handler.addFilter(PersonalDataFilter())
    logger.addHandler(handler)
    try:
        logger.warning("SMS to %s failed", "+77011234567", extra={"to": "a.b@example.kz"})
    finally:
        logger.removeHandler(handler)
    [record] = records
    assert record.getMessage() == "SMS to +7701*****67 failed"
    assert record.to == "a*****@example.kz"  # type: ignore[attr-defined]


# -- formatting, languages, URLs ----------------------------------------------------------------


def test_dates_amounts_and_numbers_read_naturally_in_each_language() -> None:
    day = date(2031, 10, 5)
    assert format_date(day, Language.KAZAKH) == "2031 жылғы 5 қазан"
    assert format_date(day, Language.RUSSIAN) == "5 октября 2031 года"
    assert format_date("2031-10-05T09:00:00Z", Language.ENGLISH) == "5 October 2031"
    assert format_money("12.21", "GBP", Language.ENGLISH) == "£12.21"
    assert format_money("150000", "KZT", Language.RUSSIAN) == "150\u00a0000,00\u00a0KZT"
    assert format_number("39.0", Language.KAZAKH) == "39"
    assert format_number("37.5", Language.RUSSIAN) == "37,5"


def test_a_missing_translation_falls_back_to_russian_then_english() -> None:
    assert languages_to_try(Language.KAZAKH) == (
        Language.KAZAKH,
        Language.RUSSIAN,
        Language.ENGLISH,
    )
    assert languages_to_try(Language.ENGLISH) == (Language.ENGLISH, Language.RUSSIAN)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hooks",
        "http://localhost/hooks",
        "https://10.1.2.3/h",
        "https://169.254.169.254/latest",
        "http://[::1]/h",
    ],
)
def test_endpoints_on_private_addresses_are_refused_unless_allowed(url: str) -> None:
    with pytest.raises(InvalidEndpoint, match="private"):
        checked_url(url, allow_private=False)
    assert checked_url(url, allow_private=True) == url
    assert checked_url("https://partner.example.kz/hooks", allow_private=False)
