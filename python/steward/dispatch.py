"""Dispatch: which request is handled first, by whom, and by when.

The dispatch engine of the Rust core, with typed results::

    import steward
    from steward import dispatch

    estate = steward.demo_estate()
    queue = dispatch.rank(estate, as_of="2022-12-14T10:00:00+08:00")
    first = queue.orders[0]
    print(first.order, first.class_, first.score, first.sla.resolve_by)
    for reason in first.reasons:
        print(reason.points, reason.message, reason.message_zh)
    df = queue.to_pandas()                       # one row per open order

    plan = dispatch.assign(estate, as_of=queue.as_of, on_shift=["S02", "S06", "S07"])
    who = dispatch.candidates(estate, "WO-221214-009", as_of=queue.as_of, on_shift=["S07"])
    row_ind, col_ind = steward.linear_sum_assignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]])

The module is also callable with a request document, routed by its
``schema`` (``steward.dispatch.<verb>.request.v1``), returning the response
as a dict: ``steward.dispatch({"schema": ..., "estate": ..., "as_of": ...})``.

``estate`` arguments take a :class:`steward.Estate` (passed to the core
without copying it through JSON) or the estate document (dict or JSON).
``policy`` takes a (partial) policy dict merged onto the defaults
(:func:`default_policy`). ``as_of`` is an aware ``datetime`` or an RFC 3339
string.
"""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass
from datetime import datetime
from typing import (
    Any,
    Dict,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from . import _steward
from ._steward import Estate
from .model import WorkOrder, format_timestamp, parse_timestamp

__all__ = [
    "AssignmentPlan",
    "Candidate",
    "Candidates",
    "Check",
    "ExistingFollowUp",
    "FollowUp",
    "FollowUps",
    "Notice",
    "PlannedAssignment",
    "RankedOrder",
    "Ranking",
    "Reason",
    "Sla",
    "StaffLoad",
    "Unassigned",
    "assign",
    "call",
    "candidates",
    "default_policy",
    "follow_ups",
    "linear_sum_assignment",
    "rank",
]

EstateLike = Union[Estate, Mapping[str, Any], str, bytes]
"""A :class:`steward.Estate`, or an estate document (dict, JSON ``str`` or bytes)."""
Instant = Union[datetime, str]
"""An aware ``datetime`` or an RFC 3339 timestamp with offset."""
OnShiftLike = Union[str, Mapping[str, Any]]
"""A staff id, or ``{"staff": id, "building": ..., "load": ..., "capacity": ...}``."""


def _time(value: Optional[str]) -> Optional[datetime]:
    return None if value is None else parse_timestamp(value)


def _instant(value: Instant) -> str:
    if isinstance(value, datetime):
        # A naive datetime has no offset: the core names the field and says so.
        return format_timestamp(value) if value.utcoffset() is not None else value.isoformat()
    return value


def _on_shift(items: Sequence[OnShiftLike]) -> List[Any]:
    return [{"staff": s} if isinstance(s, str) else dict(s) for s in items]


def _request(verb: str, estate: EstateLike, as_of: Instant, policy: Optional[Mapping[str, Any]], **fields: Any) -> Tuple[Dict[str, Any], Optional[Estate]]:
    doc: Dict[str, Any] = {"schema": f"steward.dispatch.{verb}.request.v1"}
    obj: Optional[Estate] = None
    if isinstance(estate, Estate):
        obj = estate
    elif isinstance(estate, (str, bytes, bytearray)):
        doc["estate"] = json.loads(estate)
    else:
        doc["estate"] = estate
    doc["as_of"] = _instant(as_of)
    if policy is not None:
        doc["policy"] = policy
    doc.update({k: v for k, v in fields.items() if v is not None})
    return doc, obj


def _run(doc: Mapping[str, Any], estate: Optional[Estate]) -> Dict[str, Any]:
    result: Dict[str, Any] = json.loads(_steward.dispatch_call(doc, estate))
    return result


def call(request: Union[Mapping[str, Any], str, bytes], *, estate: Optional[Estate] = None) -> Dict[str, Any]:
    """Runs any dispatch request, chosen by its ``schema``.

    Args:
        request: the request document (dict, JSON ``str`` or bytes).
        estate: an :class:`steward.Estate` the request is about; the request
            must then leave out ``estate``.

    Returns:
        The response document as a dict.

    Raises:
        InvalidInputError: the request is malformed (the issue names the field).
        InfeasibleError: a linear sum assignment has no complete solution.
    """
    result: Dict[str, Any] = json.loads(_steward.dispatch_call(request, estate))
    return result


def default_policy() -> Dict[str, Any]:
    """The default policy (Chinese property-service practice) as a dict, to
    read or to edit and pass as ``policy=``."""
    result: Dict[str, Any] = json.loads(_steward.dispatch_default_policy())
    return result


def _frame(rows: List[Dict[str, Any]], columns: Sequence[str]) -> Any:
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("to_pandas() needs the 'pandas' package (pip install pandas)") from e
    return pandas.DataFrame(rows, columns=list(columns))


def _polars(rows: List[Dict[str, Any]], columns: Sequence[str]) -> Any:
    try:
        import polars
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("to_polars() needs the 'polars' package (pip install polars)") from e
    return polars.DataFrame({c: [r[c] for r in rows] for c in columns})


@dataclass(frozen=True)
class Reason:
    """One contribution to a decision: a rule, its points, and why."""

    rule_id: str
    points: float
    message: str
    message_zh: str

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Reason:
        return cls(d["rule_id"], d["points"], d["message"], d["message_zh"])


def _reasons(items: Sequence[Mapping[str, Any]]) -> Tuple[Reason, ...]:
    return tuple(Reason.from_dict(r) for r in items)


@dataclass(frozen=True)
class Sla:
    """The SLA clocks of an order: deadlines, time left, breach risk."""

    clock: str
    cycle_start: datetime
    respond_by: Optional[datetime]
    responded_at: Optional[datetime]
    resolve_by: Optional[datetime]
    active: str
    used_percent: float
    time_left_minutes: Optional[int]
    clock_minutes_left: int
    risk: str
    paused: bool

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Sla:
        return cls(
            d["clock"],
            parse_timestamp(d["cycle_start"]),
            _time(d["respond_by"]),
            _time(d["responded_at"]),
            _time(d["resolve_by"]),
            d["active"],
            d["used_percent"],
            d["time_left_minutes"],
            d["clock_minutes_left"],
            d["risk"],
            d["paused"],
        )


@dataclass(frozen=True)
class RankedOrder:
    """One open order in the queue (``class_`` is the priority class)."""

    rank: int
    order: str
    category: str
    status: str
    building: Optional[str]
    household: Optional[str]
    assignee: Optional[str]
    reported_at: datetime
    class_: str
    class_name: str
    class_name_zh: str
    score: float
    sla: Sla
    escalation_percent: Optional[int]
    reasons: Tuple[Reason, ...]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RankedOrder:
        return cls(
            d["rank"],
            d["order"],
            d["category"],
            d["status"],
            d["building"],
            d["household"],
            d["assignee"],
            parse_timestamp(d["reported_at"]),
            d["class"],
            d["class_name"],
            d["class_name_zh"],
            d["score"],
            Sla.from_dict(d["sla"]),
            d["escalation_percent"],
            _reasons(d["reasons"]),
        )


@dataclass(frozen=True)
class Notice:
    """An escalation notice: an SLA target of an order reached a level."""

    order: str
    class_: str
    target: str
    percent: int
    due_at: Optional[datetime]
    notify: Tuple[Tuple[str, Optional[str]], ...]
    """(role, staff id) pairs."""
    message: str
    message_zh: str

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Notice:
        return cls(
            d["order"],
            d["class"],
            d["target"],
            d["percent"],
            _time(d["due_at"]),
            tuple((r["role"], r["staff"]) for r in d["notify"]),
            d["message"],
            d["message_zh"],
        )


_RANK_COLUMNS = (
    "rank",
    "order",
    "class",
    "score",
    "category",
    "status",
    "building",
    "household",
    "assignee",
    "reported_at",
    "active",
    "respond_by",
    "resolve_by",
    "time_left_minutes",
    "used_percent",
    "risk",
    "paused",
    "escalation_percent",
    "reasons",
)


@dataclass(frozen=True)
class Ranking:
    """The ranked queue of open orders, most urgent first, with the
    escalation notices due for the orders shown."""

    estate: str
    as_of: datetime
    policy: str
    starvation_bound_hours: float
    open_orders: int
    orders: Tuple[RankedOrder, ...]
    notices: Tuple[Notice, ...]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Ranking:
        return cls(
            d["estate"],
            parse_timestamp(d["as_of"]),
            d["policy"],
            d["starvation_bound_hours"],
            d["open_orders"],
            tuple(RankedOrder.from_dict(o) for o in d["orders"]),
            tuple(Notice.from_dict(n) for n in d["notices"]),
        )

    def __len__(self) -> int:
        return len(self.orders)

    def __iter__(self) -> Iterator[RankedOrder]:
        return iter(self.orders)

    def to_dicts(self) -> List[Dict[str, Any]]:
        """One flat row per order (``reasons`` joined into one string)."""
        return [
            {
                "rank": o.rank,
                "order": o.order,
                "class": o.class_,
                "score": o.score,
                "category": o.category,
                "status": o.status,
                "building": o.building,
                "household": o.household,
                "assignee": o.assignee,
                "reported_at": o.reported_at,
                "active": o.sla.active,
                "respond_by": o.sla.respond_by,
                "resolve_by": o.sla.resolve_by,
                "time_left_minutes": o.sla.time_left_minutes,
                "used_percent": o.sla.used_percent,
                "risk": o.sla.risk,
                "paused": o.sla.paused,
                "escalation_percent": o.escalation_percent,
                "reasons": " ".join(r.message for r in o.reasons),
            }
            for o in self.orders
        ]

    def to_pandas(self) -> Any:
        """The rows of :meth:`to_dicts` as a ``pandas.DataFrame``.

        Raises:
            ImportError: pandas is not installed.
        """
        return _frame(self.to_dicts(), _RANK_COLUMNS)

    def to_polars(self) -> Any:
        """The rows of :meth:`to_dicts` as a ``polars.DataFrame``.

        Raises:
            ImportError: polars is not installed.
        """
        return _polars(self.to_dicts(), _RANK_COLUMNS)


def rank(
    estate: EstateLike,
    *,
    as_of: Instant,
    policy: Optional[Mapping[str, Any]] = None,
    limit: Optional[int] = None,
) -> Ranking:
    """Ranks the estate's open orders: class, score, SLA clocks and reasons.

    Args:
        estate: the estate.
        as_of: the instant to rank at.
        policy: a (partial) policy, merged onto the defaults.
        limit: show only the first ``limit`` orders.

    Returns:
        The ranking.

    Raises:
        InvalidInputError: a bad estate, policy or ``as_of`` (the issue names
            the field, e.g. ``policy.ageing.points_per_hour``).
    """
    doc, obj = _request("rank", estate, as_of, policy, limit=limit)
    return Ranking.from_dict(_run(doc, obj))


@dataclass(frozen=True)
class PlannedAssignment:
    """One order sent to one person, with the terms of its cost."""

    order: str
    staff: str
    position: int
    class_: str
    score: float
    eta: datetime
    travel_minutes: float
    lateness_minutes: float
    cost: float
    reasons: Tuple[Reason, ...]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PlannedAssignment:
        return cls(
            d["order"],
            d["staff"],
            d["position"],
            d["class"],
            d["score"],
            parse_timestamp(d["eta"]),
            d["travel_minutes"],
            d["lateness_minutes"],
            d["cost"],
            _reasons(d["reasons"]),
        )


@dataclass(frozen=True)
class Unassigned:
    """An order left for later, and why."""

    order: str
    class_: str
    score: float
    cost: float
    reasons: Tuple[Reason, ...]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Unassigned:
        return cls(d["order"], d["class"], d["score"], d["cost"], _reasons(d["reasons"]))


@dataclass(frozen=True)
class StaffLoad:
    """A person on shift: load before the plan and orders the plan gives them."""

    staff: str
    building: Optional[str]
    load_before: int
    assigned: int
    capacity: int

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> StaffLoad:
        return cls(d["staff"], d["building"], d["load_before"], d["assigned"], d["capacity"])


_PLAN_COLUMNS = (
    "order",
    "class",
    "score",
    "staff",
    "position",
    "eta",
    "travel_minutes",
    "lateness_minutes",
    "cost",
    "reasons",
)


@dataclass(frozen=True)
class AssignmentPlan:
    """The optimal plan: who goes where, what is left, and the objective."""

    estate: str
    as_of: datetime
    policy: str
    objective: float
    assignments: Tuple[PlannedAssignment, ...]
    unassigned: Tuple[Unassigned, ...]
    staff: Tuple[StaffLoad, ...]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> AssignmentPlan:
        return cls(
            d["estate"],
            parse_timestamp(d["as_of"]),
            d["policy"],
            d["objective"],
            tuple(PlannedAssignment.from_dict(a) for a in d["assignments"]),
            tuple(Unassigned.from_dict(u) for u in d["unassigned"]),
            tuple(StaffLoad.from_dict(s) for s in d["staff"]),
        )

    def to_dicts(self) -> List[Dict[str, Any]]:
        """One row per order: assigned ones, then those left (``staff`` None)."""
        rows: List[Dict[str, Any]] = [
            {
                "order": a.order,
                "class": a.class_,
                "score": a.score,
                "staff": a.staff,
                "position": a.position,
                "eta": a.eta,
                "travel_minutes": a.travel_minutes,
                "lateness_minutes": a.lateness_minutes,
                "cost": a.cost,
                "reasons": " ".join(r.message for r in a.reasons),
            }
            for a in self.assignments
        ]
        rows.extend(
            {
                "order": u.order,
                "class": u.class_,
                "score": u.score,
                "staff": None,
                "position": None,
                "eta": None,
                "travel_minutes": None,
                "lateness_minutes": None,
                "cost": u.cost,
                "reasons": " ".join(r.message for r in u.reasons),
            }
            for u in self.unassigned
        )
        return rows

    def to_pandas(self) -> Any:
        """The rows of :meth:`to_dicts` as a ``pandas.DataFrame``.

        Raises:
            ImportError: pandas is not installed.
        """
        return _frame(self.to_dicts(), _PLAN_COLUMNS)


def assign(
    estate: EstateLike,
    *,
    as_of: Instant,
    on_shift: Sequence[OnShiftLike],
    policy: Optional[Mapping[str, Any]] = None,
    orders: Optional[Sequence[str]] = None,
) -> AssignmentPlan:
    """The optimal plan for sending the staff on shift to open orders.

    Args:
        estate: the estate.
        as_of: now.
        on_shift: who is on shift: staff ids, or dicts with ``staff`` and
            optionally ``building`` (where they are), ``load`` (open orders
            they carry; default from the estate) and ``capacity`` (default
            their ``max_open_orders``).
        policy: a (partial) policy.
        orders: the orders to place (default: every open order nobody is
            assigned to).

    Returns:
        The plan: no other plan that respects skills, shifts and capacities
        has a smaller objective.

    Raises:
        InvalidInputError: a bad request (e.g. ``on_shift[2].staff`` does not exist).
    """
    doc, obj = _request(
        "assign",
        estate,
        as_of,
        policy,
        on_shift=_on_shift(on_shift),
        orders=None if orders is None else list(orders),
    )
    return AssignmentPlan.from_dict(_run(doc, obj))


@dataclass(frozen=True)
class Check:
    """One eligibility check of a candidate."""

    rule_id: str
    passed: bool
    message: str
    message_zh: str


@dataclass(frozen=True)
class Candidate:
    """A member of staff considered for one order."""

    rank: int
    staff: str
    role: str
    party_member: bool
    eligible: bool
    building: Optional[str]
    load: int
    capacity: int
    cost: Optional[float]
    eta: Optional[datetime]
    checks: Tuple[Check, ...]
    reasons: Tuple[Reason, ...]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Candidate:
        return cls(
            d["rank"],
            d["staff"],
            d["role"],
            d["party_member"],
            d["eligible"],
            d["building"],
            d["load"],
            d["capacity"],
            d["cost"],
            _time(d["eta"]),
            tuple(Check(c["rule_id"], c["passed"], c["message"], c["message_zh"]) for c in d["checks"]),
            _reasons(d["reasons"]),
        )


@dataclass(frozen=True)
class Candidates:
    """Who should take one order: the eligible by cost, then the others."""

    order: str
    class_: str
    score: float
    required_skills: Tuple[str, ...]
    candidates: Tuple[Candidate, ...]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Candidates:
        return cls(
            d["order"],
            d["class"],
            d["score"],
            tuple(d["required_skills"]),
            tuple(Candidate.from_dict(c) for c in d["candidates"]),
        )

    def to_dicts(self) -> List[Dict[str, Any]]:
        """One row per member of staff."""
        return [
            {
                "rank": c.rank,
                "staff": c.staff,
                "role": c.role,
                "eligible": c.eligible,
                "cost": c.cost,
                "eta": c.eta,
                "failed": " ".join(x.message for x in c.checks if not x.passed),
            }
            for c in self.candidates
        ]

    def to_pandas(self) -> Any:
        """The rows of :meth:`to_dicts` as a ``pandas.DataFrame``.

        Raises:
            ImportError: pandas is not installed.
        """
        return _frame(self.to_dicts(), ("rank", "staff", "role", "eligible", "cost", "eta", "failed"))


def candidates(
    estate: EstateLike,
    order: Union[str, WorkOrder, Mapping[str, Any]],
    *,
    as_of: Instant,
    on_shift: Sequence[OnShiftLike],
    policy: Optional[Mapping[str, Any]] = None,
) -> Candidates:
    """Who should take this job? Every member of staff, with the reason
    each is or is not eligible.

    Args:
        estate: the estate.
        order: the id of one of the estate's orders, or a new order
            (:class:`steward.model.WorkOrder` or its dict).
        as_of: now.
        on_shift: who is on shift (as for :func:`assign`).
        policy: a (partial) policy.

    Returns:
        The candidates, eligible ones first by cost.

    Raises:
        InvalidInputError: a bad request (e.g. an unknown ``order_id``).
    """
    if isinstance(order, str):
        fields: Dict[str, Any] = {"order_id": order}
    elif isinstance(order, WorkOrder):
        fields = {"order": order.to_dict()}
    else:
        fields = {"order": dict(order)}
    doc, obj = _request("candidates", estate, as_of, policy, on_shift=_on_shift(on_shift), **fields)
    return Candidates.from_dict(_run(doc, obj))


@dataclass(frozen=True)
class FollowUp:
    """A follow-up order a rule proposes (add it with ``Store.add_work_order``)."""

    rule_id: str
    trigger: str
    order: WorkOrder
    class_: str
    respond_by: Optional[datetime]
    resolve_by: Optional[datetime]
    reason: Reason


@dataclass(frozen=True)
class ExistingFollowUp:
    """A follow-up a rule would propose that is already in the estate."""

    rule_id: str
    trigger: str
    order: str


@dataclass(frozen=True)
class FollowUps:
    """What the follow-up rules find."""

    as_of: datetime
    proposals: Tuple[FollowUp, ...]
    existing: Tuple[ExistingFollowUp, ...]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FollowUps:
        return cls(
            parse_timestamp(d["as_of"]),
            tuple(
                FollowUp(
                    p["rule_id"],
                    p["trigger"],
                    WorkOrder.from_dict(p["order"]),
                    p["class"],
                    _time(p["respond_by"]),
                    _time(p["resolve_by"]),
                    Reason.from_dict(p["reason"]),
                )
                for p in d["proposals"]
            ),
            tuple(ExistingFollowUp(e["rule_id"], e["trigger"], e["order"]) for e in d["existing"]),
        )

    def to_dicts(self) -> List[Dict[str, Any]]:
        """One row per proposal."""
        return [
            {
                "rule_id": p.rule_id,
                "trigger": p.trigger,
                "order": p.order.id,
                "class": p.class_,
                "respond_by": p.respond_by,
                "resolve_by": p.resolve_by,
                "reason": p.reason.message,
            }
            for p in self.proposals
        ]


def follow_ups(
    estate: EstateLike, *, as_of: Instant, policy: Optional[Mapping[str, Any]] = None
) -> FollowUps:
    """Runs the follow-up rules (riser inspection after a leak with backflow;
    preventive inspection after repeated faults in one building).

    Args:
        estate: the estate.
        as_of: now (new orders are reported at this instant).
        policy: a (partial) policy.

    Returns:
        The proposals, each linked to its trigger and with its own SLA, and
        the follow-ups already in the estate.

    Raises:
        InvalidInputError: a bad request.
    """
    doc, obj = _request("follow_ups", estate, as_of, policy)
    return FollowUps.from_dict(_run(doc, obj))


def linear_sum_assignment(cost: Any, maximize: bool = False) -> Tuple[Any, Any]:
    """Solves the linear sum assignment problem, with the contract of
    ``scipy.optimize.linear_sum_assignment``.

    Args:
        cost: an ``n × m`` matrix: a 2-D numpy array (read in place when
            it is C-contiguous float64, converted otherwise; it must not
            change during the call), an object with ``tolist()``, or a
            sequence of equally long rows. ``inf`` (``-inf`` when maximising)
            forbids a pair.
        maximize: find the greatest total instead of the least.

    Returns:
        ``(row_ind, col_ind)``: ``row_ind`` increasing, ``cost[row_ind,
        col_ind]`` the chosen entries, ``min(n, m)`` of each. numpy arrays
        (``intp``) for a numpy input, lists otherwise.

    Raises:
        InvalidInputError: NaN, or ``-inf`` when minimising (``+inf`` when
            maximising); the issue names the entry (``cost[i][j]``).
        InfeasibleError: every complete assignment uses a forbidden entry.
        TypeError: ``cost`` is not a 2-D matrix of numbers.
    """
    # A C-contiguous float64 ndarray is read in place (None for anything else).
    out = _steward.linear_sum_assignment_ndarray(cost, maximize)
    if out is not None:
        return out
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(cost, numpy.ndarray):
        if cost.ndim != 2:
            raise TypeError(f"linear_sum_assignment: expected a 2-D array, found {cost.ndim} dimensions")
        out = _steward.linear_sum_assignment_ndarray(numpy.ascontiguousarray(cost, dtype=numpy.float64), bool(maximize))
        if out is None:
            raise TypeError("linear_sum_assignment: could not read the array as float64")
        return out
    if hasattr(cost, "tolist") and not isinstance(cost, (list, tuple)):
        cost = cost.tolist()
    return _steward.linear_sum_assignment_rows(cost, bool(maximize))


class _CallableModule(types.ModuleType):
    """``steward.dispatch(request)``: the module is callable."""

    def __call__(self, request: Union[Mapping[str, Any], str, bytes], *, estate: Optional[Estate] = None) -> Dict[str, Any]:
        return call(request, estate=estate)


sys.modules[__name__].__class__ = _CallableModule
