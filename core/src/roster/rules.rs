//! The named constraints of the roster, as data.
//!
//! Every rule has a stable snake_case id, a title, a description, a default
//! level (hard, soft or off) and a default weight. A request overrides level
//! and weight per id (`config.rules`); nothing else about a rule is hidden in
//! code.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};

use serde::{Deserialize, Serialize};

/// How a rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Level {
    /// Must hold: a roster breaking it is infeasible (its penalty goes to the hard score).
    Hard,
    /// Should hold: breaking it costs its weight (the soft score).
    Soft,
    /// Not checked.
    Off,
}

/// The identifier of a roster rule (its JSON spelling is the rule id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RuleId {
    /// Fewer people on a post and shift than its coverage demand.
    CoverageUnder,
    /// More people on a post and shift than its coverage demand.
    CoverageOver,
    /// At most one shift per person per day.
    OneShiftPerDay,
    /// Minimum rest between the end of one shift and the start of the next day's.
    MinRest,
    /// Explicitly forbidden successions (shift A on one day, shift B the next).
    ForbiddenSuccession,
    /// Maximum consecutive working days.
    MaxConsecutiveDays,
    /// Minimum consecutive working days.
    MinConsecutiveDays,
    /// Minimum consecutive days off.
    MinConsecutiveDaysOff,
    /// Maximum number of shifts of each type over the horizon.
    MaxShiftsOfType,
    /// Minimum total working minutes over the horizon.
    MinTotalMinutes,
    /// Maximum total working minutes over the horizon.
    MaxTotalMinutes,
    /// Maximum number of weekends worked.
    MaxWeekends,
    /// No shift during leave or on a day off.
    Leave,
    /// The post's required skill.
    SkillRequired,
    /// The roles allowed on a post (configured per post).
    PostRole,
    /// Volunteers only on posts they offered, inside their availability.
    VolunteerOffer,
    /// A request to work a shift that was not granted.
    ShiftOnRequest,
    /// A request not to work a shift that was not granted.
    ShiftOffRequest,
    /// At least one rest day in every calendar week.
    WeeklyRestDay,
    /// Working minutes of one shift within the daily cap of the hours system.
    DailyHoursCap,
    /// Overtime beyond the regular hours of the hours system.
    Overtime,
    /// Overtime within the legal monthly cap (prorated to the horizon).
    OvertimeCap,
    /// At least one party member on each gate shift in closed management.
    PartyMemberOnGate,
    /// Night shifts spread fairly across staff.
    FairNights,
    /// Weekend days spread fairly across staff.
    FairWeekends,
    /// Public holidays spread fairly across staff.
    FairHolidays,
    /// Volunteers' time is a gift: each volunteer shift costs a little.
    VolunteerShift,
    /// Re-rostering: each assignment changed from the published roster.
    RosterChange,
}

/// Static description of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    /// The rule.
    pub id: RuleId,
    /// Short title.
    pub title: &'static str,
    /// One or two sentences: what is checked and how the penalty is counted.
    pub description: &'static str,
    /// Default level.
    pub level: Level,
    /// Default weight (penalty per unit).
    pub weight: i64,
}

macro_rules! rules {
    ($( $id:ident, $level:ident, $weight:expr, $title:literal, $desc:literal; )*) => {
        /// Every rule, in a fixed order (the order of [`RuleId`]).
        pub const RULES: &[RuleInfo] = &[
            $( RuleInfo { id: RuleId::$id, title: $title, description: $desc, level: Level::$level, weight: $weight }, )*
        ];
    };
}

rules! {
    CoverageUnder, Soft, 1000, "Coverage (under)",
        "Each post and shift needs the headcount its coverage demands for the day's operating mode, weekday or holiday; each missing person costs the weight (or the demand's own under weight).";
    CoverageOver, Soft, 10, "Coverage (over)",
        "Each person beyond the demanded headcount costs the weight (or the demand's own over weight).";
    OneShiftPerDay, Hard, 1, "One shift per day",
        "A person works at most one shift a day; each extra shift is one unit.";
    MinRest, Hard, 1, "Minimum rest",
        "Between the end of a shift and the start of the next day's shift there are at least `config.min_rest_minutes` (default 11 hours); each too-short rest is one unit.";
    ForbiddenSuccession, Hard, 1, "Forbidden succession",
        "A shift type may not be followed the next day by a type listed in `config.forbidden_successions` (such as night then morning); each such pair is one unit.";
    MaxConsecutiveDays, Hard, 1, "Maximum consecutive working days",
        "A run of working days is at most the contract's maximum (6 under the comprehensive hours system by default); each day beyond is one unit.";
    MinConsecutiveDays, Hard, 1, "Minimum consecutive working days",
        "A run of working days between two days off inside the horizon is at least the contract's minimum; each missing day is one unit. Runs touching the horizon's ends are exempt.";
    MinConsecutiveDaysOff, Hard, 1, "Minimum consecutive days off",
        "A run of days off between two working days inside the horizon is at least the contract's minimum; each missing day is one unit. Runs touching the horizon's ends are exempt.";
    MaxShiftsOfType, Hard, 1, "Maximum shifts of a type",
        "A person works at most the contract's maximum number of shifts of each type (0 means never); each shift beyond is one unit.";
    MinTotalMinutes, Hard, 1, "Minimum total minutes",
        "A person works at least the contract's minimum minutes over the horizon; each missing started hour is one unit.";
    MaxTotalMinutes, Hard, 1, "Maximum total minutes",
        "A person works at most the contract's maximum minutes over the horizon; each started hour beyond is one unit.";
    MaxWeekends, Hard, 1, "Maximum weekends worked",
        "A weekend is worked if the person works on its Saturday or Sunday; each weekend beyond the contract's maximum is one unit.";
    Leave, Hard, 1, "Leave and days off",
        "Nobody works during their leave, sick leave or agreed days off; each such shift is one unit.";
    SkillRequired, Hard, 1, "Required skill",
        "Everyone on a post has the skill the post requires; each shift without it is one unit.";
    PostRole, Hard, 1, "Post roles",
        "Where `config.post_roles` names the roles allowed on a post, only staff of those roles take it; each other shift is one unit.";
    VolunteerOffer, Hard, 1, "Volunteers only where and when offered",
        "A volunteer works only posts they offered that accept volunteers, and only shifts inside one of their availability windows; each other shift is one unit.";
    ShiftOnRequest, Soft, 1, "Shift-on request",
        "A person asked to work a shift (or any shift) on a day; if it is not granted the penalty is the request's weight times this weight.";
    ShiftOffRequest, Soft, 1, "Shift-off request",
        "A person asked not to work a shift (or not at all) on a day; if it is assigned the penalty is the request's weight times this weight.";
    WeeklyRestDay, Hard, 1, "Weekly rest day",
        "Labour Law art. 38: at least one rest day in every calendar week that lies inside the horizon; each week without one is one unit.";
    DailyHoursCap, Hard, 1, "Daily hours cap",
        "The working minutes of a shift stay within the daily cap of the person's hours system (standard: 8 h plus at most 3 h overtime; comprehensive: 12 h); each shift beyond is one unit.";
    Overtime, Soft, 5, "Overtime",
        "Minutes beyond the regular hours (standard: 40 h in each calendar week; comprehensive: 40 h a week averaged over the horizon) cost the weight per started hour.";
    OvertimeCap, Hard, 1, "Overtime cap",
        "Labour Law art. 41: overtime stays within 36 h a month, prorated to the horizon; each started hour beyond is one unit. Lifted in closed management when `config.labour.emergency_lifts_overtime_cap` is set (art. 42).";
    PartyMemberOnGate, Hard, 1, "Party member on each gate shift",
        "In closed management every gate shift (a shift type on a day, across the gate posts) has at least one party member on a gate; each shift without one is one unit.";
    FairNights, Soft, 20, "Fair nights",
        "Night shifts are shared among eligible staff: each person above the fair share (demand divided by eligible staff, rounded up) costs the weight times the excess squared.";
    FairWeekends, Soft, 10, "Fair weekends",
        "Weekend days worked are shared among eligible staff: each person above the fair share costs the weight times the excess squared.";
    FairHolidays, Soft, 10, "Fair holidays",
        "Public holidays worked are shared among eligible staff: each person above the fair share costs the weight times the excess squared.";
    VolunteerShift, Soft, 2, "Volunteer shift",
        "Volunteers give their time: each volunteer shift costs the weight, so staff are used first where the rules allow.";
    RosterChange, Soft, 200, "Change to the published roster",
        "When re-rostering, each person-day whose assignment differs from the published roster costs the weight.";
}

impl RuleId {
    /// Number of rules.
    pub const COUNT: usize = 28;

    /// Position in [`RULES`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Static description.
    pub fn info(self) -> &'static RuleInfo {
        // RULES is in RuleId order (checked by a test), so the index is in range.
        &RULES[self.index()]
    }

    /// The stable snake_case id, e.g. `min_rest`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::CoverageUnder => "coverage_under",
            RuleId::CoverageOver => "coverage_over",
            RuleId::OneShiftPerDay => "one_shift_per_day",
            RuleId::MinRest => "min_rest",
            RuleId::ForbiddenSuccession => "forbidden_succession",
            RuleId::MaxConsecutiveDays => "max_consecutive_days",
            RuleId::MinConsecutiveDays => "min_consecutive_days",
            RuleId::MinConsecutiveDaysOff => "min_consecutive_days_off",
            RuleId::MaxShiftsOfType => "max_shifts_of_type",
            RuleId::MinTotalMinutes => "min_total_minutes",
            RuleId::MaxTotalMinutes => "max_total_minutes",
            RuleId::MaxWeekends => "max_weekends",
            RuleId::Leave => "leave",
            RuleId::SkillRequired => "skill_required",
            RuleId::PostRole => "post_role",
            RuleId::VolunteerOffer => "volunteer_offer",
            RuleId::ShiftOnRequest => "shift_on_request",
            RuleId::ShiftOffRequest => "shift_off_request",
            RuleId::WeeklyRestDay => "weekly_rest_day",
            RuleId::DailyHoursCap => "daily_hours_cap",
            RuleId::Overtime => "overtime",
            RuleId::OvertimeCap => "overtime_cap",
            RuleId::PartyMemberOnGate => "party_member_on_gate",
            RuleId::FairNights => "fair_nights",
            RuleId::FairWeekends => "fair_weekends",
            RuleId::FairHolidays => "fair_holidays",
            RuleId::VolunteerShift => "volunteer_shift",
            RuleId::RosterChange => "roster_change",
        }
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request's change to one rule: its level, its weight, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOverride {
    /// New level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// New weight, 0 to 1,000,000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
}

/// The level and weight in force for one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSetting {
    /// Level.
    pub level: Level,
    /// Weight per unit.
    pub weight: i64,
}

impl RuleSetting {
    /// The score of `units` units of this rule.
    pub fn cost(self, units: i64) -> Score {
        match self.level {
            Level::Hard => Score {
                hard: units * self.weight,
                soft: 0,
            },
            Level::Soft => Score {
                hard: 0,
                soft: units * self.weight,
            },
            Level::Off => Score::ZERO,
        }
    }

    /// Whether the rule is checked at all.
    pub fn on(self) -> bool {
        self.level != Level::Off && self.weight != 0
    }
}

/// The settings of every rule: defaults with a request's overrides applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSet {
    settings: [RuleSetting; RuleId::COUNT],
}

impl RuleSet {
    /// The defaults of [`RULES`], with `overrides` applied.
    pub fn new(overrides: &BTreeMap<RuleId, RuleOverride>) -> RuleSet {
        let mut settings = [RuleSetting {
            level: Level::Off,
            weight: 0,
        }; RuleId::COUNT];
        for (slot, info) in settings.iter_mut().zip(RULES) {
            *slot = RuleSetting {
                level: info.level,
                weight: info.weight,
            };
            if let Some(o) = overrides.get(&info.id) {
                if let Some(level) = o.level {
                    slot.level = level;
                }
                if let Some(w) = o.weight {
                    slot.weight = i64::from(w);
                }
            }
        }
        RuleSet { settings }
    }

    /// The setting of one rule.
    pub fn get(&self, id: RuleId) -> RuleSetting {
        self.settings[id.index()]
    }

    /// The score of `units` units of `id`.
    pub fn cost(&self, id: RuleId, units: i64) -> Score {
        self.get(id).cost(units)
    }
}

/// A roster's score: hard penalty first, then soft; lower is better.
///
/// A roster with `hard == 0` is feasible. Scores compare lexicographically.
///
/// ```
/// use steward::roster::Score;
/// let a = Score { hard: 0, soft: 900 };
/// let b = Score { hard: 1, soft: 0 };
/// assert!(a < b);
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(deny_unknown_fields)]
pub struct Score {
    /// Sum of hard penalties (0 = feasible).
    pub hard: i64,
    /// Sum of soft penalties.
    pub soft: i64,
}

impl Score {
    /// No penalty.
    pub const ZERO: Score = Score { hard: 0, soft: 0 };

    /// Whether no hard rule is broken.
    pub fn feasible(self) -> bool {
        self.hard == 0
    }
}

impl Add for Score {
    type Output = Score;
    fn add(self, o: Score) -> Score {
        Score {
            hard: self.hard + o.hard,
            soft: self.soft + o.soft,
        }
    }
}

impl Sub for Score {
    type Output = Score;
    fn sub(self, o: Score) -> Score {
        Score {
            hard: self.hard - o.hard,
            soft: self.soft - o.soft,
        }
    }
}

impl AddAssign for Score {
    fn add_assign(&mut self, o: Score) {
        self.hard += o.hard;
        self.soft += o.soft;
    }
}

impl SubAssign for Score {
    fn sub_assign(&mut self, o: Score) {
        self.hard -= o.hard;
        self.soft -= o.soft;
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}hard/{}soft", self.hard, self.soft)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_in_id_order_with_unique_snake_case_ids() {
        assert_eq!(RULES.len(), RuleId::COUNT);
        let mut seen = std::collections::BTreeSet::new();
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(r.id.index(), i, "{}", r.id);
            let json = serde_json::to_string(&r.id).unwrap();
            assert_eq!(json, format!("\"{}\"", r.id.as_str()));
            assert!(seen.insert(r.id.as_str()));
            assert!(r.description.ends_with('.'), "{}", r.id);
        }
    }

    #[test]
    fn overrides_replace_level_and_weight() {
        let mut o = BTreeMap::new();
        o.insert(
            RuleId::MinRest,
            RuleOverride {
                level: Some(Level::Soft),
                weight: Some(7),
            },
        );
        let set = RuleSet::new(&o);
        assert_eq!(set.cost(RuleId::MinRest, 2), Score { hard: 0, soft: 14 });
        assert_eq!(set.cost(RuleId::Leave, 2), Score { hard: 2, soft: 0 });
        assert_eq!(
            set.cost(RuleId::CoverageUnder, 1),
            Score {
                hard: 0,
                soft: 1000
            }
        );
    }
}
