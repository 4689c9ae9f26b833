"""Post-processing of the OpenAPI document, so that it validates (openapi-spec-validator, Redocly's recommended
rules): fixes for what drf-spectacular emits in OpenAPI 3.0, applied once to the whole document.

- ``nullable`` next to a lone ``$ref`` (in ``allOf``/``oneOf``) gets the ``type`` of the schema it refers to: in
  3.0, ``nullable`` without a sibling ``type`` means nothing;
- a ``default`` that drf-spectacular put inside one branch of a ``oneOf`` (``""`` for an optional e-mail or
  ECCN, in the branch whose ``format``/``pattern`` refuses ``""``) moves up to the property, where the other branch
  (``maxLength: 0``) makes it valid.

- an ``enum`` whose values differ only in case (country codes are accepted as ``JP`` and ``jp``) gets
  ``x-enum-varnames`` (``JP``, ``JP_LOWERCASE``), so that generated clients (openapi-python-client) do not
  derive two members of one name.

``tests/hardening/test_openapi_lint.py`` runs both validators over the live schema in CI.
"""

from __future__ import annotations

from typing import Any


def _ref_type(node: dict, schemas: dict[str, Any]) -> str | None:
    for key in ("allOf", "oneOf", "anyOf"):
        branches = node.get(key) or []
        refs = [b["$ref"] for b in branches if isinstance(b, dict) and "$ref" in b]
        if len(refs) == 1 and len(branches) == 1:
            target = schemas.get(refs[0].rsplit("/", 1)[-1], {})
            if "type" in target:
                return target["type"]
            if "enum" in target:
                return "string"
            return "object"
    return None


def _enum_varnames(values: list[Any]) -> list[str] | None:
    if not all(isinstance(v, str) for v in values) or len({v.upper() for v in values}) == len(values):
        return None
    names = []
    for value in values:
        base = "".join(ch if ch.isalnum() else "_" for ch in value.upper()) or "EMPTY"
        if not base[0].isalpha():
            base = f"VALUE_{base}"
        names.append(base + ("_LOWERCASE" if value != value.upper() else ""))
    return names if len(set(names)) == len(names) else None


def _fix(node: Any, schemas: dict[str, Any]) -> None:
    if isinstance(node, list):
        for item in node:
            _fix(item, schemas)
        return
    if not isinstance(node, dict):
        return
    if node.get("nullable") and "type" not in node:
        kind = _ref_type(node, schemas)
        if kind:
            node["type"] = kind
    if isinstance(node.get("enum"), list) and "x-enum-varnames" not in node:
        names = _enum_varnames(node["enum"])
        if names:
            node["x-enum-varnames"] = names
    for branch in node.get("oneOf") or []:
        if isinstance(branch, dict) and "default" in branch:
            node.setdefault("default", branch.pop("default"))
    for value in node.values():
        _fix(value, schemas)


def postprocess(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """A ``POSTPROCESSING_HOOKS`` entry of drf-spectacular."""
    _fix(result, result.get("components", {}).get("schemas", {}))
    return result
