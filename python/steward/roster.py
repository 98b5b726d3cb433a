"""Shift scheduling: who covers which post, when.

The roster engine of the Rust core, with typed results::

    import steward
    from steward import roster

    request = roster.demo_request("closed")          # a dict you can edit
    result = roster.solve(request, progress=lambda t, hard, soft, moves: print(t, hard, soft))
    print(result.score, result.feasible)
    for v in result.violations:
        print(v.constraint_id, v.message)
    grid = result.to_pandas()                         # person x day table

Requests are ``steward.roster.<verb>.request.v1`` documents (a dict, or JSON as
``str``/``bytes``): the estate, the horizon, contracts, leave, requests, rule
configuration, limits and seed (``"limits": {"moves": ..., "seconds": ...,
"threads": ...}``; with ``threads`` above 1, that many searches run side by
side and the best roster wins). The search runs with the GIL released; the
``progress`` callable is called with the GIL held, on the calling thread, as
``progress(elapsed_seconds, best_hard, best_soft, moves)``, and may return
``False`` to stop the search (an exception it raises stops the search and is
raised by ``solve``). ``cancel`` is a :class:`CancelToken` that another thread
may set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Dict, List, Literal, Mapping, Optional, Tuple, Union

from ._steward import (
    CancelToken,
    roster_demo_request,
    roster_evaluate,
    roster_nsp_import,
    roster_repair,
    roster_solve,
)

__all__ = [
    "Assignment",
    "CancelToken",
    "Change",
    "ConstraintTotal",
    "Progress",
    "Request",
    "Roster",
    "Statistics",
    "Violation",
    "demo_request",
    "evaluate",
    "nsp_import",
    "repair",
    "solve",
]

Level = Literal["hard", "soft", "off"]
Request = Union[Mapping[str, Any], str, bytes]
"""A request document: a dict, or its JSON as ``str`` or ``bytes``."""
Progress = Callable[[float, int, int, int], Optional[bool]]
"""``progress(elapsed_seconds, best_hard, best_soft, moves)``; return ``False`` to stop."""


@dataclass(frozen=True)
class Assignment:
    """A person works a shift on a post on a date."""

    date: date
    person: str
    post: str
    shift: str

    def to_dict(self) -> Dict[str, Any]:
        return {"date": self.date.isoformat(), "person": self.person, "post": self.post, "shift": self.shift}


@dataclass(frozen=True)
class ConstraintTotal:
    """The penalty of one rule over the whole roster."""

    id: str
    title: str
    level: Level
    weight: int
    violations: int
    penalty: int


@dataclass(frozen=True)
class Violation:
    """One broken rule: who, when, which rule, how much."""

    constraint_id: str
    severity: Level
    penalty: int
    people: Tuple[str, ...]
    dates: Tuple[date, ...]
    post: Optional[str]
    shift: Optional[str]
    message: str


@dataclass(frozen=True)
class Change:
    """One person-day changed by a repair (``before``/``after`` are ``post/shift`` or ``None`` for off)."""

    person: str
    date: date
    before: Optional[str]
    after: Optional[str]
    reason: str


@dataclass(frozen=True)
class Statistics:
    """How the search went."""

    seed: int
    moves: int
    accepted: int
    improvements: int
    stopped_by: str


@dataclass(frozen=True)
class Roster:
    """A roster with its score and explanation (the response document, typed)."""

    schema: str
    estate: str
    start: date
    days: int
    hard: int
    soft: int
    feasible: bool
    assignments: Tuple[Assignment, ...]
    constraints: Tuple[ConstraintTotal, ...]
    violations: Tuple[Violation, ...]
    changes: Optional[Tuple[Change, ...]]
    statistics: Optional[Statistics]
    raw: Mapping[str, Any]

    @property
    def score(self) -> Tuple[int, int]:
        """``(hard, soft)`` penalty; lower is better, ``hard == 0`` is feasible."""
        return (self.hard, self.soft)

    @property
    def dates(self) -> List[date]:
        """The dates of the horizon."""
        from datetime import timedelta

        return [self.start + timedelta(days=d) for d in range(self.days)]

    @classmethod
    def from_json(cls, text: Union[str, bytes]) -> "Roster":
        """Reads a response document."""
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Roster":
        """Reads a response document given as a dict."""
        stats = d.get("statistics")
        changes = d.get("changes")
        return cls(
            schema=d["schema"],
            estate=d["estate"],
            start=date.fromisoformat(d["horizon"]["from"]),
            days=int(d["horizon"]["days"]),
            hard=int(d["score"]["hard"]),
            soft=int(d["score"]["soft"]),
            feasible=bool(d["feasible"]),
            assignments=tuple(
                Assignment(date.fromisoformat(a["date"]), a["person"], a["post"], a["shift"])
                for a in d["assignments"]
            ),
            constraints=tuple(ConstraintTotal(**c) for c in d["constraints"]),
            violations=tuple(
                Violation(
                    constraint_id=v["constraint_id"],
                    severity=v["severity"],
                    penalty=int(v["penalty"]),
                    people=tuple(v.get("people", ())),
                    dates=tuple(date.fromisoformat(x) for x in v.get("dates", ())),
                    post=v.get("post"),
                    shift=v.get("shift"),
                    message=v["message"],
                )
                for v in d["violations"]
            ),
            changes=None
            if changes is None
            else tuple(
                Change(c["person"], date.fromisoformat(c["date"]), c.get("before"), c.get("after"), c["reason"])
                for c in changes
            ),
            statistics=None if stats is None else Statistics(**stats),
            raw=d,
        )

    def to_json(self) -> str:
        """The response document as JSON text."""
        return json.dumps(self.raw, ensure_ascii=False, separators=(",", ":"))

    def to_dicts(self) -> List[Dict[str, Any]]:
        """The assignments as records (``date``, ``person``, ``post``, ``shift``)."""
        return [a.to_dict() for a in self.assignments]

    def grid(self) -> Dict[str, List[str]]:
        """Person x day: for every person who works, one cell per day with
        ``post/shift`` (or ``""`` for a day off)."""
        out: Dict[str, List[str]] = {}
        for a in self.assignments:
            row = out.setdefault(a.person, [""] * self.days)
            d = (a.date - self.start).days
            if 0 <= d < self.days:
                cell = f"{a.post}/{a.shift}"
                row[d] = cell if not row[d] else row[d] + "+" + cell
        return dict(sorted(out.items()))

    def to_columns(self) -> Dict[str, List[str]]:
        """The grid as columns: ``person`` then one column per ISO date."""
        grid = self.grid()
        cols: Dict[str, List[str]] = {"person": list(grid)}
        for i, d in enumerate(self.dates):
            cols[d.isoformat()] = [row[i] for row in grid.values()]
        return cols

    def to_pandas(self) -> Any:
        """The person x day grid as a ``pandas.DataFrame`` (index: person;
        columns: dates). Needs pandas."""
        try:
            import pandas as pd
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("Roster.to_pandas() needs the 'pandas' package (pip install pandas)") from e
        grid = self.grid()
        return pd.DataFrame.from_dict(grid, orient="index", columns=self.dates)

    def to_polars(self) -> Any:
        """The grid as a ``polars.DataFrame`` (a ``person`` column, then one
        column per ISO date). Needs polars."""
        try:
            import polars as pl
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("Roster.to_polars() needs the 'polars' package (pip install polars)") from e
        return pl.DataFrame(self.to_columns())

    def __repr__(self) -> str:
        return (
            f"Roster(estate={self.estate!r}, start={self.start.isoformat()}, days={self.days}, "
            f"hard={self.hard}, soft={self.soft}, assignments={len(self.assignments)}, "
            f"violations={len(self.violations)})"
        )


def solve(
    request: Request,
    *,
    progress: Optional[Progress] = None,
    cancel: Optional[CancelToken] = None,
) -> Roster:
    """Builds a roster for a ``steward.roster.solve.request.v1`` document.

    Raises:
        InvalidInputError: the request is malformed or refers to things that do not exist.
    """
    return Roster.from_json(roster_solve(request, progress=progress, cancel=cancel))


def evaluate(request: Request) -> Roster:
    """Scores and explains the roster in a ``steward.roster.evaluate.request.v1`` document.

    Raises:
        InvalidInputError: the request is malformed or refers to things that do not exist.
    """
    return Roster.from_json(roster_evaluate(request))


def repair(
    request: Request,
    *,
    progress: Optional[Progress] = None,
    cancel: Optional[CancelToken] = None,
) -> Roster:
    """Re-rosters after the disruptions of a ``steward.roster.repair.request.v1``
    document, changing as few assignments as it can; ``Roster.changes`` lists them.

    Raises:
        InvalidInputError: the request is malformed or refers to things that do not exist.
    """
    return Roster.from_json(roster_repair(request, progress=progress, cancel=cancel))


def nsp_import(text: str, name: str) -> Dict[str, Any]:
    """Maps a Curtois–Qu benchmark instance (the text of ``InstanceN.txt``)
    into a solve request dict.

    Raises:
        InvalidInputError: the instance is malformed (the issue path names the line).
    """
    result: Dict[str, Any] = json.loads(roster_nsp_import(text, name))
    return result


def demo_request(week: Literal["normal", "closed"] = "normal") -> Dict[str, Any]:
    """The demo estate's request for the week of the demo's now (``"normal"``)
    or the first closed-management week (``"closed"``)."""
    result: Dict[str, Any] = json.loads(roster_demo_request(week))
    return result
