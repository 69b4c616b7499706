"""A local SMS provider speaking the API the HTTP SMS adapter expects; it records every
message and can be told to fail."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from notifications.testing.http_server import LocalHttpServer, Reply, Request


@dataclass(frozen=True)
class ReceivedSms:
    to: str
    text: str
    sender: str
    reference: str
    idempotency_key: str | None


class LocalSmsProvider:
    def __init__(self, token: str = "test-sms-token") -> None:
        self.token = token
        self._lock = threading.Lock()
        self._received: list[ReceivedSms] = []
        self._failures: list[int] = []
        self._fail_always: int | None = None
        self.requests = 0
        self._http = LocalHttpServer(self._answer)

    @property
    def url(self) -> str:
        return self._http.url

    def start(self) -> LocalSmsProvider:
        self._http.start()
        return self

    def stop(self) -> None:
        self._http.stop()

    def fail_next(self, times: int, status: int = 503) -> None:
        with self._lock:
            self._failures.extend([status] * times)

    def fail_always(self, status: int | None) -> None:
        with self._lock:
            self._fail_always = status

    @property
    def received(self) -> list[ReceivedSms]:
        with self._lock:
            return list(self._received)

    def to(self, phone: str) -> list[ReceivedSms]:
        return [message for message in self.received if message.to == phone]

    def _answer(self, request: Request) -> Reply:
        with self._lock:
            self.requests += 1
            if request.path != "/messages":
                return Reply(404)
            if request.headers.get("authorization") != f"Bearer {self.token}":
                return Reply(401, b'{"error":"bad token"}')
            status = self._fail_always or (self._failures.pop(0) if self._failures else None)
            if status is not None:
                return Reply(status, b'{"error":"provider trouble"}')
            body = json.loads(request.body)
            self._received.append(
                ReceivedSms(
                    body["to"],
                    body["text"],
                    body["from"],
                    body["reference"],
                    request.headers.get("idempotency-key"),
                )
            )
            answer = json.dumps({"id": f"sms-{len(self._received)}"}).encode()
            return Reply(201, answer, (("content-type", "application/json"),))
