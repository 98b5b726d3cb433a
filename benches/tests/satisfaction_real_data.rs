//! The satisfaction engine on real public data from `../shared/data/` (see
//! its README): drivers in the Somerville happiness survey, housing types in
//! the Copenhagen housing survey, SLA attainment in Boston 311.
//!
//! The data is present here and in CI; if `../shared` is missing the tests
//! say so loudly and stop (they do not pretend to pass on nothing).
//! `cargo test -p steward-benches --test satisfaction_real_data -- --nocapture`
//! prints what the data shows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeMap;

use steward::satisfaction::{
    self, Accumulator, Cell, GroupKey, Grouping, InvalidScores, PeriodUnit, ScoreConfig, SlaTable,
    SlaTarget,
};
use steward_benches::satisfaction_data as data;
use steward_benches::shared_file;

fn shared(relative: &str) -> std::path::PathBuf {
    shared_file(relative).unwrap_or_else(|| {
        panic!("../shared/{relative} is missing: these tests need the shared real data (see ../shared/data/README.md)")
    })
}

fn as_of(s: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap()
}

fn somerville_config() -> ScoreConfig {
    let mut c = ScoreConfig::default()
        .with_dimensions(data::somerville_dimensions())
        .with_half_life_days(None)
        .with_period(PeriodUnit::Year)
        .with_invalid_scores(InvalidScores::Exclude)
        .with_groupings(vec![
            Grouping::by(&[GroupKey::Period]),
            Grouping::by(&[GroupKey::Building]),
        ]);
    c.overall_scale = data::SOMERVILLE_SCALE;
    c
}

#[test]
fn somerville_drivers_of_satisfaction_with_the_city() {
    let table = data::Table::read(&shared(data::SOMERVILLE)).unwrap();
    let records = data::somerville(&table);
    assert_eq!(records.len(), 6545);

    // Rejecting is the default: the data-entry errors are named.
    let mut strict = somerville_config();
    strict.invalid_scores = InvalidScores::Reject;
    let mut acc = Accumulator::new(&strict, as_of("2015-12-31T00:00:00-05:00")).unwrap();
    let first_bad = records
        .iter()
        .position(|r| acc.add_response(r).is_err())
        .unwrap();
    let err = acc.add_response(&records[first_bad]).unwrap_err();
    eprintln!("Somerville, reject mode, first bad record #{first_bad}: {err}");

    // Excluding: bad answers are counted, the rest of the response counts.
    let mut acc =
        Accumulator::new(&somerville_config(), as_of("2015-12-31T00:00:00-05:00")).unwrap();
    for r in &records {
        acc.add_response(r).unwrap();
    }
    let result = acc.result();
    let excluded: BTreeMap<String, u64> = result
        .excluded
        .iter()
        .map(|e| (e.field.clone(), e.count))
        .collect();
    eprintln!("Somerville excluded answers: {excluded:?}");
    // Independently counted in the file: non-integer (x.5) or out-of-range
    // answers per item (pandas, see tests/python/test_satisfaction.py).
    assert_eq!(excluded.get("overall"), Some(&49));
    assert!(excluded.get("scores.beauty_setting").copied().unwrap_or(0) >= 60);

    let whole = result.group(&[]).unwrap();
    let s = whole.satisfaction.as_ref().unwrap().published().unwrap();
    let o = s.overall.as_ref().unwrap();
    eprintln!(
        "Somerville whole: n = {}, satisfied with the city (1–10) mean {:.2} [{:.2}, {:.2}], top-two-box {:.1}%",
        o.n,
        o.mean.value,
        o.mean.ci_low.unwrap(),
        o.mean.ci_high.unwrap(),
        o.csat.value * 100.0
    );
    for g in result.grouping(&[GroupKey::Period]) {
        if let Some(Cell::Published(s)) = &g.satisfaction {
            let m = &s.overall.as_ref().unwrap().mean;
            eprintln!(
                "  {}: n = {}, mean {:.2} [{:.2}, {:.2}]",
                g.keys[&GroupKey::Period],
                m.n,
                m.value,
                m.ci_low.unwrap(),
                m.ci_high.unwrap()
            );
        }
    }
    for g in result.grouping(&[GroupKey::Building]) {
        match &g.satisfaction {
            Some(Cell::Published(s)) => {
                let m = &s.overall.as_ref().unwrap().mean;
                let sh = m.shrunk.as_ref().unwrap();
                eprintln!(
                    "  ward {}: n = {:>3}, mean {:.2} [{:.2}, {:.2}] → shrunk {:.2} [{:.2}, {:.2}] (weight on own data {:.2})",
                    g.keys[&GroupKey::Building],
                    m.n,
                    m.value,
                    m.ci_low.unwrap(),
                    m.ci_high.unwrap(),
                    sh.value,
                    sh.ci_low,
                    sh.ci_high,
                    sh.weight
                );
            }
            Some(Cell::Suppressed(why)) => {
                eprintln!(
                    "  ward {}: suppressed ({})",
                    g.keys[&GroupKey::Building],
                    why.rule
                )
            }
            None => {}
        }
    }

    let Some(Cell::Published(m)) = &result.drivers.dimensions else {
        panic!("no driver model")
    };
    eprintln!(
        "Somerville drivers of 'satisfied with Somerville as a place to live' (complete cases n = {}, R² = {:.3}):",
        m.n,
        m.r_squared.unwrap()
    );
    for d in &m.drivers {
        eprintln!(
            "  {}. {:<15} beta {:+.3} (se {:.3}, p {:.2e}); r {:.3} [{:.3}, {:.3}] (n = {})",
            d.rank,
            d.driver,
            d.beta.unwrap(),
            d.beta_se.unwrap(),
            d.p_value.unwrap(),
            d.correlation.value,
            d.correlation.ci_low.unwrap(),
            d.correlation.ci_high.unwrap(),
            d.correlation.n
        );
    }
    assert!(m.n > 3000, "{}", m.n);
    assert_eq!(m.drivers.len(), 4);
    // Every item correlates positively with satisfaction with the city.
    assert!(m.drivers.iter().all(|d| d.correlation.value > 0.0));
    // The physical setting matters most, affordability of housing least.
    assert_eq!(m.drivers[0].driver, "beauty_setting");
    assert_eq!(m.drivers[3].driver, "housing_cost");
}

#[test]
fn copenhagen_housing_types_and_influence() {
    let table = data::Table::read(&shared(data::COPENHAGEN)).unwrap();
    let records = data::copenhagen(&table);
    assert_eq!(records.len(), 1681);
    let dims: Vec<satisfaction::DimensionSpec> = serde_json::from_str(
        r#"[{"id": "influence", "scale": {"min": 1, "max": 3}},
            {"id": "contact", "scale": {"min": 1, "max": 2}}]"#,
    )
    .unwrap();
    let mut config = ScoreConfig::default()
        .with_dimensions(dims)
        .with_half_life_days(None)
        .with_groupings(vec![Grouping::by(&[GroupKey::Building])]);
    config.overall_scale = satisfaction::Scale { min: 1, max: 3 };
    config.top_box = 1; // "High" satisfaction
    let mut acc = Accumulator::new(&config, as_of("1977-01-01T00:00:00+01:00")).unwrap();
    for r in &records {
        acc.add_response(r).unwrap();
    }
    let result = acc.result();
    let mut by_type = Vec::new();
    for g in result.grouping(&[GroupKey::Building]) {
        let s = g.satisfaction.as_ref().unwrap().published().unwrap();
        let o = s.overall.as_ref().unwrap();
        eprintln!(
            "Copenhagen {:<9} n = {:>3}: high satisfaction {:.1}% [{:.1}, {:.1}] (shrunk {:.1}%), mean {:.3}",
            g.keys[&GroupKey::Building],
            o.n,
            o.csat.value * 100.0,
            o.csat.ci_low.unwrap() * 100.0,
            o.csat.ci_high.unwrap() * 100.0,
            o.csat.shrunk.as_ref().unwrap().value * 100.0,
            o.mean.value
        );
        by_type.push((o.mean.value, g.keys[&GroupKey::Building].clone()));
    }
    by_type.sort_by(|a, b| b.0.total_cmp(&a.0));
    let order: Vec<&str> = by_type.iter().map(|(_, t)| t.as_str()).collect();
    // As in the classic analyses of these data (Madsen 1976; Venables &
    // Ripley's proportional-odds fit): tower blocks most satisfied,
    // terraced houses least.
    assert_eq!(order.first(), Some(&"Tower"));
    assert_eq!(order.last(), Some(&"Terrace"));
    let Some(Cell::Published(m)) = &result.drivers.dimensions else {
        panic!()
    };
    for d in &m.drivers {
        eprintln!(
            "  driver {:<9} beta {:+.3} (p {:.1e}), r {:.3}",
            d.driver,
            d.beta.unwrap(),
            d.p_value.unwrap(),
            d.correlation.value
        );
    }
    // Perceived influence on management drives satisfaction more than
    // contact with neighbours (both positive).
    assert_eq!(m.drivers[0].driver, "influence");
    assert!(m.drivers[0].beta.unwrap() > m.drivers[1].beta.unwrap());
    assert!(m.drivers[1].beta.unwrap() > 0.0);
}

#[test]
fn boston_sla_attainment_by_case_type() {
    let cases = data::boston_2015(&shared(data::BOSTON_2015)).unwrap();
    assert_eq!(cases.len(), 8080);
    // The snapshot was taken when the last case was opened or closed.
    let snapshot = cases
        .iter()
        .flat_map(|c| [Some(c.open), c.closed])
        .flatten()
        .max()
        .unwrap();
    let mut per_type: BTreeMap<String, (u64, u64, u64, u64)> = BTreeMap::new();
    for c in &cases {
        let Some(target) = c.target else { continue };
        let minutes = ((target - c.open).num_seconds() / 60).max(1) as u32;
        let table = SlaTable {
            emergency: SlaTarget {
                response_minutes: minutes,
                resolution_minutes: minutes,
                response_clock: Default::default(),
            },
            default: SlaTarget {
                response_minutes: minutes,
                resolution_minutes: minutes,
                response_clock: Default::default(),
            },
            categories: BTreeMap::new(),
        };
        let order = work_order(c);
        let out = satisfaction::service_outcome(&order, &table, snapshot);
        let e = per_type.entry(c.kind.clone()).or_default();
        if let Some(late) = out.resolution_late {
            e.0 += 1;
            e.1 += u64::from(!late);
            if let Some(theirs) = c.on_time {
                e.2 += 1;
                e.3 += u64::from(theirs != late);
            }
        }
    }
    eprintln!("Boston 311 2015, resolution within Boston's target, as of {snapshot}:");
    let (mut agree, mut compared) = (0, 0);
    for (kind, (decided, on_time, cmp, same)) in &per_type {
        eprintln!(
            "  {kind:<45} decided {decided:>4}  on time {:>5.1}%  agrees with Boston's flag {:>5.1}% of {cmp}",
            100.0 * *on_time as f64 / *decided as f64,
            100.0 * *same as f64 / *cmp as f64
        );
        agree += same;
        compared += cmp;
    }
    let share = agree as f64 / compared as f64;
    eprintln!(
        "  overall agreement with Boston's OnTime_Status: {:.1}% of {compared}",
        share * 100.0
    );
    assert!(share > 0.9, "{share}");
}

fn work_order(c: &data::BostonCase) -> steward::WorkOrder {
    let mut events = Vec::new();
    if let Some(closed) = c.closed {
        events.push(steward::WorkOrderEvent::Resolved {
            at: closed,
            note: None,
        });
    }
    steward::WorkOrder {
        id: steward::WorkOrderId::new("boston").unwrap(),
        category: steward::Category::Other,
        location: steward::Location::CommonArea {
            name: "Boston".into(),
        },
        reported_at: c.open,
        reported_by: steward::Reporter::Anonymous,
        channel: steward::Channel::Phone,
        description: c.kind.clone(),
        hazards: Default::default(),
        households_affected: 1,
        follow_up_of: None,
        events,
    }
}
