"""Dispatch from Python: typed results, the callable module, errors, the
linear sum assignment (lists and numpy), and threads."""

from __future__ import annotations

import itertools
import json
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import List, Sequence

import pytest

import steward
from steward import dispatch

NOW = "2022-12-14T10:00:00+08:00"
LEAK = "WO-221214-005"
LEAK_FOLLOW_UP = "WO-221214-008"
CST = timezone(timedelta(hours=8))


def test_the_leak_with_backflow_in_an_elderly_flat_comes_first(demo: steward.Estate) -> None:
    queue = dispatch.rank(demo, as_of=NOW)
    first = queue.orders[0]
    assert first.order == LEAK
    assert first.class_ == "P1"
    assert first.sla.active == "resolve"
    assert first.sla.resolve_by == datetime(2022, 12, 14, 20, 36, tzinfo=CST)
    ids = [r.rule_id for r in first.reasons]
    assert "vulnerable_household" in ids and "hazard" in ids
    vulnerable = next(r for r in first.reasons if r.rule_id == "vulnerable_household")
    assert vulnerable.message == "Vulnerable household: an elderly person living alone (+60)."
    assert vulnerable.message_zh == "特殊关怀户：独居老人（+60）。"
    assert abs(sum(r.points for r in first.reasons) - first.score) < 1e-6
    # Every routine order is below it.
    routine = [o for o in queue if o.class_ in ("P3", "P4")]
    assert routine and all(o.score < first.score for o in routine)
    assert len(queue) == queue.open_orders == demo.inventory()["open_work_orders"]


def test_an_estate_object_and_its_document_give_the_same_answer(demo: steward.Estate) -> None:
    a = dispatch.rank(demo, as_of=NOW, limit=5)
    b = dispatch.rank(demo.to_dict(), as_of=datetime(2022, 12, 14, 10, 0, tzinfo=CST), limit=5)
    c = dispatch.rank(demo.to_json(), as_of=NOW, limit=5)
    assert a == b == c
    assert len(a.orders) == 5
    assert {n.order for n in a.notices} <= {o.order for o in a.orders}


def test_the_module_is_callable_with_a_request(demo: steward.Estate) -> None:
    request = {"schema": "steward.dispatch.rank.request.v1", "as_of": NOW, "limit": 1}
    out = steward.dispatch(request, estate=demo)
    assert out["schema"] == "steward.dispatch.rank.response.v1"
    assert out["orders"][0]["order"] == LEAK
    # The same through the generic entry point, with the estate in the request.
    text = steward.call("dispatch.rank", {**request, "estate": demo.to_dict()})
    assert json.loads(text) == out
    with pytest.raises(steward.InvalidInputError) as e:
        steward.dispatch({"schema": "steward.dispatch.nothing.request.v1"})
    assert e.value.issues[0]["path"] == "schema"


def test_bad_input_names_the_field(demo: steward.Estate) -> None:
    with pytest.raises(steward.InvalidInputError) as e:
        dispatch.rank(demo, as_of=NOW, policy={"ageing": {"points_per_hour": 0}})
    assert e.value.issues[0]["path"] == "policy.ageing.points_per_hour"
    assert e.value.issues[0]["code"] == "out_of_range"
    with pytest.raises(steward.InvalidInputError) as e:
        dispatch.rank(demo, as_of=datetime(2022, 12, 14, 10, 0))  # naive
    assert e.value.issues[0]["path"] == "as_of"
    with pytest.raises(steward.InvalidInputError) as e:
        dispatch.assign(demo, as_of=NOW, on_shift=["S06", "S99"])
    assert e.value.issues[0]["path"] == "on_shift[1].staff"
    with pytest.raises(steward.InvalidInputError) as e:
        dispatch.candidates(demo, "WO-000000-000", as_of=NOW, on_shift=["S06"])
    assert e.value.issues[0]["path"] == "order_id"


def test_the_plan_respects_skills_and_explains_itself(demo: steward.Estate) -> None:
    on_shift = ["S01", "S02", "S04", "S06", "S07", "S08", "S09", "S10", "S11", "S20"]
    plan = dispatch.assign(demo, as_of=NOW, on_shift=on_shift)
    skills = {s.id: set(s.skills) for s in demo.staff}
    needs = {"plumbing": "plumbing", "electrical": "electrical", "doors_windows": "general_repair", "hygiene": "cleaning"}
    orders = {o.id: o for o in demo.work_orders}
    assert plan.assignments
    for a in plan.assignments:
        assert needs[orders[a.order].category] in skills[a.staff]
        assert abs(sum(r.points for r in a.reasons) - a.cost) < 0.05
    assert LEAK_FOLLOW_UP in {a.order for a in plan.assignments}
    rows = plan.to_dicts()
    assert len(rows) == len(plan.assignments) + len(plan.unassigned)
    total = sum(r["cost"] for r in rows)
    assert abs(total - plan.objective) < 0.1
    frame = plan.to_pandas()
    assert list(frame.columns)[:4] == ["order", "class", "score", "staff"]
    assert len(frame) == len(rows)


def test_who_should_take_this_job(demo: steward.Estate) -> None:
    toilet = next(o for o in demo.work_orders if o.description.startswith("Toilet blocked"))
    c = dispatch.candidates(demo, toilet.id, as_of=NOW, on_shift=["S07", {"staff": "S08", "building": "B8"}])
    assert c.required_skills == ("plumbing",)
    assert c.candidates[0].staff == "S07" and c.candidates[0].eligible
    s08 = next(x for x in c.candidates if x.staff == "S08")
    assert not s08.eligible
    assert [x.rule_id for x in s08.checks if not x.passed] == ["eligible_skill"]
    assert len(c.candidates) == len(demo.staff)
    # A new order, given as a dict.
    new = dict(toilet.to_dict(), id="NEW-1", events=[])
    c2 = dispatch.candidates(demo, new, as_of=NOW, on_shift=["S07"])
    assert c2.order == "NEW-1"
    assert c2.to_pandas().shape[0] == len(demo.staff)


def test_follow_ups_of_the_demo(demo: steward.Estate) -> None:
    f = dispatch.follow_ups(demo, as_of=NOW)
    assert any(e.trigger == LEAK and e.order == LEAK_FOLLOW_UP for e in f.existing)
    assert all(p.trigger != LEAK for p in f.proposals)
    for p in f.proposals:
        assert p.order.follow_up_of == p.trigger
        assert p.respond_by is not None and p.respond_by > p.order.reported_at


def test_the_ranking_table(demo: steward.Estate) -> None:
    queue = dispatch.rank(demo, as_of=NOW)
    rows = queue.to_dicts()
    assert rows[0]["order"] == LEAK and rows[0]["class"] == "P1"
    frame = queue.to_pandas()
    assert frame.shape == (len(queue), 19)
    assert frame["rank"].tolist() == list(range(1, len(queue) + 1))
    policy = dispatch.default_policy()
    assert policy["classes"]["P1"]["respond_minutes"] == 15


def brute_force(cost: Sequence[Sequence[float]]) -> float:
    n, m = len(cost), len(cost[0])
    if n > m:
        cost = [list(col) for col in zip(*cost)]
        n, m = m, n
    best = float("inf")
    for cols in itertools.permutations(range(m), n):
        best = min(best, sum(cost[i][j] for i, j in enumerate(cols)))
    return best


def test_linear_sum_assignment_like_scipy() -> None:
    cost = [[4, 1, 3], [2, 0, 5], [3, 2, 2]]
    assert steward.linear_sum_assignment(cost) == ([0, 1, 2], [1, 0, 2])
    rows, cols = steward.linear_sum_assignment([[1, 9, 2], [8, 3, 7]], maximize=True)
    assert (rows, cols) == ([0, 1], [1, 0])
    rows, cols = steward.linear_sum_assignment(((1, 2), (3, 4), (5, 9)), maximize=True)
    assert (rows, cols) == ([1, 2], [0, 1])
    assert steward.linear_sum_assignment([[float("inf"), 1.0], [2.0, float("inf")]]) == ([0, 1], [1, 0])
    rng = random.Random(7)
    for _ in range(60):
        n, m = rng.randint(1, 5), rng.randint(1, 5)
        c: List[List[float]] = [[float(rng.randint(-20, 50)) for _ in range(m)] for _ in range(n)]
        r, k = steward.linear_sum_assignment(c)
        assert len(r) == min(n, m) and r == sorted(r) and len(set(k)) == len(k)
        assert sum(c[i][j] for i, j in zip(r, k)) == brute_force(c)


def test_linear_sum_assignment_errors() -> None:
    with pytest.raises(steward.InfeasibleError):
        steward.linear_sum_assignment([[float("inf")] * 2] * 2)
    with pytest.raises(steward.InvalidInputError) as e:
        steward.linear_sum_assignment([[1.0, float("nan")]])
    assert e.value.issues[0]["path"] == "cost[0][1]"
    with pytest.raises(steward.InvalidInputError):
        steward.linear_sum_assignment([[1.0, float("inf")]], maximize=True)
    with pytest.raises(TypeError):
        steward.linear_sum_assignment([[1, 2], [3]])
    with pytest.raises(TypeError):
        steward.linear_sum_assignment("not a matrix")


def test_linear_sum_assignment_on_numpy_arrays() -> None:
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(3)
    cost = rng.integers(0, 100, size=(30, 45)).astype(np.float64)
    rows, cols = steward.linear_sum_assignment(cost)
    assert isinstance(rows, np.ndarray) and rows.dtype == np.intp
    assert rows.tolist() == list(range(30)) and len(set(cols.tolist())) == 30
    # The same through lists, and through a non-contiguous, non-float64 view.
    assert cols.tolist() == steward.linear_sum_assignment(cost.tolist())[1]
    r2, c2 = steward.linear_sum_assignment(cost.T.astype(np.int32), maximize=False)
    assert cost.T[r2, c2].sum() == cost[rows, cols].sum()
    with pytest.raises(TypeError):
        steward.linear_sum_assignment(np.zeros(3))
    # Like scipy's: writable intp arrays, empty for an empty side.
    assert rows.flags.writeable and cols.flags.writeable
    for shape in [(0, 3), (3, 0)]:
        r0, c0 = steward.linear_sum_assignment(np.zeros(shape))
        assert r0.dtype == np.intp and r0.size == 0 and c0.size == 0
    # Read in place or converted first: C and Fortran order, big-endian,
    # read-only, strided and integer arrays all give the same optimum.
    base = rng.integers(0, 100, size=(12, 17)).astype(np.float64)
    want = base[steward.linear_sum_assignment(base)].sum()
    frozen = base.copy()
    frozen.flags.writeable = False
    variants = [
        np.asfortranarray(base),
        base.astype(">f8"),
        frozen,
        np.repeat(base, 2, axis=1)[:, ::2],
        base.astype(np.int64),
    ]
    for v in variants:
        r, k = steward.linear_sum_assignment(v)
        assert r.dtype == np.intp and k.dtype == np.intp
        assert base[r, k].sum() == want
    assert not frozen.flags.writeable  # the input is left as it was
    # `maximize` by its truth value, on every path, as scipy takes it.
    best = base[steward.linear_sum_assignment(base, maximize=True)].sum()
    assert best > want
    for flag in [1, np.bool_(True), "yes"]:
        for v in [base, base.astype(np.int64), base.tolist()]:
            r, k = steward.linear_sum_assignment(v, maximize=flag)
            assert base[r, k].sum() == best
    r, k = steward.linear_sum_assignment(base, maximize=0)
    assert base[r, k].sum() == want
    # Small (solved holding the GIL) and large (released) give scipy's optimum.
    from scipy.optimize import linear_sum_assignment as scipy_lsa

    for n, m in [(3, 5), (70, 90), (90, 70)]:
        c = rng.integers(0, 50, size=(n, m)).astype(np.float64)
        r, k = steward.linear_sum_assignment(c)
        sr, sk = scipy_lsa(c)
        assert c[r, k].sum() == c[sr, sk].sum()


def test_dispatch_from_eight_threads(demo: steward.Estate) -> None:
    start = threading.Barrier(8)

    def work(_: int) -> str:
        start.wait()
        return json.dumps(
            [o.order for o in dispatch.rank(demo, as_of=NOW).orders]
            + [a.staff for a in dispatch.assign(demo, as_of=NOW, on_shift=["S02", "S06", "S07", "S10"]).assignments]
        )

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(8)))
    assert len(set(results)) == 1
