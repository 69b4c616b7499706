"""A whole season, and the other path (not eligible, offer declined, visa refused,
withdrawal), for a worker of each language: the exact messages every party receives. The
service runs with its own background sender; messages arrive at a local SMTP server, a local
SMS provider and the partners' webhook receivers, which verify every signature.

The expected transcripts are in golden/journey_<language>.txt (UPDATE_GOLDEN=1 rewrites them;
read the diff before committing it)."""

# ruff: noqa: RUF001
from __future__ import annotations

import os
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from contracts.base import IntegrationEvent
from notifications.domain.signatures import InvalidSignature
from notifications.testing.journey import Journey
from notifications.testing.partners import Partner, register_partner
from notifications.testing.sms_provider import LocalSmsProvider
from notifications.testing.smtp_server import LocalSmtpServer
from notifications.testing.webhook_receiver import WebhookReceiver
from servicekit.inbox import Outcome
from servicekit.testing.service import ServiceHarness
from servicekit.testing.support import wait_until

from .conftest import GLAA_EMAIL, MINISTRY_EMAIL, StartService

GOLDEN = Path(__file__).parent / "golden"
NAMESPACE = uuid.UUID("2b5e8f40-6c1d-4e7a-9b3c-5d4e6f708192")
PHONES = {"kk": "+77011110001", "ru": "+77012220002", "en": "+447700900123"}


@pytest.fixture(scope="module")
async def service(start_notifications: StartService) -> AsyncIterator[ServiceHarness]:
    async with start_notifications(delivery_sender_enabled=True) as harness:
        yield harness


@pytest.fixture(scope="module")
def receivers() -> Iterator[dict[str, WebhookReceiver]]:
    started = {name: WebhookReceiver().start() for name in ("lmc", "operator")}
    yield started
    for receiver in started.values():
        receiver.stop()


@dataclass
class Parties:
    service: ServiceHarness
    smtp: LocalSmtpServer
    sms: LocalSmsProvider
    lmc: Partner
    operator: Partner
    receivers: dict[str, WebhookReceiver]

    async def settled(self) -> None:
        """Every delivery due now has been sent (or given up on)."""

        async def nothing_due() -> bool:
            due = await self.service.runtime.pool.fetchval(
                "SELECT count(*) FROM delivery WHERE status = 'pending' AND due_at <= now()"
            )
            return bool(due == 0)

        await wait_until(nothing_due, timeout=30, every=0.05)

    async def step(self, journey: Journey, event: IntegrationEvent) -> list[str]:
        """Feed ``event`` and return what each party received because of it."""
        before = (
            len(self.sms.received),
            len(self.smtp.received),
            {name: len(r.accepted) for name, r in self.receivers.items()},
        )
        record = journey.record(event)
        outcome = await self.service.runtime.processor.process(record)
        assert outcome is Outcome.APPLIED
        await self.settled()
        event_id = dict(record.headers)["ce_id"].decode()
        sent_data = {
            **event.model_dump(mode="json"),
            "event_id": event_id,
            "event_type": event.event_name,
        }
        lines = [f"## {event.event_name}"]
        for sms in self.sms.received[before[0] :]:
            lines += [f"SMS to {sms.to}:", f"  {sms.text}"]
        emails = sorted(self.smtp.received[before[1] :], key=lambda e: (e.to, e.subject))
        for email in emails:
            lines += [f"E-mail to {', '.join(email.to)} ({email.language}): {email.subject}"]
            lines += [f"  {line}".rstrip() for line in email.body.splitlines()]
        for name, receiver in self.receivers.items():
            for hook in receiver.accepted[before[2][name] :]:
                # The event's data exactly, with its id and type (compared here rather than
                # written out, so that a new optional field in a contract changes nothing).
                assert hook.payload["data"] == sent_data
                assert hook.payload["timestamp"] == dict(record.headers)["ce_time"].decode()
                lines += [f"Webhook to {name}: {hook.payload['type']} (the event's data)"]
        return lines


@pytest.fixture(scope="module")
async def parties(
    service: ServiceHarness,
    smtp_server: LocalSmtpServer,
    sms_provider: LocalSmsProvider,
    receivers: dict[str, WebhookReceiver],
) -> Parties:
    runtime = service.runtime
    lmc = await register_partner(
        runtime, "Turkistan Labour Mobility Centre", "lmc", uuid.uuid5(NAMESPACE, "lmc")
    )
    operator = await register_partner(
        runtime, "Fieldwork Labour Ltd", "operator", uuid.uuid5(NAMESPACE, "operator")
    )
    for name, partner in (("lmc", lmc), ("operator", operator)):
        created = await service.client.post(
            "/v1/webhook-endpoints", json={"url": receivers[name].url}, headers=partner.headers
        )
        assert created.status_code == 201, created.text
        receivers[name].secret = created.json()["secret"]
    return Parties(service, smtp_server, sms_provider, lmc, operator, receivers)


def journey_of(parties: Parties, language: str, path: str) -> Journey:
    return Journey(
        language=language,
        organisation=parties.lmc.organisation_id,
        operator=parties.operator.organisation_id,
        phone=PHONES[language],
        email=f"{path}.{language}@worker.example",
        worker=uuid.uuid5(NAMESPACE, f"{language}-{path}"),
    )


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
async def test_each_party_receives_the_expected_messages_in_the_workers_language(
    parties: Parties, language: str
) -> None:
    transcript: list[str] = []
    for path in ("season", "other"):
        journey = journey_of(parties, language, path)
        contact = journey.record(journey.contact())
        assert await parties.service.runtime.processor.process(contact) is Outcome.APPLIED
        events = journey.whole_season() if path == "season" else journey.other_path()
        transcript.append(f"# {path}: worker {journey.worker}")
        for event in events:
            transcript += await parties.step(journey, event)

    expected = GOLDEN / f"journey_{language}.txt"
    text = "\n".join(transcript) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        expected.write_text(text, encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8")
    assert all(not receiver.rejected for receiver in parties.receivers.values())


async def test_the_ministry_and_the_glaa_are_told_of_flags_and_referrals(parties: Parties) -> None:
    subjects = {(e.to[0], e.subject) for e in parties.smtp.received}
    reference = "Grievance referred to the GLAA: GLAA-2031-0193"
    assert (GLAA_EMAIL, reference) in subjects
    assert (MINISTRY_EMAIL, "Жалоба передана в GLAA: GLAA-2031-0193") in subjects
    assert any(
        to == GLAA_EMAIL and s.startswith("Compliance flag: recruitment fee") for to, s in subjects
    )
    assert any(to == MINISTRY_EMAIL and s.startswith("Риск невыезда") for to, s in subjects)


async def test_the_return_reminder_waited_for_its_day_and_was_withdrawn_when_the_contract_ended(
    parties: Parties,
) -> None:
    rows = await parties.service.runtime.pool.fetch(
        "SELECT status, status_reason, due_at FROM delivery WHERE template = 'return_reminder'"
    )
    assert len(rows) == 6  # three workers, SMS and e-mail each
    assert {row["status"] for row in rows} == {"cancelled"}
    assert {row["status_reason"] for row in rows} == {"no longer applies after ContractEnded"}
    # Seven days before the placement's end (30 September), 10:00 in London (BST, UTC+1).
    assert {row["due_at"].isoformat() for row in rows} == {"2031-09-23T09:00:00+00:00"}


async def test_every_delivery_outcome_is_published_through_the_outbox(parties: Parties) -> None:
    pool = parties.service.runtime.pool
    delivered = await pool.fetchval("SELECT count(*) FROM delivery WHERE status = 'delivered'")
    published = await pool.fetchval(
        "SELECT count(*) FROM outbox WHERE headers->>'ce_type' = 'sws.NotificationDelivered.v1'"
    )
    assert delivered > 0
    assert published == delivered


async def test_a_receiver_rejects_a_tampered_body_and_an_old_timestamp(parties: Parties) -> None:
    receiver = parties.receivers["lmc"]
    genuine = receiver.accepted[0]
    receiver.receive(genuine.headers, genuine.body)  # still verifies (within five minutes)

    tampered = genuine.body.replace(b'"horticulture"', b'"poultry"')
    if tampered == genuine.body:
        tampered = genuine.body[:-1] + b" }"
    with pytest.raises(InvalidSignature):
        receiver.receive(genuine.headers, tampered)

    from notifications.domain.signatures import verify

    assert receiver.secret is not None
    with pytest.raises(InvalidSignature, match="too old"):
        verify(receiver.secret, genuine.headers, genuine.body, now=int(time.time()) + 3600)


VISA_GRANTED_SMS = {
    "kk": "Ұлыбританияның маусымдық жұмысшы визасы берілді, жарамдылық мерзімі: 2031 жылғы "
    "1 сәуір – 2031 жылғы 5 қазан. Виза мерзімі біткенге дейін Ұлыбританиядан кетуіңіз керек.",
    "ru": "Ваша виза сезонного работника в Великобританию одобрена, срок действия — с 1 апреля "
    "2031 года по 5 октября 2031 года. Покинуть Великобританию нужно до окончания визы.",
    "en": "Your UK Seasonal Worker visa is granted, valid from 1 April 2031 to 5 October 2031. "
    "You must leave the UK before it ends.",
}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
async def test_the_visa_granted_sms_reads_exactly_so_in_each_language(
    parties: Parties, language: str
) -> None:
    texts = [sms.text for sms in parties.sms.to(PHONES[language])]
    assert texts.count(VISA_GRANTED_SMS[language]) == 1
