"""The two file sources, send logs and orders: their columns, which are required, their SQL."""

from __future__ import annotations

from dataclasses import dataclass

from lrreport.config import Settings


@dataclass(frozen=True)
class FileSource:
    """What a file source needs: canonical columns, required ones, target table, SQL steps."""

    name: str  # sends | orders
    target: str  # raw table
    columns: tuple[str, ...]
    required: tuple[str, ...]
    typed_sql: str
    phone_rule_sql: str
    bad_sql: str
    rejects_sql: str

    def column_map(self, settings: Settings) -> dict[str, str]:
        """The configured renames for this source (``[load] sends_columns`` / ``orders_columns``)."""
        return dict(settings.load.sends_columns if self.name == "sends" else settings.load.orders_columns)


SENDS = FileSource(
    name="sends",
    target="raw.sends",
    columns=(
        "send_id",
        "sent_at",
        "sender_code_id",
        "phone_list_id",
        "transactional_message_id",
        "phone_number",
        "message_content",
        "http_status",
        "resource_id",
        "error_code",
        "order_id",
        "latency_ms",
    ),
    required=(
        "sent_at",
        "sender_code_id",
        "phone_list_id",
        "transactional_message_id",
        "phone_number",
        "message_content",
        "http_status",
    ),
    typed_sql="load/sends_typed",
    phone_rule_sql="load/sends_phone_rule",
    bad_sql="load/sends_bad",
    rejects_sql="load/sends_rejects",
)

ORDERS = FileSource(
    name="orders",
    target="raw.orders",
    columns=(
        "order_id",
        "ordered_at",
        "order_total",
        "phone_number",
        "email",
        "currency",
        "status",
        "refunded_total",
        "landing_url",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_content",
        "shipped_at",
        "delivered_at",
        "order_name",
        "visited_at",
    ),
    required=("order_id", "ordered_at", "order_total"),
    typed_sql="load/orders_typed",
    phone_rule_sql="load/orders_phone_rule",
    bad_sql="load/orders_bad",
    rejects_sql="load/orders_rejects",
)

SOURCES = {s.name: s for s in (SENDS, ORDERS)}
