"""The models' guard: whatever saves a model of Loa's (a command, a job, an import saving row by row),
no control character reaches the database and no number beyond its column is sent to it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from loa.audit.log import log_action
from loa.audit.models import AuditEntry
from loa.units.models import Unit

HOSTILE = "Công đoàn\x00 cơ sở\x0b Trường\x1f THPT\r\nghi chú"


def test_a_model_saved_with_nul_and_word_line_breaks_is_stored_clean(tree):
    unit = Unit.objects.get(pk=tree["a"].pk)
    unit.name, unit.address = "CĐCS\x00 Trường\x0b THPT", HOSTILE
    unit.save()
    unit = Unit.objects.get(pk=unit.pk)
    assert (unit.name, unit.address) == ("CĐCS Trường THPT", "Công đoàn cơ sở Trường THPT\nghi chú")


def test_create_update_or_create_and_json_values_are_cleaned_too(tree):
    entry = log_action("unit.changed", actor=None, obj=tree["a"], before={"name\x00": [HOSTILE, 1]}, note=HOSTILE)
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.note == "Công đoàn cơ sở Trường THPT\nghi chú"
    assert entry.before == {"name": ["Công đoàn cơ sở Trường THPT\nghi chú", 1]}
    Unit.objects.update_or_create(code="CS-A", defaults={"short_name": "CĐCS\x00A"})
    assert Unit.objects.get(code="CS-A").short_name == "CĐCSA"


def test_a_number_beyond_its_column_is_refused_in_vietnamese_and_nothing_is_stored(tree):
    unit = Unit.objects.get(pk=tree["a"].pk)
    unit.members_count = 3_000_000_000  # PostgreSQL's integer stops at 2,147,483,647
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        unit.save()
    assert refused.value.message_dict == {"members_count": ["Nhập một số từ 0 đến 2.147.483.647."]}
    assert Unit.objects.get(pk=unit.pk).members_count == 60


def test_a_returned_reports_reason_written_with_update_is_cleaned_by_its_service(tree, admin, alice):
    from loa.directives import services
    from loa.directives.models import Assignment, Report
    from loa.directives.tests.factories import DEADLINE, GOOD_PAGE, fanpage_letter

    _directive, task = fanpage_letter(tree, by=admin)
    assignment = Assignment.objects.get(task=task, unit=tree["a"])
    services.report_submit(by=alice, assignment=assignment, data=GOOD_PAGE, at=DEADLINE - timedelta(days=1))
    services.report_return(by=admin, assignment=assignment, reason="Thiếu\x00 số điện thoại\x0b")
    assert Report.objects.get(assignment=assignment).return_reason == "Thiếu số điện thoại"


def test_posts_stored_in_bulk_from_a_file_or_graph_are_cleaned_by_their_writer(tree):
    from loa.fanpages.models import Fanpage, Post
    from loa.fanpages.posts import IncomingPost, record_posts

    page = Fanpage.objects.create(
        unit=tree["a"], name="Trang", url="https://facebook.com/cdcs.a", url_key="facebook.com/cdcs.a"
    )
    at = datetime(2021, 5, 3, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    record_posts(
        fanpage=page,
        posts=[IncomingPost("123\x00", at, "https://facebook.com/cdcs.a/posts/123\x0b\x00")],
        source=Post.Source.IMPORT,
    )
    post = Post.objects.get(fanpage=page)
    assert (post.post_key, post.permalink) == ("123", "https://facebook.com/cdcs.a/posts/123")
