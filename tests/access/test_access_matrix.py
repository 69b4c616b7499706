"""Every authenticated endpoint of every service x every role (lmc, agency, operator,
ministry, admin) x the own and another organisation of that role, against the outcome the
services document (their READMEs and permissions modules): 200/201/204 when allowed, 403 when
the caller may see the record but not do this, 404 when it may not even see it. Lists answer
200 to everyone, and show the record only to those who may see it.

A table entry names the route as in the OpenAPI document; a test checks that the table covers
every authenticated route of every service, so a new route must say who may call it.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from access.access_world import RELATIONS, ROLES, Record, World
from faults.scale_journey import END, START, TODAY, Api, Partner, Stats
from system_support import RunningSystem

pytestmark = [pytest.mark.access, pytest.mark.slow]

Expect = Callable[[str, str], int]  # (role, relation) -> status
READERS = ("ministry", "admin")
RECRUITERS = ("lmc", "agency")


def everyone(ok: int = 200) -> Expect:
    return lambda role, relation: ok


def only(*roles: str, ok: int = 200) -> Expect:
    return lambda role, relation: ok if role in roles else 403


def worker_step(
    ok: int,
    *,
    owners: bool = True,
    operator: bool = False,
    ministry: bool = False,
    operator_related: bool = True,
) -> Expect:
    """A step on a worker (the registry's permissions.py): owners are the registering LMC and
    the assigned agency; the operator of the placement sees the worker once offered one."""

    def expect(role: str, relation: str) -> int:
        if role in RECRUITERS:
            return 404 if relation == "other" else (ok if owners else 403)
        if role == "operator":
            if relation == "other" or not operator_related:
                return 404
            return ok if operator else 403
        if role == "ministry":
            return ok if ministry else 403
        return 403  # admins read, change nothing

    return expect


def worker_read(*, operator_sees: bool = True) -> Expect:
    def expect(role: str, relation: str) -> int:
        if role in READERS:
            return 200
        if relation == "other" or (role == "operator" and not operator_sees):
            return 404
        return 200

    return expect


def case_step(*, owners: bool) -> Expect:
    """The visa service's table: the operator of the case does every step; the worker's LMC or
    agency applies and records biometrics; the ministry and admins change nothing."""
    return worker_step(200, owners=owners, operator=True)


def own_or_readers(ok: int = 200) -> Expect:
    return lambda role, relation: ok if relation == "own" or role in READERS else 404


def own_or_admin(ok: int, *, other: int = 403) -> Expect:
    """Own records for everyone, others' for admins; the ministry reads but manages none."""

    def expect(role: str, relation: str) -> int:
        if relation == "own" or role == "admin":
            return ok
        return 403 if role == "ministry" or other == 403 else other

    return expect


def registering_org_or_readers(*, change: bool) -> Expect:
    """The notifications service: the organisation a worker belongs to is the one that
    registered it (not an assigned agency, not the operator); the ministry and admins read."""

    def expect(role: str, relation: str) -> int:
        if role == "lmc" and relation == "own":
            return 200
        if role in READERS:
            return 403 if change else 200
        return 404

    return expect


def scoped_figures(role: str, relation: str) -> int:
    """The reporting service: asking for another organisation's (operator's) figures is a 403."""
    return 200 if relation == "own" or role in READERS else 403


def unscoped_by_operator(role: str, relation: str) -> int:
    """Figures without an operator dimension (deliveries, registrations): an operator filtering
    them by its own id asks a question they cannot answer (422); by another's, it is refused
    first (403)."""
    if role == "operator" and relation == "own":
        return 422
    return scoped_figures(role, relation)


Request = tuple[str, Any, dict[str, Any] | None]  # path, JSON body, query
Build = Callable[[World, Record | None, Partner, str, str], Awaitable[Request]]


@dataclass(frozen=True)
class Case:
    service: str
    method: str
    route: str
    expect: Expect
    build: Build
    stage: str | None = None  # the worker the denied callers act on
    grievance: bool = False
    fresh: str | None = None  # allowed callers each get a new worker at this stage
    target: bool = False  # own/other names whose record it is (else: who calls)
    notified: bool = False  # the notifications service knows the worker first
    visible: Callable[[str, str], bool] | None = None  # lists: who sees the record
    seen: Callable[[Any, World, Record | None, str, str], bool] | None = None


Params = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] | None


def call(path: str, body: Any = None, params: Params = None) -> Build:
    """A request whose path may name {worker}, {placement}, {case}, {grievance}, {delivery},
    {session}, {iin}."""

    async def build(
        world: World, record: Record | None, caller: Partner, role: str, relation: str
    ) -> Request:
        names = vars(record) if record else {}
        values = dict(names, session=world.session)
        made = body(world) if callable(body) else body
        return path.format(**values), made, params(values) if callable(params) else params

    return build


def target_org(world: World, caller: Partner, relation: str) -> Partner:
    """The caller's own organisation, or another organisation of its role."""
    return caller if relation == "own" else world.caller(caller.kind, "other")


def on_organisation(suffix: str = "", body: Any = None) -> Build:
    async def build(
        world: World, record: Record | None, caller: Partner, role: str, relation: str
    ) -> Request:
        target = target_org(world, caller, relation)
        return f"/v1/organisations/{target.id}{suffix}", body, None

    return build


def on_key(suffix: str) -> Build:
    async def build(
        world: World, record: Record | None, caller: Partner, role: str, relation: str
    ) -> Request:
        target = target_org(world, caller, relation)
        return f"/v1/api-keys/{await world.spare_key(target.id)}{suffix}", None, None

    return build


def on_endpoint(suffix: str = "", body: Any = None, *, listing: bool = False) -> Build:
    async def build(
        world: World, record: Record | None, caller: Partner, role: str, relation: str
    ) -> Request:
        endpoint = await world.endpoint_of(target_org(world, caller, relation))
        if listing:
            return "/v1/webhook-endpoints", None, None
        return f"/v1/webhook-endpoints/{endpoint}{suffix}", body, None

    return build


async def new_endpoint(
    world: World, record: Record | None, caller: Partner, role: str, relation: str
) -> Request:
    """For itself (an admin names itself); for another: a spare organisation without one."""
    if relation == "own":
        named = {"organisation_id": caller.id} if role == "admin" else {}
        return "/v1/webhook-endpoints", {"url": "https://own.example.kz/h", **named}, None
    spare = await world.organisation("lmc", f"spare {uuid.uuid4().hex[:4]}")
    return (
        "/v1/webhook-endpoints",
        {"url": "https://x.example.kz/h", "organisation_id": spare.id},
        None,
    )


def figures(path: str) -> Build:
    async def build(
        world: World, record: Record | None, caller: Partner, role: str, relation: str
    ) -> Request:
        target = target_org(world, caller, relation)
        name = "operator_id" if role == "operator" else "organisation_id"
        return path, None, {name: target.id}

    return build


async def assignment(
    world: World, record: Record | None, caller: Partner, role: str, relation: str
) -> Request:
    assert record is not None
    spare = await world.organisation("agency", f"assignee {uuid.uuid4().hex[:4]}")
    return f"/v1/workers/{record.worker}/assignments", {"organisation_id": spare.id}, None


def listed(key: str = "items", field: str = "id", what: str = "worker") -> Callable[..., bool]:
    def seen(answer: Any, world: World, record: Record | None, role: str, relation: str) -> bool:
        items = answer[key] if key else answer
        wanted = getattr(record, what) if record else None
        return any(item.get(field) == wanted for item in items)

    return seen


def sees_worker(*, operator: bool = True, agency: bool = True) -> Callable[[str, str], bool]:
    def visible(role: str, relation: str) -> bool:
        if role in READERS:
            return True
        if relation == "other":
            return False
        return {"lmc": True, "agency": agency, "operator": operator}[role]

    return visible


W = "/v1/workers/{worker}"
C = "/v1/cases/{case}"
REGISTRY_STEPS = [
    Case(
        "registry",
        "PATCH",
        "/v1/workers/{worker_id}",
        worker_step(200),
        call(W, {"region": "Almaty"}),
        stage="offered",
    ),
    Case(
        "registry",
        "POST",
        "/v1/workers/{worker_id}/assignments",
        worker_step(201),
        assignment,
        stage="offered",
    ),
    Case(
        "registry",
        "POST",
        "/v1/workers/{worker_id}/screenings",
        worker_step(201, operator_related=False),
        call(W + "/screenings", {"season_start": START.isoformat(), "season_end": END.isoformat()}),
        stage="registered",
        fresh="registered",
    ),
    Case(
        "registry",
        "POST",
        "/v1/workers/{worker_id}/orientation",
        worker_step(200, operator_related=False),
        call(
            W + "/orientation",
            lambda w: {"session_id": w.session, "attended_on": TODAY.isoformat()},
        ),
        stage="screened",
        fresh="screened",
    ),
    Case(
        "registry",
        "POST",
        "/v1/workers/{worker_id}/placements",
        worker_step(201, operator_related=False),
        call(W + "/placements", lambda w: w.placement_body()),
        stage="oriented",
        fresh="oriented",
    ),
    Case(
        "registry",
        "POST",
        "/v1/workers/{worker_id}/placements/{placement_id}/acceptance",
        worker_step(200),
        call(W + "/placements/{placement}/acceptance"),
        stage="offered",
        fresh="offered",
    ),
    Case(
        "registry",
        "POST",
        "/v1/workers/{worker_id}/placements/{placement_id}/decline",
        worker_step(200),
        call(W + "/placements/{placement}/decline", {"reason": "Too far."}),
        stage="offered",
        fresh="offered",
    ),
    Case(
        "registry",
        "POST",
        "/v1/workers/{worker_id}/withdrawal",
        worker_step(200),
        call(W + "/withdrawal", {"reason": "Found work at home."}),
        stage="offered",
        fresh="offered",
    ),
    Case(
        "registry",
        "POST",
        "/v1/workers/{worker_id}/departure",
        worker_step(200),
        call(W + "/departure", {"departure_date": START.isoformat()}),
        stage="granted",
        fresh="granted",
    ),
    Case(
        "registry",
        "POST",
        "/v1/workers/{worker_id}/arrival",
        worker_step(200, owners=False, operator=True),
        call(W + "/arrival", {"arrival_date": START.isoformat()}),
        stage="departed",
        fresh="departed",
    ),
    Case(
        "registry",
        "POST",
        "/v1/workers/{worker_id}/contract-end",
        worker_step(200, owners=False, operator=True),
        call(W + "/contract-end", {"end_date": END.isoformat(), "reason": "completed"}),
        stage="arrived",
        fresh="arrived",
    ),
    Case(
        "registry",
        "POST",
        "/v1/workers/{worker_id}/return",
        worker_step(200),
        call(W + "/return", {"return_date": END.isoformat()}),
        stage="contract_ended",
        fresh="contract_ended",
    ),
    Case(
        "registry",
        "POST",
        "/v1/workers/{worker_id}/welfare-checks",
        worker_step(201, operator=True),
        call(
            W + "/welfare-checks",
            {
                "check_date": START.isoformat(),
                "channel": "in_person",
                "wellbeing_score": 4,
                "outcome": "well",
                "concerns": False,
            },
        ),
        stage="arrived",
    ),
    Case(
        "registry",
        "POST",
        "/v1/workers/{worker_id}/grievances",
        worker_step(201, operator=True),
        call(W + "/grievances", lambda w: w.grievance_body()),
        stage="matched",
    ),
    Case(
        "registry",
        "POST",
        "/v1/workers/{worker_id}/grievances/{grievance_id}/referral",
        worker_step(200, ministry=True),
        call(W + "/grievances/{grievance}/referral", {"reference": "GLAA-1"}),
        stage="matched",
        grievance=True,
        fresh="registered",
    ),
    Case(
        "registry",
        "POST",
        "/v1/workers/{worker_id}/grievances/{grievance_id}/resolution",
        worker_step(200, ministry=True),
        call(W + "/grievances/{grievance}/resolution", {"outcome": "not_upheld"}),
        stage="matched",
        grievance=True,
        fresh="registered",
    ),
    Case(
        "registry",
        "POST",
        "/v1/workers/{worker_id}/recruitment-fees",
        worker_step(201),
        call(
            W + "/recruitment-fees",
            lambda w: {"amount": "0.00", "currency": "KZT", "charged_by": w.lmc.id},
        ),
        stage="matched",
    ),
]
REGISTRY_READS = [
    Case("registry", "GET", "/v1/audit", only("admin"), call("/v1/audit")),
    Case(
        "registry",
        "POST",
        "/v1/workers/bulk",
        only(*RECRUITERS),
        call("/v1/workers/bulk", lambda w: {"workers": [w.worker_body()]}),
    ),
    Case(
        "registry",
        "POST",
        "/v1/workers",
        only(*RECRUITERS, ok=201),
        call("/v1/workers", lambda w: w.worker_body()),
    ),
    Case(
        "registry",
        "GET",
        "/v1/workers",
        everyone(),
        call("/v1/workers", params=lambda v: {"iin": v["iin"]}),
        stage="offered",
        visible=sees_worker(),
        seen=listed(),
    ),
    Case("registry", "GET", "/v1/workers/{worker_id}", worker_read(), call(W), stage="offered"),
    Case(
        "registry",
        "GET",
        "/v1/workers/{worker_id}/journey",
        worker_read(),
        call(W + "/journey"),
        stage="offered",
    ),
    Case(
        "registry",
        "GET",
        "/v1/workers/{worker_id}/placements/{placement_id}",
        worker_read(),
        call(W + "/placements/{placement}"),
        stage="offered",
    ),
    # an operator reads its placement, not the grievances (they may be about it)
    Case(
        "registry",
        "GET",
        "/v1/workers/{worker_id}/grievances/{grievance_id}",
        worker_read(operator_sees=False),
        call(W + "/grievances/{grievance}"),
        stage="matched",
        grievance=True,
    ),
    Case(
        "registry",
        "POST",
        "/v1/orientation-sessions",
        only("lmc", ok=201),
        call(
            "/v1/orientation-sessions",
            {
                "session_date": TODAY.isoformat(),
                "language": "ru",
                "trainer_name": "T",
                "location": "L",
                "topics_covered": ["health_and_safety"],
                "capacity": 5,
            },
        ),
    ),
    Case(
        "registry",
        "GET",
        "/v1/orientation-sessions",
        lambda role, relation: 403 if role == "operator" else 200,
        call("/v1/orientation-sessions", params={"limit": 500}),
        visible=lambda role, relation: not (role == "lmc" and relation == "other"),
        seen=lambda answer, world, record, role, relation: (
            world.session in [s["id"] for s in answer["items"]]
        ),
    ),
    Case(
        "registry",
        "GET",
        "/v1/orientation-sessions/{session_id}",
        lambda role, relation: (
            403 if role == "operator" else 404 if (role, relation) == ("lmc", "other") else 200
        ),
        call("/v1/orientation-sessions/{session}"),
    ),
    Case(
        "registry",
        "POST",
        "/v1/organisations",
        only("admin", ok=201),
        call(
            "/v1/organisations",
            lambda w: {"name": f"New {uuid.uuid4().hex[:6]}", "kind": "ministry"},
        ),
    ),
    Case(
        "registry",
        "GET",
        "/v1/organisations",
        everyone(),
        call("/v1/organisations"),
        target=True,
        visible=lambda role, relation: relation == "own" or role in READERS,
        seen=lambda answer, world, record, role, relation: (
            target_org(world, world.caller(role, "own"), relation).id in [o["id"] for o in answer]
        ),
    ),
    Case(
        "registry",
        "GET",
        "/v1/organisations/{organisation_id}",
        own_or_readers(),
        on_organisation(),
        target=True,
    ),
    Case(
        "registry",
        "PATCH",
        "/v1/organisations/{organisation_id}",
        only("admin"),
        on_organisation(body={"active": True}),
        target=True,
    ),
    Case(
        "registry",
        "POST",
        "/v1/organisations/{organisation_id}/api-keys",
        only("admin", ok=201),
        on_organisation("/api-keys"),
        target=True,
    ),
    Case(
        "registry",
        "GET",
        "/v1/organisations/{organisation_id}/api-keys",
        only("admin"),
        on_organisation("/api-keys"),
        target=True,
    ),
    Case(
        "registry",
        "POST",
        "/v1/api-keys/{key_id}/rotate",
        own_or_admin(201),
        on_key("/rotate"),
        target=True,
    ),
    Case("registry", "DELETE", "/v1/api-keys/{key_id}", own_or_admin(204), on_key(""), target=True),
]
VISA = [
    Case(
        "visa",
        "GET",
        "/v1/cases",
        everyone(),
        call("/v1/cases", params=lambda v: {"worker_id": v["worker"]}),
        stage="matched",
        visible=sees_worker(),
        seen=listed(what="case"),
    ),
    Case("visa", "GET", "/v1/cases/{case_id}", worker_read(), call(C), stage="matched"),
    Case(
        "visa",
        "POST",
        "/v1/cases/{case_id}/sponsorship",
        case_step(owners=False),
        call(C + "/sponsorship", lambda w: w.cos_body()),
        stage="matched",
        fresh="matched",
    ),
    Case(
        "visa",
        "POST",
        "/v1/cases/{case_id}/application",
        case_step(owners=True),
        call(C + "/application", lambda w: w.application_body()),
        stage="sponsored",
        fresh="sponsored",
    ),
    Case(
        "visa",
        "POST",
        "/v1/cases/{case_id}/biometrics",
        case_step(owners=True),
        call(C + "/biometrics", {"recorded_on": TODAY.isoformat()}),
        stage="submitted",
        fresh="submitted",
    ),
    Case(
        "visa",
        "POST",
        "/v1/cases/{case_id}/decision",
        case_step(owners=False),
        call(C + "/decision", lambda w: w.grant_body()),
        stage="biometrics",
        fresh="biometrics",
    ),
    Case(
        "visa",
        "POST",
        "/v1/cases/{case_id}/reopen",
        case_step(owners=False),
        call(C + "/reopen", {}),
        stage="refused",
        fresh="refused",
    ),
    Case("visa", "GET", "/v1/visa-rules", everyone(), call("/v1/visa-rules")),
    Case(
        "visa",
        "POST",
        "/v1/visa-rules",
        only("admin", ok=201),
        call(
            "/v1/visa-rules",
            lambda w: {
                "effective_from": f"{2090 + w.next() % 9}-0{1 + w.next() % 9}-1{w.next() % 9}",
                "cos_validity_months": 3,
                "application_window_months": 3,
                "max_stay_days": 183,
                "stay_window_days": 365,
                "minimum_age": 18,
                "application_fee": "335.00",
                "fee_currency": "GBP",
            },
        ),
    ),
    Case("visa", "GET", "/v1/audit", only("admin"), call("/v1/audit")),
]
NOTIFICATIONS = [
    Case(
        "notifications",
        "POST",
        "/v1/webhook-endpoints",
        own_or_admin(201),
        new_endpoint,
        target=True,
    ),
    Case(
        "notifications",
        "GET",
        "/v1/webhook-endpoints",
        everyone(),
        on_endpoint(listing=True),
        target=True,
        visible=lambda role, relation: relation == "own" or role in READERS,
        seen=lambda answer, world, record, role, relation: (
            world.endpoints.get(target_org(world, world.caller(role, "own"), relation).id)
            in [e["id"] for e in answer]
        ),
    ),
    Case(
        "notifications",
        "GET",
        "/v1/webhook-endpoints/{endpoint_id}",
        own_or_readers(),
        on_endpoint(),
        target=True,
    ),
    Case(
        "notifications",
        "PATCH",
        "/v1/webhook-endpoints/{endpoint_id}",
        own_or_admin(200, other=404),
        on_endpoint(body={"enabled": True}),
        target=True,
    ),
    Case(
        "notifications",
        "POST",
        "/v1/webhook-endpoints/{endpoint_id}/rotate-secret",
        own_or_admin(201, other=404),
        on_endpoint("/rotate-secret"),
        target=True,
    ),
    Case(
        "notifications",
        "GET",
        "/v1/deliveries",
        everyone(),
        call(
            "/v1/deliveries", params=lambda v: {"worker_id": v["worker"], "recipient": v["worker"]}
        ),
        stage="registered",
        notified=True,
        visible=sees_worker(operator=False, agency=False),
        seen=listed(field="worker_id"),
    ),
    Case(
        "notifications",
        "GET",
        "/v1/deliveries/{delivery_id}",
        registering_org_or_readers(change=False),
        call("/v1/deliveries/{delivery}"),
        stage="registered",
        notified=True,
    ),
    Case(
        "notifications",
        "GET",
        "/v1/workers/{worker_id}/preferences",
        registering_org_or_readers(change=False),
        call(W + "/preferences"),
        stage="offered",
        notified=True,
    ),
    Case(
        "notifications",
        "PUT",
        "/v1/workers/{worker_id}/preferences",
        registering_org_or_readers(change=True),
        call(W + "/preferences", {"sms_opt_out": False, "email_opt_out": False}),
        stage="offered",
        notified=True,
    ),
    Case("notifications", "GET", "/v1/routing", everyone(), call("/v1/routing")),
    Case("notifications", "GET", "/v1/audit", only("admin"), call("/v1/audit")),
    # last: the endpoints are gone afterwards
    Case(
        "notifications",
        "DELETE",
        "/v1/webhook-endpoints/{endpoint_id}",
        own_or_admin(204, other=404),
        on_endpoint(),
        target=True,
    ),
]
FIGURES = (
    "funnel",
    "stages",
    "visas",
    "travel",
    "orientation",
    "grievances",
    "compliance",
    "notifications",
    "registrations",
)
REPORTING = [
    *[
        Case(
            "reporting",
            "GET",
            f"/v1/statistics/{name}",
            unscoped_by_operator if name in ("notifications", "registrations") else scoped_figures,
            figures(f"/v1/statistics/{name}"),
            target=True,
        )
        for name in FIGURES
    ],
    Case("reporting", "GET", "/v1/journeys", scoped_figures, figures("/v1/journeys"), target=True),
    Case(
        "reporting",
        "GET",
        "/v1/exports/{dataset}",
        scoped_figures,
        figures("/v1/exports/journeys"),
        target=True,
    ),
    Case("reporting", "POST", "/v1/dashboard/links", everyone(201), call("/v1/dashboard/links")),
]
CASES = [*REGISTRY_STEPS, *REGISTRY_READS, *VISA, *NOTIFICATIONS, *REPORTING]


def documented_operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if operation.get("security")
    }


async def test_the_table_covers_every_authenticated_route(system: RunningSystem) -> None:
    covered = {(case.service, case.method, case.route) for case in CASES}
    missing = []
    for service, url in system.urls.items():
        async with httpx.AsyncClient(base_url=url, trust_env=False) as client:
            document = (await client.get("/v1/openapi.json")).json()
        for method, route in documented_operations(document):
            if (service, method, route) not in covered:
                missing.append(f"{service} {method} {route}")
    assert not missing, missing


async def test_every_route_answers_every_role_as_documented(system: RunningSystem) -> None:
    api = Api(system.urls, Stats(), deadline=60, retry_server_errors=False)
    world = World(system, api, uuid.uuid4().hex[:6])
    wrong: list[str] = []
    outcomes: Counter[int] = Counter()
    try:
        await world.set_up()
        limit = asyncio.Semaphore(6)

        async def prepared(case: Case, stage: str) -> Record:
            async with limit:
                record = await world.worker(stage, grievance=case.grievance)
                if case.notified:
                    record.delivery = await world.delivery_to(record)
                return record

        for case in CASES:
            pairs = sorted(
                itertools.product(ROLES, RELATIONS), key=lambda p: case.expect(*p) < 300
            )  # denied first
            shared = await prepared(case, case.stage) if case.stage else None
            allowed = [p for p in pairs if case.expect(*p) < 300]
            fresh: dict[tuple[str, str], Record] = {}
            if case.fresh:
                made = await asyncio.gather(*(prepared(case, case.fresh) for _ in allowed))
                fresh = dict(zip(allowed, made, strict=True))
            for role, relation in pairs:
                caller = world.caller(role, "own" if case.target else relation)
                record = fresh.get((role, relation), shared)
                path, body, params = await case.build(world, record, caller, role, relation)
                answer = await api.call(
                    case.service,
                    case.method,
                    path,
                    caller,
                    json=body,
                    params=params,
                    ok=range(200, 500),
                )
                outcomes[answer.status_code] += 1
                expected = case.expect(role, relation)
                label = f"{case.service} {case.method} {case.route} as {role} ({relation})"
                if answer.status_code != expected:
                    wrong.append(
                        f"{label}: {answer.status_code}, documented {expected}: {answer.text[:200]}"
                    )
                elif answer.status_code == 200 and case.visible and case.seen:
                    sees = case.seen(answer.json(), world, record, role, relation)
                    if sees != case.visible(role, relation):
                        wrong.append(f"{label}: sees the record: {sees}")
                if (case.method, case.route, answer.status_code, relation) == (
                    "POST",
                    "/v1/webhook-endpoints",
                    201,
                    "own",
                ):
                    world.endpoints[caller.id] = answer.json()["id"]
    finally:
        await api.close()
    print(
        f"\nSUMMARY access matrix: {len(CASES)} routes x {len(ROLES)} roles x own/other: "
        f"{sum(outcomes.values())} calls ({dict(sorted(outcomes.items()))}); "
        f"departures from the documented outcome: {len(wrong)}"
    )
    assert not wrong, "\n".join(wrong)
