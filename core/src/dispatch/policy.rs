//! The dispatch policy: priority classes and their SLA targets, the impact ×
//! urgency matrix, weighted boosts, business hours, escalation, assignment
//! weights and follow-up rules — all serde data with documented defaults that
//! follow Chinese property-service practice.
//!
//! A policy document may be partial: [`Policy::from_json`] merges it onto the
//! defaults key by key (objects merge recursively, arrays and numbers
//! replace), so `{"ageing": {"points_per_hour": 4}}` changes one number and
//! keeps everything else.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{
    CareNeed, Category, Error, Hazard, Issue, IssueCode, OperatingMode, Result, Skill, TimeOfDay,
    Weekday,
};

/// A priority class. `P1` is the most urgent; classes compare so that
/// `P1 < P2`, and "raising" an order means taking the smaller class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Class {
    /// Emergency (紧急): danger to people, property or the building.
    P1,
    /// Urgent (加急): an essential service is out.
    P2,
    /// Standard (一般): ordinary repairs.
    P3,
    /// Low (低): complaints, inquiries, things that can wait.
    P4,
}

impl Class {
    /// All classes, most urgent first.
    pub const ALL: [Class; 4] = [Class::P1, Class::P2, Class::P3, Class::P4];

    /// `"P1"` … `"P4"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::P1 => "P1",
            Class::P2 => "P2",
            Class::P3 => "P3",
            Class::P4 => "P4",
        }
    }
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// High, medium or low: the impact or the urgency of a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// High.
    High,
    /// Medium.
    Medium,
    /// Low.
    Low,
}

impl Level {
    /// `"high"`, `"medium"` or `"low"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::High => "high",
            Level::Medium => "medium",
            Level::Low => "low",
        }
    }
}

/// How an SLA clock runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    /// Every minute counts, day and night (7×24).
    RoundClock,
    /// Only minutes inside the policy's business hours count.
    BusinessHours,
}

impl ClockKind {
    /// `"round_clock"` or `"business_hours"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ClockKind::RoundClock => "round_clock",
            ClockKind::BusinessHours => "business_hours",
        }
    }
}

/// One priority class: its names, base points and SLA targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ClassPolicy {
    /// English name, e.g. "Emergency".
    pub name: String,
    /// Chinese name, e.g. "紧急".
    pub name_zh: String,
    /// Points every order of the class starts with.
    pub points: f64,
    /// Time to respond (someone on site), in minutes of the class's clock.
    pub respond_minutes: u32,
    /// Time to resolve, in minutes of the class's clock.
    pub resolve_minutes: u32,
    /// Round-the-clock or business-hours clock.
    pub clock: ClockKind,
    /// Where the figures come from.
    #[serde(default)]
    pub source: String,
}

/// How a category of work orders is classified, and who can do it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CategoryPolicy {
    /// How many people or how much of the building it affects.
    pub impact: Level,
    /// How soon it must be dealt with.
    pub urgency: Level,
    /// The skill a person needs to take it (none: anyone on shift).
    #[serde(default)]
    pub skill: Option<Skill>,
}

/// What a hazard adds to an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct HazardPolicy {
    /// Points added.
    pub points: f64,
    /// The order is raised to at least this class.
    #[serde(default)]
    pub min_class: Option<Class>,
    /// A skill the person sent must have, besides the category's.
    #[serde(default)]
    pub skill: Option<Skill>,
}

/// Points for the number of households an order affects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct HouseholdsPolicy {
    /// Points per household beyond the first.
    pub points_per_extra_household: f64,
    /// At most this many points.
    pub max_points: f64,
}

/// Points for a vulnerable household (its care needs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct VulnerablePolicy {
    /// Points per care need of the household.
    pub points: BTreeMap<CareNeed, f64>,
    /// At most this many points in all.
    pub max_points: f64,
}

/// Points for reopened orders (the fix did not hold).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ReopenedPolicy {
    /// Points per reopening.
    pub points_per_reopen: f64,
    /// At most this many points.
    pub max_points: f64,
}

/// Ageing: points for waiting, without a cap, so that nothing starves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AgeingPolicy {
    /// Points per hour since the order was reported (time on hold excluded).
    pub points_per_hour: f64,
}

/// SLA pressure: points growing as the active SLA target is used up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PressurePolicy {
    /// Points when 100% of the target is used (linear from 0%).
    pub points_at_deadline: f64,
    /// The fraction of the target beyond which points stop growing (e.g. 1.5).
    pub max_fraction: f64,
}

/// What an operating mode changes for one category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ModeBoost {
    /// Points added.
    #[serde(default)]
    pub points: f64,
    /// The order is raised to at least this class.
    #[serde(default)]
    pub min_class: Option<Class>,
}

/// How an operating mode (closed management) changes priorities.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ModePolicy {
    /// Boosts per category.
    #[serde(default)]
    #[serde(deserialize_with = "crate::wire::enum_keys::deserialize")]
    pub categories: BTreeMap<Category, ModeBoost>,
}

/// A daily window of business hours on some weekdays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct BusinessWindow {
    /// Weekdays it applies; empty means every day.
    #[serde(default)]
    pub weekdays: BTreeSet<Weekday>,
    /// Start (inclusive).
    pub start: TimeOfDay,
    /// End (exclusive); after `start` (use two windows to cross midnight).
    pub end: TimeOfDay,
}

/// Who is told when an SLA target is being used up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Recipient {
    /// The person assigned (the service desk if nobody is).
    Assignee,
    /// A supervisor (one who has the order's skill, if any does).
    Supervisor,
    /// The branch or estate manager.
    Manager,
    /// The secretary of the company's party branch (党支部书记).
    PartyBranchLead,
    /// The customer-service desk.
    Desk,
}

impl Recipient {
    /// Snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Recipient::Assignee => "assignee",
            Recipient::Supervisor => "supervisor",
            Recipient::Manager => "manager",
            Recipient::PartyBranchLead => "party_branch_lead",
            Recipient::Desk => "desk",
        }
    }
}

/// One escalation level: at `percent` of an SLA target, notify these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EscalationLevel {
    /// Percentage of the target used (1 to 1000).
    pub percent: u16,
    /// Who is notified.
    pub notify: BTreeSet<Recipient>,
}

/// Escalation notices as SLA targets are used up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EscalationPolicy {
    /// Levels, in increasing percent.
    pub levels: Vec<EscalationLevel>,
    /// Classes whose notices also go to the party-branch lead…
    pub party_lead_classes: BTreeSet<Class>,
    /// …from this percentage on.
    pub party_lead_from_percent: u16,
}

/// Travel times between where a person is and where the work is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TravelPolicy {
    /// Minutes within one building.
    pub same_building_minutes: f64,
    /// Minutes between two buildings.
    pub other_building_minutes: f64,
    /// Minutes when either place is unknown or in the grounds.
    pub unknown_minutes: f64,
}

/// Soft preference for party members on emergencies (党员先行).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PartyFirstPolicy {
    /// Classes the preference applies to.
    pub classes: BTreeSet<Class>,
    /// Cost taken off (in minute-equivalents) when a party member is sent.
    pub bonus: f64,
}

/// The assignment objective and its weights. Costs are in
/// "minute-equivalents": one minute of travel costs `travel_weight`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AssignmentPolicy {
    /// Minutes one job takes on average (the queue ahead of a new job).
    pub job_minutes: f64,
    /// Travel times.
    pub travel: TravelPolicy,
    /// Cost per minute of lateness against the response target, per class.
    #[serde(deserialize_with = "crate::wire::enum_keys::deserialize")]
    pub lateness_weight: BTreeMap<Class, f64>,
    /// Cost per minute of waiting, per 100 priority points.
    pub waiting_weight: f64,
    /// Cost per minute of travel.
    pub travel_weight: f64,
    /// Cost per open order the person would carry (load balance).
    pub load_weight: f64,
    /// An order left unassigned costs as much as being this many minutes late.
    pub unassigned_horizon_minutes: f64,
    /// Classes that jump the person's existing queue.
    pub preempting_classes: BTreeSet<Class>,
    /// Party members first on emergencies.
    pub party_member_first: PartyFirstPolicy,
}

/// Follow-up rule: a leak with backflow leads to an inspection of the
/// building's risers and the units above and below.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct BackflowRule {
    /// Whether the rule runs.
    pub enabled: bool,
    /// Categories of the triggering order.
    pub categories: BTreeSet<Category>,
    /// The hazard that marks backflow.
    pub hazard: Hazard,
    /// Class (and so SLA) of the inspection.
    pub class: Class,
    /// Only orders reported this many days before `as_of` trigger it.
    pub lookback_days: u32,
}

/// Follow-up rule: the same kind of fault again and again in one building
/// leads to a preventive inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RepeatFaultRule {
    /// Whether the rule runs.
    pub enabled: bool,
    /// Categories that count as faults.
    pub categories: BTreeSet<Category>,
    /// This many orders of one category in one building…
    pub min_orders: u32,
    /// …within this many days.
    pub window_days: u32,
    /// Class (and so SLA) of the inspection.
    pub class: Class,
}

/// The follow-up rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FollowUpPolicy {
    /// Leak with backflow → riser inspection.
    pub backflow_inspection: BackflowRule,
    /// Repeat fault → preventive inspection.
    pub repeat_fault_inspection: RepeatFaultRule,
}

/// The whole dispatch policy. [`Policy::default`] is the Chinese
/// residential default (see the module docs for the sources).
///
/// ```
/// use steward::dispatch::{Class, Policy};
/// let p = Policy::default();
/// assert_eq!(p.classes[&Class::P1].respond_minutes, 15);   // DB11/T 751-2025 4.2.4-4
/// let p = Policy::from_json(r#"{"ageing": {"points_per_hour": 4}}"#)?;
/// assert_eq!(p.ageing.points_per_hour, 4.0);
/// assert_eq!(p.classes[&Class::P1].respond_minutes, 15);   // the rest is the default
/// let err = Policy::from_json(r#"{"classes": {"P1": {"respond_minutes": -5}}}"#).unwrap_err();
/// assert_eq!(err.issues()[0].path, "classes.P1.respond_minutes");
/// # Ok::<(), steward::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Policy {
    /// A name for the policy, shown in responses.
    pub name: String,
    /// The four classes.
    #[serde(deserialize_with = "crate::wire::enum_keys::deserialize")]
    pub classes: BTreeMap<Class, ClassPolicy>,
    /// Impact → urgency → class.
    #[serde(deserialize_with = "crate::wire::enum_keys::deserialize")]
    pub matrix: BTreeMap<Level, BTreeMap<Level, Class>>,
    /// Per category: impact, urgency, skill.
    #[serde(deserialize_with = "crate::wire::enum_keys::deserialize")]
    pub categories: BTreeMap<Category, CategoryPolicy>,
    /// Per hazard: points, minimum class, skill.
    #[serde(deserialize_with = "crate::wire::enum_keys::deserialize")]
    pub hazards: BTreeMap<Hazard, HazardPolicy>,
    /// Households affected.
    pub households: HouseholdsPolicy,
    /// Vulnerable households.
    pub vulnerable: VulnerablePolicy,
    /// Reopened orders.
    pub reopened: ReopenedPolicy,
    /// Waiting time.
    pub ageing: AgeingPolicy,
    /// SLA pressure.
    pub sla_pressure: PressurePolicy,
    /// Per operating mode: category boosts.
    pub modes: BTreeMap<OperatingMode, ModePolicy>,
    /// Business hours (local time of the estate) for business-hours clocks.
    pub business_hours: Vec<BusinessWindow>,
    /// Escalation notices.
    pub escalation: EscalationPolicy,
    /// Assignment objective.
    pub assignment: AssignmentPolicy,
    /// Follow-up rules.
    pub follow_ups: FollowUpPolicy,
}

fn class_policy(
    name: &str,
    name_zh: &str,
    points: f64,
    respond: u32,
    resolve: u32,
    clock: ClockKind,
    source: &str,
) -> ClassPolicy {
    ClassPolicy {
        name: name.to_owned(),
        name_zh: name_zh.to_owned(),
        points,
        respond_minutes: respond,
        resolve_minutes: resolve,
        clock,
        source: source.to_owned(),
    }
}

fn category(impact: Level, urgency: Level, skill: Option<Skill>) -> CategoryPolicy {
    CategoryPolicy {
        impact,
        urgency,
        skill,
    }
}

fn hazard(points: f64, min_class: Option<Class>, skill: Option<Skill>) -> HazardPolicy {
    HazardPolicy {
        points,
        min_class,
        skill,
    }
}

impl Default for Policy {
    fn default() -> Policy {
        use Category as C;
        use ClockKind::{BusinessHours, RoundClock};
        use Level::{High, Low, Medium};
        let classes = BTreeMap::from([
            (
                Class::P1,
                class_policy(
                    "Emergency",
                    "紧急",
                    400.0,
                    15,
                    12 * 60,
                    RoundClock,
                    "DB11/T 751-2025 4.2.4-4: emergency repair (急修) on site within 15 minutes; \
                     Ministry of Construction 1998: emergency repairs not left overnight (急修不过夜)",
                ),
            ),
            (
                Class::P2,
                class_policy(
                    "Urgent",
                    "加急",
                    200.0,
                    2 * 60,
                    24 * 60,
                    RoundClock,
                    "DB11/T 751-2025 table 4.2.4 grade 2: respond to a repair report within 2 h; \
                     Beijing 接诉即办: 2 h and 24 h handling tiers",
                ),
            ),
            (
                Class::P3,
                class_policy(
                    "Standard",
                    "一般",
                    100.0,
                    4 * 60,
                    3 * 10 * 60,
                    BusinessHours,
                    "DB11/T 751-2025 table 4.2.4 grade 1: respond within 4 h; Ministry of \
                     Construction 1998: minor repairs within 3 days (3 business days of 10 h)",
                ),
            ),
            (
                Class::P4,
                class_policy(
                    "Low",
                    "低",
                    40.0,
                    4 * 60,
                    7 * 10 * 60,
                    BusinessHours,
                    "DB11/T 751-2025 4.2.3-4: feedback on a complaint within 4 h; Beijing \
                     接诉即办: 7-day handling tier (7 business days of 10 h)",
                ),
            ),
        ]);
        let matrix = BTreeMap::from([
            (
                High,
                BTreeMap::from([(High, Class::P1), (Medium, Class::P2), (Low, Class::P3)]),
            ),
            (
                Medium,
                BTreeMap::from([(High, Class::P2), (Medium, Class::P3), (Low, Class::P4)]),
            ),
            (
                Low,
                BTreeMap::from([(High, Class::P3), (Medium, Class::P4), (Low, Class::P4)]),
            ),
        ]);
        let categories = BTreeMap::from([
            (C::Plumbing, category(Medium, Medium, Some(Skill::Plumbing))),
            (
                C::Electrical,
                category(Medium, Medium, Some(Skill::Electrical)),
            ),
            (C::Gas, category(High, High, Some(Skill::Gas))),
            (C::Elevator, category(High, Medium, Some(Skill::Elevator))),
            (
                C::DoorsWindows,
                category(Medium, Medium, Some(Skill::GeneralRepair)),
            ),
            (
                C::Structure,
                category(Medium, Low, Some(Skill::GeneralRepair)),
            ),
            (
                C::Facilities,
                category(Medium, Medium, Some(Skill::GeneralRepair)),
            ),
            (C::Hygiene, category(Low, Medium, Some(Skill::Cleaning))),
            (C::Greening, category(Low, Low, Some(Skill::Greening))),
            (C::Pest, category(Low, Medium, Some(Skill::Disinfection))),
            (C::Parking, category(Low, Low, Some(Skill::Patrol))),
            (C::Noise, category(Low, Medium, Some(Skill::Patrol))),
            (
                C::NeighbourDispute,
                category(Low, Low, Some(Skill::Mediation)),
            ),
            (C::Security, category(High, Medium, Some(Skill::Patrol))),
            (C::Delivery, category(Medium, Medium, Some(Skill::Delivery))),
            (
                C::MedicalAssistance,
                category(Medium, High, Some(Skill::FirstAid)),
            ),
            (
                C::Complaint,
                category(Low, Medium, Some(Skill::CustomerService)),
            ),
            (C::Inquiry, category(Low, Low, Some(Skill::CustomerService))),
            (C::Other, category(Low, Low, None)),
        ]);
        let hazards = BTreeMap::from([
            (Hazard::WaterIngress, hazard(120.0, Some(Class::P1), None)),
            (
                Hazard::Electrical,
                hazard(150.0, Some(Class::P1), Some(Skill::Electrical)),
            ),
            (
                Hazard::GasSmell,
                hazard(250.0, Some(Class::P1), Some(Skill::Gas)),
            ),
            (
                Hazard::ElevatorEntrapment,
                hazard(300.0, Some(Class::P1), Some(Skill::Elevator)),
            ),
            (Hazard::FireSafety, hazard(300.0, Some(Class::P1), None)),
        ]);
        let boost = |points: f64, min_class: Option<Class>| ModeBoost { points, min_class };
        let modes = BTreeMap::from([(
            OperatingMode::ClosedManagement,
            ModePolicy {
                categories: BTreeMap::from([
                    (C::Delivery, boost(80.0, Some(Class::P2))),
                    (C::MedicalAssistance, boost(150.0, Some(Class::P1))),
                ]),
            },
        )]);
        let every_day = |start: (u16, u16), end: (u16, u16)| BusinessWindow {
            weekdays: BTreeSet::new(),
            start: TimeOfDay::from_hm(start.0, start.1).unwrap_or(TimeOfDay::MIDNIGHT),
            end: TimeOfDay::from_hm(end.0, end.1).unwrap_or(TimeOfDay::MIDNIGHT),
        };
        let level = |percent: u16, notify: &[Recipient]| EscalationLevel {
            percent,
            notify: notify.iter().copied().collect(),
        };
        Policy {
            name: "cn-residential-default".to_owned(),
            classes,
            matrix,
            categories,
            hazards,
            households: HouseholdsPolicy {
                points_per_extra_household: 15.0,
                max_points: 150.0,
            },
            vulnerable: VulnerablePolicy {
                points: BTreeMap::from([
                    (CareNeed::ElderlyAlone, 60.0),
                    (CareNeed::Disability, 50.0),
                    (CareNeed::Infant, 40.0),
                    (CareNeed::MedicalNeed, 80.0),
                    (CareNeed::Pregnancy, 30.0),
                ]),
                max_points: 120.0,
            },
            reopened: ReopenedPolicy {
                points_per_reopen: 40.0,
                max_points: 120.0,
            },
            ageing: AgeingPolicy {
                points_per_hour: 2.0,
            },
            sla_pressure: PressurePolicy {
                points_at_deadline: 150.0,
                max_fraction: 1.5,
            },
            modes,
            business_hours: vec![every_day((8, 0), (18, 0))],
            escalation: EscalationPolicy {
                levels: vec![
                    level(50, &[Recipient::Assignee]),
                    level(75, &[Recipient::Assignee, Recipient::Supervisor]),
                    level(
                        100,
                        &[
                            Recipient::Assignee,
                            Recipient::Supervisor,
                            Recipient::Manager,
                        ],
                    ),
                ],
                party_lead_classes: BTreeSet::from([Class::P1]),
                party_lead_from_percent: 75,
            },
            assignment: AssignmentPolicy {
                job_minutes: 45.0,
                travel: TravelPolicy {
                    same_building_minutes: 0.0,
                    other_building_minutes: 5.0,
                    unknown_minutes: 3.0,
                },
                lateness_weight: BTreeMap::from([
                    (Class::P1, 20.0),
                    (Class::P2, 6.0),
                    (Class::P3, 2.0),
                    (Class::P4, 1.0),
                ]),
                waiting_weight: 0.1,
                travel_weight: 1.0,
                load_weight: 10.0,
                unassigned_horizon_minutes: 1440.0,
                preempting_classes: BTreeSet::from([Class::P1]),
                party_member_first: PartyFirstPolicy {
                    classes: BTreeSet::from([Class::P1]),
                    bonus: 15.0,
                },
            },
            follow_ups: FollowUpPolicy {
                backflow_inspection: BackflowRule {
                    enabled: true,
                    categories: BTreeSet::from([C::Plumbing]),
                    hazard: Hazard::WaterIngress,
                    class: Class::P2,
                    lookback_days: 30,
                },
                repeat_fault_inspection: RepeatFaultRule {
                    enabled: true,
                    categories: BTreeSet::from([
                        C::Plumbing,
                        C::Electrical,
                        C::Gas,
                        C::Elevator,
                        C::DoorsWindows,
                        C::Structure,
                        C::Facilities,
                    ]),
                    min_orders: 3,
                    window_days: 30,
                    class: Class::P3,
                },
            },
        }
    }
}

/// Longest SLA target accepted, in minutes (one year).
pub const MAX_TARGET_MINUTES: u32 = 366 * 24 * 60;

impl Policy {
    /// Parses a policy document merged onto the defaults, and validates it.
    ///
    /// Objects merge key by key (recursively); arrays, numbers and strings
    /// replace the default. A complete document replaces the policy wholesale.
    ///
    /// # Errors
    /// `invalid_input` naming the field path and value: syntax, unknown
    /// fields, wrong types, or any rule of [`Policy::validate`].
    pub fn from_json(text: &str) -> Result<Policy> {
        let value: Value = crate::wire::from_json(text, "policy")?;
        Policy::from_value(value, "policy")
    }

    /// Merges a JSON value onto the defaults, parses and validates it.
    /// `what` names the document in messages.
    pub(crate) fn from_value(value: Value, what: &str) -> Result<Policy> {
        let mut base = serde_json::to_value(Policy::default())
            .map_err(|e| Error::internal(format!("default policy not serialisable: {e}")))?;
        merge(&mut base, value);
        let text = serde_json::to_string(&base)
            .map_err(|e| Error::internal(format!("policy not serialisable: {e}")))?;
        let policy: Policy = crate::wire::from_json(&text, what)?;
        policy.check(what)?;
        Ok(policy)
    }

    /// The policy as compact JSON (complete: every field present).
    pub fn to_json(&self) -> String {
        crate::wire::to_json(self)
    }

    /// Checks every rule: finite, non-negative numbers; targets from 1
    /// minute to a year with respond ≤ resolve; the matrix complete; business
    /// windows with start before end (at least one when a class uses the
    /// business-hours clock); escalation levels increasing; weights given
    /// for every class.
    ///
    /// # Errors
    /// `invalid_input` with every issue found.
    pub fn validate(&self) -> Result<()> {
        self.check("policy")
    }

    fn check(&self, what: &str) -> Result<()> {
        let mut issues = Vec::new();
        let mut points = |path: String, v: f64| {
            if !v.is_finite() || v < 0.0 {
                issues.push(Issue::new(
                    path,
                    render_f64(v),
                    IssueCode::OutOfRange,
                    format!("expected a finite number ≥ 0, found {}", render_f64(v)),
                ));
            }
        };
        for (c, p) in &self.classes {
            points(format!("classes.{c}.points"), p.points);
        }
        for (h, p) in &self.hazards {
            points(format!("hazards.{}.points", key(h)), p.points);
        }
        points(
            "households.points_per_extra_household".into(),
            self.households.points_per_extra_household,
        );
        points("households.max_points".into(), self.households.max_points);
        for (n, v) in &self.vulnerable.points {
            points(format!("vulnerable.points.{}", key(n)), *v);
        }
        points("vulnerable.max_points".into(), self.vulnerable.max_points);
        points(
            "reopened.points_per_reopen".into(),
            self.reopened.points_per_reopen,
        );
        points("reopened.max_points".into(), self.reopened.max_points);
        points(
            "sla_pressure.points_at_deadline".into(),
            self.sla_pressure.points_at_deadline,
        );
        points(
            "sla_pressure.max_fraction".into(),
            self.sla_pressure.max_fraction,
        );
        for (m, mp) in &self.modes {
            for (c, b) in &mp.categories {
                points(
                    format!("modes.{}.categories.{}.points", key(m), key(c)),
                    b.points,
                );
            }
        }
        let a = &self.assignment;
        points("assignment.job_minutes".into(), a.job_minutes);
        points(
            "assignment.travel.same_building_minutes".into(),
            a.travel.same_building_minutes,
        );
        points(
            "assignment.travel.other_building_minutes".into(),
            a.travel.other_building_minutes,
        );
        points(
            "assignment.travel.unknown_minutes".into(),
            a.travel.unknown_minutes,
        );
        for (c, w) in &a.lateness_weight {
            points(format!("assignment.lateness_weight.{c}"), *w);
        }
        points("assignment.waiting_weight".into(), a.waiting_weight);
        points("assignment.travel_weight".into(), a.travel_weight);
        points("assignment.load_weight".into(), a.load_weight);
        points(
            "assignment.unassigned_horizon_minutes".into(),
            a.unassigned_horizon_minutes,
        );
        points(
            "assignment.party_member_first.bonus".into(),
            a.party_member_first.bonus,
        );

        // Ageing must be positive: it is what keeps orders from starving.
        let rate = self.ageing.points_per_hour;
        if !rate.is_finite() || rate <= 0.0 {
            issues.push(Issue::new(
                "ageing.points_per_hour",
                render_f64(rate),
                IssueCode::OutOfRange,
                format!(
                    "expected a finite number > 0 (ageing keeps orders from starving), found {}",
                    render_f64(rate)
                ),
            ));
        }

        for c in Class::ALL {
            if !self.classes.contains_key(&c) {
                issues.push(Issue::new(
                    format!("classes.{c}"),
                    "",
                    IssueCode::MissingField,
                    format!("class {c} is missing"),
                ));
            }
            if !a.lateness_weight.contains_key(&c) {
                issues.push(Issue::new(
                    format!("assignment.lateness_weight.{c}"),
                    "",
                    IssueCode::MissingField,
                    format!("the lateness weight of class {c} is missing"),
                ));
            }
        }
        for (c, p) in &self.classes {
            for (field, v) in [
                ("respond_minutes", p.respond_minutes),
                ("resolve_minutes", p.resolve_minutes),
            ] {
                if v == 0 || v > MAX_TARGET_MINUTES {
                    issues.push(Issue::new(
                        format!("classes.{c}.{field}"),
                        v.to_string(),
                        IssueCode::OutOfRange,
                        format!("expected 1 to {MAX_TARGET_MINUTES} minutes, found {v}"),
                    ));
                }
            }
            if p.respond_minutes > p.resolve_minutes {
                issues.push(Issue::new(
                    format!("classes.{c}.respond_minutes"),
                    p.respond_minutes.to_string(),
                    IssueCode::OutOfRange,
                    format!(
                        "the response target ({} min) is longer than the resolution target ({} min)",
                        p.respond_minutes, p.resolve_minutes
                    ),
                ));
            }
        }
        for l in [Level::High, Level::Medium, Level::Low] {
            for u in [Level::High, Level::Medium, Level::Low] {
                if self.matrix.get(&l).and_then(|r| r.get(&u)).is_none() {
                    issues.push(Issue::new(
                        format!("matrix.{}.{}", l.as_str(), u.as_str()),
                        "",
                        IssueCode::MissingField,
                        format!(
                            "the class for {} impact and {} urgency is missing",
                            l.as_str(),
                            u.as_str()
                        ),
                    ));
                }
            }
        }
        for (i, w) in self.business_hours.iter().enumerate() {
            if w.end <= w.start {
                issues.push(Issue::new(
                    format!("business_hours[{i}].end"),
                    crate::wire::render_str(&w.end.to_string()),
                    IssueCode::OutOfRange,
                    format!(
                        "the window must end after it starts ({}); split a window across midnight in two",
                        w.start
                    ),
                ));
            }
        }
        let uses_business = self
            .classes
            .values()
            .any(|c| c.clock == ClockKind::BusinessHours);
        if uses_business && self.business_hours.iter().all(|w| w.end <= w.start) {
            issues.push(Issue::new(
                "business_hours",
                "[]",
                IssueCode::InvalidLength,
                "a class uses the business-hours clock, so at least one business window is needed",
            ));
        }
        let mut last = 0u16;
        for (i, l) in self.escalation.levels.iter().enumerate() {
            if l.percent == 0 || l.percent > 1000 || l.percent <= last {
                issues.push(Issue::new(
                    format!("escalation.levels[{i}].percent"),
                    l.percent.to_string(),
                    IssueCode::OutOfRange,
                    format!(
                        "expected a percentage from 1 to 1000, above the previous level's {last}, found {}",
                        l.percent
                    ),
                ));
            }
            last = last.max(l.percent);
        }
        let f = &self.follow_ups;
        for (path, v) in [
            (
                "follow_ups.backflow_inspection.lookback_days",
                f.backflow_inspection.lookback_days,
            ),
            (
                "follow_ups.repeat_fault_inspection.window_days",
                f.repeat_fault_inspection.window_days,
            ),
        ] {
            if v == 0 || v > 366 {
                issues.push(Issue::new(
                    path,
                    v.to_string(),
                    IssueCode::OutOfRange,
                    format!("expected 1 to 366 days, found {v}"),
                ));
            }
        }
        let n = f.repeat_fault_inspection.min_orders;
        if !(2..=100).contains(&n) {
            issues.push(Issue::new(
                "follow_ups.repeat_fault_inspection.min_orders",
                n.to_string(),
                IssueCode::OutOfRange,
                format!("expected 2 to 100 orders (a repeat needs at least two), found {n}"),
            ));
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(Error::invalid(what, issues))
        }
    }

    /// How many hours more one order must have waited than another to be
    /// sure to rank above it, whatever else either has: the spread of every
    /// bounded contribution divided by the ageing rate (plus one point for
    /// rounding). Ageing is what guarantees that nothing starves; this is the
    /// guarantee in numbers.
    ///
    /// ```
    /// let bound = steward::dispatch::Policy::default().starvation_bound_hours();
    /// assert!(bound > 24.0 && bound < 2000.0);
    /// ```
    pub fn starvation_bound_hours(&self) -> f64 {
        let bases = self.classes.values().map(|c| c.points);
        let max_base = bases.clone().fold(0.0_f64, f64::max);
        let min_base = bases.fold(f64::INFINITY, f64::min);
        let min_base = if min_base.is_finite() { min_base } else { 0.0 };
        let hazards: f64 = self.hazards.values().map(|h| h.points.max(0.0)).sum();
        let modes = self
            .modes
            .values()
            .flat_map(|m| m.categories.values().map(|b| b.points))
            .fold(0.0_f64, f64::max);
        let spread = (max_base - min_base)
            + hazards
            + self.households.max_points
            + self.vulnerable.max_points
            + self.reopened.max_points
            + modes
            + self.sla_pressure.points_at_deadline * self.sla_pressure.max_fraction
            + 1.0;
        spread / self.ageing.points_per_hour
    }
}

/// The JSON key of an enum value (its serde name).
pub(crate) fn key<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::from("?"),
    }
}

fn render_f64(v: f64) -> String {
    if v.is_finite() {
        serde_json::Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string())
    } else {
        v.to_string()
    }
}

/// Deep-merges `patch` onto `base`: objects key by key, anything else replaces.
fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, p) => *slot = p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_validates_and_round_trips() {
        let p = Policy::default();
        p.validate().unwrap();
        let again = Policy::from_json(&p.to_json()).unwrap();
        assert_eq!(again, p);
        assert_eq!(Policy::from_json("{}").unwrap(), p);
    }

    #[test]
    fn partial_documents_merge_onto_the_defaults() {
        let p = Policy::from_json(
            r#"{"classes": {"P3": {"clock": "round_clock"}}, "categories": {"parking": {"impact": "medium", "urgency": "low"}}}"#,
        )
        .unwrap();
        assert_eq!(p.classes[&Class::P3].clock, ClockKind::RoundClock);
        assert_eq!(p.classes[&Class::P3].respond_minutes, 240);
        assert_eq!(p.categories[&Category::Parking].impact, Level::Medium);
        // The category's skill was kept from the default.
        assert_eq!(p.categories[&Category::Parking].skill, Some(Skill::Patrol));
        // Arrays replace.
        let p = Policy::from_json(
            r#"{"business_hours": [{"weekdays": ["monday"], "start": "09:00", "end": "17:00"}]}"#,
        )
        .unwrap();
        assert_eq!(p.business_hours.len(), 1);
    }

    #[test]
    fn bad_values_are_named() {
        let err = Policy::from_json(r#"{"ageing": {"points_per_hour": 0}}"#).unwrap_err();
        assert_eq!(err.issues()[0].path, "ageing.points_per_hour");
        assert_eq!(err.issues()[0].code, IssueCode::OutOfRange);
        let err =
            Policy::from_json(r#"{"classes": {"P2": {"respond_minutes": 5000}}}"#).unwrap_err();
        assert_eq!(err.issues()[0].path, "classes.P2.respond_minutes");
        assert_eq!(
            err.issues()[0].message,
            "the response target (5000 min) is longer than the resolution target (1440 min)"
        );
        let err = Policy::from_json(r#"{"colour": 1}"#).unwrap_err();
        assert_eq!(err.issues()[0].path, "colour");
        assert_eq!(err.issues()[0].code, IssueCode::UnknownField);
        let err = Policy::from_json(r#"{"classes": {"P5": {}}}"#).unwrap_err();
        assert_eq!(err.issues()[0].code, IssueCode::UnknownVariant);
        let err = Policy::from_json(r#"{"business_hours": [{"start": "18:00", "end": "08:00"}]}"#)
            .unwrap_err();
        let paths: Vec<_> = err.issues().iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["business_hours[0].end", "business_hours"]);
        let err = Policy::from_json(
            r#"{"escalation": {"levels": [{"percent": 75, "notify": []}, {"percent": 50, "notify": []}]}}"#,
        )
        .unwrap_err();
        assert_eq!(err.issues()[0].path, "escalation.levels[1].percent");
    }

    #[test]
    fn the_starvation_bound_is_the_spread_over_the_rate() {
        let mut p = Policy::default();
        let b = p.starvation_bound_hours();
        p.ageing.points_per_hour *= 2.0;
        assert!((p.starvation_bound_hours() - b / 2.0).abs() < 1e-9);
    }
}
