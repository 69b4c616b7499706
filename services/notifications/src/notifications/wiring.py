"""Builds the service's parts from its settings: the planner, the templates, the channels and
the sender. bootstrap.py assembles the service from these; tests build their own senders."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from notifications.adapters.sms_http import HttpSmsChannel
from notifications.adapters.smtp import SmtpChannel
from notifications.adapters.webhook_http import HttpWebhookChannel
from notifications.application.channels import MessageChannel
from notifications.application.messages import Contacts
from notifications.application.planning import Planner, PlanningPolicy
from notifications.application.preparation import Authority, Preparer, SendingPolicy
from notifications.application.rendering import TemplateCatalogue
from notifications.application.sending import DeliverySender, SenderLimits
from notifications.application.unit_of_work import NotificationsUnitOfWork
from notifications.config import NotificationsSettings
from notifications.domain.circuit import CircuitPolicy
from notifications.domain.quiet_hours import QuietHours
from notifications.domain.retry import RetryPolicy
from notifications.domain.values import Channel, Language, RecipientKind
from servicekit.service import Runtime

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


@cache
def templates() -> TemplateCatalogue:
    """The packaged templates (loaded once per process)."""
    return TemplateCatalogue()


def contacts(settings: NotificationsSettings) -> Contacts:
    return Contacts(support_phone=settings.support_phone, glaa_helpline=settings.glaa_helpline)


def planner(settings: NotificationsSettings, clock: Clock = _now) -> Planner:
    policy = PlanningPolicy(
        home_zone=ZoneInfo(settings.home_time_zone),
        abroad_zone=ZoneInfo(settings.abroad_time_zone),
        authority_languages={
            RecipientKind.MINISTRY: Language(settings.ministry_language),
            RecipientKind.GLAA: Language(settings.glaa_language),
        },
    )
    return Planner(policy, clock=clock)


def sending_policy(settings: NotificationsSettings) -> SendingPolicy:
    return SendingPolicy(
        quiet_hours=QuietHours(settings.sms_quiet_hours_start, settings.sms_quiet_hours_end),
        home_zone=ZoneInfo(settings.home_time_zone),
        abroad_zone=ZoneInfo(settings.abroad_time_zone),
        authorities={
            RecipientKind.MINISTRY: Authority(
                settings.ministry_email, Language(settings.ministry_language)
            ),
            RecipientKind.GLAA: Authority(settings.glaa_email, Language(settings.glaa_language)),
        },
        contacts=contacts(settings),
    )


def channels(settings: NotificationsSettings, clock: Clock = _now) -> dict[Channel, MessageChannel]:
    """The configured channels; one without its settings is left out (its deliveries wait)."""
    built: dict[Channel, MessageChannel] = {
        Channel.WEBHOOK: HttpWebhookChannel(timeout=settings.webhook_timeout_seconds, clock=clock)
    }
    if settings.smtp_host:
        built[Channel.EMAIL] = SmtpChannel(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            timeout=settings.smtp_timeout_seconds,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            tls=settings.smtp_tls,
        )
    else:
        log.warning("SMTP_HOST is not set: e-mails wait in the queue until it is")
    if settings.sms_api_base_url:
        built[Channel.SMS] = HttpSmsChannel(
            base_url=settings.sms_api_base_url,
            token=settings.sms_api_token,
            sender_id=settings.sms_sender_id,
            timeout=settings.sms_timeout_seconds,
        )
    else:
        log.warning("SMS_API_BASE_URL is not set: SMS messages wait in the queue until it is")
    return built


def sender(
    runtime: Runtime[Any],
    *,
    channels_by_kind: dict[Channel, MessageChannel] | None = None,
    clock: Clock = _now,
    jitter: Callable[[], float] | None = None,
    policy: SendingPolicy | None = None,
) -> DeliverySender:
    settings = runtime.settings
    assert isinstance(settings, NotificationsSettings)

    def unit_of_work() -> NotificationsUnitOfWork:
        uow: NotificationsUnitOfWork = runtime.unit_of_work("delivery-sender")
        return uow

    extra: dict[str, Any] = {"jitter": jitter} if jitter is not None else {}
    return DeliverySender(
        unit_of_work=unit_of_work,
        channels=channels_by_kind if channels_by_kind is not None else channels(settings, clock),
        preparer=Preparer(templates(), policy or sending_policy(settings)),
        retry=RetryPolicy(
            settings.delivery_max_attempts,
            settings.delivery_retry_base_seconds,
            settings.delivery_retry_max_seconds,
        ),
        circuit=CircuitPolicy(
            settings.circuit_failure_threshold, timedelta(seconds=settings.circuit_open_seconds)
        ),
        limits=SenderLimits(
            batch_size=settings.delivery_batch_size,
            concurrency=settings.delivery_concurrency,
            per_endpoint=settings.delivery_concurrency_per_endpoint,
            per_provider=settings.delivery_concurrency_per_provider,
            lease=timedelta(seconds=settings.lease_seconds),
            poll_interval=settings.delivery_poll_interval_seconds,
        ),
        clock=clock,
        **extra,
    )
