"""Field types shared by the event payloads, so one idea has one type and one description."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, Field, WithJsonSchema

Language = Literal["kk", "ru", "en"]
Sector = Literal["horticulture", "poultry"]
Sex = Literal["male", "female"]
OrganisationKind = Literal["lmc", "agency", "operator", "ministry", "admin"]
# Stages a worker can leave the process from: withdrawal is only possible before departure.
PreDepartureStage = Literal[
    "registered",
    "screened",
    "oriented",
    "offered",
    "matched",
    "visa_applied",
    "visa_granted",
    "visa_refused",
]

WorkerId = Annotated[
    UUID, Field(description="The worker; also the record key on worker-keyed topics.")
]
OrganisationId = Annotated[
    UUID,
    Field(description="The LMC or agency that registered the worker and owns the record."),
]
OperatorId = Annotated[
    UUID, Field(description="The UK scheme operator (sponsor), a registered organisation.")
]
PlacementId = Annotated[UUID, Field(description="The placement offered by a scheme operator.")]
GrievanceId = Annotated[UUID, Field(description="The grievance, across its raise/refer/resolve.")]
CaseId = Annotated[UUID, Field(description="The visa case; the CloudEvents subject on visa.case.")]
OccurredAt = Annotated[
    AwareDatetime, Field(description="When it happened in the publishing service (with offset).")
]
Season = Annotated[int, Field(ge=2020, le=2100, description="The season's calendar year.")]
Region = Annotated[str, Field(min_length=1, max_length=100)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
ReasonCode = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        max_length=64,
        description="A stable machine-readable code (snake_case) for analytics and templates.",
    ),
]
CurrencyCode = Annotated[
    str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. GBP or KZT.")
]
ProcessingDays = Annotated[
    int, Field(ge=0, le=365, description="Calendar days from submission to decision.")
]


def _cents(value: Decimal) -> Decimal:
    # Fixed scale so the wire form is always "12.50", never "12.5" or "1.25E+1".
    return value.quantize(Decimal("0.01"))


def _tenths(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"))


# Decimals travel as JSON strings so no consumer rounds money through a binary float.
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=10, decimal_places=2),
    AfterValidator(_cents),
    WithJsonSchema(
        {"type": "string", "pattern": r"^[0-9]{1,8}\.[0-9]{2}$", "format": "decimal"},
        mode="serialization",
    ),
]
Hours = Annotated[
    Decimal,
    Field(gt=0, le=84, max_digits=3, decimal_places=1),
    AfterValidator(_tenths),
    WithJsonSchema(
        {"type": "string", "pattern": r"^[0-9]{1,2}\.[0-9]$", "format": "decimal"},
        mode="serialization",
    ),
]
Sha256Hex = Annotated[
    str,
    Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the secret, lower-case hex."),
]
