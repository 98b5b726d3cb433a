//! The estate: buildings, households and residents.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{
    BuildingId, EstateId, HouseholdId, MeetingItem, OperatingPeriod, Personal, Post, Rating,
    ResidentId, ShiftType, StaffId, StaffMember, Stakeholder, SurveyDimension, SurveyResponse,
    UtcOffset, Volunteer, WorkOrder,
};

/// A residential estate (小区) and everything Steward knows about it.
///
/// Records refer to each other by id (a household names its building, a work
/// order names its household), which is how a property-management system sends
/// them. [`Estate::validate`] checks every reference and range and reports all
/// problems at once; [`Estate::from_json`] parses and validates.
///
/// ```
/// let estate = steward::Estate::from_json(r#"{
///     "id": "demo", "name": "Demo Court",
///     "company": {"name": "Demo Property Co.", "branch": "First branch"},
///     "buildings": [{"id": "B1", "name": "Building 1", "floors": 6}]
/// }"#).unwrap();
/// assert_eq!(estate.buildings.len(), 1);
/// assert_eq!(estate.utc_offset.to_string(), "+08:00");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Estate {
    /// The estate's id.
    pub id: EstateId,
    /// Its name, e.g. "Babylon · Blue Diamond" (巴比伦·蓝钻).
    pub name: String,
    /// The estate's offset from UTC; local dates and shift times use it.
    #[serde(default)]
    pub utc_offset: UtcOffset,
    /// The property company (branch) that manages the estate.
    pub company: Company,
    /// Buildings (楼栋).
    #[serde(default)]
    pub buildings: Vec<Building>,
    /// Households (户), each in one building.
    #[serde(default)]
    pub households: Vec<Household>,
    /// Residents (居民), each in one household.
    #[serde(default)]
    pub residents: Vec<Resident>,
    /// The company's staff on this estate.
    #[serde(default)]
    pub staff: Vec<StaffMember>,
    /// Volunteers (party-member, student, resident).
    #[serde(default)]
    pub volunteers: Vec<Volunteer>,
    /// Parties to estate governance (community office, owners' committee…).
    #[serde(default)]
    pub stakeholders: Vec<Stakeholder>,
    /// Items raised at the joint meeting (parking, hygiene, disputes…).
    #[serde(default)]
    pub meeting_items: Vec<MeetingItem>,
    /// Shift types used by posts.
    #[serde(default)]
    pub shift_types: Vec<ShiftType>,
    /// Posts that need coverage.
    #[serde(default)]
    pub posts: Vec<Post>,
    /// Dated operating modes (closed management…); dates outside every period are normal.
    #[serde(default)]
    pub operating_periods: Vec<OperatingPeriod>,
    /// Work orders (repairs and service requests) with their event histories.
    #[serde(default)]
    pub work_orders: Vec<WorkOrder>,
    /// Satisfaction dimensions that ratings and surveys may score.
    #[serde(default = "SurveyDimension::standard_set")]
    pub dimensions: Vec<SurveyDimension>,
    /// Post-service ratings of work orders.
    #[serde(default)]
    pub ratings: Vec<Rating>,
    /// Survey responses.
    #[serde(default)]
    pub survey_responses: Vec<SurveyResponse>,
}

/// The property company branch that manages an estate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Company {
    /// Company name, e.g. "Henan Taiyuan Property Co., Ltd." (河南泰元物业有限公司).
    pub name: String,
    /// Branch name, e.g. "First branch" (第一分公司).
    pub branch: String,
    /// The company's party branch (党支部), if it has one.
    #[serde(default)]
    pub party_branch: Option<PartyBranch>,
}

/// A party branch (党支部) formed inside the property company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyBranch {
    /// Branch name.
    pub name: String,
    /// The branch secretary, a member of staff who is a party member.
    pub secretary: StaffId,
    /// When the branch was formed.
    #[serde(default, with = "crate::wire::date::option")]
    pub founded: Option<chrono::NaiveDate>,
}

/// A building (楼栋).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Building {
    /// Building id.
    pub id: BuildingId,
    /// Name as residents say it, e.g. "Building 3" (3号楼).
    pub name: String,
    /// Floors above ground, 1 to 200.
    pub floors: u16,
    /// Whether the building has a lift (elevator entrapment is possible only then).
    #[serde(default)]
    pub has_elevator: bool,
    /// Year of construction, if known.
    #[serde(default)]
    pub built_year: Option<u16>,
}

/// Owner-occupied, rented or empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Tenure {
    /// The owner (业主) lives there.
    Owner,
    /// Rented to a tenant (租户).
    Tenant,
    /// Nobody lives there now.
    Vacant,
}

/// A household circumstance that makes service more urgent.
///
/// Dispatch uses these to raise priority (a leak in an elderly resident's flat
/// cannot wait until tomorrow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CareNeed {
    /// An elderly person living alone (独居老人).
    ElderlyAlone,
    /// A person with a disability.
    Disability,
    /// An infant in the household.
    Infant,
    /// A medical need (dialysis, oxygen, insulin…).
    MedicalNeed,
    /// A pregnant resident.
    Pregnancy,
}

/// A household (户): one dwelling unit in a building.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Household {
    /// Household id.
    pub id: HouseholdId,
    /// The building it is in.
    pub building: BuildingId,
    /// Unit number as written on the door, e.g. "1202".
    pub unit: String,
    /// Floor, from 1 to the building's floor count (0 or negative for basements).
    pub floor: i16,
    /// Owner-occupied, rented or vacant.
    pub tenure: Tenure,
    /// Circumstances that make service more urgent.
    #[serde(default)]
    pub care_needs: BTreeSet<CareNeed>,
}

/// How a resident relates to the household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResidentRole {
    /// The owner (业主).
    Owner,
    /// The tenant (租户).
    Tenant,
    /// Another member of the household.
    Member,
}

/// A resident (居民).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resident {
    /// Resident id.
    pub id: ResidentId,
    /// The household they live in.
    pub household: HouseholdId,
    /// Name (personal data).
    pub name: Personal,
    /// Phone number (personal data).
    #[serde(default)]
    pub phone: Option<Personal>,
    /// Owner, tenant or other member.
    pub role: ResidentRole,
    /// Year of birth, if known (drives "elderly" checks).
    #[serde(default)]
    pub birth_year: Option<u16>,
    /// Whether the resident is a party member (党员), who may volunteer.
    #[serde(default)]
    pub party_member: bool,
    /// Year the resident moved in, if known.
    #[serde(default)]
    pub moved_in_year: Option<u16>,
}

impl Estate {
    /// A new, empty estate with the default offset (+08:00) and the standard
    /// survey dimensions.
    pub fn new(id: EstateId, name: impl Into<String>, company: Company) -> Estate {
        Estate {
            id,
            name: name.into(),
            utc_offset: UtcOffset::default(),
            company,
            buildings: Vec::new(),
            households: Vec::new(),
            residents: Vec::new(),
            staff: Vec::new(),
            volunteers: Vec::new(),
            stakeholders: Vec::new(),
            meeting_items: Vec::new(),
            shift_types: Vec::new(),
            posts: Vec::new(),
            operating_periods: Vec::new(),
            work_orders: Vec::new(),
            dimensions: SurveyDimension::standard_set(),
            ratings: Vec::new(),
            survey_responses: Vec::new(),
        }
    }

    /// Parses an estate from JSON and validates it.
    ///
    /// # Errors
    /// `invalid_input` with the issues found: the first structural problem
    /// (syntax, wrong type, unknown field…), or, if the structure is sound,
    /// every rule broken (dangling references, duplicate ids, ranges…).
    ///
    /// ```
    /// let err = steward::Estate::from_json(r#"{"id": "e1", "name": "X",
    ///     "company": {"name": "C", "branch": "B"},
    ///     "buildings": [{"id": "B1", "name": "One", "floors": -2}]}"#).unwrap_err();
    /// assert_eq!(err.issues()[0].path, "buildings[0].floors");
    /// assert_eq!(err.issues()[0].value, "-2");
    /// ```
    pub fn from_json(text: &str) -> crate::Result<Estate> {
        let estate: Estate = crate::wire::from_json(text, "estate")?;
        estate.validate()?;
        Ok(estate)
    }

    /// Parses and validates an estate given as bytes (checked for UTF-8 first).
    ///
    /// # Errors
    /// As [`Estate::from_json`], plus an `invalid_utf8` issue for bytes that
    /// are not UTF-8.
    pub fn from_json_bytes(bytes: &[u8]) -> crate::Result<Estate> {
        let estate: Estate = crate::wire::from_json_bytes(bytes, "estate")?;
        estate.validate()?;
        Ok(estate)
    }

    /// Serialises the estate as compact JSON (the inverse of [`Estate::from_json`]).
    pub fn to_json(&self) -> String {
        crate::wire::to_json(self)
    }

    /// A copy with every personal field (names, phones, comments, contacts)
    /// replaced by `"<redacted>"`, for exports and analytics.
    pub fn redacted(&self) -> Estate {
        let mut e = self.clone();
        for r in &mut e.residents {
            r.name = r.name.redacted();
            r.phone = r.phone.as_ref().map(Personal::redacted);
        }
        for s in &mut e.staff {
            s.name = s.name.redacted();
            s.phone = s.phone.as_ref().map(Personal::redacted);
        }
        for v in &mut e.volunteers {
            v.name = v.name.redacted();
            v.phone = v.phone.as_ref().map(Personal::redacted);
        }
        for s in &mut e.stakeholders {
            s.contact = s.contact.as_ref().map(Personal::redacted);
        }
        for r in &mut e.ratings {
            r.comment = r.comment.as_ref().map(Personal::redacted);
        }
        for s in &mut e.survey_responses {
            s.comment = s.comment.as_ref().map(Personal::redacted);
        }
        e
    }

    /// The building with this id.
    pub fn building(&self, id: &BuildingId) -> Option<&Building> {
        self.buildings.iter().find(|b| &b.id == id)
    }

    /// The household with this id.
    pub fn household(&self, id: &HouseholdId) -> Option<&Household> {
        self.households.iter().find(|h| &h.id == id)
    }

    /// The member of staff with this id.
    pub fn staff_member(&self, id: &StaffId) -> Option<&StaffMember> {
        self.staff.iter().find(|s| &s.id == id)
    }

    /// The work order with this id.
    pub fn work_order(&self, id: &crate::WorkOrderId) -> Option<&WorkOrder> {
        self.work_orders.iter().find(|w| &w.id == id)
    }

    /// The operating mode in force on a local date (normal outside every period).
    pub fn mode_on(&self, date: chrono::NaiveDate) -> super::OperatingMode {
        self.operating_periods
            .iter()
            .find(|p| p.from <= date && date <= p.until)
            .map_or(super::OperatingMode::Normal, |p| p.mode)
    }

    /// A one-screen count of what the estate holds.
    pub fn inventory(&self) -> Inventory {
        Inventory {
            buildings: self.buildings.len(),
            households: self.households.len(),
            residents: self.residents.len(),
            staff: self.staff.len(),
            party_member_staff: self.staff.iter().filter(|s| s.party_member).count(),
            volunteers: self.volunteers.len(),
            stakeholders: self.stakeholders.len(),
            meeting_items: self.meeting_items.len(),
            posts: self.posts.len(),
            shift_types: self.shift_types.len(),
            operating_periods: self.operating_periods.len(),
            work_orders: self.work_orders.len(),
            open_work_orders: self
                .work_orders
                .iter()
                .filter(|w| w.status().is_open())
                .count(),
            ratings: self.ratings.len(),
            survey_responses: self.survey_responses.len(),
        }
    }
}

/// Counts of the records an estate holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Inventory {
    pub buildings: usize,
    pub households: usize,
    pub residents: usize,
    pub staff: usize,
    pub party_member_staff: usize,
    pub volunteers: usize,
    pub stakeholders: usize,
    pub meeting_items: usize,
    pub posts: usize,
    pub shift_types: usize,
    pub operating_periods: usize,
    pub work_orders: usize,
    pub open_work_orders: usize,
    pub ratings: usize,
    pub survey_responses: usize,
}
