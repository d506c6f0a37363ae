"""A hotline's web writes while something else runs (bench/import_writes.py): records a
contact through the service every 50 ms, as operators saving calls do, until the file named by
argv[2] appears; prints each write's seconds and failures as JSON. argv[1]: the user name."""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seec.settings")

import django

django.setup()

from django.db import OperationalError  # noqa: E402
from django.utils import timezone  # noqa: E402

from seec.cases import services  # noqa: E402
from seec.core.audit import Origin  # noqa: E402
from seec.core.models import User  # noqa: E402

origin = Origin(User.objects.get(username=sys.argv[1]))
stop = Path(sys.argv[2])
writes, failures = [], 0
while not stop.exists():
    started = time.perf_counter()
    try:
        services.record_contact(
            origin=origin,
            data={"channel": "call", "subject": "advice", "started_at": timezone.now()},
        )
        writes.append((time.time(), time.perf_counter() - started))
    except OperationalError:  # "database is locked": the write waited its whole timeout
        failures += 1
        writes.append((time.time(), time.perf_counter() - started))
    if len(writes) == 1:
        print("ready", flush=True)  # the benchmark starts the import now
    time.sleep(0.05)
print(json.dumps({"writes": writes, "failures": failures}))
