//! From a request to the solver's [`Problem`]: checks every reference (all
//! issues at once, with their field paths) and compiles coverage, contracts,
//! labour law, leave, requests and volunteer offers into flat tables.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::problem::{
    Act, CellFlags, Demand, Group, NO_LIMIT, OFF, OvertimeP, PersonP, PostP, Problem, RequestP,
    ShiftP,
};
use super::request::{Assignment, Contract, HoursTerms, RosterRequest};
use super::rules::{RuleId, RuleSet, Score};
use crate::wire::render_str;
use crate::{
    Error, Estate, Issue, IssueCode, OperatingMode, PostKind, Result, ShiftType, StaffRole,
    Volunteer, Weekday,
};

/// Demand of one (day, post, shift) cell: required count, and optional min/max.
type DemandCell = (i32, Option<u32>, Option<u32>);

/// Most threads a search may run on (`limits.threads`).
pub const MAX_THREADS: u32 = 64;

/// Largest horizon, in days.
pub const MAX_DAYS: u16 = 400;

/// Extra inputs of a compile that are not in the request itself.
#[derive(Debug, Default)]
pub(crate) struct Extras<'a> {
    /// Dated closed-management periods added by a lockdown (repair).
    pub lockdowns: &'a [(NaiveDate, NaiveDate)],
    /// Extra leave (sickness, repair): person index is resolved by id.
    pub sick: &'a [(String, NaiveDate, NaiveDate)],
    /// The published roster to count changes against (repair).
    pub published: Option<&'a [Assignment]>,
    /// Days before which the published roster is pinned (repair).
    pub freeze_before: Option<NaiveDate>,
}

/// Who a person id names.
#[derive(Debug, Clone, Copy)]
enum Who<'a> {
    Staff(&'a crate::StaffMember),
    Volunteer(&'a Volunteer),
}

struct Ctx {
    issues: Vec<Issue>,
}

impl Ctx {
    fn issue(&mut self, path: String, value: String, code: IssueCode, message: String) {
        self.issues.push(Issue::new(path, value, code, message));
    }
}

/// Compiles a request into a problem.
///
/// # Errors
/// `invalid_input` listing every broken reference or range, with paths
/// relative to the request document.
pub(crate) fn compile(req: &RosterRequest, extras: &Extras<'_>) -> Result<Problem> {
    let mut cx = Ctx { issues: Vec::new() };
    if let Err(e) = req.estate.validate() {
        for i in e.issues() {
            let path = if i.path.is_empty() {
                "estate".to_owned()
            } else {
                format!("estate.{}", i.path)
            };
            cx.issue(path, i.value.clone(), i.code, i.message.clone());
        }
        return Err(Error::invalid("roster request", cx.issues));
    }
    // Everything is indexed in id order, so the order of the input lists
    // does not change the roster.
    let mut sorted = Estate {
        staff: req.estate.staff.clone(),
        volunteers: req.estate.volunteers.clone(),
        shift_types: req.estate.shift_types.clone(),
        posts: req.estate.posts.clone(),
        operating_periods: req.estate.operating_periods.clone(),
        ..Estate::new(
            req.estate.id.clone(),
            String::new(),
            req.estate.company.clone(),
        )
    };
    sorted.staff.sort_by(|a, b| a.id.cmp(&b.id));
    sorted.volunteers.sort_by(|a, b| a.id.cmp(&b.id));
    sorted.shift_types.sort_by(|a, b| a.id.cmp(&b.id));
    sorted.posts.sort_by(|a, b| a.id.cmp(&b.id));
    let estate = &sorted;
    let horizon = req.horizon;
    if horizon.days == 0 || horizon.days > MAX_DAYS {
        cx.issue(
            "horizon.days".into(),
            horizon.days.to_string(),
            IssueCode::OutOfRange,
            format!("expected 1 to {MAX_DAYS} days, found {}", horizon.days),
        );
        return Err(Error::invalid("roster request", cx.issues));
    }
    let days = usize::from(horizon.days);
    let cfg = &req.config;

    // Shift types and posts, by id.
    let shifts: Vec<&ShiftType> = estate.shift_types.iter().collect();
    let shift_ix: BTreeMap<&str, usize> = shifts
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let post_ix: BTreeMap<&str, usize> = estate
        .posts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();

    // People: staff then volunteers, ids unique across both.
    let mut who: Vec<(String, Who<'_>)> = Vec::new();
    for s in &estate.staff {
        who.push((s.id.as_str().to_owned(), Who::Staff(s)));
    }
    for v in &estate.volunteers {
        who.push((v.id.as_str().to_owned(), Who::Volunteer(v)));
    }
    let mut person_ix: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (id, w)) in who.iter().enumerate() {
        if person_ix.insert(id.as_str(), i).is_some() {
            let path = match w {
                Who::Staff(_) => "estate.staff",
                Who::Volunteer(_) => "estate.volunteers",
            };
            cx.issue(
                path.into(),
                render_str(id),
                IssueCode::DuplicateId,
                format!("person id {id:?} is used by both a member of staff and a volunteer"),
            );
        }
    }

    let check_person = |cx: &mut Ctx, path: String, id: &str| -> Option<usize> {
        let found = person_ix.get(id).copied();
        if found.is_none() {
            cx.issue(
                path,
                render_str(id),
                IssueCode::DanglingReference,
                format!("person {id:?} is neither staff nor a volunteer of the estate"),
            );
        }
        found
    };
    let check_shift = |cx: &mut Ctx, path: String, id: &str| -> Option<usize> {
        let found = shift_ix.get(id).copied();
        if found.is_none() {
            cx.issue(
                path,
                render_str(id),
                IssueCode::DanglingReference,
                format!("shift type {id:?} does not exist"),
            );
        }
        found
    };
    let check_post = |cx: &mut Ctx, path: String, id: &str| -> Option<usize> {
        let found = post_ix.get(id).copied();
        if found.is_none() {
            cx.issue(
                path,
                render_str(id),
                IssueCode::DanglingReference,
                format!("post {id:?} does not exist"),
            );
        }
        found
    };
    let in_horizon = |cx: &mut Ctx, path: String, date: NaiveDate| -> Option<usize> {
        let d = horizon.day_of(date);
        if d.is_none() {
            cx.issue(
                path,
                render_str(&date.to_string()),
                IssueCode::OutOfRange,
                format!(
                    "date {date} is outside the horizon {} to {}",
                    horizon.from,
                    horizon.until()
                ),
            );
        }
        d
    };

    // Config references.
    let mut list_pairs = Vec::new();
    for (i, s) in cfg.forbidden_successions.iter().enumerate() {
        let a = check_shift(
            &mut cx,
            format!("config.forbidden_successions[{i}].from"),
            s.from.as_str(),
        );
        let b = check_shift(
            &mut cx,
            format!("config.forbidden_successions[{i}].to"),
            s.to.as_str(),
        );
        if let (Some(a), Some(b)) = (a, b) {
            list_pairs.push((a, b));
        }
    }
    let mut post_roles: BTreeMap<usize, &BTreeSet<StaffRole>> = BTreeMap::new();
    for (post, roles) in &cfg.post_roles {
        if let Some(p) = check_post(
            &mut cx,
            format!("config.post_roles.{}", post.as_str()),
            post.as_str(),
        ) {
            post_roles.insert(p, roles);
        }
    }
    let mut overrides: BTreeMap<RuleId, super::rules::RuleOverride> = BTreeMap::new();
    for (id, o) in &cfg.rules {
        match serde_json::from_value::<RuleId>(serde_json::Value::String(id.clone())) {
            Ok(rule) => {
                overrides.insert(rule, *o);
            }
            Err(_) => cx.issue(
                format!("config.rules.{id}"),
                render_str(id),
                IssueCode::UnknownVariant,
                format!(
                    "unknown rule {id:?}; the rules are {}",
                    super::rules::RULES
                        .iter()
                        .map(|r| r.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        }
        if o.weight.is_some_and(|w| w > 1_000_000) {
            cx.issue(
                format!("config.rules.{id}.weight"),
                o.weight.map(|w| w.to_string()).unwrap_or_default(),
                IssueCode::OutOfRange,
                "expected a weight from 0 to 1000000".into(),
            );
        }
    }
    for (name, t) in [
        ("standard", &cfg.labour.standard),
        ("comprehensive", &cfg.labour.comprehensive),
    ] {
        if t.daily_max_minutes > 1440 {
            cx.issue(
                format!("config.labour.{name}.daily_max_minutes"),
                t.daily_max_minutes.to_string(),
                IssueCode::OutOfRange,
                "expected at most 1440 minutes".into(),
            );
        }
    }
    if let Some(s) = req.limits.seconds
        && !(s.is_finite() && s > 0.0 && s <= 86_400.0)
    {
        cx.issue(
            "limits.seconds".into(),
            s.to_string(),
            IssueCode::OutOfRange,
            "expected seconds above 0 and at most 86400".into(),
        );
    }
    if let Some(m) = req.limits.moves
        && !(1..=100_000_000_000).contains(&m)
    {
        cx.issue(
            "limits.moves".into(),
            m.to_string(),
            IssueCode::OutOfRange,
            "expected 1 to 100000000000 moves".into(),
        );
    }
    if let Some(t) = req.limits.threads
        && !(1..=MAX_THREADS).contains(&t)
    {
        cx.issue(
            "limits.threads".into(),
            t.to_string(),
            IssueCode::OutOfRange,
            format!("expected 1 to {MAX_THREADS} threads"),
        );
    }

    // Contracts.
    let mut contract_of: BTreeMap<usize, &Contract> = BTreeMap::new();
    let mut contract_shift_caps: BTreeMap<usize, Vec<(usize, u16)>> = BTreeMap::new();
    for (ci, c) in req.contracts.iter().enumerate() {
        let mut caps = Vec::new();
        for (sid, n) in &c.max_shifts {
            if let Some(s) = check_shift(
                &mut cx,
                format!("contracts[{ci}].max_shifts.{}", sid.as_str()),
                sid.as_str(),
            ) {
                caps.push((s, *n));
            }
        }
        if let (Some(lo), Some(hi)) = (c.min_minutes, c.max_minutes)
            && lo > hi
        {
            cx.issue(
                format!("contracts[{ci}].min_minutes"),
                lo.to_string(),
                IssueCode::OutOfRange,
                format!("min_minutes {lo} is above max_minutes {hi}"),
            );
        }
        for (si, sid) in c.staff.iter().enumerate() {
            let path = format!("contracts[{ci}].staff[{si}]");
            match person_ix.get(sid.as_str()).map(|&i| (i, &who[i].1)) {
                Some((i, Who::Staff(_))) => {
                    if contract_of.insert(i, c).is_some() {
                        cx.issue(
                            path,
                            render_str(sid.as_str()),
                            IssueCode::DuplicateId,
                            format!("staff {:?} is under more than one contract", sid.as_str()),
                        );
                    }
                    contract_shift_caps.insert(i, caps.clone());
                }
                _ => cx.issue(
                    path,
                    render_str(sid.as_str()),
                    IssueCode::DanglingReference,
                    format!("staff {:?} does not exist", sid.as_str()),
                ),
            }
        }
    }

    // Leave.
    let mut leave = vec![None; who.len() * days];
    for (i, l) in req.leave.iter().enumerate() {
        let p = check_person(&mut cx, format!("leave[{i}].person"), &l.person);
        if l.until < l.from {
            cx.issue(
                format!("leave[{i}].until"),
                render_str(&l.until.to_string()),
                IssueCode::OutOfOrder,
                format!("leave ends on {} before it starts on {}", l.until, l.from),
            );
            continue;
        }
        if let Some(p) = p {
            for d in 0..days {
                let date = horizon.date(d);
                if l.from <= date && date <= l.until {
                    leave[p * days + d] = Some(l.kind);
                }
            }
        }
    }
    for (id, from, until) in extras.sick {
        if let Some(&p) = person_ix.get(id.as_str()) {
            for d in 0..days {
                let date = horizon.date(d);
                if *from <= date && date <= *until {
                    leave[p * days + d] = Some(super::request::LeaveKind::Sick);
                }
            }
        }
    }

    // Holidays and modes.
    let mut holiday = vec![false; days];
    for h in &req.holidays {
        if let Some(d) = horizon.day_of(h.0) {
            holiday[d] = true;
        }
    }
    let closed: Vec<bool> = (0..days)
        .map(|d| {
            let date = horizon.date(d);
            estate.mode_on(date) == OperatingMode::ClosedManagement
                || extras
                    .lockdowns
                    .iter()
                    .any(|(f, u)| *f <= date && date <= *u)
        })
        .collect();

    // Demand per (day, post, shift).
    let mut demand_map: BTreeMap<(usize, usize, usize), DemandCell> = BTreeMap::new();
    for d in 0..days {
        let date = horizon.date(d);
        let mode = if closed[d] {
            OperatingMode::ClosedManagement
        } else {
            OperatingMode::Normal
        };
        let weekday = if holiday[d] {
            cfg.holiday_demand_as
        } else {
            Weekday::of(date)
        };
        for (pi, post) in estate.posts.iter().enumerate() {
            for c in &post.coverage {
                if c.mode != mode || !(c.weekdays.is_empty() || c.weekdays.contains(&weekday)) {
                    continue;
                }
                if let Some(&s) = shift_ix.get(c.shift.as_str()) {
                    demand_map.entry((d, pi, s)).or_insert((0, None, None)).0 +=
                        i32::from(c.headcount);
                }
            }
        }
    }
    for (i, dd) in req.demand.iter().enumerate() {
        let d = in_horizon(&mut cx, format!("demand[{i}].date"), dd.date);
        let p = check_post(&mut cx, format!("demand[{i}].post"), dd.post.as_str());
        let s = check_shift(&mut cx, format!("demand[{i}].shift"), dd.shift.as_str());
        if dd.headcount > 1000 {
            cx.issue(
                format!("demand[{i}].headcount"),
                dd.headcount.to_string(),
                IssueCode::OutOfRange,
                "expected a headcount from 0 to 1000".into(),
            );
        }
        if let (Some(d), Some(p), Some(s)) = (d, p, s) {
            demand_map.insert(
                (d, p, s),
                (i32::from(dd.headcount), dd.under_weight, dd.over_weight),
            );
        }
    }

    // Activities: every demanded (post, shift), plus those named by pinned or
    // evaluated assignments.
    let mut act_set: BTreeSet<(usize, usize)> =
        demand_map.keys().map(|&(_, p, s)| (p, s)).collect();
    let mut roster_refs = Vec::new();
    for (field, list) in [("pinned", &req.pinned), ("assignments", &req.assignments)] {
        for (i, a) in list.iter().enumerate() {
            let p = check_person(&mut cx, format!("{field}[{i}].person"), &a.person);
            let d = in_horizon(&mut cx, format!("{field}[{i}].date"), a.date);
            let po = check_post(&mut cx, format!("{field}[{i}].post"), a.post.as_str());
            let s = check_shift(&mut cx, format!("{field}[{i}].shift"), a.shift.as_str());
            if let (Some(po), Some(s)) = (po, s) {
                act_set.insert((po, s));
                if let (Some(p), Some(d)) = (p, d) {
                    roster_refs.push((field, p, d, po, s));
                }
            }
        }
    }

    // Requests (dates outside the horizon are ignored).
    let mut requests: Vec<Vec<RequestP>> = vec![Vec::new(); who.len() * days];
    for (i, r) in req.requests.iter().enumerate() {
        let p = check_person(&mut cx, format!("requests[{i}].person"), &r.person);
        let s = r
            .shift
            .as_ref()
            .map(|s| check_shift(&mut cx, format!("requests[{i}].shift"), s.as_str()));
        let po = r
            .post
            .as_ref()
            .map(|po| check_post(&mut cx, format!("requests[{i}].post"), po.as_str()));
        if !(1..=1000).contains(&r.weight) {
            cx.issue(
                format!("requests[{i}].weight"),
                r.weight.to_string(),
                IssueCode::OutOfRange,
                "expected a weight from 1 to 1000".into(),
            );
            continue;
        }
        if matches!(s, Some(None)) || matches!(po, Some(None)) {
            continue;
        }
        if let (Some(p), Some(d)) = (p, horizon.day_of(r.date)) {
            requests[p * days + d].push(RequestP {
                shift: s.flatten(),
                post: po.flatten(),
                on: r.kind == super::request::RequestKind::On,
                weight: i64::from(r.weight),
            });
        }
    }

    if !cx.issues.is_empty() {
        return Err(Error::invalid("roster request", cx.issues));
    }

    let acts: Vec<Act> = act_set
        .iter()
        .map(|&(post, shift)| Act { post, shift })
        .collect();
    let n_acts = acts.len();
    let act_of: BTreeMap<(usize, usize), usize> =
        act_set.iter().enumerate().map(|(i, &k)| (k, i)).collect();
    let rules = RuleSet::new(&overrides);

    // Demand table.
    let under_rule = rules.get(RuleId::CoverageUnder);
    let over_rule = rules.get(RuleId::CoverageOver);
    let mut demand = vec![Demand::default(); days * n_acts];
    for d in 0..days {
        for (a, act) in acts.iter().enumerate() {
            let (req_n, uw, ow) = demand_map
                .get(&(d, act.post, act.shift))
                .copied()
                .unwrap_or((0, None, None));
            let under = match uw {
                Some(w) => super::rules::RuleSetting {
                    level: under_rule.level,
                    weight: i64::from(w),
                },
                None => under_rule,
            };
            let over = match ow {
                Some(w) => super::rules::RuleSetting {
                    level: over_rule.level,
                    weight: i64::from(w),
                },
                None => over_rule,
            };
            demand[d * n_acts + a] = Demand {
                req: req_n,
                under: under.cost(1),
                over: over.cost(1),
            };
        }
    }

    // Shift types.
    let shifts_p: Vec<ShiftP> = shifts
        .iter()
        .map(|s| ShiftP {
            id: s.id.as_str().to_owned(),
            minutes: s.work_minutes() as i32,
            night: s.crosses_midnight(),
        })
        .collect();
    let n_shifts = shifts.len();
    let mut rest_forbidden = vec![false; n_shifts * n_shifts];
    let mut list_forbidden = vec![false; n_shifts * n_shifts];
    for (i, s) in shifts.iter().enumerate() {
        for (j, t) in shifts.iter().enumerate() {
            let end = i64::from(s.start.minutes()) + i64::from(s.span_minutes());
            let rest = 1440 + i64::from(t.start.minutes()) - end;
            rest_forbidden[i * n_shifts + j] = rest < i64::from(cfg.min_rest_minutes);
        }
    }
    for (a, b) in list_pairs {
        list_forbidden[a * n_shifts + b] = true;
    }

    // Calendar.
    let mut weekend_of = vec![-1i32; days];
    let mut week_of = vec![-1i32; days];
    let mut weekends = 0usize;
    let mut weekend_first = Vec::new();
    let mut weeks = 0usize;
    {
        let mut last_weekend: Option<NaiveDate> = None;
        for (d, slot) in weekend_of.iter_mut().enumerate() {
            let date = horizon.date(d);
            let wd = Weekday::of(date);
            if wd.is_weekend() {
                let saturday = if wd == Weekday::Saturday {
                    date
                } else {
                    date - chrono::Days::new(1)
                };
                if last_weekend != Some(saturday) {
                    last_weekend = Some(saturday);
                    weekends += 1;
                    weekend_first.push(d);
                }
                *slot = weekends as i32 - 1;
            }
        }
        let mut d = 0;
        while d < days {
            if Weekday::of(horizon.date(d)) == Weekday::Monday && d + 7 <= days {
                for slot in week_of.iter_mut().skip(d).take(7) {
                    *slot = weeks as i32;
                }
                weeks += 1;
                d += 7;
            } else {
                d += 1;
            }
        }
    }

    // People.
    let any_closed = closed.iter().any(|&c| c);
    let mut people = Vec::with_capacity(who.len());
    let mut terms_of: Vec<Option<HoursTerms>> = Vec::with_capacity(who.len());
    for (i, (id, w)) in who.iter().enumerate() {
        match w {
            Who::Staff(s) => {
                let c = contract_of.get(&i).copied();
                let system = c.and_then(|c| c.hours_system).unwrap_or(s.hours_system);
                let terms = match system {
                    crate::HoursSystem::Comprehensive => cfg.labour.comprehensive,
                    _ => cfg.labour.standard,
                };
                let mut max_per_shift = vec![NO_LIMIT; n_shifts];
                for &(s, n) in contract_shift_caps
                    .get(&i)
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                {
                    max_per_shift[s] = i32::from(n);
                }
                let lim = |v: Option<u16>| v.map_or(NO_LIMIT, i32::from);
                let max_consec = lim(c.and_then(|c| c.max_consecutive_days))
                    .min(lim(terms.max_consecutive_days));
                let overtime = if terms.averaged {
                    OvertimeP::Averaged {
                        regular: (i64::from(terms.weekly_regular_minutes) * days as i64 / 7) as i32,
                    }
                } else {
                    OvertimeP::Weekly {
                        regular: terms.weekly_regular_minutes as i32,
                    }
                };
                let overtime_cap = if any_closed && cfg.labour.emergency_lifts_overtime_cap {
                    NO_LIMIT
                } else {
                    (i64::from(terms.monthly_overtime_cap_minutes) * days as i64 / 30) as i32
                };
                people.push(PersonP {
                    id: id.clone(),
                    contract: c.map_or_else(
                        || format!("{} hours system", hours_word(system)),
                        |c| c.id.clone(),
                    ),
                    volunteer: false,
                    party: s.party_member,
                    max_per_shift,
                    min_minutes: c.and_then(|c| c.min_minutes).map_or(0, |m| m as i32),
                    max_minutes: c.and_then(|c| c.max_minutes).map_or(NO_LIMIT, |m| m as i32),
                    max_consec,
                    min_consec: c.and_then(|c| c.min_consecutive_days).map_or(0, i32::from),
                    min_off: c
                        .and_then(|c| c.min_consecutive_days_off)
                        .map_or(0, i32::from),
                    max_weekends: lim(c.and_then(|c| c.max_weekends)),
                    weekly_rest: terms.weekly_rest_day,
                    overtime,
                    overtime_cap,
                });
                terms_of.push(Some(terms));
            }
            Who::Volunteer(v) => {
                people.push(PersonP {
                    id: id.clone(),
                    contract: "volunteer".into(),
                    volunteer: true,
                    party: v.party_member,
                    max_per_shift: vec![NO_LIMIT; n_shifts],
                    min_minutes: 0,
                    max_minutes: NO_LIMIT,
                    max_consec: NO_LIMIT,
                    min_consec: 0,
                    min_off: 0,
                    max_weekends: NO_LIMIT,
                    weekly_rest: false,
                    overtime: OvertimeP::None,
                    overtime_cap: NO_LIMIT,
                });
                terms_of.push(None);
            }
        }
    }
    let n_people = people.len();

    // Cell flags.
    let mut flags = vec![CellFlags::default(); n_people * days * n_acts];
    for (p, (_, w)) in who.iter().enumerate() {
        for (a, act) in acts.iter().enumerate() {
            let post = &estate.posts[act.post];
            let shift = shifts[act.shift];
            let skill = post.required_skill.is_some_and(|k| match w {
                Who::Staff(s) => !s.skills.contains(&k),
                Who::Volunteer(v) => !v.skills.contains(&k),
            });
            let role = match w {
                Who::Staff(s) => post_roles
                    .get(&act.post)
                    .is_some_and(|roles| !roles.contains(&s.role)),
                Who::Volunteer(_) => false,
            };
            let daily_cap = terms_of[p].is_some_and(|t| shift.work_minutes() > t.daily_max_minutes);
            for d in 0..days {
                let offer = match w {
                    Who::Volunteer(v) => !volunteer_offers(v, post, shift, horizon.date(d)),
                    Who::Staff(_) => false,
                };
                flags[(p * days + d) * n_acts + a] = CellFlags {
                    leave: leave[p * days + d].is_some(),
                    skill,
                    role,
                    offer,
                    daily_cap,
                };
            }
        }
    }

    // Repair: published roster and pinning.
    let mut pinned = vec![u16::MAX; n_people * days];
    let value_of =
        |po: usize, s: usize| -> u16 { act_of.get(&(po, s)).map_or(OFF, |&a| a as u16 + 1) };
    for &(field, p, d, po, s) in &roster_refs {
        if field == "pinned" {
            pinned[p * days + d] = value_of(po, s);
        }
    }
    let published = extras.published.map(|list| {
        let mut grid = vec![OFF; n_people * days];
        for a in list {
            if let (Some(&p), Some(d), Some(&po), Some(&s)) = (
                person_ix.get(a.person.as_str()),
                horizon.day_of(a.date),
                post_ix.get(a.post.as_str()),
                shift_ix.get(a.shift.as_str()),
            ) && grid[p * days + d] == OFF
            {
                grid[p * days + d] = value_of(po, s);
            }
        }
        grid
    });
    if let (Some(grid), Some(freeze)) = (&published, extras.freeze_before) {
        for p in 0..n_people {
            for d in 0..days {
                if horizon.date(d) < freeze && pinned[p * days + d] == u16::MAX {
                    pinned[p * days + d] = grid[p * days + d];
                }
            }
        }
    }

    // Closed-management gate shifts.
    let mut groups = Vec::new();
    let mut group_of = vec![-1i32; days * n_acts];
    for d in 0..days {
        if !closed[d] {
            continue;
        }
        for s in 0..n_shifts {
            let gate_acts: Vec<usize> = (0..n_acts)
                .filter(|&a| {
                    acts[a].shift == s && estate.posts[acts[a].post].kind == PostKind::Gate
                })
                .collect();
            if gate_acts.iter().any(|&a| demand[d * n_acts + a].req > 0) {
                for &a in &gate_acts {
                    group_of[d * n_acts + a] = groups.len() as i32;
                }
                groups.push(Group { day: d, shift: s });
            }
        }
    }

    let mut pb = Problem {
        estate: estate.id.clone(),
        horizon,
        days,
        shifts: shifts_p,
        posts: estate
            .posts
            .iter()
            .map(|p| PostP {
                id: p.id.as_str().to_owned(),
            })
            .collect(),
        acts,
        rules,
        rest_forbidden,
        list_forbidden,
        people,
        demand,
        groups,
        group_of,
        leave,
        flags,
        requests,
        published,
        pinned,
        weekend_of,
        weekends,
        weekend_first,
        week_of,
        weeks,
        holiday,
        fair_target: [0; 3],
        fair_eligible: [Vec::new(), Vec::new(), Vec::new()],
        cell: Vec::new(),
        allowed: Vec::new(),
        allowed_vals: Vec::new(),
        allowed_at: Vec::new(),
    };
    finish(&mut pb);
    Ok(pb)
}

/// Fills the derived tables: cell costs, allowed values and fair shares.
/// Shared by every way of building a problem.
pub(crate) fn finish(pb: &mut Problem) {
    let days = pb.days;
    let n_acts = pb.acts.len();
    let nv = n_acts + 1;
    let n_people = pb.people.len();
    let rules = pb.rules.clone();
    let mut cell = vec![Score::ZERO; n_people * days * nv];
    let mut allowed = vec![false; n_people * days * nv];
    let mut allowed_vals = Vec::new();
    let mut allowed_at = Vec::with_capacity(n_people * days + 1);
    for p in 0..n_people {
        for d in 0..days {
            allowed_at.push(allowed_vals.len() as u32);
            let pd = p * days + d;
            for v in 0..nv {
                let act = if v == 0 {
                    None
                } else {
                    pb.acts.get(v - 1).copied()
                };
                let mut hard_cell = false;
                let mut c = Score::ZERO;
                if let Some(act) = act {
                    let f = pb.flags[pd * n_acts + (v - 1)];
                    for (on, rule) in [
                        (f.leave, RuleId::Leave),
                        (f.skill, RuleId::SkillRequired),
                        (f.role, RuleId::PostRole),
                        (f.offer, RuleId::VolunteerOffer),
                        (f.daily_cap, RuleId::DailyHoursCap),
                    ] {
                        if on {
                            let s = rules.cost(rule, 1);
                            hard_cell |= s.hard > 0;
                            c += s;
                        }
                    }
                    if pb.people[p].volunteer {
                        c += rules.cost(RuleId::VolunteerShift, 1);
                    }
                    if pb.people[p].max_per_shift[act.shift] == 0
                        && rules.get(RuleId::MaxShiftsOfType).on()
                    {
                        hard_cell = true;
                    }
                }
                for r in &pb.requests[pd] {
                    let rule = if r.on {
                        RuleId::ShiftOnRequest
                    } else {
                        RuleId::ShiftOffRequest
                    };
                    c += rules.cost(rule, r.units(act));
                }
                if let Some(pubg) = &pb.published
                    && usize::from(pubg[pd]) != v
                {
                    c += rules.cost(RuleId::RosterChange, 1);
                }
                cell[pd * nv + v] = c;
                let pin = pb.pinned[pd];
                let ok = if pin != u16::MAX {
                    usize::from(pin) == v
                } else {
                    !hard_cell
                };
                if ok {
                    allowed[pd * nv + v] = true;
                    allowed_vals.push(v as u16);
                }
            }
        }
    }
    allowed_at.push(allowed_vals.len() as u32);
    pb.cell = cell;
    pb.allowed = allowed;
    pb.allowed_vals = allowed_vals;
    pb.allowed_at = allowed_at;

    // Fair shares: demand of the category over staff who could take any of it.
    let mut targets = [0i32; 3];
    let mut eligible: [Vec<bool>; 3] = [
        vec![false; n_people],
        vec![false; n_people],
        vec![false; n_people],
    ];
    for (cat, (target, elig)) in targets.iter_mut().zip(eligible.iter_mut()).enumerate() {
        let mut total = 0i64;
        for d in 0..days {
            for a in 0..n_acts {
                if in_category(pb, cat, d, a) {
                    total += i64::from(pb.demand[d * n_acts + a].req.max(0));
                    for (p, e) in elig.iter_mut().enumerate() {
                        if !pb.people[p].volunteer && pb.is_allowed(p, d, a as u16 + 1) {
                            *e = true;
                        }
                    }
                }
            }
        }
        let n = elig.iter().filter(|&&e| e).count() as i64;
        *target = if n == 0 {
            0
        } else {
            ((total + n - 1) / n) as i32
        };
    }
    pb.fair_target = targets;
    pb.fair_eligible = eligible;
}

/// Whether activity `a` on day `d` counts for fairness category `cat`
/// (0 nights, 1 weekend days, 2 holidays).
pub(crate) fn in_category(pb: &Problem, cat: usize, d: usize, a: usize) -> bool {
    match cat {
        0 => pb
            .acts
            .get(a)
            .and_then(|act| pb.shifts.get(act.shift))
            .is_some_and(|s| s.night),
        1 => pb.weekend_of.get(d).is_some_and(|&w| w >= 0),
        _ => pb.holiday.get(d).copied().unwrap_or(false),
    }
}

fn hours_word(h: crate::HoursSystem) -> &'static str {
    match h {
        crate::HoursSystem::Comprehensive => "comprehensive",
        _ => "standard",
    }
}

/// Whether a volunteer offered this post and is available for the whole
/// shift starting on `date`.
fn volunteer_offers(v: &Volunteer, post: &crate::Post, shift: &ShiftType, date: NaiveDate) -> bool {
    if !post.volunteers_allowed || !v.posts.contains(&post.id) {
        return false;
    }
    let start = u32::from(shift.start.minutes());
    let end = start + shift.span_minutes();
    v.availability.iter().any(|w| {
        if date < w.from || date > w.until {
            return false;
        }
        if !w.weekdays.is_empty() && !w.weekdays.contains(&Weekday::of(date)) {
            return false;
        }
        let ws = u32::from(w.start.minutes());
        let we = u32::from(w.end.minutes());
        let we = if we <= ws { we + 1440 } else { we };
        ws <= start && end <= we
    })
}

/// The label of a staff role in messages.
pub(crate) fn role_word(r: StaffRole) -> String {
    match serde_json::to_value(r) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        _ => "staff".to_owned(),
    }
}
