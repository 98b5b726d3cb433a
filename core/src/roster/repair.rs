//! Re-rostering: after sickness or a lockdown, the published roster is
//! repaired with as few changes as the rules allow.
//!
//! Days before the first disruption keep their published assignments
//! (pinned). From then on the search starts from the published roster (minus
//! assignments that became impossible, such as a sick person's shifts) and
//! pays `roster_change` (default 200 a person-day, below a missing person's
//! 1000) for every person-day that differs from it. No greedy construction
//! runs, so nothing moves that does not have to.

use chrono::NaiveDate;

use super::compile::{Extras, compile};
use super::problem::OFF;
use super::{
    Change, Disruption, Hooks, REPAIR_REQUEST, REPAIR_RESPONSE, RosterRequest, RosterResponse,
    budget, check_schema, grid, respond, statistics,
};
use crate::{Error, Issue, IssueCode, Result};

pub(crate) fn repair(request: &RosterRequest, hooks: Hooks<'_>) -> Result<RosterResponse> {
    let started = std::time::Instant::now();
    check_schema(request, REPAIR_REQUEST)?;
    let horizon = request.horizon;
    let mut issues = Vec::new();
    if request.disruptions.is_empty() {
        issues.push(Issue::new(
            "disruptions",
            "[]",
            IssueCode::InvalidLength,
            "a repair needs at least one disruption (sickness or lockdown)".to_owned(),
        ));
    }
    let last = horizon.until();
    let mut sick: Vec<(String, NaiveDate, NaiveDate)> = Vec::new();
    let mut lockdowns: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    let known = |id: &str| {
        request.estate.staff.iter().any(|s| s.id.as_str() == id)
            || request
                .estate
                .volunteers
                .iter()
                .any(|v| v.id.as_str() == id)
    };
    for (i, d) in request.disruptions.iter().enumerate() {
        let (from, until) = match d {
            Disruption::Sickness { from, until, .. } | Disruption::Lockdown { from, until } => {
                (*from, until.unwrap_or(last))
            }
        };
        if until < from {
            issues.push(Issue::new(
                format!("disruptions[{i}].until"),
                crate::wire::render_str(&until.to_string()),
                IssueCode::OutOfOrder,
                format!("the disruption ends on {until} before it starts on {from}"),
            ));
            continue;
        }
        if horizon.day_of(from).is_none() {
            issues.push(Issue::new(
                format!("disruptions[{i}].from"),
                crate::wire::render_str(&from.to_string()),
                IssueCode::OutOfRange,
                format!(
                    "date {from} is outside the horizon {} to {last}",
                    horizon.from
                ),
            ));
            continue;
        }
        match d {
            Disruption::Sickness { person, .. } => {
                if known(person) {
                    sick.push((person.clone(), from, until));
                } else {
                    issues.push(Issue::new(
                        format!("disruptions[{i}].person"),
                        crate::wire::render_str(person),
                        IssueCode::DanglingReference,
                        format!("person {person:?} is neither staff nor a volunteer of the estate"),
                    ));
                }
            }
            Disruption::Lockdown { .. } => lockdowns.push((from, until)),
        }
    }
    if !issues.is_empty() {
        return Err(Error::invalid("roster request", issues));
    }
    let start = request
        .disruptions
        .iter()
        .map(Disruption::from)
        .min()
        .unwrap_or(horizon.from);
    let pb = compile(
        request,
        &Extras {
            lockdowns: &lockdowns,
            sick: &sick,
            published: Some(&request.assignments),
            freeze_before: Some(start),
        },
    )?;
    let (published, _) = grid(&pb, &request.assignments);
    let mut init = published.clone();
    for p in 0..pb.people.len() {
        for d in 0..pb.days {
            let i = p * pb.days + d;
            let pin = pb.pinned[i];
            if pin != u16::MAX {
                init[i] = pin;
            } else if !pb.is_allowed(p, d, init[i]) && pb.is_allowed(p, d, OFF) {
                init[i] = OFF;
            }
        }
    }
    let out = super::search::run(&pb, init, budget(request, started), hooks, false);

    // The changes, with reasons.
    let label = |v: u16| {
        pb.act(v)
            .map(|a| format!("{}/{}", pb.posts[a.post].id, pb.shifts[a.shift].id))
    };
    let mut changes = Vec::new();
    for d in 0..pb.days {
        let date = horizon.date(d);
        let sick_today: Vec<&str> = sick
            .iter()
            .filter(|(_, f, u)| *f <= date && date <= *u)
            .map(|(p, _, _)| p.as_str())
            .collect();
        let locked = lockdowns.iter().any(|(f, u)| *f <= date && date <= *u);
        for (p, person) in pb.people.iter().enumerate() {
            let (before, after) = (published[p * pb.days + d], out.x[p * pb.days + d]);
            if before == after {
                continue;
            }
            let (b, a) = (label(before), label(after));
            let what = match (&b, &a) {
                (Some(b), Some(a)) => format!("moves from {b} to {a}"),
                (Some(b), None) => format!("no longer works {b}"),
                (None, Some(a)) => format!("now works {a}"),
                (None, None) => "is unchanged".to_owned(),
            };
            let why = if sick_today.contains(&person.id.as_str()) {
                "off sick".to_owned()
            } else if !sick_today.is_empty() && locked {
                format!(
                    "covering for {} off sick, in closed management",
                    sick_today.join(", ")
                )
            } else if !sick_today.is_empty() {
                format!("covering for {} off sick", sick_today.join(", "))
            } else if locked {
                "closed management changes the posts to cover".to_owned()
            } else {
                "knock-on of the repair".to_owned()
            };
            changes.push(Change {
                person: person.id.clone(),
                date,
                before: b,
                after: a,
                reason: format!("{} on {date} {what}: {why}.", person.id),
            });
        }
    }
    Ok(respond(
        &pb,
        &out.x,
        &[],
        REPAIR_RESPONSE,
        Some(statistics(request, &out)),
        Some(changes),
    ))
}
