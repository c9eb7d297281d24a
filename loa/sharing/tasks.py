from celery import shared_task


@shared_task(name="loa.sharing.flush_clicks", ignore_result=True)
def flush_clicks_task() -> str:
    from loa.sharing.clicks import flush

    return str(flush())
