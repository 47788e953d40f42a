"""How the codes in the marts read to a person: opt-out reasons, attribution rules, error codes.

The marts keep the codes (``Campaign``, ``post_send``, ``ERROR_INVALID_PHONE_NUMBER``) and so do the
CSV downloads; charts and tables show these labels. A code without a label shows as it is.
"""

from __future__ import annotations

from collections.abc import Callable

# Listrak's optOutReason values (DOMAIN.md); "Campaign" is a reply of STOP to a message.
OPTOUT_REASONS = {
    "Campaign": "Replied STOP",
    "Admin": "Removed by an admin",
    "DeliveryFailure": "Delivery failures",
    "Import": "Opted out in an import",
    "API": "Opted out through the API",
    "Deactivated": "Number deactivated",
    "PermanentError": "Permanent carrier error",
    "Workflow": "Opted out by a workflow",
}
# fct_orders.attribution_rule / fct_order_attribution.rule (README, "the rules the marts follow")
ATTRIBUTION_RULES = {
    "link": "Link click",
    "post_send": "After a send",
    "unmapped": "Unmapped SMS campaign",
    "not attributed": "Not attributed",
}


def error_code(code: str) -> str:
    """``ERROR_INVALID_PHONE_NUMBER`` -> ``Invalid phone number``."""
    words = str(code).removeprefix("ERROR_").replace("_", " ").strip().lower()
    return words[:1].upper() + words[1:] if words else str(code)


def _mapping(table: dict[str, str]) -> Callable[[str], str]:
    return lambda code: table.get(str(code), str(code))


# columns of the report queries that hold a code, and how each reads
COLUMNS: dict[str, Callable[[str], str]] = {
    "reason": _mapping(OPTOUT_REASONS),
    "rule": _mapping(ATTRIBUTION_RULES),
    "attribution_rule": _mapping(ATTRIBUTION_RULES),
    "error_code": error_code,
}


def readable(column: str, value: object) -> object:
    """The label of ``value`` when ``column`` holds codes, else ``value`` unchanged (None stays None)."""
    if value is None or (isinstance(value, float) and value != value):
        return value
    label = COLUMNS.get(column)
    return label(str(value)) if label is not None else value
