"""Request and response bodies of the registry API, named by role."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, field_validator

from registry.domain.worker import Consent, Language, Profile, Sex
from servicekit.http.text import NO_NUL

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=NO_NUL)
]
E164 = Annotated[str, StringConstraints(pattern=r"^\+[1-9][0-9]{6,14}$")]
PassportNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Z0-9]{6,12}$")
]


class ConsentIn(BaseModel):
    given_at: datetime = Field(description="When the worker consented to data processing.")
    text_version: Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=NO_NUL)] = (
        Field(description="Version of the consent text the worker agreed to.", examples=["2025-01"])
    )


class WorkerCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "iin": "980412300012",
                    "given_name": "Aigerim",
                    "family_name": "Example",
                    "date_of_birth": "1998-04-12",
                    "sex": "female",
                    "region": "Turkistan",
                    "phone": "+77011234567",
                    "preferred_language": "kk",
                    "passport_number": "N12345678",
                    "passport_expiry": "2031-06-30",
                    "consent": {"given_at": "2025-01-15T09:30:00Z", "text_version": "2025-01"},
                }
            ]
        },
    )

    iin: str = Field(description="12-digit individual identification number (checksum checked).")
    given_name: Name
    family_name: Name
    patronymic: Name | None = None
    date_of_birth: date
    sex: Sex
    region: Name
    phone: E164 | None = Field(default=None, description="E.164, e.g. +77011234567.")
    email: EmailStr | None = None
    preferred_language: Language
    passport_number: PassportNumber
    passport_expiry: date
    consent: ConsentIn

    def to_profile(self) -> Profile:
        return Profile(
            given_name=self.given_name,
            family_name=self.family_name,
            patronymic=self.patronymic,
            date_of_birth=self.date_of_birth,
            sex=self.sex,
            region=self.region,
            phone=self.phone,
            email=self.email,
            preferred_language=self.preferred_language,
            passport_number=self.passport_number,
            passport_expiry=self.passport_expiry,
        )

    def to_consent(self) -> Consent:
        return Consent(self.consent.given_at, self.consent.text_version)


class WorkerUpdate(BaseModel):
    """The profile fields to change, validated as on registration; fields left out stay as they
    are. The IIN and the consent cannot be changed."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"region": "Almaty", "preferred_language": "ru"},
                {"phone": "+77017654321", "email": "aigerim@example.kz"},
                {"passport_number": "N87654321", "passport_expiry": "2034-02-28"},
            ]
        },
    )

    given_name: Name | None = None
    family_name: Name | None = None
    patronymic: Name | None = Field(default=None, description="null removes it.")
    date_of_birth: date | None = None
    sex: Sex | None = None
    region: Name | None = None
    phone: E164 | None = Field(
        default=None, description="E.164; null removes it (a phone or an e-mail must remain)."
    )
    email: EmailStr | None = Field(default=None, description="null removes it.")
    preferred_language: Language | None = None
    passport_number: PassportNumber | None = None
    passport_expiry: date | None = None

    @field_validator(
        "given_name", "family_name", "date_of_birth", "sex", "region", "preferred_language",
        "passport_number", "passport_expiry", mode="before",
    )  # fmt: skip
    @classmethod
    def _not_removable(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("this field can be changed but not removed")
        return value

    def changes(self) -> dict[str, Any]:
        """The fields sent, with their new values."""
        return {name: getattr(self, name) for name in sorted(self.model_fields_set)}


class WorkerPublic(BaseModel):
    id: UUID
    iin: str
    organisation_id: UUID
    given_name: str
    family_name: str
    patronymic: str | None
    date_of_birth: date
    sex: Sex
    region: str
    phone: str | None
    email: str | None
    preferred_language: Language
    passport_expiry: date
    stage: str
    registered_at: datetime
    warnings: list[str] = Field(default_factory=list)
