"""Fixtures of the exchange's tests: real nodes in processes of their own."""

import os

import pytest

from .harness import Node, pg_available, start_all, stop_all, trust_each_other


def _postgres_or_skip():
    if not pg_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")


def _outer_run_on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.fixture(scope="session")
def two_nodes():
    """Greece on SQLite and Serbia on PostgreSQL, trusting each other."""
    if _outer_run_on_postgres():
        pytest.skip("the node tests run once, in the SQLite pass (a node uses PostgreSQL)")
    _postgres_or_skip()
    gr = Node("gr", "GR")
    rs = Node("rs", "RS", postgres="seec_exchange_a")
    try:
        start_all(gr, rs)
        trust_each_other(gr, rs)
        yield gr, rs
    finally:
        stop_all(gr, rs)


@pytest.fixture(scope="session")
def regional_and_macedonian_nodes(two_nodes):
    """The regional centre's node (PostgreSQL) and North Macedonia's (SQLite), beside the
    two: three and four real nodes."""
    seec = Node("seec", "INT", postgres="seec_exchange_b")
    mk = Node("mk", "MK")
    try:
        start_all(seec, mk)
        yield seec, mk
    finally:
        stop_all(seec, mk)
