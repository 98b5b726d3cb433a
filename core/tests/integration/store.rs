use std::path::Path;

use proptest::prelude::*;
use steward::{
    Error, ErrorKind, Estate, EstateId, Filter, IssueCode, Store, WorkOrderEvent, WorkOrderId,
    WorkOrderStatus,
};

use crate::base_estate;

fn t(s: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap()
}

fn wid(s: &str) -> WorkOrderId {
    WorkOrderId::new(s).unwrap()
}

fn kind(r: Result<impl std::fmt::Debug, Error>) -> (ErrorKind, String) {
    let e = r.unwrap_err();
    (e.kind(), e.message().to_owned())
}

#[test]
fn round_trip_in_memory_and_on_disk() {
    let estate = base_estate();
    let mut mem = Store::open_in_memory().unwrap();
    mem.save_estate(&estate).unwrap();
    assert_eq!(mem.load_estate(&estate.id).unwrap(), estate);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.db");
    {
        let mut store = Store::open(&path).unwrap();
        store.save_estate(&estate).unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), steward::SCHEMA_VERSION);
    assert_eq!(store.estate_ids().unwrap(), vec![estate.id.clone()]);
    assert_eq!(store.load_estate(&estate.id).unwrap(), estate);
    let mode: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn saving_twice_is_idempotent_and_facts_are_replaced() {
    let mut estate = base_estate();
    let mut store = Store::open_in_memory().unwrap();
    store.save_estate(&estate).unwrap();
    store.save_estate(&estate).unwrap();
    estate.buildings[0].name = "Building One".into();
    estate.staff.pop();
    store.save_estate(&estate).unwrap();
    assert_eq!(store.load_estate(&estate.id).unwrap(), estate);
}

#[test]
fn unknown_estate_is_not_found() {
    let store = Store::open_in_memory().unwrap();
    let (k, m) = kind(store.load_estate(&EstateId::new("nowhere").unwrap()));
    assert_eq!(k, ErrorKind::NotFound);
    assert_eq!(m, "estate \"nowhere\" not found");
}

#[test]
fn invalid_estate_writes_nothing() {
    let mut estate = base_estate();
    estate.households[0].floor = 99;
    let mut store = Store::open_in_memory().unwrap();
    let err = store.save_estate(&estate).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.issues()[0].path, "households[0].floor");
    assert!(store.estate_ids().unwrap().is_empty());
}

fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn a_text_file_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, "x".repeat(4096)).unwrap();
    let (k, m) = kind(Store::open(&path));
    assert_eq!(k, ErrorKind::Storage);
    assert!(
        m.ends_with("is not a Steward database: it is not a SQLite database"),
        "{m}"
    );
    assert_eq!(bytes(&path), "x".repeat(4096).into_bytes());
}

#[test]
fn another_applications_database_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TABLE invoices (id INTEGER PRIMARY KEY); INSERT INTO invoices VALUES (7);",
        )
        .unwrap();
    }
    let before = bytes(&path);
    let (k, m) = kind(Store::open(&path));
    assert_eq!(k, ErrorKind::Storage);
    assert!(m.contains("of another application"), "{m}");
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_newer_schema_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    {
        let mut s = Store::open(&path).unwrap();
        s.save_estate(&base_estate()).unwrap();
    }
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
    }
    let before = bytes(&path);
    let (k, m) = kind(Store::open(&path));
    assert_eq!(k, ErrorKind::Storage);
    assert!(
        m.ends_with(&format!(
            "was written by a newer Steward (schema version 99; this library reads up to {}); it was not modified",
            steward::SCHEMA_VERSION
        )),
        "{m}"
    );
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_directory_is_a_storage_error() {
    let dir = tempfile::tempdir().unwrap();
    let (k, _) = kind(Store::open(dir.path()));
    assert_eq!(k, ErrorKind::Storage);
}

#[test]
fn records_are_never_dropped_or_rewritten_by_a_save() {
    let estate = base_estate();
    let mut store = Store::open_in_memory().unwrap();
    store.save_estate(&estate).unwrap();

    let mut dropped = estate.clone();
    dropped.work_orders.retain(|w| w.id.as_str() != "W3");
    let (k, m) = kind(store.save_estate(&dropped));
    assert_eq!(k, ErrorKind::Conflict);
    assert_eq!(
        m,
        "saving estate \"lotus-court\" would drop stored work order \"W3\"; stored records are never deleted"
    );

    let mut rewritten = estate.clone();
    rewritten.work_orders[0].events[3] = WorkOrderEvent::Resolved {
        at: t("2022-12-14T09:31:00+08:00"),
        note: None,
    };
    let (k, m) = kind(store.save_estate(&rewritten));
    assert_eq!(k, ErrorKind::Conflict);
    assert!(
        m.contains("would rewrite the stored history of work order \"W1\""),
        "{m}"
    );

    let mut rerated = estate.clone();
    rerated.ratings[0].score = 1;
    let (k, m) = kind(store.save_estate(&rerated));
    assert_eq!(k, ErrorKind::Conflict);
    assert!(m.contains("would change stored rating \"RT1\""), "{m}");

    let mut unsurveyed = estate.clone();
    unsurveyed.survey_responses.pop();
    assert_eq!(kind(store.save_estate(&unsurveyed)).0, ErrorKind::Conflict);

    // Nothing of the refused saves is visible.
    assert_eq!(store.load_estate(&estate.id).unwrap(), estate);
}

#[test]
fn a_save_may_append_events_and_edit_order_details() {
    let mut estate = base_estate();
    let mut store = Store::open_in_memory().unwrap();
    store.save_estate(&estate).unwrap();
    let w2 = estate
        .work_orders
        .iter_mut()
        .find(|w| w.id.as_str() == "W2")
        .unwrap();
    w2.events.push(WorkOrderEvent::Started {
        at: t("2022-12-14T10:30:00+08:00"),
    });
    w2.description.push_str(" (all 6 floors)");
    store.save_estate(&estate).unwrap();
    assert_eq!(store.load_estate(&estate.id).unwrap(), estate);
    let w2 = store.work_order(&estate.id, &wid("W2")).unwrap();
    assert_eq!(w2.status(), WorkOrderStatus::InProgress);
}

#[test]
fn append_event_follows_the_lifecycle() {
    let estate = base_estate();
    let id = estate.id.clone();
    let mut store = Store::open_in_memory().unwrap();
    store.save_estate(&estate).unwrap();

    let w3 = wid("W3");
    let (k, m) = kind(store.append_event(
        &id,
        &w3,
        &WorkOrderEvent::Started {
            at: t("2022-12-14T08:00:00+08:00"),
        },
    ));
    assert_eq!(k, ErrorKind::Conflict);
    assert_eq!(m, "work order W3: cannot apply 'started' while reported");

    let assign = WorkOrderEvent::Assigned {
        at: t("2022-12-14T08:00:00+08:00"),
        staff: steward::StaffId::new("S3").unwrap(),
    };
    assert_eq!(
        store.append_event(&id, &w3, &assign).unwrap(),
        WorkOrderStatus::Assigned
    );

    let early = WorkOrderEvent::Started {
        at: t("2022-12-14T07:00:00+08:00"),
    };
    let err = store.append_event(&id, &w3, &early).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.issues()[0].code, IssueCode::OutOfOrder);

    let ghost = WorkOrderEvent::Assigned {
        at: t("2022-12-14T09:00:00+08:00"),
        staff: steward::StaffId::new("S99").unwrap(),
    };
    let err = store.append_event(&id, &w3, &ghost).unwrap_err();
    assert_eq!(err.issues()[0].path, "staff");
    assert_eq!(err.issues()[0].code, IssueCode::DanglingReference);

    assert_eq!(
        kind(store.append_event(&id, &wid("W404"), &early)).0,
        ErrorKind::NotFound
    );

    let hold = WorkOrderEvent::OnHold {
        at: t("2022-12-14T09:00:00+08:00"),
        reason: steward::HoldReason::AwaitingResident,
    };
    assert_eq!(
        store.append_event(&id, &w3, &hold).unwrap(),
        WorkOrderStatus::OnHold
    );
    let loaded = store.work_order(&id, &w3).unwrap();
    assert_eq!(loaded.events, vec![assign, hold]);
    // The open-order query sees the new status.
    let open: Vec<_> = store.open_work_orders(&id, &Filter::default()).unwrap();
    assert_eq!(
        open.iter().map(|w| w.id.as_str()).collect::<Vec<_>>(),
        ["W3", "W2"]
    );
}

#[test]
fn events_are_append_only_in_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.db");
    Store::open(&path)
        .unwrap()
        .save_estate(&base_estate())
        .unwrap();
    let c = rusqlite::Connection::open(&path).unwrap();
    let upd = c
        .execute("UPDATE work_order_events SET at_us = 0", [])
        .unwrap_err();
    assert!(upd.to_string().contains("append-only"), "{upd}");
    let del = c.execute("DELETE FROM work_order_events", []).unwrap_err();
    assert!(del.to_string().contains("append-only"), "{del}");
}

#[test]
fn add_work_order_checks_references_and_ids() {
    let estate = base_estate();
    let id = estate.id.clone();
    let mut store = Store::open_in_memory().unwrap();
    store.save_estate(&estate).unwrap();

    let mut order = estate.work_orders[2].clone();
    let (k, m) = kind(store.add_work_order(&id, &order));
    assert_eq!(k, ErrorKind::Conflict);
    assert_eq!(
        m,
        "work order \"W3\" already exists in estate \"lotus-court\""
    );

    order.id = wid("W4");
    order.location = steward::Location::Household {
        household: steward::HouseholdId::new("B9-0101").unwrap(),
    };
    order.follow_up_of = Some(wid("W0"));
    let err = store.add_work_order(&id, &order).unwrap_err();
    let paths: Vec<_> = err
        .issues()
        .iter()
        .map(|i| (i.path.as_str(), i.code))
        .collect();
    assert_eq!(
        paths,
        [
            ("location.household", IssueCode::DanglingReference),
            ("follow_up_of", IssueCode::DanglingReference)
        ]
    );

    order.location = steward::Location::Household {
        household: steward::HouseholdId::new("B2-1201").unwrap(),
    };
    order.follow_up_of = Some(wid("W1"));
    store.add_work_order(&id, &order).unwrap();
    let all = store.load_estate(&id).unwrap();
    assert_eq!(all.work_orders.last().unwrap(), &order);
    assert!(all.validate().is_ok());

    let (k, _) = kind(store.add_work_order(&EstateId::new("elsewhere").unwrap(), &order));
    assert_eq!(k, ErrorKind::NotFound);
}

#[test]
fn ratings_and_responses_are_added_and_checked() {
    let estate = base_estate();
    let id = estate.id.clone();
    let mut store = Store::open_in_memory().unwrap();
    store.save_estate(&estate).unwrap();

    let mut r = estate.ratings[0].clone();
    r.id = steward::RatingId::new("RT2").unwrap();
    r.work_order = wid("W2");
    r.score = 0;
    let err = store.add_rating(&id, &r).unwrap_err();
    assert_eq!(err.issues()[0].path, "score");
    assert_eq!(
        err.issues()[0].message,
        "expected a score from 1 to 5, found 0"
    );
    r.score = 3;
    // W2 is only assigned: there is no completed work to rate yet.
    let err = store.add_rating(&id, &r).unwrap_err();
    assert_eq!(err.issues()[0].path, "work_order");
    assert_eq!(
        err.issues()[0].message,
        "work order \"W2\" has not been resolved; only completed work can be rated"
    );
    r.work_order = wid("W1");
    r.at = t("2022-12-14T09:00:00+08:00");
    let err = store.add_rating(&id, &r).unwrap_err();
    assert_eq!(err.issues()[0].code, IssueCode::OutOfOrder);
    r.at = t("2022-12-16T09:00:00+08:00");
    store.add_rating(&id, &r).unwrap();
    let b1 = Filter::default().building(steward::BuildingId::new("B1").unwrap());
    assert_eq!(store.ratings(&id, &b1).unwrap().len(), 2);

    let mut s = estate.survey_responses[0].clone();
    s.id = steward::SurveyResponseId::new("SR3").unwrap();
    s.building = steward::BuildingId::new("B2").unwrap();
    let err = store.add_survey_response(&id, &s).unwrap_err();
    assert_eq!(err.issues()[0].path, "household");
    assert_eq!(
        err.issues()[0].message,
        "household \"B1-0201\" is in building \"B1\", not \"B2\""
    );
    s.household = None;
    store.add_survey_response(&id, &s).unwrap();
    let b2 = Filter::default().building(steward::BuildingId::new("B2").unwrap());
    assert_eq!(store.survey_responses(&id, &b2).unwrap().len(), 2);
    assert_eq!(
        kind(store.add_survey_response(&id, &s)).0,
        ErrorKind::Conflict
    );
}

#[test]
fn queries_filter_by_building_and_period() {
    let estate = base_estate();
    let id = estate.id.clone();
    let mut store = Store::open_in_memory().unwrap();
    store.save_estate(&estate).unwrap();
    let ids =
        |v: Vec<steward::WorkOrder>| v.into_iter().map(|w| w.id.to_string()).collect::<Vec<_>>();

    assert_eq!(
        ids(store.work_orders(&id, &Filter::default()).unwrap()),
        ["W3", "W1", "W2"]
    );
    let b1 = Filter::default().building(steward::BuildingId::new("B1").unwrap());
    assert_eq!(ids(store.work_orders(&id, &b1).unwrap()), ["W1", "W2"]);
    assert_eq!(ids(store.open_work_orders(&id, &b1).unwrap()), ["W2"]);
    let dec14 = Filter::default()
        .from(t("2022-12-14T00:00:00+08:00"))
        .until(t("2022-12-14T10:00:00+08:00"));
    assert_eq!(ids(store.work_orders(&id, &dec14).unwrap()), ["W1"]);
    // The same instant written in another offset is the same instant.
    let utc = Filter::default()
        .from(t("2022-12-13T16:00:00+00:00"))
        .until(t("2022-12-14T02:00:00Z"));
    assert_eq!(ids(store.work_orders(&id, &utc).unwrap()), ["W1"]);

    let dec = Filter::default().from(t("2022-12-02T00:00:00+08:00"));
    let resp = store.survey_responses(&id, &dec).unwrap();
    assert_eq!(
        resp.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["SR2"]
    );
}

#[test]
fn the_demo_estate_round_trips() {
    let estate = steward::demo::estate();
    let mut store = Store::open_in_memory().unwrap();
    store.save_estate(&estate).unwrap();
    assert_eq!(store.load_estate(&estate.id).unwrap(), estate);
}

/// A random estate: the base with random extra households, residents and
/// orders walked through random valid lifecycles.
fn random_estate() -> impl Strategy<Value = Estate> {
    (
        proptest::collection::vec((0..2usize, 1..6i16, any::<bool>()), 0..20),
        proptest::collection::vec(
            (
                0..5usize,
                proptest::collection::vec(0..9u8, 0..8),
                0..100_000i64,
            ),
            0..20,
        ),
    )
        .prop_map(|(households, orders)| {
            let mut e = base_estate();
            for (i, (b, floor, tenant)) in households.into_iter().enumerate() {
                let building = e.buildings[b].id.clone();
                e.households.push(steward::Household {
                    id: steward::HouseholdId::new(format!("X{i}")).unwrap(),
                    building,
                    unit: format!("{floor}0{i}"),
                    floor,
                    tenure: if tenant {
                        steward::Tenure::Tenant
                    } else {
                        steward::Tenure::Owner
                    },
                    care_needs: Default::default(),
                });
            }
            let start = t("2022-12-01T00:00:00+08:00");
            for (i, (hh, steps, offset)) in orders.into_iter().enumerate() {
                let household = e.households[hh % e.households.len()].id.clone();
                let reported_at = start + chrono::Duration::seconds(offset);
                let mut order = steward::WorkOrder {
                    id: wid(&format!("P{i}")),
                    category: steward::Category::DoorsWindows,
                    location: steward::Location::Household { household },
                    reported_at,
                    reported_by: steward::Reporter::Anonymous,
                    channel: steward::Channel::Phone,
                    description: format!("random order {i}"),
                    hazards: Default::default(),
                    households_affected: 1,
                    follow_up_of: None,
                    events: Vec::new(),
                };
                let mut at = reported_at;
                for step in steps {
                    at += chrono::Duration::minutes(7);
                    let staff = steward::StaffId::new("S2").unwrap();
                    let event = match step {
                        0 => WorkOrderEvent::Triaged { at, by: None },
                        1 => WorkOrderEvent::Assigned { at, staff },
                        2 => WorkOrderEvent::Started { at },
                        3 => WorkOrderEvent::OnHold {
                            at,
                            reason: steward::HoldReason::PartsOnOrder,
                        },
                        4 => WorkOrderEvent::Resumed { at },
                        5 => WorkOrderEvent::Resolved { at, note: None },
                        6 => WorkOrderEvent::Closed { at },
                        7 => WorkOrderEvent::Reopened {
                            at,
                            reason: Some("leaks again".into()),
                        },
                        _ => WorkOrderEvent::Cancelled { at, reason: None },
                    };
                    if order.status().next(&event).is_some() {
                        order.events.push(event);
                    }
                }
                e.work_orders.push(order);
            }
            e
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn whatever_is_saved_loads_back_equal(estate in random_estate()) {
        prop_assert!(estate.validate().is_ok());
        let mut store = Store::open_in_memory().unwrap();
        store.save_estate(&estate).unwrap();
        let loaded = store.load_estate(&estate.id).unwrap();
        prop_assert_eq!(&loaded, &estate);
        // And the open-order query agrees with the status replayed in memory.
        let open: Vec<_> = store.open_work_orders(&estate.id, &Filter::default()).unwrap()
            .into_iter().map(|w| w.id).collect();
        let mut expected: Vec<_> = estate.work_orders.iter().filter(|w| w.status().is_open()).collect();
        expected.sort_by(|a, b| (a.reported_at, &a.id).cmp(&(b.reported_at, &b.id)));
        prop_assert_eq!(open, expected.into_iter().map(|w| w.id.clone()).collect::<Vec<_>>());
    }
}
