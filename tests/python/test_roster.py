"""The roster engine from Python: typed results, the grid view, progress and
cancellation, errors, and agreement with the shared vectors."""

from __future__ import annotations

import json
import threading
from datetime import date
from typing import List, Optional, Tuple

import pytest

import steward
from repo import VECTORS
from steward import roster


def small_request(moves: int = 3000) -> dict:
    """The shared vectors' normal-week request, with a smaller move budget."""
    doc = json.loads((VECTORS / "roster.solve" / "normal-week.json").read_text(encoding="utf-8"))
    doc["limits"] = {"moves": moves}
    return doc


def test_solve_returns_typed_results_equal_to_the_vector() -> None:
    path = VECTORS / "roster.solve" / "normal-week.json"
    result = roster.solve(path.read_bytes())
    expected = (path.with_suffix(".out")).read_text(encoding="utf-8").rstrip("\n")
    assert result.to_json() == expected
    assert result.feasible and result.hard == 0
    assert result.start == date(2022, 4, 4) and result.days == 7
    assert all(isinstance(a, roster.Assignment) for a in result.assignments)
    assert result.statistics is not None and result.statistics.stopped_by == "move_limit"
    # Every rule in force has a total; the totals add up to the score.
    assert sum(c.penalty for c in result.constraints if c.level == "soft") == result.soft


def test_the_grid_is_person_by_day_and_drops_into_pandas() -> None:
    result = roster.solve(small_request())
    grid = result.grid()
    assert all(len(row) == 7 for row in grid.values())
    works = {(a.person, a.date) for a in result.assignments}
    for person, row in grid.items():
        for day, cell in zip(result.dates, row):
            assert (cell != "") == ((person, day) in works)
    cols = result.to_columns()
    assert cols["person"] == list(grid)
    pd = pytest.importorskip("pandas")
    frame = result.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert frame.shape == (len(grid), 7)
    assert list(frame.index) == list(grid)
    assert frame.loc["C1", date(2022, 4, 4)] == grid["C1"][0]


def test_evaluate_explains_violations() -> None:
    doc = json.loads((VECTORS / "roster.evaluate" / "violations.json").read_text(encoding="utf-8"))
    result = roster.evaluate(doc)
    assert not result.feasible
    ids = {v.constraint_id for v in result.violations if v.severity == "hard"}
    assert {"min_rest", "one_shift_per_day", "skill_required", "leave", "volunteer_offer"} <= ids
    leave = next(v for v in result.violations if v.constraint_id == "leave")
    assert leave.people == ("G2",) and leave.dates == (date(2022, 4, 8),)
    assert leave.message == "G2 is on sick leave on 2022-04-08 (Fri) but works gate/night."


def test_repair_lists_changes() -> None:
    doc = json.loads((VECTORS / "roster.repair" / "sick-from-wednesday.json").read_text(encoding="utf-8"))
    result = roster.repair(doc)
    assert result.changes is not None and result.changes
    assert all(not (a.person == "G1" and a.date >= date(2022, 4, 6)) for a in result.assignments)
    assert any(c.person == "G1" and c.after is None for c in result.changes)


def test_progress_is_called_with_the_score_and_can_stop() -> None:
    seen: List[Tuple[float, int, int, int]] = []

    def progress(elapsed: float, hard: int, soft: int, moves: int) -> Optional[bool]:
        seen.append((elapsed, hard, soft, moves))
        return None

    result = roster.solve(small_request(), progress=progress)
    assert seen and seen[-1][1:3] == result.score
    stopped = roster.solve(small_request(2_000_000), progress=lambda *a: False)
    assert stopped.statistics is not None and stopped.statistics.stopped_by == "cancelled"


def test_an_exception_in_progress_is_raised() -> None:
    def boom(*args: object) -> None:
        raise KeyError("from the callback")

    with pytest.raises(KeyError, match="from the callback"):
        roster.solve(small_request(), progress=boom)


def test_a_cancel_token_stops_a_search_from_another_thread() -> None:
    token = roster.CancelToken()
    assert not token.cancelled
    request = roster.demo_request("closed")
    request["limits"] = {"moves": 50_000_000}
    timer = threading.Timer(0.3, token.cancel)
    timer.start()
    result = roster.solve(request, cancel=token)
    timer.join()
    assert token.cancelled
    assert result.statistics is not None and result.statistics.stopped_by == "cancelled"
    assert repr(token) == "CancelToken(cancelled=True)"


def test_bad_requests_raise_typed_errors() -> None:
    doc = small_request()
    doc["horizon"]["days"] = 0
    with pytest.raises(steward.InvalidInputError) as e:
        roster.solve(doc)
    assert e.value.issues[0]["path"] == "horizon.days"
    with pytest.raises(TypeError):
        roster.solve(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        roster.demo_request("holiday")  # type: ignore[arg-type]


def test_nsp_import_maps_an_instance() -> None:
    text = json.loads((VECTORS / "roster.nsp_import" / "tiny.json").read_text(encoding="utf-8"))["text"]
    request = roster.nsp_import(text, "Tiny")
    assert request["schema"] == "steward.roster.solve.request.v1"
    assert [s["id"] for s in request["estate"]["staff"]] == ["A", "B"]
    with pytest.raises(steward.InvalidInputError) as e:
        roster.nsp_import("SECTION_HORIZON\nseven\n", "Bad")
    assert e.value.issues[0]["path"] == "line 2"


def test_same_seed_same_roster_from_many_threads() -> None:
    doc = small_request()
    results: List[str] = []

    def work() -> None:
        results.append(roster.solve(doc).to_json())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1


def test_limits_threads_runs_searches_side_by_side() -> None:
    one = roster.solve(small_request(20_000))
    doc = small_request(20_000)
    doc["limits"]["threads"] = 2
    a = roster.solve(doc)
    assert roster.solve(doc).to_json() == a.to_json()
    # Two searches that meet and keep the best: a feasible roster here too.
    assert a.feasible and a.hard == 0 and one.hard == 0
    assert a.statistics is not None and one.statistics is not None
    assert a.statistics.moves > one.statistics.moves
    # Progress comes on the calling thread only, ending on the final score.
    seen: List[Tuple[int, int, int]] = []

    def log(elapsed: float, hard: int, soft: int, moves: int) -> bool:
        seen.append((threading.get_ident(), hard, soft))
        return True

    b = roster.solve(doc, progress=log)
    assert seen and {t for t, _, _ in seen} == {threading.get_ident()}
    assert seen[-1][1:] == (b.hard, b.soft)
    doc["limits"]["threads"] = 0
    with pytest.raises(steward.InvalidInputError) as e:
        roster.solve(doc)
    assert e.value.issues[0]["path"] == "limits.threads"
    assert e.value.issues[0]["value"] == "0"
