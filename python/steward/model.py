"""The estate model as frozen dataclasses.

``Estate.buildings``, ``Store.open_work_orders(...)`` and friends return these
read-only objects. Each mirrors one record of the Rust model field for field
(same names, same order; ``from`` is spelled ``from_``), with:

- timestamps as aware :class:`datetime.datetime`, dates as :class:`datetime.date`,
  times of day as :class:`datetime.time`;
- enumerations as plain ``str`` (the JSON spelling, e.g. ``"closed_management"``),
  typed with ``Literal`` aliases;
- sets and lists as tuples, maps (dimension scores) as read-only mappings;
- personal data (names, phone numbers, contacts, comments) as :class:`Personal`,
  a ``str`` whose ``repr`` does not show the value.

``Record.from_dict(d)`` reads the JSON form of a record (as ``Estate.to_dict()``
gives it, every field present) and ``record.to_dict()`` writes it back, so
``Cls.from_dict(d).to_dict() == d``. Records are not validated here: the Rust
core validates whatever is given to it (``Estate.from_dict``, ``Store.add_*``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta, timezone
from types import MappingProxyType
from typing import (
    Any,
    Callable,
    ClassVar,
    Dict,
    Literal,
    Mapping,
    Optional,
    Tuple,
    Type,
    TypeVar,
)

__all__ = [
    "Availability",
    "Building",
    "Company",
    "Coverage",
    "Household",
    "Location",
    "MeetingItem",
    "OperatingPeriod",
    "PartyBranch",
    "Personal",
    "Post",
    "Rating",
    "Record",
    "Reporter",
    "Resident",
    "ShiftType",
    "StaffMember",
    "Stakeholder",
    "SurveyDimension",
    "SurveyResponse",
    "Volunteer",
    "WorkOrder",
    "WorkOrderEvent",
]

# Enumerations, as their JSON strings. The core may add values in later versions.
Tenure = Literal["owner", "tenant", "vacant"]
CareNeed = Literal["elderly_alone", "disability", "infant", "medical_need", "pregnancy"]
ResidentRole = Literal["owner", "tenant", "member"]
StaffRole = Literal[
    "manager",
    "supervisor",
    "customer_service",
    "plumber",
    "electrician",
    "general_repair",
    "security",
    "cleaner",
    "greening",
    "elevator_technician",
]
Skill = Literal[
    "plumbing",
    "electrical",
    "general_repair",
    "elevator",
    "gas",
    "gate_control",
    "patrol",
    "disinfection",
    "cleaning",
    "greening",
    "customer_service",
    "mediation",
    "delivery",
    "first_aid",
]
HoursSystem = Literal["standard", "comprehensive"]
VolunteerKind = Literal["party_member", "student", "resident"]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
StakeholderKind = Literal[
    "community_office",
    "street_office",
    "owners_committee",
    "property_company",
    "police_liaison",
    "resident_representative",
]
MeetingTopic = Literal[
    "parking",
    "hygiene",
    "neighbour_dispute",
    "safety",
    "facilities",
    "fees",
    "epidemic_prevention",
    "other",
]
ItemStatus = Literal["open", "in_progress", "resolved", "withdrawn"]
OperatingMode = Literal["normal", "closed_management"]
PostKind = Literal[
    "gate",
    "patrol",
    "disinfection",
    "repair_on_call",
    "service_desk",
    "cleaning",
    "screening",
    "delivery",
]
Category = Literal[
    "plumbing",
    "electrical",
    "gas",
    "elevator",
    "doors_windows",
    "structure",
    "facilities",
    "hygiene",
    "greening",
    "pest",
    "parking",
    "noise",
    "neighbour_dispute",
    "security",
    "delivery",
    "medical_assistance",
    "complaint",
    "inquiry",
    "other",
]
Hazard = Literal[
    "water_ingress", "electrical", "gas_smell", "elevator_entrapment", "fire_safety"
]
Channel = Literal["phone", "wechat", "walk_in", "patrol", "joint_meeting", "system"]
HoldReason = Literal["awaiting_resident", "parts_on_order", "third_party"]
LocationKind = Literal["household", "building", "common_area"]
ReporterKind = Literal["resident", "staff", "stakeholder", "anonymous", "system"]
EventType = Literal[
    "triaged",
    "assigned",
    "started",
    "on_hold",
    "resumed",
    "resolved",
    "closed",
    "reopened",
    "cancelled",
]


class Personal(str):
    """Personal data (a name, a phone number, a comment): a ``str`` whose
    ``repr`` is ``Personal(<redacted>)``, so it does not leak into logs and
    tracebacks. ``str(p)`` and comparisons use the value."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Personal(<redacted>)"


# --- conversions between JSON values and Python values ---------------------

_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(?:(Z)|([+-])(\d{2}):(\d{2}))\Z"
)


def parse_timestamp(text: str) -> datetime:
    """Reads an RFC 3339 timestamp with offset, as the core writes it.

    Args:
        text: e.g. ``"2022-12-14T08:30:00+08:00"``.

    Returns:
        An aware datetime (digits beyond microseconds are dropped).

    Raises:
        ValueError: if ``text`` is not such a timestamp.
    """
    m = _TIMESTAMP.match(text)
    if m is None:
        raise ValueError(f"expected an RFC 3339 timestamp with offset, found {text!r}")
    year, month, day, hour, minute, second = (int(g) for g in m.group(1, 2, 3, 4, 5, 6))
    micros = int((m.group(7) or "").ljust(6, "0")[:6])
    if m.group(8):
        offset = 0
    else:
        offset = (int(m.group(10)) * 60 + int(m.group(11))) * 60
        if m.group(9) == "-":
            offset = -offset
    tz = timezone(timedelta(seconds=offset))
    return datetime(year, month, day, hour, minute, second, micros, tzinfo=tz)


def format_timestamp(t: datetime) -> str:
    """Writes an aware datetime as the core does (chrono's ``to_rfc3339``).

    Args:
        t: an aware datetime.

    Returns:
        e.g. ``"2022-12-14T08:30:00+08:00"``; fractions of a second as 3 or 6
        digits, only when non-zero.

    Raises:
        ValueError: if ``t`` is naive.
    """
    offset = t.utcoffset()
    if offset is None:
        raise ValueError(f"expected an aware datetime, found the naive {t.isoformat()}")
    text = (
        f"{t.year:04d}-{t.month:02d}-{t.day:02d}"
        f"T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
    )
    if t.microsecond:
        if t.microsecond % 1000 == 0:
            text += f".{t.microsecond // 1000:03d}"
        else:
            text += f".{t.microsecond:06d}"
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    seconds = abs(seconds)
    return f"{text}{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _optional(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda v: None if v is None else f(v)


class _Conv:
    __slots__ = ("load", "dump")

    def __init__(self, load: Callable[[Any], Any], dump: Callable[[Any], Any]) -> None:
        self.load = _optional(load)
        self.dump = _optional(dump)


def _identity(v: Any) -> Any:
    return v


_PLAIN = _Conv(_identity, _identity)
_PERSONAL = _Conv(Personal, str)
_DATE = _Conv(date.fromisoformat, date.isoformat)
_TIMESTAMP_CONV = _Conv(parse_timestamp, format_timestamp)
_TIME = _Conv(time.fromisoformat, lambda t: f"{t.hour:02d}:{t.minute:02d}")
_TUPLE = _Conv(tuple, list)
_MAP = _Conv(lambda v: MappingProxyType(dict(v)), dict)


def _nested(name: str) -> _Conv:
    return _Conv(lambda v: globals()[name].from_dict(v), lambda v: v.to_dict())


def _nested_tuple(name: str) -> _Conv:
    return _Conv(
        lambda v: tuple(globals()[name].from_dict(x) for x in v),
        lambda v: [x.to_dict() for x in v],
    )


def _m(conv: _Conv, key: Optional[str] = None) -> Dict[str, Any]:
    """Field metadata: how to convert the value, and its JSON key if not the name.
    Fields without metadata hold JSON values as they are."""
    return {"conv": conv, "key": key}


def _conv(f: Any) -> _Conv:
    conv: _Conv = f.metadata.get("conv", _PLAIN)
    return conv


R = TypeVar("R", bound="Record")


class Record:
    """Base of the model classes: conversion from and to the JSON form."""

    __slots__ = ()

    @classmethod
    def from_dict(cls: Type[R], data: Mapping[str, Any]) -> R:
        """Builds the record from its JSON form (every field present).

        Args:
            data: a dict as in ``Estate.to_dict()``.

        Returns:
            The record.

        Raises:
            ValueError: if a field is missing or unknown.
        """
        kwargs: Dict[str, Any] = {}
        specs = fields(cls)  # type: ignore[arg-type]
        for f in specs:
            key = f.metadata.get("key") or f.name
            if key not in data:
                raise ValueError(f"{cls.__name__}.from_dict(): missing field {key!r}")
            kwargs[f.name] = _conv(f).load(data[key])
        if len(data) != len(specs):
            known = {f.metadata.get("key") or f.name for f in specs}
            unknown = sorted(k for k in data if k not in known)
            raise ValueError(f"{cls.__name__}.from_dict(): unknown field(s) {unknown}")
        return cls(**kwargs)

    def to_dict(self) -> Dict[str, Any]:
        """The record's JSON form: plain dicts, lists, strings and numbers.

        Returns:
            A dict whose keys are in the Rust model's field order.
        """
        return {
            (f.metadata.get("key") or f.name): _conv(f).dump(getattr(self, f.name))
            for f in fields(self)  # type: ignore[arg-type]
        }


class _Tagged(Record):
    """A record whose JSON form depends on a tag (``kind`` or ``type``)."""

    __slots__ = ()
    _TAG: ClassVar[str]
    _VARIANTS: ClassVar[Dict[str, Tuple[str, ...]]]

    @classmethod
    def from_dict(cls: Type[R], data: Mapping[str, Any]) -> R:
        tag_name = cls._TAG  # type: ignore[attr-defined]
        variants = cls._VARIANTS  # type: ignore[attr-defined]
        tag = data.get(tag_name)
        if tag not in variants:
            raise ValueError(f"{cls.__name__}.from_dict(): unknown {tag_name} {tag!r}")
        allowed = set(variants[tag]) | {tag_name}
        unknown = sorted(k for k in data if k not in allowed)
        if unknown:
            raise ValueError(f"{cls.__name__}.from_dict(): unknown field(s) {unknown} for {tag!r}")
        kwargs: Dict[str, Any] = {}
        for f in fields(cls):  # type: ignore[arg-type]
            if f.name == tag_name:
                kwargs[f.name] = tag
            elif f.name in variants[tag]:
                if f.name not in data:
                    raise ValueError(f"{cls.__name__}.from_dict(): missing field {f.name!r}")
                kwargs[f.name] = _conv(f).load(data[f.name])
            else:
                kwargs[f.name] = None
        return cls(**kwargs)

    def to_dict(self) -> Dict[str, Any]:
        tag = getattr(self, self._TAG)
        out: Dict[str, Any] = {self._TAG: tag}
        by_name = {f.name: f for f in fields(self)}  # type: ignore[arg-type]
        for name in self._VARIANTS[tag]:
            out[name] = _conv(by_name[name]).dump(getattr(self, name))
        return out


# --- the estate -------------------------------------------------------------


@dataclass(frozen=True)
class PartyBranch(Record):
    """The company's party branch (党支部)."""

    name: str
    secretary: str
    """Staff id of the branch secretary."""
    founded: Optional[date] = field(metadata=_m(_DATE))


@dataclass(frozen=True)
class Company(Record):
    """The property company branch that manages the estate."""

    name: str
    branch: str
    party_branch: Optional[PartyBranch] = field(metadata=_m(_nested("PartyBranch")))


@dataclass(frozen=True)
class Building(Record):
    """A building (楼栋)."""

    id: str
    name: str
    floors: int
    """Floors above ground, 1 to 200."""
    has_elevator: bool
    built_year: Optional[int]


@dataclass(frozen=True)
class Household(Record):
    """A household (户): one dwelling unit in a building."""

    id: str
    building: str
    unit: str
    floor: int
    tenure: Tenure
    care_needs: Tuple[CareNeed, ...] = field(metadata=_m(_TUPLE))


@dataclass(frozen=True)
class Resident(Record):
    """A resident (居民). ``name`` and ``phone`` are personal data."""

    id: str
    household: str
    name: Personal = field(metadata=_m(_PERSONAL))
    phone: Optional[Personal] = field(metadata=_m(_PERSONAL))
    role: ResidentRole
    birth_year: Optional[int]
    party_member: bool
    moved_in_year: Optional[int]


@dataclass(frozen=True)
class StaffMember(Record):
    """A member of the property company's staff. ``name`` and ``phone`` are personal data."""

    id: str
    name: Personal = field(metadata=_m(_PERSONAL))
    phone: Optional[Personal] = field(metadata=_m(_PERSONAL))
    role: StaffRole
    skills: Tuple[Skill, ...] = field(metadata=_m(_TUPLE))
    party_member: bool
    hours_system: HoursSystem
    base_building: Optional[str]
    max_open_orders: int
    employed_since: Optional[date] = field(metadata=_m(_DATE))


@dataclass(frozen=True)
class Availability(Record):
    """A recurring window a volunteer offers between two dates (``end <= start``
    runs past midnight; no weekdays means every day)."""

    from_: date = field(metadata=_m(_DATE, key="from"))
    until: date = field(metadata=_m(_DATE))
    weekdays: Tuple[Weekday, ...] = field(metadata=_m(_TUPLE))
    start: time = field(metadata=_m(_TIME))
    end: time = field(metadata=_m(_TIME))


@dataclass(frozen=True)
class Volunteer(Record):
    """A volunteer (party member, student, resident). ``name`` and ``phone`` are personal data."""

    id: str
    name: Personal = field(metadata=_m(_PERSONAL))
    phone: Optional[Personal] = field(metadata=_m(_PERSONAL))
    kind: VolunteerKind
    party_member: bool
    organisation: Optional[str]
    skills: Tuple[Skill, ...] = field(metadata=_m(_TUPLE))
    availability: Tuple[Availability, ...] = field(metadata=_m(_nested_tuple("Availability")))
    posts: Tuple[str, ...] = field(metadata=_m(_TUPLE))


@dataclass(frozen=True)
class Stakeholder(Record):
    """A party to the joint meeting (community office, owners' committee…).
    ``contact`` is personal data."""

    id: str
    kind: StakeholderKind
    name: str
    contact: Optional[Personal] = field(metadata=_m(_PERSONAL))
    household: Optional[str]


@dataclass(frozen=True)
class MeetingItem(Record):
    """An item on the joint meeting's agenda (parking, hygiene, disputes…)."""

    id: str
    topic: MeetingTopic
    title: str
    raised_by: str
    owner: str
    raised_on: date = field(metadata=_m(_DATE))
    discussed_on: Optional[date] = field(metadata=_m(_DATE))
    status: ItemStatus
    resolution: Optional[str]
    building: Optional[str]


@dataclass(frozen=True)
class ShiftType(Record):
    """A daily shift window (``end == start`` is 24 hours; ``end < start`` ends next day)."""

    id: str
    name: str
    start: time = field(metadata=_m(_TIME))
    end: time = field(metadata=_m(_TIME))
    break_minutes: int


@dataclass(frozen=True)
class Coverage(Record):
    """How many people a post needs on a shift, in a mode, on some weekdays."""

    mode: OperatingMode
    shift: str
    weekdays: Tuple[Weekday, ...] = field(metadata=_m(_TUPLE))
    headcount: int


@dataclass(frozen=True)
class Post(Record):
    """A post that needs coverage (gate, patrol, disinfection round, desk…)."""

    id: str
    name: str
    kind: PostKind
    building: Optional[str]
    required_skill: Optional[Skill]
    volunteers_allowed: bool
    coverage: Tuple[Coverage, ...] = field(metadata=_m(_nested_tuple("Coverage")))


@dataclass(frozen=True)
class OperatingPeriod(Record):
    """A dated period in one operating mode (e.g. closed management)."""

    id: str
    mode: OperatingMode
    from_: date = field(metadata=_m(_DATE, key="from"))
    until: date = field(metadata=_m(_DATE))
    reason: Optional[str]


# --- work orders --------------------------------------------------------------


@dataclass(frozen=True)
class Location(_Tagged):
    """Where the work is: in a ``household``, a ``building``'s common parts
    (with an optional ``area``), or a named ``common_area``. Fields that do not
    belong to ``kind`` are None."""

    _TAG: ClassVar[str] = "kind"
    _VARIANTS: ClassVar[Dict[str, Tuple[str, ...]]] = {
        "household": ("household",),
        "building": ("building", "area"),
        "common_area": ("name",),
    }

    kind: LocationKind
    household: Optional[str]
    building: Optional[str]
    area: Optional[str]
    name: Optional[str]


@dataclass(frozen=True)
class Reporter(_Tagged):
    """Who reported an order: a ``resident``, ``staff``, a ``stakeholder`` (with
    the matching id field), ``anonymous`` or ``system``."""

    _TAG: ClassVar[str] = "kind"
    _VARIANTS: ClassVar[Dict[str, Tuple[str, ...]]] = {
        "resident": ("resident",),
        "staff": ("staff",),
        "stakeholder": ("stakeholder",),
        "anonymous": (),
        "system": (),
    }

    kind: ReporterKind
    resident: Optional[str]
    staff: Optional[str]
    stakeholder: Optional[str]


@dataclass(frozen=True)
class WorkOrderEvent(_Tagged):
    """One entry of a work order's append-only history.

    ``type`` says which; ``at`` is always set. ``by`` (triaged), ``staff``
    (assigned), ``reason`` (on_hold: a hold reason; reopened, cancelled: text)
    and ``note`` (resolved) belong to their types and are None otherwise.
    """

    _TAG: ClassVar[str] = "type"
    _VARIANTS: ClassVar[Dict[str, Tuple[str, ...]]] = {
        "triaged": ("at", "by"),
        "assigned": ("at", "staff"),
        "started": ("at",),
        "on_hold": ("at", "reason"),
        "resumed": ("at",),
        "resolved": ("at", "note"),
        "closed": ("at",),
        "reopened": ("at", "reason"),
        "cancelled": ("at", "reason"),
    }

    type: EventType
    at: datetime = field(metadata=_m(_TIMESTAMP_CONV))
    by: Optional[str]
    staff: Optional[str]
    reason: Optional[str]
    note: Optional[str]


@dataclass(frozen=True)
class WorkOrder(Record):
    """A repair or service request (报修/服务工单) with its history."""

    id: str
    category: Category
    location: Location = field(metadata=_m(_nested("Location")))
    reported_at: datetime = field(metadata=_m(_TIMESTAMP_CONV))
    reported_by: Reporter = field(metadata=_m(_nested("Reporter")))
    channel: Channel
    description: str
    hazards: Tuple[Hazard, ...] = field(metadata=_m(_TUPLE))
    households_affected: int
    follow_up_of: Optional[str]
    events: Tuple[WorkOrderEvent, ...] = field(metadata=_m(_nested_tuple("WorkOrderEvent")))


# --- satisfaction -------------------------------------------------------------


@dataclass(frozen=True)
class SurveyDimension(Record):
    """A satisfaction dimension scored 1–5, with its weight in the index."""

    id: str
    name: str
    weight: float


@dataclass(frozen=True)
class Rating(Record):
    """A resident's rating of a completed work order. ``comment`` is personal data."""

    id: str
    work_order: str
    at: datetime = field(metadata=_m(_TIMESTAMP_CONV))
    score: int
    dimensions: Mapping[str, int] = field(metadata=_m(_MAP))
    comment: Optional[Personal] = field(metadata=_m(_PERSONAL))
    rated_by: Optional[str]


@dataclass(frozen=True)
class SurveyResponse(Record):
    """One household's answers to a satisfaction survey. ``comment`` is personal data."""

    id: str
    survey: str
    at: datetime = field(metadata=_m(_TIMESTAMP_CONV))
    building: str
    household: Optional[str]
    respondent: Optional[str]
    scores: Mapping[str, int] = field(metadata=_m(_MAP))
    overall: Optional[int]
    recommend: Optional[int]
    comment: Optional[Personal] = field(metadata=_m(_PERSONAL))
