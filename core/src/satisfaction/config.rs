//! The scoring configuration: dimensions and weights, scales, groupings,
//! privacy threshold, time decay, periods and SLA targets — all data, with
//! documented defaults, validated with typed errors naming the field.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::wire::render_str;
use crate::{Category, DimensionId, Issue, IssueCode, SurveyDimension, UtcOffset};

/// What a group is keyed by. An empty key list is the whole estate (or
/// everything given, for records of several estates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GroupKey {
    /// The estate a record belongs to.
    Estate,
    /// The building (of the respondent, or where the work was done).
    Building,
    /// The work order's category (ratings and orders only).
    Category,
    /// The member of staff last assigned to the rated order (ratings and
    /// orders only).
    Staff,
    /// The calendar period of the record (see [`PeriodUnit`]).
    Period,
    /// Post-service rating or survey response.
    Source,
}

impl GroupKey {
    /// All keys, in their canonical order.
    pub const ALL: [GroupKey; 6] = [
        GroupKey::Estate,
        GroupKey::Building,
        GroupKey::Category,
        GroupKey::Staff,
        GroupKey::Period,
        GroupKey::Source,
    ];

    /// The key's snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKey::Estate => "estate",
            GroupKey::Building => "building",
            GroupKey::Category => "category",
            GroupKey::Staff => "staff",
            GroupKey::Period => "period",
            GroupKey::Source => "source",
        }
    }

    pub(crate) fn slot(self) -> usize {
        match self {
            GroupKey::Estate => 0,
            GroupKey::Building => 1,
            GroupKey::Category => 2,
            GroupKey::Staff => 3,
            GroupKey::Period => 4,
            GroupKey::Source => 5,
        }
    }
}

/// Where a response comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Source {
    /// A post-service rating of a work order (回访评价).
    Rating,
    /// A periodic satisfaction survey response.
    Survey,
}

impl Source {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Rating => "rating",
            Source::Survey => "survey",
        }
    }
}

/// The calendar unit of the `period` key and of trends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PeriodUnit {
    /// A calendar day, `2022-12-14`.
    Day,
    /// An ISO week, `2022-W50`.
    Week,
    /// A calendar month, `2022-12`.
    Month,
    /// A quarter, `2022-Q4`.
    Quarter,
    /// A half year, `2022-H2`.
    HalfYear,
    /// A calendar year, `2022`.
    Year,
}

impl PeriodUnit {
    /// A number that increases by one from one period to the next.
    pub(crate) fn ordinal(self, d: NaiveDate) -> i64 {
        let y = i64::from(d.year());
        let m = i64::from(d.month0());
        match self {
            PeriodUnit::Day => i64::from(d.num_days_from_ce()),
            PeriodUnit::Week => {
                let monday = d - chrono::Days::new(u64::from(d.weekday().num_days_from_monday()));
                i64::from(monday.num_days_from_ce()).div_euclid(7)
            }
            PeriodUnit::Month => y * 12 + m,
            PeriodUnit::Quarter => y * 4 + m / 3,
            PeriodUnit::HalfYear => y * 2 + m / 6,
            PeriodUnit::Year => y,
        }
    }

    /// The label of the period with this ordinal.
    pub(crate) fn label(self, ordinal: i64) -> String {
        match self {
            PeriodUnit::Day => i32::try_from(ordinal)
                .ok()
                .and_then(NaiveDate::from_num_days_from_ce_opt)
                .map_or_else(|| ordinal.to_string(), |d| d.to_string()),
            PeriodUnit::Week => {
                let monday = i32::try_from(ordinal * 7 + 1)
                    .ok()
                    .and_then(NaiveDate::from_num_days_from_ce_opt);
                match monday {
                    Some(d) => {
                        let w = d.iso_week();
                        format!("{}-W{:02}", w.year(), w.week())
                    }
                    None => ordinal.to_string(),
                }
            }
            PeriodUnit::Month => format!(
                "{}-{:02}",
                ordinal.div_euclid(12),
                ordinal.rem_euclid(12) + 1
            ),
            PeriodUnit::Quarter => {
                format!("{}-Q{}", ordinal.div_euclid(4), ordinal.rem_euclid(4) + 1)
            }
            PeriodUnit::HalfYear => {
                format!("{}-H{}", ordinal.div_euclid(2), ordinal.rem_euclid(2) + 1)
            }
            PeriodUnit::Year => ordinal.to_string(),
        }
    }
}

/// An integer answer scale, e.g. 1–5 or 1–10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// Lowest answer (0 to 100).
    pub min: u8,
    /// Highest answer (`min + 1` to `min + 20`, at most 100).
    pub max: u8,
}

impl Scale {
    /// The five-point scale 1–5 of Chinese property-service surveys
    /// (很不满意 … 很满意).
    pub const FIVE: Scale = Scale { min: 1, max: 5 };

    /// Number of levels.
    pub fn levels(self) -> usize {
        usize::from(self.max.saturating_sub(self.min)) + 1
    }

    /// The level index of an answer, if it is an integer on the scale.
    pub(crate) fn index_of(self, v: f64) -> Option<usize> {
        if v.is_finite() && v.fract() == 0.0 && v >= f64::from(self.min) && v <= f64::from(self.max)
        {
            Some((v - f64::from(self.min)) as usize)
        } else {
            None
        }
    }

    /// The answer at a level index.
    pub(crate) fn value(self, i: usize) -> f64 {
        f64::from(self.min) + i as f64
    }

    /// An answer mapped to 0–100.
    pub(crate) fn to_100(self, i: usize) -> f64 {
        100.0 * i as f64 / (self.levels() - 1).max(1) as f64
    }

    fn check(self, path: &str, issues: &mut Vec<Issue>) {
        if self.max <= self.min || self.max - self.min > 20 || self.max > 100 {
            issues.push(Issue::new(
                path,
                format!("{{\"min\":{},\"max\":{}}}", self.min, self.max),
                IssueCode::OutOfRange,
                format!(
                    "expected a scale with max above min, at most 20 steps and max at most 100, found {}–{}",
                    self.min, self.max
                ),
            ));
        }
    }
}

impl Default for Scale {
    fn default() -> Scale {
        Scale::FIVE
    }
}

/// A satisfaction dimension, with its weight in the index and its scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DimensionSpec {
    /// Dimension id, e.g. `repairs_maintenance`.
    pub id: DimensionId,
    /// Name for reports.
    #[serde(default)]
    pub name: Option<String>,
    /// Weight in the 0–100 index (non-negative; 0 keeps the dimension out of
    /// the index but still scores it).
    #[serde(default = "unit")]
    pub weight: f64,
    /// Answer scale (default 1–5).
    #[serde(default)]
    pub scale: Scale,
}

fn unit() -> f64 {
    1.0
}

impl From<&SurveyDimension> for DimensionSpec {
    fn from(d: &SurveyDimension) -> DimensionSpec {
        DimensionSpec {
            id: d.id.clone(),
            name: Some(d.name.clone()),
            weight: d.weight,
            scale: Scale::FIVE,
        }
    }
}

/// One way of grouping: the keys, and the parent that groups shrink toward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grouping {
    /// The keys, e.g. `["building", "period"]`.
    pub by: Vec<GroupKey>,
    /// The parent's keys, a strict subset of `by`; default: `by` without its
    /// last key (`["building"]` for `["building", "period"]`, the whole
    /// estate for `["building"]`).
    #[serde(default)]
    pub parent: Option<Vec<GroupKey>>,
}

impl Grouping {
    /// A grouping by these keys with the default parent.
    pub fn by(keys: &[GroupKey]) -> Grouping {
        Grouping {
            by: keys.to_vec(),
            parent: None,
        }
    }

    /// The parent's keys.
    pub fn parent_keys(&self) -> Vec<GroupKey> {
        match &self.parent {
            Some(p) => p.clone(),
            None => {
                let mut p = self.by.clone();
                p.pop();
                p
            }
        }
    }
}

/// What to do with an answer outside its scale (a 42 on a 1–10 item).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum InvalidScores {
    /// Fail with `invalid_input`, listing every bad value with its path.
    Reject,
    /// Drop the bad answer (the response's other answers still count) and
    /// count it in the result's `excluded` list.
    Exclude,
}

/// How a response without any dimension score enters the 0–100 index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IndexFallback {
    /// Its overall score, mapped to 0–100, stands in.
    Overall,
    /// It does not enter the index.
    Skip,
}

/// Which event stops the response clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResponseClock {
    /// The first `triaged` or `assigned` event: the resident has been
    /// answered and someone is on it (报修响应及反馈).
    #[default]
    FirstContact,
    /// The first `started` event: someone is on site (急修 arrival).
    OnSite,
}

/// Response and resolution targets, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaTarget {
    /// From report to the response (see `response_clock`).
    pub response_minutes: u32,
    /// From report to resolution, on-hold time excluded.
    pub resolution_minutes: u32,
    /// What counts as the response (default `first_contact`; the default
    /// emergency target uses `on_site`).
    #[serde(default)]
    pub response_clock: ResponseClock,
}

/// The SLA targets service outcomes are judged against.
///
/// Defaults (data, not law; `../shared/data/README.md` section (c)):
/// - `emergency` (any hazard reported): **on site** within **15 minutes**
///   (DB11/T 751-2025 4.2.4-4, 急修), resolved within **24 hours** (急修不过夜,
///   Ministry of Construction 1998);
/// - `default` (repairs): first contact (triaged or assigned) within
///   **2 hours** (DB11/T 751-2025 表4.2.4 报修响应及反馈时限, grade 2; the
///   standard asks for arrival "at the agreed time", which the history does
///   not record), resolved within **3 days** (minor repairs, 1998);
/// - complaints: response within **4 hours** (4.2.3-4), resolution within
///   **7 days** (接诉即办 7-day tier); inquiries 2 hours / 7 days;
/// - hygiene, security, noise, parking: 2 hours / **24 hours**
///   (接诉即办 24-hour tier); greening, pests, neighbour disputes:
///   2 hours / 7 days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaTable {
    /// Targets when the order reports a hazard.
    #[serde(default = "SlaTable::default_emergency")]
    pub emergency: SlaTarget,
    /// Targets for categories not listed.
    #[serde(default = "SlaTable::default_default")]
    pub default: SlaTarget,
    /// Targets by category.
    #[serde(default = "SlaTable::default_categories")]
    #[serde(deserialize_with = "crate::wire::enum_keys::deserialize")]
    pub categories: BTreeMap<Category, SlaTarget>,
}

impl SlaTable {
    fn default_emergency() -> SlaTarget {
        SlaTarget {
            response_minutes: 15,
            resolution_minutes: 24 * 60,
            response_clock: ResponseClock::OnSite,
        }
    }

    fn default_default() -> SlaTarget {
        SlaTarget {
            response_minutes: 120,
            resolution_minutes: 3 * 24 * 60,
            response_clock: ResponseClock::FirstContact,
        }
    }

    fn default_categories() -> BTreeMap<Category, SlaTarget> {
        let t = |response_minutes, resolution_minutes| SlaTarget {
            response_minutes,
            resolution_minutes,
            response_clock: ResponseClock::FirstContact,
        };
        let week = 7 * 24 * 60;
        let day = 24 * 60;
        BTreeMap::from([
            (Category::Complaint, t(240, week)),
            (Category::Inquiry, t(120, week)),
            (Category::Hygiene, t(120, day)),
            (Category::Security, t(120, day)),
            (Category::Noise, t(120, day)),
            (Category::Parking, t(120, day)),
            (Category::Greening, t(120, week)),
            (Category::Pest, t(120, week)),
            (Category::NeighbourDispute, t(120, week)),
        ])
    }

    /// The target for an order of `category`, with or without a hazard.
    pub fn target(&self, category: Category, hazard: bool) -> SlaTarget {
        if hazard {
            return self.emergency;
        }
        self.categories
            .get(&category)
            .copied()
            .unwrap_or(self.default)
    }

    fn check(&self, path: &str, issues: &mut Vec<Issue>) {
        let mut one = |p: String, t: &SlaTarget| {
            for (field, v) in [
                ("response_minutes", t.response_minutes),
                ("resolution_minutes", t.resolution_minutes),
            ] {
                if v == 0 {
                    issues.push(Issue::new(
                        format!("{p}.{field}"),
                        "0",
                        IssueCode::OutOfRange,
                        "expected a target of at least 1 minute, found 0",
                    ));
                }
            }
        };
        one(format!("{path}.emergency"), &self.emergency);
        one(format!("{path}.default"), &self.default);
        for (c, t) in &self.categories {
            let name = serde_json::to_value(c)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            one(format!("{path}.categories.{name}"), t);
        }
    }
}

impl Default for SlaTable {
    fn default() -> SlaTable {
        SlaTable {
            emergency: SlaTable::default_emergency(),
            default: SlaTable::default_default(),
            categories: SlaTable::default_categories(),
        }
    }
}

/// How satisfaction is scored. Every field has a default; a request may give
/// any subset (unknown fields are rejected).
///
/// ```
/// use steward::satisfaction::{ScoreConfig, GroupKey, Grouping};
/// let config: ScoreConfig = serde_json::from_str(
///     r#"{"anonymity_threshold": 10, "groupings": [{"by": ["building"]}]}"#).unwrap();
/// assert_eq!(config.anonymity_threshold, 10);
/// assert_eq!(config.half_life_days, Some(365.0));
/// assert_eq!(config.groupings, vec![Grouping::by(&[GroupKey::Building])]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ScoreConfig {
    /// Dimensions with weights and scales; default: the estate's
    /// `dimensions` (weights as the estate gives them, scale 1–5), or the
    /// seven standard dimensions when there is no estate.
    #[serde(default)]
    pub dimensions: Option<Vec<DimensionSpec>>,
    /// Scale of the overall score (default 1–5).
    #[serde(default)]
    pub overall_scale: Scale,
    /// How many top levels count as satisfied for CSAT (default 2: the
    /// "top-two box", 满意 and 很满意 on the five-point scale).
    #[serde(default = "default_top_box")]
    pub top_box: u8,
    /// Groups with fewer respondents are suppressed (default 5).
    #[serde(default = "default_threshold")]
    pub anonymity_threshold: u32,
    /// Confidence level of intervals (default 0.95).
    #[serde(default = "default_confidence")]
    pub confidence: f64,
    /// Significance level at which a trend is called distinguishable from
    /// noise (default 0.05).
    #[serde(default = "default_significance")]
    pub significance: f64,
    /// Half-life of the time decay in days: a response this old weighs half
    /// as much as one given at `as_of` (default 365; `null` for no decay).
    #[serde(default = "default_half_life")]
    pub half_life_days: Option<f64>,
    /// The period unit (default month).
    #[serde(default = "default_period")]
    pub period: PeriodUnit,
    /// Offset used for period boundaries (default: the estate's, else +08:00).
    #[serde(default)]
    pub utc_offset: Option<UtcOffset>,
    /// Groupings to report besides the whole (default: building, category, staff).
    #[serde(default = "default_groupings")]
    pub groupings: Vec<Grouping>,
    /// Sources included (default both).
    #[serde(default = "default_sources")]
    pub sources: BTreeSet<Source>,
    /// Records before this instant are left out (default: none).
    #[serde(default, with = "option_timestamp")]
    pub since: Option<DateTime<FixedOffset>>,
    /// Answers outside their scale: reject (default) or exclude and count.
    #[serde(default = "default_invalid")]
    pub invalid_scores: InvalidScores,
    /// Index of responses without dimension scores (default: overall).
    #[serde(default = "default_fallback")]
    pub index_without_dimensions: IndexFallback,
    /// Whether to compare each group with the previous period (default true).
    #[serde(default = "yes")]
    pub trend: bool,
    /// Whether to compute drivers (default true).
    #[serde(default = "yes")]
    pub drivers: bool,
    /// SLA targets for service outcomes.
    #[serde(default)]
    pub sla: SlaTable,
}

fn default_top_box() -> u8 {
    2
}
fn default_threshold() -> u32 {
    5
}
fn default_confidence() -> f64 {
    0.95
}
fn default_significance() -> f64 {
    0.05
}
fn default_half_life() -> Option<f64> {
    Some(365.0)
}
fn default_period() -> PeriodUnit {
    PeriodUnit::Month
}
fn default_groupings() -> Vec<Grouping> {
    vec![
        Grouping::by(&[GroupKey::Building]),
        Grouping::by(&[GroupKey::Category]),
        Grouping::by(&[GroupKey::Staff]),
    ]
}
fn default_sources() -> BTreeSet<Source> {
    BTreeSet::from([Source::Rating, Source::Survey])
}
fn default_invalid() -> InvalidScores {
    InvalidScores::Reject
}
fn default_fallback() -> IndexFallback {
    IndexFallback::Overall
}
fn yes() -> bool {
    true
}

mod option_timestamp {
    use chrono::{DateTime, FixedOffset};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        t: &Option<DateTime<FixedOffset>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => crate::wire::timestamp::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
        #[derive(Deserialize)]
        struct W(#[serde(with = "crate::wire::timestamp")] DateTime<FixedOffset>);
        Ok(Option::<W>::deserialize(d)?.map(|W(t)| t))
    }
}

impl Default for ScoreConfig {
    fn default() -> ScoreConfig {
        ScoreConfig {
            dimensions: None,
            overall_scale: Scale::FIVE,
            top_box: default_top_box(),
            anonymity_threshold: default_threshold(),
            confidence: default_confidence(),
            significance: default_significance(),
            half_life_days: default_half_life(),
            period: default_period(),
            utc_offset: None,
            groupings: default_groupings(),
            sources: default_sources(),
            since: None,
            invalid_scores: default_invalid(),
            index_without_dimensions: default_fallback(),
            trend: true,
            drivers: true,
            sla: SlaTable::default(),
        }
    }
}

impl ScoreConfig {
    /// Sets the groupings (builder style).
    pub fn with_groupings(mut self, groupings: Vec<Grouping>) -> ScoreConfig {
        self.groupings = groupings;
        self
    }

    /// Sets the anonymity threshold (builder style).
    pub fn with_anonymity_threshold(mut self, k: u32) -> ScoreConfig {
        self.anonymity_threshold = k;
        self
    }

    /// Sets the half-life in days, or `None` for no decay (builder style).
    pub fn with_half_life_days(mut self, days: Option<f64>) -> ScoreConfig {
        self.half_life_days = days;
        self
    }

    /// Sets the period unit (builder style).
    pub fn with_period(mut self, period: PeriodUnit) -> ScoreConfig {
        self.period = period;
        self
    }

    /// Sets the dimensions (builder style).
    pub fn with_dimensions(mut self, dimensions: Vec<DimensionSpec>) -> ScoreConfig {
        self.dimensions = Some(dimensions);
        self
    }

    /// Sets the policy for answers outside their scale (builder style).
    pub fn with_invalid_scores(mut self, policy: InvalidScores) -> ScoreConfig {
        self.invalid_scores = policy;
        self
    }

    /// Sets the sources included (builder style).
    pub fn with_sources(mut self, sources: &[Source]) -> ScoreConfig {
        self.sources = sources.iter().copied().collect();
        self
    }

    /// Every problem with the configuration, paths prefixed with `prefix`.
    pub(crate) fn issues(&self, prefix: &str) -> Vec<Issue> {
        let at = |f: &str| {
            if prefix.is_empty() {
                f.to_owned()
            } else {
                format!("{prefix}.{f}")
            }
        };
        let mut issues = Vec::new();
        if self.anonymity_threshold == 0 {
            issues.push(Issue::new(
                at("anonymity_threshold"),
                "0",
                IssueCode::OutOfRange,
                "expected an anonymity threshold of at least 1, found 0",
            ));
        }
        for (field, v) in [
            ("confidence", self.confidence),
            ("significance", self.significance),
        ] {
            if !(v > 0.0 && v < 1.0) {
                issues.push(Issue::new(
                    at(field),
                    v.to_string(),
                    IssueCode::OutOfRange,
                    format!("expected a {field} level strictly between 0 and 1, found {v}"),
                ));
            }
        }
        if let Some(h) = self.half_life_days
            && !(h > 0.0 && h.is_finite())
        {
            issues.push(Issue::new(
                at("half_life_days"),
                h.to_string(),
                IssueCode::OutOfRange,
                format!("expected a positive half-life in days (or null for no decay), found {h}"),
            ));
        }
        self.overall_scale.check(&at("overall_scale"), &mut issues);
        if self.top_box == 0 || usize::from(self.top_box) >= self.overall_scale.levels() {
            issues.push(Issue::new(
                at("top_box"),
                self.top_box.to_string(),
                IssueCode::OutOfRange,
                format!(
                    "expected a top box of 1 to {} levels, found {}",
                    self.overall_scale.levels().saturating_sub(1),
                    self.top_box
                ),
            ));
        }
        if self.sources.is_empty() {
            issues.push(Issue::new(
                at("sources"),
                "[]",
                IssueCode::InvalidLength,
                "expected at least one source",
            ));
        }
        if let Some(dims) = &self.dimensions {
            let mut seen = BTreeSet::new();
            for (i, d) in dims.iter().enumerate() {
                if !seen.insert(&d.id) {
                    issues.push(Issue::new(
                        at(&format!("dimensions[{i}].id")),
                        render_str(d.id.as_str()),
                        IssueCode::DuplicateId,
                        format!("dimension {:?} is listed twice", d.id.as_str()),
                    ));
                }
                if !(d.weight >= 0.0 && d.weight.is_finite()) {
                    issues.push(Issue::new(
                        at(&format!("dimensions[{i}].weight")),
                        d.weight.to_string(),
                        IssueCode::OutOfRange,
                        format!("expected a non-negative, finite weight, found {}", d.weight),
                    ));
                }
                d.scale
                    .check(&at(&format!("dimensions[{i}].scale")), &mut issues);
                if usize::from(self.top_box) >= d.scale.levels() && self.top_box > 0 {
                    issues.push(Issue::new(
                        at(&format!("dimensions[{i}].scale")),
                        format!("{{\"min\":{},\"max\":{}}}", d.scale.min, d.scale.max),
                        IssueCode::OutOfRange,
                        format!(
                            "the scale has {} levels, too few for a top box of {}",
                            d.scale.levels(),
                            self.top_box
                        ),
                    ));
                }
            }
        }
        for (i, g) in self.groupings.iter().enumerate() {
            let mut seen = BTreeSet::new();
            for (j, k) in g.by.iter().enumerate() {
                if !seen.insert(k) {
                    issues.push(Issue::new(
                        at(&format!("groupings[{i}].by[{j}]")),
                        render_str(k.as_str()),
                        IssueCode::InvalidValue,
                        format!("key {:?} appears twice in one grouping", k.as_str()),
                    ));
                }
            }
            if g.by.is_empty() {
                issues.push(Issue::new(
                    at(&format!("groupings[{i}].by")),
                    "[]",
                    IssueCode::InvalidLength,
                    "expected at least one key (the whole estate is always reported)",
                ));
            }
            if let Some(p) = &g.parent {
                let strict = p.iter().all(|k| g.by.contains(k))
                    && p.iter().collect::<BTreeSet<_>>().len() == p.len()
                    && p.len() < g.by.len();
                if !strict {
                    let shown: Vec<&str> = p.iter().map(|k| k.as_str()).collect();
                    issues.push(Issue::new(
                        at(&format!("groupings[{i}].parent")),
                        serde_json::to_string(&shown).unwrap_or_default(),
                        IssueCode::InvalidValue,
                        "expected the parent's keys to be a strict subset of the grouping's keys",
                    ));
                }
            }
        }
        self.sla.check(&at("sla"), &mut issues);
        issues
    }

    /// The dimensions in effect: the configured ones, else the estate's,
    /// else the standard set.
    pub(crate) fn resolved_dimensions(
        &self,
        estate_dims: Option<&[SurveyDimension]>,
    ) -> Vec<DimensionSpec> {
        match (&self.dimensions, estate_dims) {
            (Some(d), _) => d.clone(),
            (None, Some(d)) => d.iter().map(DimensionSpec::from).collect(),
            (None, None) => SurveyDimension::standard_set()
                .iter()
                .map(DimensionSpec::from)
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_have_ordinals_and_labels() {
        let d = NaiveDate::from_ymd_opt(2022, 12, 14).unwrap();
        for (unit, label, prev) in [
            (PeriodUnit::Month, "2022-12", "2022-11"),
            (PeriodUnit::Quarter, "2022-Q4", "2022-Q3"),
            (PeriodUnit::HalfYear, "2022-H2", "2022-H1"),
            (PeriodUnit::Year, "2022", "2021"),
            (PeriodUnit::Week, "2022-W50", "2022-W49"),
            (PeriodUnit::Day, "2022-12-14", "2022-12-13"),
        ] {
            let o = unit.ordinal(d);
            assert_eq!(unit.label(o), label, "{unit:?}");
            assert_eq!(unit.label(o - 1), prev, "{unit:?}");
        }
        // January 1st 2023 is a Sunday: ISO week 52 of 2022.
        let sunday = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
        assert_eq!(
            PeriodUnit::Week.label(PeriodUnit::Week.ordinal(sunday)),
            "2022-W52"
        );
        assert_eq!(
            PeriodUnit::Month.label(PeriodUnit::Month.ordinal(sunday)),
            "2023-01"
        );
    }

    #[test]
    fn bad_configurations_name_every_field() {
        let c: ScoreConfig = serde_json::from_str(
            r#"{"anonymity_threshold": 0, "confidence": 1.5, "half_life_days": -3,
                "groupings": [{"by": ["building"], "parent": ["staff"]}],
                "sla": {"default": {"response_minutes": 0, "resolution_minutes": 10}}}"#,
        )
        .unwrap();
        let paths: Vec<String> = c.issues("config").into_iter().map(|i| i.path).collect();
        assert_eq!(
            paths,
            [
                "config.anonymity_threshold",
                "config.confidence",
                "config.half_life_days",
                "config.groupings[0].parent",
                "config.sla.default.response_minutes"
            ]
        );
    }

    #[test]
    fn scales_index_answers() {
        let s = Scale { min: 1, max: 10 };
        assert_eq!(s.index_of(10.0), Some(9));
        assert_eq!(s.index_of(42.0), None);
        assert_eq!(s.index_of(5.5), None);
        assert_eq!(s.index_of(0.0), None);
        assert_eq!(s.to_100(9), 100.0);
        assert_eq!(Scale::FIVE.to_100(2), 50.0);
    }
}
