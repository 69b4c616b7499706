"""Profile rules checked on registration and on every profile update."""

from __future__ import annotations

import dataclasses

import pytest
from domain.worker_builders import at, profile, registered

from registry.domain.errors import InvalidWorkerData
from registry.domain.profile import FULL_NAME_LENGTH


def test_a_full_name_longer_than_the_contact_topic_carries_is_refused() -> None:
    longest = dataclasses.replace(profile(), given_name="A" * (FULL_NAME_LENGTH - 9))
    too_long = dataclasses.replace(profile(), given_name="A" * (FULL_NAME_LENGTH - 8))
    assert len(longest.full_name) == FULL_NAME_LENGTH  # "… Nurlanov"

    registered(longest)
    with pytest.raises(InvalidWorkerData) as raised:
        registered(too_long)
    assert raised.value.field == "given_name"
    with pytest.raises(InvalidWorkerData):
        registered().update_profile(too_long, at(2027, 1, 6))
