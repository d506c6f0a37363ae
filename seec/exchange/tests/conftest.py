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
