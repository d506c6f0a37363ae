"""Fixtures of the exchange's tests: real nodes in processes of their own."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from seec.core.models import OrganisationKind
from seec.core.tests.factories import make_organisation
from seec.exchange.models import Peer, RemoteOrganisation

from .harness import Node, pg_available, start_all, stop_all, trust_each_other

RAN = Path(settings.VAR_DIR) / "exchange-node-tests.ran"
# The installations' police compare identifiers by keyed hashes: they share the identifier
# key, as the settings say installations that compare do.
SHARED_IDENTIFIER_KEY = {"SEEC_PROTECTION_IDENTIFIER_KEY": "node-tests-shared-identifier-key"}
# The PostgreSQL nodes' databases: runs side by side on one server each name their own.
DB_PREFIX = os.environ.get("SEEC_EXCHANGE_TEST_DB_PREFIX", "seec_exchange_")


def _postgres_or_skip():
    if not pg_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")


def _outer_run_on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.fixture(scope="package")
def two_nodes():
    """Greece on SQLite and Serbia on PostgreSQL, trusting each other."""
    # The nodes are one SQLite and one PostgreSQL database whatever the suite runs on: they run
    # once, in the first pass that finds PostgreSQL up (CI's SQLite pass may not).
    if _outer_run_on_postgres() and RAN.exists():
        pytest.skip("the node tests ran in the SQLite pass")
    _postgres_or_skip()
    RAN.parent.mkdir(parents=True, exist_ok=True)
    RAN.touch()
    gr = Node("gr", "GR", **SHARED_IDENTIFIER_KEY)
    rs = Node("rs", "RS", postgres=DB_PREFIX + "a", **SHARED_IDENTIFIER_KEY)
    try:
        start_all(gr, rs)
        trust_each_other(gr, rs)
        yield gr, rs
    finally:
        stop_all(gr, rs)


@pytest.fixture(scope="package")
def regional_and_macedonian_nodes(two_nodes):
    """The regional centre's node (PostgreSQL) and North Macedonia's (SQLite), beside the
    two: three and four real nodes."""
    seec = Node("seec", "INT", postgres=DB_PREFIX + "b")
    mk = Node("mk", "MK")
    try:
        start_all(seec, mk)
        yield seec, mk
    finally:
        stop_all(seec, mk)


@pytest.fixture(scope="package")
def albanian_node(two_nodes):
    """Albania's node (SQLite: its centre, police and social services), trusted by Greece's."""
    gr, _rs = two_nodes
    al = Node("al", "AL", **SHARED_IDENTIFIER_KEY)
    try:
        start_all(al)
        trust_each_other(gr, al)
        yield al
    finally:
        stop_all(al)


@pytest.fixture
def serbian_police(region):
    """Serbia's police, hosted by a trusted peer that cannot be reached (nothing listens)."""
    peer = Peer.objects.create(node_id="rs-node", name="SEEC node RS",
                               base_url="http://127.0.0.1:9", fingerprint="AAAA",
                               status="trusted")  # fmt: skip
    police = make_organisation("RS", OrganisationKind.POLICE, name="Police of Serbia")
    RemoteOrganisation.objects.create(organisation=police, peer=peer, remote_id="7")
    return police
