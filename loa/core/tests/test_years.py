import pytest
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone

from loa.core.years import requested_year

rf = RequestFactory()


def test_without_a_year_a_page_shows_the_latest_year_with_data():
    assert requested_year(rf.get("/"), latest_with_data=lambda: 2021) == 2021


def test_without_data_it_is_this_year():
    assert requested_year(rf.get("/"), latest_with_data=lambda: None) == timezone.localdate().year


def test_the_asked_year_wins():
    assert requested_year(rf.get("/?year=2022"), latest_with_data=lambda: 2021) == 2022


@pytest.mark.parametrize("raw", ["abc", "1999", str(timezone.localdate().year + 1)])
def test_a_nonsense_year_is_not_found(raw):
    with pytest.raises(Http404):
        requested_year(rf.get(f"/?year={raw}"))
