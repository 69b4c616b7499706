"""A local SMTP server (aiosmtpd) that keeps what it receives and can be told to refuse."""

from __future__ import annotations

import email
import email.policy
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from servicekit.embedded.probe import free_port


@dataclass(frozen=True)
class ReceivedEmail:
    mail_from: str
    to: tuple[str, ...]
    subject: str
    body: str
    message_id: str
    language: str


class _Handler:
    def __init__(self, server: LocalSmtpServer) -> None:
        self._server = server

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        return self._server._receive(envelope)


class LocalSmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.host = "127.0.0.1"
        self._lock = threading.Lock()
        self._received: list[ReceivedEmail] = []
        self._refusals: list[str] = []
        self._refuse_always: str | None = None
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port)

    def start(self) -> LocalSmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def refuse_next(self, times: int, reply: str = "451 4.3.0 Try again later") -> None:
        with self._lock:
            self._refusals.extend([reply] * times)

    def refuse_always(self, reply: str | None) -> None:
        """Answer every message with ``reply`` (None: accept again)."""
        with self._lock:
            self._refuse_always = reply

    @property
    def received(self) -> list[ReceivedEmail]:
        with self._lock:
            return list(self._received)

    def to(self, address: str) -> list[ReceivedEmail]:
        return [message for message in self.received if address in message.to]

    def _receive(self, envelope: Any) -> str:
        with self._lock:
            if self._refuse_always is not None:
                return self._refuse_always
            if self._refusals:
                return self._refusals.pop(0)
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            assert isinstance(parsed, EmailMessage)
            body = parsed.get_body(("plain",))
            self._received.append(
                ReceivedEmail(
                    mail_from=envelope.mail_from,
                    to=tuple(envelope.rcpt_tos),
                    subject=str(parsed["Subject"]),
                    body=body.get_content().strip() if body is not None else "",
                    message_id=str(parsed["Message-ID"]),
                    language=str(parsed["Content-Language"]),
                )
            )
            return "250 OK"
