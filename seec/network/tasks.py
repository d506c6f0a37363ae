"""Background tasks of the regional network."""

from django_tasks import task


@task()
def remind_agreements() -> int:
    """Remind the coordinators of agreements about to lapse; safe to run any number of times."""
    from .services import remind_lapsing_agreements

    return len(remind_lapsing_agreements())
