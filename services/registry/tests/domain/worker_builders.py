"""Builders for the domain tests: a worker at any stage, and each action with valid data."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from registry.domain.iin import IIN
from registry.domain.journey import Action, Stage
from registry.domain.orientation import MANDATORY_TOPICS, OrientationSession, OrientationTopic
from registry.domain.placement import Accommodation, Placement
from registry.domain.profile import Consent, Language, Profile, Sex
from registry.domain.travel import FollowUp
from registry.domain.welfare import WelfareCheck
from registry.domain.worker import Worker

FIRST_SEASON = 2026
OPERATOR = UUID("6d2f8a10-3c4b-4d5e-8f9a-1b2c3d4e5f60")
ORGANISATION = UUID("a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d")
IIN_VALUE = "950505300012"  # hypothetical: born 1995-05-05, male; check digit valid


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def profile(
    *, date_of_birth: date = date(1995, 5, 5), passport_expiry: date = date(2031, 6, 30)
) -> Profile:
    return Profile(
        given_name="Aibek",
        family_name="Nurlanov",
        patronymic=None,
        date_of_birth=date_of_birth,
        sex=Sex.MALE,
        region="Turkistan",
        phone="+77011234567",
        email=None,
        preferred_language=Language.KAZAKH,
        passport_number="N12345678",
        passport_expiry=passport_expiry,
    )


def registered(worker_profile: Profile | None = None) -> Worker:
    now = at(FIRST_SEASON, 1, 5)
    return Worker.register(
        worker_id=uuid.uuid4(),
        iin=IIN.parse(IIN_VALUE),
        organisation_id=ORGANISATION,
        profile=worker_profile or profile(),
        consent=Consent(now, "v1"),
        now=now,
    )


def season_of(worker: Worker) -> int:
    return worker.season or FIRST_SEASON


def next_season(worker: Worker) -> int:
    return FIRST_SEASON if worker.season is None else worker.season + 1


def session(
    year: int = FIRST_SEASON, topics: frozenset[OrientationTopic] = MANDATORY_TOPICS
) -> OrientationSession:
    return OrientationSession(
        id=uuid.uuid4(),
        date=date(year, 2, 1),
        language=Language.KAZAKH,
        trainer_name="Gulnara Sadykova",
        location="Turkistan LMC",
        topics_covered=topics,
        capacity=30,
    )


def placement(
    year: int = FIRST_SEASON,
    *,
    start: date | None = None,
    end: date | None = None,
    hourly_wage: Decimal = Decimal("12.21"),
    hours_per_week: Decimal = Decimal("39.0"),
    accommodation: Accommodation | None = None,
) -> Placement:
    return Placement(
        id=uuid.uuid4(),
        operator_id=OPERATOR,
        farm_name="Hillside Berries",
        sector="horticulture",
        uk_region="West Midlands",
        start_date=start or date(year, 4, 7),
        end_date=end or date(year, 9, 20),
        hourly_wage=hourly_wage,
        hours_per_week=hours_per_week,
        accommodation=accommodation or Accommodation(True, Decimal("60.00"), "Shared caravan"),
    )


def welfare_check(year: int = FIRST_SEASON, score: int = 4) -> WelfareCheck:
    return WelfareCheck(
        uuid.uuid4(), date(year, 5, 1), "phone_call", score, "well", False, ORGANISATION
    )


def _case_id(worker: Worker) -> UUID:
    case = worker.visa_case
    return case.case_id if case else uuid.uuid4()


def _pending_id(worker: Worker) -> UUID:
    offer = worker.pending_offer
    return offer.id if offer else uuid.uuid4()


def perform(worker: Worker, action: Action) -> object:
    """Do ``action`` with data that is valid whenever the action is allowed at the stage."""
    return _ACTIONS[action](worker)


def _screen(worker: Worker) -> object:
    year = next_season(worker)
    return worker.screen(date(year, 4, 1), date(year, 9, 30), at(year, 1, 10))


def _s(worker: Worker) -> int:
    return season_of(worker)


_ACTIONS: dict[Action, Callable[[Worker], object]] = {
    Action.SCREEN: _screen,
    Action.COMPLETE_ORIENTATION: lambda w: w.complete_orientation(
        session(_s(w)), date(_s(w), 2, 1), at(_s(w), 2, 1)
    ),
    Action.OFFER_PLACEMENT: lambda w: w.offer_placement(placement(_s(w)), at(_s(w), 2, 10)),
    Action.ACCEPT_PLACEMENT: lambda w: w.accept_placement(_pending_id(w), at(_s(w), 2, 12)),
    Action.DECLINE_PLACEMENT: lambda w: w.decline_placement(
        _pending_id(w), "too far from family", at(_s(w), 2, 12)
    ),
    Action.OPEN_VISA_CASE: lambda w: w.record_visa_case_opened(uuid.uuid4(), at(_s(w), 2, 15)),
    Action.GRANT_VISA: lambda w: w.record_visa_granted(
        _case_id(w), date(_s(w), 4, 1), date(_s(w), 10, 5), at(_s(w), 3, 10)
    ),
    Action.REFUSE_VISA: lambda w: w.record_visa_refused(
        _case_id(w), "insufficient_documents", at(_s(w), 3, 10)
    ),
    Action.DEPART: lambda w: w.depart(date(_s(w), 4, 5), "KC941", "NQZ-LHR", at(_s(w), 4, 5)),
    Action.CONFIRM_ARRIVAL: lambda w: w.confirm_arrival(
        date(_s(w), 4, 6), OPERATOR, at(_s(w), 4, 6)
    ),
    Action.RECORD_WELFARE_CHECK: lambda w: w.record_welfare_check(
        welfare_check(_s(w)), at(_s(w), 5, 1)
    ),
    Action.END_CONTRACT: lambda w: w.end_contract(
        date(_s(w), 9, 19), "completed", at(_s(w), 9, 19)
    ),
    Action.RECORD_RETURN: lambda w: w.record_return(
        date(_s(w), 9, 20), FollowUp(True, Decimal("5200.00"), Decimal("3100.00")), at(_s(w), 9, 20)
    ),
    Action.WITHDRAW: lambda w: w.withdraw("found work at home", at(_s(w), 3, 1)),
}

# How to reach each stage from registration: the happy path, with one detour each for the
# refusal and the withdrawal (withdrawn after screening, so a season is over).
PATHS: dict[Stage, tuple[Action, ...]] = {}
_HAPPY = (
    (Stage.REGISTERED, ()),
    (Stage.SCREENED, (Action.SCREEN,)),
    (Stage.ORIENTED, (Action.COMPLETE_ORIENTATION,)),
    (Stage.OFFERED, (Action.OFFER_PLACEMENT,)),
    (Stage.MATCHED, (Action.ACCEPT_PLACEMENT,)),
    (Stage.VISA_APPLIED, (Action.OPEN_VISA_CASE,)),
    (Stage.VISA_GRANTED, (Action.GRANT_VISA,)),
    (Stage.DEPARTED, (Action.DEPART,)),
    (Stage.ARRIVED, (Action.CONFIRM_ARRIVAL,)),
    (Stage.CONTRACT_ENDED, (Action.END_CONTRACT,)),
    (Stage.RETURNED, (Action.RECORD_RETURN,)),
)
_so_far: tuple[Action, ...] = ()
for _stage, _steps in _HAPPY:
    _so_far += _steps
    PATHS[_stage] = _so_far
PATHS[Stage.VISA_REFUSED] = (*PATHS[Stage.VISA_APPLIED], Action.REFUSE_VISA)
PATHS[Stage.WITHDRAWN] = (*PATHS[Stage.SCREENED], Action.WITHDRAW)


def worker_at(stage: Stage) -> Worker:
    worker = registered()
    for action in PATHS[stage]:
        perform(worker, action)
    assert worker.stage is stage
    return worker
