//! The columnar path: millions of ratings as two integer arrays (group id,
//! score), scored per group with the same statistics as the document path —
//! mean with Student-t interval, CSAT with Wilson interval, the 0–100 index,
//! normal–normal and beta–binomial shrinkage toward the total, and the
//! anonymity rule (primary and complementary suppression).
//!
//! The groups are the children of one parent, the total. Rows are counted
//! into a per-group histogram in fixed chunks of [`CHUNK`] rows (on several
//! threads when the input is large); chunks are merged in order, so the
//! result does not depend on the number of threads.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::config::{InvalidScores, Scale};
use super::privacy::{self, Family, Status};
use super::shrink::{BetaPrior, NormalPrior};
use super::stats;
use super::summary::{Levels, MeanSummary};
use crate::{Error, Issue, IssueCode, Result};

/// Rows per chunk.
pub const CHUNK: usize = 1 << 20;

/// Settings of the columnar path. As JSON every field is optional:
/// `{"scale": {"min": 1, "max": 5}, "top_box": 2, "anonymity_threshold": 5,
/// "confidence": 0.95, "half_life_days": null, "invalid_scores": "reject",
/// "groups": null}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct ColumnConfig {
    /// Answer scale of the scores (default 1–5).
    pub scale: Scale,
    /// Top levels counted as satisfied (default 2).
    pub top_box: u8,
    /// Groups with fewer ratings are suppressed (default 5).
    pub anonymity_threshold: u32,
    /// Confidence level (default 0.95).
    pub confidence: f64,
    /// Half-life of the time decay in days (default none; needs `at`).
    pub half_life_days: Option<f64>,
    /// Scores outside the scale: reject (default) or exclude and count.
    pub invalid_scores: InvalidScores,
    /// Number of groups (default: largest group id + 1).
    pub groups: Option<usize>,
}

impl Default for ColumnConfig {
    fn default() -> ColumnConfig {
        ColumnConfig {
            scale: Scale::FIVE,
            top_box: 2,
            anonymity_threshold: 5,
            confidence: 0.95,
            half_life_days: None,
            invalid_scores: InvalidScores::Reject,
            groups: None,
        }
    }
}

impl ColumnConfig {
    /// Sets the scale (builder style).
    pub fn with_scale(mut self, scale: Scale) -> ColumnConfig {
        self.scale = scale;
        self
    }
    /// Sets the anonymity threshold (builder style).
    pub fn with_anonymity_threshold(mut self, k: u32) -> ColumnConfig {
        self.anonymity_threshold = k;
        self
    }
    /// Sets the half-life in days (builder style).
    pub fn with_half_life_days(mut self, days: Option<f64>) -> ColumnConfig {
        self.half_life_days = days;
        self
    }
    /// Sets the number of groups (builder style).
    pub fn with_groups(mut self, groups: usize) -> ColumnConfig {
        self.groups = Some(groups);
        self
    }
    /// Sets the policy for scores outside the scale (builder style).
    pub fn with_invalid_scores(mut self, policy: InvalidScores) -> ColumnConfig {
        self.invalid_scores = policy;
        self
    }
    /// Sets the confidence level (builder style).
    pub fn with_confidence(mut self, confidence: f64) -> ColumnConfig {
        self.confidence = confidence;
        self
    }
    /// Sets the top box (builder style).
    pub fn with_top_box(mut self, top_box: u8) -> ColumnConfig {
        self.top_box = top_box;
        self
    }
}

/// The input columns, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct Columns<'a> {
    /// Group id of each rating, `0..groups`.
    pub groups: &'a [u32],
    /// Score of each rating, on the configured scale.
    pub scores: &'a [u8],
    /// When each rating was given, in seconds since the Unix epoch (needed
    /// with a half-life).
    pub at: Option<&'a [i64]>,
    /// The scoring time, in seconds since the Unix epoch.
    pub as_of: i64,
}

/// Per-group histograms: the accumulator of the columnar path. Adding a row
/// is O(1); [`ColumnAccumulator::finish`] is O(groups).
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnAccumulator {
    config: ColumnConfig,
    groups: usize,
    levels: usize,
    counts: Vec<u64>,
    w: Vec<f64>,
    ww: Vec<f64>,
    weighted: bool,
    excluded: u64,
}

impl ColumnAccumulator {
    /// An empty accumulator for `groups` groups.
    ///
    /// # Errors
    /// `invalid_input` for a bad configuration.
    pub fn new(config: &ColumnConfig, groups: usize) -> Result<ColumnAccumulator> {
        check_config(config)?;
        let levels = config.scale.levels();
        let weighted = config.half_life_days.is_some();
        Ok(ColumnAccumulator {
            config: config.clone(),
            groups,
            levels,
            counts: vec![0; groups * levels],
            w: if weighted {
                vec![0.0; groups * levels]
            } else {
                Vec::new()
            },
            ww: if weighted {
                vec![0.0; groups * levels]
            } else {
                Vec::new()
            },
            weighted,
            excluded: 0,
        })
    }

    /// Adds one rating with decay weight `w` (1 without decay).
    ///
    /// # Errors
    /// `invalid_input` for a group id out of range, or a score outside the
    /// scale under `invalid_scores: reject` (nothing is added).
    pub fn add(&mut self, group: u32, score: u8, w: f64) -> Result<()> {
        let g = group as usize;
        if g >= self.groups {
            return Err(bad(
                "group",
                group.to_string(),
                format!("expected a group id below {}, found {group}", self.groups),
            ));
        }
        let Some(level) = self.config.scale.index_of(f64::from(score)) else {
            return match self.config.invalid_scores {
                InvalidScores::Exclude => {
                    self.excluded += 1;
                    Ok(())
                }
                _ => Err(bad(
                    "score",
                    score.to_string(),
                    out_of_scale(self.config.scale, score),
                )),
            };
        };
        let i = g * self.levels + level;
        if let Some(c) = self.counts.get_mut(i) {
            *c += 1;
        }
        if self.weighted {
            if let Some(x) = self.w.get_mut(i) {
                *x += w;
            }
            if let Some(x) = self.ww.get_mut(i) {
                *x += w * w;
            }
        }
        Ok(())
    }

    /// Adds the sums of another accumulator of the same shape.
    pub fn merge(&mut self, other: &ColumnAccumulator) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        for (a, b) in self.w.iter_mut().zip(&other.w) {
            *a += b;
        }
        for (a, b) in self.ww.iter_mut().zip(&other.ww) {
            *a += b;
        }
        self.excluded += other.excluded;
    }

    /// The histogram of one group.
    fn levels_of(&self, g: usize) -> Levels {
        let range = g * self.levels..(g + 1) * self.levels;
        let counts: Vec<u64> = self.counts.get(range.clone()).unwrap_or(&[]).to_vec();
        let (w, ww) = if self.weighted {
            (
                self.w.get(range.clone()).unwrap_or(&[]).to_vec(),
                self.ww.get(range).unwrap_or(&[]).to_vec(),
            )
        } else {
            let f: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
            (f.clone(), f)
        };
        Levels { counts, w, ww }
    }

    /// The scores of every group.
    pub fn finish(&self) -> ColumnScores {
        let cfg = &self.config;
        let scale = cfg.scale;
        let k = u64::from(cfg.anonymity_threshold);
        let z = stats::normal_quantile(1.0 - (1.0 - cfg.confidence) / 2.0);
        let groups: Vec<Levels> = (0..self.groups).map(|g| self.levels_of(g)).collect();
        let mut total = Levels::new(self.levels);
        for l in &groups {
            total.merge(l);
        }
        let means: Vec<MeanSummary> = groups
            .iter()
            .map(|l| l.summary(|i| scale.value(i)))
            .collect();
        let from = self.levels.saturating_sub(usize::from(cfg.top_box));
        let shares: Vec<_> = groups.iter().map(|l| l.share_from(from)).collect();
        let mean_prior = NormalPrior::fit(&means);
        let csat_prior = BetaPrior::fit(&shares);

        // Privacy: the total (cell 0) and the groups (cells 1..).
        let mut n = vec![total.n()];
        n.extend(groups.iter().map(Levels::n));
        let mut grouping = vec![0usize];
        grouping.extend(std::iter::repeat_n(1usize, self.groups));
        let overlap: HashMap<u64, u64> = groups
            .iter()
            .enumerate()
            .filter(|(_, l)| l.n() > 0)
            .map(|(g, l)| (privacy::pair(0, g + 1), l.n()))
            .collect();
        let candidate = vec![true; n.len()];
        let status = privacy::suppress(
            &Family {
                n: &n,
                grouping: &grouping,
                candidate: &candidate,
                overlap: &overlap,
            },
            k,
        );

        let mut out = ColumnScores::with_len(self.groups);
        let (lo, hi) = (f64::from(scale.min), f64::from(scale.max));
        for g in 0..self.groups {
            let st = status.get(g + 1).copied().unwrap_or(Status::Hidden);
            let code = match st {
                Status::Published => 0,
                Status::Primary => 1,
                Status::Complementary => 2,
                Status::Hidden => 3,
            };
            out.status.push(code);
            let (Some(m), Some(p), Some(l)) = (means.get(g), shares.get(g), groups.get(g)) else {
                continue;
            };
            if st != Status::Published {
                out.push_hidden(self.levels);
                continue;
            }
            out.n.push(m.n);
            out.n_effective.push(m.n_eff());
            let (ml, mh) = t_interval(m, cfg.confidence, lo, hi);
            out.mean.push(m.mean);
            out.mean_low.push(ml);
            out.mean_high.push(mh);
            let s = mean_prior.map(|pr| pr.shrink(m, z, lo, hi));
            out.mean_shrunk.push(s.map_or(m.mean, |s| s.value));
            out.mean_shrunk_low.push(s.map_or(ml, |s| s.low));
            out.mean_shrunk_high.push(s.map_or(mh, |s| s.high));
            out.shrink_weight.push(s.map_or(1.0, |s| s.weight));
            // The index is the mean mapped to 0–100; intervals and the
            // normal–normal shrinkage are equivariant under that map.
            let to_100 = |x: f64| (x - lo) * 100.0 / (hi - lo);
            for (col, v) in [
                (&mut out.index, m.mean),
                (&mut out.index_low, ml),
                (&mut out.index_high, mh),
                (
                    &mut out.index_shrunk,
                    *out.mean_shrunk.last().unwrap_or(&f64::NAN),
                ),
                (
                    &mut out.index_shrunk_low,
                    *out.mean_shrunk_low.last().unwrap_or(&f64::NAN),
                ),
                (
                    &mut out.index_shrunk_high,
                    *out.mean_shrunk_high.last().unwrap_or(&f64::NAN),
                ),
            ] {
                col.push(to_100(v));
            }
            let (cl, ch) = stats::wilson(p.p, p.n_eff(), z);
            out.csat.push(p.p);
            out.csat_low.push(cl);
            out.csat_high.push(ch);
            let s = csat_prior.map(|pr| pr.shrink(p, cfg.confidence));
            out.csat_shrunk.push(s.map_or(p.p, |s| s.value));
            out.csat_shrunk_low.push(s.map_or(cl, |s| s.low));
            out.csat_shrunk_high.push(s.map_or(ch, |s| s.high));
            out.distribution.extend(l.shares());
        }
        let tm = total.summary(|i| scale.value(i));
        let tp = total.share_from(from);
        out.total = ColumnTotal {
            published: status.first() == Some(&Status::Published),
            n: tm.n,
            mean: tm.mean,
            csat: tp.p,
            index: total.summary(|i| scale.to_100(i)).mean,
            tau2: mean_prior.map(|p| p.tau2),
            sigma2: mean_prior.map(|p| p.sigma2),
            csat_alpha: csat_prior.map(|p| p.alpha),
            csat_beta: csat_prior.map(|p| p.beta),
        };
        if !out.total.published {
            out.total.n = 0;
            out.total.mean = f64::NAN;
            out.total.csat = f64::NAN;
            out.total.index = f64::NAN;
        }
        out.excluded = self.excluded;
        out.levels = self.levels;
        out
    }
}

fn t_interval(m: &MeanSummary, confidence: f64, lo: f64, hi: f64) -> (f64, f64) {
    let n = m.n_eff();
    let var = m.var_w();
    if n > 1.0 && var.is_finite() {
        let t = stats::t_quantile(1.0 - (1.0 - confidence) / 2.0, n - 1.0);
        let half = t * (var / n).sqrt();
        ((m.mean - half).max(lo), (m.mean + half).min(hi))
    } else {
        (f64::NAN, f64::NAN)
    }
}

/// The total over all groups, and the fitted priors.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ColumnTotal {
    /// Whether the total is published (at least `k` ratings).
    pub published: bool,
    /// Ratings counted.
    pub n: u64,
    /// Mean score.
    pub mean: f64,
    /// CSAT.
    pub csat: f64,
    /// Index 0–100.
    pub index: f64,
    /// Between-group variance of the mean (method of moments), if fitted.
    pub tau2: Option<f64>,
    /// Pooled within-group variance, if fitted.
    pub sigma2: Option<f64>,
    /// Beta prior α of CSAT, if fitted.
    pub csat_alpha: Option<f64>,
    /// Beta prior β of CSAT, if fitted.
    pub csat_beta: Option<f64>,
}

/// Per-group results as columns (one entry per group id). Groups that are
/// suppressed (status ≠ 0) have `n = 0` and NaN everywhere else (`null` in
/// JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[allow(missing_docs)]
pub struct ColumnScores {
    /// 0 published, 1 fewer than k ratings, 2 complementary suppression,
    /// 3 no ratings.
    pub status: Vec<u8>,
    pub n: Vec<u64>,
    pub n_effective: Vec<f64>,
    pub mean: Vec<f64>,
    pub mean_low: Vec<f64>,
    pub mean_high: Vec<f64>,
    pub mean_shrunk: Vec<f64>,
    pub mean_shrunk_low: Vec<f64>,
    pub mean_shrunk_high: Vec<f64>,
    /// Weight on the group's own data in the shrunk mean (1 − B).
    pub shrink_weight: Vec<f64>,
    pub csat: Vec<f64>,
    pub csat_low: Vec<f64>,
    pub csat_high: Vec<f64>,
    pub csat_shrunk: Vec<f64>,
    pub csat_shrunk_low: Vec<f64>,
    pub csat_shrunk_high: Vec<f64>,
    pub index: Vec<f64>,
    pub index_low: Vec<f64>,
    pub index_high: Vec<f64>,
    pub index_shrunk: Vec<f64>,
    pub index_shrunk_low: Vec<f64>,
    pub index_shrunk_high: Vec<f64>,
    /// Shares of each level per group, row-major (`groups × levels`).
    pub distribution: Vec<f64>,
    /// Levels of the scale.
    pub levels: usize,
    /// The total and the priors.
    pub total: ColumnTotal,
    /// Ratings left out (scores outside the scale, under `exclude`).
    pub excluded: u64,
}

impl ColumnScores {
    fn with_len(g: usize) -> ColumnScores {
        let v = || Vec::with_capacity(g);
        ColumnScores {
            status: Vec::with_capacity(g),
            n: Vec::with_capacity(g),
            n_effective: v(),
            mean: v(),
            mean_low: v(),
            mean_high: v(),
            mean_shrunk: v(),
            mean_shrunk_low: v(),
            mean_shrunk_high: v(),
            shrink_weight: v(),
            csat: v(),
            csat_low: v(),
            csat_high: v(),
            csat_shrunk: v(),
            csat_shrunk_low: v(),
            csat_shrunk_high: v(),
            index: v(),
            index_low: v(),
            index_high: v(),
            index_shrunk: v(),
            index_shrunk_low: v(),
            index_shrunk_high: v(),
            distribution: Vec::new(),
            levels: 0,
            total: ColumnTotal::default(),
            excluded: 0,
        }
    }

    fn push_hidden(&mut self, levels: usize) {
        self.n.push(0);
        for v in [
            &mut self.n_effective,
            &mut self.mean,
            &mut self.mean_low,
            &mut self.mean_high,
            &mut self.mean_shrunk,
            &mut self.mean_shrunk_low,
            &mut self.mean_shrunk_high,
            &mut self.shrink_weight,
            &mut self.csat,
            &mut self.csat_low,
            &mut self.csat_high,
            &mut self.csat_shrunk,
            &mut self.csat_shrunk_low,
            &mut self.csat_shrunk_high,
            &mut self.index,
            &mut self.index_low,
            &mut self.index_high,
            &mut self.index_shrunk,
            &mut self.index_shrunk_low,
            &mut self.index_shrunk_high,
        ] {
            v.push(f64::NAN);
        }
        self.distribution
            .extend(std::iter::repeat_n(f64::NAN, levels));
    }

    /// The float columns by name, in a fixed order (for bindings).
    pub fn float_columns(&self) -> Vec<(&'static str, &[f64])> {
        vec![
            ("n_effective", &self.n_effective),
            ("mean", &self.mean),
            ("mean_low", &self.mean_low),
            ("mean_high", &self.mean_high),
            ("mean_shrunk", &self.mean_shrunk),
            ("mean_shrunk_low", &self.mean_shrunk_low),
            ("mean_shrunk_high", &self.mean_shrunk_high),
            ("shrink_weight", &self.shrink_weight),
            ("csat", &self.csat),
            ("csat_low", &self.csat_low),
            ("csat_high", &self.csat_high),
            ("csat_shrunk", &self.csat_shrunk),
            ("csat_shrunk_low", &self.csat_shrunk_low),
            ("csat_shrunk_high", &self.csat_shrunk_high),
            ("index", &self.index),
            ("index_low", &self.index_low),
            ("index_high", &self.index_high),
            ("index_shrunk", &self.index_shrunk),
            ("index_shrunk_low", &self.index_shrunk_low),
            ("index_shrunk_high", &self.index_shrunk_high),
        ]
    }
}

fn bad(path: &str, value: String, message: String) -> Error {
    Error::invalid(
        "satisfaction columns",
        vec![Issue::new(path, value, IssueCode::OutOfRange, message)],
    )
}

fn out_of_scale(scale: Scale, score: u8) -> String {
    format!(
        "expected a whole number from {} to {}, found {score}",
        scale.min, scale.max
    )
}

fn check_config(c: &ColumnConfig) -> Result<()> {
    let cfg = super::ScoreConfig {
        overall_scale: c.scale,
        top_box: c.top_box,
        anonymity_threshold: c.anonymity_threshold,
        confidence: c.confidence,
        half_life_days: c.half_life_days,
        ..super::ScoreConfig::default()
    };
    let issues = cfg.issues("");
    if issues.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid("satisfaction column configuration", issues))
    }
}

/// A chunk's number, its histogram and its first bad row (row, whether the
/// group id is the problem).
type Counted = (usize, ColumnAccumulator, Option<(usize, bool)>);

/// One chunk's histogram, or the first bad row.
fn count_chunk(
    acc: &mut ColumnAccumulator,
    cols: &Columns<'_>,
    start: usize,
    end: usize,
    half_life_seconds: Option<f64>,
) -> Option<(usize, bool)> {
    let levels = acc.levels;
    let groups = acc.groups;
    let min = acc.config.scale.min;
    let exclude = acc.config.invalid_scores == InvalidScores::Exclude;
    let g = cols.groups.get(start..end).unwrap_or(&[]);
    let s = cols.scores.get(start..end).unwrap_or(&[]);
    match (half_life_seconds, cols.at) {
        (Some(h), Some(at)) => {
            let at = at.get(start..end).unwrap_or(&[]);
            for (i, ((&g, &s), &t)) in g.iter().zip(s).zip(at).enumerate() {
                let level = usize::from(s.wrapping_sub(min));
                let g = g as usize;
                if g >= groups {
                    return Some((start + i, true));
                }
                if level >= levels {
                    if exclude {
                        acc.excluded += 1;
                        continue;
                    }
                    return Some((start + i, false));
                }
                let age = (cols.as_of - t).max(0) as f64;
                let w = (-age / h).exp2();
                let j = g * levels + level;
                if let (Some(c), Some(x), Some(xx)) =
                    (acc.counts.get_mut(j), acc.w.get_mut(j), acc.ww.get_mut(j))
                {
                    *c += 1;
                    *x += w;
                    *xx += w * w;
                }
            }
        }
        _ => {
            for (i, (&g, &s)) in g.iter().zip(s).enumerate() {
                let level = usize::from(s.wrapping_sub(min));
                let g = g as usize;
                if g >= groups {
                    return Some((start + i, true));
                }
                if level >= levels {
                    if exclude {
                        acc.excluded += 1;
                        continue;
                    }
                    return Some((start + i, false));
                }
                if let Some(c) = acc.counts.get_mut(g * levels + level) {
                    *c += 1;
                }
            }
        }
    }
    None
}

/// Scores millions of ratings given as columns.
///
/// # Errors
/// `invalid_input` when the columns differ in length, a group id is out of
/// range (`groups[i]`), a score is outside the scale under
/// `invalid_scores: reject` (`scores[i]`), `at` is missing while a
/// half-life is set, or the configuration is bad.
///
/// ```
/// use steward::satisfaction::{score_columns, ColumnConfig, Columns};
/// let groups = [0u32, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
/// let scores = [5u8, 4, 4, 5, 3, 2, 3, 4, 3, 3, 5];
/// let out = score_columns(
///     &Columns { groups: &groups, scores: &scores, at: None, as_of: 0 },
///     &ColumnConfig::default(),
/// )?;
/// assert_eq!(out.n, [5, 6]);
/// assert!((out.mean[0] - 4.2).abs() < 1e-12);
/// assert!((out.csat[1] - 2.0 / 6.0).abs() < 1e-12);
/// let err = score_columns(
///     &Columns { groups: &[0], scores: &[9], at: None, as_of: 0 },
///     &ColumnConfig::default(),
/// ).unwrap_err();
/// assert_eq!(err.issues()[0].path, "scores[0]");
/// # Ok::<(), steward::Error>(())
/// ```
pub fn score_columns(cols: &Columns<'_>, config: &ColumnConfig) -> Result<ColumnScores> {
    let rows = cols.groups.len();
    if cols.scores.len() != rows {
        return Err(bad(
            "scores",
            cols.scores.len().to_string(),
            format!(
                "expected as many scores as group ids ({rows}), found {}",
                cols.scores.len()
            ),
        ));
    }
    let half_life_seconds = config.half_life_days.map(|d| d * 86_400.0);
    if half_life_seconds.is_some() {
        match cols.at {
            None => {
                return Err(bad(
                    "at",
                    String::new(),
                    "a half-life needs the time of each rating".to_owned(),
                ));
            }
            Some(at) if at.len() != rows => {
                return Err(bad(
                    "at",
                    at.len().to_string(),
                    format!(
                        "expected as many times as group ids ({rows}), found {}",
                        at.len()
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    let groups = match config.groups {
        Some(g) => g,
        None => cols.groups.iter().max().map_or(0, |&m| m as usize + 1),
    };
    let template = ColumnAccumulator::new(config, groups)?;
    let chunks = rows.div_ceil(CHUNK);
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(chunks.max(1));
    // Each thread counts chunks t, t + threads, …; results are merged in chunk order.
    let mut results: Vec<Counted> = if threads <= 1 {
        (0..chunks)
            .map(|c| {
                let mut acc = template.clone();
                let bad = count_chunk(
                    &mut acc,
                    cols,
                    c * CHUNK,
                    ((c + 1) * CHUNK).min(rows),
                    half_life_seconds,
                );
                (c, acc, bad)
            })
            .collect()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let template = &template;
                    scope.spawn(move || {
                        (t..chunks)
                            .step_by(threads)
                            .map(|c| {
                                let mut acc = template.clone();
                                let bad = count_chunk(
                                    &mut acc,
                                    cols,
                                    c * CHUNK,
                                    ((c + 1) * CHUNK).min(rows),
                                    half_life_seconds,
                                );
                                (c, acc, bad)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    };
    if results.len() != chunks {
        return Err(Error::internal("a counting thread failed"));
    }
    results.sort_by_key(|(c, _, _)| *c);
    let mut total = template;
    for (_, acc, bad_row) in &results {
        if let Some((row, group)) = bad_row {
            let row = *row;
            return Err(if *group {
                let g = cols.groups.get(row).copied().unwrap_or(0);
                bad(
                    &format!("groups[{row}]"),
                    g.to_string(),
                    format!("expected a group id below {groups}, found {g}"),
                )
            } else {
                let s = cols.scores.get(row).copied().unwrap_or(0);
                bad(
                    &format!("scores[{row}]"),
                    s.to_string(),
                    out_of_scale(config.scale, s),
                )
            });
        }
        total.merge(acc);
    }
    Ok(total.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incremental_equals_batch() {
        let n = 3 * CHUNK / 2 + 17;
        let groups: Vec<u32> = (0..n).map(|i| ((i * 7919) % 13) as u32).collect();
        let scores: Vec<u8> = (0..n).map(|i| (1 + (i * 31 + i / 3) % 5) as u8).collect();
        let at: Vec<i64> = (0..n).map(|i| (i % 1000) as i64 * 86_400).collect();
        let cfg = ColumnConfig::default().with_half_life_days(Some(90.0));
        let cols = Columns {
            groups: &groups,
            scores: &scores,
            at: Some(&at),
            as_of: 1000 * 86_400,
        };
        let batch = score_columns(&cols, &cfg).unwrap();
        let mut acc = ColumnAccumulator::new(&cfg, 13).unwrap();
        for i in 0..n {
            let w = (-((1000 * 86_400 - at[i]) as f64) / (90.0 * 86_400.0)).exp2();
            acc.add(groups[i], scores[i], w).unwrap();
        }
        let one = acc.finish();
        assert_eq!(one.n, batch.n);
        for ((name, a), (_, b)) in one.float_columns().into_iter().zip(batch.float_columns()) {
            for (x, y) in a.iter().zip(b) {
                assert!(
                    (x - y).abs() <= 1e-12 * x.abs().max(1.0),
                    "{name}: {x} vs {y}"
                );
            }
        }
    }

    #[test]
    fn small_groups_are_suppressed_with_a_complement() {
        // Group 2 has 3 ratings: suppressed; total − published = 3 < 5, so
        // the smallest published group (group 1, 6 ratings) goes too.
        let mut groups = vec![0u32; 10];
        groups.extend([1u32; 6]);
        groups.extend([2u32; 3]);
        let scores = vec![4u8; groups.len()];
        let out = score_columns(
            &Columns {
                groups: &groups,
                scores: &scores,
                at: None,
                as_of: 0,
            },
            &ColumnConfig::default(),
        )
        .unwrap();
        assert_eq!(out.status, [0, 2, 1]);
        assert_eq!(out.n, [10, 0, 0]);
        assert!(out.mean[1].is_nan());
        assert!(out.total.published);
    }

    #[test]
    fn bad_rows_are_named() {
        let cols = Columns {
            groups: &[0, 5],
            scores: &[3, 3],
            at: None,
            as_of: 0,
        };
        let err = score_columns(&cols, &ColumnConfig::default().with_groups(2)).unwrap_err();
        assert_eq!(err.issues()[0].path, "groups[1]");
        let cols = Columns {
            groups: &[0, 0, 0],
            scores: &[3, 0, 6],
            at: None,
            as_of: 0,
        };
        let out = score_columns(
            &cols,
            &ColumnConfig::default()
                .with_invalid_scores(InvalidScores::Exclude)
                .with_anonymity_threshold(1),
        )
        .unwrap();
        assert_eq!(out.excluded, 2);
        assert_eq!(out.n, [1]);
    }
}
