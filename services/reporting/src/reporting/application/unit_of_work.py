"""The reporting service's unit of work (projections write through its connection)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import ClassVar, cast

from reporting.application.pseudonyms import Pseudonyms
from reporting.config import DEVELOPMENT_PSEUDONYM_KEY, ReportingSettings
from servicekit.unit_of_work import UnitOfWork

# Set while the rebuild replays the topics: snapshots are then published once at the end
# instead of after every event (a replay would otherwise publish every intermediate state).
SNAPSHOTS_DEFERRED: ContextVar[bool] = ContextVar("snapshots_deferred", default=False)


class ReportingUnitOfWork(UnitOfWork):
    pseudonyms: ClassVar[Pseudonyms] = Pseudonyms(DEVELOPMENT_PSEUDONYM_KEY)

    @property
    def snapshots_deferred(self) -> bool:
        return SNAPSHOTS_DEFERRED.get()

    @classmethod
    def configured(cls, settings: ReportingSettings) -> type[ReportingUnitOfWork]:
        """A subclass bound to the settings' pseudonym key (the kit builds units of work from
        a class, so the key travels as a class attribute)."""
        pseudonyms = Pseudonyms(settings.pseudonym_key.get_secret_value())
        bound = type(cls.__name__, (cls,), {"pseudonyms": pseudonyms, "__module__": __name__})
        return cast(type[ReportingUnitOfWork], bound)
