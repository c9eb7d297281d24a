from loa.articles import demo
from loa.articles.models import Publication, Quota, Rollup, Submission
from loa.articles.selectors import level_rows


def test_the_demo_gives_every_cdcs_its_quota_and_a_year_in_every_state(tree, admin, editor):
    result = demo.build({"by": admin})
    assert Quota.objects.filter(year=2021, notice=demo.NOTICE).count() == 4  # two CĐCS, two kinds
    assert Quota.objects.get(unit=tree["b"], kind="news").target == 8  # 300 members: the largest
    assert set(Submission.objects.values_list("state", flat=True)) <= {s for s, _ in demo.STATES}
    assert result["submissions"] == Submission.objects.count() and Publication.objects.count() == result["publications"]
    total, _rows = level_rows(tree["province"], 2021)
    assert total["news_counted"] + total["article_counted"] == Submission.objects.filter(state="published").count()
    assert Rollup.objects.filter(unit=tree["a"], year=2021).exists()


def test_the_demo_can_run_twice(tree, admin):
    demo.build({"by": admin})
    demo.build({"by": admin, "seed": 2})
    assert Quota.objects.filter(year=2021).count() == 4
