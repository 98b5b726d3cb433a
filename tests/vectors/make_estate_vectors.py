#!/usr/bin/env python3
"""Writes tests/vectors/estate/*.json: each case is one change to base.json.

Run from anywhere: python3 tests/vectors/make_estate_vectors.py
Then bless the expected outcomes with the Rust suite (see README.md) and review them.
"""
import copy
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent / "estate"
BASE = json.loads((HERE / "base.json").read_text(encoding="utf-8"))


def doc(change):
    d = copy.deepcopy(BASE)
    change(d)
    return json.dumps(d, ensure_ascii=False, indent=1).encode("utf-8")


def setter(path, value):
    """A change that sets the value at a path such as ('households', 0, 'floor')."""
    def change(d):
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value
    return change


def deleter(path):
    def change(d):
        for k in path[:-1]:
            d = d[k]
        del d[path[-1]]
    return change


def many(*changes):
    def change(d):
        for c in changes:
            c(d)
    return change


def base_text():
    return (HERE / "base.json").read_bytes()


CASES = {
    # Accepted documents.
    "ok-minimal": json.dumps({"id": "tiny", "name": "Tiny", "company": {"name": "C", "branch": "B"}}).encode(),
    "ok-other-offset-and-basement": doc(many(setter(("utc_offset",), "-05:30"),
                                             setter(("households", 1, "floor"), -1))),
    "ok-unicode-names": doc(many(setter(("name",), "巴比伦·蓝钻"), setter(("buildings", 0, "name"), "1号楼"))),
    # Not JSON, or not UTF-8.
    "syntax-empty": b"",
    "syntax-truncated": base_text()[:200],
    "syntax-trailing-comma": b'{"id": "e", "name": "n", "company": {"name": "c", "branch": "b",}}',
    "syntax-trailing-garbage": b'{"id": "e", "name": "n", "company": {"name": "c", "branch": "b"}} {}',
    "utf8-invalid-byte": b'{"id": "e", "name": "Lotus \xff Court", "company": {"name": "c", "branch": "b"}}',
    # Wrong JSON types.
    "type-top-level-array": b"[]",
    "type-floors-string": doc(setter(("buildings", 0, "floors"), "six")),
    "type-score-float": doc(setter(("ratings", 0, "score"), 4.5)),
    "type-buildings-object": doc(setter(("buildings",), {"B1": {"name": "Building 1"}})),
    "type-id-number": doc(setter(("staff", 1, "id"), 2)),
    "type-party-member-string": doc(setter(("staff", 0, "party_member"), "yes")),
    "type-personal-phone-number": doc(setter(("residents", 0, "phone"), 13800000001)),
    # Negative counts.
    "value-negative-households-affected": doc(setter(("work_orders", 0, "households_affected"), -1)),
    "value-negative-floors": doc(setter(("buildings", 1, "floors"), -18)),
    # Unknown fields and enumeration values.
    "unknown-field-top-level": doc(setter(("colour",), "blue")),
    "unknown-field-building": doc(setter(("buildings", 0, "colour"), "red")),
    "unknown-field-in-location": doc(setter(("work_orders", 0, "location", "room"), "kitchen")),
    "unknown-field-in-event": doc(setter(("work_orders", 0, "events", 1, "priority"), "high")),
    "unknown-variant-tenure": doc(setter(("households", 0, "tenure"), "landlord")),
    "unknown-variant-hazard": doc(setter(("work_orders", 0, "hazards"), ["water_ingress", "lava"])),
    "unknown-variant-event-type": doc(setter(("work_orders", 1, "events", 0, "type"), "teleported")),
    "unknown-variant-weekday": doc(setter(("posts", 1, "coverage", 0, "weekdays"), ["monday", "funday"])),
    "unknown-variant-location-kind": doc(setter(("work_orders", 0, "location", "kind"), "flat")),
    # Missing and duplicated fields.
    "missing-estate-name": doc(deleter(("name",))),
    "missing-household-building": doc(deleter(("households", 2, "building"))),
    "missing-event-staff": doc(deleter(("work_orders", 0, "events", 1, "staff"))),
    "duplicate-field": b'{"id": "e", "name": "n", "name": "m", "company": {"name": "c", "branch": "b"}}',
    # Bad values.
    "value-timestamp-month-13": doc(setter(("work_orders", 2, "reported_at"), "2022-13-13T21:10:00+08:00")),
    "value-timestamp-without-offset": doc(setter(("work_orders", 2, "reported_at"), "2022-12-13T21:10:00")),
    "value-date-not-a-date": doc(setter(("operating_periods", 0, "from"), "10 April 2022")),
    "value-time-25h": doc(setter(("shift_types", 0, "start"), "25:00")),
    "value-utc-offset": doc(setter(("utc_offset",), "+8")),
    "value-id-with-space": doc(setter(("buildings", 0, "id"), "B 1")),
    "value-id-empty": doc(setter(("posts", 0, "id"), "")),
    # Rules across records.
    "rule-dangling-household-building": doc(setter(("households", 0, "building"), "B9")),
    "rule-dangling-resident-household": doc(setter(("residents", 3, "household"), "B2-9999")),
    "rule-dangling-assigned-staff": doc(setter(("work_orders", 0, "events", 1, "staff"), "S99")),
    "rule-dangling-follow-up": doc(setter(("work_orders", 1, "follow_up_of"), "W0")),
    "rule-duplicate-building-id": doc(setter(("buildings", 1, "id"), "B1")),
    "rule-floors-zero": doc(setter(("buildings", 0, "floors"), 0)),
    "rule-household-above-roof": doc(setter(("households", 1, "floor"), 7)),
    "rule-rating-score-6": doc(setter(("ratings", 0, "score"), 6)),
    "rule-rating-unresolved-order": doc(setter(("ratings", 0, "work_order"), "W2")),
    "rule-recommend-11": doc(setter(("survey_responses", 0, "recommend"), 11)),
    "rule-unknown-dimension": doc(setter(("survey_responses", 1, "scores", "elevators"), 3)),
    "rule-event-out-of-order": doc(setter(("work_orders", 0, "events", 2, "at"), "2022-12-14T07:46:00+08:00")),
    "rule-event-invalid-transition": doc(setter(("work_orders", 2, "events"), [{"type": "started", "at": "2022-12-14T08:00:00+08:00"}])),
    "rule-periods-overlap": doc(lambda d: d["operating_periods"].append(
        {"id": "lockdown-late", "mode": "closed_management", "from": "2022-04-25", "until": "2022-05-05"})),
    "rule-secretary-not-party-member": doc(setter(("company", "party_branch", "secretary"), "S2")),
    "rule-volunteer-post-closed": doc(setter(("volunteers", 0, "posts"), ["desk"])),
    "rule-resolved-without-resolution": doc(deleter(("meeting_items", 0, "resolution"))),
    "rule-blank-building-name": doc(setter(("buildings", 0, "name"), "   ")),
    "rule-survey-household-elsewhere": doc(setter(("survey_responses", 0, "building"), "B2")),
    "rule-break-longer-than-shift": doc(setter(("shift_types", 0, "break_minutes"), 720)),
    "rule-several-issues-at-once": doc(many(setter(("households", 0, "building"), "B9"),
                                            setter(("ratings", 0, "score"), 0),
                                            setter(("buildings", 1, "id"), "B1"))),
}


def expected_files():
    files = {"ok-base.json": base_text()}
    for name, body in CASES.items():
        files[f"{name}.json"] = body
    return files


def check():
    """Fails if the committed inputs differ from what this script writes."""
    want = expected_files()
    have = {p.name: p.read_bytes() for p in HERE.glob("*.json") if p.name != "base.json"}
    stale = sorted(n for n in want.keys() | have.keys() if want.get(n) != have.get(n))
    missing_out = sorted(n for n in want if not (HERE / n).with_suffix(".out").exists())
    if stale or missing_out:
        print("tests/vectors/estate is out of date; run tests/vectors/make_estate_vectors.py and bless:")
        for n in stale + missing_out:
            print("  ", n)
        sys.exit(1)
    print(f"{len(want)} estate vectors up to date")


def main():
    if "--check" in sys.argv[1:]:
        check()
        return
    for old in HERE.glob("*.out"):
        if not old.with_suffix(".json").exists() or old.stem == "base":
            old.unlink()
    for old in HERE.glob("*.json"):
        if old.name != "base.json":
            old.unlink()
    (HERE / "ok-base.json").write_bytes(base_text())
    for name, body in CASES.items():
        (HERE / f"{name}.json").write_bytes(body)
    print(f"wrote {len(CASES) + 1} cases to {HERE}")


if __name__ == "__main__":
    main()
