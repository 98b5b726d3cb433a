"""steward.Estate: parsing, conversions, properties and the typed model objects."""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import pickle
import re
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Dict

import pytest

import steward
from repo import ROOT

MINIMAL = '{"id": "tiny", "name": "Tiny", "company": {"name": "C", "branch": "B"}}'


def test_version_is_the_crate_version() -> None:
    cargo = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    section = cargo.split("[workspace.package]", 1)[1]
    version = re.search(r'^version\s*=\s*"([^"]+)"', section, re.M)
    assert version is not None
    assert steward.__version__ == version.group(1)
    assert steward._steward.__version__ == steward.__version__
    assert steward.SCHEMA_VERSION >= 1


def test_public_names() -> None:
    for name in steward.__all__:
        assert hasattr(steward, name), name
    assert issubclass(steward.InvalidInputError, steward.StewardError)


def test_parse_and_read_properties(base: steward.Estate) -> None:
    assert base.id == "lotus-court"
    assert base.name == "Lotus Court"
    assert base.utc_offset == timezone(timedelta(hours=8))
    assert base.company.name == "Example Property Co."
    assert base.company.party_branch is not None
    assert base.company.party_branch.founded == date(2021, 6, 1)
    assert repr(base).startswith('<Estate "lotus-court" ("Lotus Court"): 2 buildings')


def test_record_lists_are_typed_and_read_only(base: steward.Estate) -> None:
    b1, b2 = base.buildings
    assert isinstance(b1, steward.Building)
    assert (b1.id, b1.floors, b1.has_elevator, b1.built_year) == ("B1", 6, False, None)
    assert (b2.has_elevator, b2.built_year) == (True, 2012)
    with pytest.raises(dataclasses.FrozenInstanceError):
        b1.floors = 7  # type: ignore[misc]
    # Each access builds a new list: changing it does not change the estate.
    base.buildings.clear()
    assert len(base.buildings) == 2

    h = base.households[0]
    assert (h.building, h.floor, h.tenure, h.care_needs) == ("B1", 1, "owner", ("elderly_alone",))

    s2 = base.staff[1]
    assert (s2.role, s2.skills, s2.max_open_orders, s2.hours_system) == (
        "plumber",
        ("plumbing",),
        4,
        "standard",
    )

    v = base.volunteers[0]
    a = v.availability[0]
    assert (a.from_, a.until, a.weekdays) == (date(2022, 4, 10), date(2022, 4, 30), ("saturday", "sunday"))
    assert (a.start, a.end) == (time(8, 0), time(12, 0))
    assert v.posts == ("gate-n",)

    night = base.shift_types[1]
    assert (night.start, night.end, night.break_minutes) == (time(20, 0), time(8, 0), 60)
    gate = base.posts[0]
    assert [c.headcount for c in gate.coverage] == [1, 1, 2, 2]
    assert base.operating_periods[0].mode == "closed_management"
    assert base.meeting_items[0].discussed_on == date(2022, 11, 16)
    assert [d.id for d in base.dimensions][:2] == ["customer_service", "repairs_maintenance"]


def test_work_orders_as_objects(base: steward.Estate) -> None:
    w1, w2, w3 = base.work_orders
    assert w1.location == steward.Location(kind="household", household="B1-0101", building=None, area=None, name=None)
    assert w1.reported_by.kind == "resident" and w1.reported_by.resident == "R1"
    assert w1.reported_at == datetime(2022, 12, 14, 7, 40, tzinfo=timezone(timedelta(hours=8)))
    assert w1.reported_at.utcoffset() == timedelta(hours=8)
    assert [e.type for e in w1.events] == ["triaged", "assigned", "started", "resolved", "closed"]
    assert w1.events[0].by == "S1" and w1.events[1].staff == "S2"
    assert w1.events[3].note == "Replaced the cracked trap and joint"
    assert w1.hazards == ("water_ingress",)
    assert (w2.location.kind, w2.location.area, w2.follow_up_of) == ("building", "risers", "W1")
    assert w2.reported_by.kind == "system"
    assert w3.location.kind == "common_area" and w3.location.name


def test_ratings_and_surveys(base: steward.Estate) -> None:
    (r,) = base.ratings
    assert r.score == 5 and r.dimensions == {"repairs_maintenance": 5, "customer_service": 4}
    with pytest.raises(TypeError):
        r.dimensions["greening"] = 1  # type: ignore[index]
    s1, s2 = base.survey_responses
    assert s1.recommend == 7 and s2.household is None
    assert sum(s1.scores.values()) == 25


def test_personal_data_is_not_shown_by_repr(base: steward.Estate) -> None:
    r = base.residents[0]
    assert r.name == "Zhao Yiming" and str(r.phone) == "13800000001"
    for shown in (repr(r), repr(base.residents), repr(r.name)):
        assert "Zhao" not in shown and "13800000001" not in shown
    assert "Personal(<redacted>)" in repr(r)
    assert "Zhou Wu" not in repr(base.staff[0])
    assert "Wang Ba" not in repr(base.volunteers[0])
    assert "thank you" not in repr(base.ratings[0])
    assert "Very happy" not in repr(base.survey_responses[1])
    # The plain-data forms keep the value (the store must keep it).
    assert base.residents[0].to_dict()["name"] == "Zhao Yiming"
    assert type(base.residents[0].to_dict()["name"]) is str


def test_redacted(base: steward.Estate) -> None:
    red = base.redacted()
    assert red != base
    assert {str(r.name) for r in red.residents} == {"<redacted>"}
    assert red.ratings[0].comment == "<redacted>"
    assert red.buildings == base.buildings


def test_inventory(base: steward.Estate) -> None:
    inv = base.inventory()
    assert inv["buildings"] == len(base.buildings) == 2
    assert inv["work_orders"] == 3 and inv["open_work_orders"] == 2
    assert inv["party_member_staff"] == sum(s.party_member for s in base.staff)
    base.validate()


def test_json_and_dict_round_trip(base: steward.Estate, base_bytes: bytes) -> None:
    d = base.to_dict()
    assert d == json.loads(base.to_json())
    assert list(d) == list(json.loads(base.to_json()))  # same key order as the JSON
    assert steward.Estate.from_dict(d) == base
    assert steward.Estate.from_json(base.to_json()) == base
    assert steward.Estate.from_json(bytearray(base_bytes)) == base
    # Missing optional fields are filled in with their defaults.
    tiny = steward.Estate.from_json(MINIMAL)
    assert tiny.to_dict()["utc_offset"] == "+08:00"
    assert tiny.to_dict()["buildings"] == []
    assert len(tiny.dimensions) == 7
    # to_dict gives fresh plain data every time.
    d["name"] = "changed"
    assert base.to_dict()["name"] == "Lotus Court"


def test_equality_and_hash(base: steward.Estate, base_bytes: bytes) -> None:
    assert steward.Estate.from_json(base_bytes) == base
    assert base != steward.Estate.from_json(MINIMAL)
    assert base != "lotus-court"


def test_every_record_round_trips_through_its_class(base: steward.Estate) -> None:
    assert_records_round_trip(base)


def test_demo_records_round_trip_through_their_classes(demo: steward.Estate) -> None:
    assert_records_round_trip(demo)


def assert_records_round_trip(estate: steward.Estate) -> None:
    """Guards drift between the Rust model and steward.model: for every entity,
    ``Cls.from_dict(d).to_dict() == d`` and the object equals the estate's."""
    d = estate.to_dict()
    classes = {
        "buildings": steward.Building,
        "households": steward.Household,
        "residents": steward.Resident,
        "staff": steward.StaffMember,
        "volunteers": steward.Volunteer,
        "stakeholders": steward.Stakeholder,
        "meeting_items": steward.MeetingItem,
        "shift_types": steward.ShiftType,
        "posts": steward.Post,
        "operating_periods": steward.OperatingPeriod,
        "work_orders": steward.WorkOrder,
        "dimensions": steward.SurveyDimension,
        "ratings": steward.Rating,
        "survey_responses": steward.SurveyResponse,
    }
    assert set(d) == set(classes) | {"id", "name", "utc_offset", "company"}
    for key, cls in classes.items():
        objects = getattr(estate, key)
        assert len(objects) == len(d[key])
        for obj, record in zip(objects, d[key]):
            assert type(obj) is cls
            assert obj == cls.from_dict(record)
            assert obj.to_dict() == record, (key, record)
            # Same key order too, so json.dumps matches the Rust JSON.
            assert json.dumps(obj.to_dict()) == json.dumps(record)
    assert estate.company.to_dict() == d["company"]
    assert steward.Company.from_dict(d["company"]) == estate.company


def test_from_dict_rejects_missing_and_unknown_fields(base: steward.Estate) -> None:
    record = base.to_dict()["buildings"][0]
    with pytest.raises(ValueError, match="missing field 'floors'"):
        steward.Building.from_dict({k: v for k, v in record.items() if k != "floors"})
    with pytest.raises(ValueError, match=r"unknown field\(s\) \['colour'\]"):
        steward.Building.from_dict({**record, "colour": "red"})
    with pytest.raises(ValueError, match="unknown kind 'moon'"):
        steward.Location.from_dict({"kind": "moon"})


def test_timestamps_follow_the_core_format() -> None:
    from steward.model import format_timestamp, parse_timestamp

    for text in [
        "2022-12-14T08:30:00+08:00",
        "2022-12-14T08:30:00.250+08:00",
        "2022-12-14T08:30:00.123456-05:30",
        "0999-01-02T00:00:00+00:00",
    ]:
        assert format_timestamp(parse_timestamp(text)) == text
    assert parse_timestamp("2022-12-14T00:30:00Z") == datetime(2022, 12, 14, 0, 30, tzinfo=timezone.utc)
    with pytest.raises(ValueError, match="naive"):
        format_timestamp(datetime(2022, 1, 1))
    with pytest.raises(ValueError, match="RFC 3339"):
        parse_timestamp("2022-12-14 08:30")


def test_wrong_python_types_are_type_errors() -> None:
    with pytest.raises(TypeError, match=r"Estate.from_json\(\): expected a JSON document as str or bytes, found int"):
        steward.Estate.from_json(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Estate.from_dict\(\): expected a dict, found str"):
        steward.Estate.from_dict(MINIMAL)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        steward.Estate.from_json()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        steward.Estate()  # type: ignore[call-arg]


def test_from_dict_names_the_path_of_a_non_json_value(base: steward.Estate) -> None:
    d: Dict[str, Any] = base.to_dict()
    d["work_orders"][1]["reported_at"] = datetime(2022, 12, 14, 10, 0)
    with pytest.raises(TypeError, match=r"^work_orders\[1\]\.reported_at: expected a JSON value .* found datetime$"):
        steward.Estate.from_dict(d)
    d = base.to_dict()
    d["buildings"][0] = base.buildings[0]
    with pytest.raises(TypeError, match=r"buildings\[0\]: .* found Building \(call its \.to_dict\(\) first\)"):
        steward.Estate.from_dict(d)
    with pytest.raises(TypeError, match=r"company: dict keys must be str, found int"):
        steward.Estate.from_dict({"id": "e", "company": {1: "x"}})


def test_from_dict_errors_equal_the_json_errors() -> None:
    doc = {"id": "e", "name": "n", "company": {"name": "c", "branch": "b"}, "buildings": [{"id": "B1", "name": "One", "floors": "six"}]}
    with pytest.raises(steward.InvalidInputError) as from_dict:
        steward.Estate.from_dict(doc)
    with pytest.raises(steward.InvalidInputError) as from_json:
        steward.Estate.from_json(json.dumps(doc))
    assert from_dict.value.to_dict() == from_json.value.to_dict()
    assert from_dict.value.issues[0]["path"] == "buildings[0].floors"
    # Tuples are arrays; big ints and bad floats are reported, not crashes.
    assert steward.Estate.from_dict({**json.loads(MINIMAL), "buildings": ()}).buildings == []
    with pytest.raises(steward.InvalidInputError) as big:
        steward.Estate.from_dict({**doc, "buildings": [{"id": "B1", "name": "One", "floors": 10**30}]})
    assert big.value.issues[0]["path"] == "buildings[0].floors"
    with pytest.raises(steward.InvalidInputError) as nan:
        steward.Estate.from_dict({**doc, "dimensions": [{"id": "d", "name": "D", "weight": math.nan}]})
    assert nan.value.issues[0]["path"] == "dimensions[0].weight"
    assert nan.value.issues[0]["value"] == "nan"


def test_a_dict_that_contains_itself_is_an_error_not_a_crash() -> None:
    d: Dict[str, Any] = {"id": "e"}
    d["company"] = d
    with pytest.raises(steward.InvalidInputError, match="nested deeper than 256 levels"):
        steward.Estate.from_dict(d)


def test_lone_surrogates_are_invalid_utf8() -> None:
    with pytest.raises(steward.InvalidInputError) as e:
        steward.Estate.from_json('{"id": "\ud800"}')
    assert e.value.issues[0]["code"] == "invalid_utf8"
    assert e.value.issues[0]["value"] == "byte 8"


def test_estates_pickle_as_their_json(base: steward.Estate) -> None:
    # So they can go to worker processes (multiprocessing, concurrent.futures).
    assert pickle.loads(pickle.dumps(base)) == base
    assert copy.deepcopy(base) == base
    assert pickle.loads(pickle.dumps(base.work_orders)) == base.work_orders
