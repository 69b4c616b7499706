"""Measured figures and how they are printed: each beside its ratio to a raw limit."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    limit: str | None = None  # the raw limit it is compared with, by name
    target: str | None = None  # the goal, in words

    def ratio(self, limits: dict[str, Figure]) -> float | None:
        if self.limit is None or self.limit not in limits or not limits[self.limit].value:
            return None
        return self.value / limits[self.limit].value


@dataclass
class Report:
    limits: dict[str, Figure] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)

    def limit(self, figure: Figure) -> None:
        self.limits[figure.name] = figure
        print(f"  limit  {figure.name:<48} {figure.value:>12,.1f} {figure.unit}", flush=True)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        ratio = figure.ratio(self.limits)
        shown = f"{ratio:>7.1%} of {figure.limit}" if ratio is not None else ""
        print(
            f"  figure {figure.name:<48} {figure.value:>12,.1f} {figure.unit:<8} {shown}",
            flush=True,
        )

    def table(self) -> str:
        lines = ["", "| figure | value | ratio to the raw limit | target |", "|---|---|---|---|"]
        for figure in [*self.limits.values(), *self.figures]:
            ratio = figure.ratio(self.limits)
            shown = f"{ratio:.1%} of {figure.limit}" if ratio is not None else "(raw limit)"
            if figure.name not in self.limits and ratio is None:
                shown = ""
            lines.append(
                f"| {figure.name} | {figure.value:,.1f} {figure.unit} | {shown} |"
                f" {figure.target or ''} |"
            )
        return "\n".join(lines)


def percentile(samples: list[float], fraction: float) -> float:
    """The ``fraction`` percentile (0..1) of ``samples`` (inclusive method)."""
    if not samples:
        return float("nan")
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=1000, method="inclusive")[round(fraction * 1000) - 1]
