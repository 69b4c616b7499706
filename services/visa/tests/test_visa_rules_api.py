"""Dated visa rules over the API: read by everyone, added by admins for a future date; a rule
that took effect on a date applies to what happens from that date and not before."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from servicekit.testing.service import ServiceHarness
from visa.domain.rules import VisaRules, add_months
from visa.testing import Party, RegistryFeed

TODAY = datetime.now(UTC).date()


def rule_body(**changes: Any) -> dict[str, Any]:
    return {
        "effective_from": (TODAY + timedelta(days=90)).isoformat(),
        "cos_validity_months": 3,
        "application_window_months": 3,
        "max_stay_days": 183,
        "stay_window_days": 365,
        "minimum_age": 18,
        "application_fee": "335.00",
        "fee_currency": "GBP",
        "note": "announced fee change",
    } | changes


async def test_the_seeded_rules_are_listed_and_the_one_in_force_on_a_day_is_found(
    visa: ServiceHarness, parties: dict[str, Party]
) -> None:
    listed = await visa.client.get("/v1/visa-rules", headers=parties["lmc"].headers)
    assert listed.status_code == 200, listed.text
    assert [r["effective_from"] for r in listed.json()][:3] == [
        "2020-01-01", "2023-10-04", "2025-04-09",
    ]  # fmt: skip
    on_day = await visa.client.get(
        "/v1/visa-rules", params={"on": "2024-06-01"}, headers=parties["operator"].headers
    )
    assert [(r["effective_from"], r["application_fee"]) for r in on_day.json()] == [
        ("2023-10-04", "298.00")
    ]


async def test_an_admin_adds_a_rule_for_a_future_date_and_nobody_rewrites_the_past(
    visa: ServiceHarness, parties: dict[str, Party]
) -> None:
    admin = parties["admin"].headers | {"Idempotency-Key": "rule-1"}
    added = await visa.client.post("/v1/visa-rules", json=rule_body(), headers=admin)
    assert added.status_code == 201, added.text
    replayed = await visa.client.post("/v1/visa-rules", json=rule_body(), headers=admin)
    assert replayed.headers.get("Idempotent-Replayed") == "true"

    past = await visa.client.post(
        "/v1/visa-rules", json=rule_body(effective_from=TODAY.isoformat()),
        headers=parties["admin"].headers,
    )  # fmt: skip
    assert past.status_code == 422
    assert [e["field"] for e in past.json()["errors"]] == ["body.effective_from"]
    by_ministry = await visa.client.post(
        "/v1/visa-rules", json=rule_body(effective_from=(TODAY + timedelta(days=91)).isoformat()),
        headers=parties["ministry"].headers,
    )  # fmt: skip
    assert by_ministry.status_code == 403
    wrong = await visa.client.post(
        "/v1/visa-rules",
        json=rule_body(effective_from=(TODAY + timedelta(days=92)).isoformat(), max_stay_days=0),
        headers=parties["admin"].headers,
    )
    assert wrong.status_code == 422
    assert [e["field"] for e in wrong.json()["errors"]] == ["body.max_stay_days"]


async def test_a_change_of_rule_applies_from_its_date(
    visa: ServiceHarness, feed: RegistryFeed, parties: dict[str, Party]
) -> None:
    changed_on = TODAY - timedelta(days=5)
    # A rule added earlier that has taken effect since: a CoS serves one month, a new fee.
    async with visa.runtime.unit_of_work("tests") as uow:
        await uow.rules.add(
            VisaRules(changed_on, 1, 3, 183, 365, 18, Decimal("400.00"), "GBP"), "test"
        )
    operator, lmc = parties["operator"], parties["lmc"]
    before = await feed.open_case(lmc, operator, start=TODAY + timedelta(days=40))
    after = await feed.open_case(lmc, operator, start=TODAY + timedelta(days=40))
    issued = {"before": changed_on - timedelta(days=1), "after": changed_on}

    for case, label in ((before, "before"), (after, "after")):
        body = {"cos_number": f"COS-{uuid.uuid4().hex[:8].upper()}",
                "issued_on": issued[label].isoformat()}  # fmt: skip
        response = await visa.client.post(
            f"{case.path}/sponsorship", json=body, headers=operator.headers
        )
        assert response.status_code == 200, response.text
    shown = {
        label: (await visa.client.get(case.path, headers=operator.headers)).json()
        for case, label in ((before, "before"), (after, "after"))
    }

    assert shown["before"]["sponsorship"]["expires_on"] == str(
        add_months(issued["before"], 3) - timedelta(days=1)
    )
    assert shown["after"]["sponsorship"]["expires_on"] == str(
        add_months(issued["after"], 1) - timedelta(days=1)
    )
    application = {"submitted_on": TODAY.isoformat(), "application_reference": "GWF7"}
    submitted = await visa.client.post(
        f"{before.path}/application", json=application, headers=lmc.headers
    )
    assert submitted.json()["application"]["application_fee"] == "400.00", "fee of today's rule"
