//! Dispatch: which request is handled first, by whom, and by when.
//!
//! "有事及时办" — residents judge the property company by how fast the right
//! person arrives. This engine, pure and deterministic (no clock: `as_of` is a
//! parameter), turns the estate's open work orders into:
//!
//! - **a ranked queue** ([`rank`]): each order's class (P1–P4 from the
//!   category's impact × urgency, raised by hazards, the operating mode or a
//!   follow-up rule), its SLA clocks ([`Sla`]: respond and resolve deadlines,
//!   round the clock or in business hours, paused while on hold, time left,
//!   breach risk), a score that is the sum of its [`Reason`]s (rule id,
//!   points, a sentence in English and in Chinese), and its rank; ties break
//!   by deadline, report time and id;
//! - **escalation notices** ([`escalations`]) at 50, 75 and 100% of a target,
//!   to the assignee, a supervisor, the manager and — for emergencies — the
//!   party-branch secretary;
//! - **an optimal assignment plan** ([`assign`]) for the staff on shift
//!   (priority-weighted lateness against the response deadline, travel
//!   between buildings and load balance; skills, shifts and capacities as
//!   hard rules), solved exactly by a shortest-augmenting-path (Hungarian)
//!   method, [`linear_sum_assignment`], which is also offered with scipy's
//!   contract;
//! - **the candidates for one order** ([`candidates`]): "who should take this
//!   job?", with the reason each person is or is not eligible;
//! - **follow-up orders** ([`follow_ups`]): the riser inspection after a leak
//!   with backflow, a preventive inspection after repeated faults; and
//! - **service times** ([`service_times`]) measured from an order's events,
//!   shared with the satisfaction engine; the [`lifecycle`] helpers record
//!   events through the store.
//!
//! ## The default policy and its sources
//!
//! [`Policy::default`] follows Chinese property-service practice (figures from
//! `shared/data/README.md`, section (c)):
//!
//! | class | respond | resolve | clock | source |
//! |---|---|---|---|---|
//! | P1 emergency | 15 min | 12 h | round the clock | DB11/T 751-2025 4.2.4-4 (急修 on site in 15 min); Ministry of Construction 1998 (急修不过夜) |
//! | P2 urgent | 2 h | 24 h | round the clock | DB11/T 751-2025 table 4.2.4 grade 2 (respond ≤ 2 h); Beijing 接诉即办 2 h / 24 h tiers |
//! | P3 standard | 4 h | 3 days (30 business hours) | business hours | DB11/T 751-2025 table 4.2.4 grade 1 (≤ 4 h); 1998: minor repairs within 3 days |
//! | P4 low | 4 h | 7 days (70 business hours) | business hours | DB11/T 751-2025 4.2.3-4 (complaint feedback in 4 h); 接诉即办 7-day tier |
//!
//! Business hours default to 08:00–18:00 every day (an assumption: the
//! standard asks for a service office of ≥ 8 h on working days with duty staff
//! otherwise). Hazards raise an order to P1 (burst pipes and lift entrapment
//! call for immediate handling); closed management raises deliveries of
//! necessities to P2 and medical assistance to P1. Weights are ours, stated in
//! the policy document, and can be replaced wholesale or overridden key by
//! key ([`Policy::from_json`]).
//!
//! ## Nothing starves
//!
//! Ageing adds points for every hour waited, without a cap, while every
//! other contribution is bounded; so an order that has waited
//! [`Policy::starvation_bound_hours`] longer than another always ranks above
//! it (a property test checks this), and an order can only ever be overtaken
//! by the finitely many orders reported before it or within that bound after.
//!
//! ## Example
//!
//! ```
//! use steward::{demo, dispatch};
//! let estate = demo::estate();
//! let policy = dispatch::Policy::default();
//! let queue = dispatch::rank(&estate, &policy, demo::now())?;
//! let leak = &queue.orders[0];
//! assert_eq!(leak.order.id.as_str(), demo::LEAK_ORDER);
//! assert_eq!(leak.reasons()[0].message_zh(),
//!     "优先级 P1（紧急，+400）：水管维修为中影响、中紧急（P3），因“漏水返水、渗入邻户”提升至 P1。");
//! # Ok::<(), steward::Error>(())
//! ```

mod assign;
mod clock;
mod document;
mod follow_up;
mod labels;
pub mod lifecycle;
mod lsa;
mod policy;
mod priority;
mod queue;
mod rules;
mod service;

pub use assign::{
    Candidate, Candidates, Check, OnShift, Plan, PlannedAssignment, StaffLoad, Unassigned, assign,
    candidates,
};
pub use document::{
    assign_entry, call, call_with_estate, candidates_entry, follow_ups_entry, lsa_entry, rank_entry,
};
pub use follow_up::{ExistingFollowUp, FollowUp, FollowUps, follow_ups};
pub use lsa::linear_sum_assignment;
pub use policy::{
    AgeingPolicy, AssignmentPolicy, BackflowRule, BusinessWindow, CategoryPolicy, Class,
    ClassPolicy, ClockKind, EscalationLevel, EscalationPolicy, FollowUpPolicy, HazardPolicy,
    HouseholdsPolicy, Level, MAX_TARGET_MINUTES, ModeBoost, ModePolicy, PartyFirstPolicy, Policy,
    PressurePolicy, Recipient, ReopenedPolicy, RepeatFaultRule, TravelPolicy, VulnerablePolicy,
};
pub use priority::{
    Notice, NoticeRecipient, RankedOrder, Ranking, Risk, Sla, escalations, rank, rank_orders,
};
pub use queue::TodaysQueue;
pub use rules::{Reason, Rule, Target, rules};
pub use service::{ServiceTimes, service_times};

#[cfg(test)]
mod tests;
