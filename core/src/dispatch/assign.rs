//! Assignment: the optimal plan for sending the staff on shift to the open
//! orders, and the ranked candidates for one order.
//!
//! The plan is a linear assignment between orders and *slots*: slot `k` of a
//! person is the `k`-th new job they would do. Its cost is
//!
//! ```text
//! lateness_weight[class] × minutes late against the response deadline
//!   + waiting_weight × (score / 100) × minutes until arrival
//!   + travel_weight × travel minutes
//!   + load_weight × open orders the person would then carry
//!   − the party-member bonus (emergencies)
//! ```
//!
//! where the arrival is `as_of + (queue + k − 1) × job_minutes + travel`
//! (`queue` is the person's current load, or 0 for the classes that jump the
//! queue), and lateness counts only the minutes the plan adds past
//! `max(deadline, as_of)`. Slot costs grow with `k`, so optimal plans fill a
//! person's slots in order. An order may stay unassigned at a cost of
//! `unassigned_horizon_minutes × (lateness_weight + waiting_weight × score /
//! 100)`. Hard rules: only people on shift, with every required skill, below
//! their capacity. The problem is solved exactly by the shortest augmenting
//! path method (see `lsa`), with "unassigned" as an outside option.
//!
//! Travel is measured from where the person is now (not from their previous
//! job), which keeps the problem linear.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::labels;
use super::lsa::{self, OUTSIDE};
use super::policy::{Class, Policy};
use super::priority::{Assessment, Context, sort_queue};
use super::rules::{Reason, Rule, round2};
use crate::{
    BuildingId, Error, ErrorKind, Estate, Issue, IssueCode, Result, Skill, StaffId, StaffMember,
    StaffRole, WorkOrder, WorkOrderId, WorkOrderStatus,
};

/// A member of staff on shift now: where they are and what they carry.
///
/// Shifts are not part of the estate model; the caller says who is on shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OnShift {
    /// The member of staff.
    pub staff: StaffId,
    /// Where they are now (default: their base building).
    #[serde(default)]
    pub building: Option<BuildingId>,
    /// Open orders they carry now (default: the estate's open orders assigned to them).
    #[serde(default)]
    pub load: Option<u32>,
    /// Most open orders they may carry (default: their `max_open_orders`).
    #[serde(default)]
    pub capacity: Option<u32>,
}

impl OnShift {
    /// A person on shift, with every default.
    pub fn new(staff: StaffId) -> OnShift {
        OnShift {
            staff,
            building: None,
            load: None,
            capacity: None,
        }
    }
}

/// A person on shift as the planner sees them.
#[derive(Debug, Clone)]
pub(crate) struct Worker<'a> {
    pub member: &'a StaffMember,
    pub building: Option<&'a BuildingId>,
    pub load: u32,
    pub capacity: u32,
}

impl Worker<'_> {
    fn free(&self) -> u32 {
        self.capacity.saturating_sub(self.load)
    }
}

/// The terms of the cost of one order in one slot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Terms {
    pub travel: f64,
    pub arrival: f64,
    pub lateness: f64,
    pub carried: u32,
    pub party: bool,
    pub total: f64,
}

/// An order as the planner sees it.
pub(crate) struct Job<'a> {
    pub a: Assessment<'a>,
    pub skills: Vec<Skill>,
    /// Response deadline (seconds), if the order still needs a response.
    pub deadline: Option<i64>,
}

pub(crate) struct Planner<'c, 'a> {
    pub ctx: &'c Context<'a>,
}

impl<'a> Planner<'_, 'a> {
    fn policy(&self) -> &'a Policy {
        self.ctx.policy
    }

    pub(crate) fn job(&self, o: &'a WorkOrder) -> Job<'a> {
        let a = self.ctx.assess(o);
        let deadline = if a.timeline.responded.is_none() {
            a.sla.respond_by_secs()
        } else {
            None
        };
        Job {
            skills: self.ctx.required_skills(o),
            deadline,
            a,
        }
    }

    pub(crate) fn travel(&self, from: Option<&BuildingId>, to: Option<&BuildingId>) -> f64 {
        let t = &self.policy().assignment.travel;
        match (from, to) {
            (Some(a), Some(b)) if a == b => t.same_building_minutes,
            (Some(_), Some(_)) => t.other_building_minutes,
            _ => t.unknown_minutes,
        }
    }

    pub(crate) fn eligible(&self, job: &Job<'_>, w: &Worker<'_>) -> bool {
        job.skills.iter().all(|s| w.member.has_skill(*s)) && w.free() > 0
    }

    /// The cost of `job` as the `slot`-th (from 1) new job of `w`.
    pub(crate) fn terms(&self, job: &Job<'_>, w: &Worker<'_>, slot: u32) -> Terms {
        let ap = &self.policy().assignment;
        let class = job.a.decision.class;
        let queue = if ap.preempting_classes.contains(&class) {
            0
        } else {
            w.load
        };
        let travel = self.travel(w.building, job.a.building);
        let arrival = f64::from(queue + slot - 1) * ap.job_minutes + travel;
        let lateness = match job.deadline {
            Some(d) => {
                let from = d.max(self.ctx.as_of);
                let arrive = self.ctx.as_of as f64 + arrival * 60.0;
                ((arrive - from as f64) / 60.0).max(0.0)
            }
            None => 0.0,
        };
        let weight = ap.lateness_weight.get(&class).copied().unwrap_or(1.0);
        let party = w.member.party_member && ap.party_member_first.classes.contains(&class);
        let carried = w.load + slot;
        let total = weight * lateness
            + ap.waiting_weight * job.a.score / 100.0 * arrival
            + ap.travel_weight * travel
            + ap.load_weight * f64::from(carried)
            - if party {
                ap.party_member_first.bonus
            } else {
                0.0
            };
        Terms {
            travel,
            arrival,
            lateness,
            carried,
            party,
            total,
        }
    }

    /// What leaving `job` unassigned costs.
    pub(crate) fn unassigned_cost(&self, job: &Job<'_>) -> f64 {
        let ap = &self.policy().assignment;
        let weight = ap
            .lateness_weight
            .get(&job.a.decision.class)
            .copied()
            .unwrap_or(1.0);
        ap.unassigned_horizon_minutes * (weight + ap.waiting_weight * job.a.score / 100.0)
    }

    /// The reasons behind a cost.
    fn cost_reasons(&self, job: &Job<'_>, w: &Worker<'_>, t: &Terms) -> Vec<Reason<'static>> {
        let ap = &self.policy().assignment;
        let class = job.a.decision.class;
        let weight = ap.lateness_weight.get(&class).copied().unwrap_or(1.0);
        let mut out = Vec::new();
        let (eta, eta_zh) = labels::duration(t.arrival.round() as i64);
        if t.lateness > 0.0 {
            let (late, late_zh) = labels::duration(t.lateness.round() as i64);
            let pts = weight * t.lateness;
            out.push(Reason::text(
                Rule::AssignLateness,
                pts,
                format!(
                    "Arrives {late} after the response deadline ({class}: {late} × {weight} = {}).",
                    round2(pts)
                ),
                format!(
                    "预计晚于响应时限{late_zh}（{class}：× {weight}，计 {}）。",
                    round2(pts)
                ),
            ));
        }
        let waiting = ap.waiting_weight * job.a.score / 100.0 * t.arrival;
        out.push(Reason::text(
            Rule::AssignWaiting,
            waiting,
            format!(
                "Arrives in {eta}, for an order of {} points ({}).",
                job.a.score,
                round2(waiting)
            ),
            format!(
                "预计{eta_zh}后到场，工单优先分 {}（计 {}）。",
                job.a.score,
                round2(waiting)
            ),
        ));
        let from = w.building.map_or("an unknown place", BuildingId::as_str);
        let to = job.a.building.map_or("the grounds", BuildingId::as_str);
        let from_zh = w.building.map_or("未知位置", BuildingId::as_str);
        let to_zh = job.a.building.map_or("公共区域", BuildingId::as_str);
        let travel = ap.travel_weight * t.travel;
        let (en, zh) = match (w.building, job.a.building) {
            (Some(a), Some(b)) if a == b => (
                format!(
                    "Already in {a}: {} min of travel ({}).",
                    t.travel,
                    round2(travel)
                ),
                format!(
                    "已在 {a}，路程 {} 分钟（计 {}）。",
                    t.travel,
                    round2(travel)
                ),
            ),
            _ => (
                format!("{} min from {from} to {to} ({}).", t.travel, round2(travel)),
                format!(
                    "从 {from_zh} 到 {to_zh} 约 {} 分钟（计 {}）。",
                    t.travel,
                    round2(travel)
                ),
            ),
        };
        out.push(Reason::text(Rule::AssignTravel, travel, en, zh));
        let load = ap.load_weight * f64::from(t.carried);
        out.push(Reason::text(
            Rule::AssignLoad,
            load,
            format!(
                "{} would then carry {} open order{} of at most {} ({}).",
                w.member.id,
                t.carried,
                if t.carried == 1 { "" } else { "s" },
                w.capacity,
                round2(load)
            ),
            format!(
                "{} 届时手上共 {} 单，上限 {} 单（计 {}）。",
                w.member.id,
                t.carried,
                w.capacity,
                round2(load)
            ),
        ));
        if t.party {
            let bonus = ap.party_member_first.bonus;
            out.push(Reason::text(
                Rule::AssignPartyMemberFirst,
                -bonus,
                format!(
                    "{} is a party member, sent first to an emergency (-{}).",
                    w.member.id,
                    round2(bonus)
                ),
                format!(
                    "{} 是党员，紧急情况党员先行（-{}）。",
                    w.member.id,
                    round2(bonus)
                ),
            ));
        }
        out
    }
}

/// Who is on shift, checked against the estate, with defaults filled in;
/// sorted by staff id.
pub(crate) fn workers<'a>(
    estate: &'a Estate,
    on_shift: &'a [OnShift],
    placing: &BTreeSet<&WorkOrderId>,
    what: &str,
) -> Result<Vec<Worker<'a>>> {
    let mut issues = Vec::new();
    let mut seen = BTreeSet::new();
    let loads = current_loads(estate, placing);
    let mut out = Vec::new();
    for (i, s) in on_shift.iter().enumerate() {
        let Some(member) = estate.staff_member(&s.staff) else {
            issues.push(Issue::new(
                format!("on_shift[{i}].staff"),
                crate::wire::render_str(s.staff.as_str()),
                IssueCode::DanglingReference,
                format!("staff member {:?} does not exist", s.staff.as_str()),
            ));
            continue;
        };
        if !seen.insert(&s.staff) {
            issues.push(Issue::new(
                format!("on_shift[{i}].staff"),
                crate::wire::render_str(s.staff.as_str()),
                IssueCode::DuplicateId,
                format!("staff member {:?} is listed twice", s.staff.as_str()),
            ));
            continue;
        }
        if let Some(b) = &s.building
            && estate.building(b).is_none()
        {
            issues.push(Issue::new(
                format!("on_shift[{i}].building"),
                crate::wire::render_str(b.as_str()),
                IssueCode::DanglingReference,
                format!("building {:?} does not exist", b.as_str()),
            ));
            continue;
        }
        if let Some(c) = s.capacity
            && c > 1000
        {
            issues.push(Issue::new(
                format!("on_shift[{i}].capacity"),
                c.to_string(),
                IssueCode::OutOfRange,
                format!("expected a capacity from 0 to 1000, found {c}"),
            ));
            continue;
        }
        out.push(Worker {
            member,
            building: s.building.as_ref().or(member.base_building.as_ref()),
            load: s
                .load
                .unwrap_or_else(|| loads.get(&member.id).copied().unwrap_or(0)),
            capacity: s.capacity.unwrap_or(u32::from(member.max_open_orders)),
        });
    }
    if !issues.is_empty() {
        return Err(Error::invalid(what, issues));
    }
    out.sort_by(|a, b| a.member.id.cmp(&b.member.id));
    Ok(out)
}

/// Open orders per assignee, not counting the orders being placed.
pub(crate) fn current_loads<'a>(
    estate: &'a Estate,
    placing: &BTreeSet<&WorkOrderId>,
) -> BTreeMap<&'a StaffId, u32> {
    let mut loads = BTreeMap::new();
    for o in &estate.work_orders {
        if o.status().is_open()
            && !placing.contains(&o.id)
            && let Some(s) = o.assignee()
        {
            *loads.entry(s).or_insert(0) += 1;
        }
    }
    loads
}

/// Whether an order waits for someone to be sent.
fn needs_assignment(o: &WorkOrder) -> bool {
    matches!(
        o.status(),
        WorkOrderStatus::Reported | WorkOrderStatus::Triaged | WorkOrderStatus::Reopened
    )
}

/// One order sent to one person in the plan.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct PlannedAssignment {
    /// The order.
    pub order: WorkOrderId,
    /// Who is sent.
    pub staff: StaffId,
    /// Which of their new jobs this is (from 1).
    pub position: u32,
    /// The order's class.
    pub class: Class,
    /// The order's priority score.
    pub score: f64,
    /// Expected arrival on site.
    #[serde(with = "crate::wire::timestamp")]
    pub eta: DateTime<FixedOffset>,
    /// Minutes of travel.
    pub travel_minutes: f64,
    /// Minutes late against the response deadline (added by the plan).
    pub lateness_minutes: f64,
    /// The cost of this choice (the sum of the reasons' points).
    pub cost: f64,
    /// The terms of the cost.
    pub reasons: Vec<Reason<'static>>,
}

/// An order the plan leaves for later, and why.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Unassigned {
    /// The order.
    pub order: WorkOrderId,
    /// Its class.
    pub class: Class,
    /// Its priority score.
    pub score: f64,
    /// What leaving it costs in the objective.
    pub cost: f64,
    /// Why it is left.
    pub reasons: Vec<Reason<'static>>,
}

/// A person's load before and after the plan.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct StaffLoad {
    /// The member of staff.
    pub staff: StaffId,
    /// Where they are.
    pub building: Option<BuildingId>,
    /// Open orders they carried.
    pub load_before: u32,
    /// Orders the plan gives them.
    pub assigned: u32,
    /// Their capacity.
    pub capacity: u32,
}

/// An assignment plan: who goes where, what is left, and the objective.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Plan {
    /// The instant planned at.
    #[serde(with = "crate::wire::timestamp")]
    pub as_of: DateTime<FixedOffset>,
    /// The total cost: assignments plus unassigned penalties (least possible).
    pub objective: f64,
    /// Assignments, by staff id then position.
    pub assignments: Vec<PlannedAssignment>,
    /// Orders left unassigned, most urgent first.
    pub unassigned: Vec<Unassigned>,
    /// Everyone on shift.
    pub staff: Vec<StaffLoad>,
}

/// The optimal plan for sending the staff on shift to open orders.
///
/// `orders` are the orders to place (default: every open order nobody is
/// assigned to — reported, triaged or reopened). See the module
/// documentation of [`crate::dispatch`] for the objective. The plan is
/// optimal: no other plan respecting skills, shifts and capacities has a
/// smaller objective.
///
/// # Errors
/// `invalid_input` if the policy does not validate, `on_shift` names staff
/// or buildings that do not exist (or a person twice), or `orders` names an
/// order that does not exist or is not open.
///
/// # Example
/// ```
/// use steward::{demo, dispatch, StaffId};
/// let estate = demo::estate();
/// let on_shift: Vec<_> = ["S02", "S06", "S07", "S10", "S11"]
///     .iter().map(|s| dispatch::OnShift::new(StaffId::new(*s).unwrap())).collect();
/// let plan = dispatch::assign(&estate, &dispatch::Policy::default(), demo::now(), &on_shift, None)?;
/// // The riser inspection after the leak goes to a plumber.
/// let riser = plan.assignments.iter().find(|a| a.order.as_str() == demo::LEAK_FOLLOW_UP).unwrap();
/// assert!(["S02", "S06", "S07", "S10"].contains(&riser.staff.as_str()));
///
/// let nobody = [dispatch::OnShift::new(StaffId::new("S99")?)];
/// assert!(dispatch::assign(&estate, &dispatch::Policy::default(), demo::now(), &nobody, None).is_err());
/// # Ok::<(), steward::Error>(())
/// ```
pub fn assign<'a>(
    estate: &'a Estate,
    policy: &'a Policy,
    as_of: DateTime<FixedOffset>,
    on_shift: &'a [OnShift],
    orders: Option<&[WorkOrderId]>,
) -> Result<Plan> {
    let ctx = Context::new(estate, policy, as_of)?;
    let chosen: Vec<&'a WorkOrder> = match orders {
        None => estate
            .work_orders
            .iter()
            .filter(|o| needs_assignment(o))
            .collect(),
        Some(ids) => {
            let mut issues = Vec::new();
            let mut out = Vec::new();
            let mut seen = BTreeSet::new();
            for (i, id) in ids.iter().enumerate() {
                match ctx.order(id.as_str()) {
                    None => issues.push(Issue::new(
                        format!("orders[{i}]"),
                        crate::wire::render_str(id.as_str()),
                        IssueCode::DanglingReference,
                        format!("work order {:?} does not exist", id.as_str()),
                    )),
                    Some(o) if !o.status().is_open() => issues.push(Issue::new(
                        format!("orders[{i}]"),
                        crate::wire::render_str(id.as_str()),
                        IssueCode::InvalidValue,
                        format!(
                            "work order {:?} is {}, not open",
                            id.as_str(),
                            o.status().as_str()
                        ),
                    )),
                    Some(o) => {
                        if seen.insert(id) {
                            out.push(o);
                        }
                    }
                }
            }
            if !issues.is_empty() {
                return Err(Error::invalid("assignment request", issues));
            }
            out
        }
    };
    let placing: BTreeSet<&WorkOrderId> = chosen.iter().map(|o| &o.id).collect();
    let workers = workers(estate, on_shift, &placing, "assignment request")?;
    let planner = Planner { ctx: &ctx };
    plan(&planner, &workers, chosen)
}

/// Builds and solves the slot matrix.
pub(crate) fn plan<'a>(
    planner: &Planner<'_, 'a>,
    workers: &[Worker<'a>],
    orders: Vec<&'a WorkOrder>,
) -> Result<Plan> {
    let mut assessed: Vec<Assessment<'a>> =
        orders.into_iter().map(|o| planner.ctx.assess(o)).collect();
    sort_queue(&mut assessed);
    let jobs: Vec<Job<'a>> = assessed
        .into_iter()
        .map(|a| {
            let deadline = if a.timeline.responded.is_none() {
                a.sla.respond_by_secs()
            } else {
                None
            };
            Job {
                skills: planner.ctx.required_skills(a.order),
                deadline,
                a,
            }
        })
        .collect();

    // Slots: person w's k-th new job, for k up to their free capacity and
    // the number of orders they could take.
    let mut slots: Vec<(usize, u32)> = Vec::new();
    for (wi, w) in workers.iter().enumerate() {
        let can = jobs.iter().filter(|j| planner.eligible(j, w)).count();
        let n = w.free().min(u32::try_from(can).unwrap_or(u32::MAX));
        slots.extend((1..=n).map(|k| (wi, k)));
    }
    let (n, m) = (jobs.len(), slots.len());
    let mut cost = vec![f64::INFINITY; n * m];
    for (i, job) in jobs.iter().enumerate() {
        for (c, &(wi, k)) in slots.iter().enumerate() {
            if let Some(w) = workers.get(wi)
                && planner.eligible(job, w)
                && let Some(slot) = cost.get_mut(i * m + c)
            {
                *slot = planner.terms(job, w, k).total;
            }
        }
    }
    let outside: Vec<f64> = jobs.iter().map(|j| planner.unassigned_cost(j)).collect();
    let col4row = lsa::solve(&cost, n, m, Some(&outside)).ok_or_else(|| {
        Error::new(
            ErrorKind::Internal,
            "the assignment has no solution although every order may stay unassigned",
        )
    })?;

    // Per person, the jobs in slot order (renumbered from 1).
    let mut by_worker: BTreeMap<usize, Vec<(u32, usize)>> = BTreeMap::new();
    let mut left = Vec::new();
    for (i, &c) in col4row.iter().enumerate() {
        match slots.get(c) {
            Some(&(wi, k)) if c != OUTSIDE => by_worker.entry(wi).or_default().push((k, i)),
            _ => left.push(i),
        }
    }
    let mut objective = 0.0;
    let mut assignments = Vec::new();
    let mut assigned_count = vec![0u32; workers.len()];
    for (wi, mut list) in by_worker {
        let Some(w) = workers.get(wi) else { continue };
        list.sort_unstable();
        for (pos, (_, i)) in list.into_iter().enumerate() {
            let Some(job) = jobs.get(i) else { continue };
            let position = u32::try_from(pos + 1).unwrap_or(u32::MAX);
            let t = planner.terms(job, w, position);
            objective += t.total;
            if let Some(c) = assigned_count.get_mut(wi) {
                *c += 1;
            }
            let eta = planner
                .ctx
                .time(planner.ctx.as_of + (t.arrival * 60.0).round() as i64)
                .unwrap_or(planner.ctx.as_of_time);
            let reasons = planner.cost_reasons(job, w, &t);
            assignments.push(PlannedAssignment {
                order: job.a.order.id.clone(),
                staff: w.member.id.clone(),
                position,
                class: job.a.decision.class,
                score: job.a.score,
                eta,
                travel_minutes: t.travel,
                lateness_minutes: round2(t.lateness),
                cost: round2(t.total),
                reasons,
            });
        }
    }
    let mut unassigned = Vec::new();
    for i in left {
        let Some(job) = jobs.get(i) else { continue };
        let cost = planner.unassigned_cost(job);
        objective += cost;
        unassigned.push(Unassigned {
            order: job.a.order.id.clone(),
            class: job.a.decision.class,
            score: job.a.score,
            cost: round2(cost),
            reasons: vec![why_unassigned(job, workers, cost)],
        });
    }
    let staff = workers
        .iter()
        .zip(&assigned_count)
        .map(|(w, &n)| StaffLoad {
            staff: w.member.id.clone(),
            building: w.building.cloned(),
            load_before: w.load,
            assigned: n,
            capacity: w.capacity,
        })
        .collect();
    Ok(Plan {
        as_of: planner.ctx.as_of_time,
        objective: round2(objective),
        assignments,
        unassigned,
        staff,
    })
}

fn skill_list(skills: &[Skill]) -> (String, String) {
    let en: Vec<&str> = skills.iter().map(|s| labels::skill(*s).0).collect();
    let zh: Vec<&str> = skills.iter().map(|s| labels::skill(*s).1).collect();
    (en.join(" and "), zh.join("、"))
}

fn why_unassigned(job: &Job<'_>, workers: &[Worker<'_>], cost: f64) -> Reason<'static> {
    let skilled: Vec<&Worker<'_>> = workers
        .iter()
        .filter(|w| job.skills.iter().all(|s| w.member.has_skill(*s)))
        .collect();
    let (skills, skills_zh) = skill_list(&job.skills);
    if workers.is_empty() {
        Reason::text(
            Rule::EligibleOnShift,
            cost,
            format!("Nobody is on shift (leaving it costs {}).", round2(cost)),
            format!("当前无人在岗（暂不派单计 {}）。", round2(cost)),
        )
    } else if skilled.is_empty() {
        Reason::text(
            Rule::EligibleSkill,
            cost,
            format!(
                "Nobody on shift has {skills} (leaving it costs {}).",
                round2(cost)
            ),
            format!(
                "在岗人员中无人具备{skills_zh}技能（暂不派单计 {}）。",
                round2(cost)
            ),
        )
    } else if skilled.iter().all(|w| w.free() == 0) {
        Reason::text(
            Rule::EligibleCapacity,
            cost,
            format!(
                "Everyone on shift with {skills} is at capacity (leaving it costs {}).",
                round2(cost)
            ),
            format!(
                "具备{skills_zh}技能的在岗人员均已满负荷（暂不派单计 {}）。",
                round2(cost)
            ),
        )
    } else {
        Reason::text(
            Rule::AssignUnassigned,
            cost,
            format!(
                "Left for later: the free slots of the qualified staff went to more urgent orders (leaving it costs {}).",
                round2(cost)
            ),
            format!(
                "暂缓派单：合格人员的空档已安排给更紧急的工单（暂不派单计 {}）。",
                round2(cost)
            ),
        )
    }
}

/// One eligibility check of a candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Check {
    /// The rule checked.
    pub rule_id: &'static str,
    /// Whether the candidate passes it.
    pub passed: bool,
    /// What was found, in English.
    pub message: String,
    /// What was found, in Chinese.
    pub message_zh: String,
}

/// A member of staff considered for one order.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Candidate {
    /// Position in the list, from 1.
    pub rank: usize,
    /// The member of staff.
    pub staff: StaffId,
    /// What they are employed as.
    pub role: StaffRole,
    /// Whether they are a party member.
    pub party_member: bool,
    /// Whether every check passes.
    pub eligible: bool,
    /// Where they are (if on shift; else their base).
    pub building: Option<BuildingId>,
    /// Open orders they carry.
    pub load: u32,
    /// Their capacity.
    pub capacity: u32,
    /// The cost of sending them next (eligible candidates only).
    pub cost: Option<f64>,
    /// When they would arrive (eligible candidates only).
    #[serde(serialize_with = "super::priority::opt_time")]
    pub eta: Option<DateTime<FixedOffset>>,
    /// Every check, passed or not.
    pub checks: Vec<Check>,
    /// The terms of the cost (eligible candidates only).
    pub reasons: Vec<Reason<'static>>,
}

/// The ranked candidates for one order.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Candidates {
    /// The order.
    pub order: WorkOrderId,
    /// Its class.
    pub class: Class,
    /// Its priority score.
    pub score: f64,
    /// The skills it needs.
    pub required_skills: Vec<Skill>,
    /// Every member of staff: the eligible by cost, then the others.
    pub candidates: Vec<Candidate>,
}

/// "Who should take this job?": every member of staff, with the reason
/// each is or is not eligible, the eligible ranked by the cost of sending
/// them next (ties by id), then the others (on shift first, fewer failed
/// checks first, then id). Dispatchers use it to override the optimiser.
///
/// `order` may be one of the estate's orders or a new one.
///
/// # Errors
/// `invalid_input` if the policy does not validate or `on_shift` names
/// staff or buildings that do not exist.
///
/// # Example
/// ```
/// use steward::{demo, dispatch, StaffId, WorkOrderId};
/// let estate = demo::estate();
/// let toilet = estate.work_orders.iter().find(|o| o.description.starts_with("Toilet blocked")).unwrap();
/// let on_shift = [dispatch::OnShift::new(StaffId::new("S07")?), dispatch::OnShift::new(StaffId::new("S08")?)];
/// let c = dispatch::candidates(&estate, &dispatch::Policy::default(), demo::now(), toilet, &on_shift)?;
/// assert_eq!(c.candidates[0].staff.as_str(), "S07");      // the plumber on shift
/// assert!(c.candidates[0].eligible);
/// let electrician = c.candidates.iter().find(|x| x.staff.as_str() == "S08").unwrap();
/// assert!(!electrician.eligible);                          // on shift, but no plumbing
/// # Ok::<(), steward::Error>(())
/// ```
pub fn candidates<'a>(
    estate: &'a Estate,
    policy: &'a Policy,
    as_of: DateTime<FixedOffset>,
    order: &'a WorkOrder,
    on_shift: &'a [OnShift],
) -> Result<Candidates> {
    let ctx = Context::new(estate, policy, as_of)?;
    let placing = BTreeSet::from([&order.id]);
    let on = workers(estate, on_shift, &placing, "candidates request")?;
    let planner = Planner { ctx: &ctx };
    let job = planner.job(order);
    let loads = current_loads(estate, &placing);
    let (skills, skills_zh) = skill_list(&job.skills);
    let mut list: Vec<(u8, usize, Candidate)> = Vec::new();
    let mut staff: Vec<&StaffMember> = estate.staff.iter().collect();
    staff.sort_by(|a, b| a.id.cmp(&b.id));
    for member in staff {
        let shift = on.iter().find(|w| w.member.id == member.id);
        let w = shift.cloned().unwrap_or_else(|| Worker {
            member,
            building: member.base_building.as_ref(),
            load: loads.get(&member.id).copied().unwrap_or(0),
            capacity: u32::from(member.max_open_orders),
        });
        let id = &member.id;
        let mut checks = Vec::new();
        checks.push(if shift.is_some() {
            Check {
                rule_id: Rule::EligibleOnShift.id(),
                passed: true,
                message: format!("{id} is on shift."),
                message_zh: format!("{id} 在岗。"),
            }
        } else {
            Check {
                rule_id: Rule::EligibleOnShift.id(),
                passed: false,
                message: format!("{id} is not on shift."),
                message_zh: format!("{id} 不在岗。"),
            }
        });
        let missing: Vec<Skill> = job
            .skills
            .iter()
            .copied()
            .filter(|s| !member.has_skill(*s))
            .collect();
        checks.push(if job.skills.is_empty() {
            Check {
                rule_id: Rule::EligibleSkill.id(),
                passed: true,
                message: "The order needs no particular skill.".to_owned(),
                message_zh: "该工单无特殊技能要求。".to_owned(),
            }
        } else if missing.is_empty() {
            Check {
                rule_id: Rule::EligibleSkill.id(),
                passed: true,
                message: format!("{id} has {skills}."),
                message_zh: format!("{id} 具备{skills_zh}技能。"),
            }
        } else {
            let (m, m_zh) = skill_list(&missing);
            Check {
                rule_id: Rule::EligibleSkill.id(),
                passed: false,
                message: format!("{id} lacks {m}."),
                message_zh: format!("{id} 不具备{m_zh}技能。"),
            }
        });
        checks.push(if w.free() > 0 {
            Check {
                rule_id: Rule::EligibleCapacity.id(),
                passed: true,
                message: format!(
                    "{id} carries {} of at most {} open orders.",
                    w.load, w.capacity
                ),
                message_zh: format!("{id} 手上 {} 单，上限 {} 单。", w.load, w.capacity),
            }
        } else {
            Check {
                rule_id: Rule::EligibleCapacity.id(),
                passed: false,
                message: format!(
                    "{id} is at capacity ({} of {} open orders).",
                    w.load, w.capacity
                ),
                message_zh: format!("{id} 已满负荷（{} / {} 单）。", w.load, w.capacity),
            }
        });
        let failed = checks.iter().filter(|c| !c.passed).count();
        let eligible = failed == 0;
        let (cost, eta, reasons) = if eligible {
            let t = planner.terms(&job, &w, 1);
            let eta = ctx.time(ctx.as_of + (t.arrival * 60.0).round() as i64);
            (
                Some(round2(t.total)),
                eta,
                planner.cost_reasons(&job, &w, &t),
            )
        } else {
            (None, None, Vec::new())
        };
        let group = if eligible {
            0
        } else if shift.is_some() {
            1
        } else {
            2
        };
        list.push((
            group,
            failed,
            Candidate {
                rank: 0,
                staff: id.clone(),
                role: member.role,
                party_member: member.party_member,
                eligible,
                building: w.building.cloned(),
                load: w.load,
                capacity: w.capacity,
                cost,
                eta,
                checks,
                reasons,
            },
        ));
    }
    list.sort_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| a.2.cost.unwrap_or(0.0).total_cmp(&b.2.cost.unwrap_or(0.0)))
            .then_with(|| a.2.staff.cmp(&b.2.staff))
    });
    let candidates = list
        .into_iter()
        .enumerate()
        .map(|(i, (_, _, mut c))| {
            c.rank = i + 1;
            c
        })
        .collect();
    Ok(Candidates {
        order: order.id.clone(),
        class: job.a.decision.class,
        score: job.a.score,
        required_skills: job.skills,
        candidates,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::{Category, Hazard};

    /// A small estate: three buildings, households with and without care
    /// needs, and staff with assorted skills.
    fn estate(staff: &[(&str, &[Skill], bool, &str, u8)]) -> Estate {
        let mut text = String::from(
            r#"{"id": "t", "name": "T", "company": {"name": "C", "branch": "B"},
            "buildings": [{"id": "B1", "name": "1", "floors": 6}, {"id": "B2", "name": "2", "floors": 6}, {"id": "B3", "name": "3", "floors": 6}],
            "households": [{"id": "H1", "building": "B1", "unit": "101", "floor": 1, "tenure": "owner", "care_needs": ["elderly_alone"]},
                           {"id": "H2", "building": "B2", "unit": "201", "floor": 2, "tenure": "owner"},
                           {"id": "H3", "building": "B3", "unit": "301", "floor": 3, "tenure": "tenant"}],
            "staff": ["#,
        );
        let parts: Vec<String> = staff
            .iter()
            .map(|(id, skills, party, base, cap)| {
                let skills: Vec<String> = skills
                    .iter()
                    .map(|s| format!("\"{}\"", super::super::policy::key(s)))
                    .collect();
                format!(
                    r#"{{"id": "{id}", "name": "N", "role": "general_repair", "skills": [{}], "party_member": {party}, "base_building": "{base}", "max_open_orders": {cap}}}"#,
                    skills.join(",")
                )
            })
            .collect();
        text.push_str(&parts.join(","));
        text.push_str("]}");
        Estate::from_json(&text).unwrap()
    }

    fn order(
        id: &str,
        category: Category,
        household: &str,
        minutes_ago: i64,
        hazard: Option<Hazard>,
    ) -> WorkOrder {
        let at = crate::demo::now() - chrono::TimeDelta::minutes(minutes_ago);
        let mut o: WorkOrder = serde_json::from_str(&format!(
            r#"{{"id": "{id}", "category": "{}", "location": {{"kind": "household", "household": "{household}"}},
            "reported_at": "{}", "reported_by": {{"kind": "anonymous"}}, "channel": "phone", "description": "d"}}"#,
            super::super::policy::key(&category),
            at.to_rfc3339()
        ))
        .unwrap();
        if let Some(h) = hazard {
            o.hazards.insert(h);
        }
        o
    }

    /// The least objective over every plan, by brute force: each order to
    /// nobody or to an eligible person; each person's orders in every order.
    fn brute_force(planner: &Planner<'_, '_>, workers: &[Worker<'_>], jobs: &[Job<'_>]) -> f64 {
        fn permutations(items: &[usize]) -> Vec<Vec<usize>> {
            if items.len() <= 1 {
                return vec![items.to_vec()];
            }
            let mut out = Vec::new();
            for k in 0..items.len() {
                let mut rest = items.to_vec();
                let x = rest.remove(k);
                for mut p in permutations(&rest) {
                    p.insert(0, x);
                    out.push(p);
                }
            }
            out
        }
        fn go(
            i: usize,
            choice: &mut Vec<Option<usize>>,
            planner: &Planner<'_, '_>,
            workers: &[Worker<'_>],
            jobs: &[Job<'_>],
            best: &mut f64,
        ) {
            if i == jobs.len() {
                let mut total = 0.0;
                for (j, c) in choice.iter().enumerate() {
                    if c.is_none() {
                        total += planner.unassigned_cost(&jobs[j]);
                    }
                }
                for (wi, w) in workers.iter().enumerate() {
                    let mine: Vec<usize> =
                        (0..jobs.len()).filter(|&j| choice[j] == Some(wi)).collect();
                    if mine.len() as u32 > w.free() {
                        return;
                    }
                    let cheapest = permutations(&mine)
                        .into_iter()
                        .map(|p| {
                            p.iter()
                                .enumerate()
                                .map(|(k, &j)| planner.terms(&jobs[j], w, k as u32 + 1).total)
                                .sum::<f64>()
                        })
                        .fold(f64::INFINITY, f64::min);
                    total += if mine.is_empty() { 0.0 } else { cheapest };
                }
                if total < *best {
                    *best = total;
                }
                return;
            }
            choice.push(None);
            go(i + 1, choice, planner, workers, jobs, best);
            choice.pop();
            for (wi, w) in workers.iter().enumerate() {
                if planner.eligible(&jobs[i], w) {
                    choice.push(Some(wi));
                    go(i + 1, choice, planner, workers, jobs, best);
                    choice.pop();
                }
            }
        }
        let mut best = f64::INFINITY;
        go(0, &mut Vec::new(), planner, workers, jobs, &mut best);
        best
    }

    const SKILLS: [Skill; 3] = [Skill::Plumbing, Skill::Electrical, Skill::GeneralRepair];
    const CATS: [Category; 4] = [
        Category::Plumbing,
        Category::Electrical,
        Category::DoorsWindows,
        Category::Hygiene,
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The plan's objective equals the brute-force optimum, and the plan
        /// respects skills and capacities.
        #[test]
        fn plans_are_optimal(
            staff in proptest::collection::vec((0usize..8, any::<bool>(), 1usize..4, 1u8..3, 0u32..2), 1..4),
            orders in proptest::collection::vec((0usize..4, 1usize..4, 0i64..600, any::<bool>()), 1..6),
        ) {
            let specs: Vec<(String, Vec<Skill>, bool, String, u8)> = staff.iter().enumerate().map(|(i, (mask, party, b, cap, _))| {
                let skills: Vec<Skill> = SKILLS.iter().enumerate().filter(|(k, _)| mask & (1 << k) != 0).map(|(_, s)| *s).collect();
                (format!("S{i}"), skills, *party, format!("B{b}"), *cap)
            }).collect();
            let refs: Vec<(&str, &[Skill], bool, &str, u8)> = specs.iter().map(|(a, b, c, d, e)| (a.as_str(), b.as_slice(), *c, d.as_str(), *e)).collect();
            let estate = estate(&refs);
            let work: Vec<WorkOrder> = orders.iter().enumerate().map(|(i, (c, h, ago, leak))| {
                order(&format!("W{i}"), CATS[*c], &format!("H{h}"), *ago, leak.then_some(Hazard::WaterIngress))
            }).collect();
            let on_shift: Vec<OnShift> = staff.iter().enumerate().map(|(i, (_, _, _, _, load))| OnShift {
                staff: StaffId::new(format!("S{i}")).unwrap(), building: None, load: Some(*load), capacity: None,
            }).collect();
            let policy = Policy::default();
            let ctx = Context::new(&estate, &policy, crate::demo::now()).unwrap();
            let planner = Planner { ctx: &ctx };
            let ws = workers(&estate, &on_shift, &BTreeSet::new(), "t").unwrap();
            let result = plan(&planner, &ws, work.iter().collect()).unwrap();
            let jobs: Vec<Job<'_>> = work.iter().map(|o| planner.job(o)).collect();
            let best = brute_force(&planner, &ws, &jobs);
            prop_assert!((result.objective - best).abs() <= 1e-6 * best.abs().max(1.0) + 0.01,
                "plan {} brute force {}", result.objective, best);
            for a in &result.assignments {
                let w = ws.iter().find(|w| w.member.id == a.staff).unwrap();
                let o = work.iter().find(|o| o.id == a.order).unwrap();
                prop_assert!(ctx.required_skills(o).iter().all(|s| w.member.has_skill(*s)));
            }
            for s in &result.staff {
                prop_assert!(s.load_before + s.assigned <= s.capacity.max(s.load_before));
                prop_assert!(s.assigned <= s.capacity.saturating_sub(s.load_before));
            }
            prop_assert_eq!(result.assignments.len() + result.unassigned.len(), work.len());
        }
    }

    #[test]
    fn the_leak_goes_to_the_nearest_plumber_and_skills_are_hard() {
        let e = estate(&[
            ("P1", &[Skill::Plumbing], false, "B1", 3),
            ("P2", &[Skill::Plumbing], false, "B2", 3),
            ("E1", &[Skill::Electrical], true, "B1", 3),
        ]);
        let leak = order("L", Category::Plumbing, "H1", 5, Some(Hazard::WaterIngress));
        let lamp = order("X", Category::Electrical, "H2", 30, None);
        let mut e2 = e.clone();
        e2.work_orders = vec![leak, lamp];
        let on: Vec<OnShift> = ["P1", "P2", "E1"]
            .iter()
            .map(|s| OnShift::new(StaffId::new(*s).unwrap()))
            .collect();
        let plan = assign(&e2, &Policy::default(), crate::demo::now(), &on, None).unwrap();
        let who = |id: &str| {
            plan.assignments
                .iter()
                .find(|a| a.order.as_str() == id)
                .map(|a| a.staff.as_str())
        };
        assert_eq!(who("L"), Some("P1")); // same building as the leak
        assert_eq!(who("X"), Some("E1"));
        // Without the electrician, the lamp stays unassigned for want of the skill.
        let on2 = &on[..2];
        let plan = assign(&e2, &Policy::default(), crate::demo::now(), on2, None).unwrap();
        assert_eq!(plan.unassigned.len(), 1);
        assert_eq!(plan.unassigned[0].reasons[0].rule_id(), "eligible_skill");
        assert_eq!(
            plan.unassigned[0].reasons[0].message(),
            format!(
                "Nobody on shift has electrical work (leaving it costs {}).",
                plan.unassigned[0].cost
            )
        );
    }

    #[test]
    fn bad_shift_lists_are_named() {
        let e = estate(&[("P1", &[Skill::Plumbing], false, "B1", 3)]);
        let on = vec![
            OnShift::new(StaffId::new("P1").unwrap()),
            OnShift::new(StaffId::new("P1").unwrap()),
            OnShift::new(StaffId::new("Q9").unwrap()),
        ];
        let err = assign(&e, &Policy::default(), crate::demo::now(), &on, None).unwrap_err();
        let paths: Vec<_> = err
            .issues()
            .iter()
            .map(|i| (i.path.as_str(), i.code))
            .collect();
        assert_eq!(
            paths,
            [
                ("on_shift[1].staff", IssueCode::DuplicateId),
                ("on_shift[2].staff", IssueCode::DanglingReference)
            ]
        );
        let ids = [WorkOrderId::new("nope").unwrap()];
        let on = [OnShift::new(StaffId::new("P1").unwrap())];
        let err = assign(&e, &Policy::default(), crate::demo::now(), &on, Some(&ids)).unwrap_err();
        assert_eq!(err.issues()[0].path, "orders[0]");
    }
}
