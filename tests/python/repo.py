"""Paths of the repository, for the tests."""

import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
BASE_JSON = VECTORS / "estate" / "base.json"
