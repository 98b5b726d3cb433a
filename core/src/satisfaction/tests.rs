//! Tests of the engine against hand-computed values, and of its promises
//! (privacy, no personal data, incremental = batch, determinism).

use chrono::{DateTime, FixedOffset};

use super::*;
use crate::demo;

fn ts(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn close(got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol * want.abs().max(1.0),
        "got {got}, want {want}"
    );
}

/// A survey response in `building` at `at`.
fn resp(
    at: &str,
    building: &str,
    overall: u8,
    recommend: Option<u8>,
    cs: Option<u8>,
) -> ResponseRecord {
    let mut r = ResponseRecord::survey(ts(at));
    r.building = Some(crate::BuildingId::new(building).unwrap());
    r.overall = Some(f64::from(overall));
    r.recommend = recommend.map(f64::from);
    if let Some(v) = cs {
        r.scores.insert(
            crate::DimensionId::new("customer_service").unwrap(),
            Some(f64::from(v)),
        );
    }
    r
}

fn small_config() -> ScoreConfig {
    let dims: Vec<DimensionSpec> =
        serde_json::from_str(r#"[{"id": "customer_service", "weight": 1}]"#).unwrap();
    ScoreConfig::default()
        .with_dimensions(dims)
        .with_half_life_days(None)
        .with_anonymity_threshold(2)
        .with_groupings(vec![Grouping::by(&[GroupKey::Building])])
}

/// B1: overall 5, 4, 4 (recommend 10, 9, 6; customer service 5, 4, 3);
/// B2: overall 3, 2 (recommend 7, 3); B3: overall 4, 4, 5, 1 (recommend 8, 10, 10, 0).
fn small_records() -> Vec<ResponseRecord> {
    let at = "2022-12-05T10:00:00+08:00";
    vec![
        resp(at, "B1", 5, Some(10), Some(5)),
        resp(at, "B1", 4, Some(9), Some(4)),
        resp(at, "B1", 4, Some(6), Some(3)),
        resp(at, "B2", 3, Some(7), None),
        resp(at, "B2", 2, Some(3), None),
        resp(at, "B3", 4, Some(8), None),
        resp(at, "B3", 4, Some(10), None),
        resp(at, "B3", 5, Some(10), None),
        resp(at, "B3", 1, Some(0), None),
    ]
}

fn run(records: &[ResponseRecord], config: &ScoreConfig) -> ScoreResult {
    let mut acc = Accumulator::new(config, ts("2022-12-31T00:00:00+08:00")).unwrap();
    acc.add_responses(records, "responses").unwrap();
    acc.result()
}

fn sat(r: &ScoreResult, keys: &[(GroupKey, &str)]) -> Satisfaction {
    r.group(keys)
        .and_then(|g| g.satisfaction.as_ref())
        .and_then(|c| c.published())
        .cloned()
        .unwrap_or_else(|| panic!("{keys:?} not published"))
}

#[test]
fn whole_estate_statistics_match_the_hand_computation() {
    let r = run(&small_records(), &small_config());
    let s = sat(&r, &[]);
    assert_eq!(s.n, 9);
    let o = s.overall.as_ref().unwrap();
    close(o.mean.value, 32.0 / 9.0, 1e-14);
    // CSAT: 5, 4, 4, 4, 4, 5 of nine answers are 4 or 5.
    close(o.csat.value, 6.0 / 9.0, 1e-14);
    assert_eq!(o.distribution.len(), 5);
    close(o.distribution[0], 1.0 / 9.0, 1e-14); // one "1"
    // NPS: promoters 10, 9, 10, 10 (4); detractors 6, 3, 0 (3): 100·(4 − 3)/9.
    close(s.nps.as_ref().unwrap().value, 100.0 / 9.0, 1e-12);
    // Index: B1 from customer service (100, 75, 50), the others from overall.
    let index = [100.0, 75.0, 50.0, 50.0, 25.0, 75.0, 75.0, 100.0, 0.0];
    close(
        s.index.as_ref().unwrap().value,
        index.iter().sum::<f64>() / 9.0,
        1e-14,
    );
    // The whole has no parent: nothing to shrink toward.
    assert!(o.mean.shrunk.is_none());
}

#[test]
fn group_intervals_match_the_hand_computation() {
    let r = run(&small_records(), &small_config());
    let b1 = sat(&r, &[(GroupKey::Building, "B1")]);
    let m = &b1.overall.as_ref().unwrap().mean;
    close(m.value, 13.0 / 3.0, 1e-14);
    // s² = 1/3, se = 1/3, t(0.975, 2) = 4.302652729749462 (SciPy).
    close(
        m.ci_low.unwrap(),
        13.0 / 3.0 - 4.302652729749462 / 3.0,
        1e-12,
    );
    assert_eq!(m.ci_high, Some(5.0)); // clipped to the scale
    assert_eq!(m.method, Method::TInterval);
    // CSAT 2 of 3 (5 and 4 and 4 are all top-two: 3 of 3).
    let c = &b1.overall.as_ref().unwrap().csat;
    close(c.value, 1.0, 1e-15);
    let (lo, hi) = stats::wilson(1.0, 3.0, 1.959963984540054);
    close(c.ci_low.unwrap(), lo, 1e-15);
    close(c.ci_high.unwrap(), hi, 1e-15);
    // Dimension answered only in B1.
    let d = &b1.dimensions[0];
    assert_eq!(d.dimension.as_str(), "customer_service");
    let sc = d.score.published().unwrap();
    close(sc.mean.value, 4.0, 1e-15);
}

#[test]
fn buildings_are_shrunk_toward_the_estate() {
    let r = run(&small_records(), &small_config());
    // Hand computation of the normal–normal model on the overall means.
    let groups: [&[f64]; 3] = [&[5.0, 4.0, 4.0], &[3.0, 2.0], &[4.0, 4.0, 5.0, 1.0]];
    let mean = |g: &[f64]| g.iter().sum::<f64>() / g.len() as f64;
    let ss = |g: &[f64]| g.iter().map(|x| (x - mean(g)).powi(2)).sum::<f64>();
    let sigma2 = groups.iter().map(|g| ss(g)).sum::<f64>() / (2.0 + 1.0 + 3.0);
    let mu = 32.0 / 9.0;
    let v: Vec<f64> = groups.iter().map(|g| sigma2 / g.len() as f64).collect();
    let u: Vec<f64> = v.iter().map(|v| 1.0 / v).collect();
    let su: f64 = u.iter().sum();
    let yu = groups.iter().zip(&u).map(|(g, u)| u * mean(g)).sum::<f64>() / su;
    let q: f64 = groups
        .iter()
        .zip(&u)
        .map(|(g, u)| u * (mean(g) - yu).powi(2))
        .sum();
    let tau2 = ((q - 2.0) / (su - u.iter().map(|u| u * u).sum::<f64>() / su)).max(0.0);
    let var_mu = groups
        .iter()
        .zip(&v)
        .map(|(g, v)| (g.len() as f64).powi(2) * (v + tau2))
        .sum::<f64>()
        / 81.0;
    for (b, (g, v)) in ["B1", "B2", "B3"].iter().zip(groups.iter().zip(&v)) {
        let s = sat(&r, &[(GroupKey::Building, b)]);
        let sh = s.overall.as_ref().unwrap().mean.shrunk.clone().unwrap();
        let bf = v / (v + tau2);
        let want = mu + (1.0 - bf) * (mean(g) - mu);
        close(sh.value, want, 1e-12);
        close(sh.weight, 1.0 - bf, 1e-12);
        close(sh.toward, mu, 1e-14);
        let half = 1.959963984540054 * ((1.0 - bf) * v + bf * bf * var_mu).sqrt();
        close(sh.ci_low, (want - half).max(1.0), 1e-12);
        close(sh.ci_high, (want + half).min(5.0), 1e-12);
        assert_eq!(sh.method, Method::NormalNormalEb);
    }
    // The group with the most extreme small sample moves most.
    let b2 = sat(&r, &[(GroupKey::Building, "B2")]);
    let m = &b2.overall.as_ref().unwrap().mean;
    assert!(m.shrunk.as_ref().unwrap().value > m.value);
}

#[test]
fn small_groups_are_suppressed_and_cannot_be_recovered_by_subtraction() {
    // With k = 3: B2 (2 responses) is suppressed; estate − B1 − B3 = 2 < 3,
    // so the smaller of B1 (3) and B3 (4) is suppressed too.
    let r = run(
        &small_records(),
        &small_config().with_anonymity_threshold(3),
    );
    let status = |b: &str| {
        let g = r.group(&[(GroupKey::Building, b)]).unwrap();
        match g.satisfaction.as_ref().unwrap() {
            Cell::Published(_) => "published",
            Cell::Suppressed(s) => s.rule,
        }
    };
    assert_eq!(status("B1"), "complementary");
    assert_eq!(status("B2"), "min_respondents");
    assert_eq!(status("B3"), "published");
    // A suppressed group shows no numbers, not even its size.
    let json = crate::wire::to_json(r.group(&[(GroupKey::Building, "B2")]).unwrap());
    assert_eq!(
        json,
        r#"{"grouping":["building"],"parent":[],"keys":{"building":"B2"},"satisfaction":{"status":"suppressed","rule":"min_respondents","message":"fewer than 3 respondents"},"service":null}"#
    );
    // Whatever is published, (estate − published buildings) is 0 or ≥ 3.
    let published: u64 = ["B1", "B2", "B3"]
        .iter()
        .filter_map(|b| {
            r.group(&[(GroupKey::Building, b)])?
                .satisfaction
                .as_ref()?
                .published()
                .map(|s| s.n)
        })
        .sum();
    let rest = 9 - published;
    assert!(rest == 0 || rest >= 3, "{rest}");
}

#[test]
fn the_demo_suppresses_building_9_and_one_more() {
    let estate = demo::estate();
    let r = score(
        &estate,
        &ScoreConfig::default().with_groupings(vec![
            Grouping::by(&[GroupKey::Source]),
            Grouping {
                by: vec![GroupKey::Source, GroupKey::Building],
                parent: Some(vec![GroupKey::Source]),
            },
        ]),
        demo::now(),
    )
    .unwrap();
    let surveys = |b: &str| {
        r.group(&[(GroupKey::Source, "survey"), (GroupKey::Building, b)])
            .and_then(|g| g.satisfaction.clone())
    };
    let b9 = surveys("B9").unwrap();
    assert!(matches!(&b9, Cell::Suppressed(s) if s.rule == "min_respondents"));
    let complementary: Vec<String> = estate
        .buildings
        .iter()
        .filter(|b| matches!(surveys(b.id.as_str()), Some(Cell::Suppressed(s)) if s.rule == "complementary"))
        .map(|b| b.id.to_string())
        .collect();
    assert_eq!(complementary.len(), 1, "{complementary:?}");
    // The one taken along is the smallest published building.
    let smallest = estate
        .buildings
        .iter()
        .filter(|b| b.id.as_str() != "B9")
        .map(|b| {
            let n = estate
                .survey_responses
                .iter()
                .filter(|s| s.building == b.id)
                .count();
            (n, b.id.to_string())
        })
        .min()
        .unwrap();
    assert_eq!(complementary[0], smallest.1);
}

#[test]
fn results_hold_no_personal_data() {
    let mut estate = demo::estate();
    for (i, r) in estate.residents.iter_mut().enumerate() {
        r.name = crate::Personal::new(format!("Planted Name {i}"));
        r.phone = Some(crate::Personal::new(format!("1399999{i:04}")));
    }
    for r in &mut estate.ratings {
        r.comment = Some(crate::Personal::new("PLANTED-COMMENT call 13912345678"));
    }
    for s in &mut estate.survey_responses {
        s.comment = Some(crate::Personal::new("PLANTED-SURVEY-COMMENT"));
    }
    let doc = serde_json::json!({
        "schema": REQUEST_SCHEMA,
        "as_of": demo::DEMO_NOW,
        "estate": estate,
        "responses": [{"at": "2022-12-01T10:00:00+08:00", "overall": 4,
                       "respondent": "Planted Respondent", "household": "B1-0101",
                       "comment": "PLANTED-FLAT-COMMENT", "id": "SECRET-ID-1"}],
        "config": {"groupings": [{"by": ["building"]}, {"by": ["staff"]}, {"by": ["category"]}]}
    });
    let out = score_entry(doc.to_string().as_bytes()).unwrap();
    for needle in [
        "Planted",
        "1399999",
        "PLANTED",
        "13912345678",
        "SECRET-ID",
        "B1-0101",
    ] {
        assert!(!out.contains(needle), "{needle} leaked");
    }
    // And no resident or household id either.
    for r in estate.residents.iter().take(50) {
        assert!(
            !out.contains(&format!("\"{}\"", r.id)),
            "resident id leaked"
        );
    }
}

/// Compares two results: identical text except numbers, which agree to 1e-12.
fn same_numbers(a: &str, b: &str) {
    fn tokens(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            let numeric = c.is_ascii_digit()
                || (c == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
            if numeric {
                if start < i {
                    out.push((false, &s[start..i]));
                }
                let j = i;
                i += 1;
                while i < bytes.len()
                    && (bytes[i].is_ascii_digit()
                        || matches!(bytes[i], b'.' | b'e' | b'E')
                        || (matches!(bytes[i], b'-' | b'+') && matches!(bytes[i - 1], b'e' | b'E')))
                {
                    i += 1;
                }
                out.push((true, &s[j..i]));
                start = i;
            } else {
                i += 1;
            }
        }
        out.push((false, &s[start..]));
        out
    }
    let (ta, tb) = (tokens(a), tokens(b));
    assert_eq!(ta.len(), tb.len());
    for ((na, x), (_, y)) in ta.iter().zip(&tb) {
        if *na {
            let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
            assert!((x - y).abs() <= 1e-12 * x.abs().max(1.0), "{x} vs {y}");
        } else {
            assert_eq!(x, y);
        }
    }
}

#[test]
fn incremental_equals_batch_on_the_demo() {
    let estate = demo::estate();
    let config = ScoreConfig::default().with_groupings(vec![
        Grouping::by(&[GroupKey::Building]),
        Grouping::by(&[GroupKey::Staff]),
        Grouping::by(&[GroupKey::Building, GroupKey::Period]),
    ]);
    let batch = score(&estate, &config, demo::now()).unwrap();
    // Start from the estate without its last 40 survey responses and 10
    // ratings, then add them one at a time, in reverse order.
    let mut partial = estate.clone();
    let surveys = partial
        .survey_responses
        .split_off(partial.survey_responses.len() - 40);
    let ratings = partial.ratings.split_off(partial.ratings.len() - 10);
    let mut acc = Accumulator::for_estate(&partial, &config, demo::now()).unwrap();
    for s in surveys.iter().rev() {
        acc.add_survey_response(s).unwrap();
    }
    for r in ratings.iter().rev() {
        acc.add_rating(r).unwrap();
    }
    let incremental = acc.result();
    assert_eq!(incremental.responses, batch.responses);
    same_numbers(&format!("{incremental:?}"), &format!("{batch:?}"));
}

#[test]
fn the_same_input_gives_the_same_document() {
    let estate = demo::estate();
    let doc = serde_json::json!({
        "schema": REQUEST_SCHEMA, "as_of": demo::DEMO_NOW, "estate": estate,
    })
    .to_string();
    let a = score_entry(doc.as_bytes()).unwrap();
    let b = score_entry(doc.as_bytes()).unwrap();
    assert_eq!(a, b);
    assert!(a.starts_with(r#"{"schema":"steward.satisfaction.score.response.v1","as_of":"2022-12-14T10:00:00+08:00","parameters":"#));
}

#[test]
fn trends_say_whether_a_change_is_noise() {
    // November: 3, 2, 4, 3, 3, 2; December: 4, 5, 5, 3, 4 (Welch t = 2.8226,
    // df = 8.2233, p = 0.0218 by SciPy).
    let mut records = Vec::new();
    for v in [3, 2, 4, 3, 3, 2] {
        records.push(resp("2022-11-10T10:00:00+08:00", "B1", v, None, None));
    }
    for v in [4, 5, 5, 3, 4] {
        records.push(resp("2022-12-10T10:00:00+08:00", "B1", v, None, None));
    }
    let r = run(&records, &small_config().with_anonymity_threshold(5));
    let s = sat(&r, &[(GroupKey::Building, "B1")]);
    let Some(Cell::Published(t)) = &s.trend else {
        panic!("no trend: {:?}", s.trend)
    };
    assert_eq!(
        (t.current.as_str(), t.previous.as_str()),
        ("2022-12", "2022-11")
    );
    let m = t.mean.as_ref().unwrap();
    close(m.statistic, 2.8225564023682086, 1e-12);
    close(m.df.unwrap(), 8.22330993719985, 1e-12);
    close(m.p_value, 0.02179991392841313, 1e-9);
    assert!(m.distinguishable);
    assert_eq!((m.n_current, m.n_previous), (5, 6));
    assert!(
        t.statement
            .contains("distinguishable from noise at the 5% level"),
        "{}",
        t.statement
    );
    assert!(
        !t.statement.contains("not distinguishable"),
        "{}",
        t.statement
    );
    // With a stricter level the same change is noise.
    let mut cfg = small_config().with_anonymity_threshold(5);
    cfg.significance = 0.01;
    let r = run(&records, &cfg);
    let s = sat(&r, &[(GroupKey::Building, "B1")]);
    let Some(Cell::Published(t)) = &s.trend else {
        panic!()
    };
    assert!(!t.mean.as_ref().unwrap().distinguishable);
    assert!(t.statement.contains("not distinguishable"));
    // A period below the threshold suppresses the trend.
    let r = run(&records[..9], &small_config().with_anonymity_threshold(5));
    let s = r.group(&[]).unwrap().satisfaction.clone().unwrap();
    let Cell::Published(s) = s else { panic!() };
    assert!(matches!(s.trend, Some(Cell::Suppressed(_))));
}

#[test]
fn decay_halves_the_weight_per_half_life() {
    // One answer of 5 at as_of and one of 1 a half-life earlier: mean (5 + 0.5)/1.5.
    let records = vec![
        resp("2022-12-31T00:00:00+08:00", "B1", 5, None, None),
        resp("2022-12-21T00:00:00+08:00", "B1", 1, None, None),
    ];
    let cfg = small_config()
        .with_half_life_days(Some(10.0))
        .with_anonymity_threshold(1);
    let r = run(&records, &cfg);
    let m = sat(&r, &[]).overall.unwrap().mean;
    close(m.value, 5.5 / 1.5, 1e-14);
    close(m.n_effective, 1.5 * 1.5 / 1.25, 1e-14);
    assert_eq!(m.n, 2);
}

#[test]
fn out_of_scale_answers_are_rejected_or_counted() {
    let mut records = small_records();
    records[1].overall = Some(42.0);
    records[2].scores.insert(
        crate::DimensionId::new("customer_service").unwrap(),
        Some(5.5),
    );
    let mut acc = Accumulator::new(&small_config(), ts("2022-12-31T00:00:00+08:00")).unwrap();
    let err = acc.add_responses(&records, "responses").unwrap_err();
    let issues: Vec<(&str, &str, &str)> = err
        .issues()
        .iter()
        .map(|i| (i.path.as_str(), i.value.as_str(), i.message.as_str()))
        .collect();
    assert_eq!(
        issues,
        [
            (
                "responses[1].overall",
                "42",
                "expected a whole number from 1 to 5, found 42"
            ),
            (
                "responses[2].scores.customer_service",
                "5.5",
                "expected a whole number from 1 to 5, found 5.5"
            ),
        ]
    );
    let r = run(
        &records,
        &small_config().with_invalid_scores(InvalidScores::Exclude),
    );
    assert_eq!(r.excluded.len(), 2);
    assert_eq!(r.excluded[0].field, "overall");
    assert_eq!(r.excluded[0].count, 1);
    // The response with the bad overall still counts, without it.
    assert_eq!(sat(&r, &[]).n, 9);
    assert_eq!(sat(&r, &[]).overall.unwrap().n, 8);
}

#[test]
fn service_outcomes_follow_the_sla_table() {
    let estate = demo::estate();
    let r = score(&estate, &ScoreConfig::default(), demo::now()).unwrap();
    let whole = r.group(&[]).unwrap();
    let Some(Cell::Published(s)) = &whole.service else {
        panic!()
    };
    // Count by hand with the same rule.
    let table = SlaTable::default();
    let (mut n, mut decided, mut on_time) = (0u64, 0u64, 0u64);
    for o in &estate.work_orders {
        let out = service_outcome(o, &table, demo::now());
        if out.cancelled {
            continue;
        }
        n += 1;
        if let Some(late) = out.response_late {
            decided += 1;
            on_time += u64::from(!late);
        }
    }
    assert_eq!(s.orders, n);
    let resp = s.response_on_time.as_ref().unwrap();
    assert_eq!(resp.n, decided);
    close(resp.value, on_time as f64 / decided as f64, 1e-14);
}

#[test]
fn drivers_rank_dimensions_by_beta() {
    // overall = the rounded mean of two dimensions, the third is noise.
    let dims: Vec<DimensionSpec> =
        serde_json::from_str(r#"[{"id": "a"}, {"id": "b"}, {"id": "c"}]"#).unwrap();
    let mut records = Vec::new();
    for i in 0..60u32 {
        let a = 1 + i % 5;
        let b = 1 + (i / 5) % 5;
        let c = 1 + (i * 7 / 3) % 5;
        let mut r = ResponseRecord::survey(ts("2022-12-01T10:00:00+08:00"));
        r.overall = Some(f64::from((2 * a + b + 1) / 3));
        for (k, v) in [("a", a), ("b", b), ("c", c)] {
            r.scores
                .insert(crate::DimensionId::new(k).unwrap(), Some(f64::from(v)));
        }
        records.push(r);
    }
    let r = run(&records, &ScoreConfig::default().with_dimensions(dims));
    let Some(Cell::Published(m)) = &r.drivers.dimensions else {
        panic!()
    };
    assert_eq!(m.n, 60);
    assert_eq!(m.drivers[0].driver, "a");
    assert_eq!(m.drivers[1].driver, "b");
    assert!(m.drivers[0].beta.unwrap() > m.drivers[1].beta.unwrap());
    assert!(m.drivers[2].beta.unwrap().abs() < 0.1);
    assert!(m.r_squared.unwrap() > 0.9);
}

#[test]
fn requests_are_checked_field_by_field() {
    let bad = |doc: &str| score_entry(doc.as_bytes()).unwrap_err();
    let e = bad(
        r#"{"schema": "steward.satisfaction.score.request.v0", "as_of": "2022-12-31T00:00:00+08:00"}"#,
    );
    assert_eq!(e.issues()[0].path, "schema");
    let e = bad(
        r#"{"schema": "steward.satisfaction.score.request.v1", "as_of": "2022-12-31T00:00:00+08:00",
        "config": {"groupings": [{"by": ["building", "building"]}]}}"#,
    );
    assert_eq!(e.issues()[0].path, "config.groupings[0].by[1]");
    let e = bad(
        r#"{"schema": "steward.satisfaction.score.request.v1", "as_of": "2022-12-31T00:00:00+08:00",
        "responses": [{"at": "2022-12-01T10:00:00+08:00", "work_order": "W9"}]}"#,
    );
    assert_eq!(e.issues()[0].path, "responses[0].work_order");
    let e = bad(
        r#"{"schema": "steward.satisfaction.score.request.v1", "as_of": "2022-12-31T00:00:00+08:00",
        "responses": [{"at": "2022-12-01T10:00:00+08:00", "colour": "blue"}]}"#,
    );
    assert_eq!(e.issues()[0].path, "responses[0].colour");
}

#[test]
fn the_report_section_shows_buildings_dimensions_and_drivers() {
    use crate::report::Section;
    let text = SatisfactionSection::default()
        .render(&demo::estate(), demo::now())
        .unwrap();
    assert!(text.contains("By building"), "{text}");
    assert!(text.contains("B9"), "{text}");
    assert!(
        text.contains("suppressed: fewer than 5 respondents"),
        "{text}"
    );
    assert!(
        text.contains("suppressed: hidden so that a smaller"),
        "{text}"
    );
    assert!(text.contains("By dimension"), "{text}");
    assert!(text.contains("repairs_maintenance"), "{text}");
    assert!(text.contains("Top drivers of the overall score"), "{text}");
    assert!(text.contains("SLA attainment by category"), "{text}");
}
