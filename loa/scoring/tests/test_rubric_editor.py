"""The rubric editor on two pages at once: a criterion, a level or the rubric's settings changed on
one page is never silently reverted, nor deleted, from a page opened before."""

import pytest

from loa.audit.models import AuditEntry
from loa.core.tests.editing import form_values, second_browser
from loa.scoring.models import Criterion, Level, Rubric

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(tree):
    from conftest import _user

    return _user("admin2", tree["province"], "admin", full_name="Lục Văn Hai")


def _pages(url, *users):
    browsers = [second_browser(user) for user in users]
    return [(browser, browser.get(url)) for browser in browsers]


def test_two_admins_change_one_criterion_and_the_second_sees_the_newer_values(rubric, admin, colleague):
    criterion = rubric.criteria.get(code="L1")
    url = f"/scoring/2021/rubric/criteria/{criterion.pk}/"
    (first, page_1), (second, page_2) = _pages(url, admin, colleague)
    assert first.post(url, {**form_values(page_1), "max_points": "16"}).status_code == 302

    response = second.post(url, {**form_values(page_2), "name": "Lập Trang Fanpage đúng hạn"})

    assert response.status_code == 409
    rows = {row["name"]: (row["theirs"], row["yours"]) for row in response.context["form"].conflict.rows}
    assert rows["max_points"][0] == "16" and rows["name"][1] == "Lập Trang Fanpage đúng hạn"
    criterion.refresh_from_db()
    assert criterion.max_points == 16 and criterion.name != "Lập Trang Fanpage đúng hạn"
    assert (
        AuditEntry.objects.filter(action="scoring.criterion.saved", object_id=str(criterion.pk)).count() == 2
    )  # created, changed once


def test_a_criterion_changed_meanwhile_is_not_deleted_from_an_older_page(rubric, admin, colleague):
    criterion = rubric.criteria.get(code="L1")
    url = f"/scoring/2021/rubric/criteria/{criterion.pk}/"
    (first, page_1), (second, page_2) = _pages(url, admin, colleague)
    assert first.post(url, {**form_values(page_1), "max_points": "16"}).status_code == 302

    response = second.post(url, {**form_values(page_2), "delete": "1"})

    assert response.status_code == 409
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_two_admins_change_one_level_and_the_second_is_refused(rubric, admin, colleague):
    level = rubric.levels.order_by("-min_total").first()
    url = f"/scoring/2021/rubric/levels/{level.pk}/"
    (first, page_1), (second, page_2) = _pages(url, admin, colleague)
    assert first.post(url, {**form_values(page_1), "min_total": "92"}).status_code == 302
    response = second.post(url, {**form_values(page_2), "min_total": "88"})
    assert response.status_code == 409
    assert Level.objects.get(pk=level.pk).min_total == 92


def test_two_admins_change_the_rubrics_settings_and_the_second_sees_the_newer_values(rubric, admin, colleague):
    url = "/scoring/2021/rubric/"
    (first, page_1), (second, page_2) = _pages(url, admin, colleague)
    assert first.post(url, {**form_values(page_1), "bonus_cap": "5"}).status_code == 302

    response = second.post(url, {**form_values(page_2), "note": "Theo Hướng dẫn 01/HD-LĐLĐ"})

    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.content.decode()
    rubric = Rubric.objects.get(pk=rubric.pk)
    assert rubric.bonus_cap == 5 and rubric.note != "Theo Hướng dẫn 01/HD-LĐLĐ"


def test_the_outsider_gets_404_on_the_rubric_editor(rubric, bob):
    criterion = rubric.criteria.get(code="L1")
    response = second_browser(bob).post(f"/scoring/2021/rubric/criteria/{criterion.pk}/", {"name": "X", "version": 1})
    assert response.status_code == 404
    assert Criterion.objects.get(pk=criterion.pk).name != "X"
