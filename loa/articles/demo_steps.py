from loa.articles import demo
from loa.articles.topics import ensure_default_topics
from loa.demo.scenario import step


@step(450, "channels, the 2021 quotas of 812/TB-CĐVC and a year of news and articles")
def articles(ctx):
    ensure_default_topics()  # `demo --reset` empties the database, migrated data included
    demo.build({"year": ctx.year, "units": ctx.grassroots, "by": ctx.users["admin"], "editors": [ctx.users["bientap"]]})
