"""The dashboard, rendered by a real headless browser (Debian's chromium) in Kazakh, Russian and
English, shows the figures the ground truth gives; it opens only with a valid view token."""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn

from reporting.entrypoints.dashboard.i18n import labels, percent
from reporting.testing.fed import Fed
from reporting.testing.truth import Query
from servicekit.embedded.probe import free_port
from servicekit.testing.support import wait_until

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed: `apt-get install -y chromium` (.ci/run installs it)",
)


@pytest.fixture(scope="module")
async def base_url(fed: Fed) -> AsyncIterator[str]:
    """The service's app on a real port (the browser cannot use the in-process transport)."""
    port = free_port()
    config = uvicorn.Config(
        fed.harness.app,
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_config=None,
        access_log=False,  # the dashboard's URLs carry view tokens
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    await wait_until(lambda: server.started, timeout=30, every=0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


async def render(url: str, work: Path) -> str:
    assert CHROMIUM is not None
    browser = await asyncio.create_subprocess_exec(
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={work}", "--dump-dom", url,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(browser.communicate(), timeout=120)
    assert browser.returncode == 0, stderr.decode(errors="replace")[-2000:]
    return stdout.decode()


def figure(dom: str, key: str) -> str:
    match = re.search(rf'data-figure="{key}"[^>]*>([^<]*)<', dom)
    assert match, key
    return match.group(1)


async def link(fed: Fed, label: str, lang: str) -> str:
    response = await fed.harness.client.post(
        "/v1/dashboard/links", params={"lang": lang}, headers=fed.headers(label)
    )
    assert response.status_code == 201, response.text
    url: str = response.json()["url"]
    return url


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
async def test_the_dashboard_shows_the_figures_in_each_language(
    fed: Fed, base_url: str, tmp_path: Path, lang: str
) -> None:
    dom = await render(base_url + await link(fed, "ministry", lang), tmp_path)
    words = labels(lang)  # type: ignore[arg-type]
    assert f'<html lang="{lang}"' in dom
    for key in ("title", "funnel", "visas_over_time", "grievances", "by_region", "by_season"):
        assert words[key] in dom, key
    (funnel,) = fed.expected.funnel()
    (visas,) = fed.expected.visas()
    (travel,) = fed.expected.travel()
    assert figure(dom, "registered") == str(funnel["registered"])
    assert figure(dom, "visa_granted") == str(funnel["visa_granted"])
    assert figure(dom, "departed") == str(travel["departed"])
    approval = visas["granted"] / (visas["granted"] + visas["refused"])
    assert figure(dom, "approval_rate") == percent(round(approval, 4), lang)  # type: ignore[arg-type]
    on_time = round(travel["returned_on_time"] / travel["returned"], 4)
    assert figure(dom, "on_time_rate") == percent(on_time, lang)  # type: ignore[arg-type]
    for row in fed.expected.funnel(["season"]):
        season = str(row["group"]["season"]) if row["group"]["season"] else words["unknown"]
        cells = re.search(rf'<tr data-season="{season}">(.*?)</tr>', dom, re.S)
        assert cells, season
        assert f'data-col="registered">{row["registered"]}<' in cells.group(1)
        assert f'data-col="departed">{row["departed"]}<' in cells.group(1)
    for row in fed.expected.funnel(["region"]):
        assert f'data-region="{row["group"]["region"]}"' in dom
    months = [r for r in fed.expected.visas(["month"]) if r["granted"] or r["refused"]]
    assert months
    for row in months:
        assert (
            f'data-month="{row["group"]["month"]}" data-granted="{row["granted"]}"'
            f' data-refused="{row["refused"]}"'
        ) in dom
    total = sum(r["grievances"] for r in fed.expected.grievances(["category"]))
    shown = sum(int(n) for n in re.findall(r"<td data-total(?:=\"\")?>(\d+)</td>", dom))
    assert shown == total
    assert not [value for value in fed.history.personal_data() if value in dom]
    assert "<script" not in dom, "server-rendered: nothing runs in the browser"


async def test_an_operators_dashboard_shows_its_own_workers_only(
    fed: Fed, base_url: str, tmp_path: Path
) -> None:
    operator = fed.history.organisations["operator_0"]
    dom = await render(base_url + await link(fed, "operator_0", "en"), tmp_path)
    (mine,) = fed.expected.funnel((), Query(operator=str(operator.id)))
    assert figure(dom, "registered") == str(mine["registered"])
    assert labels("en")["operator_workers"] in dom


async def test_the_page_needs_a_valid_token(fed: Fed) -> None:
    client = fed.harness.client
    assert (await client.get("/dashboard")).status_code == 422
    assert (await client.get("/dashboard", params={"token": "forged.token"})).status_code == 401
    url = await link(fed, "ministry", "en")
    token = url.split("token=")[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert (await client.get("/dashboard", params={"token": tampered})).status_code == 401
    page = await client.get(url)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in page.headers["content-security-policy"]
