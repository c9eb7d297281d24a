from celery import shared_task


@shared_task(name="loa.directives.send_reminders")
def send_reminders_task():
    from loa.directives.reminders import send_reminders

    return send_reminders()
