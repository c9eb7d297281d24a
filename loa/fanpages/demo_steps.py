from loa.demo.scenario import step
from loa.fanpages import demo


@step(500, "a year of Fanpage posts, the provincial Page's followers, Like declarations")
def fanpage_activity(ctx):
    demo.build(ctx)  # after the letter's reports (step 400), which registered the Pages
