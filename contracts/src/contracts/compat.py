"""Breaking-change detection between two JSON Schemas of the same (event, version).

A published event version is read by consumers built against it and replayed from the log by
consumers built later, so a new schema for the same version must keep every property, keep
each property's type, format and constant, never narrow its allowed values or bounds, and never
require a property that old events may lack. Adding an optional property, widening an enum,
loosening a bound or editing titles, descriptions and examples is compatible.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Schema = dict[str, Any]

# Bounds whose tightening rejects values that old events may carry: name -> "is it a maximum".
_BOUNDS = {
    "minLength": False,
    "maxLength": True,
    "minimum": False,
    "maximum": True,
    "exclusiveMinimum": False,
    "exclusiveMaximum": True,
    "minItems": False,
    "maxItems": True,
}
_MAX_DEPTH = 32  # recursive $defs would otherwise loop forever


def breaking_changes(old_schema: Schema, new_schema: Schema) -> list[str]:
    """Human-readable descriptions of every breaking change from ``old`` to ``new``."""
    changes = _Comparison(old_schema, new_schema).compare(old_schema, new_schema, "", 0)
    return list(dict.fromkeys(changes))  # one message per change, in the order found


class _Comparison:
    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        self._old_root = old_root
        self._new_root = new_root

    def compare(self, old: Schema, new: Schema, path: str, depth: int) -> Iterator[str]:
        if depth > _MAX_DEPTH:
            return
        old = _resolve(old, self._old_root)
        new = _resolve(new, self._new_root)
        where = path or "the payload"
        yield from _type_changes(old, new, where, self._old_root, self._new_root)
        if not _is_union(old) and not _is_union(new):  # unions are checked branch by branch
            yield from _value_changes(old, new, where)
        yield from self._object_changes(old, new, path, depth)
        yield from self._branch_changes(old, new, path, depth)

    def _object_changes(self, old: Schema, new: Schema, path: str, depth: int) -> Iterator[str]:
        old_props: Schema = old.get("properties", {})
        new_props: Schema = new.get("properties", {})
        old_required = set(old.get("required", []))
        for name in sorted(set(new.get("required", [])) - old_required):
            if name in old_props:
                yield f"property '{_join(path, name)}' became required"
            else:
                yield f"new required property '{_join(path, name)}'"
        for name, old_prop in old_props.items():
            if name not in new_props:
                yield f"property '{_join(path, name)}' was removed"
            else:
                yield from self.compare(old_prop, new_props[name], _join(path, name), depth + 1)

    def _branch_changes(self, old: Schema, new: Schema, path: str, depth: int) -> Iterator[str]:
        # Compare array items, and union branches of the same JSON type (e.g. X in X | None).
        if "items" in old and "items" in new:
            yield from self.compare(old["items"], new["items"], path + "[]", depth + 1)
        if not _is_union(old) and not _is_union(new):
            return
        old_branches = _branches(old, self._old_root)
        new_branches = _branches(new, self._new_root)
        for old_branch in old_branches:
            match = _same_kind(old_branch, new_branches, self._old_root, self._new_root)
            if match is not None:
                yield from self.compare(old_branch, match, path, depth + 1)


def _resolve(node: Schema, root: Schema) -> Schema:
    """Follow local ``$ref``s and single-element ``allOf`` wrappers to the schema they name."""
    seen: set[str] = set()
    while True:
        if "$ref" in node and node["$ref"] not in seen:
            seen.add(node["$ref"])
            node = _lookup(root, node["$ref"])
        elif len(node.get("allOf", [])) == 1 and "properties" not in node:
            node = node["allOf"][0]
        else:
            return node


def _lookup(root: Schema, ref: str) -> Schema:
    if not ref.startswith("#/"):
        raise ValueError(f"only local references are supported, not {ref!r}")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return dict(node)


def _is_union(node: Schema) -> bool:
    return "anyOf" in node or "oneOf" in node


def _branches(node: Schema, root: Schema) -> list[Schema]:
    for keyword in ("anyOf", "oneOf"):
        if keyword in node:
            return [_resolve(branch, root) for branch in node[keyword]]
    return [node]


def _types(node: Schema, root: Schema) -> frozenset[str]:
    """The JSON types a schema admits (empty when it does not say)."""
    found: set[str] = set()
    for branch in _branches(node, root):
        declared = branch.get("type")
        if isinstance(declared, list):
            found.update(declared)
        elif isinstance(declared, str):
            found.add(declared)
        elif "properties" in branch:
            found.add("object")
        elif branch is not node and _is_union(branch):
            found.update(_types(branch, root))
    return frozenset(found)


def _same_kind(
    old_branch: Schema, candidates: list[Schema], old_root: Schema, new_root: Schema
) -> Schema | None:
    kind = _types(old_branch, old_root)
    for candidate in candidates:
        if kind and _types(candidate, new_root) == kind:
            return candidate
    return None


def _type_changes(
    old: Schema, new: Schema, where: str, old_root: Schema, new_root: Schema
) -> Iterator[str]:
    # A type set that changes either way breaks someone: narrower fails replayed events,
    # wider (e.g. newly nullable) hands old consumers values they cannot handle.
    old_types, new_types = _types(old, old_root), _types(new, new_root)
    if old_types != new_types:
        yield f"'{where}' was retyped from {_show(old_types)} to {_show(new_types)}"


def _value_changes(old: Schema, new: Schema, where: str) -> Iterator[str]:
    if old.get("format") != new.get("format"):
        yield f"'{where}' changed format from {old.get('format')!r} to {new.get('format')!r}"
    if old.get("pattern") != new.get("pattern") and "pattern" in new:
        yield f"'{where}' changed pattern to {new['pattern']!r}"
    yield from _allowed_value_changes(old, new, where)
    for bound, is_maximum in _BOUNDS.items():
        if bound in new and _tightened(old.get(bound), new[bound], is_maximum):
            yield f"'{where}' tightened {bound} from {old.get(bound)!r} to {new[bound]!r}"


def _allowed(node: Schema) -> list[Any] | None:
    """The values an enum or a constant (a Literal) admits; None when any value of the type is."""
    if "const" in node:
        return [node["const"]]
    return list(node["enum"]) if "enum" in node else None


def _allowed_value_changes(old: Schema, new: Schema, where: str) -> Iterator[str]:
    old_values, new_values = _allowed(old), _allowed(new)
    if new_values is None:
        return  # no restriction, or one dropped: the values allowed only grew
    if old_values is None:
        yield f"'{where}' was restricted to the values {new_values!r}"
        return
    dropped = [value for value in old_values if value not in new_values]
    if dropped and "const" in old and "const" in new:
        yield f"'{where}' changed constant from {old['const']!r} to {new['const']!r}"
    elif dropped:
        yield f"'{where}' no longer allows the values {dropped!r}"


def _tightened(old_value: Any, new_value: Any, is_maximum: bool) -> bool:
    if old_value is None:
        return True
    return bool(new_value < old_value) if is_maximum else bool(new_value > old_value)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _show(types: frozenset[str]) -> str:
    return "|".join(sorted(types)) or "any"
