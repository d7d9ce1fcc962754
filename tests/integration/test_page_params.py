"""Pages read their query strings leniently (issue 14): a mistyped ?page=, ?year= or ?state= in
a link shows the page with the default (200), where the JSON API refuses the same value with a
409 naming the parameter. The datastore page's sort and page are in test_datastore.py."""
import datetime
import html

from accounts_helpers import login
from govhub_harness import Browser

# (A NUL byte is refused for every route, with a 400, before any page reads it.)
BAD_NUMBERS = ("abc", "-3", "0", "1.5", "99999999999999999999", "1e3", "%E0%B9%91")


def admin_browser(server):
    admin = Browser(server)
    assert login(admin, "root-it", "ผู้ดูแล-ทดสอบ-2569").status == 303
    return admin


def main_of(text):
    return html.unescape(text.split("<main", 1)[-1])


def test_the_user_list_falls_back_on_a_bad_page_or_state(server, sysadmin):
    admin = admin_browser(server)
    first = main_of(admin.get("/admin/users?role=sysadmin").text)
    assert "/admin/users/root-it" in first
    for bad in BAD_NUMBERS:
        r = admin.get("/admin/users?role=sysadmin&page=" + bad)
        assert r.status == 200, (bad, r.status)
        assert main_of(r.text) == first, bad
    # An unknown state is every state, and the filter shows "all" rather than echoing it.
    r = admin.get("/admin/users?role=sysadmin&state=nope")
    assert r.status == 200 and "/admin/users/root-it" in r.text
    assert "nope" not in main_of(r.text)
    # A repeated key (a list) is not text: the default too.
    r = admin.get("/admin/users?role=sysadmin&q=a&q=b&page=1&page=2")
    assert r.status == 200 and "/admin/users/root-it" in r.text


def test_the_staff_queue_falls_back_on_a_bad_page(server, sysadmin):
    admin = admin_browser(server)
    first = admin.get("/staff/requests?closed=1")
    assert first.status == 200
    for bad in BAD_NUMBERS:
        r = admin.get("/staff/requests?closed=1&page=" + bad)
        assert r.status == 200, (bad, r.status)
        assert "page=0" not in main_of(r.text) and "page=-" not in main_of(r.text)
    # Flags that are not booleans read as not set.
    assert admin.get("/staff/requests?overdue=maybe&closed=2").status == 200


def test_the_holiday_page_falls_back_and_the_api_refuses(server, sysadmin):
    admin = admin_browser(server)
    this_year = datetime.date.today().year  # the server's Bangkok year, barring New Year's Eve
    r = admin.get("/admin/holidays?year=2570")
    assert r.status == 200 and "2570" in r.text  # a Buddhist-era year
    assert "2027-01-01" in r.text
    for bad in ("abc", "2300", "12", "1e3", "-2026", "99999999999999999999"):
        r = admin.get("/admin/holidays?year=" + bad)
        assert r.status == 200, (bad, r.status)
        assert str(this_year + 543) in r.text or str(this_year + 542) in r.text, bad
        # The JSON API refuses the same year, naming it, in the reader's language.
        api = Browser(server).get("/api/holidays?year=" + bad)
        assert api.status == 409, (bad, api.status)
        assert api.json()["error"]["fields"]["year"], api.text
    en = Browser(server).get("/api/holidays?year=2300&lang=en").json()["error"]["fields"]["year"]
    assert "1970" in en and "Buddhist" in en, en
    assert Browser(server).get("/api/holidays?year=2027").status == 200
    assert Browser(server).get("/api/holidays?year=").status == 200  # empty: every year
