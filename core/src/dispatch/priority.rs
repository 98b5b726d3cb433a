//! Priority: classify each open order, run its SLA clocks, score it with
//! reasons, rank the queue; and escalation notices.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::clock::{Calendar, Timeline, at_offset};
use super::labels;
use super::policy::{
    CategoryPolicy, Class, ClassPolicy, ClockKind, Level, ModeBoost, Policy, Recipient,
};
use super::rules::{Detail, Raise, Reason, Rule, Target, round_half_away, round2};
use crate::{
    BuildingId, Category, Error, Estate, Hazard, Household, Location, OperatingMode, Result, Skill,
    StaffId, StaffRole, WorkOrder, WorkOrderId, WorkOrderStatus,
};

/// How close an order is to breaching its active SLA target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    /// Less than 50% of the target used.
    OnTrack,
    /// 50% to 75% used.
    Watch,
    /// 75% to 100% used.
    AtRisk,
    /// The target is breached.
    Breached,
}

impl Risk {
    fn of(fraction: f64) -> Risk {
        if fraction >= 1.0 {
            Risk::Breached
        } else if fraction >= 0.75 {
            Risk::AtRisk
        } else if fraction >= 0.5 {
            Risk::Watch
        } else {
            Risk::OnTrack
        }
    }

    /// Snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::OnTrack => "on_track",
            Risk::Watch => "watch",
            Risk::AtRisk => "at_risk",
            Risk::Breached => "breached",
        }
    }
}

/// The SLA clocks of one order at `as_of`.
///
/// Instants are kept as seconds and become `DateTime`s when read, so that a
/// queue of 100,000 orders neither converts nor stores four dates per order
/// that nobody may look at.
#[derive(Clone, Copy, PartialEq)]
pub struct Sla {
    clock: ClockKind,
    active: Target,
    risk: Risk,
    paused: bool,
    offset: FixedOffset,
    cycle_start: i64,
    respond_by: i64,
    responded_at: i64,
    resolve_by: i64,
    used_percent: f64,
    time_left_minutes: i64,
    clock_minutes_left: i64,
}

/// Marks an absent instant or time left in [`Sla`].
const NO_TIME: i64 = i64::MIN;

impl Sla {
    fn instant(&self, secs: i64) -> Option<DateTime<FixedOffset>> {
        if secs == NO_TIME {
            return None;
        }
        at_offset(secs, self.offset)
    }

    /// Which clock the order's class uses.
    pub fn clock(&self) -> ClockKind {
        self.clock
    }

    /// When the current cycle started: the report, or the last reopening.
    pub fn cycle_start(&self) -> DateTime<FixedOffset> {
        self.instant(self.cycle_start)
            .unwrap_or_else(|| DateTime::UNIX_EPOCH.with_timezone(&self.offset))
    }

    /// When someone must be on site (`None` if the clock paused before then).
    pub fn respond_by(&self) -> Option<DateTime<FixedOffset>> {
        self.instant(self.respond_by)
    }

    /// When someone arrived, in this cycle.
    pub fn responded_at(&self) -> Option<DateTime<FixedOffset>> {
        self.instant(self.responded_at)
    }

    /// When the work must be done (`None` if the clock paused before then).
    pub fn resolve_by(&self) -> Option<DateTime<FixedOffset>> {
        self.instant(self.resolve_by)
    }

    /// The target that matters now: respond until someone arrives, then
    /// resolve.
    pub fn active(&self) -> Target {
        self.active
    }

    /// The deadline of the active target.
    pub fn active_due(&self) -> Option<DateTime<FixedOffset>> {
        self.instant(self.active_due_secs())
    }

    /// [`Sla::active_due`] in seconds since the epoch (`NO_TIME` if none).
    pub(crate) fn active_due_secs(&self) -> i64 {
        match self.active {
            Target::Respond => self.respond_by,
            Target::Resolve => self.resolve_by,
        }
    }

    /// [`Sla::respond_by`] in seconds since the epoch.
    pub(crate) fn respond_by_secs(&self) -> Option<i64> {
        (self.respond_by != NO_TIME).then_some(self.respond_by)
    }

    /// Percentage of the active target used (one decimal).
    pub fn used_percent(&self) -> f64 {
        self.used_percent
    }

    /// Wall-clock minutes until the active deadline (negative once
    /// breached; `None` while paused).
    pub fn time_left_minutes(&self) -> Option<i64> {
        (self.time_left_minutes != NO_TIME).then_some(self.time_left_minutes)
    }

    /// Minutes of the SLA clock left on the active target (negative once
    /// breached).
    pub fn clock_minutes_left(&self) -> i64 {
        self.clock_minutes_left
    }

    /// Breach risk of the active target.
    pub fn risk(&self) -> Risk {
        self.risk
    }

    /// Whether the clock is paused (the order is on hold).
    pub fn paused(&self) -> bool {
        self.paused
    }
}

/// [`Sla`] as it is shown: instants as `DateTime`s.
#[derive(Debug, Serialize)]
struct SlaView {
    clock: ClockKind,
    #[serde(with = "crate::wire::timestamp")]
    cycle_start: DateTime<FixedOffset>,
    #[serde(serialize_with = "opt_time")]
    respond_by: Option<DateTime<FixedOffset>>,
    #[serde(serialize_with = "opt_time")]
    responded_at: Option<DateTime<FixedOffset>>,
    #[serde(serialize_with = "opt_time")]
    resolve_by: Option<DateTime<FixedOffset>>,
    active: Target,
    used_percent: f64,
    time_left_minutes: Option<i64>,
    clock_minutes_left: i64,
    risk: Risk,
    paused: bool,
}

impl Sla {
    fn view(&self) -> SlaView {
        SlaView {
            clock: self.clock,
            cycle_start: self.cycle_start(),
            respond_by: self.respond_by(),
            responded_at: self.responded_at(),
            resolve_by: self.resolve_by(),
            active: self.active,
            used_percent: self.used_percent,
            time_left_minutes: self.time_left_minutes(),
            clock_minutes_left: self.clock_minutes_left,
            risk: self.risk,
            paused: self.paused,
        }
    }
}

impl std::fmt::Debug for Sla {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.view();
        f.debug_struct("Sla")
            .field("clock", &v.clock)
            .field("cycle_start", &v.cycle_start)
            .field("respond_by", &v.respond_by)
            .field("responded_at", &v.responded_at)
            .field("resolve_by", &v.resolve_by)
            .field("active", &v.active)
            .field("used_percent", &v.used_percent)
            .field("time_left_minutes", &v.time_left_minutes)
            .field("clock_minutes_left", &v.clock_minutes_left)
            .field("risk", &v.risk)
            .field("paused", &v.paused)
            .finish()
    }
}

impl Serialize for Sla {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.view().serialize(s)
    }
}

pub(crate) fn opt_time<S: serde::Serializer>(
    t: &Option<DateTime<FixedOffset>>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&t.to_rfc3339()),
        None => s.serialize_none(),
    }
}

/// The class an order gets, and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Decision {
    pub class: Class,
    pub base: Class,
    pub impact: Level,
    pub urgency: Level,
    pub raised_by: Option<Raise>,
}

/// The points of each rule for one order (rounded to hundredths); the
/// reasons' sentences are written from these when asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Parts {
    pub class: f64,
    pub hazards: f64,
    pub households: f64,
    pub vulnerable: f64,
    pub vulnerable_capped: bool,
    pub reopened: f64,
    pub reopens: u32,
    pub waiting: f64,
    pub waited_minutes: i64,
    pub pressure: f64,
    pub mode: f64,
}

/// Everything the engine works out about one order.
#[derive(Debug, Clone)]
pub(crate) struct Assessment<'a> {
    pub order: &'a WorkOrder,
    pub timeline: Timeline<'a>,
    pub building: Option<&'a BuildingId>,
    pub household: Option<&'a Household>,
    pub decision: Decision,
    pub sla: Sla,
    /// Used fraction of the active target (unrounded).
    pub fraction: f64,
    pub score: f64,
    pub parts: Parts,
}

/// A small, fast hasher for the lookup tables of one call (ids are short
/// strings chosen by the caller; nothing here is exposed in hash order).
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl IdHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for IdHasher {
    /// Mixes the bytes in as little-endian words, the last one zero-padded.
    /// (Words are read directly: copying each chunk into a buffer cost a
    /// `memcpy` call per word.)
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.mix(u64::from_le_bytes(
                <[u8; 8]>::try_from(w).unwrap_or_default(),
            ));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let word = rest
                .iter()
                .enumerate()
                .fold(0u64, |acc, (i, &b)| acc | u64::from(b) << (8 * i));
            self.mix(word);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by id strings.
pub(crate) type IdMap<'a, V> = HashMap<&'a str, V, BuildHasherDefault<IdHasher>>;

/// Indexes and settings shared by every order of one call.
pub(crate) struct Context<'a> {
    pub estate: &'a Estate,
    pub policy: &'a Policy,
    pub cal: Calendar,
    pub offset: FixedOffset,
    pub as_of: i64,
    pub as_of_time: DateTime<FixedOffset>,
    /// The seconds since the epoch that are representable instants.
    instants: std::ops::RangeInclusive<i64>,
    pub mode: OperatingMode,
    pub households: IdMap<'a, &'a Household>,
    orders: OnceLock<IdMap<'a, &'a WorkOrder>>,
    classes: [&'a ClassPolicy; 4],
    /// The policy's rules per category in the call's mode, by `Category as
    /// usize` (looked up once per call rather than once per order).
    categories: Vec<CategoryRule>,
    /// The policy's rules per hazard, by `Hazard as usize`.
    hazards: Vec<HazardRule>,
}

/// What the policy says about one category in one operating mode.
#[derive(Debug, Clone, Copy)]
struct CategoryRule {
    impact: Level,
    urgency: Level,
    /// The impact × urgency matrix's class.
    base: Class,
    /// The mode's minimum class for the category.
    mode_class: Option<Class>,
    /// The mode's points for the category (rounded).
    mode_points: f64,
}

impl CategoryRule {
    fn of(policy: &Policy, c: Category, mode: OperatingMode) -> CategoryRule {
        CategoryRule::new(
            policy,
            policy.categories.get(&c),
            policy.modes.get(&mode).and_then(|m| m.categories.get(&c)),
        )
    }

    /// The rule of a category with this policy entry and mode boost (a
    /// category the policy does not name is low impact, low urgency).
    fn new(
        policy: &Policy,
        category: Option<&CategoryPolicy>,
        boost: Option<&ModeBoost>,
    ) -> CategoryRule {
        let (impact, urgency) =
            category.map_or((Level::Low, Level::Low), |c| (c.impact, c.urgency));
        let base = policy
            .matrix
            .get(&impact)
            .and_then(|r| r.get(&urgency))
            .copied()
            .unwrap_or(Class::P4);
        CategoryRule {
            impact,
            urgency,
            base,
            mode_class: boost.and_then(|b| b.min_class),
            mode_points: round2(boost.map_or(0.0, |b| b.points)),
        }
    }
}

/// What the policy says about one hazard.
#[derive(Debug, Clone, Copy, Default)]
struct HazardRule {
    /// Its points (rounded).
    points: f64,
    /// The class it raises an order to.
    min_class: Option<Class>,
}

impl HazardRule {
    fn of(policy: &Policy, h: Hazard) -> HazardRule {
        policy
            .hazards
            .get(&h)
            .map_or(HazardRule::default(), |p| HazardRule {
                points: round2(p.points),
                min_class: p.min_class,
            })
    }
}

/// A table of rules by an enum's discriminant, holding every key the policy
/// names; the gaps between them hold `default`, the rule of an unnamed key.
fn rule_table<K: Copy, R: Copy>(
    keys: impl Iterator<Item = K>,
    index: impl Fn(K) -> usize,
    rule: impl Fn(K) -> R,
    default: R,
) -> Vec<R> {
    let mut table: Vec<R> = Vec::new();
    for k in keys {
        let i = index(k);
        if table.len() <= i {
            table.resize(i + 1, default);
        }
        if let Some(slot) = table.get_mut(i) {
            *slot = rule(k);
        }
    }
    table
}

fn class_index(c: Class) -> usize {
    match c {
        Class::P1 => 0,
        Class::P2 => 1,
        Class::P3 => 2,
        Class::P4 => 3,
    }
}

impl<'a> Context<'a> {
    /// Builds the indexes; validates the policy.
    pub(crate) fn new(
        estate: &'a Estate,
        policy: &'a Policy,
        as_of: DateTime<FixedOffset>,
    ) -> Result<Context<'a>> {
        policy.validate()?;
        let class = |c: Class| {
            policy.classes.get(&c).ok_or_else(|| {
                Error::internal(format!("class {c} missing from a validated policy"))
            })
        };
        let classes = [
            class(Class::P1)?,
            class(Class::P2)?,
            class(Class::P3)?,
            class(Class::P4)?,
        ];
        let offset = estate.utc_offset.fixed();
        let local_date = as_of.with_timezone(&offset).date_naive();
        let mode = estate.mode_on(local_date);
        // Categories the policy does not name all get the rule of a category
        // it does not name (low impact, low urgency, no boost).
        let unnamed = CategoryRule::new(policy, None, None);
        let named = policy.categories.keys().chain(
            policy
                .modes
                .get(&mode)
                .into_iter()
                .flat_map(|m| m.categories.keys()),
        );
        let categories = rule_table(
            named.copied(),
            |c| c as usize,
            |c| CategoryRule::of(policy, c, mode),
            unnamed,
        );
        let hazards = rule_table(
            policy.hazards.keys().copied(),
            |h| h as usize,
            |h| HazardRule::of(policy, h),
            HazardRule::default(),
        );
        Ok(Context {
            estate,
            policy,
            cal: Calendar::new(&policy.business_hours, estate.utc_offset.seconds()),
            offset,
            as_of: as_of.timestamp(),
            as_of_time: as_of.with_timezone(&offset),
            instants: DateTime::<chrono::Utc>::MIN_UTC.timestamp()
                ..=DateTime::<chrono::Utc>::MAX_UTC.timestamp(),
            mode,
            households: estate
                .households
                .iter()
                .map(|h| (h.id.as_str(), h))
                .collect(),
            orders: OnceLock::new(),
            classes,
            categories,
            hazards,
        })
    }

    /// The estate's orders by id (built on first use).
    pub(crate) fn order(&self, id: &str) -> Option<&'a WorkOrder> {
        self.orders
            .get_or_init(|| {
                self.estate
                    .work_orders
                    .iter()
                    .map(|o| (o.id.as_str(), o))
                    .collect()
            })
            .get(id)
            .copied()
    }

    pub(crate) fn class_policy(&self, c: Class) -> &'a ClassPolicy {
        self.classes[class_index(c)]
    }

    /// The policy's rules for a category in this call's mode.
    fn category_rule(&self, c: Category) -> CategoryRule {
        self.categories
            .get(c as usize)
            .copied()
            .unwrap_or_else(|| CategoryRule::of(self.policy, c, self.mode))
    }

    /// The policy's rules for a hazard.
    fn hazard_rule(&self, h: Hazard) -> HazardRule {
        self.hazards
            .get(h as usize)
            .copied()
            .unwrap_or_else(|| HazardRule::of(self.policy, h))
    }

    pub(crate) fn time(&self, secs: i64) -> Option<DateTime<FixedOffset>> {
        at_offset(secs, self.offset)
    }

    /// The building an order is in (a household's, or a building location).
    pub(crate) fn building_of(&self, o: &'a WorkOrder) -> Option<&'a BuildingId> {
        match &o.location {
            Location::Household { household } => {
                self.households.get(household.as_str()).map(|h| &h.building)
            }
            Location::Building { building, .. } => Some(building),
            Location::CommonArea { .. } => None,
        }
    }

    /// The skills a person needs to take an order (category's, then hazards').
    pub(crate) fn required_skills(&self, o: &WorkOrder) -> Vec<Skill> {
        let mut skills = Vec::new();
        if let Some(s) = self
            .policy
            .categories
            .get(&o.category)
            .and_then(|c| c.skill)
        {
            skills.push(s);
        }
        for h in &o.hazards {
            if let Some(s) = self.policy.hazards.get(h).and_then(|h| h.skill)
                && !skills.contains(&s)
            {
                skills.push(s);
            }
        }
        skills
    }

    /// The follow-up rule an order's parent matches, with its class.
    fn follow_up_class(
        &self,
        o: &WorkOrder,
        building: Option<&BuildingId>,
    ) -> Option<(Rule, Class)> {
        let parent = self.order(o.follow_up_of.as_ref()?.as_str())?;
        let rules = &self.policy.follow_ups;
        let b = &rules.backflow_inspection;
        if b.enabled
            && b.categories.contains(&parent.category)
            && parent.hazards.contains(&b.hazard)
        {
            return Some((Rule::FollowUpBackflowInspection, b.class));
        }
        let r = &rules.repeat_fault_inspection;
        if r.enabled
            && r.categories.contains(&parent.category)
            && building.is_some()
            && self.building_of(parent) == building
        {
            return Some((Rule::FollowUpRepeatFaultInspection, r.class));
        }
        None
    }

    /// The class of an order: the matrix's, raised by hazards, the
    /// operating mode and follow-up rules (each only ever raises).
    pub(crate) fn classify(&self, o: &WorkOrder, building: Option<&BuildingId>) -> Decision {
        let follow_up = if o.follow_up_of.is_some() {
            self.follow_up_class(o, building)
        } else {
            None
        };
        decide(
            self.category_rule(o.category),
            o.hazards
                .iter()
                .map(|&h| (h, self.hazard_rule(h).min_class)),
            self.mode,
            follow_up,
        )
    }
}

/// The class of an order in an operating mode, given the follow-up rule it
/// falls under (if any): the matrix's, raised by hazards, the mode and the
/// follow-up rule (each only ever raises).
pub(crate) fn classify(
    policy: &Policy,
    o: &WorkOrder,
    mode: OperatingMode,
    follow_up: Option<(Rule, Class)>,
) -> Decision {
    decide(
        CategoryRule::of(policy, o.category, mode),
        o.hazards
            .iter()
            .map(|&h| (h, policy.hazards.get(&h).and_then(|p| p.min_class))),
        mode,
        follow_up,
    )
}

/// The class from a category's rule, raised by the order's hazards (with
/// the classes they raise to), the mode and the follow-up rule, in that order.
fn decide(
    rule: CategoryRule,
    hazards: impl Iterator<Item = (Hazard, Option<Class>)>,
    mode: OperatingMode,
    follow_up: Option<(Rule, Class)>,
) -> Decision {
    let mut d = Decision {
        class: rule.base,
        base: rule.base,
        impact: rule.impact,
        urgency: rule.urgency,
        raised_by: None,
    };
    let raise = |d: &mut Decision, to: Class, why: Raise| {
        if to < d.class {
            d.class = to;
            d.raised_by = Some(why);
        }
    };
    for (h, c) in hazards {
        if let Some(c) = c {
            raise(&mut d, c, Raise::Hazard(h));
        }
    }
    if let Some(c) = rule.mode_class {
        raise(&mut d, c, Raise::Mode(mode));
    }
    if let Some((rule, c)) = follow_up {
        raise(&mut d, c, Raise::FollowUp(rule));
    }
    d
}

/// Writes the reasons of an order from its parts (only rules that
/// contributed, except the class, waiting and SLA pressure, always shown).
#[allow(clippy::too_many_arguments)]
fn reasons<'a>(
    p: &'a Policy,
    cp: &'a ClassPolicy,
    o: &'a WorkOrder,
    household: Option<&'a Household>,
    decision: Decision,
    parts: &Parts,
    sla: &Sla,
    mode: OperatingMode,
) -> Vec<Reason<'a>> {
    let mut out = Vec::with_capacity(6 + o.hazards.len());
    out.push(Reason::new(
        Rule::PriorityClass,
        parts.class,
        Detail::Class {
            class: decision.class,
            name: &cp.name,
            name_zh: &cp.name_zh,
            category: o.category,
            impact: decision.impact,
            urgency: decision.urgency,
            base: decision.base,
            raised_by: decision.raised_by,
        },
    ));
    for h in &o.hazards {
        if let Some(hp) = p.hazards.get(h)
            && hp.points != 0.0
        {
            out.push(Reason::new(Rule::Hazard, hp.points, Detail::Hazard(*h)));
        }
    }
    if parts.households > 0.0 {
        out.push(Reason::new(
            Rule::HouseholdsAffected,
            parts.households,
            Detail::Households(o.households_affected),
        ));
    }
    if let Some(h) = household
        && parts.vulnerable > 0.0
    {
        out.push(Reason::new(
            Rule::VulnerableHousehold,
            parts.vulnerable,
            Detail::Vulnerable {
                needs: &h.care_needs,
                capped: parts.vulnerable_capped,
            },
        ));
    }
    if parts.reopened > 0.0 {
        out.push(Reason::new(
            Rule::Reopened,
            parts.reopened,
            Detail::Reopened(parts.reopens),
        ));
    }
    out.push(Reason::new(
        Rule::WaitingTime,
        parts.waiting,
        Detail::Waiting {
            minutes: parts.waited_minutes,
        },
    ));
    let due = sla.active_due();
    out.push(Reason::new(
        Rule::SlaPressure,
        parts.pressure,
        Detail::Pressure {
            target: sla.active,
            percent: sla.used_percent,
            due,
            paused: sla.paused,
        },
    ));
    if parts.mode != 0.0 {
        out.push(Reason::new(
            Rule::OperatingMode,
            parts.mode,
            Detail::Mode {
                mode,
                category: o.category,
            },
        ));
    }
    out
}

impl<'a> Context<'a> {
    /// The SLA clocks of an order of class policy `cp`.
    fn sla(&self, t: &Timeline<'_>, cp: &ClassPolicy) -> (Sla, f64) {
        let kind = cp.clock;
        let start = t.cycle_start;
        let respond = i64::from(cp.respond_minutes) * 60;
        let resolve = i64::from(cp.resolve_minutes) * 60;
        let respond_by = t.deadline(&self.cal, kind, start, respond);
        let resolve_by = t.deadline(&self.cal, kind, start, resolve);
        let (active, target, due) = match t.responded {
            None => (Target::Respond, respond, respond_by),
            Some(_) => (Target::Resolve, resolve, resolve_by),
        };
        let used = t.consumed(&self.cal, kind, start, self.as_of);
        let fraction = used as f64 / target.max(1) as f64;
        let paused = t.paused();
        let instant = |secs: Option<i64>| {
            secs.filter(|&s| s != NO_TIME && self.instants.contains(&s))
                .unwrap_or(NO_TIME)
        };
        let sla = Sla {
            clock: kind,
            active,
            risk: Risk::of(fraction),
            paused,
            offset: self.offset,
            cycle_start: if self.instants.contains(&start) {
                start
            } else {
                self.as_of
            },
            respond_by: instant(respond_by),
            responded_at: instant(t.responded),
            resolve_by: instant(resolve_by),
            used_percent: (fraction * 1000.0).round() / 10.0,
            time_left_minutes: match due {
                Some(d) if !paused => (d - self.as_of) / 60,
                _ => NO_TIME,
            },
            clock_minutes_left: (target - used) / 60,
        };
        (sla, fraction)
    }

    /// Classifies, clocks and scores one order.
    pub(crate) fn assess(&self, o: &'a WorkOrder) -> Assessment<'a> {
        self.assess_with(o, Timeline::of(o))
    }

    /// As [`Context::assess`], given the order's timeline.
    pub(crate) fn assess_with(&self, o: &'a WorkOrder, timeline: Timeline<'a>) -> Assessment<'a> {
        let p = self.policy;
        let household = o
            .household()
            .and_then(|h| self.households.get(h.as_str()).copied());
        let building = match &o.location {
            Location::Household { .. } => household.map(|h| &h.building),
            Location::Building { building, .. } => Some(building),
            Location::CommonArea { .. } => None,
        };
        let decision = self.classify(o, building);
        let cp = self.class_policy(decision.class);
        let (sla, fraction) = self.sla(&timeline, cp);

        let hazards: f64 = o
            .hazards
            .iter()
            .map(|&h| self.hazard_rule(h).points)
            .fold(0.0, |a, b| a + b);
        let extra = o.households_affected.saturating_sub(1);
        let households = if extra > 0 {
            round2(
                (f64::from(extra) * p.households.points_per_extra_household)
                    .min(p.households.max_points),
            )
        } else {
            0.0
        };
        let (vulnerable, vulnerable_capped) = match household {
            Some(h) if !h.care_needs.is_empty() => {
                let sum = h
                    .care_needs
                    .iter()
                    .filter_map(|n| p.vulnerable.points.get(n))
                    .fold(0.0, |a, b| a + b);
                (
                    round2(sum.min(p.vulnerable.max_points).max(0.0)),
                    sum > p.vulnerable.max_points,
                )
            }
            _ => (0.0, false),
        };
        let reopened = round2(
            (f64::from(timeline.reopens) * p.reopened.points_per_reopen).min(p.reopened.max_points),
        );
        let waited =
            (self.as_of - timeline.reported - timeline.held_between(timeline.reported, self.as_of))
                .max(0);
        let waiting = round2(p.ageing.points_per_hour * waited as f64 / 3600.0);
        let pressure =
            round2(p.sla_pressure.points_at_deadline * fraction.min(p.sla_pressure.max_fraction));
        let mode = self.category_rule(o.category).mode_points;
        let parts = Parts {
            class: round2(cp.points),
            hazards,
            households,
            vulnerable,
            vulnerable_capped,
            reopened,
            reopens: timeline.reopens,
            waiting,
            waited_minutes: waited / 60,
            pressure,
            mode,
        };
        let score = round2(
            parts.class + hazards + households + vulnerable + reopened + waiting + pressure + mode,
        );
        Assessment {
            order: o,
            timeline,
            building,
            household,
            decision,
            sla,
            fraction,
            score,
            parts,
        }
    }

    /// The escalation level reached by an assessment's active target.
    pub(crate) fn escalation(&self, fraction: f64) -> Option<u16> {
        self.policy
            .escalation
            .levels
            .iter()
            .rev()
            .find(|l| fraction * 100.0 >= f64::from(l.percent) - 1e-9)
            .map(|l| l.percent)
    }
}

/// One order in the queue, with its class, score, SLA clocks and reasons.
#[derive(Clone)]
#[non_exhaustive]
pub struct RankedOrder<'a> {
    /// Position in the queue, from 1.
    pub rank: usize,
    /// The order.
    pub order: &'a WorkOrder,
    /// Its status now.
    pub status: WorkOrderStatus,
    /// The building it is in, if any.
    pub building: Option<&'a BuildingId>,
    /// Who is assigned now.
    pub assignee: Option<&'a StaffId>,
    /// Its class.
    pub class: Class,
    /// The score: the sum of the reasons' points.
    pub score: f64,
    /// Its SLA clocks.
    pub sla: Sla,
    /// The highest escalation level (percent) its active target has reached.
    pub escalation_percent: Option<u16>,
    /// The ranking's shared indexes: the reasons are worked out again from
    /// them when asked for, so a queue of 100,000 orders stays small.
    ctx: Arc<Context<'a>>,
}

impl<'a> RankedOrder<'a> {
    /// Why: every contribution to the score, in rule order (written when
    /// asked for; their points add up to [`RankedOrder::score`]).
    pub fn reasons(&self) -> Vec<Reason<'a>> {
        let ctx: &Context<'a> = &self.ctx;
        let a = ctx.assess(self.order);
        reasons(
            ctx.policy,
            ctx.class_policy(a.decision.class),
            self.order,
            a.household,
            a.decision,
            &a.parts,
            &a.sla,
            ctx.mode,
        )
    }

    /// English name of the class.
    pub fn class_name(&self) -> &'a str {
        &self.ctx.class_policy(self.class).name
    }

    /// Chinese name of the class.
    pub fn class_name_zh(&self) -> &'a str {
        &self.ctx.class_policy(self.class).name_zh
    }
}

impl std::fmt::Debug for RankedOrder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RankedOrder")
            .field("rank", &self.rank)
            .field("order", &self.order.id)
            .field("status", &self.status)
            .field("building", &self.building)
            .field("assignee", &self.assignee)
            .field("class", &self.class)
            .field("score", &self.score)
            .field("sla", &self.sla)
            .field("escalation_percent", &self.escalation_percent)
            .finish_non_exhaustive()
    }
}

impl Serialize for RankedOrder<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'v> {
            rank: usize,
            order: &'v WorkOrderId,
            category: crate::Category,
            status: WorkOrderStatus,
            building: Option<&'v BuildingId>,
            household: Option<&'v crate::HouseholdId>,
            assignee: Option<&'v StaffId>,
            #[serde(with = "crate::wire::timestamp")]
            reported_at: DateTime<FixedOffset>,
            class: Class,
            class_name: &'v str,
            class_name_zh: &'v str,
            score: f64,
            sla: &'v Sla,
            escalation_percent: Option<u16>,
            reasons: Vec<Reason<'v>>,
        }
        View {
            rank: self.rank,
            order: &self.order.id,
            category: self.order.category,
            status: self.status,
            building: self.building,
            household: self.order.household(),
            assignee: self.assignee,
            reported_at: self.order.reported_at,
            class: self.class,
            class_name: self.class_name(),
            class_name_zh: self.class_name_zh(),
            score: self.score,
            sla: &self.sla,
            escalation_percent: self.escalation_percent,
            reasons: self.reasons(),
        }
        .serialize(s)
    }
}

/// The ranked queue of open orders at one instant.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Ranking<'a> {
    /// The instant ranked at.
    pub as_of: DateTime<FixedOffset>,
    /// The policy's name.
    pub policy: &'a str,
    /// See [`Policy::starvation_bound_hours`].
    pub starvation_bound_hours: f64,
    /// Open orders, most urgent first.
    pub orders: Vec<RankedOrder<'a>>,
}

impl<'a> Ranking<'a> {
    /// The position of an order in the queue, if it is there.
    pub fn position(&self, id: &WorkOrderId) -> Option<&RankedOrder<'a>> {
        self.orders.iter().find(|r| &r.order.id == id)
    }
}

/// Ranks the estate's open orders: most urgent first.
///
/// Each order gets a class (impact × urgency, raised by hazards, the
/// operating mode or a follow-up rule), SLA clocks (paused while on hold), a
/// score that is the sum of its [`Reason`]s, and a rank. Ties break by the
/// earlier active deadline, then the earlier report, then the id.
///
/// # Errors
/// `invalid_input` if the policy does not validate.
///
/// # Example
/// ```
/// use steward::{demo, dispatch};
/// let estate = demo::estate();
/// let policy = dispatch::Policy::default();
/// let ranking = dispatch::rank(&estate, &policy, demo::now())?;
/// let first = &ranking.orders[0];
/// assert_eq!(first.order.id.as_str(), demo::LEAK_ORDER);   // the leak with backflow
/// assert_eq!(first.class, dispatch::Class::P1);
/// assert!(first.reasons().iter().any(|r| r.rule_id() == "vulnerable_household"));
///
/// let mut bad = dispatch::Policy::default();
/// bad.ageing.points_per_hour = 0.0;
/// assert!(dispatch::rank(&estate, &bad, demo::now()).is_err());
/// # Ok::<(), steward::Error>(())
/// ```
pub fn rank<'a>(
    estate: &'a Estate,
    policy: &'a Policy,
    as_of: DateTime<FixedOffset>,
) -> Result<Ranking<'a>> {
    rank_orders(estate, &estate.work_orders, policy, as_of)
}

/// Ranks some orders (the open ones among `orders`) against an estate's
/// households, buildings and operating periods. See [`rank`].
///
/// # Errors
/// `invalid_input` if the policy does not validate.
pub fn rank_orders<'a>(
    estate: &'a Estate,
    orders: &'a [WorkOrder],
    policy: &'a Policy,
    as_of: DateTime<FixedOffset>,
) -> Result<Ranking<'a>> {
    let ctx = Arc::new(Context::new(estate, policy, as_of)?);
    // One pass builds every ranked order; the queue order is found on small
    // integer keys and applied in place, so nothing is built twice.
    // Sized for every order up front: growing a vector of this size would
    // copy it each time, and counting the open orders first costs a pass
    // over every event list. Pages for closed orders are never touched; if
    // most orders are closed, the surplus is given back below.
    let mut ranked: Vec<RankedOrder<'a>> = Vec::with_capacity(orders.len());
    let mut keys: Vec<(f64, i64, i64)> = Vec::with_capacity(orders.len());
    // What ties are broken on, in a small vector of its own, taken while
    // each order is in cache: reaching the orders again when sorting would
    // cost a cache miss or two per comparison.
    let mut tied: Vec<Tie<'a>> = Vec::with_capacity(orders.len());
    for o in orders {
        let t = Timeline::of(o);
        if !t.status.is_open() {
            continue;
        }
        let a = ctx.assess_with(o, t);
        keys.push(queue_key(&a));
        tied.push(Tie::of(o));
        ranked.push(RankedOrder {
            rank: 0,
            order: a.order,
            status: a.timeline.status,
            building: a.building,
            assignee: a.timeline.assignee,
            class: a.decision.class,
            score: a.score,
            escalation_percent: ctx.escalation(a.fraction),
            sla: a.sla,
            ctx: Arc::clone(&ctx),
        });
    }
    if ranked.len() < ranked.capacity() / 2 {
        ranked.shrink_to_fit();
    }
    let order = queue_order(keys.into_iter(), by_ties(&tied));
    drop(tied);
    permute(&mut ranked, &order);
    for (i, r) in ranked.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    Ok(Ranking {
        as_of: ctx.as_of_time,
        policy: &policy.name,
        starvation_bound_hours: policy.starvation_bound_hours(),
        orders: ranked,
    })
}

/// An order's last tie-breakers, `(reported_at, id)`, with their leading
/// parts copied out: the sub-second part of the report and the first 16
/// bytes of the id (zero-padded, big-endian, so that integer order is byte
/// order). Only when both parts are equal is the order itself reached.
struct Tie<'a> {
    nanos: u32,
    head: u128,
    order: &'a WorkOrder,
}

impl<'a> Tie<'a> {
    fn of(order: &'a WorkOrder) -> Tie<'a> {
        let mut head = [0u8; 16];
        for (h, &b) in head.iter_mut().zip(order.id.as_str().as_bytes()) {
            *h = b;
        }
        Tie {
            nanos: order.reported_at.timestamp_subsec_nanos(),
            head: u128::from_be_bytes(head),
            order,
        }
    }

    /// `(reported_at, id)` order, for orders reported in the same second
    /// (the queue's keys already hold the whole seconds).
    fn cmp(&self, other: &Tie<'_>) -> std::cmp::Ordering {
        // Heads that differ order the ids as their bytes do: where one id
        // is shorter, the other continues with zero bytes after a common
        // prefix, so it is the longer one and comes later either way.
        self.nanos
            .cmp(&other.nanos)
            .then(self.head.cmp(&other.head))
            .then_with(|| {
                self.order
                    .reported_at
                    .cmp(&other.order.reported_at)
                    .then_with(|| self.order.id.cmp(&other.order.id))
            })
    }
}

/// Rearranges `items` so that position `k` holds what was at `order[k]`
/// (`order` a permutation of the indices), following each cycle with swaps:
/// no second vector, each item moved along its cycle once.
fn permute<T>(items: &mut [T], order: &[usize]) {
    let mut placed = vec![false; items.len()];
    for start in 0..items.len() {
        if placed.get(start).copied().unwrap_or(true) {
            continue;
        }
        let mut at = start;
        loop {
            if let Some(p) = placed.get_mut(at) {
                *p = true;
            }
            let from = order.get(at).copied().unwrap_or(start);
            if from == start || from >= items.len() {
                break;
            }
            swap_apart(items, at, from);
            at = from;
        }
    }
}

/// Swaps two items through disjoint borrows: `mem::swap` on them compiles
/// to inline moves, where `slice::swap` (which allows `i == j`) calls
/// `memcpy`/`memmove` three times per swap for an item this size.
fn swap_apart<T>(items: &mut [T], i: usize, j: usize) {
    let (lo, hi) = if i < j { (i, j) } else { (j, i) };
    if lo == hi {
        return;
    }
    let (left, right) = items.split_at_mut(hi);
    if let (Some(x), Some(y)) = (left.get_mut(lo), right.first_mut()) {
        std::mem::swap(x, y);
    }
}

/// The keys an assessed order is queued on: its score, its active deadline
/// and its report (seconds); [`Tie`] breaks what is left.
fn queue_key(a: &Assessment<'_>) -> (f64, i64, i64) {
    (a.score, active_due(&a.sla), a.timeline.reported)
}

/// The deadline of the active target, in seconds (`i64::MAX` if none).
fn active_due(sla: &Sla) -> i64 {
    match sla.active_due_secs() {
        NO_TIME => i64::MAX,
        due => due,
    }
}

/// Indices in queue order from `(score, deadline, reported)` keys: higher
/// score first, then earlier deadline, then earlier report, then `tie`.
///
/// Scores are hundredths (the engine rounds them so), and deadlines and
/// reports of one queue lie within a few years; then all three keys and the
/// index pack into one `u128` (see [`packed_keys`]), sorted by a radix sort.
/// Other keys are sorted by comparison. Either way `tie` is only asked
/// about runs equal on all three keys.
fn queue_order(
    keys: impl Iterator<Item = (f64, i64, i64)>,
    tie: impl Fn(usize, usize) -> std::cmp::Ordering,
) -> Vec<usize> {
    let keys: Vec<(f64, i64, i64)> = keys.collect();
    let Some(mut packed) = packed_keys(&keys) else {
        return queue_order_by_comparison(&keys, tie);
    };
    radix_sort(&mut packed);
    let index = |k: u128| (k & u128::from(u32::MAX)) as usize;
    break_ties(&mut packed, |k| k >> 32, |x, y| tie(index(*x), index(*y)));
    packed.into_iter().map(index).collect()
}

/// Sorts each run of sorted `items` that is equal on `key` by `tie` (a
/// stable sort: items `tie` finds equal keep their order).
fn break_ties<T, K: PartialEq>(
    items: &mut [T],
    key: impl Fn(&T) -> K,
    tie: impl Fn(&T, &T) -> std::cmp::Ordering,
) {
    let mut start = 0;
    while start < items.len() {
        let head = items.get(start).map(&key);
        let end = items
            .iter()
            .skip(start + 1)
            .position(|k| Some(key(k)) != head)
            .map_or(items.len(), |n| start + 1 + n);
        if end - start > 1
            && let Some(run) = items.get_mut(start..end)
        {
            run.sort_by(&tie);
        }
        start = end;
    }
}

/// The queue keys packed into integers whose order is the queue's: bits
/// 96–127 the score (in hundredths, highest first), 64–95 the deadline
/// (seconds after the earliest; none last), 32–63 the report (seconds after
/// the earliest), 0–31 the index. `None` if a key does not fit: a score
/// that is not a whole number of hundredths (or is -0.0), or a spread of
/// scores, deadlines or reports beyond 32 bits, or 2³² orders or more.
fn packed_keys(keys: &[(f64, i64, i64)]) -> Option<Vec<u128>> {
    if u32::try_from(keys.len()).is_err() {
        return None;
    }
    let hundredths = |s: f64| {
        let k = round_half_away(s * 100.0);
        // -0.0 would pack equal to 0.0, which the queue puts first.
        let fits = k.abs() < 9.0e15
            && (k / 100.0).to_bits() == s.to_bits()
            && s.to_bits() != (-0.0f64).to_bits();
        fits.then_some(k as i64)
    };
    let scores: Vec<i64> = keys
        .iter()
        .map(|&(s, _, _)| hundredths(s))
        .collect::<Option<_>>()?;
    let top = scores.iter().copied().max().unwrap_or(0);
    let low = scores.iter().copied().min().unwrap_or(0);
    let (mut due_min, mut due_max) = (i64::MAX, i64::MIN);
    let (mut rep_min, mut rep_max) = (i64::MAX, i64::MIN);
    for &(_, d, r) in keys {
        if d != i64::MAX {
            due_min = due_min.min(d);
            due_max = due_max.max(d);
        }
        rep_min = rep_min.min(r);
        rep_max = rep_max.max(r);
    }
    let spread = |lo: i64, hi: i64| hi <= lo || hi.abs_diff(lo) < u64::from(u32::MAX);
    if !spread(low, top) || !spread(due_min, due_max) || !spread(rep_min, rep_max) {
        return None;
    }
    let mut out = Vec::with_capacity(keys.len());
    for (i, (&(_, d, r), &k)) in keys.iter().zip(&scores).enumerate() {
        let score = top.abs_diff(k);
        let due = if d == i64::MAX {
            u64::from(u32::MAX)
        } else {
            d.abs_diff(due_min)
        };
        let rep = r.abs_diff(rep_min);
        out.push(
            u128::from(score) << 96 | u128::from(due) << 64 | u128::from(rep) << 32 | i as u128,
        );
    }
    Some(out)
}

/// Sorts packed queue keys on bits 32–127, keeping input (index) order
/// among equal ones: a least-significant-digit radix sort, one byte per
/// pass, skipping the bytes every key shares. Short inputs use a
/// comparison sort (the index in the low bits keeps it stable).
fn radix_sort(items: &mut Vec<u128>) {
    let n = items.len();
    if n < 1024 {
        items.sort_unstable();
        return;
    }
    let mut counts = [[0usize; 256]; 12];
    for &k in items.iter() {
        for (byte, c) in counts.iter_mut().enumerate() {
            c[(k >> (32 + 8 * byte)) as usize & 0xff] += 1;
        }
    }
    let mut out: Vec<u128> = vec![0; n];
    for (byte, c) in counts.iter().enumerate() {
        if c.contains(&n) {
            continue;
        }
        let shift = 32 + 8 * byte;
        let mut next = [0usize; 256];
        let mut sum = 0;
        for (slot, &m) in next.iter_mut().zip(c.iter()) {
            *slot = sum;
            sum += m;
        }
        for &k in items.iter() {
            let digit = (k >> shift) as usize & 0xff;
            let at = next[digit];
            next[digit] = at + 1;
            if let Some(slot) = out.get_mut(at) {
                *slot = k;
            }
        }
        std::mem::swap(items, &mut out);
    }
}

/// [`queue_order`] for keys that do not pack: the keys sorted as plain
/// integers (the score mapped to its total order, reversed).
fn queue_order_by_comparison(
    keys: &[(f64, i64, i64)],
    tie: impl Fn(usize, usize) -> std::cmp::Ordering,
) -> Vec<usize> {
    let mut keys: Vec<(u64, i64, i64, usize)> = keys
        .iter()
        .enumerate()
        .map(|(i, &(s, d, r))| (!total_order_bits(s), d, r, i))
        .collect();
    keys.sort_unstable();
    break_ties(&mut keys, |k| (k.0, k.1, k.2), |x, y| tie(x.3, y.3));
    keys.into_iter().map(|k| k.3).collect()
}

/// A float's bits mapped so that unsigned order is [`f64::total_cmp`] order.
fn total_order_bits(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// Most urgent first: score, then earlier active deadline, then earlier
/// report, then id.
pub(crate) fn sort_queue(assessed: &mut [Assessment<'_>]) {
    let tied: Vec<Tie<'_>> = assessed.iter().map(|a| Tie::of(a.order)).collect();
    let order = queue_order(assessed.iter().map(queue_key), by_ties(&tied));
    drop(tied);
    permute(assessed, &order);
}

/// The tie rule of [`queue_order`] for orders `i` and `j`: their [`Tie`]s.
fn by_ties<'t>(tied: &'t [Tie<'_>]) -> impl Fn(usize, usize) -> std::cmp::Ordering + 't {
    move |i, j| match (tied.get(i), tied.get(j)) {
        (Some(a), Some(b)) => a.cmp(b),
        _ => i.cmp(&j),
    }
}

/// Someone an escalation notice goes to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NoticeRecipient {
    /// Their role in the escalation.
    pub role: Recipient,
    /// The member of staff, when one is known.
    pub staff: Option<StaffId>,
}

/// An escalation notice: an SLA target of an order reached a level.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Notice {
    /// The order.
    pub order: WorkOrderId,
    /// Its class.
    pub class: Class,
    /// Which target.
    pub target: Target,
    /// The level reached (percent of the target).
    pub percent: u16,
    /// When the level was reached.
    #[serde(serialize_with = "opt_time")]
    pub due_at: Option<DateTime<FixedOffset>>,
    /// Who to notify.
    pub notify: Vec<NoticeRecipient>,
    /// What to say, in English.
    pub message: String,
    /// What to say, in Chinese.
    pub message_zh: String,
}

/// Every escalation notice due by `as_of` for the estate's open orders:
/// for each active target (respond until someone arrives, resolve until
/// resolved) and each level of the policy it has reached, in order of the
/// time the level was reached (ties by order id, then level).
///
/// Recipients: the assignee (the service desk while nobody is assigned), a
/// supervisor with the order's skill (else the first supervisor), the
/// manager, and — for the policy's emergency classes from its percentage
/// on — the party-branch secretary.
///
/// # Errors
/// `invalid_input` if the policy does not validate.
///
/// # Example
/// ```
/// use steward::{demo, dispatch};
/// let estate = demo::estate();
/// let notices = dispatch::escalations(&estate, &dispatch::Policy::default(), demo::now())?;
/// assert!(notices.iter().all(|n| n.percent >= 50));
/// # Ok::<(), steward::Error>(())
/// ```
pub fn escalations(
    estate: &Estate,
    policy: &Policy,
    as_of: DateTime<FixedOffset>,
) -> Result<Vec<Notice>> {
    let ctx = Context::new(estate, policy, as_of)?;
    let mut notices = Vec::new();
    for o in estate.work_orders.iter().filter(|o| o.status().is_open()) {
        let a = ctx.assess(o);
        notices.extend(ctx.notices(&a));
    }
    notices.sort_by(|a, b| {
        (a.due_at, &a.order, a.target, a.percent).cmp(&(b.due_at, &b.order, b.target, b.percent))
    });
    Ok(notices)
}

impl<'a> Context<'a> {
    /// The notices an assessed order has reached.
    pub(crate) fn notices(&self, a: &Assessment<'a>) -> Vec<Notice> {
        let cp = self.class_policy(a.decision.class);
        let t = &a.timeline;
        let mut targets = Vec::new();
        if t.responded.is_none() {
            targets.push((Target::Respond, i64::from(cp.respond_minutes) * 60));
        }
        targets.push((Target::Resolve, i64::from(cp.resolve_minutes) * 60));
        let mut out = Vec::new();
        for (target, secs) in targets {
            let used = t.consumed(&self.cal, cp.clock, t.cycle_start, self.as_of);
            for level in &self.policy.escalation.levels {
                let threshold = secs * i64::from(level.percent) / 100;
                if used < threshold {
                    break;
                }
                let due = t
                    .deadline(&self.cal, cp.clock, t.cycle_start, threshold)
                    .and_then(|s| self.time(s));
                let mut roles: Vec<Recipient> = level.notify.iter().copied().collect();
                if self
                    .policy
                    .escalation
                    .party_lead_classes
                    .contains(&a.decision.class)
                    && level.percent >= self.policy.escalation.party_lead_from_percent
                    && !roles.contains(&Recipient::PartyBranchLead)
                {
                    roles.push(Recipient::PartyBranchLead);
                }
                let notify: Vec<NoticeRecipient> =
                    roles.into_iter().map(|r| self.recipient(r, a)).collect();
                let (message, message_zh) = notice_text(a, target, level.percent, due, &notify);
                out.push(Notice {
                    order: a.order.id.clone(),
                    class: a.decision.class,
                    target,
                    percent: level.percent,
                    due_at: due,
                    notify,
                    message,
                    message_zh,
                });
            }
        }
        out
    }

    fn recipient(&self, role: Recipient, a: &Assessment<'a>) -> NoticeRecipient {
        let first = |role: StaffRole, skill: Option<Skill>| {
            self.estate
                .staff
                .iter()
                .filter(|s| s.role == role && skill.is_none_or(|k| s.has_skill(k)))
                .map(|s| &s.id)
                .min()
        };
        match role {
            Recipient::Assignee => match a.timeline.assignee {
                Some(s) => NoticeRecipient {
                    role,
                    staff: Some(s.clone()),
                },
                None => NoticeRecipient {
                    role: Recipient::Desk,
                    staff: None,
                },
            },
            Recipient::Supervisor => {
                let skill = self.required_skills(a.order).first().copied();
                NoticeRecipient {
                    role,
                    staff: first(StaffRole::Supervisor, skill)
                        .or_else(|| first(StaffRole::Supervisor, None))
                        .cloned(),
                }
            }
            Recipient::Manager => NoticeRecipient {
                role,
                staff: first(StaffRole::Manager, None).cloned(),
            },
            Recipient::PartyBranchLead => NoticeRecipient {
                role,
                staff: self
                    .estate
                    .company
                    .party_branch
                    .as_ref()
                    .map(|p| p.secretary.clone()),
            },
            _ => NoticeRecipient { role, staff: None },
        }
    }
}

fn notice_text(
    a: &Assessment<'_>,
    target: Target,
    percent: u16,
    due: Option<DateTime<FixedOffset>>,
    notify: &[NoticeRecipient],
) -> (String, String) {
    let (what, what_zh) = match target {
        Target::Respond => ("response", "响应"),
        Target::Resolve => ("resolution", "解决"),
    };
    let when = due
        .map(|d| d.format("%m-%d %H:%M").to_string())
        .unwrap_or_default();
    let who: Vec<String> = notify
        .iter()
        .map(|r| {
            let (en, _) = labels::recipient(r.role);
            r.staff
                .as_ref()
                .map_or(en.to_owned(), |s| format!("{en} ({s})"))
        })
        .collect();
    let who_zh: Vec<String> = notify
        .iter()
        .map(|r| {
            let (_, zh) = labels::recipient(r.role);
            r.staff
                .as_ref()
                .map_or(zh.to_owned(), |s| format!("{zh}（{s}）"))
        })
        .collect();
    let id = &a.order.id;
    let class = a.decision.class;
    let en = if percent >= 100 {
        format!(
            "{id} ({class}): the {what} target is breached (reached {when}); notify {}.",
            who.join(", ")
        )
    } else {
        format!(
            "{id} ({class}): {percent}% of the {what} target used (reached {when}); notify {}.",
            who.join(", ")
        )
    };
    let zh = if percent >= 100 {
        format!(
            "工单 {id}（{class}）：{what_zh}时限已超（{when}），通知{}。",
            who_zh.join("、")
        )
    } else {
        format!(
            "工单 {id}（{class}）：{what_zh}时限已用 {percent}%（{when}），通知{}。",
            who_zh.join("、")
        )
    };
    (en, zh)
}

#[cfg(test)]
mod tests {
    use super::{Tie, permute, queue_order, total_order_bits};
    use crate::dispatch::rules::round_half_away;
    use proptest::prelude::*;

    /// The per-call tables of category and hazard rules give what the
    /// policy's maps give, for every category and set of hazards, in both
    /// modes, including categories and hazards the policy leaves out and a
    /// mode boost for a category it does not name.
    #[test]
    fn rule_tables_agree_with_the_policy() {
        use super::{Context, Raise, classify, round2};
        use crate::dispatch::policy::{Class, ModeBoost, Policy};
        use crate::{Category as C, Hazard as H, OperatingMode, demo};
        use std::collections::BTreeSet;
        let categories = [
            C::Plumbing,
            C::Electrical,
            C::Gas,
            C::Elevator,
            C::DoorsWindows,
            C::Structure,
            C::Facilities,
            C::Hygiene,
            C::Greening,
            C::Pest,
            C::Parking,
            C::Noise,
            C::NeighbourDispute,
            C::Security,
            C::Delivery,
            C::MedicalAssistance,
            C::Complaint,
            C::Inquiry,
            C::Other,
        ];
        let hazards = [
            H::WaterIngress,
            H::Electrical,
            H::GasSmell,
            H::ElevatorEntrapment,
            H::FireSafety,
        ];
        let mut thin = Policy::default();
        thin.categories.remove(&C::Parking);
        thin.categories.remove(&C::Other);
        thin.hazards.remove(&H::FireSafety);
        thin.modes
            .entry(OperatingMode::ClosedManagement)
            .or_default()
            .categories
            .insert(
                C::Parking,
                ModeBoost {
                    points: 3.456,
                    min_class: Some(Class::P2),
                },
            );
        let estate = demo::estate();
        let mut orders = Vec::new();
        for &c in &categories {
            for set in 0..1u32 << hazards.len() {
                let mut o = estate.work_orders[0].clone();
                o.category = c;
                o.follow_up_of = None;
                o.hazards = hazards
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| set >> k & 1 == 1)
                    .map(|(_, &h)| h)
                    .collect();
                orders.push(o);
            }
        }
        let closed_at = chrono::DateTime::parse_from_rfc3339("2022-04-24T10:00:00+08:00").unwrap();
        let mut modes = BTreeSet::new();
        let mut unnamed_boosted = false;
        for policy in [Policy::default(), thin] {
            for as_of in [demo::now(), closed_at] {
                let ctx = Context::new(&estate, &policy, as_of).unwrap();
                modes.insert(ctx.mode);
                for o in &orders {
                    let c = o.category;
                    let want = classify(&policy, o, ctx.mode, None);
                    assert_eq!(ctx.classify(o, None), want, "{c:?} {:?}", o.hazards);
                    if c == C::Parking && want.raised_by == Some(Raise::Mode(ctx.mode)) {
                        unnamed_boosted = true;
                    }
                    let a = ctx.assess(o);
                    let hazard_points = o
                        .hazards
                        .iter()
                        .filter_map(|h| policy.hazards.get(h))
                        .map(|h| round2(h.points))
                        .fold(0.0, |x, y| x + y);
                    assert_eq!(a.parts.hazards.to_bits(), hazard_points.to_bits());
                    let mode_points = round2(
                        policy
                            .modes
                            .get(&ctx.mode)
                            .and_then(|m| m.categories.get(&c))
                            .map_or(0.0, |b| b.points),
                    );
                    assert_eq!(a.parts.mode.to_bits(), mode_points.to_bits(), "{c:?}");
                }
            }
        }
        assert_eq!(modes.len(), 2, "both modes are covered");
        assert!(
            unnamed_boosted,
            "the boost of an unnamed category is applied"
        );
    }

    /// The queue order of keys by a plain comparison sort (`tie` last).
    fn compared(
        keys: &[(f64, i64, i64)],
        tie: impl Fn(usize, usize) -> std::cmp::Ordering,
    ) -> Vec<usize> {
        let mut want: Vec<usize> = (0..keys.len()).collect();
        want.sort_by(|&i, &j| {
            let (x, y) = (&keys[i], &keys[j]);
            y.0.total_cmp(&x.0)
                .then(x.1.cmp(&y.1))
                .then(x.2.cmp(&y.2))
                .then(tie(i, j))
        });
        want
    }

    /// -0.0 is a whole number of hundredths but must not pack equal to 0.0,
    /// which the queue puts first.
    #[test]
    fn signed_zero_scores_keep_their_order_in_long_queues() {
        let scores = [0.0, -0.0, 0.01, -0.01];
        let keys: Vec<(f64, i64, i64)> = (0..2000)
            .map(|i| (scores[i % 4], 1_700_000_000, 1_699_000_000 + (i % 7) as i64))
            .collect();
        let got = queue_order(keys.iter().copied(), |i, j| i.cmp(&j));
        assert_eq!(got, compared(&keys, |i, j| i.cmp(&j)));
        let zero = got.iter().position(|&i| keys[i].0.to_bits() == 0).unwrap();
        let negative_zero = got
            .iter()
            .position(|&i| keys[i].0.to_bits() == (-0.0f64).to_bits())
            .unwrap();
        assert!(zero < negative_zero);
    }

    #[test]
    fn float_bits_keep_total_order() {
        let xs = [
            f64::NEG_INFINITY,
            -1e300,
            -2.5,
            -0.0,
            0.0,
            1e-300,
            2.5,
            1e300,
            f64::INFINITY,
        ];
        for w in xs.windows(2) {
            if let [a, b] = w {
                assert!(total_order_bits(*a) < total_order_bits(*b), "{a} < {b}");
            }
        }
    }

    #[test]
    fn fast_round_equals_libm_round_on_edges() {
        let edges = [
            0.0,
            -0.0,
            0.5,
            -0.5,
            0.499_999_999_999_999_94,
            -0.499_999_999_999_999_94,
            1.5,
            2.5,
            -2.5,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            -4_503_599_627_370_495.5,
            1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
        ];
        for y in edges {
            assert_eq!(round_half_away(y).to_bits(), y.round().to_bits(), "{y}");
        }
        assert!(round_half_away(f64::NAN).is_nan());
    }

    proptest! {
        /// The fast rounding is `f64::round`, bit for bit.
        #[test]
        fn fast_round_equals_libm_round(bits in any::<u64>(), small in -1e6f64..1e6) {
            for y in [f64::from_bits(bits), small, small * 100.0 + 0.5] {
                if !y.is_nan() {
                    prop_assert_eq!(round_half_away(y).to_bits(), y.round().to_bits(), "{}", y);
                }
            }
        }

        /// The tie-breakers' copied parts order orders reported in the same
        /// second as `(reported_at, id)` does: ids of any length (short or
        /// sharing their first 16 bytes) and reports
        /// a few nanoseconds apart, in different offsets.
        #[test]
        fn ties_order_as_reported_at_then_id(
            orders in prop::collection::vec(
                (
                    prop_oneof![
                        "[ab.:]{1,4}",
                        "WO-2026-11-29-0[0-9]{1,4}",
                        "[a-c]{15,18}",
                    ],
                    0u32..3,
                    any::<bool>(),
                ),
                2..12,
            ),
        ) {
            let made: Vec<crate::WorkOrder> = orders
                .iter()
                .map(|(id, nanos, east)| {
                    let offset = if *east { "+08:00" } else { "+00:00" };
                    let hour = if *east { 16 } else { 8 };
                    let text = format!(
                        r#"{{"id": {}, "category": "plumbing",
                        "location": {{"kind": "building", "building": "B1"}},
                        "reported_at": "2026-11-29T{hour:02}:00:00.00000000{nanos}{offset}",
                        "reported_by": {{"kind": "anonymous"}}, "channel": "phone", "description": "d"}}"#,
                        serde_json::to_string(id).unwrap(),
                    );
                    serde_json::from_str(&text).unwrap()
                })
                .collect();
            for a in &made {
                for b in &made {
                    let want = a.reported_at.cmp(&b.reported_at).then_with(|| a.id.cmp(&b.id));
                    prop_assert_eq!(Tie::of(a).cmp(&Tie::of(b)), want, "{:?} {:?}", a.id, b.id);
                }
            }
        }

        /// The integer-key sort gives the order of the plain comparison sort.
        #[test]
        fn queue_order_matches_a_comparison_sort(
            keys in prop::collection::vec((0u8..6, 0i64..4, 0i64..4, 0u8..3), 0..60),
        ) {
            let triples: Vec<(f64, i64, i64)> =
                keys.iter().map(|k| (f64::from(k.0) * 0.5 - 1.0, k.1, k.2)).collect();
            let tie = |i: usize, j: usize| keys[i].3.cmp(&keys[j].3).then(i.cmp(&j));
            let got = queue_order(triples.iter().copied(), tie);
            prop_assert_eq!(got, compared(&triples, tie));
        }

        /// The same on longer queues with scores of any sign (both zeros,
        /// infinities) and runs of equal scores: mostly keys that do not
        /// pack, so the comparison path.
        #[test]
        fn queue_order_matches_a_comparison_sort_on_long_queues(
            keys in prop::collection::vec(
                (
                    prop_oneof![
                        3 => (0u16..50).prop_map(|k| f64::from(k) * 0.25),
                        3 => any::<f64>().prop_filter("not NaN", |x| !x.is_nan()),
                        1 => prop::sample::select(vec![0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY]),
                    ],
                    0i64..3,
                    any::<i64>(),
                ),
                200..700,
            ),
        ) {
            let got = queue_order(keys.iter().copied(), |i, j| i.cmp(&j));
            prop_assert_eq!(got, compared(&keys, |i, j| i.cmp(&j)));
        }

        /// The same on queues long enough for the radix sort of packed keys:
        /// scores in hundredths, deadlines with "none" among them, reports
        /// within days, and runs equal on all three keys.
        #[test]
        fn queue_order_matches_a_comparison_sort_when_packed(
            keys in prop::collection::vec(
                (
                    (-300i64..3000).prop_map(|k| k as f64 / 100.0),
                    prop_oneof![
                        4 => 1_700_000_000i64..1_700_000_040,
                        1 => Just(i64::MAX),
                    ],
                    1_699_000_000i64..1_699_000_030,
                ),
                1024..2500,
            ),
        ) {
            let got = queue_order(keys.iter().copied(), |i, j| j.cmp(&i));
            prop_assert_eq!(got, compared(&keys, |i, j| j.cmp(&i)));
        }

        /// The id hasher reads little-endian words, the last one zero-padded.
        #[test]
        fn id_hash_reads_little_endian_zero_padded_words(
            bytes in proptest::collection::vec(any::<u8>(), 0..40),
        ) {
            use std::hash::Hasher;
            let mut h = super::IdHasher::default();
            h.write(&bytes);
            let mut want = 0u64;
            for chunk in bytes.chunks(8) {
                let mut word = [0u8; 8];
                word[..chunk.len()].copy_from_slice(chunk);
                want = (want.rotate_left(5) ^ u64::from_le_bytes(word))
                    .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
            }
            prop_assert_eq!(h.finish(), want);
        }

        /// Applying a permutation in place equals building it anew.
        #[test]
        fn permute_in_place_equals_gather(
            order in (0..50usize).prop_flat_map(|n| Just((0..n).collect::<Vec<_>>()).prop_shuffle()),
        ) {
            let items: Vec<String> = (0..order.len()).map(|i| format!("item {i}")).collect();
            let mut moved = items.clone();
            permute(&mut moved, &order);
            let gathered: Vec<String> = order.iter().map(|&i| items[i].clone()).collect();
            prop_assert_eq!(moved, gathered);
        }
    }
}
