"""The dated visa rules (``visa_rules``)."""

from __future__ import annotations

import asyncpg

from visa.domain.rules import RuleBook, VisaRules

_COLUMNS = (
    "effective_from, cos_validity_months, application_window_months, max_stay_days,"
    " stay_window_days, minimum_age, application_fee, fee_currency"
)


class RulesRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def book(self) -> RuleBook:
        rows = await self._conn.fetch(f"SELECT {_COLUMNS} FROM visa_rules ORDER BY effective_from")
        return RuleBook(VisaRules(**dict(row)) for row in rows)

    async def add(self, rule: VisaRules, note: str | None) -> None:
        await self._conn.execute(
            f"INSERT INTO visa_rules ({_COLUMNS}, note)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            rule.effective_from, rule.cos_validity_months, rule.application_window_months,
            rule.max_stay_days, rule.stay_window_days, rule.minimum_age, rule.application_fee,
            rule.fee_currency, note,
        )  # fmt: skip
