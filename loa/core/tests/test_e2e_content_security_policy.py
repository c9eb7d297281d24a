"""In a browser, under the Content-Security-Policy: the key pages load without one refusal, and the
behaviours that used to be inline code (now data attributes acted on by static/loa/loa.js) still
work: the double-tap guard, the confirm dialogs, the one-tap page that sends itself, the unit
picker's Enter key and the recipients' "Save recipients"."""

import pytest

from conftest import browser_login
from loa.directives.tests.factories import GOOD_PAGE, fanpage_letter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

YEAR = 2021


def watch(page):
    """Every console error or warning and every uncaught script error of the page, from now on.
    Chromium reports a refusal by the policy as "Refused to … because it violates … Content
    Security Policy"; htmx reports what it may not evaluate as an error too."""
    seen = []
    page.on(
        "console",
        lambda message: (
            seen.append(f"{message.type}: {message.text}")
            if message.type in ("error", "warning") or "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: seen.append(f"pageerror: {error}"))
    return seen


def refusals(seen):
    return [
        text for text in seen if "Content Security Policy" in text or "Refused to" in text or "eval" in text.lower()
    ]


@pytest.fixture
def letter(tree, admin):
    return fanpage_letter(tree, by=admin)


@pytest.fixture
def rubric(tree, admin):
    from loa.scoring import examples

    return examples.letter_2021(by=admin, unit=tree["province"], year=YEAR)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_key_pages_load_without_a_single_refusal(
    device, request, live_server, tree, admin, alice, editor, letter, rubric
):
    from loa.articles.tests.factories import channels, sent
    from loa.jobs.models import Job

    page = request.getfixturevalue(device)  # live_server among the arguments: its host is allowed
    sent(tree["a"], alice, channels(editor), title="Hội diễn văn nghệ")
    job = Job.objects.create(
        kind="units.import", created_by=admin, status="running", progress_done=3, progress_total=10
    )
    directive, task = letter
    a = tree["a"].pk
    seen = watch(page)
    page.goto(page.base_url + "/accounts/login/")
    for who, urls in (
        (
            "alice",
            [
                "/",
                f"/directives/tasks/{task.pk}/units/{a}/report/",
                f"/articles/progress/units/{a}/?year={YEAR}",
                "/articles/",
                f"/fanpages/unit/{a}/",
                f"/scoring/{YEAR}/units/{a}/",
                "/accounts/profile/",
            ],
        ),
        (
            "admin",
            [
                "/",
                "/units/",
                f"/units/{a}/",
                "/units/new/",
                f"/directives/{directive.pk}/",
                f"/directives/{directive.pk}/recipients/",
                f"/directives/tasks/{task.pk}/tracking/",
                "/articles/progress/",
                f"/articles/chart/?year={YEAR}",
                "/articles/quotas/",
                "/fanpages/",
                f"/scoring/{YEAR}/",
                f"/scoring/{YEAR}/rubric/",
                "/accounts/users/",
                "/audit/",
                "/notifications/",
                f"/jobs/{job.pk}/",
                "/api/v1/docs",
            ],
        ),
    ):
        page.context.clear_cookies()
        browser_login(page, who)
        for url in urls:
            response = page.goto(page.base_url + url)
            assert response.status == 200, url
            assert "unsafe" not in response.headers["content-security-policy"], url
            page.wait_for_load_state("load")  # stylesheet, scripts, icon
    # htmx at work under the policy: the unit list filters as one types (no eval, no inline style).
    page.goto(page.base_url + "/units/")
    page.fill("#id_q", "benh vien")
    page.wait_for_function("() => !document.querySelector('#results').innerText.includes('Trường THPT')")
    # The API's interactive docs (swagger-ui's own files) work under the same policy.
    page.goto(page.base_url + "/api/v1/docs")
    page.wait_for_selector(".opblock")
    # The job page, which htmx refreshes while the job runs: its progress bar is a native <progress>.
    page.goto(page.base_url + f"/jobs/{job.pk}/")
    page.wait_for_timeout(200)
    assert page.evaluate("getComputedStyle(document.querySelector('progress.progress')).display") == "block"
    assert not refusals(seen), seen
    assert not seen, seen  # not even a missing file (the icon) or a script error


def test_a_report_sent_with_a_double_tap_goes_once(tree, alice, letter, phone, live_server):
    from loa.directives.models import ReportVersion

    _, task = letter
    seen = watch(phone)
    browser_login(phone, "alice")
    url = f"{live_server.url}/directives/tasks/{task.pk}/units/{tree['a'].pk}/report/"
    phone.goto(url)
    for field, value in GOOD_PAGE.items():
        if value:
            phone.fill(f"#id_{field}", value)
    # The guard on its own: a submission that does not leave the page leaves the button disabled.
    phone.evaluate(
        "document.querySelector('form.stack').addEventListener('submit', (e) => e.preventDefault(), {once: true})"
    )
    button = phone.get_by_role("button", name="Gửi báo cáo")
    button.click()
    phone.wait_for_function("() => document.querySelector('[data-once]').disabled")
    phone.goto(url)
    for field, value in GOOD_PAGE.items():
        if value:
            phone.fill(f"#id_{field}", value)
    posts = []
    phone.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    phone.get_by_role("button", name="Gửi báo cáo").dblclick()
    phone.wait_for_selector("[data-testid=receipt]")
    assert len(posts) == 1, posts
    assert ReportVersion.objects.filter(report__assignment__task=task, report__assignment__unit=tree["a"]).count() == 1
    assert not refusals(seen), seen


def test_a_confirm_dialog_asks_first_and_no_sends_nothing(tree, admin, rubric, desktop, live_server):
    from loa.scoring.models import Criterion

    criterion = rubric.criteria.order_by("pk").first()
    seen = watch(desktop)
    browser_login(desktop, "admin")
    desktop.goto(f"{live_server.url}/scoring/{YEAR}/rubric/criteria/{criterion.pk}/")
    asked = []

    def answer(accept):
        def handle(dialog):
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return handle

    desktop.once("dialog", answer(False))
    desktop.get_by_role("button", name="Xóa").click()
    desktop.wait_for_timeout(300)
    assert asked == ["Xóa mục này?"] and Criterion.objects.filter(pk=criterion.pk).exists()
    assert desktop.url.endswith(f"/criteria/{criterion.pk}/")
    desktop.once("dialog", answer(True))
    desktop.get_by_role("button", name="Xóa").click()
    desktop.wait_for_url(lambda url: f"/criteria/{criterion.pk}/" not in url)
    assert len(asked) == 2 and not Criterion.objects.filter(pk=criterion.pk).exists()
    # A form that asks (the year's freeze): refused, then accepted.
    desktop.goto(f"{live_server.url}/scoring/{YEAR}/")
    desktop.once("dialog", answer(False))
    desktop.click("[data-testid=freeze]")
    desktop.wait_for_timeout(300)
    rubric.refresh_from_db()
    assert not rubric.frozen and asked[-1].startswith("Chốt kết quả?")
    desktop.once("dialog", answer(True))
    desktop.click("[data-testid=freeze]")
    desktop.wait_for_selector("[data-testid=frozen]")
    assert not refusals(seen), seen


def test_the_one_tap_page_sends_itself(tree, alice, letter, phone, live_server):
    from loa.directives import onetap
    from loa.directives.models import Assignment

    _, task = letter
    _, url = onetap.create_link(user=alice, assignment=Assignment.objects.get(task=task, unit=tree["a"]))
    seen = watch(phone)
    phone.goto(live_server.url + url.split("127.0.0.1:8000")[-1])
    phone.wait_for_selector("#id_admin_phone")  # the report form, without a tap
    assert f"/directives/tasks/{task.pk}/units/{tree['a'].pk}/report/" in phone.url
    assert not refusals(seen), seen


def test_enter_in_the_unit_picker_does_not_send_the_half_filled_form(tree, admin, desktop, live_server):
    seen = watch(desktop)
    browser_login(desktop, "admin")
    desktop.goto(live_server.url + "/units/new/")
    desktop.fill("#id_name", "Công đoàn cơ sở Trường Tiểu học Hợp Giang")
    posts = []
    desktop.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    desktop.fill("input[name=parent_search]", "vien chuc")
    desktop.press("input[name=parent_search]", "Enter")
    desktop.get_by_role("button", name="Công đoàn Viên chức tỉnh Cao Bằng").wait_for()
    assert posts == [] and desktop.url.endswith("/units/new/")
    assert desktop.locator(".errorlist").count() == 0
    desktop.get_by_role("button", name="Công đoàn Viên chức tỉnh Cao Bằng").click()
    desktop.wait_for_selector("[data-testid=picked-parent]")
    assert not refusals(seen), seen


def test_save_recipients_sends_the_ticked_units(tree, admin, desktop, live_server):
    directive, _ = fanpage_letter(tree, by=admin, issue=False, recipients=[tree["a"]])
    seen = watch(desktop)
    browser_login(desktop, "admin")
    desktop.goto(f"{live_server.url}/directives/{directive.pk}/recipients/")
    desktop.check("input[name=mode][value=hand]")
    desktop.fill("input[name=q]", "benh vien")
    desktop.locator(f".pick[value='{tree['b'].pk}']").check()
    desktop.get_by_role("button", name="Lưu nơi nhận").click()
    desktop.wait_for_url(f"{live_server.url}/directives/{directive.pk}/")
    assert list(directive.recipients.values_list("code", flat=True)) == ["CS-B"]
    assert not refusals(seen), seen


def test_the_icon_is_there_for_browsers_that_ask_for_favicon_ico(desktop, live_server):
    response = desktop.request.get(live_server.url + "/favicon.ico")
    assert response.status == 200 and response.headers["content-type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert response.url.endswith("/static/loa/favicon.ico")
    desktop.goto(live_server.url + "/accounts/login/")
    icons = desktop.evaluate("[...document.querySelectorAll('link[rel~=icon]')].map((l) => l.href)")
    for href in icons:
        assert desktop.request.get(href).status == 200, href
