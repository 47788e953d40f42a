"""The Listrak SMS resources lrreport reads, described in our own code.

Each :class:`Model` names its fields with their JSON type and whether null is allowed, as
Listrak's published spec (a Swagger 2.0 file) defines them under the same definition names. The
client parses every record it receives with them (:meth:`Model.parse`: types checked, absent
fields read as null, fields Listrak may add later ignored); the simulator's tests hold its answers
to them exactly (:meth:`Model.problems`), and, where the spec file is found, the tests check these
models against it, so the project's own tests need nothing outside the project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lrreport.listrak.errors import ListrakError

INT32 = (-(2**31), 2**31 - 1)
# Listrak writes date-times as ISO 8601, usually without an offset.
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})?")


@dataclass(frozen=True)
class Field:
    """One field: ``kind`` is int32, string, boolean, date-time, or a model's name (a list of those)."""

    name: str
    kind: str
    nullable: bool = False


@dataclass(frozen=True)
class Model:
    """A resource of Listrak's SMS API (its definition name in the spec) and its fields."""

    name: str
    fields: tuple[Field, ...]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)

    def problems(self, record: Any, strict: bool = True) -> list[str]:
        """Every way ``record`` differs from the model; ``strict``: every field present, no other field."""
        if not isinstance(record, dict):
            return [f"{self.name}: expected an object, got {type(record).__name__}"]
        out = []
        if strict:
            out += [f"{self.name}.{n}: missing" for n in sorted(self.names - set(record))]
            out += [f"{self.name}.{n}: not in the model" for n in sorted(set(record) - self.names)]
        for f in self.fields:
            if f.name in record:
                out += _value_problems(f, record[f.name], f"{self.name}.{f.name}", strict)
        return out

    def parse(self, record: Any, where: str) -> dict[str, Any]:
        """The record's fields (absent ones None) after checking their types; ListrakError names a bad one."""
        problems = self.problems(record, strict=False)
        if problems:
            raise ListrakError(f"{where}: Listrak answered a record lrreport cannot read: {problems[0]}")
        return {f.name: record.get(f.name) for f in self.fields}


def _value_problems(field: Field, value: Any, where: str, strict: bool) -> list[str]:
    if value is None:
        return [] if field.nullable or not strict else [f"{where}: null where the model does not allow it"]
    kind = field.kind
    if kind == "int32":
        ok = isinstance(value, int) and not isinstance(value, bool) and INT32[0] <= value <= INT32[1]
    elif kind == "string":
        ok = isinstance(value, str)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "date-time":
        ok = isinstance(value, str) and _DATE_TIME.fullmatch(value) is not None
    else:
        if not isinstance(value, list):
            return [f"{where}: expected a list of {kind}, got {value!r:.60}"]
        return [p for item in value for p in MODELS[kind].problems(item, strict)]
    return [] if ok else [f"{where}: expected {kind}, got {value!r:.60}"]


def _model(name: str, *fields: tuple[str, str] | tuple[str, str, bool]) -> Model:
    return Model(name, tuple(Field(*f) for f in fields))


_CONTACT = (
    ("phoneNumber", "string"), ("emailAddress", "string"), ("firstName", "string"), ("lastName", "string"),
    ("birthday", "date-time", True), ("postalCode", "string"), ("optedOut", "boolean"),
    ("segmentationFieldValues", "SMSPhoneContactAttribute"),
)
MODELS: dict[str, Model] = {
    m.name: m
    for m in (
        _model(
            "SenderCode",
            ("shortCodeId", "int32"), ("code", "string"), ("country", "string"), ("merchantName", "string"),
            ("emailListId", "int32"), ("emailListName", "string"), ("externalEventId", "int32"),
            ("externalEventName", "string"), ("phoneNumberSegmentationFieldGroupId", "int32"),
            ("phoneNumberSegmentationFieldGroupName", "string"), ("phoneNumberSegmentationFieldId", "int32"),
            ("phoneNumberSegmentationFieldName", "string"),
            ("acquisitionSourceSegmentationFieldGroupId", "int32"),
            ("acquisitionSourceSegmentationFieldGroupName", "string"),
            ("acquisitionSourceSegmentationFieldId", "int32"),
            ("acquisitionSourceSegmentationFieldName", "string"),
        ),
        _model(
            "PhoneList",
            ("phoneListId", "int32"), ("phoneListName", "string"), ("createDate", "date-time"),
            ("status", "string"), ("smsListType", "string"), ("messageLimit", "int32"),
            ("messageLimitTimeFrame", "string"), ("requireDoubleOptIn", "boolean"),
            ("requireAgeGate", "boolean"),
        ),
        _model(
            "TransactionalMessage",
            ("transactionalMessageId", "int32"), ("transactionalMessageName", "string"),
            ("transactionalMessageStatus", "string"),
        ),
        _model("SMSPhoneContactAttribute", ("segmentationFieldId", "int32"), ("value", "string")),
        _model("SMSContact", *_CONTACT),
        _model(
            "SMSContactSubscriptionDetails",
            ("subscribeDate", "date-time", True), ("unsubscribeDate", "date-time", True), *_CONTACT,
        ),
        _model(
            "ContactListSubscription",
            ("phoneListId", "int32"), ("subscriptionState", "string"), ("subscribeDate", "date-time", True),
            ("unsubscribeDate", "date-time", True), ("pendingDate", "date-time", True),
            ("pendingDoubleOptIn", "boolean"), ("pendingAgeGate", "boolean"),
        ),
        _model(
            "OptOutContact",
            ("phoneNumber", "string"), ("optOutDate", "date-time"), ("optOutReason", "string"),
        ),
        _model(
            "PhoneAttribute",
            ("segmentationFieldId", "int32"), ("segmentationFieldName", "string"), ("dataType", "string"),
            ("maxLength", "int32", True), ("statusFlag", "string"),
        ),
    )
}

SENDER_CODE = MODELS["SenderCode"]
PHONE_LIST = MODELS["PhoneList"]
TRANSACTIONAL_MESSAGE = MODELS["TransactionalMessage"]
CONTACT = MODELS["SMSContact"]
CONTACT_DETAILS = MODELS["SMSContactSubscriptionDetails"]
CONTACT_LIST = MODELS["ContactListSubscription"]
OPT_OUT = MODELS["OptOutContact"]
PROFILE_FIELD = MODELS["PhoneAttribute"]

_SPEC_KINDS = {("integer", "int32"): "int32", ("string", None): "string", ("boolean", None): "boolean",
               ("string", "date-time"): "date-time"}


def spec_differences(spec: dict[str, Any]) -> list[str]:
    """How these models differ from the definitions of Listrak's published spec (empty: they agree)."""
    out = []
    definitions = spec.get("definitions", {})
    for model in MODELS.values():
        definition = definitions.get(model.name)
        if definition is None:
            out.append(f"{model.name}: no such definition in the spec")
            continue
        properties = definition.get("properties", {})
        out += [f"{model.name}.{n}: not in the spec" for n in sorted(model.names - set(properties))]
        extra = sorted(set(properties) - model.names)
        out += [f"{model.name}.{n}: in the spec, not in the model" for n in extra]
        for f in model.fields:
            prop = properties.get(f.name)
            if prop is None:
                continue
            if prop.get("type") == "array":
                kind = prop.get("items", {}).get("$ref", "").rsplit("/", 1)[-1]
            else:
                spelled = (prop.get("type"), prop.get("format"))
                kind = _SPEC_KINDS.get(spelled, "/".join(map(str, spelled)))
            if kind != f.kind:
                out.append(f"{model.name}.{f.name}: the spec says {kind}, the model {f.kind}")
            if bool(prop.get("x-nullable")) != f.nullable:
                out.append(f"{model.name}.{f.name}: nullable differs (spec {bool(prop.get('x-nullable'))})")
    return out
