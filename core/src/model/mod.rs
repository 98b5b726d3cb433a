//! The domain model of a residential estate.
//!
//! Facts about the estate (buildings, households, people, posts) and the
//! records of its daily work (work orders, ratings, surveys). Everything
//! derives serde with snake_case names and rejects unknown fields.

mod estate;
mod governance;
mod ids;
mod people;
mod personal;
mod post;
mod survey;
mod time;
mod validate;
mod work_order;

pub use estate::{
    Building, CareNeed, Company, Estate, Household, Inventory, PartyBranch, Resident, ResidentRole,
    Tenure,
};
pub use governance::{ItemStatus, MeetingItem, MeetingTopic, Stakeholder, StakeholderKind};
pub use ids::{
    BuildingId, DimensionId, EstateId, HouseholdId, MAX_ID_LEN, MeetingItemId, PeriodId, PostId,
    RatingId, ResidentId, ShiftTypeId, StaffId, StakeholderId, SurveyId, SurveyResponseId,
    VolunteerId, WorkOrderId,
};
pub use people::{
    Availability, HoursSystem, Skill, StaffMember, StaffRole, Volunteer, VolunteerKind,
};
pub use personal::{Personal, REDACTED};
pub use post::{Coverage, OperatingMode, OperatingPeriod, Post, PostKind, ShiftType};
pub use survey::{Rating, SurveyDimension, SurveyResponse};
pub use time::{TimeOfDay, UtcOffset, Weekday};
pub use validate::{MAX_NAME_CHARS, MAX_TEXT_CHARS};
pub use work_order::{
    Category, Channel, Hazard, HoldReason, Location, Reporter, WorkOrder, WorkOrderEvent,
    WorkOrderStatus,
};

pub(crate) use validate::{Index, check_rating, check_survey_response, check_work_order, checked};
