"""/healthz: is the database reachable, is the task queue moving?"""

from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache


def database_state() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"ok": False, "engine": connection.vendor, "error": error.__class__.__name__}
    return {"ok": True, "engine": connection.vendor}


def task_queue_state() -> dict:
    backend = settings.TASKS["default"]["BACKEND"]
    state = {"ok": True, "backend": backend.rsplit(".", 1)[-1]}
    if backend != "django_tasks_db.DatabaseBackend":
        return state
    from django_tasks_db.models import DBTaskResult

    try:
        ready = DBTaskResult.objects.ready()
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        state.update(
            ready=ready.count(),
            running=DBTaskResult.objects.running().count(),
            failed_last_day=DBTaskResult.objects.failed()
            .filter(finished_at__gte=timezone.now() - timedelta(days=1))
            .count(),
            oldest_ready_seconds=(
                round((timezone.now() - oldest).total_seconds()) if oldest else None
            ),
        )
    except DatabaseError as error:
        state.update(ok=False, error=error.__class__.__name__)
    return state


@never_cache
def healthz(request):
    database = database_state()
    tasks = task_queue_state() if database["ok"] else {"ok": False}
    ok = database["ok"] and tasks["ok"]
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "database": database, "tasks": tasks},
        status=200 if ok else 503,
    )
