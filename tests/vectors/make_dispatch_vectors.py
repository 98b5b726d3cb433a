#!/usr/bin/env python3
"""Writes tests/vectors/dispatch.*/*.json: dispatch requests about the shared
base estate (tests/vectors/estate/base.json, "Lotus Court"), good and bad.

Run from anywhere: python3 tests/vectors/make_dispatch_vectors.py [--check]
Then bless the expected outcomes with the Rust suite (see README.md) and
review them: a response `.out` is the exact response document.
"""
import copy
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent
BASE = json.loads((ROOT / "estate" / "base.json").read_text(encoding="utf-8"))
AS_OF = "2022-12-14T10:30:00+08:00"


def schema(verb):
    return f"steward.dispatch.{verb}.request.v1"


def request(verb, estate=True, **fields):
    d = {"schema": schema(verb)}
    if estate:
        d["estate"] = copy.deepcopy(BASE)
    d["as_of"] = AS_OF
    d.update(fields)
    return d


def without(d, *keys):
    d = copy.deepcopy(d)
    for k in keys:
        del d[k]
    return d


def changed(d, fn):
    d = copy.deepcopy(d)
    fn(d)
    return d


def drop_w2(d):
    d["estate"]["work_orders"] = [o for o in d["estate"]["work_orders"] if o["id"] != "W2"]


def dangling_household(d):
    d["estate"]["households"][0]["building"] = "B9"


NEW_LEAK = {
    "id": "W9",
    "category": "plumbing",
    "location": {"kind": "household", "household": "B2-1201"},
    "reported_at": "2022-12-14T10:20:00+08:00",
    "reported_by": {"kind": "resident", "resident": "R3"},
    "channel": "wechat",
    "description": "Water coming through the bathroom ceiling",
    "hazards": ["water_ingress"],
}

ON_SHIFT = [{"staff": "S2"}, {"staff": "S3"}, {"staff": "S1"}]

CASES = {
    "dispatch.rank": {
        "lotus-court": request("rank"),
        "limit-and-policy": request(
            "rank", limit=1, policy={"name": "faster-ageing", "ageing": {"points_per_hour": 4}}
        ),
        "round-clock-p4": request(
            "rank", policy={"classes": {"P4": {"clock": "round_clock", "respond_minutes": 60}}}
        ),
        "bad-schema": changed(request("rank"), lambda d: d.update(schema="steward.dispatch.rank.request.v2")),
        "bad-policy": request("rank", policy={"classes": {"P1": {"respond_minutes": 0}}}),
        "unknown-policy-field": request("rank", policy={"ageing": {"per_hour": 2}}),
        "bad-estate": changed(request("rank"), dangling_household),
        "missing-as-of": without(request("rank"), "as_of"),
        "bad-as-of": request("rank", as_of="2022-12-14 10:30"),
        "no-estate": request("rank", estate=False),
        "unknown-field": request("rank", colour="blue"),
        "not-json": b'{"schema": "steward.dispatch.rank.request.v1", ',
    },
    "dispatch.assign": {
        "lotus-court": request("assign", on_shift=ON_SHIFT),
        "explicit-orders": request(
            "assign",
            orders=["W3", "W2"],
            on_shift=[{"staff": "S3", "building": "B2", "load": 1, "capacity": 2}, {"staff": "S2"}],
        ),
        "nobody-qualified": request("assign", on_shift=[{"staff": "S1"}]),
        "unknown-staff": request("assign", on_shift=[{"staff": "S2"}, {"staff": "S9"}, {"staff": "S2"}]),
        "closed-order": request("assign", on_shift=ON_SHIFT, orders=["W1"]),
        "missing-on-shift": request("assign"),
        "bad-capacity": request("assign", on_shift=[{"staff": "S2", "capacity": "two"}]),
        "unknown-building": request("assign", on_shift=[{"staff": "S2", "building": "B7"}]),
    },
    "dispatch.candidates": {
        "order-id": request("candidates", on_shift=ON_SHIFT, order_id="W3"),
        "new-leak": request("candidates", on_shift=[{"staff": "S2", "building": "B2"}, {"staff": "S3"}], order=NEW_LEAK),
        "both": request("candidates", on_shift=ON_SHIFT, order_id="W3", order=NEW_LEAK),
        "neither": request("candidates", on_shift=ON_SHIFT),
        "unknown-order": request("candidates", on_shift=ON_SHIFT, order_id="W7"),
        "new-order-dangling": request(
            "candidates",
            on_shift=ON_SHIFT,
            order=changed(NEW_LEAK, lambda o: o["location"].update(household="B2-9999")),
        ),
        "new-order-bad-category": request(
            "candidates", on_shift=ON_SHIFT, order=changed(NEW_LEAK, lambda o: o.update(category="roof"))
        ),
    },
    "dispatch.follow_ups": {
        "lotus-court": request("follow_ups"),
        "without-the-inspection": changed(request("follow_ups"), drop_w2),
        "rules-off": changed(
            request(
                "follow_ups",
                policy={"follow_ups": {"backflow_inspection": {"enabled": False}}},
            ),
            drop_w2,
        ),
        "bad-window": request(
            "follow_ups", policy={"follow_ups": {"repeat_fault_inspection": {"window_days": 0}}}
        ),
        "bad-schema": changed(request("follow_ups"), lambda d: d.update(schema=schema("rank"))),
        "array": b"[]",
    },
    "dispatch.lsa": {
        "scipy-example": {"schema": schema("lsa"), "cost": [[4, 1, 3], [2, 0, 5], [3, 2, 2]]},
        "rectangular-maximize": {
            "schema": schema("lsa"),
            "cost": [[1, 9, 2], [8, 3, 7]],
            "maximize": True,
        },
        "tall-with-forbidden": {
            "schema": schema("lsa"),
            "cost": [[None, 2.5], [1.5, None], [0.25, 4]],
        },
        "empty": {"schema": schema("lsa"), "cost": []},
        "infeasible": {"schema": schema("lsa"), "cost": [[1, None], [2, None]]},
        "ragged": {"schema": schema("lsa"), "cost": [[1, 2], [3]]},
        "string-entry": {"schema": schema("lsa"), "cost": [[1, "2"]]},
        "bad-schema": {"schema": "steward.dispatch.lsa.request", "cost": [[1]]},
        "not-utf8": b'{"schema": "steward.dispatch.lsa.request.v1", "cost": [[1]], "note": "\xff"}',
    },
}


def encode(doc):
    if isinstance(doc, bytes):
        return doc
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for entry, cases in CASES.items():
        folder = ROOT / entry
        folder.mkdir(exist_ok=True)
        for name, doc in cases.items():
            path = folder / f"{name}.json"
            data = encode(doc)
            if check:
                if not path.is_file() or path.read_bytes() != data:
                    stale.append(str(path))
            else:
                path.write_bytes(data)
    if stale:
        print("stale dispatch vectors (run make_dispatch_vectors.py):", *stale, sep="\n  ")
        sys.exit(1)


if __name__ == "__main__":
    main()
