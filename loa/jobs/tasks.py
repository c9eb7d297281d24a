from celery import shared_task


@shared_task(name="loa.jobs.run_job")
def run_job_task(job_id):
    from loa.jobs.services import run_job

    job = run_job(job_id)
    return job.status if job else "claimed-elsewhere"


@shared_task(name="loa.jobs.purge_input_files")
def purge_input_files_task():
    from loa.jobs.files import purge_input_files

    return purge_input_files()


@shared_task(name="loa.jobs.recover_expired")
def recover_expired_task():
    """Every minute (beat): take up again the jobs whose worker stopped, hand on jobs left waiting."""
    from loa.jobs.leases import recover_expired

    return recover_expired()
