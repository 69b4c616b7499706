"""Adding a dated visa rule (admins, or the operator's command line)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from visa.application.permissions import require_admin
from visa.application.unit_of_work import VisaUnitOfWork
from visa.domain.rules import VisaRules


async def add_rule(uow: VisaUnitOfWork, rule: VisaRules, note: str | None = None) -> VisaRules:
    """A new rule applies from its date on; rules in force are never rewritten."""
    require_admin(uow.actor)
    book = await uow.rules.book()
    book.check_new(rule, datetime.now(UTC).date())
    await uow.rules.add(rule, note)
    after = asdict(rule) | {"note": note}
    await uow.audit("visa_rules.added", "visa_rules", rule.effective_from, before=None, after=after)
    return rule
