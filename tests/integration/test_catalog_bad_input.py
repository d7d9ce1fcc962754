"""Every catalog action from the issue, tried with missing, wrongly typed, hostile and unknown
input: a CKAN error (4xx, success false) every time, never a server error, and nothing changed."""
import pytest

from govhub_harness import Browser
from test_catalog_api import call, ok, world  # noqa: F401  (fixture)

ACTIONS = [
    "package_list", "current_package_list_with_resources", "package_show", "package_search", "package_autocomplete",
    "package_create", "package_update", "package_patch", "package_revise", "package_delete", "dataset_purge",
    "bulk_update_private", "bulk_update_public", "bulk_update_delete", "resource_show", "resource_create",
    "resource_update", "resource_patch", "resource_delete", "organization_list", "organization_show",
    "organization_autocomplete", "organization_create", "organization_update", "organization_patch",
    "organization_delete", "organization_member_create", "organization_member_delete", "organization_list_for_user",
    "group_list", "group_show", "group_create", "group_update", "group_patch", "group_delete", "member_create",
    "member_delete", "member_list", "tag_list", "tag_autocomplete", "license_list", "user_show", "user_list",
    "package_activity_list", "organization_activity_list", "help_show",
    "datastore_search", "datastore_info", "datastore_create", "datastore_upsert", "datastore_delete",
    "datastore_records_delete", "datastore_search_sql", "resource_view_create", "resource_view_update",
    "resource_view_patch", "resource_view_delete", "resource_view_list", "resource_view_show",
]
READ_ONLY = {"package_list", "current_package_list_with_resources", "package_autocomplete", "organization_list",
             "organization_autocomplete", "organization_list_for_user", "group_list", "tag_list", "tag_autocomplete",
             "license_list", "user_list", "package_search", "user_show", "datastore_search", "datastore_info",
             "datastore_search_sql", "resource_view_list", "resource_view_show"}

BAD_BODIES = [
    {},
    {"id": ["not", "a", "string"], "name": {"x": 1}, "package_id": 42, "q": ["a"], "rows": "many", "title": None},
    {"id": "00000000-0000-4000-8000-000000000000", "name": "no-such-thing", "package_id": "no-such-dataset",
     "username": "nobody-at-all", "role": "king", "object": "x", "object_type": "package", "org_id": "nope",
     "datasets": ["x"], "match": {"name": "no-such-dataset"}},
    {"id": "' OR 1=1 --", "name": "<script>alert(1)</script>", "q": "\u0000\u202e", "title": "ก" * 20000,
     "facet.field": "[[[", "sort": "; DROP TABLE datasets", "limit": "-5", "offset": "99999999999"},
    {"rows": "-", "start": "1-2", "limit": "--1", "facet.limit": "9" * 30, "facet.mincount": " 1"},
]


@pytest.mark.parametrize("action", ACTIONS)
def test_action_survives_bad_input(server, world, action):
    api = Browser(server)
    before = ok(call(Browser(server), "package_list", method="GET"))
    for token in (None, world["people"]["editor"], world["sysadmin"]):
        for i, body in enumerate(BAD_BODIES):
            r = call(api, action, body, token)
            assert r.status < 500, (action, body, r.status, r.text[:300])
            envelope = r.json()
            assert "success" in envelope and "help" in envelope, (action, r.text[:200])
            # Missing, wrongly typed and hostile input never changes anything. (Body 2 names
            # unknown objects with well-formed values, which a create action may accept.)
            if action not in READ_ONLY and i != 2:
                assert envelope["success"] is False, (action, body, r.text[:200])
    assert ok(call(Browser(server), "package_list", method="GET")) == before, action
