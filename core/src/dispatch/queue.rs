//! "Today's queue": the report section of the dispatch engine.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use super::assign::{OnShift, assign};
use super::labels;
use super::policy::{Class, Policy, key};
use super::priority::{escalations, rank};
use crate::report::Section;
use crate::{Estate, Result, StaffId};

/// The report section "Today's queue": the top open orders with class,
/// deadline and reasons; the escalations due; and the optimal plan of who
/// is sent where.
///
/// Who is on shift is not in the estate model: give the list with
/// [`TodaysQueue::on_shift`]; by default everybody on the staff list is
/// taken to be on shift (the demo's weekday morning). People appear by id
/// and role, never by name.
///
/// ```
/// use steward::{demo, dispatch::TodaysQueue, report::Section};
/// let text = TodaysQueue::default().render(&demo::estate(), demo::now())?;
/// assert!(text.contains(demo::LEAK_ORDER));
/// assert!(text.contains("Who is sent where"));
/// # Ok::<(), steward::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct TodaysQueue {
    top: usize,
    on_shift: Option<Vec<OnShift>>,
    policy: Policy,
}

impl Default for TodaysQueue {
    fn default() -> TodaysQueue {
        TodaysQueue {
            top: 8,
            on_shift: None,
            policy: Policy::default(),
        }
    }
}

impl TodaysQueue {
    /// How many orders to show with their reasons (default 8).
    pub fn top(mut self, n: usize) -> TodaysQueue {
        self.top = n;
        self
    }

    /// Who is on shift (default: everybody on the staff list).
    pub fn on_shift(mut self, on_shift: Vec<OnShift>) -> TodaysQueue {
        self.on_shift = Some(on_shift);
        self
    }

    /// The policy (default: [`Policy::default`]).
    pub fn policy(mut self, policy: Policy) -> TodaysQueue {
        self.policy = policy;
        self
    }
}

fn hm(t: DateTime<FixedOffset>, now: DateTime<FixedOffset>) -> String {
    if t.date_naive() == now.date_naive() {
        t.format("%H:%M").to_string()
    } else {
        t.format("%m-%d %H:%M").to_string()
    }
}

impl Section for TodaysQueue {
    fn title(&self) -> String {
        "Today's queue".to_owned()
    }

    fn render(&self, e: &Estate, now: DateTime<FixedOffset>) -> Result<String> {
        let now = now.with_timezone(&e.utc_offset.fixed());
        let ranking = rank(e, &self.policy, now)?;
        let mut lines = Vec::new();
        let mut by_class: BTreeMap<Class, usize> = BTreeMap::new();
        for o in &ranking.orders {
            *by_class.entry(o.class).or_default() += 1;
        }
        let classes: Vec<String> = by_class.iter().map(|(c, n)| format!("{c} {n}")).collect();
        let breached = ranking
            .orders
            .iter()
            .filter(|o| o.sla.risk() == super::Risk::Breached)
            .count();
        lines.push(format!(
            "Open orders: {} ({}); breached: {breached}; policy {}; an order waiting {:.0} h longer than another always ranks above it",
            ranking.orders.len(),
            classes.join(", "),
            self.policy.name,
            ranking.starvation_bound_hours
        ));
        for o in ranking.orders.iter().take(self.top) {
            let place = match (o.building, o.order.household()) {
                (Some(b), Some(h)) => format!("{b} ({h})"),
                (Some(b), None) => b.to_string(),
                _ => "grounds".to_owned(),
            };
            let who = o
                .assignee
                .map_or_else(|| "unassigned".to_owned(), |s| format!("with {s}"));
            let (what, due) = match o.sla.active() {
                super::Target::Respond => ("respond by", o.sla.respond_by()),
                super::Target::Resolve => ("resolve by", o.sla.resolve_by()),
            };
            let deadline = match (due, o.sla.time_left_minutes()) {
                (_, None) if o.sla.paused() => "clock paused (on hold)".to_owned(),
                (Some(d), Some(left)) if left < 0 => format!(
                    "{what} {} (overdue by {})",
                    hm(d, now),
                    labels::duration(-left).0
                ),
                (Some(d), Some(left)) => {
                    format!("{what} {} ({} left)", hm(d, now), labels::duration(left).0)
                }
                _ => "no deadline".to_owned(),
            };
            lines.push(format!(
                "{:>3}. {} {} {} · score {} · {} in {place} · {}, {who} · {deadline} · {}",
                o.rank,
                o.order.id,
                o.class,
                o.class_name(),
                o.score,
                labels::category(o.order.category).0,
                key(&o.status).replace('_', " "),
                o.sla.risk().as_str().replace('_', " "),
            ));
            for r in &o.reasons() {
                lines.push(format!("       - {}", r.message()));
            }
        }
        if ranking.orders.len() > self.top {
            lines.push(format!(
                "     … and {} more open orders.",
                ranking.orders.len() - self.top
            ));
        }

        let notices = escalations(e, &self.policy, now)?;
        lines.push(format!("Escalations due: {}", notices.len()));
        for n in notices.iter().rev().take(5) {
            lines.push(format!("  - {}", n.message));
        }

        let on_shift: Vec<OnShift> = match &self.on_shift {
            Some(list) => list.clone(),
            None => {
                let mut ids: Vec<&StaffId> = e.staff.iter().map(|s| &s.id).collect();
                ids.sort();
                ids.into_iter().cloned().map(OnShift::new).collect()
            }
        };
        let plan = assign(e, &self.policy, now, &on_shift, None)?;
        lines.push(format!(
            "Who is sent where ({} on shift; {} orders to place; objective {}):",
            on_shift.len(),
            plan.assignments.len() + plan.unassigned.len(),
            plan.objective
        ));
        let mut sent = plan.assignments.clone();
        sent.sort_by(|a, b| a.eta.cmp(&b.eta).then_with(|| a.order.cmp(&b.order)));
        for a in &sent {
            let role = e
                .staff_member(&a.staff)
                .map_or_else(String::new, |s| key(&s.role).replace('_', " "));
            let late = if a.lateness_minutes > 0.0 {
                format!(
                    ", {} late",
                    labels::duration(a.lateness_minutes.round() as i64).0
                )
            } else {
                String::new()
            };
            lines.push(format!(
                "  {} ({}) → {} ({role}), job {} for them, on site about {}{late}",
                a.order,
                a.class,
                a.staff,
                a.position,
                hm(a.eta, now)
            ));
        }
        for u in &plan.unassigned {
            let why = u.reasons.first().map(|r| r.message()).unwrap_or_default();
            lines.push(format!("  {} ({}) left for later: {why}", u.order, u.class));
        }
        Ok(lines.join("\n"))
    }
}
