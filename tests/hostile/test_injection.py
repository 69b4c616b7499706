"""Injection strings (SQL, HTML and script, template syntax, path traversal, NUL bytes, control
and bidirectional characters, very long Unicode up to each field's limit) in every text field
the APIs take: each one is stored verbatim and read back equal (a NUL byte, which PostgreSQL
cannot store, is refused with a 422 naming the field); it never causes a 5xx; the rows around
it stay intact; it travels through the events verbatim to the services downstream (the
region in the reporting figures) without sending any event to a dead-letter table; and
searching or filtering by it finds exactly what it should."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from faults.scale_journey import (
    END,
    START,
    TODAY,
    TOPICS,
    Api,
    Partner,
    Stats,
    placement_body,
    until,
)
from system_support import RunningSystem, organisations_of_every_role, valid_iin

pytestmark = [pytest.mark.hostile]

BMP = "ӘәҒғҚқҢңӨөҰұҮүҺһІі Жұмысшы ﷽ ǅ "
ASTRAL = "👩🏽‍🌾𝕳𝖊𝖑𝖑𝖔🇰🇿"  # noqa: RUF001 (deliberately look-alike letters)


def long_unicode(length: int) -> str:
    """Exactly ``length`` code points of Kazakh letters, emoji with joiners, astral letters and
    combining marks, without leading or trailing blanks (the APIs strip those)."""
    text = ""
    pieces = [BMP, ASTRAL, "e\u0301", "\u200f"]
    number = 0
    while len(text) < length:
        text += pieces[number % len(pieces)]
        number += 1
    text = text[:length]
    return "X" + text[1:-1] + "X" if length > 1 else "X"


STRINGS: dict[str, Callable[[int], str]] = {
    "sql": lambda n: "Robert'); DROP TABLE worker; --"[:n],
    "sql-or": lambda n: "' OR '1'='1' --"[:n],
    "html": lambda n: "<script>alert(document.cookie)</script><img src=x onerror=alert(1)>"[:n],
    "template": lambda n: "{{ 7*7 }} {% raw %}${jndi:ldap://x}{% endraw %} %s %n"[:n],
    "traversal": lambda n: "../../../../etc/passwd ..\\..\\win.ini %2e%2e%2f"[:n],
    "control": lambda n: "tab\there\u202eevil\u0007bell\u001bescape\u2028line"[:n],
    "unicode": long_unicode,
    "nul": lambda n: "nul\x00byte"[:n],
    "surrogate": lambda n: "lone\ud800surrogate"[:n],
}
# Field limits of the APIs' text types.
NAME, SHORT, LONG, VERSION = 100, 200, 2000, 40


def storable(value: str) -> bool:
    """PostgreSQL text holds no NUL; UTF-8 has no lone surrogates."""
    return "\x00" not in value and not any("\ud800" <= c <= "\udfff" for c in value)


@dataclass
class Outcome:
    stored: int = 0
    refused: int = 0
    problems: list[str] = field(default_factory=list)


class Injector:
    """Posts a value; when PostgreSQL cannot store it, expects a 422 naming the field and
    posts again with a plain value, so the journey goes on."""

    def __init__(self, api: Api, outcome: Outcome) -> None:
        self.api = api
        self.outcome = outcome

    async def send(
        self,
        service: str,
        method: str,
        path: str,
        who: Partner,
        body: dict[str, Any],
        injected: str,
        plain: Callable[[], dict[str, Any]],
    ) -> Any:
        if storable(injected):
            self.outcome.stored += 1
            return await self.api.json(service, method, path, who, json=body)
        raw = json.dumps(body).encode()  # ASCII, with escapes: a lone surrogate too
        refused = await self.api.call(service, method, path, who, content=raw, ok=(422,))
        problem = refused.json()
        if refused.headers["content-type"] != "application/problem+json" or not problem["errors"]:
            self.outcome.problems.append(f"{path}: {problem}")
        self.outcome.refused += 1
        return await self.api.json(service, method, path, who, json=plain())


def expect(outcome: Outcome, what: str, got: Any, wanted: str) -> None:
    if storable(wanted) and got != wanted:
        outcome.problems.append(f"{what}: read back {got!r}, sent {wanted!r}")


def plain_organisation(kind: str, tag: str) -> Callable[[], dict[str, Any]]:
    """An organisation without the injected string (sent when it cannot be stored)."""
    return lambda: {"name": f"Plain {kind} {tag}", "kind": "lmc", "region": "Plain"}


def worker_body(names: str, region: str, version: str) -> dict[str, Any]:
    return {
        "iin": valid_iin("990101", "3"),
        "given_name": names,
        "family_name": names,
        "patronymic": names,
        "date_of_birth": "1999-01-01",
        "sex": "male",
        "region": region,
        "phone": "+77010000000",
        "preferred_language": "kk",
        "passport_number": "N11111111",
        "passport_expiry": (END + timedelta(days=900)).isoformat(),
        "consent": {"given_at": "2026-01-10T08:00:00Z", "text_version": version},
    }


async def inject_everywhere(
    api: Api, parties: dict[str, Partner], kind: str, outcome: Outcome
) -> None:
    """One worker taken through the journey with ``kind`` in every text field on the way."""
    make = STRINGS[kind]
    lmc, operator, ministry = parties["lmc"], parties["operator"], parties["ministry"]
    send = Injector(api, outcome).send
    registry = "registry"
    # the worker: names (together at most 200 characters: the contact topic's limit),
    # region, consent version
    names, region, version = make(66), make(NAME), make(VERSION)
    body = worker_body(names, region, version)
    worker = await send(
        registry,
        "POST",
        "/v1/workers",
        lmc,
        body,
        names,
        lambda: worker_body("Plain", "Plainland", "2025-01"),
    )
    path = f"/v1/workers/{worker['id']}"
    read = await api.json(registry, "GET", path, lmc)
    for name in ("given_name", "family_name", "patronymic"):
        expect(outcome, f"{kind} worker.{name}", read[name], names)
    expect(outcome, f"{kind} worker.region", read["region"], region)
    # a profile change
    changed = make(66)
    await send(
        registry,
        "PATCH",
        path,
        lmc,
        {"given_name": changed},
        changed,
        lambda: {"given_name": "Plain"},
    )
    expect(
        outcome,
        f"{kind} PATCH given_name",
        (await api.json(registry, "GET", path, lmc))["given_name"],
        changed,
    )
    # orientation: the session's trainer and place
    trainer, place = make(SHORT), make(SHORT)
    session = {
        "session_date": TODAY.isoformat(),
        "language": "kk",
        "trainer_name": trainer,
        "location": place,
        "topics_covered": TOPICS,
        "capacity": 5,
    }
    made = await send(
        registry,
        "POST",
        "/v1/orientation-sessions",
        lmc,
        session,
        trainer,
        lambda: session | {"trainer_name": "Plain", "location": "Plain"},
    )
    read = await api.json(registry, "GET", f"/v1/orientation-sessions/{made['id']}", lmc)
    expect(outcome, f"{kind} session.trainer_name", read["trainer_name"], trainer)
    expect(outcome, f"{kind} session.location", read["location"], place)
    season = {"season_start": START.isoformat(), "season_end": END.isoformat()}
    await api.call(registry, "POST", f"{path}/screenings", lmc, json=season)
    await api.call(
        registry,
        "POST",
        f"{path}/orientation",
        lmc,
        json={"session_id": made["id"], "attended_on": TODAY.isoformat()},
    )
    # placements: farm, UK region, accommodation; a declined one with its reason
    farm, description, reason = make(SHORT), make(LONG), make(LONG)

    def placement(text: str, long_text: str) -> dict[str, Any]:
        accommodation = {"provided": True, "weekly_cost": "60.00", "description": long_text}
        return placement_body(
            operator.id, farm_name=text, uk_region=text, accommodation=accommodation
        )

    first = await send(
        registry,
        "POST",
        f"{path}/placements",
        lmc,
        placement(farm, description),
        farm,
        lambda: placement("Plain", "Plain"),
    )
    await send(
        registry,
        "POST",
        f"{path}/placements/{first['id']}/decline",
        lmc,
        {"reason": reason},
        reason,
        lambda: {"reason": "Plain"},
    )
    second = await api.json(
        registry, "POST", f"{path}/placements", lmc, json=placement("Plain farm", "Plain")
    )
    await api.call(registry, "POST", f"{path}/placements/{second['id']}/acceptance", lmc)
    # the visa: application reference, refusal text, reopening reason
    cases: list[dict[str, Any]] = []

    async def opened() -> bool:
        page = await api.json("visa", "GET", "/v1/cases", lmc, params={"worker_id": worker["id"]})
        cases[:] = page["items"]
        return bool(cases)

    await until(opened, what="the visa case", timeout=60)
    case = f"/v1/cases/{cases[0]['id']}"
    reference, refusal, reopening = make(SHORT), make(LONG), make(LONG)

    async def apply(number: int, text: str) -> None:
        cos = {
            "cos_number": f"COS-INJ-{uuid.uuid4().hex[:12].upper()}",
            "issued_on": (TODAY - timedelta(days=3)).isoformat(),
        }
        await api.call("visa", "POST", f"{case}/sponsorship", operator, json=cos)
        application = {
            "submitted_on": (TODAY - timedelta(days=2)).isoformat(),
            "application_reference": text,
        }
        await send(
            "visa",
            "POST",
            f"{case}/application",
            lmc,
            application,
            text,
            lambda: application | {"application_reference": f"GWF{number}"},
        )
        await api.call(
            "visa",
            "POST",
            f"{case}/biometrics",
            lmc,
            json={"recorded_on": (TODAY - timedelta(days=1)).isoformat()},
        )

    await apply(1, reference)
    decision = {
        "outcome": "refused",
        "decided_on": TODAY.isoformat(),
        "reason_code": "insufficient_documents",
        "reason_text": refusal,
    }
    await send(
        "visa",
        "POST",
        f"{case}/decision",
        operator,
        decision,
        refusal,
        lambda: decision | {"reason_text": "Plain"},
    )
    await send(
        "visa",
        "POST",
        f"{case}/reopen",
        operator,
        {"reason": reopening},
        reopening,
        lambda: {"reason": "Plain"},
    )
    read = await api.json("visa", "GET", case, lmc)
    earlier = read["previous_attempts"][0]
    expect(
        outcome,
        f"{kind} application_reference",
        earlier["application"]["application_reference"],
        reference,
    )
    expect(outcome, f"{kind} refusal reason_text", earlier["decision"]["reason_text"], refusal)

    async def at(stage: str) -> bool:
        journey = await api.json(registry, "GET", f"{path}/journey", lmc)
        return bool(journey["stage"] == stage)

    await until(lambda: at("visa_applied"), what="the reopened case", timeout=60)
    await apply(2, "GWF-SECOND")
    grant = {
        "outcome": "granted",
        "decided_on": TODAY.isoformat(),
        "visa_start": START.isoformat(),
        "visa_end": END.isoformat(),
    }
    await api.call("visa", "POST", f"{case}/decision", operator, json=grant)
    await until(lambda: at("visa_granted"), what="the grant", timeout=60)
    # travel: flight number and route
    flight = make(SHORT)
    departure = {"departure_date": START.isoformat(), "flight_number": flight, "route": flight}
    await send(
        registry,
        "POST",
        f"{path}/departure",
        lmc,
        departure,
        flight,
        lambda: departure | {"flight_number": "KC1", "route": "NQZ-LHR"},
    )
    # a grievance, referred under a GLAA reference
    text, glaa = make(LONG), make(SHORT)
    grievance = {
        "category": "housing",
        "severity": "high",
        "raised_by": "worker",
        "description": text,
    }
    raised = await send(
        registry,
        "POST",
        f"{path}/grievances",
        lmc,
        grievance,
        text,
        lambda: grievance | {"description": "Plain"},
    )
    await send(
        registry,
        "POST",
        f"{path}/grievances/{raised['id']}/referral",
        ministry,
        {"reference": glaa},
        glaa,
        lambda: {"reference": "GLAA-PLAIN"},
    )
    journey = await api.json(registry, "GET", f"{path}/journey", lmc)
    declined = next(p for p in journey["placements"] if p["id"] == first["id"])
    expect(outcome, f"{kind} farm_name", declined["farm_name"], farm)
    expect(outcome, f"{kind} uk_region", declined["uk_region"], farm)
    expect(outcome, f"{kind} accommodation", declined["accommodation"]["description"], description)
    expect(outcome, f"{kind} decline_reason", declined["decline_reason"], reason)
    expect(outcome, f"{kind} flight_number", journey["trips"][0]["flight_number"], flight)
    expect(outcome, f"{kind} route", journey["trips"][0]["route"], flight)
    expect(outcome, f"{kind} grievance", journey["grievances"][0]["description"], text)
    expect(outcome, f"{kind} referral", journey["grievances"][0]["referral_reference"], glaa)
    # a second worker withdraws, with the string as the reason
    other = await api.json(
        registry, "POST", "/v1/workers", lmc, json=worker_body("Plain", "Plainland", "2025-01")
    )
    why = make(LONG)
    await send(
        registry,
        "POST",
        f"/v1/workers/{other['id']}/withdrawal",
        lmc,
        {"reason": why},
        why,
        lambda: {"reason": "Plain"},
    )
    journey = await api.json(registry, "GET", f"/v1/workers/{other['id']}/journey", lmc)
    expect(outcome, f"{kind} withdrawal", journey["withdrawals"][0]["reason"], why)
    # searching and filtering by the string find exactly the worker (or nothing)
    if storable(region):
        listed = await api.json(registry, "GET", "/v1/workers", lmc, params={"region": region})
        if [w["id"] for w in listed["items"]] != [worker["id"]]:
            outcome.problems.append(f"{kind}: filtering by region found {listed['items']}")

        async def counted() -> bool:
            rows = await api.json(
                "reporting", "GET", "/v1/statistics/registrations", lmc, params={"region": region}
            )
            return bool(rows and rows[0]["region"] == region and rows[0]["workers"] == 1)

        await until(counted, what=f"{kind}: the region in the reporting figures", timeout=60)
    elif "\x00" in region:  # filters by a NUL byte: refused, never a 5xx
        for service, route, params in (
            (registry, "/v1/workers", {"region": region}),
            (registry, "/v1/workers", {"name": region}),
            ("reporting", "/v1/statistics/registrations", {"region": region}),
            ("reporting", "/v1/statistics/funnel", {"region": region}),
        ):
            await api.call(service, "GET", route, lmc, params=params, ok=(422,))
    if storable(names):
        # the search collapses the blanks of what it is given: search by the longest word
        word = max(names.split(), key=len)[:50]
        found = await api.json(registry, "GET", "/v1/workers", lmc, params={"name": word})
        if worker["id"] not in [w["id"] for w in found["items"]]:
            outcome.problems.append(f"{kind}: searching by name did not find the worker")


async def test_injection_strings_are_stored_verbatim_and_harmless(system: RunningSystem) -> None:
    tag = uuid.uuid4().hex[:6]
    made = await organisations_of_every_role(system, f"inj {tag}")
    parties = {role: Partner(role, role, org, key) for role, (org, key) in made.items()}
    api = Api(system.urls, Stats(), deadline=60, retry_server_errors=False)
    outcome = Outcome()
    try:
        # names too long together for the contact topic: refused, naming the field
        too_long = worker_body("N" * 100, "Nameland", "2025-01")
        refused = await api.json(
            "registry", "POST", "/v1/workers", parties["lmc"], json=too_long, ok=(422,)
        )
        assert refused["errors"][0]["field"] == "body.given_name", refused
        # a row that must stay as it is
        control = await api.json(
            "registry",
            "POST",
            "/v1/workers",
            parties["lmc"],
            json=worker_body("Control", "Controlland", "2025-01"),
        )
        # organisations: name, region, licence number (admins)
        admin = Partner("admin", "admin", "", (await system_admin_key(system)))
        hooks = await api.json(
            "notifications",
            "POST",
            "/v1/webhook-endpoints",
            parties["agency"],
            json={"url": "https://partner.example.kz/h"},
        )
        for kind, make in STRINGS.items():
            body = {"name": make(SHORT), "kind": "lmc", "region": make(NAME)}
            made_org = await Injector(api, outcome).send(
                "registry",
                "POST",
                "/v1/organisations",
                admin,
                body,
                body["name"],
                plain_organisation(kind, tag),
            )
            read = await api.json("registry", "GET", f"/v1/organisations/{made_org['id']}", admin)
            expect(outcome, f"{kind} organisation.name", read["name"], body["name"])
            expect(outcome, f"{kind} organisation.region", read["region"], body["region"])
            url = f"https://partner.example.kz/hooks/{make(SHORT)}"
            endpoint = await api.call(
                "notifications",
                "PATCH",
                f"/v1/webhook-endpoints/{hooks['id']}",
                parties["agency"],
                content=json.dumps({"url": url}).encode(),
                ok=(200, 422),
            )
            if endpoint.status_code == 200:
                expect(outcome, f"{kind} webhook url", endpoint.json()["url"], url)
        await asyncio.gather(*(inject_everywhere(api, parties, kind, outcome) for kind in STRINGS))
        again = await api.json("registry", "GET", f"/v1/workers/{control['id']}", parties["lmc"])
        assert (again["given_name"], again["region"]) == ("Control", "Controlland")
        listed = await api.pages("registry", "/v1/workers", parties["lmc"])
        assert len(listed) == 1 + 2 * len(STRINGS)
    finally:
        await api.close()
    dead = {
        service: await system.query(
            service,
            "SELECT error FROM dead_letter WHERE headers::text LIKE $1",
            f"%{parties['lmc'].id}%",
        )
        for service in ("visa", "notifications", "reporting")
    }
    print(
        f"\nSUMMARY injection: {len(STRINGS)} kinds, {outcome.stored} stored verbatim, "
        f"{outcome.refused} refused (NUL); requests {api.stats.requests}"
    )
    assert not outcome.problems, "\n".join(outcome.problems)
    assert api.stats.server_errors == 0
    assert dead == {service: [] for service in dead}


async def system_admin_key(system: RunningSystem) -> str:
    from system_support import admin_headers

    return (await admin_headers(system))["Authorization"].removeprefix("Bearer ")
