def test_the_beat_schedule_holds_every_apps_jobs_and_their_tasks_exist():
    from loa.celery import app

    app.loader.import_default_modules()  # what a worker does at start: discovers each app's tasks
    app.finalize()
    schedule = app.conf.beat_schedule
    assert schedule["directives-send-reminders"]["task"] in app.tasks
    assert schedule["notifications-deliver-outbox"]["task"] in app.tasks
