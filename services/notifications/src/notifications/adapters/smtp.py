"""E-mail over SMTP (aiosmtplib): plain text in UTF-8, one recipient per message.

A 5xx reply is final (the address or the message is refused); a 4xx reply, a timeout or a lost
connection is retried. The Message-ID is made from the delivery id, so a mail server or a
reader can tell a resent message from a new one.
"""

from __future__ import annotations

from email.header import Header
from email.mime.text import MIMEText
from email.utils import formatdate

import aiosmtplib

from notifications.application.channels import Message
from notifications.domain.masking import mask_text
from notifications.domain.outcomes import Delivered, PermanentFailure, SendResult, TransientFailure
from notifications.domain.values import Channel


class SmtpChannel:
    channel = Channel.EMAIL

    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        timeout: float,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        tls: bool = False,
        message_id_domain: str = "sws.notifications",
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._timeout, self._username, self._password = timeout, username, password
        self._starttls, self._tls = starttls, tls
        self._domain = message_id_domain

    def compose(self, message: Message) -> MIMEText:
        """Built with the classic API: its encoded-word folding keeps the spaces of a long
        Cyrillic subject (the newer EmailMessage folding drops some)."""
        email = MIMEText(message.text, "plain", "utf-8")
        email["From"] = self._sender
        email["To"] = message.address
        # The classic API takes a Header here (typeshed says str only).
        email["Subject"] = Header(message.subject or "", "utf-8")  # type: ignore[assignment]
        email["Date"] = formatdate(usegmt=True)
        email["Message-ID"] = f"<{message.delivery_id}@{self._domain}>"
        email["Content-Language"] = message.language.value
        email["Auto-Submitted"] = "auto-generated"
        return email

    async def send(self, message: Message) -> SendResult:
        try:
            await aiosmtplib.send(
                self.compose(message),
                hostname=self._host,
                port=self._port,
                username=self._username,
                password=self._password,
                start_tls=self._starttls and not self._tls,
                use_tls=self._tls,
                timeout=self._timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [refused.code for refused in error.recipients]
            return _by_code(min(codes) if codes else 550, "recipient refused")
        except aiosmtplib.SMTPResponseException as error:
            return _by_code(error.code, mask_text(error.message))
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            return TransientFailure(f"SMTP: {type(error).__name__}: {mask_text(str(error))}")
        return Delivered(f"<{message.delivery_id}@{self._domain}>")

    async def close(self) -> None:
        """A connection per message: nothing is kept open."""


def _by_code(code: int, text: str) -> SendResult:
    error = f"SMTP {code}: {text}"
    return PermanentFailure(error) if 500 <= code < 600 else TransientFailure(error)
