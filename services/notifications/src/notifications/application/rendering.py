"""Templates: one file per template, channel and language, rendered with Jinja2.

Layout: ``templates/<template>/<language>.<channel>.j2`` (channel ``sms`` or ``email``); an
e-mail's first line is ``Subject: …`` and the body follows after a blank line. Files under
``templates/_…/`` are shared pieces (layouts, translations of codes), not templates.

Every placeholder must exist (StrictUndefined), so a wrong name fails the start-up check and
the tests, never a worker's message. A missing translation falls back to Russian, then English,
and each fallback is counted (``notification_template_fallbacks_total``) and logged.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import (
    BaseLoader,
    Environment,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    pass_context,
)
from jinja2.runtime import Context
from prometheus_client import Counter

from notifications.domain.formatting import format_date, format_money, format_number
from notifications.domain.values import Channel, Language, languages_to_try

log = logging.getLogger(__name__)

TEMPLATE_FALLBACKS = Counter(
    "notification_template_fallbacks_total",
    "Messages rendered in a fallback language because a translation is missing",
    ["template", "channel", "requested", "used"],
)
SUBJECT_PREFIX = "Subject:"


class TemplateMissing(LookupError):
    pass


@dataclass(frozen=True)
class Rendered:
    language: Language  # the language actually used
    text: str
    subject: str | None = None
    fell_back: bool = False


def file_name(template: str, channel: Channel, language: Language) -> str:
    return f"{template}/{language.value}.{channel.value}.j2"


class TemplateCatalogue:
    def __init__(self, loader: BaseLoader | None = None) -> None:
        self.environment = Environment(
            loader=loader or PackageLoader("notifications", "templates"),
            undefined=StrictUndefined,
            autoescape=False,  # plain text: SMS and text/plain e-mail
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.environment.filters["date"] = _date
        self.environment.filters["money"] = _money
        self.environment.filters["number"] = _number
        self._names = frozenset(self.environment.list_templates(extensions=["j2"]))

    def exists(self, template: str, channel: Channel, language: Language) -> bool:
        return file_name(template, channel, language) in self._names

    def templates(self) -> set[tuple[str, Channel, Language]]:
        """Every (template, channel, language) that has a file; shared pieces excluded."""
        found = set()
        for name in self._names:
            folder, _, leaf = name.partition("/")
            parts = leaf.split(".")
            if folder.startswith("_") or len(parts) != 3:
                continue
            found.add((folder, Channel(parts[1]), Language(parts[0])))
        return found

    def language_for(self, template: str, channel: Channel, language: Language) -> Language:
        for candidate in languages_to_try(language):
            if self.exists(template, channel, candidate):
                return candidate
        raise TemplateMissing(f"no {channel} template {template!r} in any language")

    def render(
        self,
        template: str,
        channel: Channel,
        language: Language,
        context: Mapping[str, Any],
        *,
        report_fallback: bool = True,
    ) -> Rendered:
        used = self.language_for(template, channel, language)
        fell_back = used is not language
        if fell_back and report_fallback:
            TEMPLATE_FALLBACKS.labels(template, channel.value, language.value, used.value).inc()
            log.warning(
                "no %s translation of the %s template %r: sent in %s instead",
                language.value, channel.value, template, used.value,
            )  # fmt: skip
        source = self.environment.get_template(file_name(template, channel, used))
        text = source.render({**context, "language": used.value}).strip()
        if channel is not Channel.EMAIL:
            # An SMS is one paragraph: templates may wrap lines for readability.
            return Rendered(used, " ".join(text.split()), None, fell_back)
        text = re.sub(r"[ \t]+\n", "\n", text)
        text = re.sub(r"\n{3,}", "\n\n", text)
        first, _, body = text.partition("\n")
        if not first.startswith(SUBJECT_PREFIX):
            raise TemplateError(f"{file_name(template, channel, used)} has no Subject: line")
        return Rendered(used, body.strip(), first[len(SUBJECT_PREFIX) :].strip(), fell_back)


@pass_context
def _date(context: Context, value: Any) -> str:
    return format_date(value, Language(context["language"]))


@pass_context
def _money(context: Context, value: Any, currency: str = "GBP") -> str:
    return format_money(value, currency, Language(context["language"]))


@pass_context
def _number(context: Context, value: Any) -> str:
    return format_number(value, Language(context["language"]))
