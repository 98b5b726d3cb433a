//! Follow-up rules: work that an order makes necessary.
//!
//! - `follow_up_backflow_inspection`: a leak with backflow in a unit (the
//!   rule's categories and hazard, at a household) creates an inspection of
//!   the building's risers and the units directly above and below.
//! - `follow_up_repeat_fault_inspection`: at least `min_orders` orders of one
//!   category in one building within `window_days` create a preventive
//!   inspection of that building for that category.
//!
//! A follow-up links to the order that caused it (`follow_up_of`), is
//! reported by the system at `as_of`, and gets its rule's class — and so its
//! own SLA — whenever it is ranked. Nothing is proposed twice: an order that
//! already follows up the trigger (or, for repeat faults, any order of the
//! cluster) counts as done.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset, TimeDelta};
use serde::Serialize;

use super::labels;
use super::policy::{Class, Policy, key};
use super::priority::{Context, opt_time};
use super::rules::{Reason, Rule};
use crate::{
    BuildingId, Category, Channel, Estate, Household, Location, Reporter, Result, WorkOrder,
    WorkOrderId, WorkOrderStatus,
};

/// A follow-up order a rule proposes.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct FollowUp {
    /// The rule that proposes it.
    pub rule_id: &'static str,
    /// The order that triggered it.
    pub trigger: WorkOrderId,
    /// The new order, ready to add to the store.
    pub order: WorkOrder,
    /// Its class (the rule's).
    pub class: Class,
    /// When someone must be on site.
    #[serde(serialize_with = "opt_time")]
    pub respond_by: Option<DateTime<FixedOffset>>,
    /// When it must be done.
    #[serde(serialize_with = "opt_time")]
    pub resolve_by: Option<DateTime<FixedOffset>>,
    /// Why.
    pub reason: Reason<'static>,
}

/// A follow-up a rule would propose, already there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ExistingFollowUp {
    /// The rule.
    pub rule_id: &'static str,
    /// The triggering order.
    pub trigger: WorkOrderId,
    /// The order that already follows it up.
    pub order: WorkOrderId,
}

/// What the follow-up rules find at one instant.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct FollowUps {
    /// The instant.
    #[serde(with = "crate::wire::timestamp")]
    pub as_of: DateTime<FixedOffset>,
    /// New orders to create, by rule then trigger.
    pub proposals: Vec<FollowUp>,
    /// Follow-ups already in the estate.
    pub existing: Vec<ExistingFollowUp>,
}

/// The households directly above and below a household, in its stack: the
/// same building, one floor up or down, and the same position in the unit
/// number (`1202` → `1302`, `1102`). If the unit number does not start with
/// the floor, every household on the neighbouring floors.
fn neighbours<'a>(estate: &'a Estate, h: &Household) -> Vec<&'a Household> {
    let position = |x: &Household| -> Option<String> {
        let unit = x.unit.as_str();
        [format!("{:02}", x.floor), x.floor.to_string()]
            .iter()
            .find_map(|p| unit.strip_prefix(p.as_str()).filter(|r| !r.is_empty()))
            .map(str::to_owned)
    };
    let mine = position(h);
    let mut out: Vec<&Household> = estate
        .households
        .iter()
        .filter(|x| {
            x.building == h.building
                && (i32::from(x.floor) - i32::from(h.floor)).abs() == 1
                && (mine.is_none() || position(x) == mine)
        })
        .collect();
    out.sort_by(|a, b| b.floor.cmp(&a.floor).then_with(|| a.id.cmp(&b.id)));
    out
}

/// A fresh id for a follow-up: `<trigger>-FU-<suffix>`, unique in the estate
/// and among the proposals; a shorter form if that would be too long.
fn fresh_id(trigger: &WorkOrderId, suffix: &str, taken: &BTreeSet<String>) -> Option<WorkOrderId> {
    let mut base = format!("{trigger}-FU-{suffix}");
    if base.len() > crate::MAX_ID_LEN - 4 {
        base = format!("FU-{suffix}");
    }
    (1..10_000)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|id| !taken.contains(id))
        .and_then(|id| WorkOrderId::new(id).ok())
}

fn system_order(
    id: WorkOrderId,
    category: Category,
    location: Location,
    as_of: DateTime<FixedOffset>,
    description: String,
    households: u32,
    trigger: &WorkOrderId,
) -> WorkOrder {
    WorkOrder {
        id,
        category,
        location,
        reported_at: as_of,
        reported_by: Reporter::System,
        channel: Channel::System,
        description,
        hazards: BTreeSet::new(),
        households_affected: households,
        follow_up_of: Some(trigger.clone()),
        events: Vec::new(),
    }
}

/// Runs the follow-up rules over the estate's orders.
///
/// # Errors
/// `invalid_input` if the policy does not validate.
///
/// # Example
/// ```
/// use steward::{demo, dispatch};
/// let estate = demo::estate();
/// let f = dispatch::follow_ups(&estate, &dispatch::Policy::default(), demo::now())?;
/// // The leak's riser inspection is already in the demo estate.
/// assert!(f.existing.iter().any(|x| x.trigger.as_str() == demo::LEAK_ORDER
///     && x.order.as_str() == demo::LEAK_FOLLOW_UP));
/// assert!(f.proposals.iter().all(|p| p.trigger.as_str() != demo::LEAK_ORDER));
/// # Ok::<(), steward::Error>(())
/// ```
pub fn follow_ups(
    estate: &Estate,
    policy: &Policy,
    as_of: DateTime<FixedOffset>,
) -> Result<FollowUps> {
    let ctx = Context::new(estate, policy, as_of)?;
    let as_of = ctx.as_of_time;
    let mut taken: BTreeSet<String> = estate
        .work_orders
        .iter()
        .map(|o| o.id.as_str().to_owned())
        .collect();
    let mut followed: BTreeMap<&WorkOrderId, Vec<&WorkOrder>> = BTreeMap::new();
    for o in &estate.work_orders {
        if let Some(p) = &o.follow_up_of {
            followed.entry(p).or_default().push(o);
        }
    }
    let mut orders: Vec<&WorkOrder> = estate
        .work_orders
        .iter()
        .filter(|o| o.status() != WorkOrderStatus::Cancelled && o.reported_at <= as_of)
        .collect();
    orders.sort_by(|a, b| (a.reported_at, &a.id).cmp(&(b.reported_at, &b.id)));

    let mut drafts: Vec<(Rule, WorkOrderId, WorkOrder, String, String)> = Vec::new();
    let mut existing = Vec::new();

    let rule = &policy.follow_ups.backflow_inspection;
    if rule.enabled {
        let since = as_of - TimeDelta::days(i64::from(rule.lookback_days));
        for o in orders.iter().filter(|o| {
            o.reported_at >= since
                && rule.categories.contains(&o.category)
                && o.hazards.contains(&rule.hazard)
        }) {
            let Some(h) = o
                .household()
                .and_then(|h| ctx.households.get(h.as_str()).copied())
            else {
                continue;
            };
            if let Some(f) = followed
                .get(&o.id)
                .and_then(|v| v.iter().map(|f| &f.id).min())
            {
                existing.push(ExistingFollowUp {
                    rule_id: Rule::FollowUpBackflowInspection.id(),
                    trigger: o.id.clone(),
                    order: f.clone(),
                });
                continue;
            }
            let Some(id) = fresh_id(&o.id, "riser", &taken) else {
                continue;
            };
            taken.insert(id.as_str().to_owned());
            let around = neighbours(estate, h);
            let units: Vec<&str> = around.iter().map(|x| x.unit.as_str()).collect();
            let b = &h.building;
            let units_en = if units.is_empty() {
                String::from("(none found)")
            } else {
                units.join(", ")
            };
            let (hz, hz_zh) = labels::hazard(rule.hazard);
            let description = format!(
                "Follow-up to {}: inspect the drain and water risers of {b} and the units above and below {} ({units_en}) for leaks and backflow. / 跟进 {}：检查 {b} 的排水及给水立管，以及 {} 楼上楼下住户（{}）有无渗漏返水。",
                o.id,
                h.unit,
                o.id,
                h.unit,
                units.join("、")
            );
            let households = u32::try_from(around.len() + 1).unwrap_or(u32::MAX);
            let new = system_order(
                id,
                o.category,
                Location::Building {
                    building: b.clone(),
                    area: Some(format!("risers; units {}, {}", h.unit, units_en)),
                },
                as_of,
                description,
                households,
                &o.id,
            );
            let en = format!(
                "{} reported {hz} in {} ({b}): inspect the risers of {b} and the units above and below ({units_en}).",
                o.id, h.unit
            );
            let zh = format!(
                "{} 报告{hz_zh}（{b} {}）：检查 {b} 立管及楼上楼下住户（{}）。",
                o.id,
                h.unit,
                units.join("、")
            );
            drafts.push((Rule::FollowUpBackflowInspection, o.id.clone(), new, en, zh));
        }
    }

    let rule = &policy.follow_ups.repeat_fault_inspection;
    if rule.enabled {
        let since = as_of - TimeDelta::days(i64::from(rule.window_days));
        let mut clusters: BTreeMap<(&BuildingId, Category), Vec<&WorkOrder>> = BTreeMap::new();
        for o in orders.iter().filter(|o| {
            o.reported_at >= since
                && rule.categories.contains(&o.category)
                && o.follow_up_of.is_none()
                && o.channel != Channel::System
        }) {
            if let Some(b) = ctx.building_of(o) {
                clusters.entry((b, o.category)).or_default().push(o);
            }
        }
        for ((b, category), cluster) in clusters {
            if cluster.len() < rule.min_orders as usize {
                continue;
            }
            let Some(trigger) = cluster.last() else {
                continue;
            };
            let done = cluster
                .iter()
                .filter_map(|o| followed.get(&o.id))
                .flatten()
                .filter(|f| f.category == category)
                .map(|f| &f.id)
                .min();
            if let Some(f) = done {
                existing.push(ExistingFollowUp {
                    rule_id: Rule::FollowUpRepeatFaultInspection.id(),
                    trigger: trigger.id.clone(),
                    order: f.clone(),
                });
                continue;
            }
            let Some(id) = fresh_id(&trigger.id, &key(&category).replace('_', "-"), &taken) else {
                continue;
            };
            taken.insert(id.as_str().to_owned());
            let ids: Vec<&str> = cluster.iter().map(|o| o.id.as_str()).collect();
            let (cat, cat_zh) = labels::category(category);
            let n = cluster.len();
            let days = rule.window_days;
            let households = estate
                .households
                .iter()
                .filter(|h| &h.building == b)
                .count();
            let description = format!(
                "Preventive inspection of {cat} in {b}: {n} orders in {days} days ({}). / 预防性检查：{b} {days} 天内 {n} 起{cat_zh}报修（{}）。",
                ids.join(", "),
                ids.join("、")
            );
            let new = system_order(
                id,
                category,
                Location::Building {
                    building: b.clone(),
                    area: Some(format!("preventive inspection: {cat}")),
                },
                as_of,
                description,
                u32::try_from(households).unwrap_or(u32::MAX),
                &trigger.id,
            );
            let en = format!(
                "{n} {cat} orders in {b} within {days} days ({}): inspect {b} before the next fault.",
                ids.join(", ")
            );
            let zh = format!(
                "{b} {days} 天内 {n} 起{cat_zh}报修（{}）：安排预防性检查。",
                ids.join("、")
            );
            drafts.push((
                Rule::FollowUpRepeatFaultInspection,
                trigger.id.clone(),
                new,
                en,
                zh,
            ));
        }
    }

    // Class and deadlines of each new order, as ranking will see them.
    let ctx = Context::new(estate, policy, as_of)?;
    let mut proposals = Vec::new();
    for (rule, trigger, order, en, zh) in &drafts {
        let a = ctx.assess(order);
        let class = a.decision.class;
        let cp = ctx.class_policy(class);
        let (respond, _) = labels::duration(i64::from(cp.respond_minutes));
        let (resolve, _) = labels::duration(i64::from(cp.resolve_minutes));
        let (respond_zh, resolve_zh) = (
            labels::duration(i64::from(cp.respond_minutes)).1,
            labels::duration(i64::from(cp.resolve_minutes)).1,
        );
        let reason = Reason::text(
            *rule,
            0.0,
            format!("{en} Class {class}: respond within {respond}, resolve within {resolve}."),
            format!("{zh}优先级 {class}：{respond_zh}内响应，{resolve_zh}内完成。"),
        );
        let (respond_by, resolve_by) = (a.sla.respond_by(), a.sla.resolve_by());
        proposals.push(FollowUp {
            rule_id: rule.id(),
            trigger: trigger.clone(),
            order: order.clone(),
            class,
            respond_by,
            resolve_by,
            reason,
        });
    }
    existing.sort_by(|a, b| (a.rule_id, &a.trigger).cmp(&(b.rule_id, &b.trigger)));
    Ok(FollowUps {
        as_of,
        proposals,
        existing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Hazard, demo};

    #[test]
    fn a_new_leak_with_backflow_gets_a_riser_inspection_of_its_stack() {
        let mut estate = demo::estate();
        // Drop the demo's own follow-up so the rule has work to do.
        estate
            .work_orders
            .retain(|o| o.id.as_str() != demo::LEAK_FOLLOW_UP);
        let f = follow_ups(&estate, &Policy::default(), demo::now()).unwrap();
        let p = f
            .proposals
            .iter()
            .find(|p| p.trigger.as_str() == demo::LEAK_ORDER)
            .unwrap();
        assert_eq!(p.rule_id, "follow_up_backflow_inspection");
        assert_eq!(p.class, Class::P2);
        assert_eq!(p.order.id.as_str(), "WO-221214-005-FU-riser");
        assert_eq!(
            p.order.follow_up_of.as_ref().map(|x| x.as_str()),
            Some(demo::LEAK_ORDER)
        );
        assert_eq!(
            p.order.location,
            Location::Building {
                building: BuildingId::new("B3").unwrap(),
                area: Some("risers; units 1202, 1302, 1102".into())
            }
        );
        assert_eq!(p.order.households_affected, 3);
        // Respond within 2 h of as_of, resolve within 24 h (round the clock).
        assert_eq!(p.respond_by, Some(demo::now() + TimeDelta::hours(2)));
        assert_eq!(p.resolve_by, Some(demo::now() + TimeDelta::hours(24)));
        assert!(
            p.reason
                .message()
                .contains("units above and below (1302, 1102)")
        );
        // The proposal is a valid order of the estate.
        let mut with = estate.clone();
        with.work_orders.push(p.order.clone());
        with.validate().unwrap();
        // Adding it makes the rule quiet.
        let again = follow_ups(&with, &Policy::default(), demo::now()).unwrap();
        assert!(
            again
                .proposals
                .iter()
                .all(|q| q.trigger.as_str() != demo::LEAK_ORDER)
        );
    }

    #[test]
    fn repeat_faults_in_one_building_get_a_preventive_inspection() {
        let mut estate = demo::estate();
        let template = estate
            .work_orders
            .iter()
            .find(|o| o.category == Category::Electrical && o.household().is_some())
            .unwrap()
            .clone();
        let b = ctx_building(&estate, &template);
        // Three electrical faults in one building within a week.
        for (n, days) in [(1, 6), (2, 3), (3, 1)] {
            let mut o = template.clone();
            o.id = WorkOrderId::new(format!("T-{n}")).unwrap();
            o.reported_at = demo::now() - TimeDelta::days(days);
            o.events.clear();
            o.hazards = BTreeSet::from([Hazard::Electrical]);
            estate.work_orders.push(o);
        }
        let f = follow_ups(&estate, &Policy::default(), demo::now()).unwrap();
        let p = f
            .proposals
            .iter()
            .find(|p| {
                p.rule_id == "follow_up_repeat_fault_inspection"
                    && p.order.category == Category::Electrical
                    && matches!(&p.order.location, Location::Building { building, .. } if building == &b)
            })
            .unwrap();
        assert_eq!(p.class, Class::P3);
        for id in ["T-1", "T-2", "T-3"] {
            assert!(p.order.description.contains(id), "{}", p.order.description);
        }
        let mut with = estate.clone();
        with.work_orders.push(p.order.clone());
        with.validate().unwrap();
        // Fewer than three: nothing.
        let mut policy = Policy::default();
        policy.follow_ups.repeat_fault_inspection.min_orders = 50;
        let f = follow_ups(&estate, &policy, demo::now()).unwrap();
        assert!(
            f.proposals
                .iter()
                .all(|p| p.rule_id != "follow_up_repeat_fault_inspection")
        );
    }

    fn ctx_building(estate: &Estate, o: &WorkOrder) -> BuildingId {
        let h = o.household().unwrap();
        estate.household(h).unwrap().building.clone()
    }
}
