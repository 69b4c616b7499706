"""Schemathesis against every service's OpenAPI document, on the running system: requests
generated from the document (valid ones, and invalid ones), sent with the keys of every
role. No answer may be a 5xx, and every answer must conform to the document: its content type,
headers and body schema. An answer the document does not list (a status code, a content type)
is a gap: every error must be documented as a Problem in application/problem+json.

Example counts are modest here (SWS_FULL=1 raises them); hypothesis is derandomized, so a run
is reproducible.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from system_support import RunningSystem, organisations_of_every_role

pytestmark = [pytest.mark.hostile, pytest.mark.slow]

FULL = os.environ.get("SWS_FULL") == "1"
EXAMPLES = 40 if FULL else 5
CHECKS = [
    not_a_server_error,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
PROBLEM = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# Gaps in the documents (answers the API gives that its OpenAPI document does not list, or
# lists otherwise), by service: reported, and asserted by the last test.
GAPS: dict[str, set[str]] = {}


@dataclass
class FuzzReport:
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    operations: int = 0
    failures: list[str] = field(default_factory=list)
    gaps: set[str] = field(default_factory=set)


def gaps_in(document: dict[str, Any]) -> set[str]:
    """Error answers the document describes as anything but a Problem in problem+json."""
    gaps = set()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, answer in operation.get("responses", {}).items():
                content = answer.get("content", {})
                if status[0] in "45" and (
                    set(content) != {PROBLEM} or content[PROBLEM].get("schema") != PROBLEM_REF
                ):
                    gaps.add(f"{method.upper()} {path} {status}: not a Problem in {PROBLEM}")
    return gaps


def fuzz(document: dict[str, Any], base_url: str, keys: list[str]) -> FuzzReport:
    """Every operation, positive then negative, ``EXAMPLES`` examples each (blocking)."""
    report = FuzzReport(gaps=gaps_in(document))
    schema = schemathesis.openapi.from_dict(document)
    session = requests.Session()
    session.trust_env = False
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]
        report.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate],
            )
            @given(case=operation.as_strategy(generation_mode=mode), key=st.sampled_from(keys))
            def run(case: Any, key: str) -> None:
                headers = {"Authorization": f"Bearer {key}"}
                while True:
                    response = case.call(base_url=base_url, headers=headers, session=session)
                    report.requests += 1
                    if response.status_code != 429:  # a partner waits and retries
                        break
                    time.sleep(float(response.headers.get("Retry-After", "1")))
                report.statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=[status_code_conformance])
                except BaseExceptionGroup:
                    report.gaps.add(
                        f"{case.method} {case.path} {response.status_code}:"
                        " status code not documented"
                    )
                case.validate_response(response, checks=CHECKS, headers=headers)

            try:
                run()
            except Unsatisfiable:
                pass  # nothing to make invalid (no parameters, no body)
            except (Exception, BaseExceptionGroup) as error:  # report every operation's failure
                report.failures.append(f"{operation.label} ({mode.value}): {error}"[:3000])
    return report


@pytest.mark.parametrize("service", ["registry", "visa", "notifications", "reporting"])
async def test_generated_requests_never_fail_the_service_or_break_its_document(
    system: RunningSystem, service: str
) -> None:
    roles = await organisations_of_every_role(system, f"fuzz {uuid.uuid4().hex[:6]}")
    keys = [key for _, key in roles.values()]
    async with httpx.AsyncClient(base_url=system.urls[service], trust_env=False) as client:
        document = (await client.get("/v1/openapi.json")).json()
    report = await asyncio.to_thread(fuzz, document, system.urls[service], keys)
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(report.statuses.items()))
    print(
        f"\nSUMMARY fuzz {service}: {report.operations} operations, {report.requests} "
        f"requests ({statuses}); failures: {len(report.failures)}"
    )
    GAPS[service] = report.gaps
    if report.gaps:
        print("document gaps:\n  " + "\n  ".join(sorted(report.gaps)))
    assert not report.failures, "\n\n".join(report.failures)
    assert not [s for s in report.statuses if s >= 500]


def test_every_answer_is_documented() -> None:
    if len(GAPS) < 4:
        pytest.skip("the fuzz tests of every service did not run")
    assert not any(GAPS.values()), GAPS
