"""The base type of every integration event payload."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

EVENT_TYPE_PREFIX = "sws"


class IntegrationEvent(BaseModel):
    """A fact that one service publishes for the others, named in the past tense.

    Subclasses set ``topic``; ``event_name`` defaults to the class name and ``event_version``
    to 1. A breaking change to a payload is a new class with a higher ``event_version``
    (e.g. ``class WorkerRegisteredV2(IntegrationEvent)`` with ``event_name = "WorkerRegistered"``).
    Consumers ignore fields they do not know, so adding an optional field is not breaking.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_name: ClassVar[str]
    event_version: ClassVar[int] = 1
    topic: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "event_name" not in cls.__dict__:
            cls.event_name = cls.__name__

    @classmethod
    def event_type(cls) -> str:
        """The CloudEvents ``type`` attribute, e.g. ``sws.WorkerRegistered.v1``."""
        return f"{EVENT_TYPE_PREFIX}.{cls.event_name}.v{cls.event_version}"

    @classmethod
    def schema_id(cls) -> str:
        """The CloudEvents ``dataschema`` attribute: names the committed JSON Schema file."""
        return f"urn:sws:schema:{cls.event_name}:v{cls.event_version}"

    @classmethod
    def schema_file_name(cls) -> str:
        return f"{cls.event_name}.v{cls.event_version}.json"
