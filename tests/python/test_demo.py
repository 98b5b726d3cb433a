"""The reference estate: the facts of the founding report (MISSION.md)."""

from __future__ import annotations

import steward


def test_demo_is_the_reference_estate(demo: steward.Estate) -> None:
    assert len(demo.buildings) == 9
    assert len(demo.households) >= 500
    assert len(demo.residents) >= 1000
    assert len(demo.staff) == 23
    assert demo.company.party_branch is not None
    secretary = demo.company.party_branch.secretary
    assert any(s.id == secretary and s.party_member for s in demo.staff)
    kinds = {v.kind for v in demo.volunteers}
    assert {"party_member", "student"} <= kinds
    assert any(p.mode == "closed_management" for p in demo.operating_periods)
    assert {"gate", "disinfection"} <= {p.kind for p in demo.posts}
    stakeholders = {s.kind for s in demo.stakeholders}
    assert {"community_office", "owners_committee", "police_liaison"} <= stakeholders


def test_demo_counts_match_the_inventory(demo: steward.Estate) -> None:
    inv = demo.inventory()
    for key in ["buildings", "households", "residents", "staff", "volunteers", "posts", "work_orders", "ratings", "survey_responses"]:
        assert inv[key] == len(getattr(demo, key)), key
    demo.validate()


def test_demo_is_deterministic(demo: steward.Estate) -> None:
    assert steward.demo_estate() == demo
    assert steward.demo_estate().to_json() == demo.to_json()


def test_demo_leak_story(demo: steward.Estate) -> None:
    # The kitchen pipe that leaked into the flat: someone sent the same day,
    # then the whole building's pipes inspected (a follow-up order).
    follow_ups = {w.follow_up_of: w for w in demo.work_orders if w.follow_up_of}
    leaks = [
        w
        for w in demo.work_orders
        if w.category == "plumbing" and "water_ingress" in w.hazards and w.id in follow_ups
    ]
    assert leaks
    leak = leaks[0]
    assert leak.location.kind == "household"
    sent = [e for e in leak.events if e.type == "assigned"]
    assert sent and sent[0].at.date() == leak.reported_at.date()
    inspection = follow_ups[leak.id]
    assert inspection.location.kind == "building"
    assert inspection.reported_at.date() == leak.reported_at.date()


def test_demo_survives_the_store(demo: steward.Estate) -> None:
    with steward.Store.in_memory() as store:
        store.save_estate(demo)
        assert store.load_estate(demo.id) == demo
        opened = store.open_work_orders(demo.id)
        assert len(opened) == demo.inventory()["open_work_orders"]
