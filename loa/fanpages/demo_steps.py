from loa.fanpages import demo


def fanpage_activity(ctx):
    demo.build(ctx)  # after the letter's reports (step 400), which registered the Pages


# (order, name, step): read by `loa.demo.scenario.discover`; this module imports nothing of the demo's.
STEPS = [(500, "a year of Fanpage posts, the provincial Page's followers, Like declarations", fanpage_activity)]
