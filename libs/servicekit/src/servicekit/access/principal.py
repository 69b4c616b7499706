"""Who is calling: an API key bound to one organisation and one role."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from enum import StrEnum

KEY_PREFIX = "sws_"


class Role(StrEnum):
    LMC = "lmc"
    AGENCY = "agency"
    OPERATOR = "operator"
    MINISTRY = "ministry"
    ADMIN = "admin"


# Roles that read every organisation's records.
READS_EVERYTHING = frozenset({Role.MINISTRY, Role.ADMIN})


@dataclass(frozen=True)
class Principal:
    key_id: uuid.UUID
    organisation_id: uuid.UUID
    role: Role

    @property
    def reads_everything(self) -> bool:
        return self.role in READS_EVERYTHING

    def is_member_of(self, organisation_id: uuid.UUID) -> bool:
        return self.organisation_id == organisation_id


@dataclass(frozen=True)
class IssuedKey:
    """A new key: ``secret`` is shown to its holder once and never stored."""

    key_id: uuid.UUID
    secret: str
    key_hash: str


def issue_key() -> IssuedKey:
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    return IssuedKey(uuid.uuid4(), secret, hash_key(secret))


def hash_key(secret: str) -> str:
    """SHA-256 is enough for 256-bit random keys: they cannot be guessed, only looked up."""
    return hashlib.sha256(secret.encode()).hexdigest()
