//! Ratings and surveys: how residents judge the service.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{
    BuildingId, DimensionId, HouseholdId, Personal, RatingId, ResidentId, SurveyId,
    SurveyResponseId, WorkOrderId,
};

/// A satisfaction dimension that ratings and surveys score 1–5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyDimension {
    /// Dimension id, e.g. `repairs_maintenance`.
    pub id: DimensionId,
    /// Name, e.g. "Repairs and maintenance (工程维修)".
    pub name: String,
    /// Weight in the satisfaction index (non-negative).
    #[serde(default = "unit_weight")]
    pub weight: f64,
}

fn unit_weight() -> f64 {
    1.0
}

impl SurveyDimension {
    /// The seven dimensions of Chinese property-service satisfaction surveys.
    pub fn standard_set() -> Vec<SurveyDimension> {
        [
            ("customer_service", "Customer service (客户服务)", 1.0),
            (
                "repairs_maintenance",
                "Repairs and maintenance (工程维修)",
                1.5,
            ),
            ("security_order", "Security and order (秩序维护)", 1.25),
            (
                "cleaning_environment",
                "Cleaning and environment (环境卫生)",
                1.25,
            ),
            ("greening", "Greening (绿化)", 0.75),
            ("facilities", "Facilities (设施设备)", 1.0),
            ("communication", "Communication (沟通)", 0.75),
        ]
        .into_iter()
        .filter_map(|(id, name, weight)| {
            DimensionId::new(id).ok().map(|id| SurveyDimension {
                id,
                name: name.to_owned(),
                weight,
            })
        })
        .collect()
    }
}

/// A resident's rating of one completed work order (回访评价).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    /// Rating id.
    pub id: RatingId,
    /// The work order rated.
    pub work_order: WorkOrderId,
    /// When it was given.
    #[serde(with = "crate::wire::timestamp")]
    pub at: DateTime<FixedOffset>,
    /// Overall score, 1 (very dissatisfied) to 5 (very satisfied).
    pub score: u8,
    /// Optional per-dimension scores, 1 to 5.
    #[serde(default)]
    pub dimensions: BTreeMap<DimensionId, u8>,
    /// Free-text comment (personal data: it may name people).
    #[serde(default)]
    pub comment: Option<Personal>,
    /// Who rated, if known (never shown in results).
    #[serde(default)]
    pub rated_by: Option<ResidentId>,
}

/// One household's answers to a periodic satisfaction survey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyResponse {
    /// Response id.
    pub id: SurveyResponseId,
    /// The survey campaign, e.g. `2022-annual`.
    pub survey: SurveyId,
    /// When it was answered.
    #[serde(with = "crate::wire::timestamp")]
    pub at: DateTime<FixedOffset>,
    /// Building of the respondent.
    pub building: BuildingId,
    /// Household, if known (must be in `building`).
    #[serde(default)]
    pub household: Option<HouseholdId>,
    /// Respondent, if known (never shown in results).
    #[serde(default)]
    pub respondent: Option<ResidentId>,
    /// Scores per dimension, 1 to 5.
    pub scores: BTreeMap<DimensionId, u8>,
    /// Overall satisfaction, 1 to 5.
    #[serde(default)]
    pub overall: Option<u8>,
    /// Likelihood to recommend the estate's service, 0 to 10.
    #[serde(default)]
    pub recommend: Option<u8>,
    /// Free-text comment (personal data).
    #[serde(default)]
    pub comment: Option<Personal>,
}
