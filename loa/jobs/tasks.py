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
