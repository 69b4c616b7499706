"""API keys, principals and roles: who may call, and as whom."""

from servicekit.access.principal import (
    READS_EVERYTHING,
    IssuedKey,
    Principal,
    Role,
    hash_key,
    issue_key,
)
from servicekit.access.store import ApiKeyStore

__all__ = [
    "READS_EVERYTHING",
    "ApiKeyStore",
    "IssuedKey",
    "Principal",
    "Role",
    "hash_key",
    "issue_key",
]
