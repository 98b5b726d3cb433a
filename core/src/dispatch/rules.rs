//! The named rules of dispatch and the reasons they give.
//!
//! Every contribution to a priority score, every term of an assignment's
//! cost, every eligibility check and every follow-up is a [`Reason`] naming
//! its [`Rule`] by a stable snake_case id, with points and a sentence in
//! English and in Chinese. Sentences are rendered when asked for (ranking
//! 100,000 orders does not format 1,000,000 sentences nobody reads).

use chrono::{DateTime, FixedOffset};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::labels;
use super::policy::{Class, Level};
use crate::{CareNeed, Category, Hazard, OperatingMode};

/// A named rule of the dispatch engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Rule {
    /// The class from the impact × urgency matrix, raised by hazards, the
    /// operating mode or a follow-up rule; its base points.
    PriorityClass,
    /// Points for a hazard reported with the order.
    Hazard,
    /// Points per household affected beyond the first.
    HouseholdsAffected,
    /// Points for a vulnerable household (elderly alone, disability…).
    VulnerableHousehold,
    /// Points per reopening.
    Reopened,
    /// Ageing: points per hour of waiting, uncapped, so nothing starves.
    WaitingTime,
    /// Points growing as the active SLA target is used up.
    SlaPressure,
    /// Points the operating mode (closed management) gives a category.
    OperatingMode,
    /// Assignment cost: minutes late against the response target, weighted by class.
    AssignLateness,
    /// Assignment cost: minutes until arrival, weighted by priority points.
    AssignWaiting,
    /// Assignment cost: minutes of travel.
    AssignTravel,
    /// Assignment cost: the open orders the person would carry.
    AssignLoad,
    /// Assignment bonus: a party member sent to an emergency (党员先行).
    AssignPartyMemberFirst,
    /// Assignment: the cost of leaving an order unassigned.
    AssignUnassigned,
    /// Eligibility: the person is on shift.
    EligibleOnShift,
    /// Eligibility: the person has every skill the order needs.
    EligibleSkill,
    /// Eligibility: the person can carry another open order.
    EligibleCapacity,
    /// Follow-up: a leak with backflow leads to a riser inspection of the
    /// building and the units above and below.
    FollowUpBackflowInspection,
    /// Follow-up: repeated faults of one kind in one building lead to a
    /// preventive inspection.
    FollowUpRepeatFaultInspection,
    /// Escalation notice at a percentage of an SLA target.
    SlaEscalation,
}

impl Rule {
    /// Every rule, in id order of presentation.
    pub const ALL: [Rule; 20] = [
        Rule::PriorityClass,
        Rule::Hazard,
        Rule::HouseholdsAffected,
        Rule::VulnerableHousehold,
        Rule::Reopened,
        Rule::WaitingTime,
        Rule::SlaPressure,
        Rule::OperatingMode,
        Rule::AssignLateness,
        Rule::AssignWaiting,
        Rule::AssignTravel,
        Rule::AssignLoad,
        Rule::AssignPartyMemberFirst,
        Rule::AssignUnassigned,
        Rule::EligibleOnShift,
        Rule::EligibleSkill,
        Rule::EligibleCapacity,
        Rule::FollowUpBackflowInspection,
        Rule::FollowUpRepeatFaultInspection,
        Rule::SlaEscalation,
    ];

    /// The stable snake_case id (the contract; the sentences are not).
    ///
    /// ```
    /// assert_eq!(steward::dispatch::Rule::WaitingTime.id(), "waiting_time");
    /// ```
    pub fn id(self) -> &'static str {
        match self {
            Rule::PriorityClass => "priority_class",
            Rule::Hazard => "hazard",
            Rule::HouseholdsAffected => "households_affected",
            Rule::VulnerableHousehold => "vulnerable_household",
            Rule::Reopened => "reopened",
            Rule::WaitingTime => "waiting_time",
            Rule::SlaPressure => "sla_pressure",
            Rule::OperatingMode => "operating_mode",
            Rule::AssignLateness => "assign_lateness",
            Rule::AssignWaiting => "assign_waiting",
            Rule::AssignTravel => "assign_travel",
            Rule::AssignLoad => "assign_load",
            Rule::AssignPartyMemberFirst => "assign_party_member_first",
            Rule::AssignUnassigned => "assign_unassigned",
            Rule::EligibleOnShift => "eligible_on_shift",
            Rule::EligibleSkill => "eligible_skill",
            Rule::EligibleCapacity => "eligible_capacity",
            Rule::FollowUpBackflowInspection => "follow_up_backflow_inspection",
            Rule::FollowUpRepeatFaultInspection => "follow_up_repeat_fault_inspection",
            Rule::SlaEscalation => "sla_escalation",
        }
    }

    /// What the rule does, in one sentence.
    pub fn description(self) -> &'static str {
        match self {
            Rule::PriorityClass => {
                "The class from the category's impact and urgency, raised by hazards, the operating mode or a follow-up rule; the class gives base points and SLA targets."
            }
            Rule::Hazard => "Each hazard reported with the order adds its points.",
            Rule::HouseholdsAffected => {
                "Each household affected beyond the first adds points, up to a cap."
            }
            Rule::VulnerableHousehold => {
                "Care needs of the household (elderly alone, disability, infant, medical need, pregnancy) add points, up to a cap."
            }
            Rule::Reopened => "Each reopening adds points, up to a cap.",
            Rule::WaitingTime => {
                "Every hour of waiting (time on hold excluded) adds points, without a cap, so that nothing starves."
            }
            Rule::SlaPressure => {
                "Points grow linearly as the active SLA target (respond, then resolve) is used up, up to a cap."
            }
            Rule::OperatingMode => {
                "The operating mode (closed management) adds points to some categories and may raise their class."
            }
            Rule::AssignLateness => {
                "Minutes late against the response target, times the class's lateness weight."
            }
            Rule::AssignWaiting => {
                "Minutes until the person arrives, times the waiting weight per 100 priority points."
            }
            Rule::AssignTravel => "Minutes of travel, times the travel weight.",
            Rule::AssignLoad => {
                "The open orders the person would carry, times the load weight (spreads the work)."
            }
            Rule::AssignPartyMemberFirst => {
                "Party members are preferred for emergencies (党员先行): a bonus off the cost."
            }
            Rule::AssignUnassigned => {
                "Leaving an order unassigned costs as much as being late by the policy's horizon."
            }
            Rule::EligibleOnShift => "Only people on shift now can be sent.",
            Rule::EligibleSkill => "The person must have every skill the order needs.",
            Rule::EligibleCapacity => "The person must be below their maximum of open orders.",
            Rule::FollowUpBackflowInspection => {
                "A leak with backflow in a unit creates an inspection of the building's risers and the units above and below."
            }
            Rule::FollowUpRepeatFaultInspection => {
                "Repeated faults of one category in one building within the window create a preventive inspection."
            }
            Rule::SlaEscalation => {
                "At each escalation level of an SLA target, notify the people the policy names."
            }
        }
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// Which SLA target a clock measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Time to respond (someone on site).
    Respond,
    /// Time to resolve.
    Resolve,
}

impl Target {
    /// `"respond"` or `"resolve"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Respond => "respond",
            Target::Resolve => "resolve",
        }
    }
}

/// What raised an order's class above the matrix's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Raise {
    Hazard(Hazard),
    Mode(OperatingMode),
    FollowUp(Rule),
}

/// The facts behind a reason, from which its sentences are written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Detail<'a> {
    Class {
        class: Class,
        name: &'a str,
        name_zh: &'a str,
        category: Category,
        impact: Level,
        urgency: Level,
        base: Class,
        raised_by: Option<Raise>,
    },
    Hazard(Hazard),
    Households(u32),
    Vulnerable {
        needs: &'a std::collections::BTreeSet<CareNeed>,
        capped: bool,
    },
    Reopened(u32),
    Waiting {
        minutes: i64,
    },
    Pressure {
        target: Target,
        percent: f64,
        due: Option<DateTime<FixedOffset>>,
        paused: bool,
    },
    Mode {
        mode: OperatingMode,
        category: Category,
    },
    Text {
        en: String,
        zh: String,
    },
}

/// One contribution to a decision: the rule, its points, and why.
///
/// `message()` and `message_zh()` say it in English and Chinese; JSON has
/// `{"rule_id", "points", "message", "message_zh"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason<'a> {
    rule: Rule,
    points: f64,
    detail: Detail<'a>,
}

/// Rounds to hundredths (points are shown and summed at that precision).
pub(crate) fn round2(x: f64) -> f64 {
    round_half_away(x * 100.0) / 100.0
}

/// [`f64::round`] without the call into libm on the common path (`round`
/// is a library call on baseline x86-64): truncate through `i64`, then
/// step away from zero when the dropped fraction is at least a half.
/// Equal to `f64::round` bit for bit, signed zeros included.
pub(crate) fn round_half_away(y: f64) -> f64 {
    const EXACT: f64 = 4_503_599_627_370_496.0; // 2^52: larger floats are whole
    if y.abs() < EXACT {
        // In range, so the cast truncates exactly.
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        let t = (y as i64) as f64;
        let d = y - t; // exact: both in the same binade or t = 0
        let r = if d >= 0.5 {
            t + 1.0
        } else if d <= -0.5 {
            t - 1.0
        } else {
            t
        };
        r.copysign(y)
    } else {
        y.round()
    }
}

fn local(t: DateTime<FixedOffset>) -> String {
    t.format("%m-%d %H:%M").to_string()
}

impl<'a> Reason<'a> {
    pub(crate) fn new(rule: Rule, points: f64, detail: Detail<'a>) -> Reason<'a> {
        Reason {
            rule,
            points: round2(points),
            detail,
        }
    }

    /// A reason whose sentences are already written.
    pub(crate) fn text(rule: Rule, points: f64, en: String, zh: String) -> Reason<'a> {
        Reason::new(rule, points, Detail::Text { en, zh })
    }

    /// The rule.
    pub fn rule(&self) -> Rule {
        self.rule
    }

    /// The rule's id, e.g. `"hazard"`.
    pub fn rule_id(&self) -> &'static str {
        self.rule.id()
    }

    /// Points (or cost) contributed, rounded to hundredths.
    pub fn points(&self) -> f64 {
        self.points
    }

    /// The sentence in English.
    pub fn message(&self) -> String {
        self.render().0
    }

    /// The sentence in Chinese.
    pub fn message_zh(&self) -> String {
        self.render().1
    }

    /// A copy that owns its text (for results that outlive the estate).
    pub fn into_owned(self) -> Reason<'static> {
        let (en, zh) = self.render();
        Reason {
            rule: self.rule,
            points: self.points,
            detail: Detail::Text { en, zh },
        }
    }

    fn render(&self) -> (String, String) {
        let p = labels::points(self.points);
        match &self.detail {
            Detail::Text { en, zh } => (en.clone(), zh.clone()),
            Detail::Class {
                class,
                name,
                name_zh,
                category,
                impact,
                urgency,
                base,
                raised_by,
            } => {
                let (cat, cat_zh) = labels::category(*category);
                let (i, i_zh) = labels::level(*impact);
                let (u, u_zh) = labels::level(*urgency);
                let mut en =
                    format!("Class {class} ({name}, {p}): {cat} is {i} impact and {u} urgency");
                let mut zh =
                    format!("优先级 {class}（{name_zh}，{p}）：{cat_zh}为{i_zh}影响、{u_zh}紧急");
                if class != base {
                    en.push_str(&format!(" ({base})"));
                    zh.push_str(&format!("（{base}）"));
                    match raised_by {
                        Some(Raise::Hazard(h)) => {
                            let (h, h_zh) = labels::hazard(*h);
                            en.push_str(&format!(", raised to {class} because of {h}"));
                            zh.push_str(&format!("，因“{h_zh}”提升至 {class}"));
                        }
                        Some(Raise::Mode(m)) => {
                            let (m, m_zh) = labels::mode(*m);
                            en.push_str(&format!(", raised to {class} during {m}"));
                            zh.push_str(&format!("，{m_zh}期间提升至 {class}"));
                        }
                        Some(Raise::FollowUp(rule)) => {
                            en.push_str(&format!(
                                ", raised to {class} as a follow-up inspection (rule {})",
                                rule.id()
                            ));
                            zh.push_str(&format!("，作为跟进检查提升至 {class}"));
                        }
                        None => {}
                    }
                }
                en.push('.');
                zh.push('。');
                (en, zh)
            }
            Detail::Hazard(h) => {
                let (en, zh) = labels::hazard(*h);
                (
                    format!("Hazard: {en} ({p})."),
                    format!("险情：{zh}（{p}）。"),
                )
            }
            Detail::Households(n) => (
                format!("{n} households affected ({p})."),
                format!("影响 {n} 户（{p}）。"),
            ),
            Detail::Vulnerable { needs, capped } => {
                let en: Vec<&str> = needs.iter().map(|n| labels::care_need(*n).0).collect();
                let zh: Vec<&str> = needs.iter().map(|n| labels::care_need(*n).1).collect();
                let cap = if *capped { ", capped" } else { "" };
                let cap_zh = if *capped { "，已封顶" } else { "" };
                (
                    format!("Vulnerable household: {} ({p}{cap}).", en.join(" and ")),
                    format!("特殊关怀户：{}（{p}{cap_zh}）。", zh.join("、")),
                )
            }
            Detail::Reopened(n) => (
                format!("Reopened {n} time{} ({p}).", if *n == 1 { "" } else { "s" }),
                format!("返修 {n} 次（{p}）。"),
            ),
            Detail::Waiting { minutes } => {
                let (d, d_zh) = labels::duration(*minutes);
                (
                    format!("Waiting {d} since reported ({p})."),
                    format!("已等待{d_zh}（{p}）。"),
                )
            }
            Detail::Pressure {
                target,
                percent,
                due,
                paused,
            } => {
                let (what, what_zh, verb, verb_zh) = match target {
                    Target::Respond => ("response", "响应", "respond", "到场"),
                    Target::Resolve => ("resolution", "解决", "resolve", "解决"),
                };
                let pct = percent.round();
                let (en, zh) = if *paused {
                    (
                        format!(
                            "{pct}% of the {what} target used; the clock is paused while the order is on hold ({p})."
                        ),
                        format!("{what_zh}时限已用 {pct}%，工单暂停期间计时暂停（{p}）。"),
                    )
                } else if *percent >= 100.0 {
                    let due_en = due
                        .map(|d| format!(", due {}", local(d)))
                        .unwrap_or_default();
                    let due_zh = due
                        .map(|d| format!("，应于 {} 前{verb_zh}", local(d)))
                        .unwrap_or_default();
                    (
                        format!("The {what} target is breached ({pct}% used{due_en}) ({p})."),
                        format!("{what_zh}时限已超（已用 {pct}%{due_zh}）（{p}）。"),
                    )
                } else {
                    let due_en = due
                        .map(|d| format!("; {verb} by {}", local(d)))
                        .unwrap_or_default();
                    let due_zh = due
                        .map(|d| format!("，须在 {} 前{verb_zh}", local(d)))
                        .unwrap_or_default();
                    (
                        format!("{pct}% of the {what} target used{due_en} ({p})."),
                        format!("{what_zh}时限已用 {pct}%{due_zh}（{p}）。"),
                    )
                };
                (en, zh)
            }
            Detail::Mode { mode, category } => {
                let (m, m_zh) = labels::mode(*mode);
                let (c, c_zh) = labels::category(*category);
                (
                    format!("During {m}, {c} comes first ({p})."),
                    format!("{m_zh}期间{c_zh}优先（{p}）。"),
                )
            }
        }
    }
}

impl Serialize for Reason<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (en, zh) = self.render();
        let mut st = s.serialize_struct("Reason", 4)?;
        st.serialize_field("rule_id", self.rule.id())?;
        st.serialize_field("points", &self.points)?;
        st.serialize_field("message", &en)?;
        st.serialize_field("message_zh", &zh)?;
        st.end()
    }
}

/// The metadata of every rule, for documentation and user interfaces.
///
/// ```
/// let rules = steward::dispatch::rules();
/// assert!(rules.iter().any(|(id, _)| *id == "vulnerable_household"));
/// ```
pub fn rules() -> Vec<(&'static str, &'static str)> {
    Rule::ALL
        .iter()
        .map(|r| (r.id(), r.description()))
        .collect()
}
