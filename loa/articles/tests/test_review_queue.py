"""The editors' review queue: searched by a word of the title or the unit's name or code (accents
ignored), oldest waiting first, with how long each has waited."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from loa.articles import services
from loa.articles.models import Submission
from loa.articles.tests.factories import channels, sent
from loa.units.services import unit_create

QUEUE = reverse("articles:queue")


def shown(response):
    assert response.status_code == 200, response.status_code
    return [int(pk) for pk in re.findall(r'data-piece="(\d+)"', response.content.decode())]


def sent_days_ago(piece, days):
    Submission.objects.filter(pk=piece.pk).update(submitted_at=timezone.now() - timedelta(days=days, hours=1))
    return piece


@pytest.fixture
def pieces(tree, alice, bob, editor):
    chans = channels(editor)
    return {
        "hoi_thi": sent_days_ago(sent(tree["a"], alice, chans, title="Hội thi nấu ăn ngày 8/3"), 2),
        "dien_dan": sent_days_ago(sent(tree["b"], bob, chans, title="Diễn đàn đoàn viên bệnh viện"), 5),
        "dao_tao": sent_days_ago(sent(tree["a"], alice, chans, title="Đào tạo kỹ năng truyền thông"), 1),
    }


def test_the_oldest_waiting_piece_comes_first_with_how_long_it_has_waited(pieces, editor, login):
    response = login(editor).get(QUEUE)
    assert shown(response) == [pieces["dien_dan"].pk, pieces["hoi_thi"].pk, pieces["dao_tao"].pk]
    page = response.content.decode()
    assert "đã chờ 5 ngày" in page and "đã chờ 1 ngày" in page
    assert "3 tin, bài đang chờ" in page


def test_a_new_piece_beyond_the_first_page_is_one_search_away(tree, alice, editor, login):
    chans = channels(editor)
    older = [sent_days_ago(sent(tree["a"], alice, chans, title=f"Tin số {n}"), 40 - n) for n in range(30)]
    newest = sent(tree["a"], alice, chans, title="Hội nghị người lao động năm 2021")
    client = login(editor)
    assert shown(client.get(QUEUE)) == [p.pk for p in older]  # the oldest first: the first page is theirs
    assert "Trang 1/2" in client.get(QUEUE).content.decode()
    assert shown(client.get(QUEUE, {"q": "hoi nghi nguoi lao dong"})) == [newest.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hoi thi", ["hoi_thi"]),  # the title without its accents
        ("HỘI THI", ["hoi_thi"]),
        ("dao tao", ["dao_tao"]),  # "đ" folds to "d"
        ("CS-B", ["dien_dan"]),  # the unit's code
        ("benh vien da khoa", ["dien_dan"]),  # the unit's name, not the title's words
        ("truong thpt", ["hoi_thi", "dao_tao"]),
        ("hoi thi benh vien", []),  # every word must match
        ("", ["dien_dan", "hoi_thi", "dao_tao"]),
    ],
)
def test_the_queue_is_searched_by_title_unit_name_or_code_without_accents(pieces, editor, login, query, expected):
    assert shown(login(editor).get(QUEUE, {"q": query})) == [pieces[name].pk for name in expected]


def test_the_search_follows_a_corrected_title(pieces, alice, editor, login):
    piece = pieces["hoi_thi"]
    services.submission_return(submission=piece, by=editor, reason="Sửa tên.", expected_version=piece.version)
    piece.refresh_from_db()
    services.submission_update(by=alice, submission=piece, expected_version=piece.version, title="Hội diễn văn nghệ")
    piece.refresh_from_db()
    services.submission_submit(by=alice, submission=piece, expected_version=piece.version)
    client = login(editor)
    assert shown(client.get(QUEUE, {"q": "hoi dien"})) == [piece.pk]
    assert shown(client.get(QUEUE, {"q": "nau an"})) == []


def test_the_search_and_the_state_stay_in_the_pager_links(tree, alice, editor, login):
    chans = channels(editor)
    for n in range(31):
        sent(tree["a"], alice, chans, title=f"Hội thi số {n}")
    page = login(editor).get(QUEUE, {"q": "hoi thi"}).content.decode()
    assert "q=hoi+thi" in page and "page=2" in page


def test_the_search_reaches_the_other_states_too(pieces, editor, login):
    piece = pieces["dao_tao"]
    services.submission_return(submission=piece, by=editor, reason="Thiếu ảnh.", expected_version=piece.version)
    client = login(editor)
    assert shown(client.get(QUEUE, {"status": "returned", "q": "dao tao"})) == [piece.pk]
    assert shown(client.get(QUEUE, {"q": "dao tao"})) == []


@pytest.mark.parametrize("query", ["\x00", "hoi\x00thi", "a" * 5000, "%", "_", "\x1b[31m", "' OR 1=1 --"])
def test_odd_searches_answer_a_page_never_an_error(pieces, editor, login, query):
    response = login(editor).get(QUEUE, {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["alice", "bob", "leader"])
def test_who_does_not_review_gets_no_queue(pieces, request, login, who):
    assert login(request.getfixturevalue(who)).get(QUEUE, {"q": "hoi thi"}).status_code == 404


def test_an_editor_of_one_upper_union_never_finds_another_unions_pieces(tree, kinds, alice, editor, login):
    from loa.accounts.models import Role, User

    other_upper = unit_create(
        by=None, parent=tree["province"], kind=kinds["upper"], code="CDN-YT", name="Công đoàn ngành Y tế"
    )
    other = unit_create(
        by=None, parent=other_upper, kind=kinds["cdcs"], code="YT-01", name="Công đoàn cơ sở Bệnh viện Y"
    )
    officer = User.objects.create_user(username="yte", password="x")
    Role.objects.create(user=officer, unit=other, role="officer")
    chans = channels(editor)
    theirs = sent(other, officer, chans, title="Hội thi y tế")
    assert theirs.pk not in shown(login(editor).get(QUEUE, {"q": "hoi thi"}))


def test_the_queue_reads_a_few_queries_however_many_pieces_wait(
    tree, kinds, alice, editor, login, django_assert_max_num_queries
):
    from loa.accounts.models import Role, User

    chans = channels(editor)
    for n in range(25):
        unit = unit_create(
            by=None, parent=tree["upper"], kind=kinds["cdcs"], code=f"CS-{n}", name=f"Công đoàn cơ sở số {n}"
        )
        officer = User.objects.create_user(username=f"o{n}", password="x")
        Role.objects.create(user=officer, unit=unit, role="officer")
        sent(unit, officer, chans, title=f"Hội thi số {n}")
    client = login(editor)
    client.get(QUEUE)
    with django_assert_max_num_queries(14):
        assert len(shown(client.get(QUEUE, {"q": "hoi thi"}))) == 25
