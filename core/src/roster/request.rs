//! The roster's documents: requests, configuration and responses.
//!
//! Roster-specific inputs (contracts, leave, requests, holidays, dated demand,
//! rule weights) live here, in the request, not in the estate model: the
//! estate says who exists and what must be covered; the request says under
//! which terms this horizon is rostered.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::rules::{Level, RuleId, RuleOverride, Score};

use crate::{Estate, EstateId, HoursSystem, PostId, ShiftTypeId, StaffId, StaffRole, Weekday};

/// Schema of a solve request.
pub const SOLVE_REQUEST: &str = "steward.roster.solve.request.v1";
/// Schema of a solve response.
pub const SOLVE_RESPONSE: &str = "steward.roster.solve.response.v1";
/// Schema of an evaluate request.
pub const EVALUATE_REQUEST: &str = "steward.roster.evaluate.request.v1";
/// Schema of an evaluate response.
pub const EVALUATE_RESPONSE: &str = "steward.roster.evaluate.response.v1";
/// Schema of a repair request.
pub const REPAIR_REQUEST: &str = "steward.roster.repair.request.v1";
/// Schema of a repair response.
pub const REPAIR_RESPONSE: &str = "steward.roster.repair.response.v1";
/// Schema of an NSP import request.
pub const NSP_IMPORT_REQUEST: &str = "steward.roster.nsp_import.request.v1";

/// The days to roster: `days` consecutive dates from `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Horizon {
    /// First date.
    #[serde(with = "crate::wire::date")]
    pub from: NaiveDate,
    /// Number of days, 1 to 400.
    pub days: u16,
}

impl Horizon {
    /// The date of day `d` (0-based).
    pub fn date(&self, d: usize) -> NaiveDate {
        self.from + chrono::Days::new(d as u64)
    }

    /// The day index of `date`, if inside the horizon.
    pub fn day_of(&self, date: NaiveDate) -> Option<usize> {
        let d = (date - self.from).num_days();
        (0..i64::from(self.days)).contains(&d).then_some(d as usize)
    }

    /// The last date.
    pub fn until(&self) -> NaiveDate {
        self.date(usize::from(self.days.max(1)) - 1)
    }
}

/// One decision: a person works a shift on a post on a date.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// Date the shift starts.
    #[serde(with = "crate::wire::date")]
    pub date: NaiveDate,
    /// Staff or volunteer id.
    pub person: String,
    /// The post.
    pub post: PostId,
    /// The shift type.
    pub shift: ShiftTypeId,
}

/// Why someone is away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LeaveKind {
    /// Annual leave.
    Annual,
    /// Sick leave.
    Sick,
    /// An agreed day off.
    DayOff,
    /// Personal leave.
    Personal,
}

/// A person is away on these dates (inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leave {
    /// Staff or volunteer id.
    pub person: String,
    /// First date away.
    #[serde(with = "crate::wire::date")]
    pub from: NaiveDate,
    /// Last date away (inclusive).
    #[serde(with = "crate::wire::date")]
    pub until: NaiveDate,
    /// Why.
    pub kind: LeaveKind,
}

/// Whether a request asks for or against a shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RequestKind {
    /// Please give me this shift (any shift, if none is named).
    On,
    /// Please do not give me this shift (no shift at all, if none is named).
    Off,
}

/// A person's weighted wish about one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftRequest {
    /// Staff or volunteer id.
    pub person: String,
    /// The date.
    #[serde(with = "crate::wire::date")]
    pub date: NaiveDate,
    /// On or off.
    pub kind: RequestKind,
    /// The shift type meant (any, if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<ShiftTypeId>,
    /// The post meant (any, if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post: Option<PostId>,
    /// How much it matters, 1 to 1000.
    #[serde(default = "one")]
    pub weight: u32,
}

fn one() -> u32 {
    1
}

/// The headcount of one post and shift on one date, replacing what the
/// estate's coverage says for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatedDemand {
    /// The date.
    #[serde(with = "crate::wire::date")]
    pub date: NaiveDate,
    /// The post.
    pub post: PostId,
    /// The shift type.
    pub shift: ShiftTypeId,
    /// People needed, 0 to 1000.
    pub headcount: u16,
    /// Penalty per missing person (default: the `coverage_under` weight).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub under_weight: Option<u32>,
    /// Penalty per extra person (default: the `coverage_over` weight).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over_weight: Option<u32>,
}

/// The terms of employment that bind the roster, for some staff.
///
/// Absent limits come from the labour-law defaults of the hours system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// Contract id (for messages).
    pub id: String,
    /// The staff it applies to (each member of staff at most one contract).
    pub staff: Vec<StaffId>,
    /// Hours system (default: the staff member's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_system: Option<HoursSystem>,
    /// Maximum shifts of each type over the horizon (0 = never that type).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub max_shifts: BTreeMap<ShiftTypeId, u16>,
    /// Minimum working minutes over the horizon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_minutes: Option<u32>,
    /// Maximum working minutes over the horizon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_minutes: Option<u32>,
    /// Maximum consecutive working days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_consecutive_days: Option<u16>,
    /// Minimum consecutive working days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_consecutive_days: Option<u16>,
    /// Minimum consecutive days off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_consecutive_days_off: Option<u16>,
    /// Maximum weekends worked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_weekends: Option<u16>,
}

/// Labour-law limits of one hours system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoursTerms {
    /// Most working minutes in one shift (regular plus overtime).
    pub daily_max_minutes: u32,
    /// Regular minutes per week (40 h); beyond is overtime.
    pub weekly_regular_minutes: u32,
    /// Whether hours are averaged over the horizon (comprehensive) rather
    /// than counted per calendar week (standard).
    pub averaged: bool,
    /// Legal overtime per month (36 h), prorated to the horizon (30-day months).
    pub monthly_overtime_cap_minutes: u32,
    /// Maximum consecutive working days, if the system sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_consecutive_days: Option<u16>,
    /// Whether every calendar week needs a rest day.
    pub weekly_rest_day: bool,
}

/// The labour-law defaults (PRC Labour Law arts. 36, 38, 39, 41, 42).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LabourLaw {
    /// Standard hours system (标准工时制): 8 h a day, 40 h a week, a rest
    /// day every week, overtime at most 3 h a day and 36 h a month.
    pub standard: HoursTerms,
    /// Comprehensive hours system (综合计算工时制), common for security:
    /// 40 h a week on average over the period, shifts up to 12 h, at most
    /// 6 days in a row, 36 h overtime a month.
    pub comprehensive: HoursTerms,
    /// Art. 42: in an emergency (closed management) the overtime cap does
    /// not apply. Overtime is still penalised.
    pub emergency_lifts_overtime_cap: bool,
}

impl Default for LabourLaw {
    fn default() -> Self {
        LabourLaw {
            standard: HoursTerms {
                daily_max_minutes: 11 * 60,
                weekly_regular_minutes: 40 * 60,
                averaged: false,
                monthly_overtime_cap_minutes: 36 * 60,
                max_consecutive_days: None,
                weekly_rest_day: true,
            },
            comprehensive: HoursTerms {
                daily_max_minutes: 12 * 60,
                weekly_regular_minutes: 40 * 60,
                averaged: true,
                monthly_overtime_cap_minutes: 36 * 60,
                max_consecutive_days: Some(6),
                weekly_rest_day: true,
            },
            emergency_lifts_overtime_cap: true,
        }
    }
}

/// A pair of shift types that may not follow each other on consecutive days.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Succession {
    /// The first day's shift type.
    pub from: ShiftTypeId,
    /// The next day's shift type.
    pub to: ShiftTypeId,
}

/// How the roster is built: rule levels and weights, labour law, and
/// estate-specific policy. Every field has a documented default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct RosterConfig {
    /// Level and weight overrides by rule id (see `steward::roster::RULES`).
    pub rules: BTreeMap<String, RuleOverride>,
    /// Minimum rest between shifts on consecutive days, in minutes (default 660 = 11 h).
    pub min_rest_minutes: u32,
    /// Shift-type pairs that may not follow each other (default none).
    pub forbidden_successions: Vec<Succession>,
    /// Labour-law terms per hours system.
    pub labour: LabourLaw,
    /// Roles allowed on a post (default: every role).
    pub post_roles: BTreeMap<PostId, BTreeSet<StaffRole>>,
    /// Whose coverage applies on a public holiday (default Sunday's).
    pub holiday_demand_as: Weekday,
}

impl Default for RosterConfig {
    fn default() -> Self {
        RosterConfig {
            rules: BTreeMap::new(),
            min_rest_minutes: 11 * 60,
            forbidden_successions: Vec::new(),
            labour: LabourLaw::default(),
            post_roles: BTreeMap::new(),
            holiday_demand_as: Weekday::Sunday,
        }
    }
}

/// When to stop searching.
///
/// With only `moves` the result is a pure function of the request (and its
/// seed). `seconds` is a wall-clock cap: a run it stops may differ from run to
/// run. Without either, the solver uses a move budget scaled to the problem.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Most moves to try, 1 to 10^11.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moves: Option<u64>,
    /// Most wall-clock seconds, above 0 and at most 86,400.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
    /// Searches run side by side on that many threads, 1 to 64 (default
    /// 1): each gets the limits above, the first the request's seed and the
    /// others seeds derived from it (every second one also starts cooler,
    /// which suits some instances better). At 60% of the limit they wait
    /// for each other and each goes on from the best roster found so far
    /// by any of them; the best roster at the end wins (ties to the first).
    /// Under a move limit the result depends only on the request, its seed
    /// and the thread count; under a time limit each search gets the whole
    /// time, so more threads than cores make each one slower.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads: Option<u32>,
}

/// Something that changed after a roster was published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Disruption {
    /// A person is sick from a date (until a date, or the horizon's end).
    Sickness {
        /// Staff or volunteer id.
        person: String,
        /// First day off sick.
        #[serde(with = "crate::wire::date")]
        from: NaiveDate,
        /// Last day off sick (default: the horizon's end).
        #[serde(default, with = "crate::wire::date::option")]
        until: Option<NaiveDate>,
    },
    /// Closed management starts on a date (until a date, or the horizon's end).
    Lockdown {
        /// First day of closed management.
        #[serde(with = "crate::wire::date")]
        from: NaiveDate,
        /// Last day (default: the horizon's end).
        #[serde(default, with = "crate::wire::date::option")]
        until: Option<NaiveDate>,
    },
}

impl Disruption {
    /// The first date the disruption affects.
    pub fn from(&self) -> NaiveDate {
        match self {
            Disruption::Sickness { from, .. } | Disruption::Lockdown { from, .. } => *from,
        }
    }
}

/// A roster request: the estate, the horizon, the terms, and — for
/// `evaluate` and `repair` — a roster.
///
/// One document type serves the three verbs; `schema` says which:
/// `steward.roster.solve.request.v1`, `…evaluate.request.v1` (needs
/// `assignments`) or `…repair.request.v1` (needs `assignments`, the
/// published roster, and `disruptions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RosterRequest {
    /// Which verb and version.
    pub schema: String,
    /// The estate: shift types, posts and coverage, staff and volunteers.
    pub estate: Estate,
    /// The days to roster.
    pub horizon: Horizon,
    /// Rules, labour law and policy.
    #[serde(default)]
    pub config: RosterConfig,
    /// Contracts of staff (others get the defaults of their hours system).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contracts: Vec<Contract>,
    /// Leave, sick leave and agreed days off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leave: Vec<Leave>,
    /// Weighted requests to work or not work.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<ShiftRequest>,
    /// Public holidays inside the horizon.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<CalendarDate>,
    /// Dated headcounts replacing the estate's coverage for a post and shift on a date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub demand: Vec<DatedDemand>,
    /// Assignments the solver must keep.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pinned: Vec<Assignment>,
    /// The roster to evaluate, or the published roster to repair.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assignments: Vec<Assignment>,
    /// What changed since publication (repair only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disruptions: Vec<Disruption>,
    /// When to stop searching.
    #[serde(default)]
    pub limits: Limits,
    /// Seed of the search (same request and seed, same roster).
    #[serde(default)]
    pub seed: u64,
}

/// A date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CalendarDate(#[serde(with = "crate::wire::date")] pub NaiveDate);

/// The score of one rule over the whole roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConstraintTotal {
    /// Rule id.
    pub id: RuleId,
    /// Title.
    pub title: String,
    /// Level in force.
    pub level: Level,
    /// Weight in force.
    pub weight: i64,
    /// Number of violations.
    pub violations: usize,
    /// Sum of their penalties.
    pub penalty: i64,
}

/// One broken rule: who, when, which rule, how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Violation {
    /// Rule id.
    pub constraint_id: RuleId,
    /// Hard or soft.
    pub severity: Level,
    /// Penalty (in the severity's score).
    pub penalty: i64,
    /// People concerned (ids), if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<String>,
    /// Dates concerned, if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dates: Vec<CalendarDate>,
    /// Post concerned, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post: Option<PostId>,
    /// Shift type concerned, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<ShiftTypeId>,
    /// A sentence naming who, when and what.
    pub message: String,
}

/// How the search went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statistics {
    /// Seed used.
    pub seed: u64,
    /// Moves tried.
    pub moves: u64,
    /// Moves accepted.
    pub accepted: u64,
    /// Times a better roster was found.
    pub improvements: u64,
    /// Why the search stopped: `move_limit`, `time_limit`, `cancelled` or `optimal` (score zero).
    pub stopped_by: String,
}

/// One changed person-day in a repaired roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Staff or volunteer id.
    pub person: String,
    /// The date.
    #[serde(with = "crate::wire::date")]
    pub date: NaiveDate,
    /// `post/shift` before, or absent for a day off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// `post/shift` after, or absent for a day off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// A sentence saying what changed and why.
    pub reason: String,
}

/// A roster with its score and explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterResponse {
    /// `steward.roster.solve.response.v1`, `…evaluate…` or `…repair…`.
    pub schema: String,
    /// The estate rostered.
    pub estate: EstateId,
    /// The days rostered.
    pub horizon: Horizon,
    /// Hard and soft penalty.
    pub score: Score,
    /// Whether no hard rule is broken.
    pub feasible: bool,
    /// The roster, sorted by date, post, shift and person.
    pub assignments: Vec<Assignment>,
    /// Per-rule totals of every rule in force, hard first, then by penalty and id.
    pub constraints: Vec<ConstraintTotal>,
    /// Every violation, hard first, then by penalty (largest first), date and rule.
    pub violations: Vec<Violation>,
    /// Changes against the published roster (repair only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<Change>>,
    /// How the search went (absent for evaluate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics: Option<Statistics>,
}

impl RosterResponse {
    /// The response as compact JSON (starts with `{"schema":`).
    pub fn to_json(&self) -> String {
        crate::wire::to_json(self)
    }

    /// A person × day grid: one row per person who works at least once, one
    /// cell per day (`post/shift` or empty).
    pub fn grid(&self) -> BTreeMap<String, Vec<String>> {
        let days = usize::from(self.horizon.days);
        let mut grid: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for a in &self.assignments {
            if let Some(d) = self.horizon.day_of(a.date) {
                let row = grid
                    .entry(a.person.clone())
                    .or_insert_with(|| vec![String::new(); days]);
                if let Some(cell) = row.get_mut(d) {
                    if !cell.is_empty() {
                        cell.push('+');
                    }
                    cell.push_str(a.post.as_str());
                    cell.push('/');
                    cell.push_str(a.shift.as_str());
                }
            }
        }
        grid
    }
}

/// Levels as words, for messages.
pub(crate) fn level_word(level: Level) -> &'static str {
    match level {
        Level::Hard => "hard",
        Level::Soft => "soft",
        Level::Off => "off",
    }
}
