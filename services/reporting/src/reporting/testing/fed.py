"""What the reporting tests share: the service with a history fed through it, and its settings."""

from __future__ import annotations

from dataclasses import dataclass

from reporting.config import ReportingSettings
from reporting.testing.history import History
from reporting.testing.truth import Expected
from servicekit.testing.service import TEST_SETTINGS, ServiceHarness

PSEUDONYM_KEY = "reporting-tests-pseudonym-key"
SEED = 20250401


@dataclass
class Fed:
    harness: ServiceHarness
    history: History
    expected: Expected
    outcomes: dict[str, int]
    settings: ReportingSettings

    def headers(self, label: str) -> dict[str, str]:
        return self.history.organisations[label].headers


def reporting_settings(database_url: str, kafka: str) -> ReportingSettings:
    return ReportingSettings(
        database_url=database_url,
        kafka_bootstrap_servers=kafka,
        pseudonym_key=PSEUDONYM_KEY,
        export_batch_size=50,
        **TEST_SETTINGS,
    )
