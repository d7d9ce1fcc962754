"""The documentation for API users served as pages of the site (/developer/docs): reached from
the developer page, with a table of contents whose anchors land on the headings, links between
documents kept inside the site, and nothing outside the served list reachable."""
import re

from govhub_harness import Browser


def test_developer_page_links_the_api_guide_as_a_page(browser):
    r = browser.get("/developer?lang=th")
    assert r.status == 200
    assert 'href="/developer/docs/api"' in r.text and "คู่มือ API ฉบับเต็ม" in r.text
    assert "docs/api.md" not in r.text, "no repository path sent to visitors"
    # Code blocks scroll inside the page and take keyboard focus.
    assert '<pre tabindex="0"><code id="quickstart-curl">' in r.text


def test_index_lists_the_served_documents_in_the_readers_language(browser):
    th = browser.get("/developer/docs?lang=th")
    assert th.status == 200
    assert 'href="/developer/docs/api"' in th.text and 'href="/developer/docs/catalog-workbook"' in th.text
    assert "การยืนยันตัวตน" in th.text
    en = browser.get("/developer/docs?lang=en")
    assert "authentication, parameter types, errors and limits" in en.text


def test_api_guide_has_a_contents_whose_anchors_are_its_headings(browser):
    r = browser.get("/developer/docs/api?lang=en")
    assert r.status == 200
    assert re.search(r"<h1[^>]*>The govhub API</h1>", r.text)
    toc = re.search(r'<nav class="toc".*?</nav>', r.text, re.S).group(0)
    anchors = re.findall(r'href="#([^"]+)"', toc)
    ids = set(re.findall(r'<h[23] id="([^"]+)"', r.text))
    assert "the-automatic-api-datastore" in anchors and "parameter-types" in anchors
    assert anchors and all(a in ids for a in anchors), set(anchors) - ids
    # What the README links to on GitHub works here too.
    assert 'id="the-automatic-api-datastore"' in r.text
    assert "This document is in English only" not in r.text
    # Tables and code blocks scroll inside the column, reachable by keyboard.
    assert '<pre tabindex="0">' in r.text and '<table tabindex="0">' in r.text
    th = browser.get("/developer/docs/api?lang=th")
    assert "เอกสารนี้มีเฉพาะภาษาอังกฤษ" in th.text and "สารบัญ" in th.text


def test_links_stay_inside_the_site(browser):
    r = browser.get("/developer/docs/catalog-workbook?lang=en")
    assert r.status == 200
    hrefs = re.findall(r'<article.*?</article>', r.text, re.S)[0]
    for href in re.findall(r'href="([^"]+)"', hrefs):
        assert not href.endswith(".md") and ".md#" not in href, href


def test_only_the_served_documents_are_reachable(server):
    b = Browser(server)
    for path in ("/developer/docs/operators", "/developer/docs/security", "/developer/docs/nope",
                 "/developer/docs/..%2f..%2fREADME", "/developer/docs/api.md",
                 "/developer/docs/..%2Fdocs%2Fapi", "/developer/docs/%00api"):
        r = b.get(path)
        assert r.status in (400, 404), (path, r.status)
        assert "Operator" not in r.text and "govhub uses" not in r.text


def test_service_guide_is_a_page_with_a_section_per_service(browser):
    r = browser.get("/guide?lang=th")
    assert r.status == 200
    for sid, title in (("opendata", "บริการ Open Government Data"), ("workd", "บริการ workD Platform"),
                       ("learning", "บริการ Digital Government Learning Platform")):
        assert '<section id="%s"' % sid in r.text and title in r.text
    assert "การขออนุมัติใบประกาศนียบัตร" in r.text and "ภายใน 2 วัน" in r.text
    en = browser.get("/guide?lang=en")
    assert "published in Thai only" in en.text and 'href="/learning"' in en.text


def test_workd_says_what_this_site_does_and_links_the_guide(browser):
    # Requests are taken here now: no "coming to this site" box, but what can be done here and
    # what is not yet provisioned (mailboxes come later).
    th = browser.get("/workd?lang=th")
    assert "กำลังจะเปิดให้บริการบนระบบนี้" not in th.text and "ทำอะไรได้บนเว็บไซต์นี้" in th.text
    assert 'href="/guide#workd"' in th.text and 'href="/workd/requests/new"' in th.text
    en = browser.get("/workd?lang=en")
    assert "Coming to this site" not in en.text and "Mailboxes and meeting rooms are not yet opened" in en.text
    assert "5 working days" in en.text


def test_learning_is_the_course_catalog_and_links_the_guide(browser):
    th = browser.get("/learning?lang=th")
    assert th.status == 200 and "กำลังจะเปิดให้บริการบนระบบนี้" not in th.text
    assert 'href="/guide#learning"' in th.text and 'href="/learning/signup"' in th.text
    en = browser.get("/learning?lang=en")
    assert "Sign up and verify your identity" in en.text and 'action="/learning"' in en.text


def test_footer_contact_is_a_link_on_every_page(browser):
    for path in ("/", "/opendata", "/developer", "/guide"):
        r = browser.get(path)
        assert 'href="mailto:contact@dga.or.th"' in r.text and 'href="tel:+6626126060"' in r.text
        assert 'href="/guide"' in r.text and 'href="/developer/docs"' in r.text
