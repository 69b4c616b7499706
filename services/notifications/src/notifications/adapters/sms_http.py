"""SMS through the provider's HTTP API.

The API this adapter speaks (any provider can be put behind it with a small gateway):
``POST {SMS_API_BASE_URL}/messages`` with ``Authorization: Bearer {SMS_API_TOKEN}``, an
``Idempotency-Key`` (the delivery id: a retry after a lost answer is not sent twice) and the
JSON body ``{"to": "+7701…", "from": "SWS", "text": "…", "reference": "<delivery id>"}``.
A 2xx answer is accepted (``{"id": "<provider's id>"}`` optional); 408, 425, 429 and 5xx are
retried (Retry-After honoured); any other answer means the provider will not send it.
"""

from __future__ import annotations

import httpx

from notifications.adapters.http_answers import (
    RETRYABLE_STATUSES,
    describe,
    describe_error,
    retry_after,
)
from notifications.application.channels import Message
from notifications.domain.outcomes import Delivered, PermanentFailure, SendResult, TransientFailure
from notifications.domain.values import Channel


class HttpSmsChannel:
    channel = Channel.SMS

    def __init__(self, *, base_url: str, token: str | None, sender_id: str, timeout: float) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,
        )
        self._sender_id = sender_id

    async def send(self, message: Message) -> SendResult:
        body = {"to": message.address, "from": self._sender_id, "text": message.text,
                "reference": str(message.delivery_id)}  # fmt: skip
        try:
            response = await self._client.post(
                "/messages", json=body, headers={"Idempotency-Key": str(message.delivery_id)}
            )
        except httpx.HTTPError as error:
            return TransientFailure(f"SMS provider: {describe_error(error)}")
        if response.is_success:
            return Delivered(_provider_id(response))
        status = response.status_code
        if status in RETRYABLE_STATUSES or status >= 500:
            return TransientFailure(f"SMS provider: {describe(response)}", retry_after(response))
        return PermanentFailure(f"SMS provider refused the message: {describe(response)}")

    async def close(self) -> None:
        await self._client.aclose()


def _provider_id(response: httpx.Response) -> str | None:
    try:
        answer = response.json()
    except ValueError:
        return None
    identifier = answer.get("id") if isinstance(answer, dict) else None
    return str(identifier)[:200] if identifier is not None else None
