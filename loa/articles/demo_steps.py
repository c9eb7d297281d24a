from loa.articles import demo
from loa.articles.topics import ensure_default_topics


def articles(ctx):
    ensure_default_topics()  # `demo --reset` empties the database, migrated data included
    demo.build(
        {"calendar": ctx.calendar, "units": ctx.grassroots, "by": ctx.users["admin"], "editors": [ctx.users["bientap"]]}
    )


# (order, name, step): read by `loa.demo.scenario.discover`; this module imports nothing of the demo's.
STEPS = [(450, "channels, the quotas of 812/TB-CĐVC and the news and articles of each year", articles)]
