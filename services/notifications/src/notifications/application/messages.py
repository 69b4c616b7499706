"""What a message is rendered with, and the start-up check of every template."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from notifications.application.rendering import TemplateCatalogue, TemplateMissing
from notifications.application.samples import EVENTS, sample_context
from notifications.domain.routing import ROUTING, RoutingTable
from notifications.domain.values import Channel, Language

log = logging.getLogger(__name__)


PLACEMENT_FIELDS = ("placement_id", "operator_id", "farm_name", "uk_region", "sector",
                    "start_date", "end_date")  # fmt: skip


@dataclass(frozen=True)
class Contacts:
    """Numbers quoted in workers' messages, and the name used for an organisation whose name
    the service has not learnt (yet)."""

    support_phone: str
    glaa_helpline: str
    unknown_organisation: str = "SWS"


def message_context(
    stored: Mapping[str, Any],
    *,
    recipient_name: str | None,
    legally_required: bool,
    contacts: Contacts,
) -> dict[str, Any]:
    context = dict(stored)
    for key in ("organisation", "operator", "charged_by"):
        named = dict(context.get(key) or {})
        if named.get("id") and not named.get("name"):
            named["name"] = contacts.unknown_organisation
        context[key] = {"id": named.get("id"), "name": named.get("name")}
    placement = context.get("placement") or {}
    context["placement"] = {field: placement.get(field) for field in PLACEMENT_FIELDS}
    context["recipient"] = {"name": recipient_name or ""}
    context["legally_required"] = legally_required
    context["support_phone"] = contacts.support_phone
    context["glaa_helpline"] = contacts.glaa_helpline
    return context


@dataclass
class TemplateReport:
    errors: list[str] = field(default_factory=list)
    missing_translations: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    rendered: dict[tuple[str, Channel, Language], list[str]] = field(default_factory=dict)


def check_templates(
    catalogue: TemplateCatalogue, contacts: Contacts, routing: RoutingTable = ROUTING
) -> TemplateReport:
    """Render every routed template, in every language it has, with each sample event its
    route applies to. Errors: a template that fails to render (a wrong placeholder, a syntax
    error, an e-mail without a subject) or has no file in any language."""
    report = TemplateReport()
    used: set[str] = set()
    for rule, route in routing.routes():
        channels = [c for c in route.channels if c is not Channel.WEBHOOK]
        samples = [e for e in EVENTS if e.event_name == rule.event and route.applies(
            e.model_dump(mode="json"))]  # fmt: skip
        if channels and not samples:
            report.errors.append(f"no sample event for {rule.event} → {route.template}")
        for channel in channels:
            used.add(route.template)
            for language in Language:
                if not catalogue.exists(route.template, channel, language):
                    missing = f"{route.template}/{language.value}.{channel.value}.j2"
                    report.missing_translations.append(missing)
                    try:
                        catalogue.language_for(route.template, channel, language)
                    except TemplateMissing as error:
                        report.errors.append(str(error))
                    continue
                for sample in samples:
                    _render(catalogue, contacts, route.template, channel, language, sample,
                            route.legally_required, report)  # fmt: skip
    report.unused = sorted({name for name, _, _ in catalogue.templates()} - used)
    report.missing_translations = sorted(set(report.missing_translations))
    return report


def _render(
    catalogue: TemplateCatalogue,
    contacts: Contacts,
    template: str,
    channel: Channel,
    language: Language,
    sample: Any,
    legally_required: bool,
    report: TemplateReport,
) -> None:
    context = message_context(sample_context(sample), recipient_name="Aigerim Example",
                              legally_required=legally_required, contacts=contacts)  # fmt: skip
    try:
        rendered = catalogue.render(template, channel, language, context, report_fallback=False)
    except Exception as error:  # any failure to render is what this check is for
        report.errors.append(
            f"{template}/{language.value}.{channel.value}.j2 ({sample.event_name}): {error}"
        )
        return
    text = f"{rendered.subject}\n\n{rendered.text}" if rendered.subject else rendered.text
    report.rendered.setdefault((template, channel, language), []).append(text)


class TemplatesBroken(RuntimeError):
    pass


def check_templates_at_start(catalogue: TemplateCatalogue, contacts: Contacts) -> None:
    """Refuse to start with a broken template; log missing translations and unused files."""
    report = check_templates(catalogue, contacts)
    if report.errors:
        raise TemplatesBroken("broken templates:\n" + "\n".join(report.errors))
    for missing in report.missing_translations:
        log.warning("missing translation %s: the fallback language will be used", missing)
    for unused in report.unused:
        log.warning("template %s is not used by any route", unused)
