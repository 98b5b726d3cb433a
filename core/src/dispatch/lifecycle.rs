//! The lifecycle of an order through the store: assign, start, hold,
//! resume, resolve, close, reopen, cancel — each one event appended to the
//! order's history in one transaction (the store checks that the event is
//! allowed in the order's status and not earlier than the last one).
//!
//! ```
//! use steward::{demo, dispatch::lifecycle, Store, StaffId, WorkOrderId, WorkOrderStatus};
//! let estate = demo::estate();
//! let mut store = Store::open_in_memory()?;
//! store.save_estate(&estate)?;
//! let riser = WorkOrderId::new(demo::LEAK_FOLLOW_UP)?;
//! let at = demo::now();
//! let s = lifecycle::assign(&mut store, &estate.id, &riser, &StaffId::new("S06")?, at)?;
//! assert_eq!(s, WorkOrderStatus::Assigned);
//! lifecycle::start(&mut store, &estate.id, &riser, at + chrono::TimeDelta::minutes(20))?;
//! // A closed order cannot be started: the store refuses, naming the status.
//! let err = lifecycle::close(&mut store, &estate.id, &riser, at + chrono::TimeDelta::minutes(30)).unwrap_err();
//! assert_eq!(err.kind(), steward::ErrorKind::Conflict);
//! # Ok::<(), steward::Error>(())
//! ```

use chrono::{DateTime, FixedOffset};

use super::assign::Plan;
use super::follow_up::FollowUps;
use crate::{
    EstateId, HoldReason, Result, StaffId, Store, WorkOrderEvent, WorkOrderId, WorkOrderStatus,
};

type At = DateTime<FixedOffset>;

/// Sends `staff` to the order (again, for a reassignment).
///
/// # Errors
/// As [`Store::append_event`]: `not_found`, `conflict` (not allowed now),
/// `invalid_input` (time before the last event, unknown staff), `storage`.
pub fn assign(
    store: &mut Store,
    estate: &EstateId,
    order: &WorkOrderId,
    staff: &StaffId,
    at: At,
) -> Result<WorkOrderStatus> {
    let event = WorkOrderEvent::Assigned {
        at,
        staff: staff.clone(),
    };
    store.append_event(estate, order, &event)
}

/// Records the arrival on site (the response).
///
/// # Errors
/// As [`assign`].
pub fn start(
    store: &mut Store,
    estate: &EstateId,
    order: &WorkOrderId,
    at: At,
) -> Result<WorkOrderStatus> {
    store.append_event(estate, order, &WorkOrderEvent::Started { at })
}

/// Puts the order on hold; its SLA clock pauses.
///
/// # Errors
/// As [`assign`].
pub fn hold(
    store: &mut Store,
    estate: &EstateId,
    order: &WorkOrderId,
    reason: HoldReason,
    at: At,
) -> Result<WorkOrderStatus> {
    store.append_event(estate, order, &WorkOrderEvent::OnHold { at, reason })
}

/// Takes the order off hold; its SLA clock runs again.
///
/// # Errors
/// As [`assign`].
pub fn resume(
    store: &mut Store,
    estate: &EstateId,
    order: &WorkOrderId,
    at: At,
) -> Result<WorkOrderStatus> {
    store.append_event(estate, order, &WorkOrderEvent::Resumed { at })
}

/// Records that the work is done.
///
/// # Errors
/// As [`assign`].
pub fn resolve(
    store: &mut Store,
    estate: &EstateId,
    order: &WorkOrderId,
    note: Option<&str>,
    at: At,
) -> Result<WorkOrderStatus> {
    let event = WorkOrderEvent::Resolved {
        at,
        note: note.map(str::to_owned),
    };
    store.append_event(estate, order, &event)
}

/// Closes a resolved order (confirmed with the resident).
///
/// # Errors
/// As [`assign`].
pub fn close(
    store: &mut Store,
    estate: &EstateId,
    order: &WorkOrderId,
    at: At,
) -> Result<WorkOrderStatus> {
    store.append_event(estate, order, &WorkOrderEvent::Closed { at })
}

/// Reopens a resolved or closed order; a new SLA cycle starts.
///
/// # Errors
/// As [`assign`].
pub fn reopen(
    store: &mut Store,
    estate: &EstateId,
    order: &WorkOrderId,
    reason: Option<&str>,
    at: At,
) -> Result<WorkOrderStatus> {
    let event = WorkOrderEvent::Reopened {
        at,
        reason: reason.map(str::to_owned),
    };
    store.append_event(estate, order, &event)
}

/// Cancels an open order.
///
/// # Errors
/// As [`assign`].
pub fn cancel(
    store: &mut Store,
    estate: &EstateId,
    order: &WorkOrderId,
    reason: Option<&str>,
    at: At,
) -> Result<WorkOrderStatus> {
    let event = WorkOrderEvent::Cancelled {
        at,
        reason: reason.map(str::to_owned),
    };
    store.append_event(estate, order, &event)
}

/// Records a plan's assignments at `at`, in the plan's order; returns how
/// many were recorded. Each assignment is its own transaction: on an error
/// the ones before it stay recorded (the count is in the error's message).
///
/// # Errors
/// The first failing assignment's error, prefixed with how many were recorded.
pub fn apply_plan(store: &mut Store, estate: &EstateId, plan: &Plan, at: At) -> Result<usize> {
    for (n, a) in plan.assignments.iter().enumerate() {
        if let Err(e) = assign(store, estate, &a.order, &a.staff, at) {
            return Err(prefix(
                e,
                &format!(
                    "after recording {n} of {} assignments",
                    plan.assignments.len()
                ),
            ));
        }
    }
    Ok(plan.assignments.len())
}

/// Adds the proposed follow-up orders to the store; returns how many. Each
/// is its own transaction, as in [`apply_plan`].
///
/// # Errors
/// The first failing order's error, prefixed with how many were added.
pub fn add_follow_ups(
    store: &mut Store,
    estate: &EstateId,
    follow_ups: &FollowUps,
) -> Result<usize> {
    for (n, f) in follow_ups.proposals.iter().enumerate() {
        if let Err(e) = store.add_work_order(estate, &f.order) {
            return Err(prefix(
                e,
                &format!(
                    "after adding {n} of {} follow-ups",
                    follow_ups.proposals.len()
                ),
            ));
        }
    }
    Ok(follow_ups.proposals.len())
}

fn prefix(e: crate::Error, what: &str) -> crate::Error {
    if e.issues().is_empty() {
        crate::Error::new(e.kind(), format!("{what}: {}", e.message()))
    } else {
        crate::Error::invalid(what, e.issues().to_vec())
    }
}
