//! The solver's internal representation: flat tables indexed by person, day
//! and value, compiled once from a request (or an NSP instance mapped to
//! one) and shared by the full evaluator, the incremental score and the
//! search.
//!
//! A roster is a grid `x[p * days + d]` of values: `0` is a day off, `a + 1`
//! is activity `a` (a post worked on a shift type).

use super::request::{Horizon, LeaveKind};
use super::rules::{RuleId, RuleSet, Score};

/// The value of a day off.
pub(crate) const OFF: u16 = 0;
/// "No limit" for the integer limits below.
pub(crate) const NO_LIMIT: i32 = i32::MAX;

/// A shift type as the solver sees it.
#[derive(Debug, Clone)]
pub(crate) struct ShiftP {
    /// Id.
    pub id: String,
    /// Paid working minutes.
    pub minutes: i32,
    /// Whether it counts as a night shift (ends on the next day).
    pub night: bool,
}

/// A post as the solver sees it.
#[derive(Debug, Clone)]
pub(crate) struct PostP {
    /// Id.
    pub id: String,
}

/// An activity: a post worked on a shift type.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Act {
    /// Index into `posts`.
    pub post: usize,
    /// Index into `shifts`.
    pub shift: usize,
}

/// How overtime is counted for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OvertimeP {
    /// Not counted (volunteers, or the rules are off).
    None,
    /// Minutes beyond `regular` in each full calendar week.
    Weekly { regular: i32 },
    /// Minutes beyond `regular` over the whole horizon.
    Averaged { regular: i32 },
}

/// A person's limits, compiled.
#[derive(Debug, Clone)]
pub(crate) struct PersonP {
    /// Staff or volunteer id.
    pub id: String,
    /// Contract id, for messages.
    pub contract: String,
    /// Whether the person is a volunteer.
    pub volunteer: bool,
    /// Party member.
    pub party: bool,
    /// Maximum shifts per shift type (`NO_LIMIT` for none).
    pub max_per_shift: Vec<i32>,
    /// Minimum minutes over the horizon (0 for none).
    pub min_minutes: i32,
    /// Maximum minutes over the horizon.
    pub max_minutes: i32,
    /// Maximum consecutive working days.
    pub max_consec: i32,
    /// Minimum consecutive working days (0 or 1 for none).
    pub min_consec: i32,
    /// Minimum consecutive days off (0 or 1 for none).
    pub min_off: i32,
    /// Maximum weekends worked.
    pub max_weekends: i32,
    /// Whether each full calendar week needs a rest day.
    pub weekly_rest: bool,
    /// Overtime counting.
    pub overtime: OvertimeP,
    /// Most overtime minutes over the horizon.
    pub overtime_cap: i32,
}

/// Coverage demand of one activity on one day.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Demand {
    /// People needed.
    pub req: i32,
    /// Score per missing person.
    pub under: Score,
    /// Score per extra person.
    pub over: Score,
}

impl Demand {
    /// The coverage penalty with `n` people on the activity.
    pub fn cost(&self, n: i32) -> Score {
        let (per, k) = if n < self.req {
            (self.under, self.req - n)
        } else {
            (self.over, n - self.req)
        };
        let k = i64::from(k);
        Score {
            hard: per.hard * k,
            soft: per.soft * k,
        }
    }
}

/// A gate shift in closed management: needs a party member on one of its activities.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    /// Day.
    pub day: usize,
    /// Shift type.
    pub shift: usize,
}

/// A compiled request about one person-day.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestP {
    /// Shift type meant, if any.
    pub shift: Option<usize>,
    /// Post meant, if any.
    pub post: Option<usize>,
    /// On (wants it) or off.
    pub on: bool,
    /// Weight.
    pub weight: i64,
}

impl RequestP {
    /// Whether activity `a` is what the request names.
    pub fn matches(&self, act: Act) -> bool {
        self.shift.is_none_or(|s| s == act.shift) && self.post.is_none_or(|p| p == act.post)
    }

    /// Units of penalty when the person-day has value `v` (`None` = off).
    pub fn units(&self, act: Option<Act>) -> i64 {
        let hit = act.is_some_and(|a| self.matches(a));
        if self.on == hit { 0 } else { self.weight }
    }
}

/// Why a person may not take an activity on a day (cell rules).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CellFlags {
    /// On leave that day.
    pub leave: bool,
    /// Lacks the post's skill.
    pub skill: bool,
    /// Role not allowed on the post.
    pub role: bool,
    /// Volunteer outside their offer.
    pub offer: bool,
    /// Shift longer than the daily cap.
    pub daily_cap: bool,
}

/// The compiled problem.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    /// The estate rostered.
    pub estate: crate::EstateId,
    /// The horizon.
    pub horizon: Horizon,
    /// Number of days.
    pub days: usize,
    /// Shift types.
    pub shifts: Vec<ShiftP>,
    /// Posts.
    pub posts: Vec<PostP>,
    /// Activities; value `a + 1` in the grid.
    pub acts: Vec<Act>,
    /// Rule settings.
    pub rules: RuleSet,
    /// `rest_forbidden[s * S + t]`: too little rest from `s` to `t` next day.
    pub rest_forbidden: Vec<bool>,
    /// `list_forbidden[s * S + t]`: `t` may not follow `s`.
    pub list_forbidden: Vec<bool>,
    /// People (staff first, then volunteers).
    pub people: Vec<PersonP>,
    /// `demand[d * A + a]`.
    pub demand: Vec<Demand>,
    /// Gate shifts in closed management.
    pub groups: Vec<Group>,
    /// `group_of[d * A + a]`: the group of an activity on a day, or -1.
    pub group_of: Vec<i32>,
    /// `leave[p * D + d]`.
    pub leave: Vec<Option<LeaveKind>>,
    /// `flags[(p * D + d) * A + a]`.
    pub flags: Vec<CellFlags>,
    /// Requests per person-day: `requests[p * D + d]`.
    pub requests: Vec<Vec<RequestP>>,
    /// The published roster (repair), `published[p * D + d]`.
    pub published: Option<Vec<u16>>,
    /// Pinned values, `pinned[p * D + d]` (`u16::MAX` = free).
    pub pinned: Vec<u16>,
    /// The weekend (index) a day belongs to, or -1.
    pub weekend_of: Vec<i32>,
    /// Number of weekends touching the horizon.
    pub weekends: usize,
    /// First day (in the horizon) of each weekend.
    pub weekend_first: Vec<usize>,
    /// The full calendar week a day belongs to, or -1.
    pub week_of: Vec<i32>,
    /// Number of full calendar weeks.
    pub weeks: usize,
    /// Public holidays.
    pub holiday: Vec<bool>,
    /// Fair shares of nights, weekend days, holidays.
    pub fair_target: [i32; 3],
    /// Who fairness applies to (staff eligible for the category).
    pub fair_eligible: [Vec<bool>; 3],
    /// Total cell cost `cell[(p * D + d) * V + v]`, `V = acts + 1`.
    pub cell: Vec<Score>,
    /// Whether the search may set a value: `allowed[(p * D + d) * V + v]`.
    pub allowed: Vec<bool>,
    /// The allowed values per person-day, flattened; `allowed_at[p * D + d]..allowed_at[p * D + d + 1]`.
    pub allowed_vals: Vec<u16>,
    /// Offsets into `allowed_vals`.
    pub allowed_at: Vec<u32>,
}

impl Problem {
    /// The heaviest soft weight of a cover slot or a cell (at least 1): the
    /// scale the search weighs hard units and prices against.
    pub fn heaviest_soft(&self) -> i64 {
        let cover = self.demand.iter().map(|d| d.under.soft.max(d.over.soft));
        let cells = self.cell.iter().map(|c| c.soft);
        cover.chain(cells).fold(1, i64::max)
    }

    /// Number of values (`acts + 1`).
    pub fn values(&self) -> usize {
        self.acts.len() + 1
    }

    /// The activity of value `v`, if it is not a day off.
    pub fn act(&self, v: u16) -> Option<Act> {
        if v == OFF {
            None
        } else {
            self.acts.get(usize::from(v) - 1).copied()
        }
    }

    /// The shift type of value `v`, if it is not a day off.
    pub fn shift_of(&self, v: u16) -> Option<usize> {
        self.act(v).map(|a| a.shift)
    }

    /// Minutes worked with value `v`.
    pub fn minutes_of(&self, v: u16) -> i32 {
        self.shift_of(v)
            .and_then(|s| self.shifts.get(s))
            .map_or(0, |s| s.minutes)
    }

    /// The allowed values of a person-day.
    pub fn allowed_values(&self, p: usize, d: usize) -> &[u16] {
        let i = p * self.days + d;
        match (self.allowed_at.get(i), self.allowed_at.get(i + 1)) {
            (Some(&a), Some(&b)) => self.allowed_vals.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Whether value `v` may be set on a person-day.
    pub fn is_allowed(&self, p: usize, d: usize, v: u16) -> bool {
        self.allowed
            .get((p * self.days + d) * self.values() + usize::from(v))
            .copied()
            .unwrap_or(false)
    }

    /// Whether the succession `s` then `t` (next day) is forbidden by a rule in force.
    pub fn succession_units(&self, s: usize, t: usize) -> (i64, i64) {
        let n = self.shifts.len();
        let rest = self.rest_forbidden.get(s * n + t).copied().unwrap_or(false);
        let list = self.list_forbidden.get(s * n + t).copied().unwrap_or(false);
        (i64::from(rest), i64::from(list))
    }

    /// Score of the succession `s` then `t`.
    pub fn succession_cost(&self, s: usize, t: usize) -> Score {
        let (rest, list) = self.succession_units(s, t);
        self.rules.cost(RuleId::MinRest, rest) + self.rules.cost(RuleId::ForbiddenSuccession, list)
    }

    /// Cell cost of a person-day value.
    pub fn cell_cost(&self, p: usize, d: usize, v: u16) -> Score {
        self.cell
            .get((p * self.days + d) * self.values() + usize::from(v))
            .copied()
            .unwrap_or(Score::ZERO)
    }
}

/// Started hours of a number of minutes (`ceil(m / 60)`), for penalties.
pub(crate) fn hours_up(minutes: i64) -> i64 {
    if minutes <= 0 { 0 } else { (minutes + 59) / 60 }
}
