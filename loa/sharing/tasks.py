from celery import shared_task


@shared_task(name="loa.sharing.fetch_feeds")
def fetch_feeds_task():
    from loa.sharing.feeds import fetch_all

    return str(fetch_all())
