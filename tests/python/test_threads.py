"""Steward from several Python threads: identical results, no crash, no deadlock."""

from __future__ import annotations

import pathlib
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import List, Tuple

import steward

THREADS = 8
ROUNDS = 25


def test_validate_and_load_from_eight_threads(tmp_path: pathlib.Path, base_bytes: bytes) -> None:
    store = steward.Store(tmp_path / "shared.db")
    store.save_estate(base_bytes)
    estate = steward.Estate.from_json(base_bytes)
    start = threading.Barrier(THREADS)

    def work(n: int) -> List[Tuple[str, ...]]:
        start.wait()
        seen = []
        for i in range(ROUNDS):
            parsed = steward.Estate.from_json(base_bytes)
            parsed.validate()
            estate.validate()
            if n == 0 and i % 5 == 0:
                store.save_estate(parsed)  # a writer among the readers
            loaded = store.load_estate("lotus-court")
            seen.append(
                (
                    parsed.to_json(),
                    loaded.to_json(),
                    repr(estate.inventory()),
                    ",".join(o.id for o in store.open_work_orders("lotus-court", building="B1")),
                )
            )
        return seen

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(work, range(THREADS)))
    store.close()

    expected = (
        estate.to_json(),
        estate.to_json(),
        repr(estate.inventory()),
        "W2",
    )
    assert all(r == expected for rs in results for r in rs)
    assert sum(len(rs) for rs in results) == THREADS * ROUNDS


def test_errors_from_eight_threads_are_identical() -> None:
    bad = '{"id": "e", "name": "n", "company": {"name": "c", "branch": "b"}, "buildings": [{"id": "B1", "name": "", "floors": 0}]}'

    def work(_: int) -> str:
        try:
            steward.Estate.from_json(bad)
        except steward.InvalidInputError as e:
            return repr(e.to_dict())
        return "ok"

    with ThreadPoolExecutor(THREADS) as pool:
        results = set(pool.map(work, range(THREADS * ROUNDS)))
    assert len(results) == 1 and results != {"ok"}
