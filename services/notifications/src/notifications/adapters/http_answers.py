"""Reading providers' HTTP answers: success, worth retrying, or final."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from notifications.domain.masking import mask_text

RETRYABLE_STATUSES = frozenset({408, 425, 429})


def retry_after(response: httpx.Response, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def describe(response: httpx.Response, limit: int = 200) -> str:
    """The status and the start of the body, masked (a provider may echo the number back)."""
    body = response.text[:limit].replace("\n", " ").strip()
    return mask_text(f"HTTP {response.status_code}{': ' + body if body else ''}")


def describe_error(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return f"timed out ({type(error).__name__})"
    return mask_text(f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)
