//! Satisfaction scoring: statistically honest indices from post-service
//! ratings, surveys and service outcomes.
//!
//! # What it computes
//!
//! For the whole estate and for every group of every configured grouping
//! (estate, building, category, staff member, period, source — any
//! combination, see [`Grouping`]):
//!
//! - **n** (respondents) and **n_effective** (after time decay);
//! - the **overall score**: decay-weighted mean with a Student-t interval,
//!   the distribution of answers, and **CSAT** — the share in the top box
//!   (top two of five by default: 满意 and 很满意) — with a Wilson interval;
//! - **NPS** from likelihood to recommend (0–10): % promoters (9–10) minus %
//!   detractors (0–6), with a normal interval;
//! - a **0–100 index** from the weighted dimensions: each response's
//!   answered dimensions are mapped to 0–100 (`(answer − min)/(max − min)`)
//!   and averaged with the configured weights, renormalised over the
//!   dimensions it answered (a response with none counts its overall score,
//!   configurable); the group's index is the mean of its responses';
//! - each **dimension**'s mean, distribution and CSAT;
//! - for each of these, a **shrunk estimate** with its interval: normal–normal
//!   empirical Bayes (method-of-moments τ²) for means, NPS and the index,
//!   beta–binomial empirical Bayes for shares, toward the parent group (the
//!   estate for buildings; the building for building × month…), when the
//!   parent has at least three groups with data — formulas in
//!   [the shrinkage documentation](self#shrinkage);
//! - the **trend** against the previous period: Welch's t-test for means and
//!   the index, a two-proportion z-test for CSAT, a z-test for NPS, and a
//!   sentence saying whether the change is distinguishable from noise at the
//!   configured significance level;
//! - **service outcomes** of the group's work orders: share reached on site
//!   and resolved within the SLA target (table in [`SlaTable`]), share
//!   reopened, each with a Wilson interval and beta–binomial shrinkage.
//!
//! And for the whole: **drivers** — which dimensions move the overall score
//! most, and which service outcomes (late arrival, late resolution, reopen)
//! move the post-service rating most: Pearson correlations with Fisher z
//! intervals and standardised OLS coefficients (derived importance), with n.
//!
//! # Time decay
//!
//! A response given `a` days before `as_of` weighs `2^(−a / half_life)`
//! (default half-life 365 days; `null` turns decay off). Means and shares
//! are weighted; intervals use Kish's effective sample size
//! `n_eff = (Σw)²/Σw²`. Trends compare two periods without decay.
//!
//! # Privacy
//!
//! A group with fewer respondents than the anonymity threshold (default 5)
//! is suppressed in every output — its satisfaction, its dimensions, its
//! trend. So is any group whose publication would let a suppressed one be
//! recovered by subtraction (complementary suppression; see
//! [the privacy rule](self#the-privacy-rule)). Suppressed groups show no
//! numbers at all, not even their size. Dimension answers and work orders
//! are protected the same way. Results never contain names, phone numbers,
//! comments, respondent or household ids: scoring does not read them.
//!
//! ## The privacy rule
//!
//! Primary: `0 < n < k` is suppressed. Complementary, repeated until stable:
//! for every published group `A` and every other grouping, the published
//! groups of that grouping lying entirely inside `A` (checked on the data)
//! must leave either nobody or at least `k` respondents of `A` uncovered;
//! otherwise the smallest of them is suppressed too. This covers "parent
//! minus its published children" and the difference of any two nested
//! groups. It does not attempt the general problem of combining several
//! overlapping, non-nested groupings (NP-hard in general).
//!
//! # Shrinkage
//!
//! Means (normal–normal): `σ²` pooled within the sibling groups,
//! `vⱼ = σ²/nⱼ`, `μ` the parent's mean, `τ² = max(0, (Q − (k−1)) /
//! (Σuⱼ − Σuⱼ²/Σuⱼ))` with `uⱼ = 1/vⱼ` (DerSimonian–Laird method of
//! moments), `Bⱼ = vⱼ/(vⱼ + τ²)`, estimate `μ + (1 − Bⱼ)(ȳⱼ − μ)`, interval
//! `± z √((1 − Bⱼ)vⱼ + Bⱼ² Var μ)`.
//!
//! Shares (beta–binomial): prior Beta(α, β) with mean `p₀` (the parent's
//! share) and strength `α + β = p₀(1 − p₀)/τ² − 1` from the same method of
//! moments, limited to `[1, parent n]`; estimate `(α + x)/(α + β + n)` and
//! the equal-tailed interval of Beta(α + x, β + n − x).
//!
//! # Incremental updates
//!
//! [`Accumulator`] keeps sufficient statistics (per-level histograms and
//! weighted sums per group, pairwise group overlaps, driver cross-products);
//! adding a response updates them in O(1) per group it belongs to, and
//! [`Accumulator::result`] equals batch [`score`].
//!
//! # Scale
//!
//! [`score_columns`] scores millions of ratings given as integer columns
//! (group id, score) with the same statistics and privacy rule.
//!
//! ```
//! use steward::satisfaction::{self, GroupKey, ScoreConfig};
//!
//! let estate = steward::demo::estate();
//! let result = satisfaction::score(&estate, &ScoreConfig::default(), steward::demo::now())?;
//! let whole = result.group(&[]).unwrap();
//! let s = whole.satisfaction.as_ref().unwrap().published().unwrap();
//! let index = s.index.as_ref().unwrap();
//! assert!(index.value > 0.0 && index.value < 100.0);
//! assert!(index.ci_low.unwrap() < index.value && index.value < index.ci_high.unwrap());
//! // Building 9 returned only three survey forms: suppressed.
//! let b9 = result.group(&[(GroupKey::Building, "B9")]).unwrap();
//! assert!(b9.satisfaction.as_ref().unwrap().published().is_none());
//! # Ok::<(), steward::Error>(())
//! ```

mod accumulate;
mod columns;
mod config;
mod drivers;
mod outcomes;
mod privacy;
mod record;
mod result;
mod section;
mod shrink;
mod stats;
mod summary;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

pub use accumulate::Accumulator;
pub use columns::{
    CHUNK, ColumnAccumulator, ColumnConfig, ColumnScores, ColumnTotal, Columns, score_columns,
};
pub use config::{
    DimensionSpec, GroupKey, Grouping, IndexFallback, InvalidScores, PeriodUnit, ResponseClock,
    Scale, ScoreConfig, SlaTable, SlaTarget, Source,
};
pub use outcomes::{ServiceOutcome, service_outcome};
pub use record::ResponseRecord;
pub use result::{
    Cell, Change, DimensionScore, DimensionWeight, Driver, DriverKind, DriverModel, Drivers,
    Estimate, Exclusion, GroupScore, LeftOut, Method, Parameters, Satisfaction, ScaleScore,
    ScoreResult, Service, ShrunkEstimate, Suppression, Trend,
};
pub use section::SatisfactionSection;
pub use shrink::MIN_GROUPS;

use crate::{Error, Estate, Issue, IssueCode, Result};

/// Schema id of a score request document.
pub const REQUEST_SCHEMA: &str = "steward.satisfaction.score.request.v1";
/// Schema id of a score response document.
pub const RESPONSE_SCHEMA: &str = "steward.satisfaction.score.response.v1";

/// Scores an estate's ratings, surveys and work orders at `as_of`.
///
/// # Errors
/// `invalid_input` for a bad configuration (every field named), or, with
/// `invalid_scores: reject` (the default), for answers outside a configured
/// scale or dimensions the configuration does not list.
///
/// ```
/// use steward::satisfaction::{self, ScoreConfig};
/// let estate = steward::demo::estate();
/// let bad = ScoreConfig::default().with_anonymity_threshold(0);
/// let err = satisfaction::score(&estate, &bad, steward::demo::now()).unwrap_err();
/// assert_eq!(err.issues()[0].path, "config.anonymity_threshold");
/// ```
pub fn score(
    estate: &Estate,
    config: &ScoreConfig,
    as_of: DateTime<FixedOffset>,
) -> Result<ScoreResult> {
    Ok(Accumulator::for_estate(estate, config, as_of)?.result())
}

/// A score request: records (an estate and/or flat responses), the
/// configuration and the time. Self-contained: the response is a pure
/// function of the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreRequest {
    /// Must be [`REQUEST_SCHEMA`].
    pub schema: String,
    /// Scoring time: later records are left out, decay counts back from it,
    /// and it fixes the current period.
    #[serde(with = "crate::wire::timestamp")]
    pub as_of: DateTime<FixedOffset>,
    /// An estate whose ratings, survey responses and work orders are scored
    /// (validated as [`Estate::from_json`] does).
    #[serde(default)]
    pub estate: Option<Estate>,
    /// Further responses as flat records.
    #[serde(default)]
    pub responses: Vec<ResponseRecord>,
    /// The configuration (every field optional).
    #[serde(default)]
    pub config: ScoreConfig,
}

/// A score response: the request's time and the [`ScoreResult`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreResponse {
    /// [`RESPONSE_SCHEMA`].
    pub schema: &'static str,
    /// The request's `as_of`.
    #[serde(with = "crate::wire::timestamp")]
    pub as_of: DateTime<FixedOffset>,
    /// The scores.
    #[serde(flatten)]
    pub result: ScoreResult,
}

impl ScoreRequest {
    /// Parses a request document (UTF-8 JSON).
    ///
    /// # Errors
    /// `invalid_input` naming the field, as every document parser.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<ScoreRequest> {
        crate::wire::from_json_bytes(bytes, "satisfaction request")
    }

    /// Runs the request.
    ///
    /// # Errors
    /// `invalid_input` for a wrong `schema`, an invalid estate (issues under
    /// `estate.`), a bad configuration (under `config.`), answers outside
    /// their scale (under `responses[i].` / `estate.ratings[i].`) or a
    /// response naming a work order the estate does not have.
    pub fn run(&self) -> Result<ScoreResponse> {
        if self.schema != REQUEST_SCHEMA {
            return Err(Error::invalid(
                "satisfaction request",
                vec![Issue::new(
                    "schema",
                    crate::wire::render_str(&self.schema),
                    IssueCode::InvalidValue,
                    format!("expected {REQUEST_SCHEMA:?}, found {:?}", self.schema),
                )],
            ));
        }
        let mut acc = match &self.estate {
            Some(estate) => {
                if let Err(e) = estate.validate() {
                    let issues = e
                        .issues()
                        .iter()
                        .map(|i| {
                            let mut i = i.clone();
                            i.path = if i.path.is_empty() {
                                "estate".to_owned()
                            } else {
                                format!("estate.{}", i.path)
                            };
                            i
                        })
                        .collect();
                    return Err(Error::invalid("satisfaction request", issues));
                }
                Accumulator::for_estate(estate, &self.config, self.as_of)?
            }
            None => Accumulator::new(&self.config, self.as_of)?,
        };
        acc.add_responses(&self.responses, "responses")?;
        Ok(ScoreResponse {
            schema: RESPONSE_SCHEMA,
            as_of: self.as_of,
            result: acc.result(),
        })
    }
}

/// The `satisfaction.score` document entry point: a [`ScoreRequest`] in, a
/// [`ScoreResponse`] (compact JSON) out.
///
/// # Errors
/// As [`ScoreRequest::from_json_bytes`] and [`ScoreRequest::run`].
///
/// ```
/// let out = steward::wire::call("satisfaction.score", br#"{
///   "schema": "steward.satisfaction.score.request.v1",
///   "as_of": "2022-12-31T00:00:00+08:00",
///   "responses": [{"at": "2022-12-01T10:00:00+08:00", "overall": 4}]
/// }"#)?;
/// assert!(out.starts_with(r#"{"schema":"steward.satisfaction.score.response.v1""#));
/// # Ok::<(), steward::Error>(())
/// ```
pub fn score_entry(document: &[u8]) -> Result<String> {
    let response = ScoreRequest::from_json_bytes(document)?.run()?;
    Ok(crate::wire::to_json(&response))
}

/// Runs a score request about an estate the caller already holds (read from
/// a store): the request must not carry its own `estate`.
///
/// # Errors
/// As [`score_entry`]; `invalid_input` at `estate` if the request has one.
pub fn score_with_estate(document: &[u8], estate: &Estate) -> Result<String> {
    let mut request = ScoreRequest::from_json_bytes(document)?;
    if request.estate.is_some() {
        return Err(Error::invalid(
            "satisfaction request",
            vec![Issue::new(
                "estate",
                "",
                IssueCode::InvalidValue,
                "the estate comes from the store; leave `estate` out of the request",
            )],
        ));
    }
    request.estate = Some(estate.clone());
    Ok(crate::wire::to_json(&request.run()?))
}

/// Scores columns with a configuration given as JSON (`None` for the
/// defaults) and returns the [`ColumnScores`] as JSON (NaN as `null`), for
/// the C ABI.
///
/// # Errors
/// `invalid_input` for a bad configuration document or bad columns, as
/// [`score_columns`].
pub fn score_columns_json(cols: &Columns<'_>, config: Option<&[u8]>) -> Result<String> {
    let config: ColumnConfig = match config {
        Some(bytes) => crate::wire::from_json_bytes(bytes, "satisfaction column configuration")?,
        None => ColumnConfig::default(),
    };
    Ok(crate::wire::to_json(&score_columns(cols, &config)?))
}

#[cfg(test)]
mod tests;
