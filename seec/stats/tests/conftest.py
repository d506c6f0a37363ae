"""Demo-like data for the statistics tests: generated cases replayed through the hotline's
services (so their dates, outcomes and risk assessments are as real work leaves them)."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from seec.cases import demo, generator
from seec.cases import services as case_services
from seec.core.audit import Origin
from seec.core.models import RoleCode

# Fixed, so that period boundaries fall where the test expects whatever day it runs.
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def play_cases(region, count: int, *, seed: int = 5) -> None:
    """`count` generated cases in Greece and Serbia over three years before NOW, and contacts
    of every channel and subject beside them."""
    gr = (
        Origin(region.users[RoleCode.HOTLINE_OPERATOR]),
        Origin(region.users[RoleCode.CASE_MANAGER]),
    )
    rs = (Origin(region.foreign_manager), Origin(region.foreign_manager))
    for item in generator.generate(count, seed=seed, countries=["GR", "RS"], now=NOW, years=3):
        operator, manager = gr if item.country == "GR" else rs
        demo.play(item, operator, manager)
    rng = random.Random(seed)
    channels = ["call", "chat", "email", "sms", "walk_in", "letter"]
    subjects = ["case_information", "sighting", "advice", "silent", "abusive", "test"]
    for _ in range(count):
        operator = rng.choice([gr[0], rs[0]])
        case_services.record_contact(
            origin=operator,
            data={
                "channel": rng.choice(channels),
                "subject": rng.choice(subjects),
                "started_at": NOW - timedelta(days=rng.uniform(0, 3 * 365)),
            },
        )


@pytest.fixture
def played(region):
    play_cases(region, 160)
    return region
