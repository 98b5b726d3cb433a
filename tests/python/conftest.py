"""Shared fixtures of the Python suite."""

from __future__ import annotations

import pytest

import steward
from repo import BASE_JSON


@pytest.fixture(scope="session")
def base_bytes() -> bytes:
    """The bytes of the shared vectors' base estate (valid, small, every kind of record)."""
    return BASE_JSON.read_bytes()


@pytest.fixture(scope="session")
def base(base_bytes: bytes) -> steward.Estate:
    """The base estate of the shared vectors."""
    return steward.Estate.from_json(base_bytes)


@pytest.fixture(scope="session")
def demo() -> steward.Estate:
    """The reference estate."""
    return steward.demo_estate()
