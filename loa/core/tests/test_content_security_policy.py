"""Issue 11, item 8: every page answers with a Content-Security-Policy that allows nothing inline, and
no page needs anything inline: no inline script or event handler, no `style` attribute, no
`javascript:` link, in what each role's pages really send."""

from datetime import date
from html.parser import HTMLParser

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from loa.core.security_headers import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY, SecurityHeadersMiddleware

YEAR = 2021


def test_the_policy_allows_only_loa_itself_and_nothing_inline():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == directives["script-src"] == directives["style-src"] == "'self'"
    assert directives["object-src"] == directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY and "*" not in CONTENT_SECURITY_POLICY
    assert (
        "camera=()" in PERMISSIONS_POLICY
        and "microphone=()" in PERMISSIONS_POLICY
        and "geolocation=()" in PERMISSIONS_POLICY
    )


class InlineCode(HTMLParser):
    """What a page sends that a policy without 'unsafe-inline' refuses (or that needs eval)."""

    DATA_SCRIPTS = ("application/json", "application/ld+json")  # data blocks, never run

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name == "style" or name.startswith(("on", "hx-on")):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value.startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
            if name in ("hx-vals", "hx-vars") and value.startswith(("js:", "javascript:")):
                self.found.append(f"<{tag} {name}=js:…>")
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and (attrs.get("type") or "").lower() not in self.DATA_SCRIPTS:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("inline <style>")

    handle_startendtag = handle_starttag


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_inline_code_finder_finds_what_the_policy_refuses():
    page = (
        '<p style="color:red" onclick="x()"><a href=" JavaScript:alert(1)">a</a><script>alert(2)</script>'
        '<script src="/static/a.js"></script><script type="application/json">{}</script><style>p{}</style>'
        '<input hx-on:keydown="x"><svg onload="y()"/></p>'
    )
    assert inline_code(page) == [
        "<p style=…>",
        "<p onclick=…>",
        "<a href=javascript:…>",
        "inline <script>",
        "inline <style>",
        "<input hx-on:keydown=…>",
        "<svg onload=…>",
    ]


@pytest.fixture
def world(tree, admin, alice, editor):
    """A directive with a task sent to A and B, articles, A's Fanpage, the year's rubric scored, a job."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from loa.articles import services as articles
    from loa.articles.tests.factories import channels, jpeg_bytes, published, sent
    from loa.directives.models import Assignment
    from loa.directives.tests.factories import fanpage_letter
    from loa.fanpages.models import Fanpage, PostingYear
    from loa.jobs.models import Job
    from loa.scoring import examples
    from loa.scoring.engine import score_year

    directive, task = fanpage_letter(tree, by=admin)
    chans = channels(editor)
    draft = articles.submission_create(by=alice, unit=tree["a"], title="Nháp", body="Một.\n\nHai.", channels=chans)
    articles.submission_add_photo(by=alice, submission=draft, upload=SimpleUploadedFile("a.jpg", jpeg_bytes((40, 30))))
    piece = sent(tree["a"], alice, chans, title="Hội diễn văn nghệ")
    published(tree["a"], alice, editor, chans, title="Hội thi nấu ăn", on=date(YEAR, 3, 10))
    articles.quota_set(by=admin, unit=tree["a"], year=YEAR, kind="news", target=5)
    page = Fanpage.objects.create(
        unit=tree["a"],
        name=tree["a"].name,
        url="https://facebook.com/cs.a",
        url_key="facebook.com/cs.a",
        admin_name="Hoàng Thị An",
        admin_phone="+84912345678",
        set_up_on=date(YEAR - 1, 12, 1),
    )
    PostingYear.objects.create(fanpage=page, year=YEAR, posting_days=120, last_post_day=date(YEAR, 12, 30))
    rubric = examples.letter_2021(by=admin, unit=tree["province"], year=YEAR)
    score_year(rubric)
    job = Job.objects.create(
        kind="units.import", created_by=admin, status="running", progress_done=3, progress_total=10
    )
    return {
        "directive": directive.pk,
        "task": task.pk,
        "draft": draft.pk,
        "piece": piece.pk,
        "rubric": rubric,
        "criterion": rubric.criteria.order_by("pk").first().pk,
        "job": job.pk,
        "assignment": Assignment.objects.get(task=task, unit=tree["a"]),
    }


def pages(world, tree):
    """(who, url) of the pages each role opens; each must answer 200."""
    a = tree["a"].pk
    d, t, y = world["directive"], world["task"], YEAR
    yield from (
        ("admin", url)
        for url in [
            "/",
            "/units/",
            f"/units/{a}/",
            f"/units/{a}/edit/",
            f"/units/{a}/move/",
            "/units/new/",
            "/units/tree/",
            "/units/kinds/",
            "/directives/",
            "/directives/new/",
            f"/directives/{d}/",
            f"/directives/{d}/edit/",
            f"/directives/{d}/recipients/",
            f"/directives/{d}/tasks/new/",
            f"/directives/tasks/{t}/edit/",
            f"/directives/tasks/{t}/tracking/",
            f"/directives/tasks/{t}/units/{a}/",
            f"/directives/tasks/{t}/import/",
            "/articles/",
            "/articles/progress/",
            f"/articles/chart/?year={y}",
            "/articles/quotas/",
            "/articles/channels/",
            "/articles/review/",
            "/articles/claims/",
            f"/articles/{world['piece']}/",
            "/fanpages/",
            "/fanpages/silent/",
            f"/fanpages/unit/{a}/",
            f"/fanpages/unit/{a}/token/",
            "/scoring/",
            "/scoring/new/",
            f"/scoring/{y}/",
            f"/scoring/{y}/rubric/",
            f"/scoring/{y}/units/{a}/",
            f"/scoring/{y}/units/{a}/adjust/",
            f"/scoring/{y}/rubric/criteria/{world['criterion']}/",
            f"/scoring/{y}/rubric/levels/new/",
            "/accounts/users/",
            "/accounts/users/invite/",
            "/accounts/profile/",
            "/accounts/reauth/",
            "/audit/",
            "/notifications/",
            f"/jobs/{world['job']}/",
            "/api/v1/docs",
        ]
    )
    yield from (
        ("alice", url)
        for url in [
            "/",
            f"/directives/tasks/{t}/units/{a}/report/",
            f"/articles/progress/units/{a}/?year={y}",
            f"/articles/{world['draft']}/edit/",
            f"/articles/{world['draft']}/",
            f"/articles/units/{a}/claim/",
            f"/fanpages/unit/{a}/",
            f"/scoring/{y}/units/{a}/",
            "/accounts/profile/",
        ]
    )
    yield from (("editor", url) for url in ["/", "/articles/review/", f"/articles/{world['piece']}/", "/directives/"])
    yield from (("leader", url) for url in ["/", "/scoring/", f"/scoring/{y}/", "/fanpages/", "/articles/progress/"])
    yield from (
        (None, url) for url in ["/accounts/login/", "/accounts/password/reset/", "/accounts/password/reset/sent/"]
    )


def test_every_page_of_every_role_has_the_policy_and_sends_nothing_inline(world, tree, client, password_login, request):
    problems = []
    for who, url in pages(world, tree):
        client.logout()
        if who:
            password_login(request.getfixturevalue(who))  # account pages want a password entered lately
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{who} {url}: {response.status_code}")
            continue
        policy = response.get("Content-Security-Policy", "")
        if policy != CONTENT_SECURITY_POLICY or "unsafe-inline" in policy or "unsafe-eval" in policy:
            problems.append(f"{who} {url}: policy {policy!r}")
        if response.get("Permissions-Policy") != PERMISSIONS_POLICY:
            problems.append(f"{who} {url}: no Permissions-Policy")
        problems += [f"{who} {url}: {found}" for found in inline_code(response.content.decode())]
    assert not problems, "\n".join(problems)


def test_htmx_fragments_error_pages_and_the_one_tap_page_have_it_too(world, tree, client, admin, alice):
    from loa.directives import onetap

    client.force_login(admin)
    fragment = client.get("/units/pick/?name=parent&purpose=manage&parent_search=vien", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and fragment["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "Viên chức" in fragment.content.decode() and not inline_code(fragment.content.decode())
    missing = client.get("/directives/999999/")
    assert missing.status_code == 404 and missing["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    client.logout()
    _, url = onetap.create_link(user=alice, assignment=world["assignment"])
    opened = client.get(url.split("127.0.0.1:8000")[-1])
    assert opened.status_code == 200 and opened["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert not inline_code(opened.content.decode()) and b"data-autosubmit" in opened.content


def _through_middleware(response, *, path="/"):
    return SecurityHeadersMiddleware(lambda request: response)(RequestFactory().get(path))


def test_a_page_with_its_own_policy_keeps_it():
    own = HttpResponse("<p>x</p>")
    own["Content-Security-Policy"] = "default-src 'none'; sandbox"
    assert _through_middleware(own)["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert _through_middleware(HttpResponse("<p>x</p>"))["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_downloads_get_no_page_policy_and_kept_files_keep_their_sandbox(world, tree, client, admin):
    """Chrome shows no PDF under a page's policy; a kept file keeps the sandbox of loa.core.files."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from loa.core.files import SANDBOX

    pdf = HttpResponse(b"%PDF-1.4", content_type="application/pdf")
    assert "Content-Security-Policy" not in _through_middleware(pdf)
    client.force_login(admin)
    document = client.get(f"/directives/{world['directive']}/document.pdf")
    assert document.status_code == 200 and "Content-Security-Policy" not in document
    upload = SimpleUploadedFile(
        "cong-van.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF", content_type="application/pdf"
    )
    client.post(f"/directives/{world['directive']}/attachments/", {"file": upload})
    from loa.directives.models import Attachment

    attachment = Attachment.objects.get(directive_id=world["directive"])
    kept = client.get(f"/directives/{world['directive']}/attachments/{attachment.pk}/")
    assert kept.status_code == 200 and kept["Content-Security-Policy"] == SANDBOX


def test_django_debug_pages_are_left_alone_with_debug_on(settings):
    settings.DEBUG = True
    assert "Content-Security-Policy" not in _through_middleware(HttpResponse("<p>x</p>", status=500))
    assert (
        _through_middleware(HttpResponse("<p>x</p>", status=409))["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    )
    settings.DEBUG = False
    assert (
        _through_middleware(HttpResponse("<p>x</p>", status=500))["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    )
