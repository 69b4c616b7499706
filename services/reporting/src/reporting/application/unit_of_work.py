"""The reporting service's unit of work (projections write through its connection)."""

from __future__ import annotations

from servicekit.unit_of_work import UnitOfWork


class ReportingUnitOfWork(UnitOfWork):
    pass
