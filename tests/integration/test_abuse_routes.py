"""The abuse suite that cannot forget a route (issue #12).

It reads the router's real table (`govhub routes --json`, the table `serve` builds) and fails,
naming them, when
  - a state-changing route (POST/PUT/PATCH/DELETE) has no CSRF entry in CSRF below, or
  - a route with a {param} in its path has no IDOR entry in IDOR below, or
  - a route registered with csrf=false is not listed, with its reason, in CSRF_EXEMPT.

A new module adds its routes here in the same change: one CSRF line per state-changing route, one
IDOR line per route with an id in its path. Objects are created once per session (`world`).

CSRF: a signed-in sysadmin's browser (who may do anything, so a 403 can only be the CSRF check)
sends each request without the token and with a wrong one: 403, and nothing changed.
IDOR: the object belongs to agency A (or to a user of it); an anonymous visitor, another plain
user and an editor of agency B try the route with valid CSRF tokens of their own: refused
(401/403/404, or the login page), unless the entry says the object is public.
"""
import datetime
import json
import re
import time
import urllib.parse
import uuid

import pytest

from accounts_helpers import create_token_via_page, login, registered_user, unique_name
from learning_helpers import identity_fields, scorm_lesson
from govhub_harness import Browser
from test_catalog_api import call, ok, record_dataset
from test_catalog_workbook import upload_workbook, wait_report
from test_datastore import wait_for_load
from test_learning_courses import multipart
from test_learning_verify import Issued, png
from test_officer_membership import GOOD as OFFICER_FORM, upload as upload_document
from test_resource_upload import upload as upload_resource
from test_workd_dns import file_and_approve

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
ROOT_PASSWORD = "ผู้ดูแล-ทดสอบ-2569"  # conftest's sysadmin
CSV = ("สถานี,จังหวัด,ฝน,lat,lon\n"
       "เชียงใหม่,เชียงใหม่,0.5,18.77,98.97\n"
       "สงขลา,สงขลา,48.6,7.20,100.60\n")

# Routes registered with csrf=false, each with the reason it is safe. None today: the CSRF
# middleware already lets token-authenticated and cookieless API calls through, so no route
# needs the flag. A new csrf=false route fails test_every_route_has_entries until listed here.
CSRF_EXEMPT = {
    # ("POST", "/api/example"): "why a cookie-only request cannot act as the user here",
    ("POST", "/api/learning/scorm/commit"): "the SCORM runtime's commits: the credential is the "
        "per-attempt bearer token of the Authorization header; cookies are never read (the route's "
        "own_credentials), so a cookie-only request is 401",
}

# One entry per state-changing route: the path (world keys in braces) and the body it sends.
# "json" bodies go as application/json, the rest as a form.
CSRF = {
    # accounts
    ("POST", "/user/register"): ("/user/register", {"name": "csrf-x", "email": "csrf-x@example.go.th",
                                                    "password": "x" * 12, "password_confirm": "x" * 12}),
    ("POST", "/user/verify/resend"): ("/user/verify/resend", {"email": "root-it@example.go.th"}),
    ("POST", "/user/login"): ("/user/login", {"login": "root-it", "password": ROOT_PASSWORD}),
    ("POST", "/user/login/code"): ("/user/login/code", {"code": "000000"}),
    ("POST", "/user/2fa/enable"): ("/user/2fa/enable", {"code": "000000"}),
    ("POST", "/user/2fa/recovery-codes"): ("/user/2fa/recovery-codes", {"code": "000000"}),
    ("POST", "/user/2fa/disable"): ("/user/2fa/disable", {"code": "000000"}),
    ("POST", "/user/logout"): ("/user/logout", {}),
    ("POST", "/user/reset"): ("/user/reset", {"login": "root-it"}),
    ("POST", "/user/reset/confirm"): ("/user/reset/confirm", {"token": "x", "password": "y" * 12}),
    ("POST", "/user/password"): ("/user/password", {"current": ROOT_PASSWORD, "password": "z" * 14,
                                                    "password_confirm": "z" * 14}),
    ("POST", "/user/{name}/api-tokens"): ("/user/{owner}/api-tokens", {"token_name": "csrf"}),
    ("POST", "/user/{name}/api-tokens/{id}/revoke"): ("/user/{owner}/api-tokens/{token_id}/revoke", {}),
    ("POST", "/admin/users/{name}"): ("/admin/users/{user}", {"action": "suspend"}),
    ("POST", "/developer/token"): ("/developer/token", {"token_name": "csrf"}),
    ("POST", "/user/close"): ("/user/close", {"action": "suspend", "reason": "csrf"}),
    # learning: courses, lessons, quizzes, sign-up (agency A's draft course of the owner)
    ("POST", "/learning/signup"): ("/learning/signup", {"email": "csrf@example.com"}),
    ("POST", "/learning/identity"): ("/learning/identity", {"citizen_id": "1000000000009"}),
    ("POST", "/learning/admin/identity-locks"): ("/learning/admin/identity-locks", {"citizen_id": "1000000000009"}),
    ("POST", "/learning/admin/identity-locks/unlock"): ("/learning/admin/identity-locks/unlock", {"key": "x"}),
    ("POST", "/api/learning/signup"): ("/api/learning/signup", {"json": {"email": "csrf@example.com"}}),
    ("POST", "/api/learning/identity"): ("/api/learning/identity", {"json": {"citizen_id": "1000000000009"}}),
    ("POST", "/api/learning/identity/unlock"): ("/api/learning/identity/unlock", {"json": {"citizen_id": "1000000000009"}}),
    ("POST", "/learning/course/new"): ("/learning/course/new", {"name": "csrf-course", "title": "CSRF"}),
    ("POST", "/learning/course/{name}/edit"): ("/learning/course/{lcourse}/edit", {"title": "CSRF"}),
    ("POST", "/learning/course/{name}/publish"): ("/learning/course/{lcourse}/publish", {"publish": "1"}),
    ("POST", "/learning/course/{name}/delete"): ("/learning/course/{lcourse}/delete", {}),
    ("POST", "/learning/course/{name}/sections"): ("/learning/course/{lcourse}/sections", {"title": "CSRF"}),
    ("POST", "/learning/course/{name}/sections/{section}"):
        ("/learning/course/{lcourse}/sections/{lsection}", {"title": "CSRF"}),
    ("POST", "/learning/course/{name}/lessons"):
        ("/learning/course/{lcourse}/lessons", {"section_id": "{lsection}", "kind": "text", "title": "CSRF"}),
    ("POST", "/learning/course/{name}/enrol"): ("/learning/course/{lcourse}/enrol", {}),
    ("POST", "/learning/course/{name}/unenrol"): ("/learning/course/{lcourse}/unenrol", {}),
    ("POST", "/learning/lesson/{id}/edit"): ("/learning/lesson/{ltext}/edit", {"title": "CSRF", "body": "CSRF"}),
    ("POST", "/learning/lesson/{id}/media"): ("/learning/lesson/{lpdf}/media", {}),
    ("POST", "/learning/lesson/{id}/move"): ("/learning/lesson/{ltext}/move", {"direction": "down"}),
    ("POST", "/learning/lesson/{id}/delete"): ("/learning/lesson/{ltext}/delete", {}),
    ("POST", "/learning/lesson/{id}/attempt"): ("/learning/lesson/{lquiz}/attempt", {}),
    ("POST", "/learning/attempt/{id}"): ("/learning/attempt/{lattempt}", {"q.x": "y"}),
    ("POST", "/learning/lesson/{id}/quiz/rules"): ("/learning/lesson/{lquiz}/quiz/rules", {"pass_percent": "1"}),
    ("POST", "/learning/lesson/{id}/quiz/questions"):
        ("/learning/lesson/{lquiz}/quiz/questions", {"kind": "short", "prompt": "CSRF", "answers": "x"}),
    ("POST", "/learning/lesson/{id}/quiz/questions/{question}/delete"):
        ("/learning/lesson/{lquiz}/quiz/questions/{lquestion}/delete", {}),
    ("POST", "/learning/lesson/{id}/quiz/questions/{question}/edit"):
        ("/learning/lesson/{lquiz}/quiz/questions/{lquestion}/edit", {"kind": "short", "prompt": "CSRF", "answers": "x"}),
    ("POST", "/api/learning/lessons/{id}/quiz/questions/{question}"):
        ("/api/learning/lessons/{lquiz}/quiz/questions/{lquestion}",
         {"json": {"kind": "short", "prompt": "CSRF", "accepted": ["x"]}}),
    ("POST", "/learning/course/{name}/staff"): ("/learning/course/{lcourse}/staff", {"user": "{user}"}),
    ("POST", "/learning/course/{name}/staff/remove"): ("/learning/course/{lcourse}/staff/remove", {"user": "{lstaff}"}),
    ("POST", "/api/learning/courses/{name}/staff"): ("/api/learning/courses/{lcourse}/staff", {"json": {"user": "{user}"}}),
    # certificates: request, revoke, annul a completion
    ("POST", "/learning/courses/{name}/certificate"): ("/learning/courses/{lcourse}/certificate", {}),
    ("POST", "/api/learning/courses/{name}/certificate"): ("/api/learning/courses/{lcourse}/certificate", {"json": {}}),
    ("POST", "/learning/certificates/{code}/revoke"): ("/learning/certificates/{lcert}/revoke", {"reason": "CSRF"}),
    ("POST", "/api/learning/certificates/{code}/revoke"):
        ("/api/learning/certificates/{lcert}/revoke", {"json": {"reason": "CSRF"}}),
    ("POST", "/learning/course/{name}/learners/{user}/annul"):
        ("/learning/course/{lcertcourse}/learners/{owner}/annul", {"reason": "CSRF"}),
    ("POST", "/api/learning/courses/{name}/learners/{user}/annul"):
        ("/api/learning/courses/{lcertcourse}/learners/{owner}/annul", {"json": {"reason": "CSRF"}}),
    ("DELETE", "/api/learning/courses/{name}/staff"):
        ("/api/learning/courses/{lcourse}/staff", {"json": {"user": "{lstaff}"}}),
    ("POST", "/api/learning/courses/{name}/enrol"): ("/api/learning/courses/{lcourse}/enrol", {"json": {}}),
    ("POST", "/learning/course/{name}/enrol-bulk"): ("/learning/course/{lcourse}/enrol-bulk", {}),
    ("POST", "/api/learning/courses/{name}/enrolments/bulk"):
        ("/api/learning/courses/{lcourse}/enrolments/bulk", {"json": {}}),
    ("POST", "/api/learning/courses/{name}/unenrol"): ("/api/learning/courses/{lcourse}/unenrol", {"json": {}}),
    # learning: agency A's staff membership (the applicant declared agency A)
    ("POST", "/learning/agency/{agency}/staff/confirm"): ("/learning/agency/{org_a}/staff/confirm", {"user": "{lstaff}"}),
    ("POST", "/learning/agency/{agency}/staff/decline"): ("/learning/agency/{org_a}/staff/decline", {"user": "{lstaff}"}),
    ("POST", "/api/learning/agencies/{agency}/staff/confirm"):
        ("/api/learning/agencies/{org_a}/staff/confirm", {"json": {"user": "{lstaff}"}}),
    ("POST", "/api/learning/agencies/{agency}/staff/decline"):
        ("/api/learning/agencies/{org_a}/staff/decline", {"json": {"user": "{lstaff}"}}),
    ("POST", "/api/learning/lessons/{id}/viewed"): ("/api/learning/lessons/{ltext}/viewed", {"json": {}}),
    ("POST", "/api/learning/lessons/{id}/video"):
        ("/api/learning/lessons/{ltext}/video", {"json": {"position_ms": 1, "played_ms": 1, "duration_ms": 9}}),
    ("POST", "/api/learning/lessons/{id}/attempts"): ("/api/learning/lessons/{lquiz}/attempts", {"json": {}}),
    ("POST", "/api/learning/attempts/{id}"): ("/api/learning/attempts/{lattempt}", {"json": {"answers": {}}}),
    ("POST", "/api/learning/lessons/{id}/quiz/rules"): ("/api/learning/lessons/{lquiz}/quiz/rules", {"json": {}}),
    ("POST", "/api/learning/lessons/{id}/quiz/questions"):
        ("/api/learning/lessons/{lquiz}/quiz/questions", {"json": {"kind": "short", "prompt": "x", "accepted": ["y"]}}),
    # learning: agency A's certificate design, the owner's certificate (name choice)
    ("POST", "/learning/agency/{name}/certificate"):
        ("/learning/agency/{org_a}/certificate", {"signatory_name": "CSRF"}),
    ("PUT", "/api/learning/agencies/{name}/certificate-design"):
        ("/api/learning/agencies/{org_a}/certificate-design", {"json": {"signatory_name": "CSRF"}}),
    ("POST", "/api/learning/agencies/{name}/certificate-design/{image}"):
        ("/api/learning/agencies/{org_a}/certificate-design/background", {"json": {}}),
    ("DELETE", "/api/learning/agencies/{name}/certificate-design/{image}"):
        ("/api/learning/agencies/{org_a}/certificate-design/signature", {"json": {}}),
    ("POST", "/learning/verify/{code}/name"): ("/learning/verify/{lcert}/name", {"name_on_certificate": "initials"}),
    ("PUT", "/api/learning/my/name-on-certificate"):
        ("/api/learning/my/name-on-certificate", {"json": {"name_on_certificate": "initials"}}),
    # learning: the learner's own agency and position (no id: always the caller's own)
    ("POST", "/learning/profile"): ("/learning/profile", {"civil_servant": "0"}),
    ("PUT", "/api/learning/my/profile"): ("/api/learning/my/profile", {"json": {"civil_servant": False}}),
    # learning: SCORM runtime launch
    ("POST", "/api/learning/lessons/{id}/scorm/launch"): ("/api/learning/lessons/{scorm_lesson}/scorm/launch",
                                                          {"json": {}}),
    # jobs
    ("POST", "/jobs/{id}/cancel"): ("/jobs/{job}/cancel", {}),
    ("POST", "/jobs/{id}/retry"): ("/jobs/{job}/retry", {}),
    ("POST", "/api/jobs"): ("/api/jobs", {"json": {"kind": "test.noop"}}),
    ("POST", "/api/jobs/{id}/cancel"): ("/api/jobs/{job}/cancel", {"json": {}}),
    ("POST", "/api/jobs/{id}/retry"): ("/api/jobs/{job}/retry", {"json": {}}),
    ("POST", "/api/requests/decide"): ("/api/requests/decide", {"json": {"decisions": []}}),
    # catalog, datastore, views, GD-Catalog import
    ("POST", "/dataset/new"): ("/dataset/new", {"name": "csrf-new", "owner_org": "{org_a}"}),
    ("POST", "/organization/new"): ("/organization/new", {"title": "CSRF", "name": "csrf-org", "kind": "other"}),
    ("POST", "/organization/{name}/edit"): ("/organization/{org_a}/edit", {"title": "CSRF"}),
    ("POST", "/organization/{name}/members"): ("/organization/{org_a}/members", {"user": "{user}", "role": "admin"}),
    ("POST", "/organization/{name}/members/{user}/role"):
        ("/organization/{org_a}/members/{owner}/role", {"role": "admin"}),
    ("POST", "/organization/{name}/members/{user}/remove"): ("/organization/{org_a}/members/{owner}/remove", {}),
    ("POST", "/group/new"): ("/group/new", {"title": "CSRF", "name": "csrf-group", "category": "category01"}),
    ("POST", "/group/{name}/edit"): ("/group/{group}/edit", {"title": "CSRF"}),
    ("POST", "/dataset/{name}/edit"): ("/dataset/{pub}/edit", {"title": "CSRF"}),
    ("POST", "/dataset/{name}/resource/new"): ("/dataset/{pub}/resource/new", {"url": "http://x.example/a.csv"}),
    ("POST", "/dataset/{name}/publish"): ("/dataset/{pub}/publish", {}),
    ("POST", "/dataset/{name}/resource/{id}/edit"): ("/dataset/{pub}/resource/{pub_res}/edit", {"name": "CSRF"}),
    ("POST", "/dataset/{name}/resource/{id}/delete"): ("/dataset/{pub}/resource/{pub_res}/delete", {}),
    ("POST", "/dataset/{name}/resource/{id}/move"): ("/dataset/{pub}/resource/{pub_res}/move", {"to": "up"}),
    ("POST", "/ckan-admin/trash/{id}/purge"): ("/ckan-admin/trash/{trash}/purge", {}),
    ("POST", "/dataset/{name}/resource/{id}/datastore/reload"):
        ("/dataset/{pub}/resource/{pub_res}/datastore/reload", {}),
    ("POST", "/dataset/{name}/resource/{id}/datastore/dictionary"):
        ("/dataset/{pub}/resource/{pub_res}/datastore/dictionary", {"label_ฝน": "CSRF"}),
    ("POST", "/dataset/{name}/resource/{id}/views"):
        ("/dataset/{pub}/resource/{pub_res}/views", {"title": "CSRF", "config": '{"x": "จังหวัด"}'}),
    ("POST", "/view/{id}/delete"): ("/view/{pub_view}/delete", {}),
    ("POST", "/ckan-admin/catalog-import"): ("/ckan-admin/catalog-import", {}),
    # workflow and the processes built on it
    ("POST", "/opendata/officer"): ("/opendata/officer", dict(OFFICER_FORM, organization="{org_a}")),
    # workD: the request form (issue 18, step 1)
    ("POST", "/workd/requests/new"): ("/workd/requests/new", {"action": "save", "agency_choice": "new",
                                                             "agency_name_th": "CSRF"}),
    ("POST", "/workd/requests/{reference}/edit"): ("/workd/requests/{wdref}/edit", {"action": "save"}),
    ("POST", "/api/workd/requests"): ("/api/workd/requests", {"json": {"agency_name_th": "CSRF"}}),
    ("PUT", "/api/workd/requests/{reference}"): ("/api/workd/requests/{wdref}", {"json": {"mobile": "1"}}),
    ("POST", "/admin/holidays"): ("/admin/holidays", {"date": "2026-12-30", "name": "CSRF"}),
    ("POST", "/staff/roles"): ("/staff/roles", {"user": "{user}", "role": "reviewer"}),
    ("POST", "/staff/roles/retention"): ("/staff/roles/retention", {"days": "1"}),
    ("POST", "/staff/requests/{reference}"): ("/staff/requests/{ref}", {"transition": "reject", "note": "CSRF"}),
    ("POST", "/staff/requests/decide"): ("/staff/requests/decide", {"requests": "{ref}", "transition": "reject", "note": "CSRF"}),
    ("POST", "/api/staff/roles/{user}/agencies"):
        ("/api/staff/roles/{user}/agencies", {"json": {"type": "officer_membership", "agencies": ["{org_b}"]}}),
    ("POST", "/requests/{reference}"): ("/requests/{ref}", {"transition": "withdraw"}),
    ("POST", "/requests/{reference}/documents"): ("/requests/{ref}/documents", {"kind": "signed_application"}),
    # a request's JSON API (every process) and workD's budget
    ("POST", "/api/requests/{reference}/transitions"):
        ("/api/requests/{ref}/transitions", {"json": {"transition": "reject", "note": "CSRF"}}),
    ("POST", "/api/requests/{reference}/documents"): ("/api/requests/{ref}/documents", {"kind": "signed_application"}),
    ("PUT", "/api/workd/budget/{year}"):
        ("/api/workd/budget/2570", {"json": {"mail_accounts": 1, "conference_accounts": 1}}),
    ("POST", "/api/workd/changes"): ("/api/workd/changes", {"json": {"parent": "{ref}", "members_change": "CSRF"}}),
    ("POST", "/staff/workd/budget"):
        ("/staff/workd/budget", {"year": "2570", "mail_accounts": "1", "conference_accounts": "1"}),
    # workD domains: "check now" (the page's form and the API)
    ("POST", "/workd/requests/{reference}/dns/check"): ("/workd/requests/{workd_ref}/dns/check", {}),
    # workD: a change to an approved service (its page)
    ("POST", "/workd/requests/{reference}/change"): ("/workd/requests/{workd_ref}/change", {"members_change": "CSRF"}),
    ("POST", "/api/workd/requests/{reference}/dns/check"): ("/api/workd/requests/{workd_ref}/dns/check", {"json": {}}),
    # CKAN's Action API with a browser's session cookie (a script with a token needs no CSRF)
    ("POST", "/api/3/action/{action}"): ("/api/3/action/package_patch", {"json": {"id": "{pub}", "title": "CSRF"}}),
    ("POST", "/api/action/{action}"): ("/api/action/package_patch", {"json": {"id": "{pub}", "title": "CSRF"}}),
    ("POST", "/api/3/action/resource_create"):
        ("/api/3/action/resource_create", {"json": {"package_id": "{pub}", "name": "CSRF", "url": "http://x.example/a.csv"}}),
    ("POST", "/api/action/resource_create"):
        ("/api/action/resource_create", {"json": {"package_id": "{pub}", "name": "CSRF", "url": "http://x.example/a.csv"}}),
    ("POST", "/api/3/action/resource_update"):
        ("/api/3/action/resource_update", {"json": {"id": "{pub_res}", "name": "CSRF", "url": "http://x.example/a.csv"}}),
    ("POST", "/api/action/resource_update"):
        ("/api/action/resource_update", {"json": {"id": "{pub_res}", "name": "CSRF", "url": "http://x.example/a.csv"}}),
    ("POST", "/api/3/action/resource_patch"):
        ("/api/3/action/resource_patch", {"json": {"id": "{pub_res}", "name": "CSRF"}}),
    ("POST", "/api/action/resource_patch"):
        ("/api/action/resource_patch", {"json": {"id": "{pub_res}", "name": "CSRF"}}),
    # Side-effect-free actions on routes of their own still refuse a cookie POST without the token.
    ("POST", "/api/3/action/site_read"): ("/api/3/action/site_read", {"json": {}}),
    ("POST", "/api/action/site_read"): ("/api/action/site_read", {"json": {}}),
    ("POST", "/api/3/action/status_show"): ("/api/3/action/status_show", {"json": {}}),
    ("POST", "/api/action/status_show"): ("/api/action/status_show", {"json": {}}),
}

PUBLIC, PRIVATE = "public", "private"
# One entry per route with a {param}: (path with world keys, public or private, body for POSTs).
# private: the object belongs to agency A or one of its users; anonymous, a plain user and an
# editor of agency B are refused. public: all three may read it (and the entry says why).
IDOR = {
    # accounts: profiles are public pages (name and display name); tokens and admin pages are not
    ("GET", "/user/{name}"): ("/user/{owner}", PUBLIC, None),
    # the site's documentation pages name a document, not an object of anyone's
    ("GET", "/developer/docs/{name}"): ("/developer/docs/api", PUBLIC, None),
    ("POST", "/user/{name}/api-tokens"): ("/user/{owner}/api-tokens", PRIVATE, {"token_name": "idor"}),
    ("POST", "/user/{name}/api-tokens/{id}/revoke"): ("/user/{owner}/api-tokens/{token_id}/revoke", PRIVATE, {}),
    ("GET", "/user/{name}/api-tokens/{id}/usage"): ("/user/{owner}/api-tokens/{token_id}/usage", PRIVATE, None),
    ("GET", "/admin/users/{name}"): ("/admin/users/{owner}", PRIVATE, None),
    ("POST", "/admin/users/{name}"): ("/admin/users/{owner}", PRIVATE, {"action": "suspend"}),
    ("GET", "/user/close/{reference}/request.pdf"): ("/user/close/{closure_ref}/request.pdf", PRIVATE, None),
    # learning: agency A's certificate design (its admins and sysadmins only); the owner's
    # certificate: its verification, JSON and credential are public (what a QR code leads to), the
    # name choice is the holder's only
    ("GET", "/learning/agency/{name}/certificate"): ("/learning/agency/{org_a}/certificate", PRIVATE, None),
    ("POST", "/learning/agency/{name}/certificate"):
        ("/learning/agency/{org_a}/certificate", PRIVATE, {"signatory_name": "IDOR"}),
    ("GET", "/learning/agency/{name}/certificate/signature.png"):
        ("/learning/agency/{org_a}/certificate/signature.png", PRIVATE, None),
    ("GET", "/learning/agency/{name}/certificate/background.png"):
        ("/learning/agency/{org_a}/certificate/background.png", PRIVATE, None),
    ("GET", "/learning/agency/{name}/certificate/preview.pdf"):
        ("/learning/agency/{org_a}/certificate/preview.pdf", PRIVATE, None),
    ("GET", "/api/learning/agencies/{name}/certificate-design"):
        ("/api/learning/agencies/{org_a}/certificate-design", PRIVATE, None),
    ("PUT", "/api/learning/agencies/{name}/certificate-design"):
        ("/api/learning/agencies/{org_a}/certificate-design", PRIVATE, {"json": {"signatory_name": "IDOR"}}),
    ("POST", "/api/learning/agencies/{name}/certificate-design/{image}"):
        ("/api/learning/agencies/{org_a}/certificate-design/background", PRIVATE, {"json": {}}),
    ("DELETE", "/api/learning/agencies/{name}/certificate-design/{image}"):
        ("/api/learning/agencies/{org_a}/certificate-design/signature", PRIVATE, {"json": {}}),
    ("GET", "/learning/verify/{code}"): ("/learning/verify/{lcert}", PUBLIC, None),
    ("GET", "/api/learning/verify/{code}"): ("/api/learning/verify/{lcert}", PUBLIC, None),
    ("GET", "/learning/certificates/{code}/credential.jwt"): ("/learning/certificates/{lcert}/credential.jwt", PUBLIC, None),
    ("POST", "/learning/verify/{code}/name"):
        ("/learning/verify/{lcert}/name", PRIVATE, {"name_on_certificate": "initials"}),
    # learning: agency A's draft course of the owner (its authors only), the owner's quiz attempt
    ("GET", "/learning/course/{name}"): ("/learning/course/{lcourse}", PRIVATE, None),
    ("GET", "/learning/course/{name}/edit"): ("/learning/course/{lcourse}/edit", PRIVATE, None),
    ("GET", "/learning/course/{name}/manage"): ("/learning/course/{lcourse}/manage", PRIVATE, None),
    ("POST", "/learning/course/{name}/edit"): ("/learning/course/{lcourse}/edit", PRIVATE, {"title": "IDOR"}),
    ("POST", "/learning/course/{name}/publish"): ("/learning/course/{lcourse}/publish", PRIVATE, {"publish": "1"}),
    ("POST", "/learning/course/{name}/delete"): ("/learning/course/{lcourse}/delete", PRIVATE, {}),
    ("POST", "/learning/course/{name}/sections"): ("/learning/course/{lcourse}/sections", PRIVATE, {"title": "IDOR"}),
    ("POST", "/learning/course/{name}/sections/{section}"):
        ("/learning/course/{lcourse}/sections/{lsection}", PRIVATE, {"delete": "1"}),
    ("POST", "/learning/course/{name}/lessons"):
        ("/learning/course/{lcourse}/lessons", PRIVATE, {"section_id": "{lsection}", "kind": "text", "title": "IDOR"}),
    ("POST", "/learning/course/{name}/enrol"): ("/learning/course/{lcourse}/enrol", PRIVATE, {}),
    ("POST", "/learning/course/{name}/unenrol"): ("/learning/course/{lcourse}/unenrol", PRIVATE, {}),
    ("GET", "/learning/lesson/{id}"): ("/learning/lesson/{ltext}", PRIVATE, None),
    ("GET", "/learning/media/{id}"): ("/learning/media/{lpdf}", PRIVATE, None),
    ("GET", "/learning/lesson/{id}/edit"): ("/learning/lesson/{ltext}/edit", PRIVATE, None),
    ("POST", "/learning/lesson/{id}/edit"): ("/learning/lesson/{ltext}/edit", PRIVATE, {"title": "IDOR", "body": "x"}),
    ("POST", "/learning/lesson/{id}/media"): ("/learning/lesson/{lpdf}/media", PRIVATE, {}),
    ("POST", "/learning/lesson/{id}/move"): ("/learning/lesson/{ltext}/move", PRIVATE, {"direction": "down"}),
    ("POST", "/learning/lesson/{id}/delete"): ("/learning/lesson/{ltext}/delete", PRIVATE, {}),
    ("POST", "/learning/lesson/{id}/attempt"): ("/learning/lesson/{lquiz}/attempt", PRIVATE, {}),
    ("GET", "/learning/attempt/{id}"): ("/learning/attempt/{lattempt}", PRIVATE, None),
    ("POST", "/learning/attempt/{id}"): ("/learning/attempt/{lattempt}", PRIVATE, {"q.x": "y"}),
    ("GET", "/learning/lesson/{id}/quiz"): ("/learning/lesson/{lquiz}/quiz", PRIVATE, None),
    ("POST", "/learning/lesson/{id}/quiz/rules"): ("/learning/lesson/{lquiz}/quiz/rules", PRIVATE, {"pass_percent": "1"}),
    ("POST", "/learning/lesson/{id}/quiz/questions"):
        ("/learning/lesson/{lquiz}/quiz/questions", PRIVATE, {"kind": "short", "prompt": "IDOR", "answers": "x"}),
    ("POST", "/learning/lesson/{id}/quiz/questions/{question}/delete"):
        ("/learning/lesson/{lquiz}/quiz/questions/{lquestion}/delete", PRIVATE, {}),
    ("POST", "/learning/lesson/{id}/quiz/questions/{question}/edit"):
        ("/learning/lesson/{lquiz}/quiz/questions/{lquestion}/edit", PRIVATE,
         {"kind": "short", "prompt": "IDOR", "answers": "x"}),
    ("POST", "/api/learning/lessons/{id}/quiz/questions/{question}"):
        ("/api/learning/lessons/{lquiz}/quiz/questions/{lquestion}", PRIVATE,
         {"json": {"kind": "short", "prompt": "IDOR", "accepted": ["x"]}}),
    # the course's staff: its authors see it, its creator / agency admins / sysadmins change it
    # (the plain user tries to add themselves; every caller tries to remove the staff member)
    ("POST", "/learning/course/{name}/staff"): ("/learning/course/{lcourse}/staff", PRIVATE, {"user": "{user}"}),
    ("POST", "/learning/course/{name}/staff/remove"):
        ("/learning/course/{lcourse}/staff/remove", PRIVATE, {"user": "{lstaff}"}),
    ("GET", "/api/learning/courses/{name}/staff"): ("/api/learning/courses/{lcourse}/staff", PRIVATE, None),
    ("POST", "/api/learning/courses/{name}/staff"):
        ("/api/learning/courses/{lcourse}/staff", PRIVATE, {"json": {"user": "{user}"}}),
    ("DELETE", "/api/learning/courses/{name}/staff"):
        ("/api/learning/courses/{lcourse}/staff", PRIVATE, {"json": {"user": "{lstaff}"}}),
    ("GET", "/api/learning/courses/{name}"): ("/api/learning/courses/{lcourse}", PRIVATE, None),
    # agency A's staff and HR report: its admins and sysadmins only (the owner is A's editor;
    # every caller tries to confirm or decline the applicant, who declared agency A); the course
    # report: the course's authors
    ("GET", "/learning/agency/{agency}/staff"): ("/learning/agency/{org_a}/staff", PRIVATE, None),
    ("GET", "/api/learning/agencies/{agency}/staff"): ("/api/learning/agencies/{org_a}/staff", PRIVATE, None),
    ("POST", "/learning/agency/{agency}/staff/confirm"):
        ("/learning/agency/{org_a}/staff/confirm", PRIVATE, {"user": "{lstaff}"}),
    ("POST", "/learning/agency/{agency}/staff/decline"):
        ("/learning/agency/{org_a}/staff/decline", PRIVATE, {"user": "{lstaff}"}),
    ("POST", "/api/learning/agencies/{agency}/staff/confirm"):
        ("/api/learning/agencies/{org_a}/staff/confirm", PRIVATE, {"json": {"user": "{lstaff}"}}),
    ("POST", "/api/learning/agencies/{agency}/staff/decline"):
        ("/api/learning/agencies/{org_a}/staff/decline", PRIVATE, {"json": {"user": "{lstaff}"}}),
    # the staff page's course picker (to a course's bulk enrolment): A's admins and sysadmins
    ("GET", "/learning/agency/{agency}/enrol-bulk"): ("/learning/agency/{org_a}/enrol-bulk", PRIVATE, None),
    ("GET", "/learning/agency/{agency}/report"): ("/learning/agency/{org_a}/report", PRIVATE, None),
    ("GET", "/api/learning/agencies/{agency}/report"): ("/api/learning/agencies/{org_a}/report", PRIVATE, None),
    ("GET", "/learning/course/{name}/report"): ("/learning/course/{lcourse}/report", PRIVATE, None),
    ("GET", "/api/learning/courses/{name}/report"): ("/api/learning/courses/{lcourse}/report", PRIVATE, None),
    # learning: bulk enrolment in agency A's draft course, and the owner's job (its report)
    ("GET", "/learning/course/{name}/enrol-bulk"): ("/learning/course/{lcourse}/enrol-bulk", PRIVATE, None),
    ("POST", "/learning/course/{name}/enrol-bulk"): ("/learning/course/{lcourse}/enrol-bulk", PRIVATE, {}),
    ("GET", "/learning/course/{name}/enrol-bulk/{job}"):
        ("/learning/course/{lcourse}/enrol-bulk/{lbulkjob}", PRIVATE, None),
    ("GET", "/learning/course/{name}/enrol-bulk/{job}/report.csv"):
        ("/learning/course/{lcourse}/enrol-bulk/{lbulkjob}/report.csv", PRIVATE, None),
    ("POST", "/api/learning/courses/{name}/enrolments/bulk"):
        ("/api/learning/courses/{lcourse}/enrolments/bulk", PRIVATE, {"json": {}}),
    ("GET", "/api/learning/courses/{name}/enrolments/bulk/{job}"):
        ("/api/learning/courses/{lcourse}/enrolments/bulk/{lbulkjob}", PRIVATE, None),
    ("POST", "/api/learning/courses/{name}/enrol"): ("/api/learning/courses/{lcourse}/enrol", PRIVATE, {"json": {}}),
    ("POST", "/api/learning/courses/{name}/unenrol"): ("/api/learning/courses/{lcourse}/unenrol", PRIVATE, {"json": {}}),
    ("POST", "/api/learning/lessons/{id}/viewed"): ("/api/learning/lessons/{ltext}/viewed", PRIVATE, {"json": {}}),
    ("POST", "/api/learning/lessons/{id}/video"):
        ("/api/learning/lessons/{ltext}/video", PRIVATE, {"json": {"position_ms": 1, "played_ms": 1, "duration_ms": 9}}),
    ("GET", "/api/learning/lessons/{id}/quiz"): ("/api/learning/lessons/{lquiz}/quiz", PRIVATE, None),
    ("POST", "/api/learning/lessons/{id}/attempts"): ("/api/learning/lessons/{lquiz}/attempts", PRIVATE, {"json": {}}),
    ("GET", "/api/learning/attempts/{id}"): ("/api/learning/attempts/{lattempt}", PRIVATE, None),
    ("POST", "/api/learning/attempts/{id}"): ("/api/learning/attempts/{lattempt}", PRIVATE, {"json": {"answers": {}}}),
    ("POST", "/api/learning/lessons/{id}/quiz/rules"): ("/api/learning/lessons/{lquiz}/quiz/rules", PRIVATE, {"json": {}}),
    ("POST", "/api/learning/lessons/{id}/quiz/questions"):
        ("/api/learning/lessons/{lquiz}/quiz/questions", PRIVATE,
         {"json": {"kind": "short", "prompt": "x", "accepted": ["y"]}}),
    # certificates: the owner's certificate of agency A's course (auto-approved); its PDF is the
    # learner's and the agency's staff's, its credential public (like the verification page it
    # names); requesting one on agency A's draft course, revoking it, annulling the completion
    ("GET", "/learning/certificates/{file}"): ("/learning/certificates/{lcert}.pdf", PRIVATE, None),
    ("GET", "/learning/certificates/{code}/credential.jwt"):
        ("/learning/certificates/{lcert}/credential.jwt", PUBLIC, None),
    ("POST", "/learning/certificates/{code}/revoke"): ("/learning/certificates/{lcert}/revoke", PRIVATE, {"reason": "IDOR"}),
    ("POST", "/api/learning/certificates/{code}/revoke"):
        ("/api/learning/certificates/{lcert}/revoke", PRIVATE, {"json": {"reason": "IDOR"}}),
    ("POST", "/learning/courses/{name}/certificate"): ("/learning/courses/{lcourse}/certificate", PRIVATE, {}),
    ("GET", "/api/learning/courses/{name}/certificate"): ("/api/learning/courses/{lcourse}/certificate", PRIVATE, None),
    ("POST", "/api/learning/courses/{name}/certificate"):
        ("/api/learning/courses/{lcourse}/certificate", PRIVATE, {"json": {}}),
    ("POST", "/learning/course/{name}/learners/{user}/annul"):
        ("/learning/course/{lcertcourse}/learners/{owner}/annul", PRIVATE, {"reason": "IDOR"}),
    ("POST", "/api/learning/courses/{name}/learners/{user}/annul"):
        ("/api/learning/courses/{lcertcourse}/learners/{owner}/annul", PRIVATE, {"json": {"reason": "IDOR"}}),
    # learning: a SCORM lesson of agency A's draft course; only its authors and enrolled learners
    # may launch it
    ("POST", "/api/learning/lessons/{id}/scorm/launch"): ("/api/learning/lessons/{scorm_lesson}/scorm/launch",
                                                          PRIVATE, {"json": {}}),
    # jobs: a sysadmin's job
    ("GET", "/jobs/{id}"): ("/jobs/{job}", PRIVATE, None),
    ("POST", "/jobs/{id}/cancel"): ("/jobs/{job}/cancel", PRIVATE, {}),
    ("POST", "/jobs/{id}/retry"): ("/jobs/{job}/retry", PRIVATE, {}),
    ("GET", "/api/jobs/{id}"): ("/api/jobs/{job}", PRIVATE, None),
    ("POST", "/api/jobs/{id}/cancel"): ("/api/jobs/{job}/cancel", PRIVATE, {"json": {}}),
    ("POST", "/api/jobs/{id}/retry"): ("/api/jobs/{job}/retry", PRIVATE, {"json": {}}),
    ("GET", "/ckan-admin/catalog-import/{job}"): ("/ckan-admin/catalog-import/{import_job}", PRIVATE, None),
    # catalog: agency A's private dataset; a public dataset's pages are public
    ("GET", "/organization/{name}"): ("/organization/{org_a}", PUBLIC, None),
    ("GET", "/organization/{name}/edit"): ("/organization/{org_a}/edit", PRIVATE, None),
    ("POST", "/organization/{name}/edit"): ("/organization/{org_a}/edit", PRIVATE, {"title": "IDOR"}),
    # agency A's members: its admins and sysadmins only
    ("GET", "/organization/{name}/members"): ("/organization/{org_a}/members", PRIVATE, None),
    ("POST", "/organization/{name}/members"):
        ("/organization/{org_a}/members", PRIVATE, {"user": "{user}", "role": "admin"}),
    ("POST", "/organization/{name}/members/{user}/role"):
        ("/organization/{org_a}/members/{owner}/role", PRIVATE, {"role": "admin"}),
    ("GET", "/organization/{name}/members/{user}/remove"):
        ("/organization/{org_a}/members/{owner}/remove", PRIVATE, None),
    ("POST", "/organization/{name}/members/{user}/remove"):
        ("/organization/{org_a}/members/{owner}/remove", PRIVATE, {}),
    # groups are public pages (as group_show); only sysadmins edit them
    ("GET", "/group/{name}"): ("/group/{group}", PUBLIC, None),
    ("GET", "/group/{name}/edit"): ("/group/{group}/edit", PRIVATE, None),
    ("POST", "/group/{name}/edit"): ("/group/{group}/edit", PRIVATE, {"title": "IDOR"}),
    ("GET", "/dataset/{name}"): ("/dataset/{priv}", PRIVATE, None),
    ("GET", "/dataset/{name}/edit"): ("/dataset/{pub}/edit", PRIVATE, None),
    ("POST", "/dataset/{name}/edit"): ("/dataset/{pub}/edit", PRIVATE, {"title": "IDOR"}),
    ("GET", "/dataset/{name}/resource/new"): ("/dataset/{pub}/resource/new", PRIVATE, None),
    ("POST", "/dataset/{name}/resource/new"): ("/dataset/{pub}/resource/new", PRIVATE, {"url": "http://x.example/a.csv"}),
    ("POST", "/dataset/{name}/publish"): ("/dataset/{pub}/publish", PRIVATE, {}),
    ("GET", "/dataset/{name}/resource/{id}/edit"): ("/dataset/{pub}/resource/{pub_res}/edit", PRIVATE, None),
    ("POST", "/dataset/{name}/resource/{id}/edit"): ("/dataset/{pub}/resource/{pub_res}/edit", PRIVATE, {"name": "IDOR"}),
    ("GET", "/dataset/{name}/resource/{id}/delete"): ("/dataset/{pub}/resource/{pub_res}/delete", PRIVATE, None),
    ("POST", "/dataset/{name}/resource/{id}/delete"): ("/dataset/{pub}/resource/{pub_res}/delete", PRIVATE, {}),
    ("POST", "/dataset/{name}/resource/{id}/move"): ("/dataset/{pub}/resource/{pub_res}/move", PRIVATE, {"to": "up"}),
    ("GET", "/dataset/{name}/resource/{id}"): ("/dataset/{priv}/resource/{priv_res}", PRIVATE, None),
    ("GET", "/dataset/{name}/resource/{id}/download"): ("/dataset/{priv}/resource/{priv_res}/download", PRIVATE, None),
    ("POST", "/ckan-admin/trash/{id}/purge"): ("/ckan-admin/trash/{trash}/purge", PRIVATE, {}),
    # datastore and views
    ("POST", "/dataset/{name}/resource/{id}/datastore/reload"):
        ("/dataset/{pub}/resource/{pub_res}/datastore/reload", PRIVATE, {}),
    ("POST", "/dataset/{name}/resource/{id}/datastore/dictionary"):
        ("/dataset/{pub}/resource/{pub_res}/datastore/dictionary", PRIVATE, {"label_ฝน": "IDOR"}),
    ("GET", "/dataset/{name}/resource/{id}/openapi.json"):
        ("/dataset/{priv}/resource/{priv_res}/openapi.json", PRIVATE, None),
    ("GET", "/api/datastore/{resource_id}/chart"): ("/api/datastore/{priv_res}/chart?x={x}", PRIVATE, None),
    ("GET", "/api/datastore/{resource_id}/geojson"): ("/api/datastore/{priv_res}/geojson", PRIVATE, None),
    ("GET", "/datastore/dump/{resource_id}"): ("/datastore/dump/{priv_res}", PRIVATE, None),
    ("POST", "/dataset/{name}/resource/{id}/views"):
        ("/dataset/{priv}/resource/{priv_res}/views", PRIVATE, {"title": "IDOR", "config": '{"x": "จังหวัด"}'}),
    ("GET", "/view/{id}/embed"): ("/view/{priv_view}/embed", PRIVATE, None),
    ("POST", "/view/{id}/delete"): ("/view/{pub_view}/delete", PRIVATE, {}),
    # workflow: an applicant's officer request to agency A, and its signed scan
    ("GET", "/opendata/officer/{reference}/application.pdf"): ("/opendata/officer/{ref}/application.pdf", PRIVATE, None),
    # workD: an applicant's request form draft (its page, API and printed form)
    ("GET", "/workd/requests/{reference}/edit"): ("/workd/requests/{wdref}/edit", PRIVATE, None),
    ("POST", "/workd/requests/{reference}/edit"): ("/workd/requests/{wdref}/edit", PRIVATE, {"action": "save"}),
    ("GET", "/workd/requests/{reference}/form.pdf"): ("/workd/requests/{wdref}/form.pdf", PRIVATE, None),
    ("GET", "/workd/requests/{reference}/change"): ("/workd/requests/{workd_ref}/change", PRIVATE, None),
    ("GET", "/workd/changes/{reference}/form.pdf"): ("/workd/changes/{workd_change_ref}/form.pdf", PRIVATE, None),
    ("POST", "/workd/requests/{reference}/change"):
        ("/workd/requests/{workd_ref}/change", PRIVATE, {"members_change": "IDOR", "terms_accepted": "yes"}),
    ("GET", "/api/workd/requests/{reference}"): ("/api/workd/requests/{wdref}", PRIVATE, None),
    ("PUT", "/api/workd/requests/{reference}"): ("/api/workd/requests/{wdref}", PRIVATE, {"json": {"mobile": "1"}}),
    ("GET", "/requests/{reference}"): ("/requests/{ref}", PRIVATE, None),
    ("POST", "/requests/{reference}"): ("/requests/{ref}", PRIVATE, {"transition": "submit"}),
    ("POST", "/requests/{reference}/documents"): ("/requests/{ref}/documents", PRIVATE, {"kind": "signed_application"}),
    ("GET", "/requests/{reference}/documents/{id}"): ("/requests/{ref}/documents/{doc}", PRIVATE, None),
    ("GET", "/staff/requests/{reference}"): ("/staff/requests/{ref}", PRIVATE, None),
    ("POST", "/staff/requests/{reference}"): ("/staff/requests/{ref}", PRIVATE, {"transition": "approve"}),
    # a request's JSON API: its applicant and the staff of its type only
    ("GET", "/api/requests/{reference}"): ("/api/requests/{ref}", PRIVATE, None),
    ("POST", "/api/requests/{reference}/transitions"):
        ("/api/requests/{ref}/transitions", PRIVATE, {"json": {"transition": "approve"}}),
    ("POST", "/api/requests/{reference}/documents"):
        ("/api/requests/{ref}/documents", PRIVATE, {"kind": "signed_application"}),
    # workD's budget: a fiscal year, not an agency's object, read by workD's staff and set by
    # sysadmins; nobody of the three may read or set it
    ("GET", "/api/workd/budget/{year}"): ("/api/workd/budget/2570", PRIVATE, None),
    ("PUT", "/api/workd/budget/{year}"):
        ("/api/workd/budget/2570", PRIVATE, {"json": {"mail_accounts": 1, "conference_accounts": 1}}),
    # workD domains: a request's DNS page, its JSON and "check now" (the request's applicant, the
    # type's reviewers and the agency's administrators only)
    ("GET", "/workd/requests/{reference}/dns"): ("/workd/requests/{workd_ref}/dns", PRIVATE, None),
    ("POST", "/workd/requests/{reference}/dns/check"): ("/workd/requests/{workd_ref}/dns/check", PRIVATE, {}),
    ("GET", "/api/workd/requests/{reference}/dns"): ("/api/workd/requests/{workd_ref}/dns", PRIVATE, None),
    ("POST", "/api/workd/requests/{reference}/dns/check"):
        ("/api/workd/requests/{workd_ref}/dns/check", PRIVATE, {"json": {}}),
    # reviewer scopes: agency A's editor's own; sysadmins set them
    ("GET", "/api/staff/roles/{user}/agencies"): ("/api/staff/roles/{owner}/agencies", PRIVATE, None),
    ("POST", "/api/staff/roles/{user}/agencies"):
        ("/api/staff/roles/{owner}/agencies", PRIVATE, {"json": {"type": "officer_membership", "agencies": []}}),
    # Not ids: the action name (the ids travel in the body: see test_actions_refuse_other_agencies
    # and test_catalog_authz.py) and the static file path (public files).
    ("GET", "/api/3/action/{action}"): ("/api/3/action/package_show?id={priv}", PRIVATE, None),
    ("POST", "/api/3/action/{action}"): ("/api/3/action/package_show", PRIVATE, {"json": {"id": "{priv}"}}),
    ("GET", "/api/action/{action}"): ("/api/action/package_show?id={priv}", PRIVATE, None),
    ("POST", "/api/action/{action}"): ("/api/action/package_show", PRIVATE, {"json": {"id": "{priv}"}}),
    ("GET", "/static/{path*}"): ("/static/css/govhub.css", PUBLIC, None),
}

# What a public page of agency A's object must still keep to its owner.
HIDDEN = {"/user/{name}": ("owner_email", "token_id")}

# Who reads an IDOR entry's object in the check that its path is right, when not the sysadmin
# (who is sent from an applicant's page to the reviewer's).
READER = {"/requests/{reference}": "applicant", "/requests/{reference}/documents/{id}": "applicant",
          # a quiz attempt is its learner's alone (sysadmins included)
          "/learning/attempt/{id}": "owner", "/api/learning/attempts/{id}": "owner",
          # a workD request form is its applicant's to edit (staff review it at /staff/requests)
          "/workd/requests/{reference}/edit": "applicant", "/api/workd/requests/{reference}": "applicant",
          # a change to an approved workD service: its applicant's (or an agency admin's)
          "/workd/requests/{reference}/change": "applicant", "/workd/changes/{reference}/form.pdf": "applicant",
          # an account closure not yet submitted (a draft) is its applicant's alone, staff included
          "/user/close/{reference}/request.pdf": "applicant",
          # so is a workD draft (its printed form, to sign)
          "/workd/requests/{reference}/form.pdf": "applicant"}


def fill(template, w):
    return re.sub(r"\{(\w+)\}", lambda m: urllib.parse.quote(str(w[m.group(1)]), safe=""), template)


def fill_body(body, w):
    if isinstance(body, dict):
        return {k: fill_body(v, w) for k, v in body.items()}
    if isinstance(body, str):
        return re.sub(r"\{(\w+)\}", lambda m: str(w[m.group(1)]), body)
    return body


def send(browser, method, path, body, csrf=None):
    """A browser's request; `csrf` goes in the X-CSRF-Token header (forms may also use _csrf)."""
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    if method == "GET":
        return browser.get(path, headers=headers)
    body = body or {}
    if "json" in body:
        headers["Content-Type"] = "application/json"
        return browser.request(method, path, body=json.dumps(body["json"]).encode(), headers=headers)
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return browser.request(method, path, body=urllib.parse.urlencode(body).encode(), headers=headers)


@pytest.fixture(scope="module")
def routes(server):
    table = json.loads(server.cli("routes", "--json").stdout)
    assert len(table) > 100, table
    return table


def test_every_route_has_entries(routes):
    missing_csrf, missing_idor, unexplained = [], [], []
    # The CKAN actions (listed as method ACTION): each is tried by id in ACTIONS, or said to
    # take no object of anyone else's in ACTIONS_WITHOUT_ID.
    actions = {r["pattern"].rsplit("/", 1)[1] for r in routes if r["method"] == "ACTION"}
    covered = {name for name, _ in ACTIONS} | set(ACTIONS_WITHOUT_ID)
    assert not actions - covered, "actions in neither ACTIONS nor ACTIONS_WITHOUT_ID: %s" % sorted(
        actions - covered)
    assert not covered - actions, "entries for actions that no longer exist: %s" % sorted(covered - actions)
    routes = [r for r in routes if r["method"] != "ACTION"]
    for r in routes:
        key = (r["method"], r["pattern"])
        if r["method"] in STATE_CHANGING and key not in CSRF and key not in CSRF_EXEMPT:
            missing_csrf.append("%s %s" % key)
        if "{" in r["pattern"] and key not in IDOR:
            missing_idor.append("%s %s" % key)
        if not r["csrf"] and key not in CSRF_EXEMPT:
            unexplained.append("%s %s" % key)
    table = {(r["method"], r["pattern"]) for r in routes}
    stale = sorted("%s %s" % k for k in set(CSRF) | set(IDOR) | set(CSRF_EXEMPT) if k not in table)
    assert not (missing_csrf or missing_idor or unexplained or stale), (
        "\nstate-changing routes without a CSRF entry:\n  " + "\n  ".join(missing_csrf) +
        "\nroutes with an id in the path without an IDOR entry:\n  " + "\n  ".join(missing_idor) +
        "\ncsrf=false routes not listed in CSRF_EXEMPT with a reason:\n  " + "\n  ".join(unexplained) +
        "\nentries for routes that no longer exist:\n  " + "\n  ".join(stale))
    # An exemption is a route registered with csrf=false, nothing else.
    for key in CSRF_EXEMPT:
        assert any((r["method"], r["pattern"]) == key and not r["csrf"] for r in routes), key


@pytest.fixture(scope="module")
def world(server, smtp, sysadmin):
    """Agencies A and B; A's editor (the owner) with a token; a plain user; B's editor with a
    dataset of B; an applicant with an officer request to A, its document and a closure request;
    A's public and private datasets with loaded CSV resources and a chart each; a deleted
    dataset; a sysadmin's job and the owner's catalog import. Every caller's CSRF token."""
    api = Browser(server)
    suffix = unique_name("ab")
    w = {"suffix": suffix, "sysadmin_token": sysadmin, "x": "จังหวัด"}
    for key in ("a", "b"):
        org = ok(call(api, "organization_create", {"name": "ab%s-%s" % (key, suffix), "title": "หน่วยงาน " + key},
                      sysadmin))
        w["org_" + key], w["org_%s_id" % key] = org["name"], org["id"]
    browsers = {}
    for role, org in (("owner", "a"), ("user", None), ("other", "b"), ("applicant", None)):
        b = Browser(server)
        w[role] = registered_user(b, smtp, "ab" + role)
        browsers[role] = b
        if org:
            ok(call(api, "organization_member_create", {"id": w["org_" + org], "username": w[role], "role": "editor"},
                    sysadmin))
    w["owner_token"] = create_token_via_page(browsers["owner"], w["owner"])
    w["owner_email"] = w["owner"] + "@example.go.th"
    w["tokens"] = {"anon": None, "user": create_token_via_page(browsers["user"], w["user"]),
                   "other": create_token_via_page(browsers["other"], w["other"])}
    w["token_id"] = server.query("SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id"
                                 " WHERE u.name = '%s'" % w["owner"])[0][0]
    anon = Browser(server)
    anon.get("/user/login")  # a visitor's CSRF cookie, so its POSTs reach the handler
    admin = Browser(server)
    assert login(admin, "root-it", ROOT_PASSWORD).status == 303
    browsers.update(anon=anon, admin=admin)
    w["browsers"] = browsers
    # Each caller's own CSRF token: the session's (from a form) or the visitor cookie's.
    w["csrf"] = {"anon": anon.jar["govhub_csrf"]}
    for role in ("user", "other", "owner"):
        w["csrf"][role] = browsers[role].csrf_from("/user/" + w[role])

    for key, private in (("pub", False), ("priv", True)):
        name = "ab-%s-%s" % (key, suffix)
        ok(call(api, "package_create", record_dataset(w["org_a"], name, private=private), w["owner_token"]))
        status, raw = upload_resource(server, w["owner_token"], {"package_id": name}, "ฝน.csv",
                                      [CSV.encode()], len(CSV.encode()))
        assert status == 200, raw[:300]
        w[key], w[key + "_res"] = name, json.loads(raw)["result"]["id"]
    for key in ("pub", "priv"):
        wait_for_load(api, w[key + "_res"], w["owner_token"])
        view = ok(call(api, "resource_view_create", {"resource_id": w[key + "_res"], "view_type": "chart_view",
                                                     "title": "ฝน", "chart_type": "bar", "x": "จังหวัด", "y": "ฝน",
                                                     "aggregate": "sum"}, w["owner_token"]))
        w[key + "_view"] = view["id"]
    w["other_ds"] = ok(call(api, "package_create", record_dataset(w["org_b"], "ab-other-" + suffix),
                            w["tokens"]["other"]))["name"]
    trash = ok(call(api, "package_create", record_dataset(w["org_a"], "ab-trash-" + suffix), w["owner_token"]))
    ok(call(api, "package_delete", {"id": trash["id"]}, w["owner_token"]))
    w["trash"] = trash["id"]
    w["group"] = ok(call(api, "group_create", {"name": "abg-" + suffix, "title": "กลุ่มทดสอบ", "category": "category01"}, sysadmin))["name"]
    r = api.post_json("/api/jobs", {"kind": "test.noop"}, headers={"Authorization": sysadmin})
    assert r.status == 201, r.text
    w["job"] = r.json()["id"]

    # The owner's import of an (empty) workbook: a job of theirs.
    r = upload_workbook(browsers["owner"], api.get("/catalog.xlsx?organization=" + w["org_b"]).body)
    assert r.status == 303, r.text
    wait_report(browsers["owner"], r.header("Location"))
    w["import_job"] = r.header("Location").rsplit("/", 1)[1]

    applicant = browsers["applicant"]
    # A workD request form draft of the applicant's (a new agency: its own pending entry).
    r = applicant.post_form("/workd/requests/new", {"action": "save", "agency_choice": "new",
                                                    "agency_name_th": "หน่วยงานทดสอบ abuse"})
    assert r.status == 303, r.text
    w["wdref"] = r.header("Location").split("/")[3]
    r = applicant.post_form("/opendata/officer", dict(OFFICER_FORM, organization=w["org_a_id"]))
    assert r.status == 303, r.text
    w["ref"] = r.header("Location").rsplit("/", 1)[1]
    csrf = applicant.csrf_from("/requests/" + w["ref"])
    r = upload_document(applicant, "/requests/%s/documents" % w["ref"], {"_csrf": csrf, "kind": "signed_application"},
                        "ใบสมัคร.pdf", b"%PDF-1.7\n% signed scan\n", "application/pdf")
    assert r.status == 303, r.text
    page = applicant.get("/requests/" + w["ref"])
    w["doc"] = re.search(r'/requests/%s/documents/([0-9a-f-]+)' % w["ref"], page.text).group(1)
    # workD: the applicant's approved request for a subdomain, for a new agency of theirs.
    w["workd_ref"], _ = file_and_approve(server, applicant, w["applicant"], sysadmin, "subdomain",
                                         "ab" + uuid.uuid4().hex[:10])
    # ... and a change to it, filed on its change page (a workd_change draft with a printed form).
    r = applicant.post_form("/workd/requests/%s/change" % w["workd_ref"], {
        "members_change": "เปลี่ยนผู้ดูแลระบบ", "effective_date": (datetime.date.today() + datetime.timedelta(days=7)).isoformat(),
        "contact_name_th": "สมศรี ใจดี", "contact_name_en": "Somsri Jaidee", "contact_position": "นักวิชาการ",
        "office_phone": "02 612 6060", "mobile": "081-234-5678", "email": "somsri@agency.go.th",
        "backup_email": "somsri.backup@example.com", "pdpa_consent": "yes", "terms_accepted": "yes"})
    assert r.status == 303, r.text
    w["workd_change_ref"] = r.header("Location").rsplit("/", 1)[1]
    r = applicant.post_form("/user/close", {"action": "suspend", "reason": "ทดสอบ"}, csrf_page="/user/close")
    assert r.status == 303, r.text
    w["closure_ref"] = r.header("Location").rsplit("/", 1)[1]
    w["scorm_lesson"] = scorm_lesson(browsers["owner"], w["org_a"])
    learning_world(server, browsers["owner"], w)
    return w


def learning_world(server, owner, w):
    """Agency A's draft course of the owner: a section, a text lesson, a PDF lesson with its file,
    a quiz with one question, the applicant as its course staff; the owner (verified through the
    DOPA stand-in) enrolled, with an open quiz attempt."""
    name = "ablearn-" + w["suffix"]
    r = owner.post_form("/learning/course/new", {
        "name": name, "title": "หลักสูตรทดสอบ", "summary": "ทดสอบ", "category": "data", "level": "beginner",
        "minutes": "30", "agency_id": w["org_a"]})
    assert r.status == 303, r.text[:2000]
    manage = "/learning/course/%s/manage" % name
    assert owner.post_form("/learning/course/%s/sections" % name, {"title": "บทนำ"}, csrf_page=manage).status == 303
    w["lsection"] = re.findall(r'action="/learning/course/%s/sections/([0-9a-f-]{36})"' % name, owner.get(manage).text)[-1]
    for key, kind in (("ltext", "text"), ("lpdf", "pdf"), ("lquiz", "quiz")):
        r = owner.post_form("/learning/course/%s/lessons" % name, {"section_id": w["lsection"], "kind": kind,
                                                                   "title": "บท " + kind}, csrf_page=manage)
        assert r.status == 303, r.text[:2000]
        w[key] = re.match(r"/learning/lesson/([0-9a-f-]{36})/edit", r.header("Location")).group(1)
    csrf = owner.csrf_from("/learning/lesson/%s/edit" % w["lpdf"])
    body, headers = multipart({"_csrf": csrf}, [("upload", "เอกสาร.pdf", b"%PDF-1.7\n% handout\n")])
    r = owner.request("POST", "/learning/lesson/%s/media" % w["lpdf"], body=body, headers=headers)
    assert r.status == 303, r.text[:2000]
    r = owner.post_form("/learning/lesson/%s/quiz/questions" % w["lquiz"],
                        {"kind": "short", "prompt": "ข้อหนึ่ง", "answers": "หนึ่ง"},
                        csrf_page="/learning/lesson/%s/quiz" % w["lquiz"])
    assert r.status == 303, r.text[:2000]
    w["lquestion"] = re.search(r'/quiz/questions/([A-Za-z0-9_-]+)/delete', owner.get(
        "/learning/lesson/%s/quiz" % w["lquiz"]).text).group(1)
    w["lcourse"] = name
    assert owner.post_form("/learning/course/%s/staff" % name, {"user": w["applicant"]}, csrf_page=manage).status == 303
    w["lstaff"] = w["applicant"]
    # The applicant declared agency A as a learner (pending its admins' confirmation).
    server.execute("INSERT INTO learning_profiles (user_id, civil_servant, agency_id, position) "
                   "SELECT id, 1, '%s', 'IDOR' FROM users WHERE name = '%s'" % (w["org_a_id"], w["applicant"]))
    assert owner.post_form("/learning/identity", identity_fields()).status == 303
    assert owner.post_form("/learning/course/%s/enrol" % name, {}, csrf_page="/learning/course/" + name).status == 303
    r = owner.post_form("/learning/lesson/%s/attempt" % w["lquiz"], {}, csrf_page="/learning/lesson/" + w["lquiz"])
    assert r.status == 303, r.text[:2000]
    w["lattempt"] = r.header("Location").rsplit("/", 1)[1]
    # Agency A's certificate design with both images (set by a sysadmin's token), and a
    # certificate of the owner's (as the certificate workflow writes it).
    design = "/api/learning/agencies/%s/certificate-design/" % w["org_a"]
    for image in ("signature", "background"):
        r = Browser(server).request("POST", design + image, body=png(60, 30),
                                    headers={"Authorization": w["sysadmin_token"], "Content-Type": "image/png"})
        assert r.status == 200, r.text
    # A bulk enrolment by the owner (an author of the course), finished so its report exists.
    r = owner.request("POST", "/api/learning/courses/%s/enrolments/bulk" % name, body=b"bulk-%s@example.com\n" % w[
        "suffix"].encode(), headers={"Content-Type": "text/csv", "X-CSRF-Token": owner.csrf_from("/learning")})
    assert r.status == 202, r.text[:2000]
    w["lbulkjob"] = r.json()["job_id"]
    deadline = time.time() + 30
    while owner.get("/api/learning/courses/%s/enrolments/bulk/%s" % (name, w["lbulkjob"])).json()["job"]["state"] != \
            "succeeded":
        assert time.time() < deadline, "the bulk enrolment job did not finish"
        time.sleep(0.2)
    certificate_world(owner, w)


def certificate_world(owner, w):
    """The owner's certificate of another course of agency A (one text lesson, auto-approved),
    earned by reading the lesson and asking for it."""
    name = "abcert-" + w["suffix"]
    r = owner.post_form("/learning/course/new", {
        "name": name, "title": "หลักสูตรวุฒิบัตร", "summary": "ทดสอบ", "category": "data", "level": "beginner",
        "minutes": "30", "agency_id": w["org_a"], "certificate_auto_approve": "1"})
    assert r.status == 303, r.text[:2000]
    manage = "/learning/course/%s/manage" % name
    assert owner.post_form("/learning/course/%s/sections" % name, {"title": "บทนำ"}, csrf_page=manage).status == 303
    section = re.findall(r'action="/learning/course/%s/sections/([0-9a-f-]{36})"' % name, owner.get(manage).text)[-1]
    r = owner.post_form("/learning/course/%s/lessons" % name, {"section_id": section, "kind": "text", "title": "บท",
                                                               "body": "เนื้อหา"}, csrf_page=manage)
    assert r.status == 303, r.text[:2000]
    lesson = re.match(r"/learning/lesson/([0-9a-f-]{36})/edit", r.header("Location")).group(1)
    assert owner.post_form("/learning/course/%s/enrol" % name, {}, csrf_page="/learning/course/" + name).status == 303
    assert owner.get("/learning/lesson/" + lesson).status == 200
    r = owner.post_form("/learning/courses/%s/certificate" % name, {}, csrf_page="/learning/course/" + name)
    assert r.status == 303, r.text[:2000]
    page = owner.get("/learning/course/" + name).text
    w["lcert"] = re.search(r"/learning/certificates/([0-9A-Z-]{14})\.pdf", page).group(1)
    w["lcertcourse"] = name


TABLES = ("audit_log", "users", "api_tokens", "sessions", "memberships", "organizations", "datasets", "resources",
          "resource_views", "workflow_requests", "workflow_attachments", "holidays", "jobs")


def settle(server, timeout=30):
    """Waits for the background jobs that are due (mail, loads) to finish: they write too."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        rows = server.query("SELECT state, run_after FROM jobs WHERE state IN ('queued', 'running')")
        if not [r for r in rows if r[0] == "running" or r[1].replace(" ", "T")[:19] <= now]:
            return
        time.sleep(0.1)
    raise AssertionError("background jobs did not settle: %s" % rows)


def fingerprint(server, w):
    """What the requests under test could change: rows of the tables they write, the public
    dataset as its owner reads it, the job's state."""
    settle(server)
    row = server.query("SELECT " + ", ".join("(SELECT COUNT(*) FROM %s)" % t for t in TABLES))[0]
    api = Browser(server)
    pub = ok(call(api, "package_show", {"id": w["pub"]}, w["owner_token"], method="GET"))
    job = api.get("/api/jobs/" + w["job"], headers={"Authorization": w["sysadmin_token"]}).json()
    views = ok(call(api, "resource_view_list", {"id": w["pub_res"]}, w["owner_token"], method="GET"))
    return {"rows": dict(zip(TABLES, row)), "title": pub["title"], "state": pub["state"],
            "resources": [(r["id"], r["name"]) for r in pub["resources"]],
            "job": (job["state"], job.get("attempts")), "views": sorted(v["id"] for v in views),
            "owner_token_works": call(api, "package_show", {"id": w["priv"]}, w["owner_token"], method="GET").status}


def test_state_changing_routes_refuse_a_session_without_the_csrf_token(server, world):
    w, admin = world, world["browsers"]["admin"]
    before = fingerprint(server, w)
    failures = []
    for (method, _), (template, body) in sorted(CSRF.items()):
        path, body = fill(template, w), fill_body(body, w)
        for token in (None, "wrong-" + "0" * 30):
            r = send(admin, method, path, body, csrf=token)
            if r.status != 403:
                failures.append("%s %s (token %s): %d %s" % (method, path, token, r.status, r.text[:120]))
    # A route exempt from the token must not act with the browser's session cookie alone.
    for method, pattern in sorted(CSRF_EXEMPT):
        r = send(w["browsers"]["owner"], method, pattern, {})
        if r.status not in (401, 403):
            failures.append("exempt %s %s honoured a cookie: %d" % (method, pattern, r.status))
    # A GET cannot stand in for the POST: actions with side effects refuse it.
    for action in ("package_delete", "package_patch"):
        r = admin.get("/api/3/action/%s?id=%s&title=CSRF" % (action, w["pub"]))
        if r.status != 400:
            failures.append("GET %s: %d %s" % (action, r.status, r.text[:120]))
    assert not failures, "\n".join(failures)
    # The session survived (logout and password change were refused) and nothing changed.
    assert admin.get("/user/me").header("Location") == "/user/root-it"
    assert fingerprint(server, w) == before


def test_the_middlewares_exemptions_cannot_ride_on_a_cookie(server, world):
    """CsrfMiddleware lets two kinds of request through without the token, on every route: calls
    with an API token (a cross-site page cannot make a browser add an Authorization header with
    a token it does not know; the token is never in a cookie) and API calls without a session
    cookie (they are anonymous). Neither acts with the authority of the browser's session."""
    w, api = world, Browser(server)
    # Without the session cookie, the API is anonymous: refused.
    r = api.post_json("/api/3/action/package_patch", {"id": w["pub"], "title": "CSRF"})
    assert r.status in (401, 403), r.status
    # A session cookie next to a token does not lend the cookie's rights: the token's user acts.
    # With the session cookie and no token, the API wants the CSRF token like any form.
    r = send(w["browsers"]["admin"], "POST", "/api/3/action/package_patch",
             {"json": {"id": w["pub"], "title": "CSRF"}})
    assert r.status == 403
    # The owner's session cookie next to a plain user's token: the token decides, and it may not.
    b = Browser(server)
    b.jar.update(w["browsers"]["owner"].jar)
    r = b.post_json("/api/3/action/package_patch", {"id": w["pub"], "title": "CSRF"},
                    headers={"Authorization": w["tokens"]["user"]})
    assert r.status == 403, r.status
    assert ok(call(api, "package_show", {"id": w["pub"]}, method="GET"))["title"] != "CSRF"


def refused(caller, r):
    if r.status in (401, 403, 404):
        return True
    # Pages send an anonymous visitor to the login form.
    return caller == "anon" and r.status in (302, 303) and "/user/login" in (r.header("Location") or "")


def test_objects_of_another_agency_or_user_are_refused(server, world):
    w = world
    # The callers' CSRF tokens are good, so a refusal below is about who asks.
    for caller in ("anon", "user", "other"):
        r = send(w["browsers"][caller], "POST", "/user/reset", {"login": "nobody-" + w["suffix"]}, w["csrf"][caller])
        assert r.status != 403, (caller, r.status, r.text[:200])
    before = fingerprint(server, w)
    failures = []
    for (method, pattern), (template, access, body) in sorted(IDOR.items()):
        path, body = fill(template, w), fill_body(body, w)
        for caller in ("anon", "user", "other"):
            r = send(w["browsers"][caller], method, path, body, csrf=w["csrf"][caller])
            if access == PUBLIC:
                ok_ = r.status == 200 and not [k for k in HIDDEN.get(pattern, ()) if str(w[k]) in r.text]
            else:
                ok_ = refused(caller, r)
            if not ok_:
                failures.append("%s %s as %s (%s): %d %s" % (method, path, caller, access, r.status, r.text[:160]))
    assert not failures, "\n".join(failures)
    assert fingerprint(server, w) == before
    assert server.query("SELECT p.agency_id, p.agency_confirmed_at FROM learning_profiles p JOIN users u "
                        "ON u.id = p.user_id WHERE u.name = '%s'" % w["applicant"]) == [(w["org_a_id"], "")]
    # The paths name real objects: a sysadmin reads every one (the refusals were about who asked)
    # once the request is submitted (a draft is its applicant's alone, staff included).
    assert w["browsers"]["admin"].get("/staff/requests/" + w["ref"]).status == 404
    r = w["browsers"]["applicant"].post_form("/requests/" + w["ref"], {"transition": "submit"},
                                             csrf_page="/requests/" + w["ref"])
    assert r.status == 303, r.text[:300]
    for (method, pattern), (template, access, body) in sorted(IDOR.items()):
        if method == "GET":
            r = w["browsers"][READER.get(pattern, "admin")].get(fill(template, w))
            assert r.status == 200, (pattern, r.status, r.text[:200])
    owner = w["browsers"]["owner"]
    for template in ("/dataset/{priv}", "/dataset/{priv}/resource/{priv_res}/download", "/view/{priv_view}/embed",
                     "/datastore/dump/{priv_res}", "/dataset/{pub}/edit"):
        assert owner.get(fill(template, w)).status == 200, template
    assert w["browsers"]["applicant"].get("/requests/" + w["ref"]).status == 200


# Routes without an id that answer the caller's own records (Learning's history, issue 17): an
# anonymous visitor is sent to log in (pages) or gets 401 (JSON); a plain user and agency B's
# editor get their own history, never the owner's course.
OWN_ONLY = ["/learning/my", "/api/learning/my/history", "/learning/my/transcript.pdf", "/learning/my/transcript.csv"]


def test_own_history_routes_show_only_the_callers_own(server, world):
    w = world
    title = "หลักสูตรทดสอบ"  # the owner's enrolment (learning_world)
    owner = w["browsers"]["owner"]
    assert w["lcourse"] in owner.get("/api/learning/my/history").text
    assert title in owner.get("/learning/my").text
    failures = []
    for path in OWN_ONLY:
        r = w["browsers"]["anon"].get(path)
        if not refused("anon", r):
            failures.append("%s as anon: %d" % (path, r.status))
        for caller in ("user", "other"):
            r = w["browsers"][caller].get(path)
            if r.status != 200 or w["lcourse"] in r.text or title in r.text:
                failures.append("%s as %s: %d %s" % (path, caller, r.status, r.text[:160]))
    assert not failures, "\n".join(failures)


# The same routes with the ids crossed: the caller's own object in one part of the path, agency
# A's in the other (a handler must check the object it acts on, not the one it was led through).
# Agency B's editor tries each.
CROSSED = [
    ("GET", "/dataset/{pub}/resource/{priv_res}", None),
    ("GET", "/dataset/{pub}/resource/{priv_res}/download", None),
    ("GET", "/dataset/{pub}/resource/{priv_res}/openapi.json", None),
    ("GET", "/dataset/{other_ds}/resource/{priv_res}", None),
    ("POST", "/dataset/{other_ds}/resource/{pub_res}/datastore/reload", {}),
    ("POST", "/dataset/{other_ds}/resource/{pub_res}/datastore/dictionary", {"label_ฝน": "IDOR"}),
    ("POST", "/dataset/{other_ds}/resource/{priv_res}/views", {"title": "IDOR", "config": '{"x": "จังหวัด"}'}),
    ("POST", "/dataset/{other_ds}/edit", {"title": "IDOR", "owner_org": "{org_a}"}),
    ("POST", "/user/{other}/api-tokens/{token_id}/revoke", {}),
    ("GET", "/user/{other}/api-tokens/{token_id}/usage", None),
]


def test_crossed_ids_are_refused(server, world):
    w, b = world, world["browsers"]["other"]
    before = fingerprint(server, w)
    failures = []
    for method, template, body in CROSSED:
        path = fill(template, w)
        r = send(b, method, path, fill_body(body, w), csrf=w["csrf"]["other"])
        if r.status not in (403, 404):
            failures.append("%s %s: %d %s" % (method, path, r.status, r.text[:160]))
    assert not failures, "\n".join(failures)
    assert fingerprint(server, w) == before
    other_ds = ok(call(Browser(server), "package_show", {"id": w["other_ds"]}, w["tokens"]["other"], method="GET"))
    assert other_ds["organization"]["name"] == w["org_b"]


# Actions take ids in their bodies: the action-level IDOR, with API tokens (no cookies), for the
# actions that read or change one object of agency A.
ACTIONS = [
    ("package_show", {"id": "{priv}"}),
    ("resource_show", {"id": "{priv_res}"}),
    ("package_patch", {"id": "{pub}", "title": "IDOR"}),
    ("package_delete", {"id": "{pub}"}),
    ("resource_patch", {"id": "{pub_res}", "name": "IDOR"}),
    ("resource_delete", {"id": "{pub_res}"}),
    ("package_resource_reorder", {"id": "{pub}", "order": ["{pub_res}"]}),
    ("resource_view_show", {"id": "{priv_view}"}),
    ("resource_view_delete", {"id": "{pub_view}"}),
    ("datastore_search", {"resource_id": "{priv_res}"}),
    ("datastore_info", {"resource_id": "{priv_res}"}),
    ("datastore_delete", {"resource_id": "{pub_res}"}),
    ("organization_member_create", {"id": "{org_a}", "username": "{user}", "role": "admin"}),
    ("package_create", {"name": "ab-idor-{suffix}", "owner_org": "{org_a}", "title": "IDOR"}),
    ("package_update", dict(record_dataset("{org_a}", "{pub}"), id="{pub}", title="IDOR")),
    ("package_revise", {"match": {"name": "{pub}"}, "update": {"title": "IDOR"}}),
    # A match that fails must not tell a stranger about a private dataset's values.
    ("package_revise", {"match": {"name": "{priv}", "title": "guess"}, "update": {"title": "IDOR"}}),
    ("dataset_purge", {"id": "{trash}"}),
    ("resource_update", {"id": "{pub_res}", "name": "IDOR", "url": "http://x.example/a.csv"}),
    ("resource_view_patch", {"id": "{pub_view}", "title": "IDOR"}),
    ("datastore_records_delete", {"resource_id": "{pub_res}", "filters": {}}),
    ("organization_patch", {"id": "{org_a}", "title": "IDOR"}),
    ("organization_delete", {"id": "{org_a}"}),
    ("organization_member_delete", {"id": "{org_a}", "username": "{owner}"}),
    ("api_token_list", {"user": "{owner}"}),
    ("api_token_revoke", {"jti": "{token_id}"}),
    ("job_show", {"id": "{job}"}),
    ("job_cancel", {"id": "{job}"}),
    ("bulk_update_delete", {"org_id": "{org_a}", "datasets": ["{pub}"]}),
    ("bulk_update_private", {"org_id": "{org_a}", "datasets": ["{pub}"]}),
    ("bulk_update_public", {"org_id": "{org_a}", "datasets": ["{priv}"]}),
    ("datastore_create", {"resource_id": "{pub_res}", "fields": [{"id": "x", "type": "text"}]}),
    ("datastore_upsert", {"resource_id": "{pub_res}", "method": "insert", "records": [{"จังหวัด": "IDOR"}]}),
    ("datastore_search_sql", {"sql": 'SELECT * FROM "{priv_res}"'}),
    ("organization_update", {"id": "{org_a}", "title": "IDOR"}),
    ("member_create", {"id": "{org_a}", "object": "{other_ds}", "object_type": "package", "capacity": "public"}),
    ("member_delete", {"id": "{org_a}", "object": "{pub}", "object_type": "package"}),
    ("resource_create", {"package_id": "{pub}", "name": "IDOR", "url": "http://x.example/a.csv"}),
    ("resource_view_create", {"resource_id": "{pub_res}", "view_type": "chart_view", "title": "IDOR",
                              "chart_type": "bar", "x": "จังหวัด", "y": "ฝน", "aggregate": "sum"}),
    ("resource_view_update", {"id": "{pub_view}", "title": "IDOR", "view_type": "chart_view", "chart_type": "bar",
                              "x": "จังหวัด", "y": "ฝน", "aggregate": "sum"}),
    ("resource_view_list", {"id": "{priv_res}"}),
    ("package_activity_list", {"id": "{priv}"}),
    ("group_patch", {"id": "{group}", "title": "IDOR"}),
    ("group_update", {"id": "{group}", "title": "IDOR"}),
    ("group_delete", {"id": "{group}"}),
    ("user_update", {"id": "{owner}", "fullname_en": "IDOR", "email": "idor@example.com"}),
]

# Actions that take no object belonging to someone else, each with the reason.
ACTIONS_WITHOUT_ID = {
    "format_autocomplete": "formats in use on public datasets only",
    "resource_search": "lists only resources of datasets the caller may read (filtered in SQL)",
    "site_read": "answers true to everyone, as CKAN does",
    "vocabulary_list": "the schema's public choice lists, read-only",
    "vocabulary_show": "one of the schema's public choice lists, read-only; no stored object",
    "api_token_create": "makes a token for the caller's own account",
    "current_package_list_with_resources": "lists what package_search shows the caller",
    "group_create": "makes a new group (sysadmins only); no existing object",
    "group_list": "public list of groups",
    "group_show": "groups are public",
    "help_show": "documentation of an action",
    "job_list": "the caller's own jobs (all for sysadmins)",
    "license_list": "public list",
    "member_list": "members of a public agency or group, as CKAN shows them",
    "organization_activity_list": "public activity of a public agency (private datasets' activity is "
                                  "filtered like package_activity_list, which is tried above)",
    "organization_autocomplete": "public names",
    "organization_create": "makes a new agency (sysadmins only); no existing object",
    "organization_list": "public list of agencies",
    "organization_list_for_user": "the caller's own agencies",
    "organization_show": "agencies are public",
    "package_autocomplete": "what package_search shows the caller",
    "package_list": "public dataset names",
    "package_search": "searches only what the caller may see (tests in test_catalog_authz.py)",
    "status_show": "the site's status",
    "tag_autocomplete": "public tags",
    "tag_list": "public tags",
    "user_create": "makes a new person (sysadmins only, test_ckan_users.py); no existing object",
    "user_list": "off for anonymous callers by default; no private fields (test_account_enumeration.py)",
    "user_show": "a public profile without the e-mail (checked in test_actions_refuse_other_agencies)",
}


def test_actions_refuse_other_agencies(server, world):
    w = world
    api = Browser(server)
    tokens = w["tokens"]
    before = fingerprint(server, w)
    failures = []
    for action, params in ACTIONS:
        for caller, token in tokens.items():
            r = call(api, action, fill_body(params, w), token)
            # The SQL guard refuses a table the caller may not read as if it did not exist.
            sql_refused = (action == "datastore_search_sql" and r.status == 409 and
                           ("no such table" in r.text or "does not exist" in r.text))
            if r.status not in (401, 403, 404) and not sql_refused:
                failures.append("%s as %s: %d %s" % (action, caller, r.status, r.text[:160]))
    # A public profile through the API keeps the e-mail to its owner.
    for caller, token in tokens.items():
        r = call(api, "user_show", {"id": w["owner"]}, token, method="GET")
        if r.status == 200 and w["owner_email"] in r.text:
            failures.append("user_show as %s shows the e-mail" % caller)
    assert not failures, "\n".join(failures)
    assert fingerprint(server, w) == before
    org = ok(call(api, "organization_show", {"id": w["org_a"]}, method="GET"))
    assert org["title"] != "IDOR" and org.get("state", "active") == "active"
