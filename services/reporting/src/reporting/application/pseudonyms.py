"""Pseudonymous worker ids: a keyed hash of the worker id, the only worker id reporting shows.

HMAC-SHA-256 with the service's secret key, truncated to 128 bits (32 hex characters). Without
the key nobody can link a pseudonymous id to a worker id, not even by trying every worker id.
"""

from __future__ import annotations

import hashlib
import hmac
from uuid import UUID


class Pseudonyms:
    def __init__(self, key: str) -> None:
        if not key:
            raise ValueError("the pseudonym key must not be empty")
        self._key = key.encode()

    def of(self, worker_id: UUID) -> str:
        return hmac.new(self._key, worker_id.bytes, hashlib.sha256).hexdigest()[:32]
