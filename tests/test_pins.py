"""Every dependency is pinned: the transitive closure of what our packages and the development
tools require is in constraints.txt, at the version installed."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
OUR_PACKAGES = ("sws-servicekit", "sws-contracts", "sws-registry", "sws-visa",
                "sws-notifications", "sws-reporting")  # fmt: skip


def pins() -> dict[str, str]:
    found: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            found[str(canonicalize_name(name))] = version.strip()
    return found


def dev_tools() -> list[str]:
    lines = (ROOT / "requirements-dev.txt").read_text().splitlines()
    return [line.strip() for line in lines if re.match(r"^[A-Za-z]", line)]


def closure(roots: list[str]) -> set[str]:
    seen: set[str] = set()
    todo = [canonicalize_name(root) for root in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(canonicalize_name(requirement.name))
    return seen


def test_every_dependency_is_pinned_at_its_installed_version() -> None:
    needed = closure([*OUR_PACKAGES, *dev_tools()]) - {canonicalize_name(p) for p in OUR_PACKAGES}
    pinned = pins()

    missing = sorted(needed - set(pinned))
    assert not missing, f"add to constraints.txt: {missing}"
    wrong = {
        name: (pinned[name], metadata.version(name))
        for name in needed
        if metadata.version(name) != pinned[name]
    }
    assert not wrong, f"constraints.txt differs from what is installed: {wrong}"
