"""The alert rules and the Grafana dashboard use only metrics the services export."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

import servicekit.telemetry.metrics  # noqa: F401 - registers the services' metrics

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "deploy" / "monitoring"
_IDENTIFIER = re.compile(r"\b[a-z_][a-z0-9_]*\b")
# What is not a metric in a PromQL expression: grouping clauses, label matchers, functions.
_NOT_METRICS = re.compile(r"by \([^)]*\)|\{[^}]*\}|\[[^]]*\]|\$labels\.[a-z_]+")
_FUNCTIONS = {"rate", "increase", "sum", "max", "histogram_quantile"}


_SERIES = {
    "counter": ("_total",),
    "histogram": ("_bucket", "_sum", "_count"),
    "gauge": ("",),
}


def exported() -> set[str]:
    """Every series name the registered metric families expose (with or without samples yet)."""
    return {
        family.name + suffix
        for family in REGISTRY.collect()
        for suffix in _SERIES.get(family.type, ("",))
    }


def metrics_in(expression: str) -> set[str]:
    bare = _NOT_METRICS.sub(" ", expression)
    return {name for name in _IDENTIFIER.findall(bare) if name not in _FUNCTIONS}


def test_every_alert_has_a_summary_and_uses_exported_metrics() -> None:
    groups = yaml.safe_load((MONITORING / "alerts.yml").read_text())["groups"]
    rules = [rule for group in groups for rule in group["rules"]]

    assert len(rules) >= 7
    for rule in rules:
        assert rule["annotations"]["summary"]
        used = metrics_in(rule["expr"])
        assert used, f"{rule['alert']} names no metric"
        assert used <= exported(), f"{rule['alert']} uses {used - exported()}"


def test_every_dashboard_panel_queries_exported_metrics() -> None:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())

    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            used = metrics_in(target["expr"])
            assert used <= exported(), f"{panel['title']} uses {used - exported()}"
