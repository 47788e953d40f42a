"""The Shopify simulator speaks the Admin GraphQL API's bulk operations as documented, and the small
pure functions around it compute what the docs say."""

from __future__ import annotations

import json

import httpx
import pytest

from lrreport.extract.shopify import orders_query
from lrreport.extract.shopify_client import throttle_wait
from lrreport.sim.shopify_server import RunningShopify
from lrreport.sim.shopify_store import QueryError, search_filter

POLL = "query($id: ID!) { node(id: $id) { ... on BulkOperation { id status objectCount url fileSize } } }"


def post(sim: RunningShopify, document: str, variables: dict | None = None, token: str | None = None):
    return httpx.post(
        f"{sim.base_url}/admin/api/2026-10/graphql.json",
        json={"query": document, "variables": variables or {}},
        headers={"X-Shopify-Access-Token": token or sim.token},
    )


def run_bulk(sim: RunningShopify, query: str) -> dict:
    mutation = (
        "mutation($q: String!) { bulkOperationRunQuery(query: $q) "
        "{ bulkOperation { id status } userErrors { field message code } } }"
    )
    return post(sim, mutation, {"q": query}).json()


def test_an_operation_goes_created_running_completed_and_serves_jsonl(shop: RunningShopify) -> None:
    started = run_bulk(
        shop, "{ orders { edges { node { id name total: totalPriceSet { shopMoney { amount } } } } } }"
    )
    op = started["data"]["bulkOperationRunQuery"]
    assert op["userErrors"] == [] and op["bulkOperation"]["status"] == "CREATED"
    assert started["extensions"]["cost"]["requestedQueryCost"] == 10
    seen = []
    for _ in range(200):
        node = post(shop, POLL, {"id": op["bulkOperation"]["id"]}).json()["data"]["node"]
        seen.append(node["status"])
        if node["status"] == "COMPLETED":
            break
    assert seen[0] == "RUNNING" and seen[-1] == "COMPLETED"
    assert set(node) == {"id", "status", "objectCount", "url", "fileSize"}
    body = httpx.get(node["url"]).content
    assert len(body) == int(node["fileSize"])
    lines = [json.loads(line) for line in body.decode().splitlines()]
    assert len(lines) == shop.store.count() == int(node["objectCount"])
    # only the selected fields, aliases honoured, in the store's id order
    assert set(lines[0]) == {"id", "name", "total"} and set(lines[0]["total"]) == {"shopMoney"}
    assert lines[0]["id"].startswith("gid://shopify/Order/") and lines[0]["name"].startswith("#LR")


def test_a_filtered_operation_returns_only_the_orders_updated_since(shop: RunningShopify) -> None:
    everything = shop.store.count()
    recent = run_bulk(
        shop,
        orders_query(None).replace("orders {", "orders(query: \"updated_at:>='2026-11-14T00:00:00Z'\") {"),
    )
    op_id = recent["data"]["bulkOperationRunQuery"]["bulkOperation"]["id"]
    for _ in range(200):
        node = post(shop, POLL, {"id": op_id}).json()["data"]["node"]
        if node["status"] == "COMPLETED":
            break
    lines = [json.loads(x) for x in httpx.get(node["url"]).text.splitlines()]
    assert 0 < len(lines) < everything
    assert all(line["updatedAt"] >= "2026-11-14T00:00:00Z" for line in lines)


def test_bad_queries_come_back_as_user_errors(shop: RunningShopify) -> None:
    answer = run_bulk(shop, "{ orders { edges { node { id colour } } } }")["data"]["bulkOperationRunQuery"]
    assert answer["bulkOperation"] is None
    assert answer["userErrors"] == [
        {"field": ["query"], "message": "Field 'colour' doesn't exist on type 'Order'", "code": "INVALID"}
    ]
    syntax = run_bulk(shop, "{ orders { edges ")["data"]["bulkOperationRunQuery"]["userErrors"]
    assert syntax[0]["code"] == "INVALID" and "Syntax Error" in syntax[0]["message"]


def test_throttled_answer_has_the_documented_shape(shop: RunningShopify) -> None:
    shop.faults.throttle = 1
    body = post(shop, POLL, {"id": "gid://shopify/BulkOperation/1"}).json()
    assert body["errors"][0]["message"] == "Throttled"
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    cost = body["extensions"]["cost"]
    assert cost["actualQueryCost"] is None and cost["requestedQueryCost"] == 1
    assert set(cost["throttleStatus"]) == {"maximumAvailable", "currentlyAvailable", "restoreRate"}
    assert "data" not in body


def test_a_wrong_token_gets_401(shop: RunningShopify) -> None:
    answer = post(shop, POLL, {"id": "x"}, token="nope")
    assert answer.status_code == 401 and "Invalid API key or access token" in answer.json()["errors"]


def test_throttle_wait_is_the_missing_points_over_the_restore_rate() -> None:
    def body(requested: float, available: float, rate: float) -> dict:
        return {
            "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
            "extensions": {
                "cost": {
                    "requestedQueryCost": requested,
                    "throttleStatus": {"currentlyAvailable": available, "restoreRate": rate},
                }
            },
        }

    assert throttle_wait(body(752, 2, 50)) == 15.0  # (752 - 2) / 50
    assert throttle_wait(body(10, 9.99, 100)) == 0.1  # 0.0001 s, floored at a tenth of a second
    assert throttle_wait({"errors": [{"extensions": {"code": "THROTTLED"}}]}) == 1.0  # no figures
    assert throttle_wait({"data": {}}) is None


def test_search_filter_knows_updated_at_comparisons_only() -> None:
    assert search_filter("updated_at:>='2026-11-01T00:00:00Z'") == (
        "updatedAt::TIMESTAMPTZ >= ?::TIMESTAMPTZ",
        ["2026-11-01T00:00:00Z"],
    )
    assert search_filter(None) == ("TRUE", [])
    with pytest.raises(QueryError, match="financial_status"):
        search_filter("financial_status:paid")


def test_orders_query_filters_on_updated_at_in_utc() -> None:
    from datetime import datetime, timedelta, timezone

    since = datetime(2026, 11, 20, 5, 15, tzinfo=timezone(timedelta(hours=-5)))
    assert "orders(query: \"updated_at:>='2026-11-20T10:15:00Z'\")" in orders_query(since)
    assert "orders {" in orders_query(None)


def test_the_shopify_section_is_read_and_checked(tmp_path) -> None:
    from lrreport.config import ConfigError, load_settings, shopify_token_from_env

    good = tmp_path / "good.toml"
    good.write_text('[shopify]\nshop = "my-store"\napi_version = "2026-07"\n')
    settings = load_settings(good, env={})
    assert (settings.shopify.shop, settings.shopify.api_version) == ("my-store", "2026-07")
    bad = tmp_path / "bad.toml"
    bad.write_text('[shopify]\napi_version = "2026-13"\n')
    with pytest.raises(ConfigError, match=r"bad.toml: shopify.api_version .* got '2026-13'"):
        load_settings(bad, env={})
    with pytest.raises(ConfigError, match="SHOPIFY_ACCESS_TOKEN"):
        shopify_token_from_env({})
    assert "shpat_x" not in repr(shopify_token_from_env({"SHOPIFY_ACCESS_TOKEN": "shpat_x"}))
