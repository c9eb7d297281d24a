"""An editor's to-do list: the review queue's size and its oldest piece, and the claims by link."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from loa.articles import services
from loa.articles.models import Submission
from loa.articles.tests.factories import channels, sent
from loa.todo.tests.conftest import sections_of

pytestmark = pytest.mark.django_db


def sent_days_ago(piece, days):
    Submission.objects.filter(pk=piece.pk).update(submitted_at=timezone.now() - timedelta(days=days, hours=2))
    piece.refresh_from_db()
    return piece


def queue_item(user):
    (section,) = sections_of(user, "editor")
    return next((i for i in section.items if i.kind == "review_queue"), None), section


@pytest.fixture
def waiting(tree, alice, bob, editor):
    chans = channels(editor)
    return [
        sent_days_ago(sent(tree["b"], bob, chans, title="Diễn đàn đoàn viên"), 5),
        sent_days_ago(sent(tree["a"], alice, chans, title="Hội thi nấu ăn"), 2),
        sent(tree["a"], alice, chans, title="Tin hôm nay"),
    ]


def test_the_queue_shows_its_size_and_how_long_the_oldest_has_waited(waiting, editor):
    item, _section = queue_item(editor)
    assert item.title == "3 tin, bài chờ biên tập" and item.count == 3
    assert item.detail == "Chờ lâu nhất: “Diễn đàn đoàn viên” của Công đoàn cơ sở Bệnh viện Đa khoa tỉnh."
    assert item.when == "đã chờ 5 ngày" and item.tone == "warn" and item.url == "/articles/review/"


def test_the_count_is_the_number_of_pieces_the_queue_page_lists(waiting, editor, login):
    item, _section = queue_item(editor)
    page = login(editor).get(item.url).content.decode()
    assert len(re.findall(r'data-piece="\d+"', page)) == item.count


def test_a_decided_piece_leaves_the_count_and_the_next_oldest_leads(waiting, editor):
    oldest = waiting[0]
    services.submission_accept(submission=oldest, by=editor, expected_version=oldest.version)
    item, _section = queue_item(editor)
    assert item.count == 2 and "Hội thi nấu ăn" in item.detail and item.when == "đã chờ 2 ngày"


def test_an_editor_of_some_channels_counts_the_pieces_of_theirs_as_the_queue_does(tree, alice, editor, login):
    theirs, other = channels(editor)[:2]
    other.editors.remove(editor)
    sent(tree["a"], alice, [theirs], title="Cho kênh của biên tập viên")
    sent(tree["a"], alice, [other], title="Cho kênh khác")
    item, _section = queue_item(editor)
    page = login(editor).get(item.url).content.decode()
    assert item.count == 1 == len(re.findall(r'data-piece="\d+"', page))


def test_an_empty_queue_says_so_and_still_offers_the_way_in(tree, editor):
    item, section = queue_item(editor)
    assert item is None and section.items == []
    assert section.empty == "Không có tin, bài nào chờ biên tập."
    assert [(link.label, link.url) for link in section.links] == [("Tin, bài chờ biên tập", "/articles/review/")]


def test_claims_by_link_waiting_are_on_the_list(tree, alice, editor):
    channels(editor)
    services.claim_create(
        by=alice,
        unit=tree["a"],
        url="https://cdvccaobang.vn/tin/77",
        kind="news",
        title="Tin cũ",
        published_on=timezone.localdate() - timedelta(days=3),
    )
    (section,) = sections_of(editor, "editor")
    (claim,) = [i for i in section.items if i.kind == "claims"]
    assert claim.title == "1 đề nghị ghi nhận qua đường dẫn đang chờ bạn" and claim.url == "/articles/claims/"


def test_the_officer_and_the_leader_have_no_editor_section(tree, alice, leader, waiting):
    assert sections_of(alice, "editor") == [] and sections_of(leader, "editor") == []
