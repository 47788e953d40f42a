"""The strict spec validator itself: it must reject bodies that drift from Listrak's contract."""

from __future__ import annotations

import copy

import pytest

from lrreport.sim.conformance import ConformanceError, SpecValidator, load_spec


@pytest.fixture(scope="module")
def validator() -> SpecValidator:
    return SpecValidator(load_spec())


PHONE_LIST = {
    "phoneListId": 1,
    "phoneListName": "Tx",
    "createDate": "2023-01-05T10:00:00",
    "status": "Active",
    "smsListType": "Transactional",
    "messageLimit": 0,
    "messageLimitTimeFrame": "",
    "requireDoubleOptIn": False,
    "requireAgeGate": False,
}
OPTOUTS = {
    "status": 200,
    "nextPageCursor": None,
    "data": [{"phoneNumber": "15551234567", "optOutDate": "2024-02-01T00:00:00", "optOutReason": "API"}],
}
BASE = "/sms/v1/ShortCode/1"


def test_good_bodies_pass(validator):
    validator.validate("GET", f"{BASE}/PhoneList/2", 200, PHONE_LIST)
    validator.validate("GET", f"{BASE}/OptOut", 200, OPTOUTS)
    validator.validate("GET", f"{BASE}/OptOut", 200, {**OPTOUTS, "nextPageCursor": "abc"})
    validator.validate(
        "GET",
        f"{BASE}/PhoneList/2",
        404,
        {"status": 404, "error": "ERROR_UNABLE_TO_LOCATE_RESOURCE", "message": "x"},
    )
    validator.validate(
        "POST",
        f"{BASE}/PhoneList/2/TransactionalMessage/3/Message",
        201,
        {"status": 201, "resourceId": "abc"},
    )


@pytest.mark.parametrize(
    ("method", "path", "status", "body", "needle"),
    [
        # the single list route returns the bare object in the spec, so an envelope is drift
        ("GET", f"{BASE}/PhoneList/2", 200, {"status": 200, "data": PHONE_LIST}, "'data' was unexpected"),
        # a misspelt field
        (
            "GET",
            f"{BASE}/PhoneList/2",
            200,
            {**{k: v for k, v in PHONE_LIST.items() if k != "phoneListId"}, "phoneListID": 1},
            "phoneListId",
        ),
        # a number sent as a string
        ("GET", f"{BASE}/PhoneList/2", 200, {**PHONE_LIST, "phoneListId": "1"}, "is not of type 'integer'"),
        # out of int32
        ("GET", f"{BASE}/PhoneList/2", 200, {**PHONE_LIST, "phoneListId": 2**31}, "maximum"),
        # null where the spec does not say x-nullable
        ("GET", f"{BASE}/PhoneList/2", 200, {**PHONE_LIST, "phoneListName": None}, "None is not of type"),
        # a date that is not ISO 8601
        ("GET", f"{BASE}/PhoneList/2", 200, {**PHONE_LIST, "createDate": "01/05/2023"}, "date-time"),
        ("GET", f"{BASE}/PhoneList/2", 200, {**PHONE_LIST, "createDate": "2023-02-30T00:00:00"}, "date-time"),
        # enum
        (
            "GET",
            f"{BASE}/OptOut",
            200,
            {**OPTOUTS, "data": [{**OPTOUTS["data"][0], "optOutReason": "STOP"}]},
            "is not one of",
        ),
        # envelope status must be the HTTP status
        ("GET", f"{BASE}/OptOut", 200, {**OPTOUTS, "status": 201}, "differs from HTTP status"),
        # an error body with an invented code or a missing message
        ("GET", f"{BASE}/OptOut", 400, {"status": 400, "error": "ERROR_NOPE", "message": "x"}, "ERROR_NOPE"),
        ("GET", f"{BASE}/OptOut", 400, {"status": 400, "error": "ERROR_INVALID_PARAMETER"}, "'message'"),
        # a route or status the spec does not have
        ("GET", "/sms/v1/Nothing", 200, {}, "no such operation"),
        ("GET", f"{BASE}/OptOut", 201, {"status": 201}, "not a documented response"),
    ],
)
def test_drift_is_caught(validator, method, path, status, body, needle):
    with pytest.raises(ConformanceError) as caught:
        validator.validate(method, path, status, copy.deepcopy(body))
    assert needle in str(caught.value)


def test_nullable_fields_accept_null(validator):
    body = {
        "status": 200,
        "data": {
            "segmentationFieldId": 1,
            "segmentationFieldName": "x",
            "dataType": "Text",
            "maxLength": None,
            "statusFlag": "Active",
        },
    }
    validator.validate("GET", f"{BASE}/SegmentationField/1", 200, body)
    body["data"]["statusFlag"] = None
    with pytest.raises(ConformanceError):
        validator.validate("GET", f"{BASE}/SegmentationField/1", 200, body)
