//! The organisation: staff and volunteers.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{BuildingId, Personal, PostId, StaffId, TimeOfDay, VolunteerId, Weekday};

/// What a member of staff is employed as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StaffRole {
    /// Branch or estate manager (项目经理).
    Manager,
    /// Supervisor of a team (主管).
    Supervisor,
    /// Customer-service desk (客服).
    CustomerService,
    /// Plumber (水工).
    Plumber,
    /// Electrician (电工).
    Electrician,
    /// General repair (综合维修).
    GeneralRepair,
    /// Security and gate (秩序维护/门岗).
    Security,
    /// Cleaner (保洁).
    Cleaner,
    /// Greening and gardens (绿化).
    Greening,
    /// Lift technician.
    ElevatorTechnician,
}

/// Something a person is able and allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Skill {
    /// Water supply and drainage.
    Plumbing,
    /// Electrical work (licensed).
    Electrical,
    /// Doors, windows, locks, small carpentry.
    GeneralRepair,
    /// Lift rescue and maintenance.
    Elevator,
    /// Gas leak first response.
    Gas,
    /// Entrance control and screening (门岗/查验).
    GateControl,
    /// Patrols (巡逻).
    Patrol,
    /// Disinfection rounds (消杀).
    Disinfection,
    /// Cleaning.
    Cleaning,
    /// Greening and gardens.
    Greening,
    /// Customer-service desk and phone.
    CustomerService,
    /// Mediation of disputes.
    Mediation,
    /// Delivering necessities to households (closed management).
    Delivery,
    /// First aid.
    FirstAid,
}

/// The working-hours system of a contract under Chinese labour law.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum HoursSystem {
    /// Standard hours (标准工时制): 8 h a day, 40 h a week, a rest day every week.
    Standard,
    /// Comprehensive hours (综合计算工时制), common for security: hours averaged over a period.
    Comprehensive,
}

/// A member of staff of the property company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffMember {
    /// Staff id.
    pub id: StaffId,
    /// Name (personal data).
    pub name: Personal,
    /// Phone (personal data).
    #[serde(default)]
    pub phone: Option<Personal>,
    /// What they are employed as.
    pub role: StaffRole,
    /// What they can do.
    #[serde(default)]
    pub skills: BTreeSet<Skill>,
    /// Party member (党员): leads by example and goes first in emergencies.
    #[serde(default)]
    pub party_member: bool,
    /// Working-hours system of the contract.
    #[serde(default = "default_hours_system")]
    pub hours_system: HoursSystem,
    /// Building the person usually works from (travel is measured from here).
    #[serde(default)]
    pub base_building: Option<BuildingId>,
    /// How many open work orders they may carry at once (1 to 50).
    #[serde(default = "default_capacity")]
    pub max_open_orders: u8,
    /// First day of employment, if known.
    #[serde(default, with = "crate::wire::date::option")]
    pub employed_since: Option<NaiveDate>,
}

fn default_hours_system() -> HoursSystem {
    HoursSystem::Standard
}

fn default_capacity() -> u8 {
    3
}

impl StaffMember {
    /// Whether the person has a skill.
    pub fn has_skill(&self, skill: Skill) -> bool {
        self.skills.contains(&skill)
    }
}

/// Where a volunteer comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum VolunteerKind {
    /// A party member (党员志愿者), often a resident or from the street office.
    PartyMember,
    /// A university student (大学生志愿者).
    Student,
    /// A resident who offers help.
    Resident,
}

/// A recurring window of time a volunteer offers, between two dates.
///
/// `end` before or equal to `start` means the window runs past midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Availability {
    /// First date the window applies (inclusive).
    #[serde(with = "crate::wire::date")]
    pub from: NaiveDate,
    /// Last date the window applies (inclusive).
    #[serde(with = "crate::wire::date")]
    pub until: NaiveDate,
    /// Weekdays it applies; empty means every day.
    #[serde(default)]
    pub weekdays: BTreeSet<Weekday>,
    /// Start of the window each day.
    pub start: TimeOfDay,
    /// End of the window each day.
    pub end: TimeOfDay,
}

/// A volunteer: time given, on posts and at times they chose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Volunteer {
    /// Volunteer id.
    pub id: VolunteerId,
    /// Name (personal data).
    pub name: Personal,
    /// Phone (personal data).
    #[serde(default)]
    pub phone: Option<Personal>,
    /// Party member, student or resident volunteer.
    pub kind: VolunteerKind,
    /// Whether they are a party member (party-member volunteers always are).
    #[serde(default)]
    pub party_member: bool,
    /// University, street office or other organisation they come from.
    #[serde(default)]
    pub organisation: Option<String>,
    /// What they can do.
    #[serde(default)]
    pub skills: BTreeSet<Skill>,
    /// When they are available.
    #[serde(default)]
    pub availability: Vec<Availability>,
    /// Posts they offered to take.
    #[serde(default)]
    pub posts: BTreeSet<PostId>,
}
