//! What scoring returns: per-group statistics with intervals, shrunk
//! estimates, trends, service outcomes and drivers — each saying how it was
//! computed — and nothing personal.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use super::config::{GroupKey, PeriodUnit};
use crate::DimensionId;

/// Writes a float rounded to 6 decimals (documents stay readable and stable
/// across platforms; the typed API keeps full precision). Non-finite values
/// are written as `null`.
pub(crate) fn round6<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.is_finite() {
        let r = (v * 1e6).round() / 1e6;
        // -0.0 prints as "-0.0"; keep documents tidy.
        s.serialize_f64(if r == 0.0 { 0.0 } else { r })
    } else {
        s.serialize_none()
    }
}

pub(crate) fn round6_opt<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => round6(v, s),
        None => s.serialize_none(),
    }
}

/// How a number was computed. The ids are the contract; [`Method::describe`]
/// gives the sentence (the response lists the ones it uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Method {
    /// Student-t interval for a (weighted) mean.
    TInterval,
    /// Wilson score interval for a proportion.
    Wilson,
    /// Normal (Wald) interval for a mean of −100/0/+100 values (NPS).
    Wald,
    /// Normal–normal empirical Bayes, method-of-moments τ².
    NormalNormalEb,
    /// Beta–binomial empirical Bayes, method-of-moments prior strength.
    BetaBinomialEb,
    /// Fisher z interval for a correlation.
    FisherZ,
    /// Welch's two-sample t-test.
    WelchT,
    /// Two-proportion z-test with pooled proportion.
    TwoProportionZ,
    /// z-test of two means with unpooled variances.
    TwoMeansZ,
    /// Standardised OLS regression coefficients (beta weights).
    StandardisedOls,
}

impl Method {
    /// One sentence saying what the method is.
    pub fn describe(self) -> &'static str {
        match self {
            Method::TInterval => {
                "Student-t interval x̄ ± t(1−α/2, n_eff−1)·s/√n_eff, with x̄ the decay-weighted mean, s² the reliability-weighted variance and n_eff = (Σw)²/Σw² (Kish); clipped to the scale."
            }
            Method::Wilson => {
                "Wilson score interval for a (decay-weighted) proportion with n = n_eff."
            }
            Method::Wald => {
                "Normal interval for NPS as the mean of +100 (9–10), 0 (7–8) and −100 (0–6): NPS ± z·√(variance/n_eff); clipped to [−100, 100]."
            }
            Method::NormalNormalEb => {
                "Empirical-Bayes shrinkage toward the parent group: ȳ ~ N(θ, σ²/n_eff), θ ~ N(μ, τ²), σ² pooled within sibling groups, μ the parent's mean, τ² by the method of moments (DerSimonian–Laird); estimate μ + (1−B)(ȳ−μ) with B = v/(v+τ²), interval ± z·√((1−B)v + B²Var(μ))."
            }
            Method::BetaBinomialEb => {
                "Empirical-Bayes shrinkage of a proportion: Beta(α, β) prior with the parent's share p₀ as mean and strength α+β = p₀(1−p₀)/τ² − 1 (method of moments, limited to [1, parent n]); estimate and equal-tailed interval from the Beta(α + x, β + n − x) posterior."
            }
            Method::FisherZ => {
                "Fisher z interval tanh(atanh r ± z/√(n−3)) for a Pearson correlation."
            }
            Method::WelchT => {
                "Welch's two-sample t-test (unequal variances, Welch–Satterthwaite degrees of freedom), two-sided; periods compared without decay."
            }
            Method::TwoProportionZ => {
                "Two-proportion z-test with the pooled proportion, two-sided."
            }
            Method::TwoMeansZ => "z-test of two means with unpooled variances, two-sided.",
            Method::StandardisedOls => {
                "Derived importance: standardised coefficients (beta weights) of an ordinary least-squares regression of the outcome on all drivers, complete cases only, from the correlation matrix; standard errors √((1−R²)/(n−p−1)·(R⁻¹)ⱼⱼ)."
            }
        }
    }
}

/// A shrunk (empirical-Bayes) estimate with its interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShrunkEstimate {
    /// The shrunk value.
    #[serde(serialize_with = "round6")]
    pub value: f64,
    /// Lower end of the interval.
    #[serde(serialize_with = "round6")]
    pub ci_low: f64,
    /// Upper end of the interval.
    #[serde(serialize_with = "round6")]
    pub ci_high: f64,
    /// Weight on the group's own data (1 − B), 0 to 1.
    #[serde(serialize_with = "round6")]
    pub weight: f64,
    /// The parent value it is shrunk toward.
    #[serde(serialize_with = "round6")]
    pub toward: f64,
    /// How.
    pub method: Method,
}

/// A statistic with its sample size, interval and method (and, for groups
/// with a parent and enough siblings, a shrunk estimate).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// The (decay-weighted) value.
    #[serde(serialize_with = "round6")]
    pub value: f64,
    /// Number of answers behind it.
    pub n: u64,
    /// Effective sample size after decay weighting.
    #[serde(serialize_with = "round6")]
    pub n_effective: f64,
    /// Lower end of the interval (`null` when it cannot be computed, e.g. n = 1).
    #[serde(serialize_with = "round6_opt")]
    pub ci_low: Option<f64>,
    /// Upper end of the interval.
    #[serde(serialize_with = "round6_opt")]
    pub ci_high: Option<f64>,
    /// How the interval was computed.
    pub method: Method,
    /// The estimate shrunk toward the parent group, when there is one with at
    /// least three sibling groups.
    pub shrunk: Option<ShrunkEstimate>,
}

/// Scores on one answer scale (the overall score or a dimension).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScaleScore {
    /// Number of answers.
    pub n: u64,
    /// Mean answer.
    pub mean: Estimate,
    /// (Weighted) share of each answer, lowest first.
    #[serde(serialize_with = "round6_vec")]
    pub distribution: Vec<f64>,
    /// Share of answers in the top box (CSAT), 0 to 1.
    pub csat: Estimate,
}

fn round6_vec<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(v.len()))?;
    for x in v {
        seq.serialize_element(&Rounded(*x))?;
    }
    seq.end()
}

struct Rounded(f64);

impl Serialize for Rounded {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        round6(&self.0, s)
    }
}

/// Why something was not published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `min_respondents` (fewer than the threshold), `complementary` (hidden
    /// so that a smaller suppressed group cannot be recovered by subtracting
    /// published groups), or `parent_suppressed`.
    pub rule: &'static str,
    /// A sentence.
    pub message: String,
}

/// A published value, or the reason it is not.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Cell<T> {
    /// Published.
    Published(T),
    /// Suppressed for privacy.
    Suppressed(Suppression),
}

impl<T> Cell<T> {
    /// The value, if published.
    pub fn published(&self) -> Option<&T> {
        match self {
            Cell::Published(t) => Some(t),
            Cell::Suppressed(_) => None,
        }
    }
}

/// One dimension's scores in a group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionScore {
    /// The dimension.
    pub dimension: DimensionId,
    /// Its scores, or why they are suppressed.
    pub score: Cell<ScaleScore>,
}

/// The change of one statistic from the previous period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Value in the later period (unweighted).
    #[serde(serialize_with = "round6")]
    pub current: f64,
    /// Value in the earlier period (unweighted).
    #[serde(serialize_with = "round6")]
    pub previous: f64,
    /// `current − previous`.
    #[serde(serialize_with = "round6")]
    pub change: f64,
    /// Answers in the later period.
    pub n_current: u64,
    /// Answers in the earlier period.
    pub n_previous: u64,
    /// The test.
    pub test: Method,
    /// Test statistic (t or z).
    #[serde(serialize_with = "round6")]
    pub statistic: f64,
    /// Degrees of freedom (t tests).
    #[serde(serialize_with = "round6_opt")]
    pub df: Option<f64>,
    /// Two-sided p-value.
    #[serde(serialize_with = "round6")]
    pub p_value: f64,
    /// Whether `p_value` is below the significance level.
    pub distinguishable: bool,
}

/// A group's trend against the previous period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    /// The later period.
    pub current: String,
    /// The period before it.
    pub previous: String,
    /// Mean overall score.
    pub mean: Option<Change>,
    /// CSAT (top-box share).
    pub csat: Option<Change>,
    /// Net promoter score.
    pub nps: Option<Change>,
    /// The 0–100 index.
    pub index: Option<Change>,
    /// A sentence on the headline statistic (index, else mean).
    pub statement: String,
}

/// Satisfaction statistics of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Satisfaction {
    /// Respondents (responses) in the group.
    pub n: u64,
    /// Effective number after decay weighting.
    #[serde(serialize_with = "round6")]
    pub n_effective: f64,
    /// The overall score (mean, distribution, CSAT).
    pub overall: Option<ScaleScore>,
    /// Net promoter score, −100 to 100, from likelihood to recommend (0–10).
    pub nps: Option<Estimate>,
    /// The 0–100 index from the weighted dimensions.
    pub index: Option<Estimate>,
    /// Each configured dimension that was answered.
    pub dimensions: Vec<DimensionScore>,
    /// Change from the previous period.
    pub trend: Option<Cell<Trend>>,
}

/// Service outcomes of the work orders in one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    /// Orders counted (not cancelled, reported by `as_of`).
    pub orders: u64,
    /// Share of orders reached on site within target (orders whose
    /// response is decided: arrived, or late without arrival).
    pub response_on_time: Option<Estimate>,
    /// Share resolved within target (holds excluded), among decided ones.
    pub resolution_on_time: Option<Estimate>,
    /// Share of orders reopened at least once.
    pub reopened: Estimate,
}

/// One group's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupScore {
    /// The grouping's keys (empty for the whole).
    pub grouping: Vec<GroupKey>,
    /// The keys of the parent it is shrunk toward.
    pub parent: Vec<GroupKey>,
    /// The group's key values.
    pub keys: BTreeMap<GroupKey, String>,
    /// Satisfaction, if the group has responses.
    pub satisfaction: Option<Cell<Satisfaction>>,
    /// Service outcomes, if the group has work orders.
    pub service: Option<Cell<Service>>,
}

/// What a driver is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DriverKind {
    /// A satisfaction dimension.
    Dimension,
    /// A service outcome of the rated order (late arrival, late resolution, reopened).
    ServiceOutcome,
}

/// One driver's importance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Driver {
    /// Dimension id, or `late_response` / `late_resolution` / `reopened`.
    pub driver: String,
    /// Dimension or service outcome.
    pub kind: DriverKind,
    /// Rank by |beta| (1 = moves the outcome most), or by |r| when the
    /// regression could not be fitted.
    pub rank: usize,
    /// Pearson correlation with the outcome (pairwise complete), with a
    /// Fisher z interval.
    pub correlation: Estimate,
    /// Standardised regression coefficient.
    #[serde(serialize_with = "round6_opt")]
    pub beta: Option<f64>,
    /// Its standard error.
    #[serde(serialize_with = "round6_opt")]
    pub beta_se: Option<f64>,
    /// Two-sided p-value of beta (t with n − p − 1 df).
    #[serde(serialize_with = "round6_opt")]
    pub p_value: Option<f64>,
    /// For yes/no outcomes: the mean outcome when it happened.
    #[serde(serialize_with = "round6_opt")]
    pub mean_with: Option<f64>,
    /// For yes/no outcomes: the mean outcome when it did not.
    #[serde(serialize_with = "round6_opt")]
    pub mean_without: Option<f64>,
}

/// A fitted driver model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriverModel {
    /// What is explained: `overall` or `rating`.
    pub outcome: &'static str,
    /// Complete cases in the regression.
    pub n: u64,
    /// Share of the outcome's variance explained.
    #[serde(serialize_with = "round6_opt")]
    pub r_squared: Option<f64>,
    /// How.
    pub method: Method,
    /// Drivers, most important first.
    pub drivers: Vec<Driver>,
    /// Drivers left out, with the reason (constant, too few in a class…).
    pub left_out: Vec<LeftOut>,
}

/// A driver that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    /// The driver.
    pub driver: String,
    /// Why, as a sentence.
    pub reason: String,
}

/// The two driver analyses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Drivers {
    /// Overall score on the dimension scores (surveys and ratings).
    pub dimensions: Option<Cell<DriverModel>>,
    /// Post-service rating on the rated order's service outcomes.
    pub service: Option<Cell<DriverModel>>,
}

/// Why records or answers were left out.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Exclusion {
    /// `out_of_scale`, `unknown_dimension`, `after_as_of`, `before_since`,
    /// `source_not_included`.
    pub reason: &'static str,
    /// The field (`overall`, `recommend`, `scores.<dimension>`, or `record`).
    pub field: String,
    /// How many.
    pub count: u64,
}

/// The settings the numbers were computed with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameters {
    /// Anonymity threshold.
    pub anonymity_threshold: u32,
    /// Confidence level of intervals.
    #[serde(serialize_with = "round6")]
    pub confidence: f64,
    /// Significance level of trend statements.
    #[serde(serialize_with = "round6")]
    pub significance: f64,
    /// Decay half-life in days (`null`: no decay).
    #[serde(serialize_with = "round6_opt")]
    pub half_life_days: Option<f64>,
    /// Period unit.
    pub period: PeriodUnit,
    /// The period containing `as_of`.
    pub current_period: String,
    /// Top box size for CSAT.
    pub top_box: u8,
    /// Dimensions and their normalised index weights.
    pub dimensions: Vec<DimensionWeight>,
}

/// A dimension's weight in the index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionWeight {
    /// Dimension id.
    pub dimension: DimensionId,
    /// Weight as configured.
    #[serde(serialize_with = "round6")]
    pub weight: f64,
    /// Its share of the total weight.
    #[serde(serialize_with = "round6")]
    pub share: f64,
}

/// The result of scoring.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreResult {
    /// Settings used.
    pub parameters: Parameters,
    /// Responses included.
    pub responses: u64,
    /// Work orders included in service outcomes.
    pub work_orders: u64,
    /// What was left out, and why.
    pub excluded: Vec<Exclusion>,
    /// One entry per group: the whole first, then each grouping in order,
    /// groups sorted by key.
    pub groups: Vec<GroupScore>,
    /// Derived importance.
    pub drivers: Drivers,
    /// The methods used, by id.
    pub methods: BTreeMap<Method, &'static str>,
}

impl ScoreResult {
    /// The group with exactly these keys (`&[]` for the whole).
    ///
    /// ```
    /// use steward::satisfaction::{self, GroupKey, ScoreConfig};
    /// let estate = steward::demo::estate();
    /// let result = satisfaction::score(&estate, &ScoreConfig::default(), steward::demo::now())?;
    /// let b1 = result.group(&[(GroupKey::Building, "B1")]).unwrap();
    /// assert!(b1.satisfaction.is_some());
    /// # Ok::<(), steward::Error>(())
    /// ```
    pub fn group(&self, keys: &[(GroupKey, &str)]) -> Option<&GroupScore> {
        self.groups.iter().find(|g| {
            g.keys.len() == keys.len()
                && keys
                    .iter()
                    .all(|(k, v)| g.keys.get(k).is_some_and(|x| x == v))
        })
    }

    /// The groups of one grouping, in key order.
    pub fn grouping<'a>(&'a self, by: &'a [GroupKey]) -> impl Iterator<Item = &'a GroupScore> + 'a {
        self.groups.iter().filter(move |g| g.grouping == by)
    }
}
