"""A person's profile lists the agencies they act for and their role there, in the reader's
language, to themselves and sysadmins only (#15: a new editor could not see where they belong)."""
import html

from accounts_helpers import registered_user, unique_name
from govhub_harness import Browser
from test_catalog_api import call, ok


def section(page):
    """The profile's agencies section, or None when the page has none."""
    if 'id="agencies-heading"' not in page:
        return None
    return html.unescape(page.split('id="agencies-heading"')[1].split("</section>")[0])


def test_the_profile_lists_agency_roles_to_the_person_and_sysadmins(server, smtp, sysadmin):
    api = Browser(server)
    s = unique_name("pr")
    ok(call(api, "organization_create", {"name": "dept-" + s, "title": "กรมทดลองบทบาท",
                                         "title_en": "Department of Role Trials"}, sysadmin))
    ok(call(api, "organization_create", {"name": "office-" + s, "title": "สำนักงานทดลองสมาชิก"}, sysadmin))
    me = Browser(server)
    name = registered_user(me, smtp, "roles")
    ok(call(api, "organization_member_create", {"id": "dept-" + s, "username": name, "role": "admin"}, sysadmin))
    ok(call(api, "organization_member_create", {"id": "office-" + s, "username": name, "role": "member"}, sysadmin))

    # The person: Thai by default, each agency linked, the role in words.
    own = section(me.get("/user/" + name).text)
    assert own is not None
    assert '<a href="/organization/dept-%s" lang="th">กรมทดลองบทบาท</a>' % s in own
    assert "ผู้ดูแล" in own and "สมาชิก" in own
    assert '<a href="/organization/office-%s" lang="th">สำนักงานทดลองสมาชิก</a>' % s in own
    # English: the English title where there is one (else the Thai one), English role names.
    en = section(me.get("/user/%s?lang=en" % name).text)
    assert "Department of Role Trials" in en and "Agency administrator" in en and "Member" in en
    assert "Department of Role Trials</a>" in en
    # No English title: the Thai one, marked as Thai for screen readers.
    assert '<a href="/organization/office-%s" lang="th">สำนักงานทดลองสมาชิก</a>' % s in en
    # A sysadmin sees them too.
    admin_view = section(Browser(server).get("/user/" + name, headers={"Authorization": sysadmin}).text)
    assert admin_view is not None and "กรมทดลองบทบาท" in admin_view

    # Visitors and other people do not (as they do not see an agency's member list).
    visitor = Browser(server).get("/user/" + name)
    assert visitor.status == 200 and section(visitor.text) is None and "กรมทดลองบทบาท" not in visitor.text
    other = Browser(server)
    registered_user(other, smtp, "nosy")
    page = other.get("/user/" + name).text
    assert section(page) is None and "กรมทดลองบทบาท" not in page
    # Someone with no agency sees that said, not an empty list.
    mine = section(other.get("/user/me").text if other.get("/user/me").status == 200 else "")
    assert mine is None or "ยังไม่มีบทบาทในหน่วยงานใด" in mine
    # A role changed shows at once.
    ok(call(api, "organization_member_create", {"id": "dept-" + s, "username": name, "role": "editor"}, sysadmin))
    assert "ผู้แก้ไข" in section(me.get("/user/%s?lang=th" % name).text)
