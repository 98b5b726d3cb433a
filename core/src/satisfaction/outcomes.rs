//! Service outcomes of a work order: response and resolution time against
//! its SLA target, and whether it was reopened.
//!
//! The times come from the order's event history ([`service_times`]); the
//! dispatch engine may later provide the same clock, and this module is the
//! one place to switch over.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::config::{ResponseClock, SlaTable, SlaTarget};
use crate::{WorkOrder, WorkOrderEvent};

/// When the clocks of one order stopped, read from its history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ServiceTimes {
    /// Minutes from report to the first `triaged` or `assigned` event.
    pub(crate) contact_minutes: Option<f64>,
    /// Minutes from report to the first `started` event (arrival on site).
    pub(crate) on_site_minutes: Option<f64>,
    /// Minutes from report to the first `resolved` event, on-hold time excluded.
    pub(crate) resolution_minutes: Option<f64>,
    /// Minutes the resolution clock has run until `as_of` (for open orders).
    pub(crate) elapsed_minutes: f64,
    /// Minutes from report to `as_of`, holds included (the response clock
    /// does not pause).
    pub(crate) waited_minutes: f64,
    /// Whether the order was ever reopened.
    pub(crate) reopened: bool,
    /// Whether it was cancelled.
    pub(crate) cancelled: bool,
}

fn minutes(from: DateTime<FixedOffset>, to: DateTime<FixedOffset>) -> f64 {
    (to - from).num_seconds() as f64 / 60.0
}

/// Reads the service clocks from an order's history, up to `as_of`.
///
/// First contact: report → first `triaged` or `assigned`. On site: report →
/// first `started`. Resolution: report → first
/// `resolved`, minus the time between each `on_hold` and the next `resumed`
/// (or `resolved`/`cancelled`) — the SLA clock pauses on hold, as DESIGN says.
/// Events after `as_of` are ignored.
pub(crate) fn service_times(order: &WorkOrder, as_of: DateTime<FixedOffset>) -> ServiceTimes {
    let mut contact = None;
    let mut response = None;
    let mut resolution = None;
    let mut held = 0.0;
    let mut hold_since: Option<DateTime<FixedOffset>> = None;
    let mut reopened = false;
    let mut cancelled = false;
    for e in order.events.iter().filter(|e| e.at() <= as_of) {
        match e {
            WorkOrderEvent::Triaged { at, .. } | WorkOrderEvent::Assigned { at, .. }
                if contact.is_none() =>
            {
                contact = Some(minutes(order.reported_at, *at));
            }
            WorkOrderEvent::Started { at } if response.is_none() => {
                response = Some(minutes(order.reported_at, *at));
            }
            WorkOrderEvent::OnHold { at, .. } => hold_since = Some(*at),
            WorkOrderEvent::Resumed { at } => {
                if let Some(since) = hold_since.take() {
                    held += minutes(since, *at);
                }
            }
            WorkOrderEvent::Resolved { at, .. } => {
                if let Some(since) = hold_since.take() {
                    held += minutes(since, *at);
                }
                if resolution.is_none() {
                    resolution = Some(minutes(order.reported_at, *at) - held);
                }
            }
            WorkOrderEvent::Reopened { .. } => reopened = true,
            WorkOrderEvent::Cancelled { at, .. } => {
                if let Some(since) = hold_since.take() {
                    held += minutes(since, *at);
                }
                cancelled = true;
            }
            _ => {}
        }
    }
    let waited = minutes(order.reported_at, as_of).max(0.0);
    let still_held = hold_since.map_or(0.0, |since| minutes(since, as_of).max(0.0));
    ServiceTimes {
        contact_minutes: contact,
        on_site_minutes: response,
        resolution_minutes: resolution,
        elapsed_minutes: (waited - held - still_held).max(0.0),
        waited_minutes: waited,
        reopened,
        cancelled,
    }
}

/// The outcome of one order against its SLA target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ServiceOutcome {
    /// The target it is judged against.
    pub target_response_minutes: u32,
    /// The target for resolution.
    pub target_resolution_minutes: u32,
    /// What stops the response clock.
    pub response_clock: ResponseClock,
    /// Minutes to the response (first contact or arrival, per the target),
    /// if it happened.
    pub response_minutes: Option<f64>,
    /// Minutes to resolution (holds excluded), if it happened.
    pub resolution_minutes: Option<f64>,
    /// The response was late: `Some(true)` if it came after the target or
    /// has not come and the target has passed; `None` while it may still be
    /// on time.
    pub response_late: Option<bool>,
    /// The same for resolution.
    pub resolution_late: Option<bool>,
    /// Whether the order was reopened.
    pub reopened: bool,
    /// Whether the order was cancelled (cancelled orders are not scored).
    pub cancelled: bool,
}

fn late(done: Option<f64>, running: f64, target: u32) -> Option<bool> {
    let target = f64::from(target);
    match done {
        Some(m) => Some(m > target),
        None if running > target => Some(true),
        None => None,
    }
}

/// The outcome of `order` at `as_of` against `table`.
pub fn service_outcome(
    order: &WorkOrder,
    table: &SlaTable,
    as_of: DateTime<FixedOffset>,
) -> ServiceOutcome {
    let t = service_times(order, as_of);
    let target: SlaTarget = table.target(order.category, !order.hazards.is_empty());
    let response = match target.response_clock {
        ResponseClock::OnSite => t.on_site_minutes,
        _ => t.contact_minutes.or(t.on_site_minutes),
    };
    ServiceOutcome {
        target_response_minutes: target.response_minutes,
        target_resolution_minutes: target.resolution_minutes,
        response_clock: target.response_clock,
        response_minutes: response,
        resolution_minutes: t.resolution_minutes,
        response_late: late(response, t.waited_minutes, target.response_minutes),
        resolution_late: late(
            t.resolution_minutes,
            t.elapsed_minutes,
            target.resolution_minutes,
        ),
        reopened: t.reopened,
        cancelled: t.cancelled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Category, Channel, HoldReason, Location, Reporter};

    fn ts(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn order(category: Category, events: Vec<WorkOrderEvent>) -> WorkOrder {
        WorkOrder {
            id: crate::WorkOrderId::new("W1").unwrap(),
            category,
            location: Location::CommonArea {
                name: "gate".into(),
            },
            reported_at: ts("2022-12-01T08:00:00+08:00"),
            reported_by: Reporter::Anonymous,
            channel: Channel::Phone,
            description: "x".into(),
            hazards: Default::default(),
            households_affected: 1,
            follow_up_of: None,
            events,
        }
    }

    #[test]
    fn holds_pause_the_resolution_clock_only() {
        let staff = crate::StaffId::new("S1").unwrap();
        let o = order(
            Category::Plumbing,
            vec![
                WorkOrderEvent::Assigned {
                    at: ts("2022-12-01T08:30:00+08:00"),
                    staff,
                },
                WorkOrderEvent::Started {
                    at: ts("2022-12-01T10:30:00+08:00"),
                },
                WorkOrderEvent::OnHold {
                    at: ts("2022-12-01T11:00:00+08:00"),
                    reason: HoldReason::PartsOnOrder,
                },
                WorkOrderEvent::Resumed {
                    at: ts("2022-12-04T11:00:00+08:00"),
                },
                WorkOrderEvent::Resolved {
                    at: ts("2022-12-04T12:00:00+08:00"),
                    note: None,
                },
            ],
        );
        let out = service_outcome(&o, &SlaTable::default(), ts("2022-12-10T00:00:00+08:00"));
        // Repairs: first contact (assigned after 30 minutes) within 2 hours.
        assert_eq!(out.response_minutes, Some(30.0));
        assert_eq!(out.response_late, Some(false));
        let mut on_site = SlaTable::default();
        on_site.default.response_clock = ResponseClock::OnSite;
        let out = service_outcome(&o, &on_site, ts("2022-12-10T00:00:00+08:00"));
        assert_eq!(out.response_minutes, Some(150.0));
        assert_eq!(out.response_late, Some(true)); // 150 > 120
        // 76 h elapsed, 72 h on hold: 4 h = 240 min.
        assert_eq!(out.resolution_minutes, Some(240.0));
        assert_eq!(out.resolution_late, Some(false));
        assert!(!out.reopened);
    }

    #[test]
    fn open_orders_are_late_only_once_the_target_has_passed() {
        let o = order(Category::Hygiene, vec![]);
        let early = service_outcome(&o, &SlaTable::default(), ts("2022-12-01T09:00:00+08:00"));
        assert_eq!(early.response_late, None);
        assert_eq!(early.resolution_late, None);
        let later = service_outcome(&o, &SlaTable::default(), ts("2022-12-02T09:00:00+08:00"));
        assert_eq!(later.response_late, Some(true));
        assert_eq!(later.resolution_late, Some(true)); // hygiene: 24 h
    }

    #[test]
    fn hazards_use_the_emergency_target() {
        let mut o = order(Category::Plumbing, vec![]);
        o.hazards.insert(crate::Hazard::WaterIngress);
        let out = service_outcome(&o, &SlaTable::default(), ts("2022-12-01T08:20:00+08:00"));
        assert_eq!(out.target_response_minutes, 15);
        assert_eq!(out.response_late, Some(true));
    }
}
