"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

Every webhook carries three headers:

- ``webhook-id``: the delivery's id, the same on every retry (receivers deduplicate by it);
- ``webhook-timestamp``: seconds since the epoch when this attempt was sent;
- ``webhook-signature``: ``v1,<base64 HMAC-SHA256>`` of ``f"{id}.{timestamp}.{body}"`` under
  the endpoint's secret, space-separated when more than one secret signs (after a rotation,
  the previous secret signs too until its grace period ends).

A secret is ``whsec_`` followed by the base64 of its random bytes; the HMAC key is those bytes.
``verify`` is what a receiver does; the service's tests use it exactly as a receiver would.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping, Sequence

SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE_SECONDS = 5 * 60
SECRET_BYTES = 24

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"


class InvalidSignature(ValueError):
    """The webhook is not authentic (or is too old to tell): reject it."""


def secret_from_bytes(random_bytes: bytes) -> str:
    if len(random_bytes) < SECRET_BYTES:
        raise ValueError(f"a secret needs at least {SECRET_BYTES} random bytes")
    return SECRET_PREFIX + base64.b64encode(random_bytes).decode()


def _key(secret: str) -> bytes:
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        return base64.b64decode(encoded, validate=True)
    except binascii.Error as error:
        raise ValueError("not a webhook secret (whsec_ followed by base64)") from error


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<signature>`` of one message under one secret."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode()}"


def signed_headers(
    secrets: Sequence[str], message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three webhook headers, signed by every secret in ``secrets``."""
    if not secrets:
        raise ValueError("at least one secret is needed")
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: " ".join(sign(secret, message_id, timestamp, body) for secret in secrets),
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: int,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> None:
    """Raise InvalidSignature unless one of the message's signatures is ``secret``'s and its
    timestamp is within ``tolerance`` seconds of ``now`` (replays of old messages fail).

    ``headers`` are matched case-insensitively; ``body`` must be the raw bytes received.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    message_id = lowered.get(ID_HEADER)
    timestamp_text = lowered.get(TIMESTAMP_HEADER)
    signatures = lowered.get(SIGNATURE_HEADER)
    if not message_id or not timestamp_text or not signatures:
        raise InvalidSignature("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        timestamp = int(timestamp_text)
    except ValueError as error:
        raise InvalidSignature("webhook-timestamp is not a number") from error
    if abs(now - timestamp) > tolerance:
        raise InvalidSignature("webhook-timestamp is too old or too far in the future")
    expected = sign(secret, message_id, timestamp, body).encode()
    for candidate in signatures.split():
        if candidate.startswith(f"{SIGNATURE_VERSION},") and hmac.compare_digest(
            candidate.encode(), expected
        ):
            return
    raise InvalidSignature("no signature matches")
