"""The demo region loads in the background while people already work (`make run` serves as
soon as the database is migrated): the load must never lock them out."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
CASES = 20


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's one write lock for the whole database; the loader runs on its own file",
)
def test_a_sign_in_during_the_demo_load_is_not_locked_out(tmp_path):
    """`make run`'s loader (`seed_demo`, every app's demo) in a real process on an SQLite file,
    and writes from another connection all the while (what a sign-in or a saved call does: a
    short write transaction). A write may wait for a piece of the load, never for a whole step
    of it: with a 5-second busy timeout (a quarter of the platform's), not one fails. (Each
    step in one transaction held them 8-20 s: the alerts' language models loaded inside the
    approval, the statistics of all countries at once.)"""
    database = tmp_path / "demo.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "seec.settings",
        "SEEC_ENV": "development",
        "DATABASE_URL": f"sqlite:///{database}",
        "SEEC_VAR_DIR": str(tmp_path),
        "SEEC_DEMO_CASES": str(CASES),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "seed_demo", "--region-only", "--verbosity", "0"], env=env,
                   check=True, cwd=ROOT)  # fmt: skip
    loader = subprocess.Popen(
        [*manage, "seed_demo", "--verbosity", "0"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    waits, refused = [], []
    try:
        while loader.poll() is None:
            began = time.monotonic()
            db = sqlite3.connect(database, timeout=5, isolation_level=None)
            try:
                db.execute("BEGIN IMMEDIATE")
                db.execute(
                    "UPDATE core_user SET last_login = CURRENT_TIMESTAMP WHERE username = ?",
                    ["operator.gr"],
                )
                db.execute("COMMIT")
                waits.append(time.monotonic() - began)
            except sqlite3.OperationalError as error:
                refused.append(str(error))
            finally:
                db.close()
            time.sleep(0.2)
    finally:
        loader.wait(timeout=300)
    assert loader.returncode == 0, loader.stderr.read().decode()[-2000:]
    with sqlite3.connect(database) as db:
        (loaded,) = db.execute(
            "SELECT COUNT(*) FROM cases_case WHERE external_reference LIKE 'DEMO-CASE-%'"
        ).fetchone()
    assert loaded == CASES
    assert len(waits) + len(refused) >= 10, "the writes must overlap the load to mean anything"
    assert refused == [], f"{len(refused)} of {len(waits) + len(refused)} writes were refused"
    print(f"{len(waits)} writes during the load; the longest waited {max(waits):.2f} s")
