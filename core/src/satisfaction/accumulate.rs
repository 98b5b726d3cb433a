//! The accumulator: sufficient statistics per group, updated one response
//! (or one work order) at a time; [`Accumulator::result`] turns them into
//! published numbers. Batch scoring is the same accumulator fed in one go,
//! so incremental and batch results agree (to rounding of sums).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset};

use super::config::{
    DimensionSpec, GroupKey, IndexFallback, InvalidScores, Scale, ScoreConfig, Source,
};
use super::drivers::DriverSums;
use super::outcomes::{ServiceOutcome, service_outcome};
use super::privacy::{self, Family, Status};
use super::record::ResponseRecord;
use super::result::*;
use super::shrink::{BetaPrior, NormalPrior};
use super::stats;
use super::summary::{Levels, MeanSummary, Moments, Proportion};
use crate::wire::render_str;
use crate::{
    BuildingId, DimensionId, Error, Estate, Issue, IssueCode, Location, Rating, Result, StaffId,
    SurveyResponse, WorkOrder, WorkOrderEvent, WorkOrderId,
};

/// The NPS scale: likelihood to recommend, 0 to 10.
const RECOMMEND: Scale = Scale { min: 0, max: 10 };
/// Most issues listed in one error.
const MAX_ISSUES: usize = 100;
/// Names of the service-outcome drivers.
const SERVICE_DRIVERS: [&str; 3] = ["late_response", "late_resolution", "reopened"];

/// A grouping as planned: keys, parent keys, and for trend helpers the
/// grouping whose trend they serve.
#[derive(Debug, Clone)]
struct PlanGrouping {
    by: Vec<GroupKey>,
    parent: Vec<GroupKey>,
    /// `Some(g)`: a hidden `by + [period]` grouping holding the current and
    /// previous period of grouping `g`, published only as its trend.
    trend_of: Option<usize>,
}

/// The configuration resolved against the request.
#[derive(Debug, Clone)]
struct Plan {
    config: ScoreConfig,
    as_of: DateTime<FixedOffset>,
    offset: FixedOffset,
    current: i64,
    dims: Vec<DimensionSpec>,
    dim_index: BTreeMap<DimensionId, usize>,
    weight_total: f64,
    z: f64,
    half_life_minutes: Option<f64>,
    groupings: Vec<PlanGrouping>,
    /// For each published grouping, its trend helper.
    trend_helper: Vec<Option<usize>>,
    estate: Option<String>,
}

/// What is known about a work order when a rating refers to it.
#[derive(Debug, Clone)]
struct OrderInfo {
    building: Option<BuildingId>,
    category: crate::Category,
    staff: Option<StaffId>,
    outcome: ServiceOutcome,
    estate: Option<String>,
}

/// A response reduced to what scoring uses.
#[derive(Debug, Clone)]
struct Observation {
    source: Source,
    at: DateTime<FixedOffset>,
    keys: [Option<String>; 6],
    overall: Option<usize>,
    recommend: Option<usize>,
    scores: Vec<Option<usize>>,
    outcome: Option<ServiceOutcome>,
}

#[derive(Debug, Clone)]
struct RespStats {
    n: u64,
    sw: f64,
    sww: f64,
    overall: Levels,
    recommend: Levels,
    index: Moments,
    dims: Vec<Levels>,
}

#[derive(Debug, Clone, Default)]
struct OrderStats {
    n: u64,
    response_decided: u64,
    response_on_time: u64,
    resolution_decided: u64,
    resolution_on_time: u64,
    reopened: u64,
}

#[derive(Debug, Clone)]
struct CellData {
    grouping: usize,
    values: Vec<String>,
    resp: RespStats,
    orders: OrderStats,
}

/// Incremental satisfaction scoring.
///
/// Holds per-group sufficient statistics (histograms and weighted sums), the
/// overlaps between groups that the privacy rule needs, and the running sums
/// of the driver models. Adding a response costs O(groups it falls in²);
/// [`result`](Accumulator::result) costs O(groups), independent of how many
/// responses were added.
///
/// ```
/// use steward::satisfaction::{Accumulator, ScoreConfig};
/// let estate = steward::demo::estate();
/// let now = steward::demo::now();
/// let mut all = estate.clone();
/// let last = all.survey_responses.pop().unwrap();
/// let mut acc = Accumulator::for_estate(&all, &ScoreConfig::default(), now)?;
/// acc.add_survey_response(&last)?;               // one more response
/// let incremental = acc.result();
/// let batch = steward::satisfaction::score(&estate, &ScoreConfig::default(), now)?;
/// assert_eq!(incremental.responses, batch.responses);
/// # Ok::<(), steward::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Accumulator {
    plan: Plan,
    cells: Vec<CellData>,
    lookup: HashMap<(usize, Vec<String>), usize>,
    /// Family 0: responses; 1..=D: answers to each dimension; D + 1: orders.
    overlaps: Vec<HashMap<u64, u64>>,
    dim_drivers: DriverSums,
    service_drivers: DriverSums,
    excluded: BTreeMap<(&'static str, String), u64>,
    orders: BTreeMap<WorkOrderId, OrderInfo>,
    period_ordinals: HashMap<String, i64>,
    responses: u64,
    work_orders: u64,
}

/// How one record's bad values are handled.
struct Problems<'a> {
    policy: InvalidScores,
    prefix: &'a str,
    issues: Vec<Issue>,
    excluded: Vec<(&'static str, String)>,
}

impl Problems<'_> {
    fn push(&mut self, reason: &'static str, field: String, value: String, message: String) {
        match self.policy {
            InvalidScores::Exclude => self.excluded.push((reason, field)),
            _ => {
                let code = if reason == "unknown_dimension" {
                    IssueCode::DanglingReference
                } else {
                    IssueCode::OutOfRange
                };
                let path = if self.prefix.is_empty() {
                    field
                } else {
                    format!("{}.{field}", self.prefix)
                };
                self.issues.push(Issue::new(path, value, code, message));
            }
        }
    }
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        v.to_string()
    }
}

impl Accumulator {
    /// An empty accumulator for records scored at `as_of`.
    ///
    /// Dimensions are the configured ones, else the seven standard ones.
    ///
    /// # Errors
    /// `invalid_input` naming every bad configuration field
    /// (`config.anonymity_threshold`, `config.groupings[1].parent`…).
    pub fn new(config: &ScoreConfig, as_of: DateTime<FixedOffset>) -> Result<Accumulator> {
        Accumulator::planned(config, None, None, as_of)
    }

    fn planned(
        config: &ScoreConfig,
        estate: Option<&Estate>,
        estate_id: Option<String>,
        as_of: DateTime<FixedOffset>,
    ) -> Result<Accumulator> {
        let issues = config.issues("config");
        if !issues.is_empty() {
            return Err(Error::invalid("satisfaction configuration", issues));
        }
        let dims = config.resolved_dimensions(estate.map(|e| e.dimensions.as_slice()));
        let offset = config
            .utc_offset
            .or(estate.map(|e| e.utc_offset))
            .unwrap_or_default()
            .fixed();
        let current = config
            .period
            .ordinal(as_of.with_timezone(&offset).date_naive());
        let mut groupings = vec![PlanGrouping {
            by: Vec::new(),
            parent: Vec::new(),
            trend_of: None,
        }];
        for g in &config.groupings {
            groupings.push(PlanGrouping {
                by: g.by.clone(),
                parent: g.parent_keys(),
                trend_of: None,
            });
        }
        let published = groupings.len();
        let mut trend_helper = vec![None; published];
        if config.trend {
            for (gi, helper) in trend_helper.iter_mut().enumerate() {
                let Some(g) = groupings.get(gi) else { continue };
                if g.by.contains(&GroupKey::Period) {
                    continue;
                }
                let mut by = g.by.clone();
                by.push(GroupKey::Period);
                *helper = Some(groupings.len());
                groupings.push(PlanGrouping {
                    by,
                    parent: Vec::new(),
                    trend_of: Some(gi),
                });
            }
        }
        let dim_index = dims
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        let weight_total = dims.iter().map(|d| d.weight).sum();
        let plan = Plan {
            z: stats::normal_quantile(1.0 - (1.0 - config.confidence) / 2.0),
            half_life_minutes: config.half_life_days.map(|d| d * 24.0 * 60.0),
            config: config.clone(),
            as_of,
            offset,
            current,
            dim_index,
            weight_total,
            groupings,
            trend_helper,
            estate: estate_id,
            dims,
        };
        let families = plan.dims.len() + 2;
        let dim_names = plan.dims.iter().map(|d| d.id.to_string()).collect();
        Ok(Accumulator {
            cells: Vec::new(),
            lookup: HashMap::new(),
            overlaps: vec![HashMap::new(); families],
            dim_drivers: DriverSums::new(dim_names, false),
            service_drivers: DriverSums::new(
                SERVICE_DRIVERS.iter().map(|s| (*s).to_owned()).collect(),
                true,
            ),
            excluded: BTreeMap::new(),
            orders: BTreeMap::new(),
            period_ordinals: HashMap::new(),
            responses: 0,
            work_orders: 0,
            plan,
        })
    }

    /// An accumulator holding everything an estate records: its work orders
    /// (service outcomes), ratings and survey responses. Dimensions default
    /// to the estate's, the period offset to the estate's.
    ///
    /// # Errors
    /// `invalid_input` for a bad configuration, or (with
    /// `invalid_scores: reject`) for answers outside a configured scale.
    pub fn for_estate(
        estate: &Estate,
        config: &ScoreConfig,
        as_of: DateTime<FixedOffset>,
    ) -> Result<Accumulator> {
        let mut acc =
            Accumulator::planned(config, Some(estate), Some(estate.id.to_string()), as_of)?;
        acc.add_estate(estate)?;
        Ok(acc)
    }

    fn add_estate(&mut self, estate: &Estate) -> Result<()> {
        for o in &estate.work_orders {
            self.add_work_order_of(estate, o);
        }
        let mut issues = Vec::new();
        for (i, r) in estate.ratings.iter().enumerate() {
            match self.rating_record(r) {
                Some(rec) => {
                    if let Err(mut more) = self.ingest(&rec, &format!("estate.ratings[{i}]")) {
                        issues.append(&mut more);
                    }
                }
                None => issues.push(Issue::new(
                    format!("estate.ratings[{i}].work_order"),
                    render_str(r.work_order.as_str()),
                    IssueCode::DanglingReference,
                    format!("work order {:?} does not exist", r.work_order.as_str()),
                )),
            }
        }
        for (i, s) in estate.survey_responses.iter().enumerate() {
            let rec = survey_record(s);
            if let Err(mut more) = self.ingest(&rec, &format!("estate.survey_responses[{i}]")) {
                issues.append(&mut more);
            }
        }
        finish_issues(issues)
    }

    /// Registers a work order of `estate`: its service outcome counts for
    /// its groups (unless cancelled or reported after `as_of`), and ratings
    /// of it can be added.
    pub fn add_work_order(&mut self, estate: &Estate, order: &WorkOrder) {
        self.add_work_order_of(estate, order);
    }

    fn add_work_order_of(&mut self, estate: &Estate, order: &WorkOrder) {
        let building = match &order.location {
            Location::Household { household } => {
                estate.household(household).map(|h| h.building.clone())
            }
            Location::Building { building, .. } => Some(building.clone()),
            Location::CommonArea { .. } => None,
        };
        let staff = order
            .events
            .iter()
            .filter(|e| e.at() <= self.plan.as_of)
            .filter_map(|e| match e {
                WorkOrderEvent::Assigned { staff, .. } => Some(staff.clone()),
                _ => None,
            })
            .next_back();
        let outcome = service_outcome(order, &self.plan.config.sla, self.plan.as_of);
        let info = OrderInfo {
            building,
            category: order.category,
            staff,
            outcome,
            estate: Some(estate.id.to_string()),
        };
        let counts = order.reported_at <= self.plan.as_of
            && !outcome.cancelled
            && self
                .plan
                .config
                .since
                .is_none_or(|s| order.reported_at >= s);
        if counts {
            self.count_order(&info, order.reported_at);
        }
        self.orders.insert(order.id.clone(), info);
    }

    fn count_order(&mut self, info: &OrderInfo, at: DateTime<FixedOffset>) {
        let keys = [
            info.estate.clone(),
            info.building.as_ref().map(ToString::to_string),
            Some(category_name(info.category)),
            info.staff.as_ref().map(ToString::to_string),
            Some(self.period_label(at)),
            None,
        ];
        let member = self.member_cells(&keys, None);
        let o = &info.outcome;
        for &c in &member {
            if let Some(cell) = self.cells.get_mut(c) {
                let s = &mut cell.orders;
                s.n += 1;
                if let Some(late) = o.response_late {
                    s.response_decided += 1;
                    s.response_on_time += u64::from(!late);
                }
                if let Some(late) = o.resolution_late {
                    s.resolution_decided += 1;
                    s.resolution_on_time += u64::from(!late);
                }
                s.reopened += u64::from(o.reopened);
            }
        }
        let fam = self.plan.dims.len() + 1;
        add_pairs(self.overlaps.get_mut(fam), &member);
        self.work_orders += 1;
    }

    fn rating_record(&self, r: &Rating) -> Option<ResponseRecord> {
        self.orders.get(&r.work_order)?;
        let mut rec = ResponseRecord::survey(r.at);
        rec.source = Source::Rating;
        rec.work_order = Some(r.work_order.clone());
        rec.overall = Some(f64::from(r.score));
        rec.scores = r
            .dimensions
            .iter()
            .map(|(k, v)| (k.clone(), Some(f64::from(*v))))
            .collect();
        Some(rec)
    }

    /// Adds a post-service rating of a registered work order.
    ///
    /// # Errors
    /// `not_found` if its work order was not added first; `invalid_input`
    /// (with `invalid_scores: reject`) for a score outside its scale, with
    /// nothing added.
    pub fn add_rating(&mut self, rating: &Rating) -> Result<()> {
        let rec = self
            .rating_record(rating)
            .ok_or_else(|| Error::not_found("work order", rating.work_order.as_str()))?;
        self.ingest(&rec, "")
            .map_err(|issues| Error::invalid("rating", issues))
    }

    /// Adds a survey response.
    ///
    /// # Errors
    /// `invalid_input` (with `invalid_scores: reject`) for an answer outside
    /// its scale or a dimension not configured, with nothing added.
    pub fn add_survey_response(&mut self, response: &SurveyResponse) -> Result<()> {
        self.ingest(&survey_record(response), "")
            .map_err(|issues| Error::invalid("survey response", issues))
    }

    /// Adds a flat response record.
    ///
    /// # Errors
    /// `not_found` if it names a work order that was not added;
    /// `invalid_input` (with `invalid_scores: reject`) for an answer outside
    /// its scale or a dimension not configured, with nothing added.
    pub fn add_response(&mut self, record: &ResponseRecord) -> Result<()> {
        if let Some(w) = &record.work_order
            && !self.orders.contains_key(w)
        {
            return Err(Error::not_found("work order", w.as_str()));
        }
        self.ingest(record, "")
            .map_err(|issues| Error::invalid("response", issues))
    }

    /// Adds flat records, all or none: every problem is collected first
    /// (paths `<prefix>[i].field`, e.g. `responses[3].overall`), and if there
    /// is any, nothing is added.
    ///
    /// # Errors
    /// `invalid_input` listing the problems: answers outside their scale
    /// (with `invalid_scores: reject`), dimensions not configured, work
    /// orders that were not added.
    pub fn add_responses(&mut self, records: &[ResponseRecord], prefix: &str) -> Result<()> {
        let mut issues = Vec::new();
        for (i, r) in records.iter().enumerate() {
            let path = format!("{prefix}[{i}]");
            if let Some(w) = &r.work_order
                && !self.orders.contains_key(w)
            {
                issues.push(Issue::new(
                    format!("{path}.work_order"),
                    render_str(w.as_str()),
                    IssueCode::DanglingReference,
                    format!("work order {:?} is not in the request's estate", w.as_str()),
                ));
                continue;
            }
            if self.skipped(r).is_none()
                && let Err(mut more) = self.check(r, &path)
            {
                issues.append(&mut more);
            }
        }
        finish_issues(issues)?;
        for r in records {
            // Checked above: cannot fail.
            let _ = self.ingest(r, "");
        }
        Ok(())
    }

    /// The result as a response document (schema and `as_of` included).
    pub fn response(&self) -> super::ScoreResponse {
        super::ScoreResponse {
            schema: super::RESPONSE_SCHEMA,
            as_of: self.plan.as_of,
            result: self.result(),
        }
    }

    /// Checks one record and adds it; on rejection nothing is added and the
    /// issues are returned.
    fn ingest(&mut self, r: &ResponseRecord, prefix: &str) -> std::result::Result<(), Vec<Issue>> {
        if let Some(reason) = self.skipped(r) {
            *self
                .excluded
                .entry((reason, "record".to_owned()))
                .or_default() += 1;
            return Ok(());
        }
        let obs = self.check(r, prefix)?;
        self.observe(obs.0);
        for e in obs.1 {
            *self.excluded.entry(e).or_default() += 1;
        }
        Ok(())
    }

    /// Why a record is left out, if it is.
    fn skipped(&self, r: &ResponseRecord) -> Option<&'static str> {
        if r.at > self.plan.as_of {
            Some("after_as_of")
        } else if self.plan.config.since.is_some_and(|s| r.at < s) {
            Some("before_since")
        } else if !self.plan.config.sources.contains(&r.source) {
            Some("source_not_included")
        } else {
            None
        }
    }

    /// Checks a record's answers against their scales and resolves its keys.
    #[allow(clippy::type_complexity)]
    fn check(
        &self,
        r: &ResponseRecord,
        prefix: &str,
    ) -> std::result::Result<(Observation, Vec<(&'static str, String)>), Vec<Issue>> {
        let plan = &self.plan;
        let mut problems = Problems {
            policy: plan.config.invalid_scores,
            prefix,
            issues: Vec::new(),
            excluded: Vec::new(),
        };
        let level = |field: &str, v: Option<f64>, scale: Scale, problems: &mut Problems<'_>| {
            let v = v?;
            let i = scale.index_of(v);
            if i.is_none() {
                problems.push(
                    "out_of_scale",
                    field.to_owned(),
                    number(v),
                    format!(
                        "expected a whole number from {} to {}, found {}",
                        scale.min,
                        scale.max,
                        number(v)
                    ),
                );
            }
            i
        };
        let overall = level(
            "overall",
            r.overall,
            plan.config.overall_scale,
            &mut problems,
        );
        let recommend = level("recommend", r.recommend, RECOMMEND, &mut problems);
        let mut scores = vec![None; plan.dims.len()];
        for (dim, v) in &r.scores {
            let Some(v) = v else { continue };
            let field = format!("scores.{dim}");
            match plan.dim_index.get(dim) {
                Some(&d) => {
                    let dscale = plan.dims.get(d).map_or(Scale::FIVE, |s| s.scale);
                    if let Some(slot) = scores.get_mut(d) {
                        *slot = level(&field, Some(*v), dscale, &mut problems);
                    }
                }
                None => problems.push(
                    "unknown_dimension",
                    field,
                    render_str(dim.as_str()),
                    format!("dimension {:?} is not configured", dim.as_str()),
                ),
            }
        }
        if !problems.issues.is_empty() {
            return Err(problems.issues);
        }
        let order = r.work_order.as_ref().and_then(|w| self.orders.get(w));
        let keys = [
            r.estate
                .as_ref()
                .map(ToString::to_string)
                .or_else(|| order.and_then(|o| o.estate.clone()))
                .or_else(|| plan.estate.clone()),
            r.building
                .as_ref()
                .map(ToString::to_string)
                .or_else(|| order.and_then(|o| o.building.as_ref().map(ToString::to_string))),
            r.category.or(order.map(|o| o.category)).map(category_name),
            r.staff
                .as_ref()
                .map(ToString::to_string)
                .or_else(|| order.and_then(|o| o.staff.as_ref().map(ToString::to_string))),
            None,
            Some(r.source.as_str().to_owned()),
        ];
        Ok((
            Observation {
                source: r.source,
                at: r.at,
                keys,
                overall,
                recommend,
                scores,
                outcome: order.map(|o| o.outcome),
            },
            problems.excluded,
        ))
    }

    fn period_label(&mut self, at: DateTime<FixedOffset>) -> String {
        let unit = self.plan.config.period;
        let ordinal = unit.ordinal(at.with_timezone(&self.plan.offset).date_naive());
        let label = unit.label(ordinal);
        self.period_ordinals.entry(label.clone()).or_insert(ordinal);
        label
    }

    /// The cells an observation with `keys` falls in (creating them);
    /// `period` restricts trend helpers to the current and previous period.
    fn member_cells(&mut self, keys: &[Option<String>; 6], period: Option<i64>) -> Vec<usize> {
        let mut member = Vec::with_capacity(self.plan.groupings.len());
        for gi in 0..self.plan.groupings.len() {
            let Some(g) = self.plan.groupings.get(gi) else {
                continue;
            };
            if g.trend_of.is_some() {
                match period {
                    Some(p) if p == self.plan.current || p == self.plan.current - 1 => {}
                    _ => continue,
                }
            }
            let values: Option<Vec<String>> =
                g.by.iter()
                    .map(|k| keys.get(k.slot()).cloned().flatten())
                    .collect();
            let Some(values) = values else { continue };
            let key = (gi, values);
            let c = match self.lookup.get(&key) {
                Some(&c) => c,
                None => {
                    let c = self.cells.len();
                    self.cells.push(CellData {
                        grouping: gi,
                        values: key.1.clone(),
                        resp: RespStats {
                            n: 0,
                            sw: 0.0,
                            sww: 0.0,
                            overall: Levels::new(self.plan.config.overall_scale.levels()),
                            recommend: Levels::new(RECOMMEND.levels()),
                            index: Moments::default(),
                            dims: self
                                .plan
                                .dims
                                .iter()
                                .map(|d| Levels::new(d.scale.levels()))
                                .collect(),
                        },
                        orders: OrderStats::default(),
                    });
                    self.lookup.insert(key, c);
                    c
                }
            };
            member.push(c);
        }
        member
    }

    fn observe(&mut self, mut obs: Observation) {
        let age = (self.plan.as_of - obs.at).num_seconds().max(0) as f64 / 60.0;
        let w = self
            .plan
            .half_life_minutes
            .map_or(1.0, |h| (-age / h).exp2());
        let unit = self.plan.config.period;
        let ordinal = unit.ordinal(obs.at.with_timezone(&self.plan.offset).date_naive());
        obs.keys[GroupKey::Period.slot()] = Some(self.period_label(obs.at));
        let index = self.response_index(&obs);
        let member = self.member_cells(&obs.keys, Some(ordinal));
        for &c in &member {
            let Some(cell) = self.cells.get_mut(c) else {
                continue;
            };
            let s = &mut cell.resp;
            s.n += 1;
            s.sw += w;
            s.sww += w * w;
            if let Some(i) = obs.overall {
                s.overall.add(i, w);
            }
            if let Some(i) = obs.recommend {
                s.recommend.add(i, w);
            }
            if let Some(x) = index {
                s.index.add(x, w);
            }
            for (l, v) in s.dims.iter_mut().zip(&obs.scores) {
                if let Some(i) = v {
                    l.add(*i, w);
                }
            }
        }
        add_pairs(self.overlaps.get_mut(0), &member);
        for (d, v) in obs.scores.iter().enumerate() {
            if v.is_some() {
                add_pairs(self.overlaps.get_mut(d + 1), &member);
            }
        }
        if let Some(o) = obs.overall {
            let y = self.plan.config.overall_scale.value(o);
            let x: Vec<Option<f64>> = obs
                .scores
                .iter()
                .zip(&self.plan.dims)
                .map(|(v, d)| v.map(|i| d.scale.value(i)))
                .collect();
            if self.plan.config.drivers {
                self.dim_drivers.add(&x, y);
                if let (Source::Rating, Some(out)) = (obs.source, obs.outcome) {
                    let flag = |b: bool| if b { 1.0 } else { 0.0 };
                    let x = [
                        out.response_late.map(flag),
                        out.resolution_late.map(flag),
                        Some(flag(out.reopened)),
                    ];
                    self.service_drivers.add(&x, y);
                }
            }
        }
        self.responses += 1;
    }

    /// The response's 0–100 index: weighted mean of its answered dimensions
    /// (each mapped to 0–100), renormalised over the dimensions answered.
    fn response_index(&self, obs: &Observation) -> Option<f64> {
        let mut sw = 0.0;
        let mut sx = 0.0;
        for (v, d) in obs.scores.iter().zip(&self.plan.dims) {
            if let Some(i) = v
                && d.weight > 0.0
            {
                sw += d.weight;
                sx += d.weight * d.scale.to_100(*i);
            }
        }
        if sw > 0.0 {
            Some(sx / sw)
        } else if self.plan.config.index_without_dimensions == IndexFallback::Overall {
            obs.overall
                .map(|i| self.plan.config.overall_scale.to_100(i))
        } else {
            None
        }
    }

    /// Responses added so far.
    pub fn responses(&self) -> u64 {
        self.responses
    }

    /// The published result: every group with its statistics, intervals,
    /// shrunk estimates, trend and service outcomes, after suppression.
    pub fn result(&self) -> ScoreResult {
        let plan = &self.plan;
        let k = u64::from(plan.config.anonymity_threshold);
        let groupings: Vec<usize> = self.cells.iter().map(|c| c.grouping).collect();
        let is_published_grouping =
            |g: usize| plan.groupings.get(g).is_some_and(|p| p.trend_of.is_none());

        // Privacy, family by family.
        let n_resp: Vec<u64> = self.cells.iter().map(|c| c.resp.n).collect();
        let all = vec![true; self.cells.len()];
        let empty = HashMap::new();
        let resp_status = privacy::suppress(
            &Family {
                n: &n_resp,
                grouping: &groupings,
                candidate: &all,
                overlap: self.overlaps.first().unwrap_or(&empty),
            },
            k,
        );
        let resp_published: Vec<bool> = resp_status
            .iter()
            .map(|s| *s == Status::Published)
            .collect();
        let dim_status: Vec<Vec<Status>> = (0..plan.dims.len())
            .map(|d| {
                let n: Vec<u64> = self
                    .cells
                    .iter()
                    .map(|c| c.resp.dims.get(d).map_or(0, Levels::n))
                    .collect();
                privacy::suppress(
                    &Family {
                        n: &n,
                        grouping: &groupings,
                        candidate: &resp_published,
                        overlap: self.overlaps.get(d + 1).unwrap_or(&empty),
                    },
                    k,
                )
            })
            .collect();
        let n_orders: Vec<u64> = self.cells.iter().map(|c| c.orders.n).collect();
        let order_candidates: Vec<bool> = groupings
            .iter()
            .map(|&g| is_published_grouping(g))
            .collect();
        let order_status = privacy::suppress(
            &Family {
                n: &n_orders,
                grouping: &groupings,
                candidate: &order_candidates,
                overlap: self.overlaps.get(plan.dims.len() + 1).unwrap_or(&empty),
            },
            k,
        );

        // Sibling sets and their priors.
        let mut siblings: BTreeMap<(usize, Vec<String>), Vec<usize>> = BTreeMap::new();
        for (c, cell) in self.cells.iter().enumerate() {
            let Some(g) = plan.groupings.get(cell.grouping) else {
                continue;
            };
            if cell.grouping == 0 || g.trend_of.is_some() {
                continue;
            }
            let parent_values: Vec<String> = g
                .parent
                .iter()
                .filter_map(|k| g.by.iter().position(|b| b == k))
                .filter_map(|i| cell.values.get(i).cloned())
                .collect();
            siblings
                .entry((cell.grouping, parent_values))
                .or_default()
                .push(c);
        }
        let mut priors: HashMap<usize, Priors> = HashMap::new();
        for members in siblings.values() {
            let p = Priors::fit(self, members);
            for &c in members {
                priors.insert(c, p.clone());
            }
        }

        // Groups in order: grouping, then key values.
        let mut order: Vec<usize> = (0..self.cells.len())
            .filter(|&c| {
                self.cells
                    .get(c)
                    .is_some_and(|x| is_published_grouping(x.grouping))
            })
            .collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (&self.cells[a], &self.cells[b]);
            (x.grouping, &x.values).cmp(&(y.grouping, &y.values))
        });
        let groups = order
            .into_iter()
            .filter_map(|c| {
                let cell = self.cells.get(c)?;
                let g = plan.groupings.get(cell.grouping)?;
                let keys =
                    g.by.iter()
                        .copied()
                        .zip(cell.values.iter().cloned())
                        .collect();
                let pr = priors.get(&c);
                let satisfaction = (cell.resp.n > 0).then(|| {
                    match resp_status.get(c).copied().unwrap_or(Status::Hidden) {
                        Status::Published => {
                            Cell::Published(self.satisfaction(c, pr, &dim_status, &resp_status))
                        }
                        s => Cell::Suppressed(suppression(s, k, "respondents")),
                    }
                });
                let service = (cell.orders.n > 0).then(|| {
                    match order_status.get(c).copied().unwrap_or(Status::Hidden) {
                        Status::Published => Cell::Published(self.service(cell, pr)),
                        s => Cell::Suppressed(suppression(s, k, "work orders")),
                    }
                });
                Some(GroupScore {
                    grouping: g.by.clone(),
                    parent: if cell.grouping == 0 {
                        Vec::new()
                    } else {
                        g.parent.clone()
                    },
                    keys,
                    satisfaction,
                    service,
                })
            })
            .collect();

        let drivers = if plan.config.drivers {
            Drivers {
                dimensions: self
                    .dim_drivers
                    .fit("overall", DriverKind::Dimension, k, plan.z),
                service: self
                    .service_drivers
                    .fit("rating", DriverKind::ServiceOutcome, k, plan.z),
            }
        } else {
            Drivers {
                dimensions: None,
                service: None,
            }
        };

        let methods = [
            Method::TInterval,
            Method::Wilson,
            Method::Wald,
            Method::NormalNormalEb,
            Method::BetaBinomialEb,
            Method::FisherZ,
            Method::WelchT,
            Method::TwoProportionZ,
            Method::TwoMeansZ,
            Method::StandardisedOls,
        ]
        .into_iter()
        .map(|m| (m, m.describe()))
        .collect();
        ScoreResult {
            parameters: Parameters {
                anonymity_threshold: plan.config.anonymity_threshold,
                confidence: plan.config.confidence,
                significance: plan.config.significance,
                half_life_days: plan.config.half_life_days,
                period: plan.config.period,
                current_period: plan.config.period.label(plan.current),
                top_box: plan.config.top_box,
                dimensions: plan
                    .dims
                    .iter()
                    .map(|d| DimensionWeight {
                        dimension: d.id.clone(),
                        weight: d.weight,
                        share: if plan.weight_total > 0.0 {
                            d.weight / plan.weight_total
                        } else {
                            0.0
                        },
                    })
                    .collect(),
            },
            responses: self.responses,
            work_orders: self.work_orders,
            excluded: self
                .excluded
                .iter()
                .map(|((reason, field), count)| Exclusion {
                    reason,
                    field: field.clone(),
                    count: *count,
                })
                .collect(),
            groups,
            drivers,
            methods,
        }
    }

    fn satisfaction(
        &self,
        c: usize,
        pr: Option<&Priors>,
        dim_status: &[Vec<Status>],
        resp_status: &[Status],
    ) -> Satisfaction {
        let plan = &self.plan;
        let k = u64::from(plan.config.anonymity_threshold);
        let Some(cell) = self.cells.get(c) else {
            return Satisfaction {
                n: 0,
                n_effective: 0.0,
                overall: None,
                nps: None,
                index: None,
                dimensions: Vec::new(),
                trend: None,
            };
        };
        let s = &cell.resp;
        let scale = plan.config.overall_scale;
        let top = plan.config.top_box;
        let overall = (s.overall.n() > 0).then(|| {
            self.scale_score(
                &s.overall,
                scale,
                top,
                pr.and_then(|p| p.overall.as_ref()),
                pr.and_then(|p| p.csat.as_ref()),
            )
        });
        let nps = (s.recommend.n() > 0).then(|| {
            let m = s.recommend.summary(nps_value);
            let half = (m.ss / m.sw / m.n_eff()).max(0.0).sqrt() * plan.z;
            Estimate {
                value: m.mean,
                n: m.n,
                n_effective: m.n_eff(),
                ci_low: Some((m.mean - half).max(-100.0)),
                ci_high: Some((m.mean + half).min(100.0)),
                method: Method::Wald,
                shrunk: pr
                    .and_then(|p| p.nps.as_ref())
                    .map(|p| normal_shrunk(p, &m, plan.z, -100.0, 100.0)),
            }
        });
        let index = (s.index.n > 0).then(|| {
            mean_estimate(
                &s.index.summary(),
                plan.config.confidence,
                0.0,
                100.0,
                pr.and_then(|p| p.index.as_ref()),
                plan.z,
            )
        });
        let dimensions = plan
            .dims
            .iter()
            .enumerate()
            .filter_map(|(d, spec)| {
                let levels = s.dims.get(d)?;
                if levels.n() == 0 {
                    return None;
                }
                let status = dim_status
                    .get(d)
                    .and_then(|v| v.get(c))
                    .copied()
                    .unwrap_or(Status::Hidden);
                let score = match status {
                    Status::Published => Cell::Published(self.scale_score(
                        levels,
                        spec.scale,
                        top,
                        pr.and_then(|p| p.dims.get(d)).and_then(|x| x.0.as_ref()),
                        pr.and_then(|p| p.dims.get(d)).and_then(|x| x.1.as_ref()),
                    )),
                    s => Cell::Suppressed(suppression(s, k, "answers to this dimension")),
                };
                Some(DimensionScore {
                    dimension: spec.id.clone(),
                    score,
                })
            })
            .collect();
        Satisfaction {
            n: s.n,
            n_effective: if s.sww > 0.0 {
                s.sw * s.sw / s.sww
            } else {
                0.0
            },
            overall,
            nps,
            index,
            dimensions,
            trend: self.trend(c, resp_status),
        }
    }

    fn scale_score(
        &self,
        levels: &Levels,
        scale: Scale,
        top: u8,
        mean_prior: Option<&NormalPrior>,
        csat_prior: Option<&BetaPrior>,
    ) -> ScaleScore {
        let plan = &self.plan;
        let m = levels.summary(|i| scale.value(i));
        let from = scale.levels().saturating_sub(usize::from(top));
        let p = levels.share_from(from);
        ScaleScore {
            n: m.n,
            mean: mean_estimate(
                &m,
                plan.config.confidence,
                f64::from(scale.min),
                f64::from(scale.max),
                mean_prior,
                plan.z,
            ),
            distribution: levels.shares(),
            csat: proportion_estimate(&p, plan.z, plan.config.confidence, csat_prior),
        }
    }

    fn service(&self, cell: &CellData, pr: Option<&Priors>) -> Service {
        let plan = &self.plan;
        let o = &cell.orders;
        let est = |x: u64, n: u64, prior: Option<&BetaPrior>| {
            (n > 0).then(|| {
                proportion_estimate(
                    &Proportion::counted(x, n),
                    plan.z,
                    plan.config.confidence,
                    prior,
                )
            })
        };
        Service {
            orders: o.n,
            response_on_time: est(
                o.response_on_time,
                o.response_decided,
                pr.and_then(|p| p.response.as_ref()),
            ),
            resolution_on_time: est(
                o.resolution_on_time,
                o.resolution_decided,
                pr.and_then(|p| p.resolution.as_ref()),
            ),
            reopened: proportion_estimate(
                &Proportion::counted(o.reopened, o.n),
                plan.z,
                plan.config.confidence,
                pr.and_then(|p| p.reopened.as_ref()),
            ),
        }
    }

    /// The cells holding the current and previous period of cell `c`.
    fn trend_pair(&self, c: usize) -> Option<(usize, usize, String, String)> {
        let plan = &self.plan;
        let cell = self.cells.get(c)?;
        let g = plan.groupings.get(cell.grouping)?;
        let unit = plan.config.period;
        if let Some(pos) = g.by.iter().position(|k| *k == GroupKey::Period) {
            let label = cell.values.get(pos)?;
            let ordinal = *self.period_ordinals.get(label)?;
            let prev = unit.label(ordinal - 1);
            let mut values = cell.values.clone();
            *values.get_mut(pos)? = prev.clone();
            let p = *self.lookup.get(&(cell.grouping, values))?;
            Some((c, p, label.clone(), prev))
        } else {
            let helper = (*plan.trend_helper.get(cell.grouping)?)?;
            let now = unit.label(plan.current);
            let prev = unit.label(plan.current - 1);
            let mut cur_values = cell.values.clone();
            cur_values.push(now.clone());
            let mut prev_values = cell.values.clone();
            prev_values.push(prev.clone());
            let a = *self.lookup.get(&(helper, cur_values))?;
            let b = *self.lookup.get(&(helper, prev_values))?;
            Some((a, b, now, prev))
        }
    }

    fn trend(&self, c: usize, resp_status: &[Status]) -> Option<Cell<Trend>> {
        if !self.plan.config.trend {
            return None;
        }
        let (a, b, now, prev) = self.trend_pair(c)?;
        let k = self.plan.config.anonymity_threshold;
        let published = |x: usize| resp_status.get(x) == Some(&Status::Published);
        if !published(a) || !published(b) {
            return Some(Cell::Suppressed(Suppression {
                rule: "min_respondents",
                message: format!(
                    "the trend from {prev} to {now} is not shown: one of the two periods has fewer than {k} respondents or is suppressed to protect another group"
                ),
            }));
        }
        let (x, y) = (&self.cells.get(a)?.resp, &self.cells.get(b)?.resp);
        let alpha = self.plan.config.significance;
        let scale = self.plan.config.overall_scale;
        let welch = |p: MeanSummary, q: MeanSummary| {
            let r = stats::welch(p.mean_u, p.var_u, p.n as f64, q.mean_u, q.var_u, q.n as f64)?;
            Some(change(
                p.mean_u,
                q.mean_u,
                p.n,
                q.n,
                Method::WelchT,
                r,
                alpha,
            ))
        };
        let mean = welch(
            x.overall.summary(|i| scale.value(i)),
            y.overall.summary(|i| scale.value(i)),
        );
        let index = welch(x.index.summary(), y.index.summary());
        let from = scale
            .levels()
            .saturating_sub(usize::from(self.plan.config.top_box));
        let csat = {
            let (p, q) = (x.overall.share_from(from), y.overall.share_from(from));
            stats::two_proportions(p.x as f64, p.n as f64, q.x as f64, q.n as f64).map(|r| {
                change(
                    p.x as f64 / p.n as f64,
                    q.x as f64 / q.n as f64,
                    p.n,
                    q.n,
                    Method::TwoProportionZ,
                    r,
                    alpha,
                )
            })
        };
        let nps = {
            let (p, q) = (
                x.recommend.summary(nps_value),
                y.recommend.summary(nps_value),
            );
            let pop = |m: &MeanSummary| {
                if m.n > 1 {
                    m.var_u * (m.n as f64 - 1.0) / m.n as f64
                } else {
                    0.0
                }
            };
            stats::two_means_z(p.mean_u, pop(&p), p.n as f64, q.mean_u, pop(&q), q.n as f64)
                .map(|r| change(p.mean_u, q.mean_u, p.n, q.n, Method::TwoMeansZ, r, alpha))
        };
        let statement = match (&index, &mean) {
            (Some(ch), _) => statement("The index", ch, &now, &prev, alpha, 1),
            (None, Some(ch)) => statement("The mean overall score", ch, &now, &prev, alpha, 2),
            (None, None) => format!(
                "Too few answers in {now} and {prev} to compare (a test needs at least two in each)."
            ),
        };
        Some(Cell::Published(Trend {
            current: now,
            previous: prev,
            mean,
            csat,
            nps,
            index,
            statement,
        }))
    }
}

/// Priors of one sibling set.
#[derive(Debug, Clone, Default)]
struct Priors {
    overall: Option<NormalPrior>,
    csat: Option<BetaPrior>,
    nps: Option<NormalPrior>,
    index: Option<NormalPrior>,
    dims: Vec<(Option<NormalPrior>, Option<BetaPrior>)>,
    response: Option<BetaPrior>,
    resolution: Option<BetaPrior>,
    reopened: Option<BetaPrior>,
}

impl Priors {
    fn fit(acc: &Accumulator, members: &[usize]) -> Priors {
        let plan = &acc.plan;
        let cells: Vec<&CellData> = members.iter().filter_map(|&c| acc.cells.get(c)).collect();
        let scale = plan.config.overall_scale;
        let top = usize::from(plan.config.top_box);
        let means = |l: &dyn Fn(&CellData) -> Option<MeanSummary>| -> Option<NormalPrior> {
            let v: Vec<MeanSummary> = cells.iter().filter_map(|c| l(c)).collect();
            NormalPrior::fit(&v)
        };
        let shares = |l: &dyn Fn(&CellData) -> Option<Proportion>| -> Option<BetaPrior> {
            let v: Vec<Proportion> = cells.iter().filter_map(|c| l(c)).collect();
            BetaPrior::fit(&v)
        };
        let overall_from = scale.levels().saturating_sub(top);
        Priors {
            overall: means(&|c| Some(c.resp.overall.summary(|i| scale.value(i)))),
            csat: shares(&|c| Some(c.resp.overall.share_from(overall_from))),
            nps: means(&|c| Some(c.resp.recommend.summary(nps_value))),
            index: means(&|c| Some(c.resp.index.summary())),
            dims: plan
                .dims
                .iter()
                .enumerate()
                .map(|(d, spec)| {
                    let from = spec.scale.levels().saturating_sub(top);
                    (
                        means(&|c| {
                            c.resp
                                .dims
                                .get(d)
                                .map(|l| l.summary(|i| spec.scale.value(i)))
                        }),
                        shares(&|c| c.resp.dims.get(d).map(|l| l.share_from(from))),
                    )
                })
                .collect(),
            response: shares(&|c| {
                (c.orders.response_decided > 0).then(|| {
                    Proportion::counted(c.orders.response_on_time, c.orders.response_decided)
                })
            }),
            resolution: shares(&|c| {
                (c.orders.resolution_decided > 0).then(|| {
                    Proportion::counted(c.orders.resolution_on_time, c.orders.resolution_decided)
                })
            }),
            reopened: shares(&|c| {
                (c.orders.n > 0).then(|| Proportion::counted(c.orders.reopened, c.orders.n))
            }),
        }
    }
}

/// NPS value of a 0–10 answer: +100 promoter (9–10), 0 passive (7–8),
/// −100 detractor (0–6).
fn nps_value(i: usize) -> f64 {
    match i {
        9 | 10 => 100.0,
        7 | 8 => 0.0,
        _ => -100.0,
    }
}

fn normal_shrunk(p: &NormalPrior, m: &MeanSummary, z: f64, lo: f64, hi: f64) -> ShrunkEstimate {
    let s = p.shrink(m, z, lo, hi);
    ShrunkEstimate {
        value: s.value,
        ci_low: s.low,
        ci_high: s.high,
        weight: s.weight,
        toward: s.toward,
        method: Method::NormalNormalEb,
    }
}

/// A mean with its Student-t interval (df = n_eff − 1) clipped to `[lo, hi]`.
fn mean_estimate(
    m: &MeanSummary,
    confidence: f64,
    lo: f64,
    hi: f64,
    prior: Option<&NormalPrior>,
    z: f64,
) -> Estimate {
    let n_eff = m.n_eff();
    let var = m.var_w();
    let (ci_low, ci_high) = if n_eff > 1.0 && var.is_finite() {
        let t = stats::t_quantile(1.0 - (1.0 - confidence) / 2.0, n_eff - 1.0);
        let half = t * (var / n_eff).sqrt();
        (Some((m.mean - half).max(lo)), Some((m.mean + half).min(hi)))
    } else {
        (None, None)
    };
    Estimate {
        value: m.mean,
        n: m.n,
        n_effective: n_eff,
        ci_low,
        ci_high,
        method: Method::TInterval,
        shrunk: prior.map(|p| normal_shrunk(p, m, z, lo, hi)),
    }
}

/// A proportion with its Wilson interval and beta–binomial shrinkage.
fn proportion_estimate(
    p: &Proportion,
    z: f64,
    confidence: f64,
    prior: Option<&BetaPrior>,
) -> Estimate {
    let n_eff = p.n_eff();
    let (lo, hi) = stats::wilson(p.p, n_eff, z);
    Estimate {
        value: p.p,
        n: p.n,
        n_effective: n_eff,
        ci_low: Some(lo),
        ci_high: Some(hi),
        method: Method::Wilson,
        shrunk: prior.map(|b| {
            let s = b.shrink(p, confidence);
            ShrunkEstimate {
                value: s.value,
                ci_low: s.low,
                ci_high: s.high,
                weight: s.weight,
                toward: s.toward,
                method: Method::BetaBinomialEb,
            }
        }),
    }
}

fn change(
    current: f64,
    previous: f64,
    n_current: u64,
    n_previous: u64,
    test: Method,
    r: stats::TestResult,
    alpha: f64,
) -> Change {
    Change {
        current,
        previous,
        change: current - previous,
        n_current,
        n_previous,
        test,
        statistic: r.statistic,
        df: r.df,
        p_value: r.p_value,
        distinguishable: r.p_value < alpha,
    }
}

fn statement(
    what: &str,
    ch: &Change,
    now: &str,
    prev: &str,
    alpha: f64,
    decimals: usize,
) -> String {
    let verb = if ch.change > 0.0 {
        "rose"
    } else if ch.change < 0.0 {
        "fell"
    } else {
        "stayed"
    };
    let test = match ch.test {
        Method::WelchT => "Welch t-test",
        Method::TwoProportionZ => "two-proportion z-test",
        _ => "z-test",
    };
    let verdict = if ch.distinguishable {
        "distinguishable from noise"
    } else {
        "not distinguishable from noise"
    };
    format!(
        "{what} {verb} from {:.d$} in {prev} (n = {}) to {:.d$} in {now} (n = {}); {test} p = {:.3}: {verdict} at the {}% level.",
        ch.previous,
        ch.n_previous,
        ch.current,
        ch.n_current,
        ch.p_value,
        alpha * 100.0,
        d = decimals
    )
}

fn suppression(s: Status, k: u64, what: &str) -> Suppression {
    match s {
        Status::Complementary => Suppression {
            rule: "complementary",
            message: format!(
                "hidden so that a smaller suppressed group cannot be recovered by subtraction from published groups (threshold {k} {what})"
            ),
        },
        Status::Hidden => Suppression {
            rule: "parent_suppressed",
            message: "suppressed with its group".to_owned(),
        },
        _ => Suppression {
            rule: "min_respondents",
            message: format!("fewer than {k} {what}"),
        },
    }
}

fn add_pairs(map: Option<&mut HashMap<u64, u64>>, member: &[usize]) {
    let Some(map) = map else { return };
    for (i, &a) in member.iter().enumerate() {
        for &b in member.iter().skip(i + 1) {
            *map.entry(privacy::pair(a, b)).or_default() += 1;
        }
    }
}

fn finish_issues(mut issues: Vec<Issue>) -> Result<()> {
    if issues.is_empty() {
        return Ok(());
    }
    if issues.len() > MAX_ISSUES {
        let more = issues.len() - (MAX_ISSUES - 1);
        issues.truncate(MAX_ISSUES - 1);
        issues.push(Issue::new(
            "",
            "",
            IssueCode::OutOfRange,
            format!("{more} more answers are outside their scale or name unknown dimensions"),
        ));
    }
    Err(Error::invalid("satisfaction request", issues))
}

fn category_name(c: crate::Category) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn survey_record(s: &SurveyResponse) -> ResponseRecord {
    let mut rec = ResponseRecord::survey(s.at);
    rec.building = Some(s.building.clone());
    rec.overall = s.overall.map(f64::from);
    rec.recommend = s.recommend.map(f64::from);
    rec.scores = s
        .scores
        .iter()
        .map(|(k, v)| (k.clone(), Some(f64::from(*v))))
        .collect();
    rec
}
