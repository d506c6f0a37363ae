"""The set's tests import it as bench/ scripts do (bench/ on sys.path) and the platform's
PersonRecord from the repository root."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


@pytest.fixture(scope="session")
def full_set():
    """The default size, made once: rates and shapes are measured on it."""
    from linkage_sets.independent import generate

    return generate(5000, seed=0)
