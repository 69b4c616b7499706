"""What the audit log keeps of a case before and after a change."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from visa.domain.case import VisaCase


def snapshot(case: VisaCase) -> dict[str, Any]:
    """The case's status and current attempt, plain JSON values (dates as ISO strings)."""
    return {
        "status": case.status.value,
        "attempt": case.attempt,
        "sponsorship": asdict(case.sponsorship) if case.sponsorship else None,
        "application": asdict(case.application) if case.application else None,
        "biometrics_on": case.biometrics_on,
        "decision": asdict(case.decision) if case.decision else None,
        "closure": asdict(case.closure) if case.closure else None,
        "departed_on": case.departed_on,
        "returned_on": case.returned_on,
        "expiry_notices": list(case.expiry_notices),
    }
