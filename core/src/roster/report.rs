//! The roster's part of the report, and the demo requests behind it.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};

use super::{
    Hooks, Leave, LeaveKind, Level, Limits, RequestKind, RosterConfig, RosterRequest,
    RosterResponse, SOLVE_REQUEST, ShiftRequest, solve,
};
use crate::report::Section;
use crate::{Estate, OperatingMode, PostId, Result, StaffRole};

/// Which week of the demo estate to roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DemoWeek {
    /// The week of the demo's "now" (Monday 2022-12-12 to Sunday 2022-12-18),
    /// normal operation.
    Normal,
    /// The first full week of closed management (Monday 2022-04-11 to
    /// Sunday 2022-04-17): 24-hour gates doubled, morning disinfection,
    /// screening and deliveries, with party-member and student volunteers.
    Closed,
}

/// The move budget of the demo rosters (deterministic; well under a second).
pub const DEMO_MOVES: u64 = 400_000;

/// The estate's rostering policy used by the demo: who may take which post.
fn demo_config() -> RosterConfig {
    let mut cfg = RosterConfig::default();
    let roles = |ids: &[StaffRole]| ids.iter().copied().collect();
    let post = |id: &str| PostId::try_from(id.to_owned()).ok();
    if let Some(p) = post("repair-on-call") {
        cfg.post_roles.insert(
            p,
            roles(&[
                StaffRole::Plumber,
                StaffRole::Electrician,
                StaffRole::GeneralRepair,
            ]),
        );
    }
    if let Some(p) = post("screening") {
        cfg.post_roles.insert(
            p,
            roles(&[
                StaffRole::Manager,
                StaffRole::CustomerService,
                StaffRole::Supervisor,
            ]),
        );
    }
    cfg
}

/// A week's roster request for an estate: the week starting on `monday`,
/// the demo policy, and a few leave days and requests when the estate has
/// the demo's staff.
pub fn week_request(estate: &Estate, monday: NaiveDate) -> RosterRequest {
    let date = |d: u64| monday + chrono::Days::new(d);
    let has = |id: &str| estate.staff.iter().any(|s| s.id.as_str() == id);
    let mut leave = Vec::new();
    let mut requests = Vec::new();
    let closed = estate.mode_on(monday) == OperatingMode::ClosedManagement;
    if !closed && has("S15") {
        leave.push(Leave {
            person: "S15".into(),
            from: date(3),
            until: date(4),
            kind: LeaveKind::Annual,
        });
    }
    for (who, day, kind, weight) in [
        ("S12", 5, RequestKind::Off, 3),
        ("S04", 0, RequestKind::On, 2),
        ("S20", 6, RequestKind::Off, 2),
        ("S13", 2, RequestKind::Off, 1),
    ] {
        if has(who) {
            requests.push(ShiftRequest {
                person: who.into(),
                date: date(day),
                kind,
                shift: None,
                post: None,
                weight,
            });
        }
    }
    RosterRequest {
        schema: SOLVE_REQUEST.to_owned(),
        estate: estate.clone(),
        horizon: super::Horizon {
            from: monday,
            days: 7,
        },
        config: demo_config(),
        contracts: Vec::new(),
        leave,
        requests,
        holidays: Vec::new(),
        demand: Vec::new(),
        pinned: Vec::new(),
        assignments: Vec::new(),
        disruptions: Vec::new(),
        limits: Limits {
            moves: Some(DEMO_MOVES),
            seconds: None,
            threads: None,
        },
        seed: 2022,
    }
}

/// The demo estate's roster request for one of the two demo weeks.
///
/// ```
/// use steward::roster::{demo_request, DemoWeek};
/// let r = demo_request(DemoWeek::Closed);
/// assert_eq!(r.horizon.from.to_string(), "2022-04-11");
/// assert_eq!(r.horizon.days, 7);
/// ```
pub fn demo_request(week: DemoWeek) -> RosterRequest {
    let estate = crate::demo::estate();
    let monday = match week {
        DemoWeek::Normal => monday_of(crate::demo::now().date_naive()),
        DemoWeek::Closed => {
            first_closed_week(&estate).unwrap_or_else(|| monday_of(crate::demo::now().date_naive()))
        }
    };
    week_request(&estate, monday)
}

fn monday_of(date: NaiveDate) -> NaiveDate {
    date - chrono::Days::new(u64::from(date.weekday().num_days_from_monday()))
}

/// The first Monday-to-Sunday week inside a closed-management period.
fn first_closed_week(estate: &Estate) -> Option<NaiveDate> {
    let mut periods: Vec<_> = estate
        .operating_periods
        .iter()
        .filter(|p| p.mode == OperatingMode::ClosedManagement)
        .collect();
    periods.sort_by_key(|p| p.from);
    periods.into_iter().find_map(|p| {
        let offset = (7 - p.from.weekday().num_days_from_monday()) % 7;
        let monday = p.from + chrono::Days::new(u64::from(offset));
        (monday + chrono::Days::new(6) <= p.until).then_some(monday)
    })
}

/// The roster section of the report: this week's roster and the first
/// closed-management week, each as a person × day grid with its score and
/// every hard violation and the largest soft ones explained.
///
/// People appear by id and role, never by name.
#[derive(Debug, Clone, Copy, Default)]
pub struct RosterSection;

impl Section for RosterSection {
    fn title(&self) -> String {
        "Roster".to_owned()
    }

    fn render(&self, estate: &Estate, now: DateTime<FixedOffset>) -> Result<String> {
        let today = now.with_timezone(&estate.utc_offset.fixed()).date_naive();
        let mut weeks = vec![("This week", monday_of(today))];
        if let Some(m) = first_closed_week(estate)
            && m != monday_of(today)
        {
            weeks.push(("Closed-management week", m));
        }
        let mut out = String::new();
        for (i, (label, monday)) in weeks.into_iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let req = week_request(estate, monday);
            let resp = solve(&req, Hooks::default())?;
            out.push_str(&render_week(estate, label, &req, &resp));
        }
        Ok(out)
    }
}

/// Short codes for posts and shift types (initials of their id's words).
fn code(id: &str) -> String {
    id.split(['-', '_', '.'])
        .filter_map(|w| w.chars().next())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn render_week(estate: &Estate, label: &str, req: &RosterRequest, resp: &RosterResponse) -> String {
    let mut lines = Vec::new();
    let from = req.horizon.from;
    let until = req.horizon.until();
    let mode = estate.mode_on(from);
    let mode_word = match mode {
        OperatingMode::ClosedManagement => "closed management",
        _ => "normal operation",
    };
    lines.push(format!("{label}: {from} to {until} ({mode_word})"));
    let demanded: i64 = resp
        .constraints
        .iter()
        .find(|c| c.id == super::RuleId::CoverageUnder)
        .map_or(0, |c| c.penalty / c.weight.max(1));
    lines.push(format!(
        "Score: {} hard, {} soft ({}); {} assignments; {} person-shifts unfilled; {} moves, seed {}",
        resp.score.hard,
        resp.score.soft,
        if resp.feasible { "feasible: no hard rule broken" } else { "INFEASIBLE" },
        resp.assignments.len(),
        demanded,
        resp.statistics.as_ref().map_or(0, |s| s.moves),
        req.seed
    ));

    // Legend.
    let mut post_codes = BTreeMap::new();
    for p in &estate.posts {
        post_codes.insert(p.id.as_str().to_owned(), code(p.id.as_str()));
    }
    let mut shift_codes = BTreeMap::new();
    for s in &estate.shift_types {
        shift_codes.insert(s.id.as_str().to_owned(), code(s.id.as_str()));
    }
    let used_posts: std::collections::BTreeSet<&str> =
        resp.assignments.iter().map(|a| a.post.as_str()).collect();
    let used_shifts: std::collections::BTreeSet<&str> =
        resp.assignments.iter().map(|a| a.shift.as_str()).collect();
    lines.push(format!(
        "Posts: {}",
        used_posts
            .iter()
            .map(|p| format!("{} {p}", post_codes.get(*p).map_or("?", String::as_str)))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    lines.push(format!(
        "Shifts: {}",
        estate
            .shift_types
            .iter()
            .filter(|s| used_shifts.contains(s.id.as_str()))
            .map(|s| format!("{} {} {}-{}", code(s.id.as_str()), s.id, s.start, s.end))
            .collect::<Vec<_>>()
            .join(", ")
    ));

    // Grid.
    let grid = resp.grid();
    let days = usize::from(req.horizon.days);
    let cell = |s: &str| -> String {
        s.split('+')
            .map(|part| match part.split_once('/') {
                Some((p, sh)) => format!(
                    "{}:{}",
                    post_codes.get(p).map_or("?", String::as_str),
                    shift_codes.get(sh).map_or("?", String::as_str)
                ),
                None => String::new(),
            })
            .collect::<Vec<_>>()
            .join("+")
    };
    let mut rows: Vec<(String, String, Vec<String>)> = Vec::new();
    for s in &estate.staff {
        let who = format!("{} {}", s.id, super::compile::role_word(s.role));
        let row = grid
            .get(s.id.as_str())
            .map(|r| r.iter().map(|c| cell(c)).collect())
            .unwrap_or_else(|| vec![String::new(); days]);
        rows.push((
            who,
            if s.party_member {
                "P".into()
            } else {
                String::new()
            },
            row,
        ));
    }
    for v in &estate.volunteers {
        if let Some(r) = grid.get(v.id.as_str()) {
            let kind = match serde_json::to_value(v.kind) {
                Ok(serde_json::Value::String(k)) => k.replace('_', " "),
                _ => "volunteer".into(),
            };
            rows.push((
                format!("{} {kind} volunteer", v.id),
                if v.party_member {
                    "P".into()
                } else {
                    String::new()
                },
                r.iter().map(|c| cell(c)).collect(),
            ));
        }
    }
    let name_w = rows
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    let col_w = rows
        .iter()
        .flat_map(|r| r.2.iter().map(|c| c.chars().count()))
        .max()
        .unwrap_or(5)
        .max(5);
    let mut header = format!("  {:<name_w$}   ", "who (P = party member)");
    header = format!("{:<w$}", header, w = name_w + 5);
    for d in 0..days {
        let date = req.horizon.date(d);
        header.push_str(&format!(" {:<col_w$}", date.format("%a %d")));
    }
    lines.push(header.trim_end().to_owned());
    for (who, party, row) in rows {
        let mut line = format!("  {who:<name_w$} {party:<1} ");
        for c in row {
            let shown = if c.is_empty() { "-".to_owned() } else { c };
            line.push_str(&format!(" {shown:<col_w$}"));
        }
        lines.push(line.trim_end().to_owned());
    }

    // Totals and violations.
    let broken: Vec<String> = resp
        .constraints
        .iter()
        .filter(|c| c.violations > 0)
        .map(|c| {
            format!(
                "{} {} ({} penalty {})",
                c.id,
                c.violations,
                level_name(c.level),
                c.penalty
            )
        })
        .collect();
    lines.push(if broken.is_empty() {
        "Rules broken: none".to_owned()
    } else {
        format!("Rules broken: {}", broken.join("; "))
    });
    let hard: Vec<_> = resp
        .violations
        .iter()
        .filter(|v| v.severity == Level::Hard)
        .collect();
    if hard.is_empty() {
        lines.push("Hard violations: none".to_owned());
    } else {
        lines.push(format!("Hard violations ({}):", hard.len()));
        for v in hard {
            lines.push(format!("  [{}] {}", v.constraint_id, v.message));
        }
    }
    let soft: Vec<_> = resp
        .violations
        .iter()
        .filter(|v| v.severity == Level::Soft)
        .collect();
    if !soft.is_empty() {
        const SHOWN: usize = 12;
        lines.push(format!(
            "Soft violations ({}, largest first{}):",
            soft.len(),
            if soft.len() > SHOWN {
                format!("; first {SHOWN} shown")
            } else {
                String::new()
            }
        ));
        for v in soft.iter().take(SHOWN) {
            lines.push(format!(
                "  [{} {}] {}",
                v.constraint_id, v.penalty, v.message
            ));
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

fn level_name(l: Level) -> &'static str {
    super::request::level_word(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_demo_weeks_are_feasible_and_render() {
        let estate = crate::demo::estate();
        let text = RosterSection.render(&estate, crate::demo::now()).unwrap();
        println!("{text}");
        assert!(text.contains("This week: 2022-12-12 to 2022-12-18 (normal operation)"));
        assert!(
            text.contains("Closed-management week: 2022-04-11 to 2022-04-17 (closed management)")
        );
        assert_eq!(text.matches("Hard violations: none").count(), 2, "{text}");
    }
}
