#!/usr/bin/env python3
"""Writes tests/vectors/satisfaction.score/*.json (score requests).

Run from anywhere: python3 tests/vectors/make_satisfaction_vectors.py [--check]
Then bless the expected outcomes with the Rust suite (see README.md) and
review them: a changed .out is a changed contract.

The "small" records are the hand-computed example of
core/src/satisfaction/tests.rs: three buildings (B1: 5, 4, 4; B2: 3, 2;
B3: 4, 4, 5, 1 on the overall scale), no decay, threshold 2.
"""
import copy
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent
HERE = ROOT / "satisfaction.score"
SCHEMA = "steward.satisfaction.score.request.v1"
AS_OF = "2022-12-31T00:00:00+08:00"
AT = "2022-12-05T10:00:00+08:00"


def rec(building, overall, recommend=None, cs=None, at=AT):
    r = {"at": at, "building": building, "overall": overall}
    if recommend is not None:
        r["recommend"] = recommend
    if cs is not None:
        r["scores"] = {"customer_service": cs}
    return r


SMALL = [
    rec("B1", 5, 10, 5),
    rec("B1", 4, 9, 4),
    rec("B1", 4, 6, 3),
    rec("B2", 3, 7),
    rec("B2", 2, 3),
    rec("B3", 4, 8),
    rec("B3", 4, 10),
    rec("B3", 5, 10),
    rec("B3", 1, 0),
]

CONFIG = {
    "dimensions": [{"id": "customer_service", "weight": 1}],
    "half_life_days": None,
    "anonymity_threshold": 2,
    "groupings": [{"by": ["building"]}],
    "trend": False,
}


def request(responses=SMALL, config=None, **extra):
    d = {"schema": SCHEMA, "as_of": AS_OF, "responses": copy.deepcopy(responses)}
    d["config"] = copy.deepcopy(CONFIG if config is None else config)
    d.update(extra)
    return d


def text(d):
    return json.dumps(d, ensure_ascii=False, indent=1).encode("utf-8")


def cases():
    out = {}
    out["ok-small-hand-computed"] = text(request())
    out["ok-complementary-suppression"] = text(
        request(config=dict(CONFIG, anonymity_threshold=3))
    )
    bad = copy.deepcopy(SMALL)
    bad[1]["overall"] = 42
    bad[2]["scores"]["customer_service"] = 5.5
    out["ok-exclude-out-of-scale"] = text(
        request(bad, config=dict(CONFIG, invalid_scores="exclude"))
    )
    out["reject-out-of-scale"] = text(request(bad))
    trend = [rec("B1", v, at="2022-11-10T10:00:00+08:00") for v in [3, 2, 4, 3, 3, 2]]
    trend += [rec("B1", v, at="2022-12-10T10:00:00+08:00") for v in [4, 5, 5, 3, 4]]
    out["ok-trend-welch"] = text(
        request(trend, config=dict(CONFIG, anonymity_threshold=5, trend=True))
    )
    base = json.loads((ROOT / "estate" / "base.json").read_text(encoding="utf-8"))
    out["ok-estate-base"] = text(
        {"schema": SCHEMA, "as_of": "2022-12-20T00:00:00+08:00", "estate": base,
         "config": {"anonymity_threshold": 1}}
    )
    out["schema-wrong-version"] = text(
        dict(request(), schema="steward.satisfaction.score.request.v0")
    )
    out["config-several-issues"] = text(
        request(config={"anonymity_threshold": 0, "confidence": 1.5,
                        "groupings": [{"by": ["building"], "parent": ["staff"]}]})
    )
    out["config-unknown-field"] = text(request(config={"anonymity": 5}))
    unknown = copy.deepcopy(SMALL)
    unknown[0]["colour"] = "blue"
    out["response-unknown-field"] = text(request(unknown))
    dangling = copy.deepcopy(SMALL)
    dangling[0]["work_order"] = "W404"
    out["response-dangling-work-order"] = text(request(dangling))
    estate = copy.deepcopy(base)
    estate["ratings"][0]["score"] = 6
    out["estate-invalid-rating"] = text(
        {"schema": SCHEMA, "as_of": "2022-12-20T00:00:00+08:00", "estate": estate}
    )
    out["missing-as-of"] = json.dumps({"schema": SCHEMA}).encode()
    out["syntax-truncated"] = text(request())[:200]
    out["utf8-invalid-byte"] = b'{"schema": "steward.satisfaction.score.request.v1", "as_of": "\xff"}'
    return out


def main():
    check = "--check" in sys.argv
    HERE.mkdir(exist_ok=True)
    stale = []
    for name, data in sorted(cases().items()):
        path = HERE / f"{name}.json"
        if check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(path.name)
        else:
            path.write_bytes(data)
    if stale:
        print("stale:", ", ".join(stale), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
