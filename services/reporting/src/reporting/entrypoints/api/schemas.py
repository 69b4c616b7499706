"""Response bodies of the reporting API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from contracts.events.analytics import SeasonJourney
from reporting.application.datasets import Filters, Scope

GroupValue = str | int | None
R = TypeVar("R", bound=BaseModel)


class Row(BaseModel):
    group: dict[str, GroupValue] = Field(
        description=(
            "The group's dimension values (empty without group_by); organisation and operator "
            "groups also carry their names (`organisation_name`, `operator_name`)."
        ),
        examples=[{"region": "Turkistan", "sector": "horticulture"}],
    )


class Figures(BaseModel, Generic[R]):
    scope: str = Field(description="Whose workers are counted.", examples=["all organisations"])
    filters: dict[str, Any] = Field(description="The filters applied.")
    rows: list[R]

    @classmethod
    def of(cls, scope: Scope, filters: Filters, rows: list[dict[str, Any]]) -> Figures[R]:
        applied: dict[str, Any] = {k: str(v) for k, v in filters.given().items()}
        if filters.date_from is not None:
            applied["from"] = filters.date_from.isoformat()
        if filters.date_to is not None:
            applied["to"] = filters.date_to.isoformat()
        return cls.model_validate({"scope": scope.label, "filters": applied, "rows": rows})


Rate = float | None


class FunnelRow(Row):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "group": {"season": 2025},
                    "registered": 1200, "screened": 1100, "oriented": 1010, "matched": 900,
                    "visa_submitted": 880, "visa_granted": 830, "departed": 800,
                    "arrived": 798, "returned": 640, "withdrawn": 95,
                    "conversion": {"screened": 0.9167, "oriented": 0.9182},
                    "overall": {"screened": 0.9167, "returned": 0.5333},
                }
            ]
        }
    )  # fmt: skip

    registered: int = Field(description="Journeys counted (each reached registration).")
    screened: int
    oriented: int
    matched: int
    visa_submitted: int
    visa_granted: int
    departed: int
    arrived: int
    returned: int
    withdrawn: int = Field(description="Journeys that left the process before departure.")
    conversion: dict[str, Rate] = Field(description="Each step divided by the step before it.")
    overall: dict[str, Rate] = Field(description="Each step divided by `registered`.")


class StageRow(Row):
    journeys: int = Field(description="Journeys at the stage now.")


class VisaRow(Row):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "group": {"sector": "horticulture"},
                    "submitted": 410, "granted": 380, "refused": 22, "workers_granted": 380,
                    "approval_rate": 0.9453, "median_processing_days": 14.0,
                    "p90_processing_days": 24.0,
                }
            ]
        }
    )  # fmt: skip

    submitted: int = Field(description="Applications submitted.")
    granted: int = Field(description="Visas granted (decisions).")
    refused: int = Field(description="Refusals (decisions).")
    workers_granted: int = Field(description="Distinct workers who received a visa.")
    approval_rate: Rate = Field(description="granted / (granted + refused).")
    median_processing_days: float | None
    p90_processing_days: float | None = Field(description="90th percentile (interpolated).")


class TravelRow(Row):
    departed: int
    arrived: int
    returned: int
    returned_on_time: int = Field(description="Returned on or before contract end + 14 days.")
    still_abroad: int = Field(description="Departed and not returned (yet).")
    overstay_risks: int = Field(description="Journeys flagged as an overstay risk.")
    overstay_risks_open: int = Field(description="Flagged and still not returned.")
    on_time_return_rate: Rate = Field(description="returned_on_time / returned.")


class OrientationRow(Row):
    oriented: int
    departed: int
    departed_oriented: int = Field(description="Departed workers who completed orientation.")
    departed_oriented_share: Rate = Field(description="departed_oriented / departed.")


class GrievanceRow(Row):
    grievances: int
    open: int = Field(description="Not resolved (open or referred).")
    referred_to_glaa: int
    resolved: int


class ComplianceRow(Row):
    journeys: int
    fee_reports: int = Field(description="Fees charged to workers that were reported.")
    fee_breaches: int = Field(description="Reported fees breaching the no-fee rule.")
    journeys_with_fee_breach: int
    recruitment_fee_grievances: int
    document_retention_grievances: int = Field(description="Passports or papers kept back.")
    glaa_referrals: int
    overstay_risks: int
    urgent_welfare_checks: int


class NotificationRow(Row):
    messages: int
    delivered: int
    failed: int
    delivery_rate: Rate = Field(description="delivered / messages.")


class RegistrationCountPublic(BaseModel):
    region: str | None
    year: int | None
    workers: int


class JourneyPublic(SeasonJourney):
    """A worker's season, as the analytics stream carries it, with the pseudonymous id."""

    pseudonymous_worker_id: str
    region: str | None
    sex: str | None
    registered_on: date | None
    visa_granted_on: date | None


class DashboardLink(BaseModel):
    url: str = Field(
        description="The dashboard page with a view token; open it in a browser.",
        examples=["/dashboard?lang=kk&token=eyJrIjoi..."],
    )
    token: str
    expires_at: datetime
