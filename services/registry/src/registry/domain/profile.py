"""Who the worker is: identity, contact and passport facts, and the consent given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

# The longest full name (given name, patronymic, family name) the contact details carry.
FULL_NAME_LENGTH = 200


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Language(StrEnum):
    KAZAKH = "kk"
    RUSSIAN = "ru"
    ENGLISH = "en"


@dataclass(frozen=True)
class Consent:
    """Consent to data processing: when it was given and which text the worker agreed to."""

    given_at: datetime
    text_version: str


@dataclass(frozen=True)
class Profile:
    given_name: str
    family_name: str
    patronymic: str | None
    date_of_birth: date
    sex: Sex
    region: str
    phone: str | None
    email: str | None
    preferred_language: Language
    passport_number: str
    passport_expiry: date

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.patronymic, self.family_name) if p)
