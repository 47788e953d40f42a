"""Check API responses against Listrak's published Swagger 2.0 spec, strictly.

The spec's schemas are open (no ``required``, no ``additionalProperties``), so validating against
them as written would accept almost anything. ``SpecValidator`` reads them strictly instead:
every declared field must be present, no undeclared field may appear (except ``nextPageCursor`` on
collection envelopes, which pages them), null only where ``x-nullable`` says so, ``int32`` within
its range, ``date-time`` as ISO 8601 (Listrak writes it without an offset), error codes from the
spec's table, and an envelope's ``status`` equal to the HTTP status. Used by the simulator's
conformance tests so the simulator cannot drift from the published contract.
"""

from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, FormatChecker

SPEC_ENV = "LISTRAK_SPEC_PATH"
SPEC_RELATIVE = Path("shared") / "listrak" / "listrak-sms-openapi.json"
# Codes the spec does not list but the simulator uses for statuses it does not document.
UNDOCUMENTED_ERROR_CODES = frozenset({"ERROR_TOO_MANY_REQUESTS"})
_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})?"
)
_INT32 = {"minimum": -(2**31), "maximum": 2**31 - 1}


class ConformanceError(AssertionError):
    """A response does not match the spec; the message lists every mismatch."""


def find_spec(start: Path | None = None) -> Path:
    """The spec file: ``$LISTRAK_SPEC_PATH``, else ``shared/listrak/...`` beside a parent of ``start``."""
    if os.environ.get(SPEC_ENV):
        return Path(os.environ[SPEC_ENV])
    here = (start or Path(__file__)).resolve()
    for parent in [here, *here.parents]:
        if (parent / SPEC_RELATIVE).is_file():
            return parent / SPEC_RELATIVE
    raise FileNotFoundError(
        f"Listrak's spec was not found: set {SPEC_ENV} to the path of listrak-sms-openapi.json"
    )


def load_spec(path: Path | str | None = None) -> dict[str, Any]:
    """The parsed spec document."""
    return json.loads(Path(path or find_spec()).read_text(encoding="utf-8"))


def _check_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    match = _DATE_TIME.fullmatch(value)
    if not match:
        return False
    try:
        date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return False
    return True


FORMATS = FormatChecker(formats=())
FORMATS.checks("date-time")(_check_date_time)


def _strict(node: dict[str, Any]) -> dict[str, Any]:
    """One Swagger schema node as a closed JSON Schema (draft 7) node."""
    if "$ref" in node:
        out: dict[str, Any] = {"$ref": node["$ref"]}
    elif node.get("type") == "object" or "properties" in node:
        props = {name: _strict(sub) for name, sub in node.get("properties", {}).items()}
        out = {
            "type": "object",
            "properties": props,
            "required": sorted(props),
            "additionalProperties": False,
        }
    elif node.get("type") == "array":
        out = {"type": "array", "items": _strict(node.get("items", {}))}
    else:
        out = {"type": node["type"]} if "type" in node else {}
        if node.get("format") in ("int32", "int64") and node.get("type") == "integer":
            out.update(_INT32 if node["format"] == "int32" else {})
        elif node.get("format"):
            out["format"] = node["format"]
        if "enum" in node:
            out["enum"] = list(node["enum"])
    if node.get("x-nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def strict_definitions(spec: dict[str, Any]) -> dict[str, Any]:
    """Every definition of the spec made strict, envelopes allowing (or requiring) ``nextPageCursor``."""
    defs = {name: _strict(schema) for name, schema in copy.deepcopy(spec["definitions"]).items()}
    cursor = {"type": ["string", "null"]}
    for name, schema in defs.items():
        if name.startswith("CollectionPaged["):
            schema["properties"]["nextPageCursor"] = cursor
        elif name.startswith("Collection["):
            schema["properties"]["nextPageCursor"] = cursor  # allowed; not in "required"
    return defs


def _inline(node: Any, defs: dict[str, Any], trail: tuple[str, ...]) -> Any:
    """``node`` with every ``#/definitions/...`` ref replaced by (a copy of) its target."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            name = ref.split("/")[-1]
            if name in trail:
                raise ValueError(f"recursive definition {name!r} cannot be inlined")
            return _inline(defs[name], defs, (*trail, name))
        return {key: _inline(value, defs, trail) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(value, defs, trail) for value in node]
    return node


def documented_error_codes(spec: dict[str, Any]) -> frozenset[str]:
    """The ``ERROR_*`` codes named in the spec's error-code tables."""
    return frozenset(re.findall(r"\|\s*(ERROR_[A-Z_]+)\s*\|", spec["info"].get("description", "")))


@dataclass(frozen=True)
class _Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    responses: dict[str, Any]
    literals: int


class SpecValidator:
    """Validates (method, URL path, status, JSON body) against the operation the path matches."""

    def __init__(self, spec: dict[str, Any], extra_error_codes: frozenset[str] = UNDOCUMENTED_ERROR_CODES):
        self.spec = spec
        self.base_path = spec.get("basePath", "").rstrip("/")
        self.definitions = strict_definitions(spec)
        self.error_codes = documented_error_codes(spec) | extra_error_codes
        self._operations: list[_Operation] = []
        for template, item in spec["paths"].items():
            parts = re.split(r"(\{\w+\})", template)
            regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
            literals = sum(1 for seg in template.split("/") if seg and not seg.startswith("{"))
            for method, op in item.items():
                self._operations.append(
                    _Operation(
                        method.upper(),
                        template,
                        re.compile(f"^{regex}/?$", re.IGNORECASE),
                        op.get("responses", {}),
                        literals,
                    )
                )
        self._validators: dict[str, Draft7Validator] = {}

    def operation(self, method: str, url_path: str) -> _Operation | None:
        """The spec operation for a method and a URL path (``/sms/v1/...``), or None."""
        path = url_path
        if self.base_path and path.lower().startswith(self.base_path.lower() + "/"):
            path = path[len(self.base_path) :]
        found = [op for op in self._operations if op.method == method.upper() and op.pattern.match(path)]
        return max(found, key=lambda op: op.literals) if found else None

    def schema_name(self, method: str, url_path: str, status: int) -> str:
        """The definition a response must follow: the operation's for that status, else ``Error``."""
        op = self.operation(method, url_path)
        if op is not None:
            response = op.responses.get(str(status)) or op.responses.get("default")
            ref = (response or {}).get("schema", {}).get("$ref", "")
            if ref.startswith("#/definitions/"):
                return ref.split("/")[-1]
            if status < 400 and response is None:
                raise ConformanceError(f"{method} {url_path}: status {status} is not a documented response")
        if status < 400:
            raise ConformanceError(f"{method} {url_path}: no such operation in the spec")
        return "Error"

    def _validator(self, name: str) -> Draft7Validator:
        if name not in self._validators:
            # The spec's definitions are not recursive: inlining the refs makes validation fast.
            schema = _inline(self.definitions[name], self.definitions, ())
            self._validators[name] = Draft7Validator(schema, format_checker=FORMATS)
        return self._validators[name]

    def errors(self, method: str, url_path: str, status: int, body: Any) -> list[str]:
        """Every way the response differs from the spec (empty when it conforms)."""
        try:
            name = self.schema_name(method, url_path, status)
        except ConformanceError as exc:
            return [str(exc)]
        problems = [
            f"{name}: {'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}"
            for e in sorted(
                self._validator(name).iter_errors(body), key=lambda e: [str(p) for p in e.absolute_path]
            )
        ]
        status_field = self.definitions[name].get("properties", {}).get("status", {})
        envelope = isinstance(body, dict) and status_field.get("type") == "integer" and "status" in body
        if envelope and body["status"] != status:  # an envelope's (or error's) status is the HTTP one
            problems.append(f"{name}: body status {body['status']!r} differs from HTTP status {status}")
        if name == "Error" and isinstance(body, dict) and body.get("error") not in self.error_codes:
            problems.append(f"Error: error code {body.get('error')!r} is not in the spec's tables")
        return problems

    def validate(self, method: str, url_path: str, status: int, body: Any) -> None:
        """Raise ``ConformanceError`` naming every mismatch of this response with the spec."""
        problems = self.errors(method, url_path, status, body)
        if problems:
            raise ConformanceError(f"{method} {url_path} -> {status}:\n  " + "\n  ".join(problems))
