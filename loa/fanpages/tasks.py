from celery import shared_task


@shared_task(name="loa.fanpages.sync")
def sync_task():
    from loa.fanpages.sync import sync_all

    return str(sync_all())


@shared_task(name="loa.fanpages.remind_silent")
def remind_silent_task():
    from loa.fanpages.remind import remind_silent

    return remind_silent()


@shared_task(name="loa.fanpages.followers_snapshot")
def followers_snapshot_task():
    from django.core.management import call_command

    call_command("followers_snapshot")


@shared_task(name="loa.fanpages.prune_posting_days")
def prune_posting_days_task():
    from django.core.management import call_command

    call_command("prune_posting_days")
