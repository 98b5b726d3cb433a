#!/usr/bin/env python3
"""Writes the shared vectors of the roster entry points.

    python3 tests/vectors/make_roster_vectors.py          # (re)write the inputs
    python3 tests/vectors/make_roster_vectors.py --check  # fail if they are stale

Inputs only: the expected ``.out`` files are blessed by the Rust suite
(``STEWARD_BLESS=1 cargo test -p steward-core --test integration vectors``) and
read by a person before committing.

Every request embeds one small estate, Plum Garden: four security guards
(comprehensive hours; one a party member), a desk clerk and the manager
(standard hours; party members), a party-member volunteer who offered the gate
and the morning disinfection round every day from 06:00 to 20:00, and a
student who offered the gate at weekends. The gate is covered around the
clock (two people a shift in closed management, from Thursday 2022-04-14).
"""

from __future__ import annotations

import copy
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent

ESTATE = {
    "id": "plum-garden",
    "name": "Plum Garden",
    "company": {"name": "Example Property Co.", "branch": "Third branch"},
    "staff": [
        {"id": "G1", "name": "Guard One", "role": "security", "skills": ["gate_control", "disinfection"],
         "party_member": True, "hours_system": "comprehensive"},
        {"id": "G2", "name": "Guard Two", "role": "security", "skills": ["gate_control"],
         "hours_system": "comprehensive"},
        {"id": "G3", "name": "Guard Three", "role": "security", "skills": ["gate_control"],
         "hours_system": "comprehensive"},
        {"id": "G4", "name": "Guard Four", "role": "security", "skills": ["gate_control", "disinfection"],
         "hours_system": "comprehensive"},
        {"id": "C1", "name": "Clerk One", "role": "customer_service", "skills": ["customer_service"],
         "party_member": True},
        {"id": "M1", "name": "Manager One", "role": "manager", "skills": ["customer_service", "mediation"],
         "party_member": True},
    ],
    "volunteers": [
        {"id": "V1", "name": "Volunteer One", "kind": "party_member", "party_member": True,
         "skills": ["gate_control", "disinfection"], "posts": ["gate", "disinfection"],
         "availability": [{"from": "2022-04-01", "until": "2022-04-30", "start": "06:00", "end": "20:00"}]},
        {"id": "V2", "name": "Volunteer Two", "kind": "student", "skills": ["gate_control"], "posts": ["gate"],
         "availability": [{"from": "2022-04-01", "until": "2022-04-30", "weekdays": ["saturday", "sunday"],
                           "start": "08:00", "end": "20:00"}]},
    ],
    "shift_types": [
        {"id": "day", "name": "Day", "start": "08:00", "end": "20:00", "break_minutes": 60},
        {"id": "night", "name": "Night", "start": "20:00", "end": "08:00", "break_minutes": 60},
        {"id": "early", "name": "Early round", "start": "06:00", "end": "08:00"},
        {"id": "office", "name": "Office", "start": "08:30", "end": "17:30", "break_minutes": 60},
    ],
    "posts": [
        {"id": "gate", "name": "Gate", "kind": "gate", "required_skill": "gate_control", "volunteers_allowed": True,
         "coverage": [
             {"mode": "normal", "shift": "day", "headcount": 1},
             {"mode": "normal", "shift": "night", "headcount": 1},
             {"mode": "closed_management", "shift": "day", "headcount": 2},
             {"mode": "closed_management", "shift": "night", "headcount": 2},
         ]},
        {"id": "desk", "name": "Service desk", "kind": "service_desk", "required_skill": "customer_service",
         "coverage": [
             {"mode": "normal", "shift": "office", "headcount": 1,
              "weekdays": ["monday", "tuesday", "wednesday", "thursday", "friday"]},
             {"mode": "closed_management", "shift": "day", "headcount": 1},
         ]},
        {"id": "disinfection", "name": "Morning disinfection", "kind": "disinfection",
         "required_skill": "disinfection", "volunteers_allowed": True,
         "coverage": [{"mode": "closed_management", "shift": "early", "headcount": 1}]},
    ],
    "operating_periods": [
        {"id": "closed-2022-04", "mode": "closed_management", "from": "2022-04-14", "until": "2022-04-30"},
    ],
}

NORMAL_WEEK = {"from": "2022-04-04", "days": 7}
MIXED_WEEK = {"from": "2022-04-11", "days": 7}


def request(schema: str, horizon: dict, **extra: object) -> dict:
    r = {"schema": schema, "estate": copy.deepcopy(ESTATE), "horizon": dict(horizon)}
    r.update(extra)
    return r


SOLVE = "steward.roster.solve.request.v1"
EVALUATE = "steward.roster.evaluate.request.v1"
REPAIR = "steward.roster.repair.request.v1"
IMPORT = "steward.roster.nsp_import.request.v1"
LIMITS = {"moves": 30000}


def a(date: str, person: str, post: str, shift: str) -> dict:
    return {"date": date, "person": person, "post": post, "shift": shift}


# A published roster of the normal week (every gate shift and the desk covered).
PUBLISHED = [
    a("2022-04-04", "G1", "gate", "day"), a("2022-04-04", "G2", "gate", "night"), a("2022-04-04", "C1", "desk", "office"),
    a("2022-04-05", "G3", "gate", "day"), a("2022-04-05", "G2", "gate", "night"), a("2022-04-05", "C1", "desk", "office"),
    a("2022-04-06", "G1", "gate", "day"), a("2022-04-06", "G4", "gate", "night"), a("2022-04-06", "C1", "desk", "office"),
    a("2022-04-07", "G3", "gate", "day"), a("2022-04-07", "G4", "gate", "night"), a("2022-04-07", "M1", "desk", "office"),
    a("2022-04-08", "G1", "gate", "day"), a("2022-04-08", "G2", "gate", "night"), a("2022-04-08", "C1", "desk", "office"),
    a("2022-04-09", "G3", "gate", "day"), a("2022-04-09", "G4", "gate", "night"),
    a("2022-04-10", "V2", "gate", "day"), a("2022-04-10", "G2", "gate", "night"),
]

NSP_TINY = (
    "# A tiny instance in the Curtois-Qu format\n"
    "SECTION_HORIZON\n7\n\n"
    "SECTION_SHIFTS\nD,480,\nN,720,D\n\n"
    "SECTION_STAFF\nA,D=7|N=2,3360,960,5,1,1,1\nB,D=7|N=0,2400,0,4,1,1,1\n\n"
    "SECTION_DAYS_OFF\nB,6\n\n"
    "SECTION_SHIFT_ON_REQUESTS\nA,0,D,2\n\n"
    "SECTION_SHIFT_OFF_REQUESTS\nB,1,D,1\n\n"
    "SECTION_COVER\n0,D,1,100,1\n1,D,1,100,1\n2,N,1,100,1\n3,D,-0,100,1\n"
)


def cases() -> dict:
    out: dict = {}
    # -- roster.solve -------------------------------------------------------
    s = out.setdefault("roster.solve", {})
    s["normal-week"] = request(SOLVE, NORMAL_WEEK, limits=LIMITS, seed=7,
                               requests=[{"person": "G1", "date": "2022-04-09", "kind": "off", "weight": 3}],
                               leave=[{"person": "G3", "from": "2022-04-06", "until": "2022-04-07", "kind": "annual"}])
    s["closed-management"] = request(SOLVE, MIXED_WEEK, limits=LIMITS, seed=7)
    s["pinned"] = request(SOLVE, NORMAL_WEEK, limits=LIMITS, seed=11,
                          pinned=[a("2022-04-04", "G4", "gate", "night")],
                          config={"rules": {"volunteer_shift": {"weight": 50}, "overtime": {"level": "off"}}})
    s["bad-schema"] = request("steward.roster.solve.request.v9", NORMAL_WEEK)
    s["dangling-references"] = request(
        SOLVE, NORMAL_WEEK,
        leave=[{"person": "Z9", "from": "2022-04-05", "until": "2022-04-05", "kind": "sick"}],
        requests=[{"person": "G1", "date": "2022-04-05", "kind": "on", "shift": "noon"}],
        contracts=[{"id": "c1", "staff": ["G1", "V1"], "max_shifts": {"night": 2}}])
    s["unknown-rule"] = request(SOLVE, NORMAL_WEEK, config={"rules": {"coffee_breaks": {"weight": 1}}})
    s["zero-days"] = request(SOLVE, {"from": "2022-04-04", "days": 0})
    s["not-utf8"] = b'{"schema": "steward.roster.solve.request.v1", "estate": "\xff"}'
    s["assignments-given"] = request(SOLVE, NORMAL_WEEK, assignments=PUBLISHED[:1])
    # -- roster.evaluate ----------------------------------------------------
    e = out.setdefault("roster.evaluate", {})
    e["published"] = request(EVALUATE, NORMAL_WEEK, assignments=PUBLISHED)
    broken = PUBLISHED + [
        a("2022-04-05", "G1", "gate", "night"),      # second shift for nobody: G1 is free; fine
        a("2022-04-06", "G1", "gate", "night"),      # G1 already works the day: one_shift_per_day
        a("2022-04-07", "C1", "gate", "day"),        # lacks gate_control
        a("2022-04-07", "V1", "desk", "office"),     # volunteer did not offer the desk
    ]
    e["violations"] = request(EVALUATE, NORMAL_WEEK, assignments=broken,
                              leave=[{"person": "G2", "from": "2022-04-08", "until": "2022-04-08", "kind": "sick"}])
    e["unknown-post"] = request(EVALUATE, NORMAL_WEEK, assignments=[a("2022-04-04", "G1", "roof", "day")])
    e["outside-horizon"] = request(EVALUATE, NORMAL_WEEK, assignments=[a("2022-05-04", "G1", "gate", "day")])
    e["missing-horizon"] = {"schema": EVALUATE, "estate": copy.deepcopy(ESTATE)}
    e["syntax"] = b'{"schema": "steward.roster.evaluate.request.v1", "estate": {'
    # -- roster.repair ------------------------------------------------------
    r = out.setdefault("roster.repair", {})
    r["sick-from-wednesday"] = request(REPAIR, NORMAL_WEEK, assignments=PUBLISHED, limits=LIMITS, seed=3,
                                       disruptions=[{"kind": "sickness", "person": "G1", "from": "2022-04-06"}])
    r["lockdown-from-thursday"] = request(REPAIR, NORMAL_WEEK, assignments=PUBLISHED, limits=LIMITS, seed=3,
                                          disruptions=[{"kind": "lockdown", "from": "2022-04-07"}])
    r["no-disruptions"] = request(REPAIR, NORMAL_WEEK, assignments=PUBLISHED)
    r["sick-stranger"] = request(REPAIR, NORMAL_WEEK, assignments=PUBLISHED,
                                 disruptions=[{"kind": "sickness", "person": "X1", "from": "2022-04-06"},
                                              {"kind": "lockdown", "from": "2022-04-09", "until": "2022-04-08"}])
    r["unknown-kind"] = request(REPAIR, NORMAL_WEEK, assignments=PUBLISHED,
                                disruptions=[{"kind": "flood", "from": "2022-04-06"}])
    # -- roster.nsp_import --------------------------------------------------
    n = out.setdefault("roster.nsp_import", {})
    n["tiny"] = {"schema": IMPORT, "name": "Tiny", "text": NSP_TINY}
    n["tiny-crlf"] = {"schema": IMPORT, "name": "Tiny", "text": NSP_TINY.replace("\n", "\r\n")}
    n["bad-number"] = {"schema": IMPORT, "name": "Bad", "text": NSP_TINY.replace("A,0,D,2", "A,zero,D,2")}
    n["unknown-employee"] = {"schema": IMPORT, "name": "Bad", "text": NSP_TINY.replace("B,6", "Q,6")}
    n["missing-cover"] = {"schema": IMPORT, "name": "Bad", "text": NSP_TINY.split("SECTION_COVER")[0]}
    n["bad-schema"] = {"schema": "steward.nsp.v1", "name": "Tiny", "text": NSP_TINY}
    return out


def render(doc: object) -> bytes:
    if isinstance(doc, bytes):
        return doc
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def main() -> int:
    check = "--check" in sys.argv[1:]
    stale = []
    for entry, docs in cases().items():
        folder = HERE / entry
        folder.mkdir(exist_ok=True)
        for name, doc in docs.items():
            path = folder / f"{name}.json"
            data = render(doc)
            if check:
                if not path.is_file() or path.read_bytes() != data:
                    stale.append(str(path))
            else:
                path.write_bytes(data)
    if stale:
        print("stale roster vectors (run make_roster_vectors.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
