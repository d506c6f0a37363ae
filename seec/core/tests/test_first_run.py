"""A newcomer's first minutes: the platform serves once migrated and the demo users exist, the
demo's records arriving in the background with their progress on the dashboard."""

import sqlite3

import pytest
from django.conf import settings
from django.core.management import call_command

from seec.cases import demo as cases_demo
from seec.cases.models import Case
from seec.core import demo_progress
from seec.core.models import User

from .test_production_mode import manage


@pytest.fixture
def var_dir(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_seed_demo_region_only_makes_the_users_and_no_records(db, var_dir):
    call_command("seed_demo", "--region-only", verbosity=0)
    assert User.objects.get(username="operator.gr").check_password("seec-demo")
    call_command("seed_demo", "--region-only", verbosity=0)  # again: nothing to do
    assert not Case.objects.exists()
    assert demo_progress.current() is None


def test_the_dashboard_shows_the_demo_loading_until_it_is_done(db, var_dir, client):
    call_command("seed_demo", "--region-only", verbosity=0)
    client.force_login(User.objects.get(username="operator.gr"))
    assert 'id="demo-loading"' not in client.get("/").content.decode()

    demo_progress.report("cases", 120, 2000)
    page = client.get("/").content.decode()
    assert 'id="demo-loading"' in page and 'hx-trigger="every 3s"' in page
    assert "120 of 2000 demo cases" in page.replace("\u202f", "").replace(",", "")
    assert '<progress max="100" value="6">' in page

    demo_progress.report("alerts", 0, 0)
    assert "Alerts, statistics and linkage examples" in client.get("/").content.decode()

    demo_progress.report("", 0, 0, finished=True)
    page = client.get("/").content.decode()
    assert "The demo region is loaded" in page and "hx-trigger" not in page


def test_a_stopped_demo_load_goes_on_where_it_stopped(db, var_dir):
    call_command("seed_demo", "--region-only", verbosity=0)
    cases_demo.seed(_Out(), count=3)
    first = set(Case.objects.values_list("external_reference", "given_names"))
    cases_demo.seed(_Out(), count=5)
    cases_demo.seed(_Out(), count=5)  # nothing left to do
    references = sorted(Case.objects.values_list("external_reference", flat=True))
    assert references == [f"DEMO-CASE-{n}" for n in range(1, 6)]
    # The same children as an uninterrupted load: the first three were not made again.
    assert first <= set(Case.objects.values_list("external_reference", "given_names"))
    assert demo_progress.current().done == 5


class _Out:
    def write(self, text):
        pass


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="a fresh SQLite file of its own: the same on either engine's pass",
)
def test_make_runs_first_step_migrates_and_makes_the_users_in_one_process(tmp_path):
    """`make run` begins with `seed_demo --migrate --region-only` (Django started once, not
    twice, before the web server can start): on an empty database it makes every table and
    the demo users, and a second call has nothing to do."""
    development = {"SEEC_ENV": "development"}
    command = ["seed_demo", "--migrate", "--region-only"]
    first = manage(*command, env_overrides=development, tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "Applying cases.0001_initial" in first.stdout
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        (users,) = db.execute(
            "SELECT COUNT(*) FROM core_user WHERE username IN ('operator.gr', 'admin')"
        ).fetchone()
    assert users == 2
    again = manage(*command, env_overrides=development, tmp_path=tmp_path)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "No migrations to apply" in again.stdout
    assert "(0 users created)" in again.stdout
