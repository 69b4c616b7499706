"""Welfare check-ins with a worker in the UK."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal
from uuid import UUID

from registry.domain.errors import InvalidWorkerData
from registry.domain.values import check_not_before

WelfareChannel = Literal["in_person", "phone_call", "video_call", "messaging"]
WelfareOutcome = Literal["well", "needs_follow_up", "urgent"]


@dataclass(frozen=True)
class WelfareCheck:
    id: UUID
    check_date: date
    channel: WelfareChannel
    wellbeing_score: int  # 1 (very poor) to 5 (very good)
    outcome: WelfareOutcome
    concerns: bool
    recorded_by: UUID  # the organisation that carried out the check

    def validate(self, departure_date: date) -> None:
        if not 1 <= self.wellbeing_score <= 5:
            raise InvalidWorkerData("wellbeing_score is from 1 to 5", field="wellbeing_score")
        check_not_before(self.check_date, departure_date, "check_date", "the departure")
