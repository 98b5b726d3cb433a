//! Shift scheduling: who covers which post, when — under labour law, the
//! estate's policy, people's requests and fairness, for staff and volunteers.
//!
//! A [`RosterRequest`] embeds the estate (shift types, posts with coverage
//! per operating mode and weekday, staff and volunteers) and adds what binds
//! this horizon: contracts, leave, requests, public holidays, dated demand,
//! pinned assignments and the rule configuration ([`RosterConfig`]). Every
//! rule is a named constraint ([`RULES`]): hard or soft with a weight,
//! overridable by id.
//!
//! - [`solve`] builds a roster: a greedy construction, then simulated
//!   annealing with incrementally scored moves, within a move and/or time
//!   limit, with a seed, a cancellation flag and a progress callback.
//! - [`evaluate`] scores a given roster and explains it.
//! - [`repair`] re-rosters after a disruption (sickness, a lockdown) with as
//!   few changes to the published roster as it can, and lists them.
//!
//! Every response carries the score, the per-rule totals and every violation
//! with who, when and which rule. The Curtois–Qu benchmark instances map into
//! the same request type ([`nsp`]), so the same engine solves them.
//!
//! ```
//! use steward::roster::{self, Hooks, RosterRequest};
//!
//! let request = roster::demo_request(roster::DemoWeek::Closed);
//! let response = roster::solve(&request, Hooks::default())?;
//! assert!(response.feasible, "{:?}", response.violations.first());
//! // Every gate shift has a party member on it in closed management.
//! assert!(response.violations.iter().all(|v| v.constraint_id.as_str() != "party_member_on_gate"));
//!
//! // Bad input: a typed error naming the field.
//! let mut bad = request.clone();
//! bad.horizon.days = 0;
//! let err = roster::solve(&bad, Hooks::default()).unwrap_err();
//! assert_eq!(err.issues()[0].path, "horizon.days");
//! # Ok::<(), steward::Error>(())
//! ```

mod compile;
mod dp;
mod evaluate;
mod meet;
pub mod nsp;
mod problem;
mod repair;
mod report;
mod request;
mod rules;
mod search;
mod state;
#[cfg(test)]
mod tests;
mod window;

use std::collections::BTreeMap;

pub use compile::{MAX_DAYS, MAX_THREADS};
pub use report::{DemoWeek, RosterSection, demo_request};
pub use request::{
    Assignment, CalendarDate, Change, ConstraintTotal, Contract, DatedDemand, Disruption,
    EVALUATE_REQUEST, EVALUATE_RESPONSE, Horizon, HoursTerms, LabourLaw, Leave, LeaveKind, Limits,
    NSP_IMPORT_REQUEST, REPAIR_REQUEST, REPAIR_RESPONSE, RequestKind, RosterConfig, RosterRequest,
    RosterResponse, SOLVE_REQUEST, SOLVE_RESPONSE, ShiftRequest, Statistics, Succession, Violation,
};
pub use rules::{Level, RULES, RuleId, RuleInfo, RuleOverride, Score};
pub use search::{Hooks, Progress};

use crate::{Error, Issue, IssueCode, Result};
use evaluate::{Extra, Finding, analyse};
use problem::{OFF, Problem};

/// Builds a roster for the request.
///
/// Pinned assignments are kept. The search stops at `limits.moves`, at
/// `limits.seconds`, when `hooks.cancel` is set, when the progress callback
/// returns `false`, or at a perfect score; the best roster found is returned
/// with its explanation.
///
/// # Errors
/// `invalid_input` for a request that is not `steward.roster.solve.request.v1`
/// or refers to things that do not exist (every issue, with its path).
pub fn solve(request: &RosterRequest, hooks: Hooks<'_>) -> Result<RosterResponse> {
    let started = std::time::Instant::now();
    check_schema(request, SOLVE_REQUEST)?;
    check_unused(request, &["assignments", "disruptions"])?;
    let pb = compile::compile(request, &compile::Extras::default())?;
    let init = pinned_grid(&pb);
    let out = search::run(&pb, init, budget(request, started), hooks, true);
    Ok(respond(
        &pb,
        &out.x,
        &[],
        SOLVE_RESPONSE,
        Some(statistics(request, &out)),
        None,
    ))
}

/// Scores a roster (`request.assignments`) and explains every violation.
///
/// A person with two assignments on one day breaks `one_shift_per_day`; the
/// first one listed is the one counted elsewhere.
///
/// # Errors
/// `invalid_input` for a request that is not
/// `steward.roster.evaluate.request.v1` or refers to things that do not exist.
///
/// ```
/// use steward::roster::{self, Hooks};
/// let mut request = roster::demo_request(roster::DemoWeek::Normal);
/// let solved = roster::solve(&request, Hooks::default())?;
/// request.schema = roster::EVALUATE_REQUEST.into();
/// request.assignments = solved.assignments.clone();
/// let evaluated = roster::evaluate(&request)?;
/// assert_eq!(evaluated.score, solved.score);
/// # Ok::<(), steward::Error>(())
/// ```
pub fn evaluate(request: &RosterRequest) -> Result<RosterResponse> {
    check_schema(request, EVALUATE_REQUEST)?;
    check_unused(request, &["disruptions"])?;
    let pb = compile::compile(request, &compile::Extras::default())?;
    let (x, extras) = grid(&pb, &request.assignments);
    Ok(respond(&pb, &x, &extras, EVALUATE_RESPONSE, None, None))
}

/// Re-rosters after disruptions: `request.assignments` is the published
/// roster, `request.disruptions` what happened. Days before the first
/// disruption keep their published assignments; from then on the solver
/// repairs the roster, paying `roster_change` for every changed person-day,
/// and the response lists the changes.
///
/// # Errors
/// `invalid_input` for a request that is not `steward.roster.repair.request.v1`,
/// has no disruptions, or refers to things that do not exist.
pub fn repair(request: &RosterRequest, hooks: Hooks<'_>) -> Result<RosterResponse> {
    repair::repair(request, hooks)
}

/// Parses a request document (checked for UTF-8, then JSON and schema).
///
/// # Errors
/// `invalid_input` with the path of the first structural problem.
pub fn parse_request(document: &[u8]) -> Result<RosterRequest> {
    crate::wire::from_json_bytes(document, "roster request")
}

/// Document entry point `roster.solve`.
///
/// # Errors
/// As [`parse_request`] and [`solve`].
pub fn solve_entry(document: &[u8]) -> Result<String> {
    let request = parse_request(document)?;
    solve(&request, Hooks::default()).map(|r| r.to_json())
}

/// Document entry point `roster.evaluate`.
///
/// # Errors
/// As [`parse_request`] and [`evaluate`].
pub fn evaluate_entry(document: &[u8]) -> Result<String> {
    let request = parse_request(document)?;
    evaluate(&request).map(|r| r.to_json())
}

/// Document entry point `roster.repair`.
///
/// # Errors
/// As [`parse_request`] and [`repair`].
pub fn repair_entry(document: &[u8]) -> Result<String> {
    let request = parse_request(document)?;
    repair(&request, Hooks::default()).map(|r| r.to_json())
}

/// An NSP import request: the text of a Curtois–Qu instance and its name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NspImportRequest {
    /// `steward.roster.nsp_import.request.v1`.
    pub schema: String,
    /// Instance name, e.g. `Instance1`.
    pub name: String,
    /// The instance file's text.
    pub text: String,
}

/// Document entry point `roster.nsp_import`: a Curtois–Qu instance in, the
/// equivalent `steward.roster.solve.request.v1` out.
///
/// # Errors
/// `invalid_input` for a bad document, or an instance error naming its line.
pub fn nsp_import_entry(document: &[u8]) -> Result<String> {
    let r: NspImportRequest = crate::wire::from_json_bytes(document, "NSP import request")?;
    if r.schema != NSP_IMPORT_REQUEST {
        return Err(schema_error(
            &r.schema,
            NSP_IMPORT_REQUEST,
            "NSP import request",
        ));
    }
    let inst = nsp::parse(&r.text)?;
    Ok(crate::wire::to_json(&inst.to_request(&r.name)?))
}

fn schema_error(found: &str, expected: &str, what: &str) -> Error {
    Error::invalid(
        what,
        vec![Issue::new(
            "schema",
            crate::wire::render_str(found),
            IssueCode::InvalidValue,
            format!("expected schema {expected:?}, found {found:?}"),
        )],
    )
}

fn check_schema(request: &RosterRequest, expected: &str) -> Result<()> {
    if request.schema == expected {
        Ok(())
    } else {
        Err(schema_error(&request.schema, expected, "roster request"))
    }
}

fn check_unused(request: &RosterRequest, fields: &[&str]) -> Result<()> {
    let mut issues = Vec::new();
    for &f in fields {
        let used = match f {
            "assignments" => !request.assignments.is_empty(),
            _ => !request.disruptions.is_empty(),
        };
        if used {
            issues.push(Issue::new(
                f,
                String::new(),
                IssueCode::UnknownField,
                format!(
                    "{f} is not used by {}; remove it or use another verb",
                    request.schema
                ),
            ));
        }
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid("roster request", issues))
    }
}

/// The search's limits; the time limit counts from `started`.
fn budget(request: &RosterRequest, started: std::time::Instant) -> search::Budget {
    search::Budget {
        moves: request.limits.moves,
        seconds: request.limits.seconds,
        seed: request.seed,
        started,
        threads: request.limits.threads.map_or(1, |t| t as usize),
    }
}

fn statistics(request: &RosterRequest, out: &search::Outcome) -> Statistics {
    Statistics {
        seed: request.seed,
        moves: out.moves,
        accepted: out.accepted,
        improvements: out.improvements,
        stopped_by: out.stopped_by.to_owned(),
    }
}

/// The grid with only pinned values set.
fn pinned_grid(pb: &Problem) -> Vec<u16> {
    pb.pinned
        .iter()
        .map(|&v| if v == u16::MAX { OFF } else { v })
        .collect()
}

/// A grid from assignments (first one per person-day kept; others are extras).
fn grid(pb: &Problem, list: &[Assignment]) -> (Vec<u16>, Vec<Extra>) {
    let people: BTreeMap<&str, usize> = pb
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let mut x = vec![OFF; pb.people.len() * pb.days];
    let mut extras = Vec::new();
    for a in list {
        let act = pb.acts.iter().position(|act| {
            pb.posts[act.post].id == a.post.as_str() && pb.shifts[act.shift].id == a.shift.as_str()
        });
        if let (Some(&p), Some(d), Some(act)) = (
            people.get(a.person.as_str()),
            pb.horizon.day_of(a.date),
            act,
        ) {
            let cell = &mut x[p * pb.days + d];
            if *cell == OFF {
                *cell = act as u16 + 1;
            } else {
                extras.push(Extra {
                    person: p,
                    day: d,
                    act,
                    kept: usize::from(*cell) - 1,
                });
            }
        }
    }
    (x, extras)
}

fn assignments(pb: &Problem, x: &[u16]) -> Vec<Assignment> {
    let mut out = Vec::new();
    for (p, person) in pb.people.iter().enumerate() {
        for d in 0..pb.days {
            if let Some(act) = pb.act(x[p * pb.days + d]) {
                out.push(Assignment {
                    date: pb.horizon.date(d),
                    person: person.id.clone(),
                    post: post_id(pb, act.post),
                    shift: shift_id(pb, act.shift),
                });
            }
        }
    }
    out.sort_by(|a, b| {
        (a.date, &a.post, &a.shift, &a.person).cmp(&(b.date, &b.post, &b.shift, &b.person))
    });
    out
}

fn post_id(pb: &Problem, i: usize) -> crate::PostId {
    crate::PostId::try_from(pb.posts[i].id.clone()).unwrap_or_else(|_| unreachable_id())
}

fn shift_id(pb: &Problem, i: usize) -> crate::ShiftTypeId {
    crate::ShiftTypeId::try_from(pb.shifts[i].id.clone()).unwrap_or_else(|_| unreachable_id())
}

/// Ids in a compiled problem come from validated documents; this is never reached.
fn unreachable_id<T: TryFrom<String>>() -> T {
    match T::try_from("invalid".to_owned()) {
        Ok(t) => t,
        Err(_) => unreachable!("\"invalid\" is a valid id"),
    }
}

fn respond(
    pb: &Problem,
    x: &[u16],
    extras: &[Extra],
    schema: &str,
    statistics: Option<Statistics>,
    changes: Option<Vec<Change>>,
) -> RosterResponse {
    let (score, findings) = analyse(pb, x, extras);
    RosterResponse {
        schema: schema.to_owned(),
        estate: estate_id(pb),
        horizon: pb.horizon,
        score,
        feasible: score.feasible(),
        assignments: assignments(pb, x),
        constraints: totals(pb, &findings),
        violations: violations(pb, findings),
        changes,
        statistics,
    }
}

fn estate_id(pb: &Problem) -> crate::EstateId {
    pb.estate.clone()
}

fn totals(pb: &Problem, findings: &[Finding]) -> Vec<ConstraintTotal> {
    let mut out: Vec<ConstraintTotal> = RULES
        .iter()
        .filter(|r| pb.rules.get(r.id).level != Level::Off)
        .map(|r| {
            let mine = findings.iter().filter(|f| f.rule == r.id);
            let setting = pb.rules.get(r.id);
            ConstraintTotal {
                id: r.id,
                title: r.title.to_owned(),
                level: setting.level,
                weight: setting.weight,
                violations: mine.clone().count(),
                penalty: mine.map(|f| f.cost.hard + f.cost.soft).sum(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.level, std::cmp::Reverse(a.penalty), a.id).cmp(&(
            b.level,
            std::cmp::Reverse(b.penalty),
            b.id,
        ))
    });
    out
}

fn violations(pb: &Problem, mut findings: Vec<Finding>) -> Vec<Violation> {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            (
                if f.cost.hard > 0 { 0 } else { 1 },
                std::cmp::Reverse(f.cost.hard + f.cost.soft),
                f.days.first().copied().unwrap_or(0),
                f.rule,
                f.person,
            )
        };
        key(a).cmp(&key(b))
    });
    findings
        .into_iter()
        .map(|f| Violation {
            constraint_id: f.rule,
            severity: if f.cost.hard > 0 {
                Level::Hard
            } else {
                Level::Soft
            },
            penalty: f.cost.hard + f.cost.soft,
            people: f
                .person
                .map(|p| vec![pb.people[p].id.clone()])
                .unwrap_or_default(),
            dates: f
                .days
                .iter()
                .map(|&d| CalendarDate(pb.horizon.date(d)))
                .collect(),
            post: f.act.map(|a| post_id(pb, pb.acts[a].post)),
            shift: f.act.map(|a| shift_id(pb, pb.acts[a].shift)),
            message: f.message,
        })
        .collect()
}
