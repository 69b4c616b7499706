"""breaking_changes: each breaking case is reported, each compatible change is accepted."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from contracts.catalogue import EVENT_MODELS, event_schema
from contracts.compat import breaking_changes

Schema = dict[str, Any]
UUID_STRING = {"type": "string", "format": "uuid"}


def payload(properties: Schema, required: list[str], defs: Schema | None = None) -> Schema:
    schema: Schema = {"type": "object", "properties": properties, "required": required}
    if defs is not None:
        schema["$defs"] = defs
    return schema


def base() -> Schema:
    """An event with an id, a constrained text, an enum, a constant, a list and a nested object."""
    return payload(
        {
            "worker_id": dict(UUID_STRING),
            "farm_name": {"type": "string", "minLength": 1, "maxLength": 200},
            "sector": {"type": "string", "enum": ["horticulture", "poultry"]},
            "currency": {"type": "string", "const": "GBP", "default": "GBP"},
            "topics": {"type": "array", "items": {"type": "string"}},
            "accommodation": {"$ref": "#/$defs/Accommodation"},
            "follow_up": {"anyOf": [{"$ref": "#/$defs/Accommodation"}, {"type": "null"}]},
            "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        },
        ["worker_id", "farm_name", "sector", "accommodation"],
        defs={
            "Accommodation": {
                "type": "object",
                "properties": {
                    "provided": {"type": "boolean"},
                    "weekly_cost": {"type": "string", "pattern": "^[0-9]+\\.[0-9]{2}$"},
                },
                "required": ["provided"],
            }
        },
    )


def changed(edit: Any) -> list[str]:
    new = base()
    edit(new)
    return breaking_changes(base(), new)


def test_an_unchanged_schema_has_no_breaking_changes() -> None:
    assert breaking_changes(base(), base()) == []


@pytest.mark.parametrize("model", EVENT_MODELS, ids=lambda m: m.__name__)
def test_every_event_schema_is_compatible_with_itself(model: Any) -> None:
    schema = event_schema(model)
    assert breaking_changes(schema, copy.deepcopy(schema)) == []


def test_removed_property() -> None:
    assert changed(lambda s: s["properties"].pop("farm_name")) == [
        "property 'farm_name' was removed"
    ]


def test_retyped_property() -> None:
    problems = changed(lambda s: s["properties"].update(farm_name={"type": "integer"}))
    assert any("'farm_name' was retyped from string to integer" in p for p in problems)


def test_changed_format() -> None:
    problems = changed(lambda s: s["properties"]["worker_id"].update(format="date"))
    assert problems == ["'worker_id' changed format from 'uuid' to 'date'"]


def test_new_required_property() -> None:
    def add(schema: Schema) -> None:
        schema["properties"]["season"] = {"type": "integer"}
        schema["required"].append("season")

    assert changed(add) == ["new required property 'season'"]


def test_optional_property_became_required() -> None:
    assert changed(lambda s: s["required"].append("note")) == ["property 'note' became required"]


def test_enum_narrowed() -> None:
    problems = changed(lambda s: s["properties"]["sector"].update(enum=["horticulture"]))
    assert problems == ["'sector' no longer allows the values ['poultry']"]


def test_enum_added_to_a_free_text() -> None:
    problems = changed(lambda s: s["properties"]["farm_name"].update(enum=["Hillside"]))
    assert problems == ["'farm_name' was restricted to the values ['Hillside']"]


def test_changed_constant() -> None:
    problems = changed(lambda s: s["properties"]["currency"].update(const="EUR"))
    assert problems == ["'currency' changed constant from 'GBP' to 'EUR'"]


def test_nested_retype_through_ref() -> None:
    def retype(schema: Schema) -> None:
        schema["$defs"]["Accommodation"]["properties"]["weekly_cost"] = {"type": "number"}

    problems = changed(retype)
    assert "'accommodation.weekly_cost' was retyped from string to number" in problems
    assert "'follow_up.weekly_cost' was retyped from string to number" in problems


def test_nested_removal_and_new_requirement_inside_a_nullable_object() -> None:
    def edit(schema: Schema) -> None:
        accommodation = schema["$defs"]["Accommodation"]
        accommodation["properties"].pop("provided")
        accommodation["required"] = ["weekly_cost"]

    problems = changed(edit)
    assert "property 'follow_up.provided' was removed" in problems
    assert "property 'follow_up.weekly_cost' became required" in problems


def test_array_items_retyped() -> None:
    problems = changed(lambda s: s["properties"]["topics"].update(items={"type": "integer"}))
    assert problems == ["'topics[]' was retyped from string to integer"]


def test_nullability_change_is_a_retype() -> None:
    nullable = {"anyOf": [{"type": "string", "minLength": 1, "maxLength": 200}, {"type": "null"}]}
    problems = changed(lambda s: s["properties"].update(farm_name=nullable))
    assert problems == ["'farm_name' was retyped from string to null|string"]
    not_null = changed(lambda s: s["properties"].update(note={"type": "string"}))
    assert not_null == ["'note' was retyped from null|string to string"]


def test_tightened_bounds_and_new_pattern() -> None:
    problems = changed(lambda s: s["properties"]["farm_name"].update(maxLength=100))
    assert problems == ["'farm_name' tightened maxLength from 200 to 100"]
    patterned = changed(lambda s: s["properties"]["farm_name"].update(pattern="^[A-Z]"))
    assert patterned == ["'farm_name' changed pattern to '^[A-Z]'"]


def test_new_optional_property_is_compatible() -> None:
    assert changed(lambda s: s["properties"].update(route={"type": "string"})) == []


def test_widened_enum_is_compatible() -> None:
    wider = ["horticulture", "poultry", "dairy"]
    assert changed(lambda s: s["properties"]["sector"].update(enum=wider)) == []


def test_descriptions_titles_examples_and_looser_bounds_are_compatible() -> None:
    def annotate(schema: Schema) -> None:
        schema["description"] = "A new description."
        schema["properties"]["farm_name"].update(
            title="Farm", description="The farm.", examples=["Hillside"], maxLength=400
        )
        schema["$defs"]["Accommodation"]["description"] = "Housing."

    assert changed(annotate) == []


def test_required_property_made_optional_is_compatible() -> None:
    assert changed(lambda s: s["required"].remove("farm_name")) == []


def test_recursive_definitions_terminate() -> None:
    node = {"type": "object", "properties": {"child": {"$ref": "#/$defs/Node"}}}
    schema = payload({"root": {"$ref": "#/$defs/Node"}}, [], defs={"Node": node})
    assert breaking_changes(schema, copy.deepcopy(schema)) == []
