"""Errors: one design across Rust, C and Python (style B4).

Texts are asserted verbatim: they are the same in all three languages.
"""

from __future__ import annotations

import json
import pathlib
import pickle

import pytest

import steward

NON_ASCII_DOC = (
    '{"id": "e", "name": "n", "company": {"name": "c", "branch": "b"}, '
    '"颜色\\t\\u0001\\u007f\\u2028": "蓝\\u0000"}'
)
# What Rust's Error::to_json() gives for NON_ASCII_DOC (checked with the core):
# serde_json escapes control characters as Python's json.dumps does, and writes
# everything else, DEL and U+2028 included, as it is.
NON_ASCII_JSON = (
    '{"kind":"invalid_input","message":"invalid estate: 颜色\\t\\u0001\x7f\u2028: unknown field '
    "`颜色\\t\\u0001\x7f\u2028`, expected one of `id`, `name`, `utc_offset`, `company`, "
    "`buildings`, `households`, `residents`, `staff`, `volunteers`, `stakeholders`, "
    "`meeting_items`, `shift_types`, `posts`, `operating_periods`, `work_orders`, "
    '`dimensions`, `ratings`, `survey_responses`","issues":[{"path":"颜色\\t\\u0001\x7f\u2028",'
    '"value":"\\"蓝\\\\u0000\\"","code":"unknown_field","message":"unknown field '
    "`颜色\\t\\u0001\x7f\u2028`, expected one of `id`, `name`, `utc_offset`, `company`, "
    "`buildings`, `households`, `residents`, `staff`, `volunteers`, `stakeholders`, "
    "`meeting_items`, `shift_types`, `posts`, `operating_periods`, `work_orders`, "
    '`dimensions`, `ratings`, `survey_responses`"}]}'
)


def compact(e: steward.StewardError) -> str:
    return json.dumps(e.to_dict(), separators=(",", ":"), ensure_ascii=False)


def test_hierarchy() -> None:
    assert issubclass(steward.InvalidInputError, ValueError)
    assert issubclass(steward.NotFoundError, LookupError)
    assert issubclass(steward.StorageError, OSError)
    for cls, code in [
        (steward.InvalidInputError, "invalid_input"),
        (steward.NotFoundError, "not_found"),
        (steward.ConflictError, "conflict"),
        (steward.InfeasibleError, "infeasible"),
        (steward.StorageError, "storage"),
        (steward.InternalError, "internal"),
    ]:
        assert issubclass(cls, steward.StewardError)
        assert issubclass(steward.StewardError, Exception)
        assert cls.kind == code
        assert cls("m").code == code


def test_invalid_input_names_path_value_and_rule() -> None:
    with pytest.raises(steward.InvalidInputError) as info:
        steward.Estate.from_json(
            '{"id": "e1", "name": "X", "company": {"name": "C", "branch": "B"},'
            ' "households": [{"id": "H1", "building": "B9", "unit": "101", "floor": 1, "tenure": "owner"}]}'
        )
    e = info.value
    assert e.code == "invalid_input"
    assert str(e) == e.message == 'invalid estate: households[0].building: building "B9" does not exist'
    assert e.args == (e.message,)
    assert e.issues == [
        {
            "path": "households[0].building",
            "value": '"B9"',
            "code": "dangling_reference",
            "message": 'building "B9" does not exist',
        }
    ]
    assert list(e.to_dict()) == ["kind", "message", "issues"]
    assert list(e.to_dict()["issues"][0]) == ["path", "value", "code", "message"]


def test_every_rule_broken_is_reported(base: steward.Estate) -> None:
    d = base.to_dict()
    d["buildings"][0]["floors"] = 0
    d["ratings"][0]["score"] = 6
    with pytest.raises(steward.InvalidInputError) as info:
        steward.Estate.from_dict(d)
    assert [i["path"] for i in info.value.issues] == ["buildings[0].floors", "ratings[0].score"]
    assert info.value.message.endswith("(and 1 more issue)")


def test_personal_values_are_not_echoed() -> None:
    with pytest.raises(steward.InvalidInputError) as info:
        steward.Estate.from_json(
            '{"id": "e", "name": "n", "company": {"name": "c", "branch": "b"},'
            ' "residents": [{"id": "R1", "household": "H1", "name": "Wang", "phone": 13800000000, "role": "owner"}]}'
        )
    (issue,) = info.value.issues
    assert issue["path"] == "residents[0].phone"
    assert issue["value"] == "<redacted>"
    assert "13800000000" not in compact(info.value)


def test_to_dict_serialises_like_the_core_byte_for_byte() -> None:
    with pytest.raises(steward.InvalidInputError) as info:
        steward.Estate.from_json(NON_ASCII_DOC)
    assert compact(info.value) == NON_ASCII_JSON


def test_not_found() -> None:
    store = steward.Store.in_memory()
    with pytest.raises(steward.NotFoundError) as nf:
        store.load_estate("nowhere")
    assert str(nf.value) == 'estate "nowhere" not found'
    assert nf.value.to_dict() == {"kind": "not_found", "message": 'estate "nowhere" not found', "issues": []}
    with pytest.raises(LookupError):
        store.load_estate("nowhere")


def test_bad_ids_are_invalid_input() -> None:
    with pytest.raises(steward.InvalidInputError) as info:
        steward.Store.in_memory().load_estate("no spaces")
    assert info.value.issues[0]["code"] == "invalid_value"
    assert str(info.value) == (
        'invalid estate id: (document): invalid value: id "no spaces" contains \' \'; '
        "allowed are A-Z a-z 0-9 . _ : -"
    )


def test_storage_error_for_a_file_that_is_not_a_database(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are not the data you are looking for")
    with pytest.raises(steward.StorageError) as info:
        steward.Store(path)
    e = info.value
    assert isinstance(e, OSError)
    assert e.code == "storage" and e.issues == []
    assert "not a SQLite database" in str(e)
    assert e.errno is None
    assert path.read_text() == "these are not the data you are looking for"


def test_errors_pickle_with_their_details() -> None:
    with pytest.raises(steward.InvalidInputError) as info:
        steward.Estate.from_json("{")
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is steward.InvalidInputError
    assert copy.to_dict() == info.value.to_dict()
    assert copy.issues[0]["code"] == "syntax"


def test_errors_can_be_built_by_callers() -> None:
    e = steward.ConflictError("work order W1: cannot apply 'started' while closed")
    assert e.to_dict() == {
        "kind": "conflict",
        "message": "work order W1: cannot apply 'started' while closed",
        "issues": [],
    }
    assert repr(e) == "ConflictError(\"work order W1: cannot apply 'started' while closed\")"
    base = steward.StewardError("m", [{"path": "p", "value": "v", "code": "c", "message": "x"}], code="newer_kind")
    assert base.code == "newer_kind" and base.issues[0]["path"] == "p"
