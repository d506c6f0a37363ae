"""Background tasks of the core."""

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(subject: str, body: str, to: list[str]) -> int:
    """Send one e-mail; the worker retries the task if the mail server fails."""
    return send_mail(subject, body, None, to)


@task()
def chain_staged_reads() -> int:
    """Chain the reads staged since the last run into the audit trail (see audit.record_read)."""
    from . import audit

    return audit.chain_staged_reads()
