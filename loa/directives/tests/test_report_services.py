from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from loa.audit.models import AuditEntry
from loa.directives import services
from loa.directives.models import Assignment, Rollup
from loa.directives.rollups import rebuild
from loa.directives.tests.factories import DEADLINE, GOOD_PAGE, HCM, fanpage_letter
from loa.fanpages.models import Fanpage


@pytest.fixture
def letter(tree, admin):
    return fanpage_letter(tree, by=admin)


def _assignment(task, unit):
    return Assignment.objects.get(task=task, unit=unit)


def _rollup(task, unit):
    r = Rollup.objects.get(task=task, unit=unit)
    return r.expected, r.reported, r.on_time, r.late, r.returned


def test_issuing_creates_one_assignment_per_recipient_and_rollups_up_the_tree(letter, tree):
    _, task = letter
    assert Assignment.objects.filter(task=task).count() == 2
    assert _rollup(task, tree["upper"]) == (2, 0, 0, 0, 0)
    assert _rollup(task, tree["province"]) == (2, 0, 0, 0, 0)


def test_a_report_before_the_deadline_is_on_time_and_registers_the_page(letter, tree, alice):
    _, task = letter
    at = DEADLINE - timedelta(days=3)
    receipt = services.report_submit(by=alice, assignment=_assignment(task, tree["a"]), data=GOOD_PAGE, at=at)
    a = _assignment(task, tree["a"])
    assert a.state == "on_time" and receipt.received_at == at
    page = Fanpage.objects.get(unit=tree["a"])
    assert page.url == "https://www.facebook.com/cdcs.thpt.tpcb"
    assert page.admin_phone == "+84912345678"
    assert _rollup(task, tree["upper"]) == (2, 1, 1, 0, 0)


def test_a_late_report_is_accepted_and_marked_late(letter, tree, bob):
    _, task = letter
    data = dict(GOOD_PAGE, name="CĐCS Bệnh viện", url="facebook.com/cdcs.bv")
    services.report_submit(
        by=bob, assignment=_assignment(task, tree["b"]), data=data, at=DEADLINE + timedelta(minutes=1)
    )
    assert _assignment(task, tree["b"]).state == "late"
    assert _rollup(task, tree["province"]) == (2, 1, 0, 1, 0)


def test_the_deadline_instant_itself_is_on_time(letter, tree, alice):
    _, task = letter
    services.report_submit(by=alice, assignment=_assignment(task, tree["a"]), data=GOOD_PAGE, at=DEADLINE)
    assert _assignment(task, tree["a"]).on_time


def test_a_wrong_phone_is_refused_with_a_message_and_nothing_is_recorded(letter, tree, alice):
    _, task = letter
    with pytest.raises(ValidationError) as exc:
        services.report_submit(
            by=alice, assignment=_assignment(task, tree["a"]), data=dict(GOOD_PAGE, admin_phone="0123")
        )
    assert "admin_phone" in exc.value.message_dict
    assert _assignment(task, tree["a"]).state == "pending"
    assert not Fanpage.objects.exists()


def test_an_address_that_is_not_facebook_is_refused(letter, tree, alice):
    _, task = letter
    with pytest.raises(ValidationError) as exc:
        services.report_submit(
            by=alice, assignment=_assignment(task, tree["a"]), data=dict(GOOD_PAGE, url="zalo.me/abc")
        )
    assert "url" in exc.value.message_dict


def test_a_double_submit_records_one_version(letter, tree, alice):
    _, task = letter
    at = DEADLINE - timedelta(days=1)
    services.report_submit(by=alice, assignment=_assignment(task, tree["a"]), data=GOOD_PAGE, at=at)
    again = services.report_submit(
        by=alice, assignment=_assignment(task, tree["a"]), data=GOOD_PAGE, at=at + timedelta(seconds=2)
    )
    assert again.duplicate
    assert again.report.versions.count() == 1
    assert _rollup(task, tree["upper"])[1] == 1


def test_returning_and_correcting_keeps_on_time_and_every_version(letter, tree, alice, admin):
    _, task = letter
    services.report_submit(
        by=alice, assignment=_assignment(task, tree["a"]), data=GOOD_PAGE, at=DEADLINE - timedelta(days=2)
    )
    services.report_return(by=admin, assignment=_assignment(task, tree["a"]), reason="Tên Trang chưa đúng")
    assert _assignment(task, tree["a"]).state == "returned"
    assert _rollup(task, tree["upper"]) == (2, 1, 1, 0, 1)
    fixed = dict(GOOD_PAGE, name="Công đoàn cơ sở Trường THPT TP Cao Bằng")
    receipt = services.report_submit(
        by=alice, assignment=_assignment(task, tree["a"]), data=fixed, at=DEADLINE + timedelta(days=2)
    )
    a = _assignment(task, tree["a"])
    assert a.state == "corrected" and a.on_time  # the first report's time decides timeliness
    assert receipt.report.versions.count() == 2
    assert _rollup(task, tree["upper"]) == (2, 1, 1, 0, 0)
    assert Fanpage.objects.get(unit=tree["a"]).versions.count() == 2
    assert AuditEntry.objects.filter(action="directive.report.returned", note="Tên Trang chưa đúng").exists()


def test_a_return_needs_a_reason(letter, tree, alice, admin):
    _, task = letter
    services.report_submit(by=alice, assignment=_assignment(task, tree["a"]), data=GOOD_PAGE)
    with pytest.raises(ValidationError):
        services.report_return(by=admin, assignment=_assignment(task, tree["a"]), reason="  ")


def test_a_page_already_registered_by_another_unit_is_refused(letter, tree, alice, bob):
    _, task = letter
    services.report_submit(by=alice, assignment=_assignment(task, tree["a"]), data=GOOD_PAGE)
    with pytest.raises(ValidationError) as exc:
        services.report_submit(
            by=bob,
            assignment=_assignment(task, tree["b"]),
            data=dict(GOOD_PAGE, url="https://m.facebook.com/CDCS.THPT.TPCB/"),
        )
    assert "Trường THPT" in exc.value.message_dict["url"][0]


def test_a_second_page_for_a_unit_whose_page_has_posts_needs_an_explicit_replace(letter, tree, alice, admin):
    _, task = letter
    services.report_submit(by=alice, assignment=_assignment(task, tree["a"]), data=GOOD_PAGE)
    _record_a_post(Fanpage.objects.get(unit=tree["a"]))
    services.report_return(by=admin, assignment=_assignment(task, tree["a"]), reason="Sai địa chỉ")
    other = dict(GOOD_PAGE, url="facebook.com/trang.moi.cua.a")
    with pytest.raises(ValidationError):
        services.report_submit(by=alice, assignment=_assignment(task, tree["a"]), data=other)
    assert Fanpage.objects.get(unit=tree["a"]).url.endswith("cdcs.thpt.tpcb")
    services.report_submit(by=alice, assignment=_assignment(task, tree["a"]), data=other, replace_page=True)
    page = Fanpage.objects.get(unit=tree["a"])
    assert page.url.endswith("trang.moi.cua.a") and page.versions.count() == 2


def _record_a_post(page):
    from loa.fanpages.models import Post

    Post.objects.create(fanpage=page, post_key="1", posted_at=DEADLINE, day=DEADLINE.date(), source="hand")


def test_a_page_just_reported_and_not_yet_used_is_corrected_without_replace(letter, tree, alice):
    _, task = letter
    services.report_submit(
        by=alice, assignment=_assignment(task, tree["a"]), data=dict(GOOD_PAGE, url="fb.com/cdcs.thpt.tpbc")
    )
    services.report_submit(by=alice, assignment=_assignment(task, tree["a"]), data=GOOD_PAGE)
    page = Fanpage.objects.get(unit=tree["a"])
    assert page.url == "https://www.facebook.com/cdcs.thpt.tpcb"
    assert [v.data["url"] for v in page.versions.all()] == [
        "https://www.facebook.com/cdcs.thpt.tpcb",
        "https://www.facebook.com/cdcs.thpt.tpbc",
    ]


def test_a_page_from_the_register_import_is_not_corrected_silently_by_a_report(letter, tree, alice):
    from loa.fanpages.models import FanpageVersion

    _, task = letter
    page = Fanpage.objects.create(
        unit=tree["a"],
        name="Trang A",
        url="https://www.facebook.com/trang.a",
        url_key="https://www.facebook.com/trang.a",
        admin_name="An",
        admin_phone="+84912345678",
    )
    FanpageVersion.objects.create(fanpage=page, data={"url": page.url}, source="import")
    with pytest.raises(ValidationError):
        services.report_submit(by=alice, assignment=_assignment(task, tree["a"]), data=GOOD_PAGE)
    assert Fanpage.objects.get(unit=tree["a"]).url.endswith("trang.a")


def test_units_inactive_during_the_task_are_not_expected(tree, admin, kinds):
    from datetime import date

    from loa.units.services import unit_create

    closed = unit_create(
        by=None,
        parent=tree["upper"],
        kind=kinds["cdcs"],
        code="CS-C",
        name="CĐCS đã giải thể",
        active_to=date(2021, 1, 31),
    )
    _, task = fanpage_letter(tree, by=admin, recipients=[tree["a"], tree["b"], closed])
    assert not _assignment(task, closed).expected
    assert _rollup(task, tree["upper"])[0] == 2


def test_incremental_rollups_equal_a_rebuild(letter, tree, alice, bob, admin):
    _, task = letter
    services.report_submit(by=alice, assignment=_assignment(task, tree["a"]), data=GOOD_PAGE)
    services.report_submit(
        by=bob,
        assignment=_assignment(task, tree["b"]),
        data=dict(GOOD_PAGE, url="fb.com/bv.dk"),
        at=DEADLINE + timedelta(days=1),
    )
    services.report_return(by=admin, assignment=_assignment(task, tree["b"]), reason="Thiếu ghi chú")
    incremental = {r.unit_id: _rollup(task, r.unit) for r in Rollup.objects.filter(task=task)}
    rebuild(task)
    assert {r.unit_id: _rollup(task, r.unit) for r in Rollup.objects.filter(task=task)} == incremental


def test_moving_the_deadline_recomputes_timeliness(letter, tree, alice, admin):
    _, task = letter
    services.report_submit(
        by=alice, assignment=_assignment(task, tree["a"]), data=GOOD_PAGE, at=DEADLINE + timedelta(days=2)
    )
    assert _assignment(task, tree["a"]).state == "late"
    services.task_update(by=admin, task=task, deadline=datetime(2021, 5, 15, tzinfo=HCM))
    assert _assignment(task, tree["a"]).state == "on_time"
    assert _rollup(task, tree["upper"])[2:4] == (1, 0)
