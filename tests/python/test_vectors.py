"""The shared vectors (tests/vectors/README.md): the cross-language contract.

For every ``tests/vectors/estate/<case>.json``, ``steward.Estate.from_json``
on the file's bytes must give what ``<case>.out`` says: ``ok``, or, byte for
byte, the error's compact JSON (``json.dumps(e.to_dict(), separators=(",", ":"),
ensure_ascii=False)``) — the same line the Rust and C suites check.
"""

from __future__ import annotations

import json
import pathlib
from typing import Callable, List, Tuple

import pytest

import steward
from repo import VECTORS

ENTRIES = {"estate": steward.Estate.from_json}


def cases(directory: pathlib.Path) -> List[Tuple[pathlib.Path, pathlib.Path]]:
    """The (input, expected) pairs of one entry, sorted.

    Raises:
        AssertionError: if there are none, or an input lacks its ``.out``.
    """
    found = sorted(directory.glob("*.json"))
    assert found, f"no vectors in {directory}"
    pairs = [(p, p.with_suffix(".out")) for p in found]
    missing = [str(out) for _, out in pairs if not out.is_file()]
    assert not missing, f"vectors without an expected outcome: {missing}"
    return pairs


def outcome(parse: Callable[[bytes], object], data: bytes) -> str:
    """``ok``, or the error's compact JSON, as the ``.out`` files write it."""
    try:
        parse(data)
    except steward.StewardError as e:
        return json.dumps(e.to_dict(), separators=(",", ":"), ensure_ascii=False)
    return "ok"


def expected(path: pathlib.Path) -> str:
    return path.read_text(encoding="utf-8").rstrip("\n")


ESTATE_CASES = cases(VECTORS / "estate")


def test_there_are_vectors() -> None:
    # The Rust suite asks for at least 30; an empty folder must never pass.
    assert len(ESTATE_CASES) >= 30


@pytest.mark.parametrize("case", ESTATE_CASES, ids=lambda c: c[0].stem)
def test_estate_vector_from_bytes(case: Tuple[pathlib.Path, pathlib.Path]) -> None:
    source, out = case
    assert outcome(steward.Estate.from_json, source.read_bytes()) == expected(out)


@pytest.mark.parametrize("case", ESTATE_CASES, ids=lambda c: c[0].stem)
def test_estate_vector_from_str(case: Tuple[pathlib.Path, pathlib.Path]) -> None:
    source, out = case
    data = source.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # A str cannot hold these bytes; the bytes test covers the case.
        assert json.loads(expected(out))["issues"][0]["code"] == "invalid_utf8"
        return
    assert outcome(lambda _: steward.Estate.from_json(text), data) == expected(out)


@pytest.mark.parametrize("case", ESTATE_CASES, ids=lambda c: c[0].stem)
def test_accepted_vectors_round_trip_through_dicts(
    case: Tuple[pathlib.Path, pathlib.Path],
) -> None:
    source, out = case
    if expected(out) != "ok":
        return
    estate = steward.Estate.from_json(source.read_bytes())
    assert steward.Estate.from_dict(estate.to_dict()) == estate
    assert steward.Estate.from_json(estate.to_json()) == estate


# The runner itself, on throwaway cases.


def test_runner_refuses_an_empty_folder(tmp_path: pathlib.Path) -> None:
    with pytest.raises(AssertionError, match="no vectors"):
        cases(tmp_path)


def test_runner_refuses_a_case_without_outcome(tmp_path: pathlib.Path) -> None:
    (tmp_path / "a.json").write_text("{}")
    with pytest.raises(AssertionError, match="without an expected outcome"):
        cases(tmp_path)


def test_runner_reads_ok_and_error_cases(tmp_path: pathlib.Path) -> None:
    (tmp_path / "good.json").write_text(
        '{"id": "e", "name": "E", "company": {"name": "C", "branch": "B"}}'
    )
    (tmp_path / "good.out").write_text("ok\n")
    (tmp_path / "bad.json").write_bytes(b'{"id": "\xff"}')
    (tmp_path / "bad.out").write_text(
        '{"kind":"invalid_input","message":"invalid estate: (document): document is not '
        'valid UTF-8 (invalid byte at offset 8)","issues":[{"path":"","value":"byte 8",'
        '"code":"invalid_utf8","message":"document is not valid UTF-8 (invalid byte at '
        'offset 8)"}]}\n'
    )
    pairs = cases(tmp_path)
    assert [p.stem for p, _ in pairs] == ["bad", "good"]
    for source, out in pairs:
        assert outcome(steward.Estate.from_json, source.read_bytes()) == expected(out)
    # A wrong expectation is noticed.
    assert outcome(steward.Estate.from_json, b"{}") != "ok"


def all_cases() -> List[Tuple[str, pathlib.Path, pathlib.Path]]:
    """Every vector of every entry point, as (entry, input, expected)."""
    folders = sorted(p for p in VECTORS.iterdir() if p.is_dir())
    assert sorted(f.name for f in folders) == sorted(steward.ENTRIES), (
        "every entry point has a vector folder and every folder an entry point"
    )
    return [(f.name, i, o) for f in folders for i, o in cases(f)]


def call_outcome(entry: str, data: bytes) -> str:
    """The response, or the error's compact JSON."""
    try:
        return steward.call(entry, data)
    except steward.StewardError as e:
        return json.dumps(e.to_dict(), separators=(",", ":"), ensure_ascii=False)


@pytest.mark.parametrize("case", all_cases(), ids=lambda c: f"{c[0]}/{c[1].stem}")
def test_every_vector_through_call(case: Tuple[str, pathlib.Path, pathlib.Path]) -> None:
    entry, source, out = case
    got = call_outcome(entry, source.read_bytes())
    want = expected(out)
    if want == "ok":
        assert not got.startswith('{"kind":'), got
    else:
        assert got == want


def test_unknown_entry_is_not_found() -> None:
    with pytest.raises(steward.NotFoundError, match='no document entry point named "horoscope"'):
        steward.call("horoscope", "{}")
    with pytest.raises(TypeError):
        steward.call("estate", 42)  # type: ignore[arg-type]
