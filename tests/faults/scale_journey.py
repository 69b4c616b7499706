"""Workers driven through the whole journey through the public APIs only, as LMCs, agencies,
operators and the ministry would, with a ground truth kept by the driver and compared at the
end with what every service says.

Each worker's path is decided up front from a seeded RNG (so a run is reproducible whatever
the order in which the tasks interleave): completed seasons, returns on time or late,
declined offers, refusals (reopened, replaced by a new offer, left, or followed by a
withdrawal), withdrawals at every stage before departure, ineligible screenings, journeys
still in progress, welfare checks, grievances (referred to the GLAA, resolved), recruitment
fees. Requests that fail because a service, the broker or the database is down are retried
with the same Idempotency-Key, as a partner would.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from notifications.testing.webhook_receiver import WebhookReceiver
from registry.domain.iin import check_digit

FULL = os.environ.get("SWS_FULL") == "1"
WORKERS = int(os.environ.get("SWS_SCALE_WORKERS") or (400 if FULL else 40))
SEED = int(os.environ.get("SWS_SEED") or 20260611)

TODAY = datetime.now(UTC).date()
# A season soon enough that its visa may be applied for today (at most 3 months ahead).
START = TODAY + timedelta(days=30)
END = START + timedelta(days=150)
TOPICS = ["health_and_safety", "living_conditions", "emergency_contacts", "financial_literacy"]
COMPLIANCE_CATEGORIES = ("recruitment_fee", "document_retention", "wages")
CATEGORIES = (
    "wages",
    "housing",
    "safety",
    "harassment",
    "recruitment_fee",
    "document_retention",
    "other",
)
SYLLABLES = (
    "ai",
    "ger",
    "nur",
    "lan",
    "dau",
    "ren",
    "zha",
    "nar",
    "ba",
    "qyt",
    "ma",
    "di",
    "er",
    "bol",
    "sa",
    "ule",
    "tal",
    "gat",
    "kar",
    "mei",
    "ras",
    "tol",
    "qan",
    "zhi",
)
REGIONS = ("Turkistan", "Zhambyl", "Kyzylorda", "Almaty Region", "Shymkent")

# -- the public APIs, called as a partner would ----------------------------------------------


@dataclass
class Stats:
    requests: int = 0
    retries: int = 0
    transport_errors: int = 0
    timeouts: int = 0
    server_errors: int = 0
    rate_limited: int = 0
    replayed: int = 0

    def line(self) -> str:
        return (
            f"requests: {self.requests} (retried {self.retries}: {self.transport_errors} "
            f"connection failures, {self.timeouts} timeouts, {self.server_errors} 5xx, "
            f"{self.rate_limited} 429; "
            f"{self.replayed} idempotent replays)"
        )


class UnexpectedAnswer(AssertionError):
    pass


@dataclass(frozen=True)
class Partner:
    name: str
    kind: str
    id: str
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


class Api:
    """One HTTP client per service; every call is retried through failures until it answers
    as expected or ``deadline`` seconds pass. A POST keeps its Idempotency-Key across retries."""

    def __init__(
        self,
        urls: dict[str, str],
        stats: Stats,
        deadline: float = 240.0,
        *,
        retry_server_errors: bool = True,
    ) -> None:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
        timeout = httpx.Timeout(30.0, connect=5.0)
        self.clients = {
            name: httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits, trust_env=False)
            for name, url in urls.items()
        }
        self.stats = stats
        self.deadline = deadline
        self.retry_server_errors = retry_server_errors

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        who: Partner,
        *,
        json: Any = None,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
        ok: Iterable[int] = (200, 201, 204),
        unauthorised_retried: bool = False,
    ) -> httpx.Response:
        expected = set(ok)
        headers = dict(who.headers)
        if content is not None:
            headers["Content-Type"] = "application/json"
        if method == "POST":
            headers["Idempotency-Key"] = str(uuid.uuid4())
        give_up = time.monotonic() + self.deadline
        delay = 0.1
        while True:
            self.stats.requests += 1
            retry_after = 0.0
            try:
                response = await self.clients[service].request(
                    method, path, json=json, content=content, params=params, headers=headers
                )
            except httpx.TimeoutException:  # a slow answer: retried with the same key
                self.stats.timeouts += 1
            except httpx.TransportError:
                self.stats.transport_errors += 1
            else:
                if response.status_code in expected:
                    if response.headers.get("Idempotent-Replayed") == "true":
                        self.stats.replayed += 1
                    return response
                if response.status_code == 429:
                    self.stats.rate_limited += 1
                    retry_after = float(response.headers.get("Retry-After", "1"))
                elif response.status_code >= 500 and self.retry_server_errors:
                    self.stats.server_errors += 1
                elif not (response.status_code == 401 and unauthorised_retried):
                    raise UnexpectedAnswer(
                        f"{method} {service}{path} as {who.name}: {response.status_code} "
                        f"{response.text[:600]}"
                    )
            if time.monotonic() > give_up:
                raise TimeoutError(f"{method} {service}{path} did not succeed in time")
            self.stats.retries += 1
            await asyncio.sleep(max(delay, retry_after))
            delay = min(delay * 2, 2.0)

    async def json(self, service: str, method: str, path: str, who: Partner, **kw: Any) -> Any:
        return (await self.call(service, method, path, who, **kw)).json()

    async def pages(
        self, service: str, path: str, who: Partner, params: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Every item of a cursor-paginated list."""
        items: list[dict[str, Any]] = []
        query = dict(params or {}) | {"limit": 500}
        while True:
            page = await self.json(service, "GET", path, who, params=query)
            items += page["items"]
            if not page.get("next_cursor"):
                return items
            query["cursor"] = page["next_cursor"]


async def until(
    check: Callable[[], Awaitable[bool]], *, what: str, timeout: float = 240.0, every: float = 0.3
) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not reached within {timeout:.0f}s: {what}")
        await asyncio.sleep(every)


# -- the plan and the ground truth -----------------------------------------------------------

CHECKPOINTS = (
    "registered",
    "screened",
    "oriented",
    "offered",
    "visa_applied",
    "visa_granted",
    "departed",
    "arrived",
    "contract_ended",
    "returned",
)
WITHDRAWABLE = ("registered", "screened", "oriented", "offered", "visa_applied", "visa_granted")


@dataclass(frozen=True)
class GrievancePlan:
    at: str
    category: str
    severity: str
    by_operator: bool
    follow_up: str  # "", "refer", "resolve", "refer_resolve"
    by_ministry: bool


@dataclass(frozen=True)
class Plan:
    owner: int
    bulk: bool
    language: str
    region: str
    ineligible: bool
    halt_at: str | None  # stop here (journey in progress), or ...
    withdraw: bool  # ... withdraw here
    declines: bool
    operator: int
    other_operator: int
    refusal: str | None  # None, "reopen", "new_offer", "stay", "withdraw"
    welfare: tuple[str, ...]
    late_return: bool
    end_reason: str
    grievances: tuple[GrievancePlan, ...]
    fees: tuple[tuple[str, bool, int], ...]  # (checkpoint, breach, charged by organisation no.)
    processing_days: int


def placement_body(operator_id: str, **changes: Any) -> dict[str, Any]:
    """A placement offer of the season: 39 hours a week at the 2026 minimum wage."""
    return {
        "operator_id": operator_id,
        "farm_name": "Hillside Berries",
        "sector": "horticulture",
        "uk_region": "West Midlands",
        "start_date": START.isoformat(),
        "end_date": END.isoformat(),
        "hourly_wage": "12.21",
        "hours_per_week": "39.0",
        "accommodation": {"provided": False},
    } | changes


PATHS = {  # a worker's path through the journey, and how often it is taken
    "complete": 26,
    "late": 8,
    "declines": 7,
    "halt": 14,
    "withdraw": 16,
    "reopen": 6,
    "new_offer": 5,
    "refused_stays": 4,
    "refused_withdraws": 4,
    "ineligible": 10,
}


def make_plan(rng: random.Random, number: int, recruiters: int, operators: int) -> Plan:
    path = rng.choices(list(PATHS), weights=list(PATHS.values()))[0]
    # The first workers take every path once, so that even a small run covers them all.
    paths = list(PATHS)
    if number < len(paths):
        path = paths[number]
    halt_at: str | None = None
    withdraw = False
    if path == "halt":
        halt_at = rng.choice([c for c in CHECKPOINTS if c not in ("screened", "returned")])
    elif path == "withdraw":
        halt_at, withdraw = rng.choice(WITHDRAWABLE), True
    elif path == "ineligible":
        withdraw = rng.random() < 0.5
    refusal = {
        "reopen": "reopen",
        "new_offer": "new_offer",
        "refused_stays": "stay",
        "refused_withdraws": "withdraw",
    }.get(path)
    operator = rng.randrange(operators)
    grievances = []
    for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
        at = rng.choice(("registered", "oriented", "visa_applied", "arrived", "returned"))
        grievances.append(
            GrievancePlan(
                at=at,
                category=rng.choice(CATEGORIES),
                severity=rng.choice(("low", "medium", "high", "critical")),
                by_operator=at == "arrived" and rng.random() < 0.5,
                follow_up=rng.choice(("", "", "refer", "resolve", "refer_resolve")),
                by_ministry=rng.random() < 0.5,
            )
        )
    fees = tuple(
        (
            rng.choice(("registered", "screened", "oriented", "visa_applied", "arrived")),
            rng.random() < 0.6,
            rng.randrange(recruiters),
        )
        for _ in range(rng.choice((0, 0, 0, 1, 1, 2)))
    )
    return Plan(
        owner=rng.randrange(recruiters),
        bulk=rng.random() < 0.3,
        language=rng.choice(("kk", "ru", "en")),
        region=rng.choice(REGIONS),
        ineligible=path == "ineligible",
        halt_at=halt_at,
        withdraw=withdraw,
        declines=path == "declines" or rng.random() < 0.08,
        operator=operator,
        other_operator=(operator + 1 + rng.randrange(operators - 1)) % operators,
        refusal=refusal,
        welfare=tuple(
            rng.choice(("well", "well", "needs_follow_up", "urgent"))
            for _ in range(rng.choice((0, 1, 1, 2)))
        ),
        late_return=path == "late",
        end_reason=rng.choice(("completed", "completed", "completed", "terminated_by_worker")),
        grievances=tuple(grievances),
        fees=fees,
        processing_days=rng.randint(2, 20),
    )


def _name(rng: random.Random, endings: Sequence[str]) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() + rng.choice(endings)


@dataclass
class Person:
    """The personal data of a generated worker (for registration and for leak scans)."""

    iin: str
    given_name: str
    family_name: str
    date_of_birth: date
    sex: str
    phone: str
    email: str
    passport_number: str


def make_person(rng: random.Random, taken: set[str]) -> Person:
    while True:
        born = date(rng.randint(1976, 2004), rng.randint(1, 12), rng.randint(1, 28))
        sex = rng.choice(("male", "female"))
        century = (3 if born.year < 2000 else 5) + (0 if sex == "male" else 1)
        first = f"{born:%y%m%d}{century}{rng.randint(0, 9999):04d}"
        digit = check_digit(first)
        if digit is not None and first + str(digit) not in taken:
            iin = first + str(digit)
            taken.add(iin)
            break
    given = _name(rng, ("", "a", "bek", "gul"))
    family = _name(rng, ("ov", "ova", "uly", "qyzy"))
    return Person(
        iin=iin,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        sex=sex,
        phone=f"+7701{rng.randint(0, 9_999_999):07d}",
        email=f"{given.lower()}.{iin[-6:]}@mail.example.kz",
        passport_number=f"N{rng.randint(0, 99_999_999):08d}",
    )


@dataclass
class GrievanceTruth:
    id: str
    category: str
    status: str = "open"
    referred: bool = False


@dataclass
class CaseTruth:
    id: str
    operator: Partner
    status: str = "open"


Delivery = tuple[str, str, str]  # (recipient kind, recipient, template)


@dataclass
class WorkerTruth:
    number: int
    plan: Plan
    person: Person
    owner: Partner
    id: str = ""
    stage: str = "registered"
    reached: set[str] = field(default_factory=set)  # funnel steps
    operator: Partner | None = None  # of the accepted placement
    placement_id: str = ""
    cases: list[CaseTruth] = field(default_factory=list)
    visa_facts: list[tuple[str, int | None]] = field(default_factory=list)
    grievances: list[GrievanceTruth] = field(default_factory=list)
    fees: list[bool] = field(default_factory=list)
    welfare: list[str] = field(default_factory=list)
    contract_end: date | None = None
    return_date: date | None = None
    deliveries: Counter[Delivery] = field(default_factory=Counter)
    done: bool = False

    @property
    def case(self) -> CaseTruth:
        return self.cases[-1]

    @property
    def returned_on_time(self) -> bool | None:
        if self.return_date is None or self.contract_end is None:
            return None
        return self.return_date <= self.contract_end + timedelta(days=14)


# Who the notifications service tells about each event (its README's routing table): the
# worker's template (SMS and e-mail) and whether the operator concerned gets a webhook too.
# The registering organisation gets a webhook of every event below.
WORKER_TEMPLATES: dict[str, tuple[str, ...]] = {
    "WorkerRegistered": ("worker_registered",),
    "WorkerScreened": (),  # screening_passed or screening_failed, below
    "OrientationCompleted": ("orientation_completed",),
    "PlacementOffered": ("placement_offered",),
    "PlacementAccepted": ("placement_accepted",),
    "PlacementDeclined": (),
    "WorkerWithdrawn": ("worker_withdrawn",),
    "VisaCaseOpened": (),
    "CertificateOfSponsorshipAssigned": ("cos_assigned",),
    "VisaApplicationSubmitted": ("visa_application_submitted",),
    "VisaBiometricsRecorded": (),
    "VisaGranted": ("visa_granted",),
    "VisaRefused": ("visa_refused",),
    "VisaCaseClosed": (),
    "WorkerDeparted": ("worker_departed",),
    "WorkerArrived": ("worker_arrived", "return_reminder"),
    "WelfareCheckRecorded": (),
    "GrievanceRaised": ("grievance_raised",),
    "GrievanceReferred": ("grievance_referred",),
    "GrievanceResolved": ("grievance_resolved",),
    "RecruitmentFeeReported": (),  # recruitment_fee_reported for breaches, below
    "ContractEnded": ("contract_ended",),
    "WorkerReturned": ("worker_returned",),
}
OPERATOR_TOLD = frozenset(
    {
        "PlacementOffered",
        "PlacementAccepted",
        "PlacementDeclined",
        "VisaCaseOpened",
        "CertificateOfSponsorshipAssigned",
        "VisaGranted",
        "VisaRefused",
        "WorkerDeparted",
        "WorkerArrived",
        "ContractEnded",
    }
)


def snake(event: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in event).lstrip("_")


def told(
    worker: WorkerTruth,
    event: str,
    *,
    operator: Partner | None = None,
    worker_templates: Sequence[str] | None = None,
    authorities: Sequence[str] = (),
) -> None:
    """Count the deliveries ``event`` should cause about ``worker``."""
    templates = WORKER_TEMPLATES[event] if worker_templates is None else worker_templates
    for template in templates:
        worker.deliveries[("worker", "worker", template)] += 2  # SMS and e-mail
    worker.deliveries[("organisation", worker.owner.id, snake(event))] += 1
    if event in OPERATOR_TOLD and operator is not None:
        worker.deliveries[("organisation", operator.id, snake(event))] += 1
    for template in authorities:
        worker.deliveries[("ministry", "ministry", template)] += 1
        worker.deliveries[("glaa", "glaa", template)] += 1


# -- the parties -------------------------------------------------------------------------------


@dataclass
class Parties:
    admin: Partner
    ministry: Partner
    lmcs: list[Partner]
    agencies: list[Partner]
    operators: list[Partner]
    sessions: dict[str, str]  # LMC id -> orientation session id
    receivers: dict[str, WebhookReceiver]  # organisation id -> its webhook receiver

    @property
    def recruiters(self) -> list[Partner]:
        return self.lmcs + self.agencies

    @property
    def everyone(self) -> list[Partner]:
        return [self.ministry, *self.recruiters, *self.operators]


async def set_up_parties(api: Api, admin_key: str, tag: str) -> Parties:
    """Organisations of every kind with a key each, an orientation session per LMC and a
    webhook endpoint (and receiver) per partner; returns once every service knows the keys."""
    admin = Partner("admin", "admin", "", admin_key)

    async def organisation(body: dict[str, Any]) -> Partner:
        created = await api.json("registry", "POST", "/v1/organisations", admin, json=body)
        path = f"/v1/organisations/{created['id']}/api-keys"
        key = await api.json("registry", "POST", path, admin)
        return Partner(body["name"], body["kind"], created["id"], key["api_key"])

    licence = (TODAY + timedelta(days=800)).isoformat()
    ministry = await organisation({"name": f"MLSP {tag}", "kind": "ministry"})
    lmcs = [
        await organisation({"name": f"{region} LMC {tag}", "kind": "lmc", "region": region})
        for region in ("Turkistan", "Zhambyl")
    ]
    agencies = [
        await organisation(
            {
                "name": f"Agency {n} {tag}",
                "kind": "agency",
                "licence_number": f"KZ-PEA-{n}{tag}",
                "licence_valid_until": licence,
            }
        )
        for n in (1, 2)
    ]
    operators = [
        await organisation(
            {
                "name": f"Farm Labour {n} {tag}",
                "kind": "operator",
                "licence_number": f"GLAA-{n}{tag}",
            }
        )
        for n in (1, 2, 3)
    ]
    parties = Parties(admin, ministry, lmcs, agencies, operators, {}, {})
    for lmc in lmcs:
        session = {
            "session_date": TODAY.isoformat(),
            "language": "kk",
            "trainer_name": "Gulnara Sadykova",
            "location": f"{lmc.name}, room 2",
            "topics_covered": TOPICS,
            "capacity": 10_000,
        }
        made = await api.json("registry", "POST", "/v1/orientation-sessions", lmc, json=session)
        parties.sessions[lmc.id] = made["id"]
    checks = {
        "visa": "/v1/cases",
        "notifications": "/v1/routing",
        "reporting": "/v1/statistics/funnel",
    }
    for partner in parties.everyone:
        for service, path in checks.items():
            await api.call(service, "GET", path, partner, unauthorised_retried=True)
    for partner in [*parties.recruiters, *parties.operators]:
        receiver = WebhookReceiver().start()
        endpoint = await api.json(
            "notifications",
            "POST",
            "/v1/webhook-endpoints",
            partner,
            json={"url": receiver.url, "language": "en"},
        )
        receiver.secret = endpoint["secret"]
        parties.receivers[partner.id] = receiver
    return parties


# -- the driver --------------------------------------------------------------------------------


def worker_body(person: Person, plan: Plan) -> dict[str, Any]:
    expiry = START + timedelta(days=60) if plan.ineligible else END + timedelta(days=900)
    return {
        "iin": person.iin,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "sex": person.sex,
        "region": plan.region,
        "phone": person.phone,
        "email": person.email,
        "preferred_language": plan.language,
        "passport_number": person.passport_number,
        "passport_expiry": expiry.isoformat(),
        "consent": {"given_at": "2026-01-10T08:00:00Z", "text_version": "2025-01"},
    }


class Driver:
    def __init__(self, api: Api, parties: Parties, seed: int = SEED) -> None:
        self.api = api
        self.parties = parties
        self.seed = seed
        self.workers: list[WorkerTruth] = []
        self._iins: set[str] = set()
        self._cos = 0
        self._offers: dict[str, Partner] = {}  # placement id -> its operator
        self._submitted: dict[str, date] = {}  # case id -> the current attempt's submission
        self.failures: list[str] = []

    # -- creating workers -------------------------------------------------------------------

    def plan_workers(self, count: int) -> list[WorkerTruth]:
        recruiters, operators = self.parties.recruiters, self.parties.operators
        made = []
        for _ in range(count):
            number = len(self.workers)
            rng = random.Random(self.seed * 100_003 + number)
            plan = make_plan(rng, number, len(recruiters), len(operators))
            worker = WorkerTruth(number, plan, make_person(rng, self._iins), recruiters[plan.owner])
            self.workers.append(worker)
            made.append(worker)
        return made

    async def register_in_bulk(self, workers: Sequence[WorkerTruth]) -> None:
        """One JSON batch per owner, as an LMC's or agency's import would send them."""
        by_owner: dict[str, list[WorkerTruth]] = {}
        for worker in workers:
            by_owner.setdefault(worker.owner.id, []).append(worker)
        for group in by_owner.values():
            batch = {"workers": [worker_body(w.person, w.plan) for w in group]}
            result = await self.api.json(
                "registry", "POST", "/v1/workers/bulk", group[0].owner, json=batch, ok=(200,)
            )
            assert result["registered"] == len(group), result["errors"]
            for row in result["workers"]:
                worker = group[row["row"] - 1]
                worker.id = row["worker_id"]
                self._registered(worker)

    async def register(self, worker: WorkerTruth) -> None:
        body = worker_body(worker.person, worker.plan)
        made = await self.api.json("registry", "POST", "/v1/workers", worker.owner, json=body)
        worker.id = made["id"]
        self._registered(worker)

    def _registered(self, worker: WorkerTruth) -> None:
        worker.reached.add("registered")
        told(worker, "WorkerRegistered")

    # -- one worker's journey ---------------------------------------------------------------

    async def run(self, worker: WorkerTruth, limit: asyncio.Semaphore) -> None:
        async with limit:
            try:
                await self._journey(worker)
                worker.done = True
            except Exception as error:
                self.failures.append(f"worker {worker.number} ({worker.id}): {error!r}")
                raise

    async def _journey(self, w: WorkerTruth) -> None:
        p = w.plan
        if not w.id:
            await self.register(w)
        if await self._checkpoint(w, "registered"):
            return
        if p.ineligible:
            await self.screen(w, eligible=False)
            if p.withdraw:
                await self.withdraw(w)
            return
        await self.screen(w, eligible=True)
        if await self._checkpoint(w, "screened"):
            return
        await self.orientation(w)
        if await self._checkpoint(w, "oriented"):
            return
        placement = await self.offer(w, self.parties.operators[p.operator])
        if await self._checkpoint(w, "offered"):
            return
        if p.declines:
            await self.decline(w, placement)
            placement = await self.offer(w, self.parties.operators[p.other_operator])
        await self.accept(w, placement)
        await self.case_opened(w)
        if await self._checkpoint(w, "visa_applied"):
            return
        await self.visa_steps(w, p.processing_days)
        if p.refusal is not None:
            await self.decide(w, granted=False)
            if p.refusal == "stay":
                return
            if p.refusal == "withdraw":
                await self.withdraw(w)
                return
            if p.refusal == "reopen":
                await self.reopen(w)
            else:
                placement = await self.offer(w, self.parties.operators[p.other_operator])
                await self.accept(w, placement)
                await self.case_opened(w)
            await self.visa_steps(w, 0)
        await self.decide(w, granted=True)
        if await self._checkpoint(w, "visa_granted"):
            return
        await self.depart(w)
        if await self._checkpoint(w, "departed"):
            return
        await self.arrive(w)
        for number, outcome in enumerate(p.welfare):
            await self.welfare_check(w, number, outcome)
        if await self._checkpoint(w, "arrived"):
            return
        await self.end_contract(w)
        if await self._checkpoint(w, "contract_ended"):
            return
        await self.return_home(w)
        await self._checkpoint(w, "returned")

    async def _checkpoint(self, w: WorkerTruth, at: str) -> bool:
        """Grievances and fees planned here; True when the journey stops here."""
        for plan in w.plan.grievances:
            if plan.at == at:
                await self.grievance(w, plan)
        for fee_at, breach, charged_by in w.plan.fees:
            if fee_at == at:
                await self.fee(w, breach, self.parties.recruiters[charged_by])
        if w.plan.halt_at != at:
            return False
        if w.plan.withdraw:
            await self.withdraw(w)
        return True

    # -- registry steps ----------------------------------------------------------------------

    async def post(self, w: WorkerTruth, path: str, who: Partner, body: Any = None) -> Any:
        return await self.api.json("registry", "POST", f"/v1/workers/{w.id}{path}", who, json=body)

    async def screen(self, w: WorkerTruth, *, eligible: bool) -> None:
        season = {"season_start": START.isoformat(), "season_end": END.isoformat()}
        result = await self.post(w, "/screenings", w.owner, season)
        assert result["eligible"] is eligible, result
        told(
            w,
            "WorkerScreened",
            worker_templates=["screening_passed" if eligible else "screening_failed"],
        )
        if eligible:
            w.stage = "screened"
            w.reached.add("screened")

    async def orientation(self, w: WorkerTruth) -> None:
        lmc = w.owner if w.owner.kind == "lmc" else self.parties.lmcs[w.number % 2]
        body = {"session_id": self.parties.sessions[lmc.id], "attended_on": TODAY.isoformat()}
        await self.post(w, "/orientation", w.owner, body)
        w.stage = "oriented"
        w.reached.add("oriented")
        told(w, "OrientationCompleted")

    async def offer(self, w: WorkerTruth, operator: Partner) -> str:
        body = placement_body(
            operator.id,
            sector="horticulture" if w.number % 3 else "poultry",
            accommodation={"provided": True, "weekly_cost": "60.00"},
        )
        made = await self.post(w, "/placements", w.owner, body)
        w.stage = "offered"
        told(w, "PlacementOffered", operator=operator)
        placement: str = made["id"]
        self._offers[placement] = operator
        return placement

    async def decline(self, w: WorkerTruth, placement: str) -> None:
        body = {"reason": "The farm is too far from the family's region."}
        await self.post(w, f"/placements/{placement}/decline", w.owner, body)
        w.stage = "oriented"
        told(w, "PlacementDeclined", operator=self._offers[placement])

    async def accept(self, w: WorkerTruth, placement: str) -> None:
        await self.post(w, f"/placements/{placement}/acceptance", w.owner)
        operator = self._offers[placement]
        w.stage = "matched"
        w.reached.add("matched")
        w.operator = operator
        w.placement_id = placement
        told(w, "PlacementAccepted", operator=operator)
        if w.cases and w.case.status == "refused":  # the new acceptance supersedes it
            w.case.status = "closed"
            told(w, "VisaCaseClosed")

    async def withdraw(self, w: WorkerTruth) -> None:
        await self.post(w, "/withdrawal", w.owner, {"reason": "Found work at home."})
        w.stage = "withdrawn"
        w.reached.add("withdrawn")
        told(w, "WorkerWithdrawn")
        for case in w.cases:
            if case.status != "closed":
                case.status = "closed"
                told(w, "VisaCaseClosed")

    async def depart(self, w: WorkerTruth) -> None:
        body = {"departure_date": START.isoformat(), "flight_number": "KC941", "route": "NQZ-LHR"}
        await self.post(w, "/departure", w.owner, body)
        w.stage = "departed"
        w.reached.add("departed")
        told(w, "WorkerDeparted", operator=w.operator)

    async def arrive(self, w: WorkerTruth) -> None:
        assert w.operator is not None
        body = {"arrival_date": (START + timedelta(days=1)).isoformat()}
        await self.post(w, "/arrival", w.operator, body)
        w.stage = "arrived"
        w.reached.add("arrived")
        told(w, "WorkerArrived", operator=w.operator)

    async def welfare_check(self, w: WorkerTruth, number: int, outcome: str) -> None:
        assert w.operator is not None
        who = w.operator if number % 2 else w.owner
        body = {
            "check_date": (START + timedelta(days=7 + number)).isoformat(),
            "channel": "phone_call",
            "wellbeing_score": 2 if outcome == "urgent" else 4,
            "outcome": outcome,
            "concerns": outcome != "well",
        }
        await self.post(w, "/welfare-checks", who, body)
        w.welfare.append(outcome)
        told(w, "WelfareCheckRecorded")

    async def end_contract(self, w: WorkerTruth) -> None:
        assert w.operator is not None
        end = END if w.plan.end_reason == "completed" else END - timedelta(days=40)
        await self.post(
            w,
            "/contract-end",
            w.operator,
            {"end_date": end.isoformat(), "reason": w.plan.end_reason},
        )
        w.stage = "contract_ended"
        w.contract_end = end
        told(w, "ContractEnded", operator=w.operator)

    async def return_home(self, w: WorkerTruth) -> None:
        assert w.contract_end is not None
        days = 25 + w.number % 10 if w.plan.late_return else w.number % 12
        returned = w.contract_end + timedelta(days=days)
        body = {
            "return_date": returned.isoformat(),
            "follow_up": {
                "wishes_to_return": True,
                "earnings": "5200.00",
                "remittances": "3100.00",
            },
        }
        await self.post(w, "/return", w.owner, body)
        w.stage = "returned"
        w.reached.add("returned")
        w.return_date = returned
        told(w, "WorkerReturned")
        if w.cases and w.case.status == "granted":
            w.case.status = "closed"
            told(w, "VisaCaseClosed")

    async def grievance(self, w: WorkerTruth, plan: GrievancePlan) -> None:
        who = w.operator if plan.by_operator and w.operator is not None else w.owner
        body: dict[str, Any] = {
            "category": plan.category,
            "severity": plan.severity,
            "raised_by": "organisation" if who is w.operator else "worker",
            "description": "The caravan has had no heating for two weeks.",
        }
        if who is w.operator:
            body["placement_id"] = w.placement_id
        made = await self.post(w, "/grievances", who, body)
        grievance = GrievanceTruth(made["id"], plan.category)
        w.grievances.append(grievance)
        flagged = ["compliance_flag"] if plan.category in COMPLIANCE_CATEGORIES else []
        told(w, "GrievanceRaised", authorities=flagged)
        overseer = self.parties.ministry if plan.by_ministry else w.owner
        if "refer" in plan.follow_up:
            await self.post(
                w,
                f"/grievances/{grievance.id}/referral",
                overseer,
                {"reference": f"GLAA-{w.number:05d}-{len(w.grievances)}"},
            )
            grievance.status, grievance.referred = "referred", True
            told(w, "GrievanceReferred", authorities=["grievance_referred_authority"])
        if "resolve" in plan.follow_up:
            await self.post(
                w,
                f"/grievances/{grievance.id}/resolution",
                overseer,
                {"outcome": "upheld_remedied"},
            )
            grievance.status = "resolved"
            told(w, "GrievanceResolved")

    async def fee(self, w: WorkerTruth, breach: bool, charged_by: Partner) -> None:
        body = {
            "amount": "150000.00" if breach else "0.00",
            "currency": "KZT",
            "charged_by": charged_by.id,
        }
        made = await self.post(w, "/recruitment-fees", w.owner, body)
        assert made["compliance_breach"] is breach
        w.fees.append(breach)
        told(
            w,
            "RecruitmentFeeReported",
            worker_templates=["recruitment_fee_reported"] if breach else [],
            authorities=["recruitment_fee_flag"] if breach else [],
        )

    # -- visa steps (the visa service's API), and waiting for the registry to follow ------

    async def stage_becomes(self, w: WorkerTruth, stage: str) -> None:
        async def reached() -> bool:
            journey = await self.api.json("registry", "GET", f"/v1/workers/{w.id}/journey", w.owner)
            return bool(journey["stage"] == stage)

        await until(reached, what=f"worker {w.number} at {stage}")
        w.stage = stage

    async def case_opened(self, w: WorkerTruth) -> None:
        """The visa service opened a case for the accepted placement; the registry followed."""
        assert w.operator is not None
        found: list[dict[str, Any]] = []

        async def opened() -> bool:
            page = await self.api.json(
                "visa", "GET", "/v1/cases", w.owner, params={"worker_id": w.id}
            )
            found[:] = [c for c in page["items"] if c["placement_id"] == w.placement_id]
            return bool(found)

        await until(opened, what=f"a visa case for worker {w.number}")
        w.cases.append(CaseTruth(found[0]["id"], w.operator))
        told(w, "VisaCaseOpened", operator=w.operator)
        await self.stage_becomes(w, "visa_applied")
        w.reached.add("visa_applied")

    async def visa_steps(self, w: WorkerTruth, processing_days: int) -> None:
        """The operator sponsors; the worker's LMC or agency applies and records biometrics."""
        case = w.case
        path = f"/v1/cases/{case.id}"
        submitted = TODAY - timedelta(days=processing_days)
        self._cos += 1
        cos = {
            "cos_number": f"COS-{SEED % 10_000}-{self._cos:06d}-{w.number}",
            "issued_on": (submitted - timedelta(days=2)).isoformat(),
        }
        await self.api.call("visa", "POST", f"{path}/sponsorship", case.operator, json=cos)
        case.status = "sponsored"
        told(w, "CertificateOfSponsorshipAssigned", operator=case.operator)
        application = {
            "submitted_on": submitted.isoformat(),
            "application_reference": f"GWF{w.number:09d}",
        }
        await self.api.call("visa", "POST", f"{path}/application", w.owner, json=application)
        case.status = "submitted"
        w.reached.add("visa_submitted")
        w.visa_facts.append(("submitted", None))
        self._submitted[case.id] = submitted
        told(w, "VisaApplicationSubmitted")
        biometrics = {"recorded_on": min(submitted + timedelta(days=1), TODAY).isoformat()}
        await self.api.call("visa", "POST", f"{path}/biometrics", w.owner, json=biometrics)
        case.status = "biometrics_recorded"
        told(w, "VisaBiometricsRecorded")

    async def decide(self, w: WorkerTruth, *, granted: bool) -> None:
        case = w.case
        decision: dict[str, Any] = {"decided_on": TODAY.isoformat()}
        if granted:
            decision |= {
                "outcome": "granted",
                "visa_start": START.isoformat(),
                "visa_end": END.isoformat(),
            }
        else:
            decision |= {
                "outcome": "refused",
                "reason_code": "insufficient_documents",
                "reason_text": "The employment history could not be verified.",
            }
        await self.api.call(
            "visa", "POST", f"/v1/cases/{case.id}/decision", case.operator, json=decision
        )
        days = (TODAY - self._submitted[case.id]).days
        case.status = "granted" if granted else "refused"
        w.visa_facts.append((case.status, days))
        told(w, "VisaGranted" if granted else "VisaRefused", operator=case.operator)
        if granted:
            w.reached.add("visa_granted")
        await self.stage_becomes(w, "visa_granted" if granted else "visa_refused")

    async def reopen(self, w: WorkerTruth) -> None:
        case = w.case
        await self.api.call(
            "visa",
            "POST",
            f"/v1/cases/{case.id}/reopen",
            case.operator,
            json={"reason": "New application with corrected documents"},
        )
        case.status = "open"
        told(w, "VisaCaseOpened", operator=case.operator)
        await self.stage_becomes(w, "visa_applied")


class Load:
    """Journeys running in the background; more are launched while they run."""

    def __init__(self, driver: Driver, concurrency: int) -> None:
        self.driver = driver
        self.limit = asyncio.Semaphore(concurrency)
        self.tasks: list[asyncio.Task[None]] = []

    def _start(self, workers: Iterable[WorkerTruth]) -> None:
        for worker in workers:
            self.tasks.append(asyncio.create_task(self.driver.run(worker, self.limit)))

    async def launch(self, workers: Sequence[WorkerTruth]) -> None:
        """Register the bulk-planned workers in batches, then run every journey."""
        await self.driver.register_in_bulk([w for w in workers if w.plan.bulk and not w.id])
        self._start(workers)

    async def burst(self, count: int) -> list[WorkerTruth]:
        """``count`` new workers registered at once in batches; their journeys run on."""
        workers = self.driver.plan_workers(count)
        await self.driver.register_in_bulk(workers)
        self._start(workers)
        return workers

    @property
    def running(self) -> bool:
        return any(not task.done() for task in self.tasks)

    async def finish(self) -> None:
        """Wait for every journey; the first failure is raised."""
        results = await asyncio.gather(*self.tasks, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result


async def drive(driver: Driver, workers: Sequence[WorkerTruth], concurrency: int) -> None:
    """Every worker's journey, ``concurrency`` at a time; the first failure is raised."""
    load = Load(driver, concurrency)
    await load.launch(workers)
    await load.finish()


# -- comparing every service's state with the ground truth -----------------------------------


def expected_stage(w: WorkerTruth) -> str:
    return w.stage


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def expected_figures(workers: Sequence[WorkerTruth]) -> dict[str, Any]:
    """The reporting service's figures as they must be (ministry's view, no filter)."""
    n = len(workers)

    def count(step: str) -> int:
        return sum(1 for w in workers if step in w.reached)

    funnel = {
        step: count(step)
        for step in (
            "registered",
            "screened",
            "oriented",
            "matched",
            "visa_submitted",
            "visa_granted",
            "departed",
            "arrived",
            "returned",
            "withdrawn",
        )
    }
    funnel["registered"] = n
    facts = [(kind, days, w) for w in workers for kind, days in w.visa_facts]
    decided = [float(days) for kind, days, _ in facts if days is not None]
    visas = {
        "submitted": sum(1 for kind, _, _ in facts if kind == "submitted"),
        "granted": sum(1 for kind, _, _ in facts if kind == "granted"),
        "refused": sum(1 for kind, _, _ in facts if kind == "refused"),
        "workers_granted": len({w.number for kind, _, w in facts if kind == "granted"}),
        "median_processing_days": statistics.median(decided) if decided else None,
    }
    departed = [w for w in workers if "departed" in w.reached]
    travel = {
        "departed": len(departed),
        "arrived": sum(1 for w in departed if "arrived" in w.reached),
        "returned": sum(1 for w in departed if "returned" in w.reached),
        "returned_on_time": sum(1 for w in departed if w.returned_on_time is True),
        "still_abroad": sum(1 for w in departed if "returned" not in w.reached),
        "overstay_risks": 0,
    }
    grievances: Counter[tuple[str, str]] = Counter(
        (g.category, g.status) for w in workers for g in w.grievances
    )
    compliance = {
        "journeys": n,
        "fee_reports": sum(len(w.fees) for w in workers),
        "fee_breaches": sum(sum(w.fees) for w in workers),
        "journeys_with_fee_breach": sum(1 for w in workers if any(w.fees)),
        "recruitment_fee_grievances": sum(
            1 for w in workers for g in w.grievances if g.category == "recruitment_fee"
        ),
        "document_retention_grievances": sum(
            1 for w in workers for g in w.grievances if g.category == "document_retention"
        ),
        "glaa_referrals": sum(1 for w in workers for g in w.grievances if g.referred),
        "overstay_risks": 0,
        "urgent_welfare_checks": sum(w.welfare.count("urgent") for w in workers),
    }
    stages = Counter(expected_stage(w) for w in workers)
    webhooks = sum(
        count
        for w in workers
        for (kind, _, _), count in w.deliveries.items()
        if kind == "organisation"
    )
    return {
        "funnel": funnel,
        "visas": visas,
        "travel": travel,
        "grievances": dict(grievances),
        "compliance": compliance,
        "stages": dict(stages),
        "webhooks": webhooks,
    }


async def reporting_figures(api: Api, ministry: Partner) -> dict[str, Any]:
    async def rows(figure: str, **params: Any) -> list[dict[str, Any]]:
        answer = await api.json(
            "reporting", "GET", f"/v1/statistics/{figure}", ministry, params=params
        )
        found: list[dict[str, Any]] = answer["rows"]
        return found

    def only(found: list[dict[str, Any]], names: Iterable[str]) -> dict[str, Any]:
        if not found:
            return {}
        (row,) = found
        return {name: row[name] for name in names}

    expected_names = expected_figures([])
    funnel = only(await rows("funnel"), expected_names["funnel"])
    visas = only(await rows("visas"), expected_names["visas"])
    travel = only(await rows("travel"), expected_names["travel"])
    compliance = only(await rows("compliance"), expected_names["compliance"])
    grievances = {
        (row["group"]["category"], row["group"]["status"]): row["grievances"]
        for row in await rows("grievances")
    }
    stages = {row["group"]["stage"]: row["journeys"] for row in await rows("stages")}
    notifications = await rows("notifications")
    webhooks = sum(r["delivered"] for r in notifications if r["group"]["channel"] == "webhook")
    return {
        "funnel": funnel,
        "visas": visas,
        "travel": travel,
        "grievances": grievances,
        "compliance": compliance,
        "stages": stages,
        "webhooks": webhooks,
    }


async def mismatches(api: Api, parties: Parties, workers: Sequence[WorkerTruth]) -> list[str]:
    """Every difference between the services' state and the ground truth (empty: none)."""
    found: list[str] = []
    ministry = parties.ministry
    # registry: each worker's journey stage
    listed = {w["id"]: w for w in await api.pages("registry", "/v1/workers", ministry)}
    for w in workers:
        stage = listed.get(w.id, {}).get("stage")
        if stage != expected_stage(w):
            found.append(f"registry: worker {w.number} is {stage}, expected {expected_stage(w)}")
    if len(listed) != len(workers):
        found.append(f"registry lists {len(listed)} workers, expected {len(workers)}")
    # visa: each case's status
    cases = {c["id"]: c for c in await api.pages("visa", "/v1/cases", ministry)}
    expected_cases = {case.id: (w, case) for w in workers for case in w.cases}
    for case_id, (w, case) in expected_cases.items():
        status = cases.get(case_id, {}).get("status")
        if status != case.status:
            found.append(f"visa: case of worker {w.number} is {status}, expected {case.status}")
    if set(cases) != set(expected_cases):
        found.append(f"visa has {len(cases)} cases, expected {len(expected_cases)}")
    # notifications: deliveries per worker, recipient and template
    for w in workers:
        deliveries = await api.pages(
            "notifications", "/v1/deliveries", ministry, {"worker_id": w.id}
        )
        got: Counter[Delivery] = Counter(
            (
                d["recipient_kind"],
                "worker" if d["recipient_kind"] == "worker" else d["recipient_id"],
                d["template"],
            )
            for d in deliveries
        )
        if got != w.deliveries:
            extra, missing = got - w.deliveries, w.deliveries - got
            found.append(
                f"notifications: worker {w.number} ({w.plan}): extra {dict(extra)}, "
                f"missing {dict(missing)}"
            )
    # reporting: the figures
    expected = expected_figures(workers)
    got_figures = await reporting_figures(api, ministry)
    for figure, value in expected.items():
        if got_figures[figure] != value:
            found.append(f"reporting {figure}: {got_figures[figure]} != expected {value}")
    return found


async def settled(
    api: Api, parties: Parties, workers: Sequence[WorkerTruth], timeout: float = 300.0
) -> list[str]:
    """Wait until the services agree with the ground truth (events take time to travel);
    the differences left when ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while True:
        left = await mismatches(api, parties, workers)
        if not left or time.monotonic() > deadline:
            return left
        await asyncio.sleep(2.0)


def delivered_webhook_ids(parties: Parties) -> set[str]:
    return {hook.webhook_id for r in parties.receivers.values() for hook in r.accepted}


def summary_line(
    label: str, workers: Sequence[WorkerTruth], stats: Stats, events: int, extra: str = ""
) -> str:
    stages = Counter(w.stage for w in workers)
    shown = ", ".join(f"{stage} {count}" for stage, count in sorted(stages.items()))
    return (
        f"SUMMARY {label}: workers {len(workers)} ({shown}); events {events}; "
        f"{stats.line()}{'; ' + extra if extra else ''}"
    )
