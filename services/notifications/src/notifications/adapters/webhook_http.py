"""Webhooks to partners over HTTP, signed as Standard Webhooks prescribes.

Any 2xx answer is a delivery; 410 Gone is final (the partner retired the endpoint); any other
answer, a timeout or a refused connection is retried with backoff. Redirects are not followed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from notifications.adapters.http_answers import describe, describe_error, retry_after
from notifications.application.channels import Message
from notifications.domain.outcomes import Delivered, PermanentFailure, SendResult, TransientFailure
from notifications.domain.signatures import signed_headers
from notifications.domain.values import Channel

USER_AGENT = "sws-notifications/1.0 (Standard Webhooks)"


class HttpWebhookChannel:
    channel = Channel.WEBHOOK

    def __init__(
        self,
        *,
        timeout: float,
        max_connections: int = 100,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=max_connections),
            follow_redirects=False,
            trust_env=False,
        )
        self._clock = clock

    async def send(self, message: Message) -> SendResult:
        body = message.text.encode()
        timestamp = int(self._clock().timestamp())
        headers = signed_headers(message.signing_secrets, str(message.delivery_id), timestamp,
                                 body)  # fmt: skip
        headers |= {"content-type": "application/json", "user-agent": USER_AGENT}
        try:
            response = await self._client.post(message.address, content=body, headers=headers)
        except httpx.HTTPError as error:
            return TransientFailure(f"webhook: {describe_error(error)}")
        if response.is_success:
            return Delivered(None)
        if response.status_code == 410:
            return PermanentFailure(f"webhook endpoint is gone: {describe(response)}")
        return TransientFailure(f"webhook: {describe(response)}", retry_after(response))

    async def close(self) -> None:
        await self._client.aclose()
