"""The linkage run as a background task: the worker records its progress on the run."""

from django_tasks import task

from .models import LinkageRun, RunStatus


@task()
def run_linkage(run_id: int) -> str:
    from .services import execute_run

    run = LinkageRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).first()
    if run is None:
        return "not waiting"
    run = execute_run(run)
    return f"{run.pairs_found} pairs from {run.records} records"
