"""steward.Store: SQLite persistence through the core's store."""

from __future__ import annotations

import dataclasses
import pathlib
from datetime import datetime, timedelta, timezone

import pytest

import steward

CST = timezone(timedelta(hours=8))


def test_file_round_trip(tmp_path: pathlib.Path, base: steward.Estate) -> None:
    path = tmp_path / "estate.db"
    with steward.Store(path) as store:
        assert store.schema_version == steward.SCHEMA_VERSION
        assert store.estate_ids() == []
        store.save_estate(base)
        assert store.estate_ids() == ["lotus-court"]
        assert store.path == str(path)
        assert repr(store) == f'Store("{path}")'
    assert store.closed
    # Reopen (from a str this time): the data is there.
    with steward.Store(str(path)) as again:
        loaded = again.load_estate("lotus-court")
    assert loaded == base
    assert loaded.to_json() == base.to_json()


def test_in_memory_round_trip(base: steward.Estate) -> None:
    store = steward.Store.in_memory()
    assert store.path is None and repr(store) == "Store.in_memory()"
    store.save_estate(base)
    assert store.load_estate(base.id) == base
    store.close()
    store.close()  # closing twice is fine


def test_save_accepts_dicts_and_json(base: steward.Estate, base_bytes: bytes) -> None:
    store = steward.Store.in_memory()
    store.save_estate(base.to_dict())
    store.save_estate(base_bytes)
    store.save_estate(base_bytes.decode())
    assert store.load_estate(base.id) == base
    bad = base.to_dict()
    bad["households"][0]["building"] = "B9"
    with pytest.raises(steward.InvalidInputError) as info:
        store.save_estate(bad)
    assert info.value.issues[0]["path"] == "households[0].building"
    with pytest.raises(TypeError, match=r"Store.save_estate\(\): expected an Estate, a dict, or a JSON str or bytes, found int"):
        store.save_estate(42)  # type: ignore[arg-type]


def test_saving_cannot_drop_records(base: steward.Estate) -> None:
    store = steward.Store.in_memory()
    store.save_estate(base)
    fewer = base.to_dict()
    fewer["ratings"] = []
    with pytest.raises(steward.ConflictError) as info:
        store.save_estate(fewer)
    assert info.value.code == "conflict" and info.value.issues == []
    assert store.load_estate(base.id) == base  # nothing written


def test_closed_store_is_a_storage_error(base: steward.Estate) -> None:
    store = steward.Store.in_memory()
    store.close()
    with pytest.raises(steward.StorageError, match="^the store is closed$"):
        store.save_estate(base)
    with pytest.raises(steward.StorageError):
        store.schema_version


def test_context_manager_closes_on_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(KeyError):
        with steward.Store(tmp_path / "x.db") as store:
            raise KeyError("boom")
    assert store.closed


def test_queries_with_filters(base: steward.Estate) -> None:
    store = steward.Store.in_memory()
    store.save_estate(base)
    ids = lambda orders: [o.id for o in orders]  # noqa: E731
    # W1 (B1 household, closed), W2 (B1 risers, open), W3 (common area, open, reported the day before).
    assert ids(store.work_orders(base.id)) == ["W3", "W1", "W2"]
    assert ids(store.open_work_orders(base.id)) == ["W3", "W2"]
    assert ids(store.open_work_orders(base.id, building="B1")) == ["W2"]
    assert ids(store.open_work_orders(base.id, since=datetime(2022, 12, 14, tzinfo=CST))) == ["W2"]
    assert ids(store.open_work_orders(base.id, until="2022-12-14T00:00:00+08:00")) == ["W3"]
    assert ids(store.work_orders(base.id, since="2022-12-13T16:00:00Z", until=None)) == ["W1", "W2"]
    orders = store.open_work_orders(base.id)
    assert orders == [o for o in base.work_orders if o.id in ("W3", "W2")][::-1]
    assert isinstance(orders[0], steward.WorkOrder)
    assert store.work_order(base.id, "W1") == base.work_orders[0]
    assert [r.id for r in store.ratings(base.id, building="B1")] == ["RT1"]
    assert store.ratings(base.id, building="B2") == []
    responses = store.survey_responses(base.id, since=datetime(2022, 12, 2, tzinfo=CST))
    assert [r.id for r in responses] == ["SR2"]
    assert responses[0] == base.survey_responses[1]


def test_filter_arguments_are_checked(base: steward.Estate) -> None:
    store = steward.Store.in_memory()
    store.save_estate(base)
    with pytest.raises(steward.InvalidInputError) as naive:
        store.open_work_orders(base.id, since=datetime(2022, 12, 14))
    assert naive.value.issues[0]["path"] == "since"
    assert naive.value.issues[0]["message"] == (
        "invalid value: expected an aware datetime (with tzinfo), found the naive datetime 2022-12-14T00:00:00"
    )
    with pytest.raises(steward.InvalidInputError) as text:
        store.ratings(base.id, until="yesterday")
    assert text.value.issues[0]["path"] == "until"
    assert text.value.message.startswith('invalid filter: until: invalid value: expected an RFC 3339 timestamp')
    with pytest.raises(TypeError, match="argument 'since'"):
        store.ratings(base.id, since=20221214)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        store.ratings(base.id, "B1")  # type: ignore[misc]  # options are keyword-only
    with pytest.raises(steward.NotFoundError, match='work order "W9" not found'):
        store.work_order(base.id, "W9")


def test_adding_records(base: steward.Estate) -> None:
    store = steward.Store.in_memory()
    store.save_estate(base)
    w3 = base.work_orders[2]
    w9 = dataclasses.replace(w3, id="W9", events=())
    store.add_work_order(base.id, w9)
    assert store.work_order(base.id, "W9") == w9
    with pytest.raises(steward.ConflictError, match='work order "W9" already exists in estate "lotus-court"'):
        store.add_work_order(base.id, w9)
    # A dict may leave out defaults; the core fills them in.
    store.add_work_order(
        base.id,
        {
            "id": "W10",
            "category": "elevator",
            "location": {"kind": "building", "building": "B2"},
            "reported_at": "2022-12-15T09:00:00+08:00",
            "reported_by": {"kind": "anonymous"},
            "channel": "phone",
            "description": "Lift stuck between floors 7 and 8",
            "hazards": ["elevator_entrapment"],
        },
    )
    assert store.work_order(base.id, "W10").households_affected == 1
    with pytest.raises(steward.InvalidInputError) as dangling:
        store.add_work_order(base.id, dataclasses.replace(w9, id="W11", location=steward.Location("household", "B7-0101", None, None, None)))
    assert dangling.value.issues[0]["path"] == "location.household"

    at = datetime(2022, 12, 15, 9, 5, tzinfo=CST)
    assert store.append_event(base.id, "W10", {"type": "assigned", "at": at.isoformat(), "staff": "S3"}) == "assigned"
    started = steward.WorkOrderEvent("started", at + timedelta(minutes=20), None, None, None, None)
    assert store.append_event(base.id, "W10", started) == "in_progress"
    with pytest.raises(steward.ConflictError, match="cannot apply 'closed' while in_progress"):
        store.append_event(base.id, "W10", {"type": "closed", "at": "2022-12-15T10:00:00+08:00"})
    with pytest.raises(steward.InvalidInputError) as early:
        store.append_event(base.id, "W10", '{"type": "resolved", "at": "2022-12-15T08:00:00+08:00"}')
    assert early.value.issues[0]["code"] == "out_of_order"
    assert [e.type for e in store.work_order(base.id, "W10").events] == ["assigned", "started"]

    rating = dataclasses.replace(base.ratings[0], id="RT2", work_order="W1", comment=None)
    store.add_rating(base.id, rating)
    assert [r.id for r in store.ratings(base.id)] == ["RT1", "RT2"]
    response = dataclasses.replace(base.survey_responses[0], id="SR3")
    store.add_survey_response(base.id, response.to_dict())
    # Oldest first, ties by id: SR3 was given at the same time as SR1.
    assert [r.id for r in store.survey_responses(base.id)] == ["SR1", "SR3", "SR2"]
    assert store.survey_responses(base.id)[1] == response
    with pytest.raises(TypeError, match=r"Store.add_rating\(\): expected a steward.Rating, a dict, or a JSON str or bytes, found Building"):
        store.add_rating(base.id, base.buildings[0])  # type: ignore[arg-type]
    loaded = store.load_estate(base.id)
    assert [w.id for w in loaded.work_orders] == ["W1", "W2", "W3", "W9", "W10"]
