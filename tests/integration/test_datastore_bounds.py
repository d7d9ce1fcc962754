"""Bounds on datastore_search's structured parameters (issue 12): filters nest at most 8 levels
and name at most 100 keys, sort has at most 10 keys, fields at most 1,000 ids. Each is tried at
the limit and one past it; past it the answer is CKAN's 409 Validation Error naming the
parameter."""
import json

from test_catalog_api import call, world  # noqa: F401  (fixture)
from test_datastore import table  # noqa: F401  (fixture)
from govhub_harness import Browser


def search(server, table, **params):
    params["resource_id"] = table["id"]
    return call(Browser(server), "datastore_search", params)


def error_of(r, field):
    assert r.status == 409, r.text[:300]
    err = r.json()["error"]
    assert err["__type"] == "Validation Error", err
    return " ".join(err.get(field, []))


def nested(depth):
    """A filters object `depth` levels deep: {"อำเภอ": [[...["x"]...]]}."""
    value = "x"
    for _ in range(depth - 1):
        value = [value]
    return {"อำเภอ": value}


def test_filters_nesting(server, table):
    # At the limit the nesting is accepted by the bound (the shape is then refused for what it
    # is: lists inside lists); one past it the bound answers.
    why = error_of(search(server, table, filters=json.dumps(nested(8))), "filters")
    assert "deeper" not in why and "lists inside lists" in why, why
    why = error_of(search(server, table, filters=json.dumps(nested(9))), "filters")
    assert "deeper than 8" in why, why
    # An ordinary nested filter still works.
    r = search(server, table, filters=json.dumps({"ชาย": [{"gte": 58222, "lt": 100000}]}))
    assert r.status == 200, r.text[:300]


def test_filters_keys(server, table):
    # Unknown fields are refused by name, so the limit shows in which error comes first.
    at = {"อำเภอ": "ฝาง", **{"f%03d" % i: "x" for i in range(99)}}
    why = error_of(search(server, table, filters=json.dumps(at)), "filters")
    assert "not in the table" in why, why
    over = {"อำเภอ": "ฝาง", **{"f%03d" % i: "x" for i in range(100)}}
    why = error_of(search(server, table, filters=json.dumps(over)), "filters")
    assert "more than 100 keys" in why, why


def test_sort_keys(server, table):
    at = ",".join(["ชาย", "หญิง"] * 5)
    r = search(server, table, sort=at)
    assert r.status == 200, r.text[:300]
    why = error_of(search(server, table, sort=at + ",อำเภอ"), "sort")
    assert "more than 10 keys" in why, why


def test_fields_ids(server, table):
    at = ["อำเภอ"] * 1000
    r = Browser(server).post_json("/api/3/action/datastore_search",
                                  {"resource_id": table["id"], "fields": at, "limit": 1})
    assert r.status == 200, r.text[:300]
    r = Browser(server).post_json("/api/3/action/datastore_search",
                                  {"resource_id": table["id"], "fields": at + ["ชาย"], "limit": 1})
    assert "more than 1000 field ids" in error_of(r, "fields")
