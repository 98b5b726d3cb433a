//! Governance: the "three in one" of community, owners' committee and property company.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{BuildingId, HouseholdId, MeetingItemId, Personal, StakeholderId};

/// A party to estate governance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StakeholderKind {
    /// The community office (社区居委会).
    CommunityOffice,
    /// The street office (街道办事处).
    StreetOffice,
    /// The owners' committee (业主委员会).
    OwnersCommittee,
    /// The property company.
    PropertyCompany,
    /// The local police officer (社区民警).
    PoliceLiaison,
    /// A resident representative (居民代表).
    ResidentRepresentative,
}

/// A stakeholder that takes part in the joint meeting (联席会议).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stakeholder {
    /// Stakeholder id.
    pub id: StakeholderId,
    /// What kind of party it is.
    pub kind: StakeholderKind,
    /// Public name or title, e.g. "Songcheng community office".
    pub name: String,
    /// Contact person or number (personal data).
    #[serde(default)]
    pub contact: Option<Personal>,
    /// For a resident representative: the household they live in.
    #[serde(default)]
    pub household: Option<HouseholdId>,
}

/// What a joint-meeting item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MeetingTopic {
    /// Parking (停车).
    Parking,
    /// Environmental hygiene (环境卫生).
    Hygiene,
    /// A dispute between neighbours (邻里纠纷).
    NeighbourDispute,
    /// Safety and security.
    Safety,
    /// Common facilities.
    Facilities,
    /// Fees and finances.
    Fees,
    /// Epidemic prevention.
    EpidemicPrevention,
    /// Anything else.
    Other,
}

/// Where a joint-meeting item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ItemStatus {
    /// Raised, not yet worked on.
    Open,
    /// Being worked on.
    InProgress,
    /// Resolved; the resolution says how.
    Resolved,
    /// Withdrawn by whoever raised it.
    Withdrawn,
}

/// An item on the joint meeting's agenda: the "key small things".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingItem {
    /// Item id.
    pub id: MeetingItemId,
    /// Topic.
    pub topic: MeetingTopic,
    /// One-line title.
    pub title: String,
    /// Who raised it.
    pub raised_by: StakeholderId,
    /// Who owns getting it done.
    pub owner: StakeholderId,
    /// When it was raised.
    #[serde(with = "crate::wire::date")]
    pub raised_on: NaiveDate,
    /// The meeting that last discussed it.
    #[serde(default, with = "crate::wire::date::option")]
    pub discussed_on: Option<NaiveDate>,
    /// Status.
    pub status: ItemStatus,
    /// How it was resolved (required once resolved).
    #[serde(default)]
    pub resolution: Option<String>,
    /// Building concerned, if any.
    #[serde(default)]
    pub building: Option<BuildingId>,
}
