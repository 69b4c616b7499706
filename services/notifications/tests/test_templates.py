"""Templates: complete in Kazakh, Russian and English, rendered with every sample event at
start-up and here; a broken placeholder fails this test (and the start-up), never a worker's
message; a missing translation falls back to Russian, then English, and is reported."""

from __future__ import annotations

import logging
import typing

import pytest
from jinja2 import DictLoader
from prometheus_client import REGISTRY

from contracts.events import abroad, placement, registry
from notifications.application.messages import (
    Contacts,
    TemplatesBroken,
    check_templates,
    check_templates_at_start,
)
from notifications.application.rendering import TemplateCatalogue, TemplateMissing
from notifications.domain.routing import ROUTING, RoutingTable, on, worker
from notifications.domain.values import Channel, Language

CONTACTS = Contacts(support_phone="1414", glaa_helpline="0800 432 0804")
CATALOGUE = TemplateCatalogue()


def test_every_template_renders_in_every_language_with_every_sample_event() -> None:
    report = check_templates(CATALOGUE, CONTACTS)
    assert report.errors == []
    assert report.missing_translations == []
    assert report.unused == []
    for (template, channel, language), texts in report.rendered.items():
        for text in texts:
            assert "None" not in text, (template, channel, language)
            if channel is Channel.SMS:
                assert len(text) <= 6 * 67, (template, language)  # six UCS-2 parts at most
            else:
                subject = text.split("\n", 1)[0]
                assert 0 < len(subject) <= 150, (template, language)


def test_workers_get_every_template_by_sms_and_email_in_kazakh_russian_and_english() -> None:
    files = CATALOGUE.templates()
    for template in ROUTING.templates(Channel.SMS):
        for language in Language:
            assert (template, Channel.SMS, language) in files
            assert (template, Channel.EMAIL, language) in files


def _codes(alias: object) -> list[str]:
    return list(typing.get_args(alias))


@pytest.mark.parametrize("language", [Language.KAZAKH, Language.RUSSIAN])
def test_every_code_an_event_can_carry_is_translated(language: Language) -> None:
    shared = CATALOGUE.environment.get_template(f"_shared/{language.value}.j2").module
    table = {
        "category": _codes(abroad.GrievanceCategory),
        "severity": _codes(abroad.Severity),
        "outcome": _codes(abroad.GrievanceResolved.model_fields["outcome"].annotation),
        "reason": _codes(registry.ScreeningReasonCode),
        "topic": _codes(registry.OrientationTopic),
        "sector": _codes(placement.PlacementOffered.model_fields["sector"].annotation),
    }
    for macro, codes in table.items():
        assert codes, macro
        for code in codes:
            translated = str(getattr(shared, macro)(code))
            assert translated != code, (macro, code)
            assert not any("a" <= c.lower() <= "z" for c in translated), (macro, code)


ONE_ROUTE = RoutingTable((on("VisaGranted", worker("visa_granted")),))


def _catalogue(files: dict[str, str]) -> TemplateCatalogue:
    email = "Subject: Visa\n\n{{ recipient.name }}: {{ event.visa_end | date }}"
    return TemplateCatalogue(DictLoader({"visa_granted/en.email.j2": email} | files))


def test_a_broken_placeholder_fails_the_check_and_the_start_up() -> None:
    broken = _catalogue(
        {
            "visa_granted/en.sms.j2": "Valid until {{ event.visa_ends | date }}.",
            "visa_granted/ru.sms.j2": "До {{ event.visa_end | date }}.",
            "visa_granted/kk.sms.j2": "{{ event.visa_end | date }} дейін.",
        }
    )
    report = check_templates(broken, CONTACTS, ONE_ROUTE)
    assert len(report.errors) == 1
    assert report.errors[0].startswith("visa_granted/en.sms.j2 (VisaGranted):")
    assert "visa_ends" in report.errors[0]
    with pytest.raises(TemplatesBroken, match="visa_ends"):
        check_templates_at_start(broken, CONTACTS)  # the packaged routing: more is missing


def _fallbacks(requested: str, used: str) -> float:
    labels = {"template": "visa_granted", "channel": "sms", "requested": requested, "used": used}
    return REGISTRY.get_sample_value("notification_template_fallbacks_total", labels) or 0.0


def test_a_missing_translation_falls_back_to_russian_then_english_and_is_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    partial = _catalogue(
        {
            "visa_granted/en.sms.j2": "Valid until {{ event.visa_end | date }}.",
            "visa_granted/ru.sms.j2": "Действует до {{ event.visa_end | date }}.",
        }
    )
    report = check_templates(partial, CONTACTS, ONE_ROUTE)
    assert report.errors == []
    assert report.missing_translations == [
        "visa_granted/kk.email.j2",
        "visa_granted/kk.sms.j2",
        "visa_granted/ru.email.j2",
    ]
    context = {"event": {"visa_end": "2031-10-05"}, "recipient": {"name": "A"}}
    before = _fallbacks("kk", "ru")
    with caplog.at_level(logging.WARNING, logger="notifications.application.rendering"):
        rendered = partial.render("visa_granted", Channel.SMS, Language.KAZAKH, context)
    assert (rendered.language, rendered.text, rendered.fell_back) == (
        Language.RUSSIAN,
        "Действует до 5 октября 2031 года.",
        True,
    )
    assert _fallbacks("kk", "ru") == before + 1
    assert "no kk translation of the sms template 'visa_granted': sent in ru" in caplog.text

    english_only = _catalogue({"visa_granted/en.sms.j2": "Valid until {{ event.visa_end }}."})
    assert (
        english_only.render("visa_granted", Channel.SMS, Language.KAZAKH, context).language
        is Language.ENGLISH
    )
    with pytest.raises(TemplateMissing):
        _catalogue({}).render("visa_granted", Channel.SMS, Language.ENGLISH, context)
