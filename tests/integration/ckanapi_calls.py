"""The HTTP calls `ckanapi dump` and `ckanapi load` make (ckanapi/cli/dump.py and load.py), for
tests that move a site without ckanapi installed. Facts of those calls:

- dump: `<thing>_list` with all_fields=False (names, or dicts whose name is taken), then for each
  name `<thing>_show` with {id, include_datasets: False, include_password_hash: True}; one JSON
  object a line, keys sorted.
- load: for each record, `<thing>_show` by its id (same extra keys), else by its name; when one
  exists, the record's id becomes the existing one's (and an organization's or group's users are
  kept when the record has none) and `<thing>_update` is called, else `<thing>_create`, with the
  whole record as the body.
- load --upload-resources: after a dataset, for each resource whose url_type is "upload", the
  file from its url is sent to `resource_patch` as multipart: field id, file "upload" named by
  the url's last path segment.
Every call is a POST with a JSON body and the API token in Authorization."""
import http.client
import json
import uuid
from urllib.parse import urlsplit

from govhub_harness import Browser

SHOW_EXTRAS = {"include_datasets": False, "include_password_hash": True}
ACTIONS = {"datasets": "package", "groups": "group", "organizations": "organization", "users": "user"}


def action(server, token, name, body):
    r = Browser(server).post_json("/api/3/action/" + name, body, headers={"Authorization": token} if token else {})
    return r.status, r.json()


def dump(server, token, thing, names=None):
    """`ckanapi dump <thing> --all` (or the given names): the JSON-lines text it writes."""
    prefix = ACTIONS[thing]
    if names is None:
        status, body = action(server, token, prefix + "_list", {"all_fields": False})
        assert status == 200, body
        names = body["result"]
    names = [n.get("name", n.get("id")) if isinstance(n, dict) else n for n in names]
    lines = []
    for name in names:
        status, body = action(server, token, prefix + "_show", dict(SHOW_EXTRAS, id=name))
        assert status == 200, (name, body)
        lines.append(json.dumps(body["result"], ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    return "".join(line + "\n" for line in lines)


def load(server, token, thing, jsonl_text, fetch=None):
    """`ckanapi load <thing>` of JSON-lines text (with --upload-resources when `fetch` is given:
    fetch(resource) returns the file's bytes). Returns ckanapi's replies: [action, error, answer]."""
    prefix = ACTIONS[thing]
    replies = []
    for line in jsonl_text.splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)
        existing = None
        if obj.get("id"):
            status, body = action(server, token, prefix + "_show", dict(SHOW_EXTRAS, id=obj["id"]))
            if status == 200:
                existing = body["result"]
        if existing is None and obj.get("name"):
            status, body = action(server, token, prefix + "_show", {"id": obj["name"]})
            if status == 200:
                existing = body["result"]
        if existing is not None:
            obj["id"] = existing["id"]
            if thing in ("organizations", "groups") and "users" not in obj and "users" in existing:
                obj["users"] = existing["users"]
        act = "update" if existing is not None else "create"
        status, body = action(server, token, "%s_%s" % (prefix, act), obj)
        if status != 200:
            replies.append([act, body.get("error", {}).get("__type"), body.get("error")])
            continue
        if thing == "datasets" and fetch is not None:
            for res in obj.get("resources", []):
                if res.get("url_type") == "upload":
                    filename = res["url"].rsplit("/", 1)[-1]
                    status, answer = multipart(server, token, "resource_patch", {"id": res["id"]},
                                               filename, fetch(res))
                    assert status == 200, answer
        replies.append([act, None, body["result"].get("name", body["result"].get("id"))])
    return replies


def multipart(server, token, name, fields, filename, content):
    boundary = "ckanapi" + uuid.uuid4().hex
    body = b""
    for k, v in fields.items():
        body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, k, v)).encode()
    body += ("--%s\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"%s\"\r\n"
             "Content-Type: application/octet-stream\r\n\r\n" % (boundary, filename)).encode()
    body += content + ("\r\n--%s--\r\n" % boundary).encode()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = {"Content-Type": "multipart/form-data; boundary=" + boundary}
    if token:
        headers["Authorization"] = token
    conn.request("POST", "/api/3/action/" + name, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, json.loads(data)


def download(server, url):
    """A file of a govhub site, by its absolute url (what ckanapi's requests.get does)."""
    parts = urlsplit(url)
    r = Browser(server).get(parts.path + ("?" + parts.query if parts.query else ""))
    assert r.status == 200, url
    return r.body
