"""A partner's webhook receiver, as a partner would write one: it verifies each webhook with
``notifications.domain.signatures.verify`` and keeps those that pass. It can be made slow
(hold requests until released) or answer with an error status."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from notifications.domain.signatures import InvalidSignature, verify
from notifications.testing.http_server import LocalHttpServer, Reply, Request


@dataclass(frozen=True)
class ReceivedWebhook:
    webhook_id: str
    payload: dict[str, Any]
    headers: dict[str, str]
    body: bytes


class WebhookReceiver:
    def __init__(self, secret: str | None = None) -> None:
        self.secret = secret
        self._lock = threading.Lock()
        self._accepted: list[ReceivedWebhook] = []
        self.rejected: list[str] = []
        self.status = 200
        self._hold = threading.Event()
        self._hold.set()
        self.held = 0
        self._http = LocalHttpServer(self._answer)

    @property
    def url(self) -> str:
        return f"{self._http.url}/hooks"

    def start(self) -> WebhookReceiver:
        self._http.start()
        return self

    def stop(self) -> None:
        self.release()
        self._http.stop()

    def hold(self) -> None:
        """Make the receiver slow: requests wait until ``release``."""
        self._hold.clear()

    def release(self) -> None:
        self._hold.set()

    @property
    def accepted(self) -> list[ReceivedWebhook]:
        with self._lock:
            return list(self._accepted)

    def receive(self, headers: dict[str, str], body: bytes) -> ReceivedWebhook:
        """What a receiver does with a webhook: verify, then parse. Raises InvalidSignature."""
        if self.secret is None:
            raise InvalidSignature("the receiver has no secret")
        verify(self.secret, headers, body, now=int(time.time()))
        return ReceivedWebhook(headers["webhook-id"], json.loads(body), headers, body)

    def _answer(self, request: Request) -> Reply:
        if not self._hold.is_set():
            with self._lock:
                self.held += 1
            self._hold.wait()
        try:
            received = self.receive(request.headers, request.body)
        except InvalidSignature as error:
            with self._lock:
                self.rejected.append(str(error))
            return Reply(401)
        if self.status >= 300:
            return Reply(self.status)
        with self._lock:
            self._accepted.append(received)
        return Reply(204)
