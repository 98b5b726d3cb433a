//! Posts, shift types and operating modes: what must be covered, and when.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{BuildingId, PeriodId, PostId, ShiftTypeId, Skill, TimeOfDay, Weekday};

/// How the estate is being run on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OperatingMode {
    /// Normal operation.
    Normal,
    /// Epidemic closed management (封闭管理): 24-hour entrance control,
    /// screening, disinfection rounds, deliveries of necessities.
    ClosedManagement,
}

/// A dated period in one operating mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatingPeriod {
    /// Period id.
    pub id: PeriodId,
    /// Mode in force.
    pub mode: OperatingMode,
    /// First local date (inclusive).
    #[serde(with = "crate::wire::date")]
    pub from: NaiveDate,
    /// Last local date (inclusive).
    #[serde(with = "crate::wire::date")]
    pub until: NaiveDate,
    /// Why, e.g. the district notice that ordered it.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A shift type: a daily time window, possibly across midnight.
///
/// `end` equal to `start` means a 24-hour shift; `end` before `start` means the
/// shift ends the next day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftType {
    /// Shift type id.
    pub id: ShiftTypeId,
    /// Name, e.g. "Night".
    pub name: String,
    /// Start time.
    pub start: TimeOfDay,
    /// End time.
    pub end: TimeOfDay,
    /// Unpaid break inside the shift, in minutes.
    #[serde(default)]
    pub break_minutes: u16,
}

impl ShiftType {
    /// Length from start to end in minutes (1440 for a 24-hour shift).
    pub fn span_minutes(&self) -> u32 {
        let (s, e) = (
            u32::from(self.start.minutes()),
            u32::from(self.end.minutes()),
        );
        if e > s { e - s } else { e + 1440 - s }
    }

    /// Paid working minutes: span minus break (0 if the break is longer).
    pub fn work_minutes(&self) -> u32 {
        self.span_minutes()
            .saturating_sub(u32::from(self.break_minutes))
    }

    /// Whether the shift ends on the next day.
    pub fn crosses_midnight(&self) -> bool {
        self.end <= self.start
    }
}

/// What a post is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PostKind {
    /// An entrance gate: access control and screening.
    Gate,
    /// A patrol round.
    Patrol,
    /// Disinfection of entrances and public spaces.
    Disinfection,
    /// Repair staff on call.
    RepairOnCall,
    /// Customer-service desk.
    ServiceDesk,
    /// Cleaning round.
    Cleaning,
    /// Information screening (信息排查).
    Screening,
    /// Delivering necessities to households.
    Delivery,
}

/// How many people a post needs on a shift, in a mode, on some weekdays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    /// Operating mode this demand applies in.
    pub mode: OperatingMode,
    /// Shift type that must be covered.
    pub shift: ShiftTypeId,
    /// Weekdays it applies; empty means every day.
    #[serde(default)]
    pub weekdays: BTreeSet<Weekday>,
    /// People needed, 1 to 100.
    pub headcount: u16,
}

/// A post that needs coverage over time (gate A, morning disinfection round…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Post {
    /// Post id.
    pub id: PostId,
    /// Name, e.g. "North gate".
    pub name: String,
    /// What it is for.
    pub kind: PostKind,
    /// Building it is at, if it is at one.
    #[serde(default)]
    pub building: Option<BuildingId>,
    /// Skill every person on the post must have.
    #[serde(default)]
    pub required_skill: Option<Skill>,
    /// Whether volunteers may take it (if they offered).
    #[serde(default)]
    pub volunteers_allowed: bool,
    /// Demand per mode, shift and weekday.
    #[serde(default)]
    pub coverage: Vec<Coverage>,
}
