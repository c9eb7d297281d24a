from celery import shared_task


@shared_task(name="loa.sharing.fetch_feeds")
def fetch_feeds_task():
    from loa.sharing.feeds import fetch_all

    return str(fetch_all())


@shared_task(name="loa.sharing.send_share_digests")
def send_share_digests_task():
    from loa.sharing.daily import morning_run

    return morning_run().as_dict()


@shared_task(name="loa.sharing.flush_clicks", ignore_result=True)
def flush_clicks_task() -> str:
    from loa.sharing.clicks import flush

    return str(flush())
