//! Tests of the dispatch engine on the demo estate and on hand-built cases:
//! one per named rule, the two the issue asks for by name, and properties.

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset, TimeDelta};
use proptest::prelude::*;

use super::*;
use crate::{
    CareNeed, Category, Estate, Hazard, HoldReason, Location, WorkOrder, WorkOrderEvent,
    WorkOrderId, demo,
};

fn now() -> DateTime<FixedOffset> {
    demo::now()
}

/// A small estate: two buildings; households with and without care needs;
/// a party-branch secretary, a supervisor and a plumber; optionally closed
/// management around `now`.
fn estate(closed: bool) -> Estate {
    let period = if closed {
        r#", "operating_periods": [{"id": "C1", "mode": "closed_management", "from": "2022-12-01", "until": "2022-12-31"}]"#
    } else {
        ""
    };
    Estate::from_json(&format!(
        r#"{{"id": "t", "name": "T", "company": {{"name": "C", "branch": "B",
          "party_branch": {{"name": "P", "secretary": "S1"}}}},
        "buildings": [{{"id": "B1", "name": "1", "floors": 18}}, {{"id": "B2", "name": "2", "floors": 6}}],
        "households": [
          {{"id": "H-plain", "building": "B1", "unit": "0101", "floor": 1, "tenure": "owner"}},
          {{"id": "H-elder", "building": "B1", "unit": "1202", "floor": 12, "tenure": "owner", "care_needs": ["elderly_alone"]}},
          {{"id": "H-many", "building": "B2", "unit": "0301", "floor": 3, "tenure": "owner",
            "care_needs": ["infant", "medical_need", "disability", "pregnancy", "elderly_alone"]}}],
        "staff": [
          {{"id": "S1", "name": "A", "role": "manager", "party_member": true}},
          {{"id": "S2", "name": "B", "role": "supervisor", "skills": ["plumbing", "electrical"]}},
          {{"id": "S3", "name": "C", "role": "plumber", "skills": ["plumbing"], "base_building": "B1"}}]
        {period}}}"#
    ))
    .unwrap()
}

#[derive(Debug, Clone)]
struct O {
    id: &'static str,
    category: Category,
    household: Option<&'static str>,
    minutes_ago: i64,
    hazards: Vec<Hazard>,
    households: u32,
    events: Vec<WorkOrderEvent>,
}

impl O {
    fn new(id: &'static str, category: Category, minutes_ago: i64) -> O {
        O {
            id,
            category,
            household: Some("H-plain"),
            minutes_ago,
            hazards: Vec::new(),
            households: 1,
            events: Vec::new(),
        }
    }

    fn build(self) -> WorkOrder {
        let location = match self.household {
            Some(h) => Location::Household {
                household: crate::HouseholdId::new(h).unwrap(),
            },
            None => Location::CommonArea {
                name: "Car park".into(),
            },
        };
        WorkOrder {
            id: WorkOrderId::new(self.id).unwrap(),
            category: self.category,
            location,
            reported_at: now() - TimeDelta::minutes(self.minutes_ago),
            reported_by: crate::Reporter::Anonymous,
            channel: crate::Channel::Phone,
            description: "d".into(),
            hazards: self.hazards.into_iter().collect(),
            households_affected: self.households,
            follow_up_of: None,
            events: self.events,
        }
    }
}

fn at(minutes_ago: i64) -> DateTime<FixedOffset> {
    now() - TimeDelta::minutes(minutes_ago)
}

fn reasons(r: &RankedOrder<'_>) -> Vec<(&'static str, f64)> {
    r.reasons()
        .iter()
        .map(|x| (x.rule_id(), x.points()))
        .collect()
}

fn points(r: &RankedOrder<'_>, rule: &str) -> f64 {
    r.reasons()
        .iter()
        .filter(|x| x.rule_id() == rule)
        .map(Reason::points)
        .sum()
}

fn one(e: &Estate, o: WorkOrder, policy: &Policy) -> (Vec<(&'static str, f64)>, Class, f64, Sla) {
    let orders = [o];
    let r = rank_orders(e, &orders, policy, now()).unwrap();
    let x = &r.orders[0];
    (reasons(x), x.class, x.score, x.sla)
}

// ---------------------------------------------------------------------------
// The two tests the issue names.

/// The leaking kitchen with backflow in an elderly resident's flat outranks
/// every routine order (on the demo estate, at the demo's "now").
#[test]
fn the_leaking_kitchen_with_backflow_in_an_elderly_residents_flat_outranks_every_routine_order() {
    let estate = demo::estate();
    let policy = Policy::default();
    let ranking = rank(&estate, &policy, demo::now()).unwrap();
    let leak_id = WorkOrderId::new(demo::LEAK_ORDER).unwrap();
    let leak = ranking.position(&leak_id).unwrap();
    // The facts of the story.
    let household = estate.household(leak.order.household().unwrap()).unwrap();
    assert!(household.care_needs.contains(&CareNeed::ElderlyAlone));
    assert!(leak.order.hazards.contains(&Hazard::WaterIngress));
    assert_eq!(leak.class, Class::P1);
    let routine: Vec<_> = ranking
        .orders
        .iter()
        .filter(|o| o.order.hazards.is_empty() && matches!(o.class, Class::P3 | Class::P4))
        .collect();
    assert!(routine.len() >= 5, "the demo has routine orders open");
    for o in &routine {
        assert!(
            leak.rank < o.rank && leak.score > o.score,
            "{} ({}) does not outrank {} ({})",
            leak.order.id,
            leak.score,
            o.order.id,
            o.score
        );
    }
    assert_eq!(leak.rank, 1);
    // And it says why, in both languages.
    let ids: Vec<&str> = leak.reasons().iter().map(Reason::rule_id).collect();
    for id in [
        "priority_class",
        "hazard",
        "households_affected",
        "vulnerable_household",
        "waiting_time",
        "sla_pressure",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let all = leak.reasons();
    let vulnerable = all
        .iter()
        .find(|r| r.rule_id() == "vulnerable_household")
        .unwrap();
    assert_eq!(
        vulnerable.message(),
        "Vulnerable household: an elderly person living alone (+60)."
    );
    assert_eq!(vulnerable.message_zh(), "特殊关怀户：独居老人（+60）。");
    let sum: f64 = leak.reasons().iter().map(Reason::points).sum();
    assert!((sum - leak.score).abs() < 1e-6);
}

#[test]
fn every_queued_order_explains_its_score_and_place() {
    let estate = demo::estate();
    let policy = Policy::default();
    let ranking = rank(&estate, &policy, demo::now()).unwrap();
    assert!(ranking.orders.len() > 5);
    for (i, r) in ranking.orders.iter().enumerate() {
        assert_eq!(r.rank, i + 1);
        // The reasons are worked out again on demand: they still add up.
        let sum: f64 = r.reasons().iter().map(Reason::points).sum();
        assert!(
            (sum - r.score).abs() < 1e-6,
            "{}: {sum} vs {}",
            r.order.id,
            r.score
        );
        assert_eq!(r.class_name(), policy.classes[&r.class].name);
        assert_eq!(r.class_name_zh(), policy.classes[&r.class].name_zh);
    }
    for w in ranking.orders.windows(2) {
        assert!(
            w[0].score >= w[1].score,
            "{} before {}",
            w[0].order.id,
            w[1].order.id
        );
    }
}

fn arbitrary_order(id: &'static str) -> impl Strategy<Value = O> {
    let categories = [
        Category::Plumbing,
        Category::Electrical,
        Category::Gas,
        Category::Elevator,
        Category::Parking,
        Category::Complaint,
        Category::Delivery,
        Category::MedicalAssistance,
        Category::Inquiry,
        Category::Hygiene,
    ];
    let hazards = [
        Hazard::WaterIngress,
        Hazard::Electrical,
        Hazard::GasSmell,
        Hazard::ElevatorEntrapment,
        Hazard::FireSafety,
    ];
    (
        0usize..categories.len(),
        proptest::collection::btree_set(0usize..hazards.len(), 0..=5),
        0usize..4,
        1u32..300,
        0u32..4,
        any::<bool>(),
    )
        .prop_map(move |(c, hz, h, n, reopens, assigned)| {
            let mut o = O::new(id, categories[c], 0);
            o.hazards = hz.into_iter().map(|i| hazards[i]).collect();
            o.household = [Some("H-plain"), Some("H-elder"), Some("H-many"), None][h];
            o.households = n;
            // Reopenings (and an assignment) right after the report.
            let mut events = Vec::new();
            let mut k = 0;
            let mut next = || {
                k += 1;
                k
            };
            for _ in 0..reopens {
                events.push(("assigned", next()));
                events.push(("started", next()));
                events.push(("resolved", next()));
                events.push(("reopened", next()));
            }
            if assigned {
                events.push(("assigned", next()));
            }
            o.events = events
                .into_iter()
                .map(|(kind, m)| {
                    // Seconds after the report, stored as minutes since the
                    // epoch; `aged` moves them once the age is known.
                    let at = DateTime::from_timestamp(m * 60, 0).unwrap().fixed_offset();
                    match kind {
                        "assigned" => WorkOrderEvent::Assigned {
                            at,
                            staff: crate::StaffId::new("S3").unwrap(),
                        },
                        "started" => WorkOrderEvent::Started { at },
                        "resolved" => WorkOrderEvent::Resolved { at, note: None },
                        _ => WorkOrderEvent::Reopened { at, reason: None },
                    }
                })
                .collect();
            o
        })
}

/// Sets an order's age, moving its events (stored as offsets from the
/// report) to real times.
fn aged(mut o: O, minutes_ago: i64) -> WorkOrder {
    o.minutes_ago = minutes_ago;
    let reported = now() - TimeDelta::minutes(minutes_ago);
    let mut w = o.build();
    for e in &mut w.events {
        let offset = TimeDelta::seconds(e.at().timestamp());
        let t = reported + offset / 60; // one "minute" of offset = one second
        *e = match e.clone() {
            WorkOrderEvent::Assigned { staff, .. } => WorkOrderEvent::Assigned { at: t, staff },
            WorkOrderEvent::Started { .. } => WorkOrderEvent::Started { at: t },
            WorkOrderEvent::Resolved { note, .. } => WorkOrderEvent::Resolved { at: t, note },
            WorkOrderEvent::Reopened { reason, .. } => WorkOrderEvent::Reopened { at: t, reason },
            other => other,
        };
    }
    w
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Nothing starves under ageing: an order that has waited the policy's
    /// starvation bound longer than another outranks it, whatever either is
    /// (class, hazards, households, care needs, reopenings, closed
    /// management). So an order can only ever be overtaken by the finitely
    /// many orders reported before it or within the bound after it.
    #[test]
    fn nothing_starves_under_ageing(
        a in arbitrary_order("A"),
        b in arbitrary_order("B"),
        b_age in 0i64..(20 * 24 * 60),
        extra in 0i64..(5 * 24 * 60),
        closed in any::<bool>(),
        rate in 0.5f64..10.0,
    ) {
        let e = estate(closed);
        let mut policy = Policy::default();
        policy.ageing.points_per_hour = rate;
        let bound = (policy.starvation_bound_hours() * 60.0).ceil() as i64;
        let orders = [aged(a, b_age + bound + extra), aged(b, b_age)];
        let r = rank_orders(&e, &orders, &policy, now()).unwrap();
        let pos = |id: &str| r.orders.iter().position(|o| o.order.id.as_str() == id);
        // Both are open (reopened or assigned orders are still open).
        prop_assert_eq!(r.orders.len(), 2);
        prop_assert!(pos("A") < pos("B"), "A {:?} B {:?}", reasons(&r.orders[pos("A").unwrap()]), reasons(&r.orders[pos("B").unwrap()]));
    }

    /// Waiting never lowers a score (without holds).
    #[test]
    fn scores_never_fall_while_waiting(a in arbitrary_order("A"), age in 0i64..(10 * 24 * 60), later in 1i64..(3 * 24 * 60)) {
        let e = estate(false);
        let policy = Policy::default();
        let orders = [aged(a, age)];
        let s1 = rank_orders(&e, &orders, &policy, now()).unwrap().orders[0].score;
        let s2 = rank_orders(&e, &orders, &policy, now() + TimeDelta::minutes(later)).unwrap().orders[0].score;
        prop_assert!(s2 >= s1, "{} then {}", s1, s2);
    }

    /// The same orders in any order give the same ranking (ties by id).
    #[test]
    fn ranking_is_deterministic(seed in any::<u64>()) {
        let e = demo::estate();
        let policy = Policy::default();
        let mut orders = e.work_orders.clone();
        // A deterministic shuffle from the seed.
        let mut s = seed;
        for i in (1..orders.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            orders.swap(i, (s >> 33) as usize % (i + 1));
        }
        let a: Vec<String> = rank_orders(&e, &e.work_orders, &policy, now()).unwrap().orders.iter().map(|o| o.order.id.to_string()).collect();
        let b: Vec<String> = rank_orders(&e, &orders, &policy, now()).unwrap().orders.iter().map(|o| o.order.id.to_string()).collect();
        prop_assert_eq!(a, b);
    }
}

/// The same in a simulation: an emergency arrives every hour and one order
/// is served every hour; a parking complaint reported at the start is still
/// served, within the starvation bound.
#[test]
fn a_parking_complaint_is_served_even_when_an_emergency_arrives_every_hour() {
    let e = estate(false);
    let policy = Policy::default();
    let mut complaint = O::new("P", Category::Parking, 0);
    complaint.household = None;
    let start = now();
    let mut queue = vec![complaint.build()];
    let ids: Vec<String> = (0..2000).map(|h| format!("E{h}")).collect();
    let mut served_at = None;
    for hour in 0..2000i64 {
        let t = start + TimeDelta::hours(hour);
        let mut emergency = O::new("X", Category::Gas, 0).build();
        emergency.id = WorkOrderId::new(ids[hour as usize].clone()).unwrap();
        emergency.hazards = BTreeSet::from([Hazard::GasSmell]);
        emergency.reported_at = t;
        queue.push(emergency);
        let first = rank_orders(&e, &queue, &policy, t).unwrap().orders[0]
            .order
            .id
            .clone();
        if first.as_str() == "P" {
            served_at = Some(hour);
            break;
        }
        queue.retain(|o| o.id != first);
    }
    let served_at = served_at.expect("the complaint starved");
    assert!((served_at as f64) <= policy.starvation_bound_hours());
    // And not before the emergencies that came in meanwhile were more urgent.
    assert!(served_at > 24);
}

// ---------------------------------------------------------------------------
// One test per named rule.

#[test]
fn rule_priority_class_comes_from_the_matrix_and_hazards_raise_it() {
    let e = estate(false);
    let p = Policy::default();
    let (_, class, _, _) = one(&e, O::new("A", Category::Plumbing, 10).build(), &p);
    assert_eq!(class, Class::P3); // medium × medium
    let (_, class, _, _) = one(&e, O::new("A", Category::Inquiry, 10).build(), &p);
    assert_eq!(class, Class::P4); // low × low
    let mut o = O::new("A", Category::Elevator, 10);
    o.hazards = vec![Hazard::ElevatorEntrapment];
    let orders = [o.build()];
    let r = rank_orders(&e, &orders, &p, now()).unwrap();
    assert_eq!(r.orders[0].class, Class::P1);
    assert_eq!(
        r.orders[0].reasons()[0].message(),
        "Class P1 (Emergency, +400): lift is high impact and medium urgency (P2), raised to P1 because of people trapped in a lift."
    );
    assert_eq!(
        r.orders[0].reasons()[0].message_zh(),
        "优先级 P1（紧急，+400）：电梯为高影响、中紧急（P2），因“电梯困人”提升至 P1。"
    );
}

#[test]
fn rule_hazard_adds_each_hazards_points() {
    let e = estate(false);
    let mut o = O::new("A", Category::Electrical, 0);
    o.hazards = vec![Hazard::Electrical, Hazard::FireSafety];
    let (r, _, _, _) = one(&e, o.build(), &Policy::default());
    let hz: Vec<f64> = r.iter().filter(|x| x.0 == "hazard").map(|x| x.1).collect();
    assert_eq!(hz, [150.0, 300.0]);
}

#[test]
fn rule_households_affected_counts_beyond_the_first_up_to_the_cap() {
    let e = estate(false);
    let p = Policy::default();
    let mut o = O::new("A", Category::Plumbing, 0);
    o.households = 3;
    let (r, ..) = one(&e, o.build(), &p);
    assert!(r.contains(&("households_affected", 30.0)));
    let mut o = O::new("A", Category::Plumbing, 0);
    o.household = None;
    o.households = 3; // the estate has three households
    let (r, ..) = one(&e, o.build(), &p);
    assert!(r.contains(&("households_affected", 30.0)));
    let mut big = estate(false);
    let template = big.households[0].clone();
    big.households.extend((0..40).map(|i| {
        let mut h = template.clone();
        h.id = crate::HouseholdId::new(format!("X{i}")).unwrap();
        h
    }));
    let mut o = O::new("A", Category::Plumbing, 0);
    o.households = 40;
    let (r, ..) = one(&big, o.build(), &p);
    assert!(r.contains(&("households_affected", 150.0))); // 39 × 15 capped at 150
    let (r, ..) = one(&e, O::new("A", Category::Plumbing, 0).build(), &p);
    assert!(r.iter().all(|x| x.0 != "households_affected"));
}

#[test]
fn rule_vulnerable_household_sums_care_needs_up_to_the_cap() {
    let e = estate(false);
    let p = Policy::default();
    let mut o = O::new("A", Category::Plumbing, 0);
    o.household = Some("H-elder");
    let (r, ..) = one(&e, o.build(), &p);
    assert!(r.contains(&("vulnerable_household", 60.0)));
    let mut o = O::new("A", Category::Plumbing, 0);
    o.household = Some("H-many");
    let orders = [o.build()];
    let ranking = rank_orders(&e, &orders, &p, now()).unwrap();
    assert_eq!(points(&ranking.orders[0], "vulnerable_household"), 120.0);
    let msg = ranking.orders[0]
        .reasons()
        .iter()
        .find(|r| r.rule_id() == "vulnerable_household")
        .unwrap()
        .message();
    assert!(msg.ends_with("(+120, capped)."), "{msg}");
}

#[test]
fn rule_reopened_adds_points_per_reopening() {
    let e = estate(false);
    let mut o = O::new("A", Category::Electrical, 600);
    let s3 = crate::StaffId::new("S3").unwrap();
    o.events = vec![
        WorkOrderEvent::Assigned {
            at: at(590),
            staff: s3,
        },
        WorkOrderEvent::Started { at: at(580) },
        WorkOrderEvent::Resolved {
            at: at(570),
            note: None,
        },
        WorkOrderEvent::Reopened {
            at: at(60),
            reason: None,
        },
    ];
    let (r, _, _, sla) = one(&e, o.build(), &Policy::default());
    assert!(r.contains(&("reopened", 40.0)));
    // A new cycle: the response clock restarts at the reopening.
    assert_eq!(sla.cycle_start(), at(60));
    assert_eq!(sla.active(), Target::Respond);
    assert_eq!(sla.responded_at(), None);
}

#[test]
fn rule_waiting_time_is_linear_and_skips_holds() {
    let e = estate(false);
    let p = Policy::default();
    let (r, ..) = one(&e, O::new("A", Category::Inquiry, 90).build(), &p);
    assert!(r.contains(&("waiting_time", 3.0))); // 1.5 h × 2
    let mut o = O::new("A", Category::DoorsWindows, 90);
    o.events = vec![
        WorkOrderEvent::Assigned {
            at: at(85),
            staff: crate::StaffId::new("S3").unwrap(),
        },
        WorkOrderEvent::OnHold {
            at: at(60),
            reason: HoldReason::PartsOnOrder,
        },
    ];
    let (r, _, _, sla) = one(&e, o.build(), &p);
    assert!(r.contains(&("waiting_time", 1.0))); // 30 min before the hold
    assert!(sla.paused());
    assert_eq!(sla.time_left_minutes(), None);
}

#[test]
fn rule_sla_pressure_grows_with_the_used_target() {
    let e = estate(false);
    let p = Policy::default();
    // Gas: P1 round the clock, respond in 15 min. 6 min in: 40% → 60 points.
    let (r, class, _, sla) = one(&e, O::new("A", Category::Gas, 6).build(), &p);
    assert_eq!(class, Class::P1);
    assert!(r.contains(&("sla_pressure", 60.0)));
    assert_eq!(sla.respond_by(), Some(at(6) + TimeDelta::minutes(15)));
    assert_eq!(sla.time_left_minutes(), Some(9));
    assert_eq!(sla.risk(), Risk::OnTrack);
    // 30 min in: breached, capped at 150% → 225 points.
    let (r, _, _, sla) = one(&e, O::new("A", Category::Gas, 30).build(), &p);
    assert!(r.contains(&("sla_pressure", 225.0)));
    assert_eq!(sla.risk(), Risk::Breached);
    assert_eq!(sla.time_left_minutes(), Some(-15));
}

#[test]
fn rule_operating_mode_raises_deliveries_in_closed_management() {
    let p = Policy::default();
    let (r, class, ..) = one(
        &estate(false),
        O::new("A", Category::Delivery, 0).build(),
        &p,
    );
    assert_eq!(class, Class::P3);
    assert!(r.iter().all(|x| x.0 != "operating_mode"));
    let (r, class, ..) = one(
        &estate(true),
        O::new("A", Category::Delivery, 0).build(),
        &p,
    );
    assert_eq!(class, Class::P2);
    assert!(r.contains(&("operating_mode", 80.0)));
    let (_, class, ..) = one(
        &estate(true),
        O::new("A", Category::MedicalAssistance, 0).build(),
        &p,
    );
    assert_eq!(class, Class::P1);
}

#[test]
fn business_hours_and_round_clock_deadlines_differ() {
    let e = estate(false);
    let p = Policy::default();
    // Reported at 17:00: a P3 order's 4 business hours run 17:00-18:00 and
    // 08:00-11:00 the next day.
    let evening = DateTime::parse_from_rfc3339("2022-12-13T17:00:00+08:00").unwrap();
    let mut o = O::new("A", Category::Plumbing, 0).build();
    o.reported_at = evening;
    let orders = [o.clone()];
    let r = rank_orders(&e, &orders, &p, now()).unwrap();
    assert_eq!(r.orders[0].sla.clock(), ClockKind::BusinessHours);
    assert_eq!(
        r.orders[0].sla.respond_by(),
        DateTime::parse_from_rfc3339("2022-12-14T11:00:00+08:00").ok()
    );
    // The same policy with P3 round the clock: 21:00 the same evening.
    let round = Policy::from_json(r#"{"classes": {"P3": {"clock": "round_clock"}}}"#).unwrap();
    let r = rank_orders(&e, &orders, &round, now()).unwrap();
    assert_eq!(
        r.orders[0].sla.respond_by(),
        DateTime::parse_from_rfc3339("2022-12-13T21:00:00+08:00").ok()
    );
}

#[test]
fn holds_pause_and_resume_the_clock() {
    let e = estate(false);
    let p = Policy::from_json(r#"{"classes": {"P3": {"clock": "round_clock"}}}"#).unwrap();
    let s3 = crate::StaffId::new("S3").unwrap();
    // Reported 10 h ago, on site after 1 h, on hold for 5 h, resumed 4 h ago.
    let mut o = O::new("A", Category::Plumbing, 600);
    o.events = vec![
        WorkOrderEvent::Assigned {
            at: at(590),
            staff: s3,
        },
        WorkOrderEvent::Started { at: at(540) },
        WorkOrderEvent::OnHold {
            at: at(540),
            reason: HoldReason::AwaitingResident,
        },
        WorkOrderEvent::Resumed { at: at(240) },
    ];
    let (_, _, _, sla) = one(&e, o.build(), &p);
    // Resolve target 30 h of clock; 1 h + 4 h used; the 5 h hold is added.
    assert_eq!(sla.active(), Target::Resolve);
    assert_eq!(sla.clock_minutes_left(), 30 * 60 - 5 * 60);
    assert_eq!(sla.resolve_by(), Some(at(600) + TimeDelta::hours(35)));
}

#[test]
fn follow_up_orders_get_their_rules_class() {
    let estate = demo::estate();
    let policy = Policy::default();
    let ranking = rank(&estate, &policy, demo::now()).unwrap();
    let riser = ranking
        .position(&WorkOrderId::new(demo::LEAK_FOLLOW_UP).unwrap())
        .unwrap();
    assert_eq!(riser.class, Class::P2); // plumbing alone would be P3
    assert!(
        riser.reasons()[0]
            .message()
            .contains("follow_up_backflow_inspection")
    );
    assert_eq!(
        riser.sla.respond_by(),
        Some(riser.order.reported_at + TimeDelta::hours(2))
    );
}

// ---------------------------------------------------------------------------
// Escalation.

#[test]
fn escalation_notices_at_50_75_and_100_percent_with_recipients() {
    let mut e = estate(false);
    let mut o = O::new("A", Category::Gas, 20);
    o.hazards = vec![Hazard::GasSmell];
    let mut o = o.build();
    o.events = vec![WorkOrderEvent::Assigned {
        at: at(19),
        staff: crate::StaffId::new("S2").unwrap(),
    }];
    e.work_orders.push(o);
    let notices = escalations(&e, &Policy::default(), now()).unwrap();
    let respond: Vec<_> = notices
        .iter()
        .filter(|n| n.target == Target::Respond)
        .collect();
    let levels: Vec<u16> = respond.iter().map(|n| n.percent).collect();
    assert_eq!(levels, [50, 75, 100]);
    // 15 minutes: 50% at 7.5 min, 75% at 11.25 min (11 min 15 s), 100% at 15.
    assert_eq!(respond[0].due_at, Some(at(20) + TimeDelta::seconds(450)));
    let roles = |n: &Notice| {
        n.notify
            .iter()
            .map(|r| (r.role, r.staff.as_ref().map(|s| s.to_string())))
            .collect::<Vec<_>>()
    };
    let s = |x: &str| Some(x.to_owned());
    assert_eq!(roles(respond[0]), [(Recipient::Assignee, s("S2"))]);
    // P1 is an emergency class: the party-branch lead hears from 75%.
    assert_eq!(
        roles(respond[1]),
        [
            (Recipient::Assignee, s("S2")),
            (Recipient::Supervisor, s("S2")),
            (Recipient::PartyBranchLead, s("S1"))
        ]
    );
    assert_eq!(
        roles(respond[2]),
        [
            (Recipient::Assignee, s("S2")),
            (Recipient::Supervisor, s("S2")),
            (Recipient::Manager, s("S1")),
            (Recipient::PartyBranchLead, s("S1"))
        ]
    );
    assert!(
        respond[2]
            .message
            .contains("the response target is breached")
    );
    assert!(respond[2].message_zh.contains("响应时限已超"));
}

// ---------------------------------------------------------------------------
// Service times.

#[test]
fn service_times_leave_out_holds_and_follow_the_class_clock() {
    let s3 = crate::StaffId::new("S3").unwrap();
    // A P3 order (business hours 08:00-18:00) reported Tuesday 17:30, on
    // site Wednesday 08:30, on hold 09:00-13:00, resolved 14:00.
    let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
    let mut o = O::new("A", Category::Plumbing, 0).build();
    o.reported_at = t("2022-12-13T17:30:00+08:00");
    o.events = vec![
        WorkOrderEvent::Assigned {
            at: t("2022-12-13T17:40:00+08:00"),
            staff: s3,
        },
        WorkOrderEvent::Started {
            at: t("2022-12-14T08:30:00+08:00"),
        },
        WorkOrderEvent::OnHold {
            at: t("2022-12-14T09:00:00+08:00"),
            reason: HoldReason::PartsOnOrder,
        },
        WorkOrderEvent::Resumed {
            at: t("2022-12-14T13:00:00+08:00"),
        },
        WorkOrderEvent::Resolved {
            at: t("2022-12-14T14:00:00+08:00"),
            note: None,
        },
    ];
    let s = service_times(&o, &Policy::default());
    assert_eq!(s.class, Class::P3);
    assert_eq!(s.response_minutes, Some(15.0 * 60.0));
    assert_eq!(s.response_clock_minutes, Some(60.0)); // 17:30-18:00 + 08:00-08:30
    assert_eq!(s.resolution_clock_minutes, Some(30.0 + 60.0 + 60.0)); // minus the hold
    assert_eq!(s.on_hold_minutes, 240.0);
    assert_eq!(s.response_met, Some(true));
    assert_eq!(s.resolution_met, Some(true));
}

#[test]
fn the_demo_plan_sends_plumbers_to_plumbing_and_explains_itself() {
    let estate = demo::estate();
    let on: Vec<OnShift> = [
        "S01", "S02", "S04", "S06", "S07", "S08", "S10", "S13", "S20",
    ]
    .iter()
    .map(|s| OnShift::new(crate::StaffId::new(*s).unwrap()))
    .collect();
    let plan = assign(&estate, &Policy::default(), demo::now(), &on, None).unwrap();
    let policy = Policy::default();
    for a in &plan.assignments {
        let o = estate.work_order(&a.order).unwrap();
        let s = estate.staff_member(&a.staff).unwrap();
        if let Some(skill) = policy.categories[&o.category].skill {
            assert!(s.has_skill(skill), "{} to {}", a.order, a.staff);
        }
        let sum: f64 = a.reasons.iter().map(Reason::points).sum();
        assert!((sum - a.cost).abs() < 0.05, "{} vs {}", sum, a.cost);
    }
    assert!(
        plan.assignments
            .iter()
            .any(|a| a.order.as_str() == demo::LEAK_FOLLOW_UP)
    );
    let total: f64 = plan.assignments.iter().map(|a| a.cost).sum::<f64>()
        + plan.unassigned.iter().map(|u| u.cost).sum::<f64>();
    assert!((total - plan.objective).abs() < 0.1);
}
