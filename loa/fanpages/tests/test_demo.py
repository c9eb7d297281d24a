import pytest

from loa.fanpages import demo, likes
from loa.fanpages.models import FollowerSnapshot, LikeDeclaration, PostingYear

pytestmark = pytest.mark.django_db


def test_the_demo_year_has_gaps_followers_and_claims_that_do_not_fit(pages, tree):
    demo.build()
    demo.build()  # twice: nothing doubles
    years = list(PostingYear.objects.filter(year=2021))
    assert years and all(0 < y.posting_days < 365 for y in years)
    assert FollowerSnapshot.objects.filter(fanpage=pages["province"]).count() >= 24
    assert LikeDeclaration.objects.filter(unit=tree["b"]).count() == 5
    from datetime import date

    periods = likes.reconcile(
        fanpage=pages["province"], units=[tree["a"], tree["b"]], start=date(2021, 1, 1), end=date(2021, 12, 31)
    )
    assert any(p.flagged_claims for p in periods)
