//! Satisfaction benchmarks (criterion): the columnar path on 10 million
//! ratings in 1,000 groups (with and without time decay), scoring the demo
//! estate as a document, adding one response to an accumulator, and scoring
//! the real Somerville survey (6,545 responses) when `../shared` is there.
//! Fixed seeds; numbers are reported, never asserted.
//!
//! ```sh
//! cargo bench -p steward-benches --bench satisfaction
//! ```
//!
//! The side-by-side comparison with pandas and polars (the issue's target)
//! is `benches/compare/satisfaction_vs_pandas_polars.py`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use steward::satisfaction::{
    self, Accumulator, ColumnConfig, Columns, GroupKey, Grouping, InvalidScores, PeriodUnit,
    ResponseRecord, ScoreConfig,
};
use steward::{demo, satisfaction::score_columns};
use steward_benches::satisfaction_data as data;

/// SplitMix64: a small, fixed, dependency-free generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

const ROWS: usize = 10_000_000;
const GROUPS: u32 = 1_000;

fn columns() -> (Vec<u32>, Vec<u8>, Vec<i64>) {
    let mut rng = Rng(20221214);
    let mut groups = Vec::with_capacity(ROWS);
    let mut scores = Vec::with_capacity(ROWS);
    let mut at = Vec::with_capacity(ROWS);
    for _ in 0..ROWS {
        let r = rng.next();
        // Skewed group sizes: the square of a uniform draw.
        let u = (r >> 32) as f64 / u32::MAX as f64;
        let g = ((u * u) * f64::from(GROUPS)) as u32;
        groups.push(g.min(GROUPS - 1));
        let s = 1 + ((r & 0xffff) % 5) as u8;
        scores.push(if g.is_multiple_of(7) { s.min(3) } else { s });
        at.push(1_670_000_000 - ((r >> 16) & 0xffff_ffff) as i64 % (730 * 86_400));
    }
    (groups, scores, at)
}

fn bench_columns(c: &mut Criterion) {
    let (groups, scores, at) = columns();
    let cfg = ColumnConfig::default().with_groups(GROUPS as usize);
    let cols = Columns {
        groups: &groups,
        scores: &scores,
        at: None,
        as_of: 1_670_000_000,
    };
    let mut g = c.benchmark_group("satisfaction columns");
    g.sample_size(20).measurement_time(Duration::from_secs(10));
    g.bench_function("10M ratings, 1000 groups", |b| {
        b.iter(|| black_box(score_columns(black_box(&cols), &cfg).map(|o| o.n.len())))
    });
    let decayed = Columns {
        at: Some(&at),
        ..cols
    };
    let cfg = cfg.with_half_life_days(Some(180.0));
    g.bench_function("10M ratings, 1000 groups, decay", |b| {
        b.iter(|| black_box(score_columns(black_box(&decayed), &cfg).map(|o| o.n.len())))
    });
    g.finish();
}

fn bench_documents(c: &mut Criterion) {
    let estate = demo::estate();
    let now = demo::now();
    let config = ScoreConfig::default().with_groupings(vec![
        Grouping::by(&[GroupKey::Building]),
        Grouping::by(&[GroupKey::Category]),
        Grouping::by(&[GroupKey::Staff]),
        Grouping::by(&[GroupKey::Building, GroupKey::Period]),
    ]);
    let mut g = c.benchmark_group("satisfaction documents");
    g.bench_function("demo estate, 4 groupings", |b| {
        b.iter(|| {
            black_box(satisfaction::score(black_box(&estate), &config, now).map(|r| r.groups.len()))
        })
    });
    let acc = Accumulator::for_estate(&estate, &config, now).unwrap_or_else(|e| panic!("{e}"));
    let one = {
        let mut r = ResponseRecord::survey(now);
        r.building = estate.buildings.first().map(|b| b.id.clone());
        r.overall = Some(4.0);
        r
    };
    g.bench_function("accumulator: add one response", |b| {
        b.iter_batched(
            || acc.clone(),
            |mut a| black_box(a.add_response(&one).map(|()| a.responses())),
            criterion::BatchSize::LargeInput,
        )
    });
    g.bench_function("accumulator: result after one more response", |b| {
        let mut a = acc.clone();
        let _ = a.add_response(&one);
        b.iter(|| black_box(a.result().groups.len()))
    });
    if let Some(path) = steward_benches::shared_file(data::SOMERVILLE)
        && let Ok(table) = data::Table::read(&path)
    {
        let records = data::somerville(&table);
        let mut cfg = ScoreConfig::default()
            .with_dimensions(data::somerville_dimensions())
            .with_half_life_days(None)
            .with_period(PeriodUnit::Year)
            .with_invalid_scores(InvalidScores::Exclude)
            .with_groupings(vec![
                Grouping::by(&[GroupKey::Period]),
                Grouping::by(&[GroupKey::Building]),
            ]);
        cfg.overall_scale = data::SOMERVILLE_SCALE;
        let as_of = chrono::DateTime::parse_from_rfc3339("2015-12-31T00:00:00-05:00")
            .unwrap_or_else(|e| panic!("{e}"));
        g.bench_function("Somerville survey (6,545 responses)", |b| {
            b.iter(|| {
                let mut acc = Accumulator::new(&cfg, as_of).unwrap_or_else(|e| panic!("{e}"));
                let _ = acc.add_responses(&records, "responses");
                black_box(acc.result().groups.len())
            })
        });
    } else {
        eprintln!(
            "../shared/{} is missing: the Somerville benchmark is skipped",
            data::SOMERVILLE
        );
    }
    g.finish();
}

criterion_group!(benches, bench_columns, bench_documents);
criterion_main!(benches);
