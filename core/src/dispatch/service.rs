//! Service times measured from an order's events: how long until someone
//! arrived, how long until it was resolved, on the wall clock and on the SLA
//! clock, and whether the targets were met. The satisfaction engine uses the
//! same function, so "responded on time" means the same thing everywhere.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::clock::{Calendar, Timeline, at_offset};
use super::policy::{Class, ClockKind, Policy};
use super::priority::{classify, opt_time};
use crate::{OperatingMode, WorkOrder, WorkOrderEvent};

/// Response and resolution of one order, measured from its events.
///
/// `response` is the first arrival on site (`started`), `resolution` the
/// first `resolved`, both counted from the report. Clock minutes follow the
/// class's clock (business hours or round the clock) and leave out time on
/// hold. A reopened order keeps its first measures; `final_resolved_at` is
/// the last resolution.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ServiceTimes {
    /// The class the targets come from (category and hazards; the operating
    /// mode and follow-up rules need the estate, see [`crate::dispatch::rank`]).
    pub class: Class,
    /// The class's clock.
    pub clock: ClockKind,
    /// When it was reported.
    #[serde(with = "crate::wire::timestamp")]
    pub reported_at: DateTime<FixedOffset>,
    /// First arrival on site.
    #[serde(serialize_with = "opt_time")]
    pub responded_at: Option<DateTime<FixedOffset>>,
    /// First resolution.
    #[serde(serialize_with = "opt_time")]
    pub resolved_at: Option<DateTime<FixedOffset>>,
    /// Last resolution (after reopenings).
    #[serde(serialize_with = "opt_time")]
    pub final_resolved_at: Option<DateTime<FixedOffset>>,
    /// Last closure.
    #[serde(serialize_with = "opt_time")]
    pub closed_at: Option<DateTime<FixedOffset>>,
    /// Wall-clock minutes from the report to the first arrival.
    pub response_minutes: Option<f64>,
    /// Wall-clock minutes from the report to the first resolution.
    pub resolution_minutes: Option<f64>,
    /// SLA-clock minutes to the first arrival (holds excluded).
    pub response_clock_minutes: Option<f64>,
    /// SLA-clock minutes to the first resolution (holds excluded).
    pub resolution_clock_minutes: Option<f64>,
    /// Wall-clock minutes on hold (up to the last event).
    pub on_hold_minutes: f64,
    /// How many times it was reopened.
    pub reopened: u32,
    /// Whether someone arrived within the response target (`None`: not yet).
    pub response_met: Option<bool>,
    /// Whether it was resolved within the resolution target (`None`: not yet).
    pub resolution_met: Option<bool>,
}

/// Measures an order's response and resolution from its events, against
/// the targets of its class under `policy`.
///
/// Local business hours use the offset the order was reported in.
///
/// # Example
/// ```
/// use steward::{demo, dispatch, WorkOrderId};
/// let estate = demo::estate();
/// let leak = estate.work_order(&WorkOrderId::new(demo::LEAK_ORDER)?).unwrap();
/// let t = dispatch::service_times(leak, &dispatch::Policy::default());
/// assert_eq!(t.class, dispatch::Class::P1);
/// assert_eq!(t.response_minutes, Some(22.0));     // reported 08:36, on site 08:58
/// assert_eq!(t.response_met, Some(false));        // the target is 15 minutes
/// assert_eq!(t.resolution_met, None);             // still in progress
/// # Ok::<(), steward::Error>(())
/// ```
pub fn service_times(order: &WorkOrder, policy: &Policy) -> ServiceTimes {
    let decision = classify(policy, order, OperatingMode::Normal, None);
    let class = decision.class;
    let (clock, respond, resolve) =
        policy
            .classes
            .get(&class)
            .map_or((ClockKind::RoundClock, i64::MAX, i64::MAX), |c| {
                (
                    c.clock,
                    i64::from(c.respond_minutes) * 60,
                    i64::from(c.resolve_minutes) * 60,
                )
            });
    let offset = *order.reported_at.offset();
    let cal = Calendar::new(&policy.business_hours, offset.local_minus_utc());
    let t = Timeline::of(order);
    let start = t.reported;
    let minutes = |end: Option<i64>| end.map(|e| (e - start) as f64 / 60.0);
    let clock_secs = |end: Option<i64>| end.map(|e| t.consumed(&cal, clock, start, e));
    let last = order
        .events
        .last()
        .map_or(start, |e: &WorkOrderEvent| e.at().timestamp());
    let response_clock = clock_secs(t.first_started);
    let resolution_clock = clock_secs(t.first_resolved);
    let time = |s: Option<i64>| s.and_then(|s| at_offset(s, offset));
    ServiceTimes {
        class,
        clock,
        reported_at: order.reported_at,
        responded_at: time(t.first_started),
        resolved_at: time(t.first_resolved),
        final_resolved_at: time(t.last_resolved),
        closed_at: time(t.closed),
        response_minutes: minutes(t.first_started),
        resolution_minutes: minutes(t.first_resolved),
        response_clock_minutes: response_clock.map(|s| s as f64 / 60.0),
        resolution_clock_minutes: resolution_clock.map(|s| s as f64 / 60.0),
        on_hold_minutes: t.held_between(start, last) as f64 / 60.0,
        reopened: t.reopens,
        response_met: response_clock.map(|s| s <= respond),
        resolution_met: resolution_clock.map(|s| s <= resolve),
    }
}
