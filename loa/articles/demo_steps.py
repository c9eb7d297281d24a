from loa.articles import demo
from loa.demo.scenario import step


@step(450, "channels, the 2021 quotas of 812/TB-CĐVC and a year of news and articles")
def articles(ctx):
    demo.build({"year": ctx.year, "units": ctx.grassroots, "by": ctx.users["admin"], "editors": [ctx.users["bientap"]]})
