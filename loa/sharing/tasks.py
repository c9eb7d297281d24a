from celery import shared_task


@shared_task(name="loa.sharing.send_share_digests")
def send_share_digests_task():
    from loa.sharing.daily import morning_run

    return morning_run().as_dict()
