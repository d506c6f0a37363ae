"""Production refuses a weak SECRET_KEY, not only a short one."""

import secrets

import pytest

from seec.core.tests.test_production_mode import PRODUCTION, manage
from seec.secret_key import weakness

WEAK = [
    "a" * 64,
    "abcdefghij" * 6,
    "aB3" * 20,
    "0123456789" * 6,
    "my-super-secret-production-key-for-the-seec-platform",
    "correct horse battery staple is my secret key for seec",
    "passwordpasswordpassword1234567890passwordpassword",
    "qwertyuiopasdfghjklzxcvbnm1234567890qwertyuiopasdfghjkl",
]


@pytest.mark.parametrize("key", WEAK)
def test_long_but_guessable_keys_are_weak(key):
    assert weakness(key) is not None


def test_random_keys_of_the_documented_kinds_are_strong():
    for _ in range(50):
        assert weakness(secrets.token_urlsafe(64)) is None
        assert weakness(secrets.token_hex(32)) is None
        assert weakness(secrets.token_urlsafe(38)) is None  # 50 characters


def test_production_refuses_to_start_with_a_long_weak_key(tmp_path):
    overrides = {**PRODUCTION, "SECRET_KEY": WEAK[4]}
    result = manage("check", env_overrides=overrides, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "real SECRET_KEY (it is made of words" in result.stderr
