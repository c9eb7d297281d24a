"""The editorial workflow as services: return, resubmit, accept, publish, and two editors at once."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from loa.articles import services
from loa.articles.models import Rollup, Submission
from loa.articles.selectors import level_rows, unit_figures
from loa.articles.tests.factories import channels, published, sent, topic
from loa.core.versions import StaleVersion
from loa.notifications.models import Message

S = Submission.State


@pytest.fixture
def chans(editor):
    return channels(editor)


def test_a_returned_piece_is_fixed_resubmitted_and_every_version_kept(tree, alice, editor, chans):
    s = sent(tree["a"], alice, chans)
    s = services.submission_return(submission=s, by=editor, reason="Thiếu ảnh", expected_version=s.version)
    assert s.state == S.RETURNED and s.reason == "Thiếu ảnh"
    s = services.submission_update(
        by=alice, submission=s, expected_version=s.version, body="Đoạn một.\n\nĐoạn hai đã sửa."
    )
    s = services.submission_submit(by=alice, submission=s, expected_version=s.version)
    assert s.state == S.SUBMITTED
    assert [v.body_text for v in s.versions.all()] == ["Đoạn một.\n\nĐoạn hai.", "Đoạn một.\n\nĐoạn hai đã sửa."]


def test_a_return_needs_a_reason(tree, alice, editor, chans):
    s = sent(tree["a"], alice, chans)
    with pytest.raises(ValidationError) as exc:
        services.submission_return(submission=s, by=editor, reason="  ", expected_version=s.version)
    assert "reason" in exc.value.message_dict


def test_the_second_of_two_editors_is_told_the_piece_changed(tree, alice, editor, admin, chans):
    s = sent(tree["a"], alice, chans)
    opened = s.version  # both editors opened the page at this version
    services.submission_accept(submission=s, by=editor, expected_version=opened)
    with pytest.raises(ValidationError) as exc:
        services.submission_return(submission=s, by=admin, reason="Chưa đạt", expected_version=opened)
    assert exc.value.code == "stale"
    s.refresh_from_db()
    assert s.state == S.ACCEPTED and s.reason == ""


@pytest.mark.django_db(transaction=True)
def test_two_editors_acting_at_the_same_moment_one_wins_and_the_other_is_told(tree, alice, editor, admin, chans):
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the sequential test covers it (run on PostgreSQL)")
    s = sent(tree["a"], alice, chans)
    opened, results, barrier = s.version, {}, threading.Barrier(2)

    def act(name, fn):
        barrier.wait()
        try:
            fn()
            results[name] = "ok"
        except ValidationError as exc:
            results[name] = exc.code
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=act,
            args=("accept", lambda: services.submission_accept(submission=s, by=editor, expected_version=opened)),
        ),
        threading.Thread(
            target=act,
            args=(
                "return",
                lambda: services.submission_return(submission=s, by=admin, reason="x", expected_version=opened),
            ),
        ),
    ]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(results.values()) == ["ok", "stale"]


def test_a_piece_published_on_two_channels_counts_once(tree, alice, editor, chans):
    s = published(tree["a"], alice, editor, chans, topics=[topic("guong-nguoi-tot")])
    services.submission_publish(
        submission=s,
        by=editor,
        channel=chans[2],
        url="https://www.facebook.com/congdoancaobang/posts/123",
        published_on=date(2021, 3, 11),
        expected_version=s.version,
    )
    own, _ = unit_figures(tree["a"], 2021)
    assert own["news"].counted == 1 and own["news"].exemplary == 1
    total, rows = level_rows(tree["province"], 2021)
    assert total["news_counted"] == 1 and total["exemplary"] == 1
    assert [r["unit"] for r in rows] == [tree["upper"]] and rows[0]["news_counted"] == 1
    assert s.publications.count() == 2


def test_a_publication_must_be_on_its_channels_domain(tree, alice, editor, chans):
    s = sent(tree["a"], alice, chans)
    with pytest.raises(ValidationError) as exc:
        services.submission_publish(
            submission=s,
            by=editor,
            channel=chans[0],
            url="https://cdvccaobang.vn/tin/1",
            published_on=date(2021, 3, 1),
            expected_version=s.version,
        )
    assert "url" in exc.value.message_dict


def test_the_unit_is_told_of_return_acceptance_and_publication(tree, alice, editor, chans):
    s = sent(tree["a"], alice, chans)
    s = services.submission_return(submission=s, by=editor, reason="Sửa tiêu đề", expected_version=s.version)
    s = services.submission_update(by=alice, submission=s, expected_version=s.version, title="Tiêu đề mới")
    s = services.submission_submit(by=alice, submission=s, expected_version=s.version)
    s = services.submission_accept(submission=s, by=editor, expected_version=s.version)
    services.submission_publish(
        submission=s,
        by=editor,
        channel=chans[1],
        url="http://cdvccaobang.vn/bai/9",
        published_on=date(2021, 4, 2),
        expected_version=s.version,
    )
    templates = list(Message.objects.filter(recipient=alice.email).values_list("template", flat=True).order_by("id"))
    assert templates == [
        "notifications/email/article_returned",
        "notifications/email/article_accepted",
        "notifications/email/article_published",
    ]
    assert "Sửa tiêu đề" in Message.objects.get(template="notifications/email/article_returned").body


def test_quota_changes_and_counts_keep_the_rollups_equal_to_a_rebuild(tree, admin, alice, bob, editor, chans):
    from loa.articles import rollups

    services.quota_set(by=admin, unit=tree["a"], year=2021, kind="news", target=2, notice="812/TB-CĐVC ngày 22/02/2021")
    services.quota_set(by=admin, unit=tree["b"], year=2021, kind="news", target=1)
    for i in range(3):
        published(tree["a"], alice, editor, chans, title=f"Tin {i}")
    published(tree["b"], bob, editor, chans, title="Tin B", kind="article", topics=[topic("chuyen-sau")])
    services.quota_set(by=admin, unit=tree["a"], year=2021, kind="news", target=4)
    before = sorted(
        Rollup.objects.values_list("unit_id", "kind", "target", "counted", "in_depth", "over", "met", "with_quota")
    )
    rollups.rebuild(2021)
    after = sorted(
        Rollup.objects.values_list("unit_id", "kind", "target", "counted", "in_depth", "over", "met", "with_quota")
    )
    assert before == after
    total, _ = level_rows(tree["province"], 2021)
    assert (
        total["news_target"],
        total["news_counted"],
        total["article_counted"],
        total["news_met"],
        total["news_with_quota"],
    ) == (5, 3, 1, 0, 2)


def test_a_unit_active_part_of_the_year_gets_a_pro_rated_quota(tree, admin):
    from loa.units.services import unit_update

    unit_update(by=admin, unit=tree["b"], active_from=date(2021, 7, 1))
    tree["b"].refresh_from_db()
    q = services.quota_set(by=admin, unit=tree["b"], year=2021, kind="news", target=4, prorate=True)
    assert (q.target, q.prorated) == (2, True)


def test_the_same_officer_on_a_phone_and_a_pc_cannot_overwrite_each_other(tree, alice, teammate, chans):
    s = services.submission_create(by=alice, unit=tree["a"], title="T", body="Đoạn một.", channels=chans)
    opened = s.version  # the phone and the PC both opened the piece here
    pc_text = "Đoạn một.\n\nĐoạn hai, viết trên máy tính."
    services.submission_update(by=alice, submission=s, expected_version=opened, body=pc_text, session="pc-page")
    with pytest.raises(StaleVersion) as exc:
        services.submission_update(
            by=alice, submission=s, expected_version=opened, body="Đoạn một (điện thoại).", session="phone-page"
        )
    assert exc.value.code == "stale" and exc.value.current.body_text == pc_text
    s.refresh_from_db()
    assert s.body_text == pc_text and s.version == opened + 1
    with pytest.raises(StaleVersion):  # a teammate, and a caller naming no page, are refused the same way
        services.submission_update(by=teammate, submission=s, expected_version=opened, body="teammate")
    s = services.submission_update(
        by=alice, submission=s, expected_version=opened, body=pc_text + "\n\nĐoạn ba.", session="pc-page"
    )  # the PC's next autosave: its own save came in between
    assert s.version == opened + 2


def test_the_pages_own_autosave_just_before_its_send_does_not_refuse_the_send(tree, alice, editor):
    from loa.articles import services as svc
    from loa.articles.tests.factories import channels as make_channels

    chans = make_channels(editor)
    piece = svc.submission_create(
        by=alice, unit=tree["a"], title="Hội thi", body="Nội dung đủ dài cho một tin.", channels=chans
    )
    seen = piece.version
    svc.submission_update(
        by=alice, submission=piece, expected_version=seen, authors="Hoàng Thị An", session="page-1"
    )  # the autosave
    sent = svc.submission_submit(
        by=alice, submission=piece, expected_version=seen, session="page-1"
    )  # the tap, with the page's version
    assert sent.state == "submitted"


def test_an_editors_decision_in_between_makes_the_pages_older_version_stale_again(tree, alice, editor, chans):
    s = services.submission_create(
        by=alice, unit=tree["a"], title="Hội thi", body="Nội dung đủ dài cho một tin.", channels=chans
    )
    opened = s.version
    s = services.submission_update(by=alice, submission=s, expected_version=opened, authors="An", session="pc-page")
    s = services.submission_submit(by=alice, submission=s, expected_version=s.version, session="phone-page")
    s = services.submission_return(submission=s, by=editor, reason="Thêm ảnh", expected_version=s.version)
    with pytest.raises(StaleVersion):  # the PC page, still open on the draft, may not write over the returned piece
        services.submission_update(by=alice, submission=s, expected_version=opened, body="cũ", session="pc-page")
