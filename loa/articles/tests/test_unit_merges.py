"""A merge carries the open pieces over and combines the year's quotas: a closed unit keeps what it
published and the part of its quota for the days it was open; the unit that carries on takes the rest."""

from datetime import date

import pytest

from loa.articles import rollups, services
from loa.articles.models import Quota, Rollup, Submission
from loa.articles.tests.factories import channels, published, sent
from loa.units import restructure
from loa.units.services import unit_create

ON = date(2021, 7, 2)  # A is open 182 of 365 days of 2021


@pytest.fixture
def c(tree, kinds):
    return unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code="CS-C", name="Công đoàn cơ sở Sở Y tế")


@pytest.fixture
def work(tree, alice, editor):
    chans = channels(editor)
    services.quota_set(by=None, unit=tree["a"], year=2021, kind="news", target=10)
    done = published(tree["a"], alice, editor, chans, on=date(2021, 3, 10))
    waiting = sent(tree["a"], alice, chans, title="Hội thao công nhân viên chức")
    return {"done": done, "waiting": waiting}


def _figures():
    return {(r.unit_id, r.kind): (r.own_target, r.own_counted, r.target, r.counted) for r in Rollup.objects.all()}


def test_an_open_piece_moves_and_a_published_one_stays(tree, c, work, admin):
    plan = restructure.merge(by=admin, sources=[tree["a"]], target=c, on=ON)

    assert Submission.objects.get(pk=work["done"].pk).unit_id == tree["a"].pk
    waiting = Submission.objects.get(pk=work["waiting"].pk)
    assert (waiting.unit_id, waiting.unit_path) == (c.pk, c.path)
    assert plan.by_area()["articles"]


def test_the_quota_is_combined_for_the_rest_of_the_year(tree, c, work, admin):
    services.quota_set(by=None, unit=c, year=2021, kind="news", target=3)

    restructure.merge(by=admin, sources=[tree["a"]], target=c, on=ON)

    kept = Quota.objects.get(unit=tree["a"], year=2021, kind="news").target
    assert kept == 5  # 10 × 182/365, rounded
    assert Quota.objects.get(unit=c, year=2021, kind="news").target == 3 + 10 - kept
    figures = _figures()
    assert figures[(tree["upper"].pk, "news")][2] == 13  # the union's total is unchanged
    rollups.rebuild(2021)
    assert _figures() == figures
