//! Flat response records: one row per answer sheet, as a data frame holds it.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::config::Source;
use crate::{BuildingId, Category, DimensionId, EstateId, Personal, StaffId, WorkOrderId};

/// One response as a flat record: a survey answer sheet or a post-service
/// rating, with the keys it is grouped by.
///
/// Ratings and survey responses of an estate are turned into these
/// internally; callers with their own data (a data frame of survey answers)
/// send them directly. Scores are JSON numbers and must be integers on their
/// scale (see [`ScoreConfig`](super::ScoreConfig)); `null` means not answered.
///
/// `id`, `respondent`, `household` and `comment` are accepted so that a
/// record can be passed as it is stored, but scoring never reads them and
/// never returns them.
///
/// ```
/// let r: steward::satisfaction::ResponseRecord = serde_json::from_str(r#"{
///     "at": "2022-12-01T10:00:00+08:00", "building": "B1",
///     "overall": 4, "recommend": 9, "scores": {"greening": 5, "facilities": null}
/// }"#).unwrap();
/// assert_eq!(r.overall, Some(4.0));
/// assert_eq!(r.source, steward::satisfaction::Source::Survey);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseRecord {
    /// Rating or survey (default survey).
    #[serde(default = "survey")]
    pub source: Source,
    /// When it was given.
    #[serde(with = "crate::wire::timestamp")]
    pub at: DateTime<FixedOffset>,
    /// Estate (default: the request's estate, if any).
    #[serde(default)]
    pub estate: Option<EstateId>,
    /// Building.
    #[serde(default)]
    pub building: Option<BuildingId>,
    /// Category of the rated work order.
    #[serde(default)]
    pub category: Option<Category>,
    /// Member of staff who did the rated work.
    #[serde(default)]
    pub staff: Option<StaffId>,
    /// The rated work order: its building, category, staff and service
    /// outcome fill what the record leaves empty (it must be in the
    /// request's estate).
    #[serde(default)]
    pub work_order: Option<WorkOrderId>,
    /// Overall satisfaction on the overall scale.
    #[serde(default)]
    pub overall: Option<f64>,
    /// Likelihood to recommend, 0 to 10.
    #[serde(default)]
    pub recommend: Option<f64>,
    /// Scores per dimension.
    #[serde(default)]
    pub scores: BTreeMap<DimensionId, Option<f64>>,
    /// The record's own id (never used or returned).
    #[serde(default)]
    pub id: Option<Personal>,
    /// Who answered (never used or returned).
    #[serde(default)]
    pub respondent: Option<Personal>,
    /// Their household (never used or returned).
    #[serde(default)]
    pub household: Option<Personal>,
    /// Free text (never used or returned).
    #[serde(default)]
    pub comment: Option<Personal>,
}

fn survey() -> Source {
    Source::Survey
}

impl ResponseRecord {
    /// A survey response at `at` with no answers yet.
    pub fn survey(at: DateTime<FixedOffset>) -> ResponseRecord {
        ResponseRecord {
            source: Source::Survey,
            at,
            estate: None,
            building: None,
            category: None,
            staff: None,
            work_order: None,
            overall: None,
            recommend: None,
            scores: BTreeMap::new(),
            id: None,
            respondent: None,
            household: None,
            comment: None,
        }
    }
}
