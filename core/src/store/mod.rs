//! The embedded SQLite store (skeleton: bodies being written).
#![allow(missing_docs, unused_variables)]

use std::path::Path;

use chrono::{DateTime, FixedOffset};

use crate::{
    BuildingId, Estate, EstateId, Rating, Result, SurveyResponse, WorkOrder, WorkOrderEvent,
    WorkOrderId, WorkOrderStatus,
};

/// Schema version.
pub const SCHEMA_VERSION: u32 = 1;

/// Filter for record queries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub building: Option<BuildingId>,
    pub from: Option<DateTime<FixedOffset>>,
    pub until: Option<DateTime<FixedOffset>>,
}

/// Store.
pub struct Store {
    conn: rusqlite::Connection,
}

impl Store {
    pub fn open(path: impl AsRef<Path>) -> Result<Store> { todo!() }
    pub fn open_in_memory() -> Result<Store> { todo!() }
    pub fn schema_version(&self) -> Result<u32> { todo!() }
    pub fn estate_ids(&self) -> Result<Vec<EstateId>> { todo!() }
    pub fn save_estate(&mut self, estate: &Estate) -> Result<()> { todo!() }
    pub fn load_estate(&self, id: &EstateId) -> Result<Estate> { todo!() }
    pub fn add_work_order(&mut self, estate: &EstateId, order: &WorkOrder) -> Result<()> { todo!() }
    pub fn append_event(&mut self, estate: &EstateId, order: &WorkOrderId, event: &WorkOrderEvent) -> Result<WorkOrderStatus> { todo!() }
    pub fn work_order(&self, estate: &EstateId, id: &WorkOrderId) -> Result<WorkOrder> { todo!() }
    pub fn work_orders(&self, estate: &EstateId, filter: &Filter) -> Result<Vec<WorkOrder>> { todo!() }
    pub fn open_work_orders(&self, estate: &EstateId, filter: &Filter) -> Result<Vec<WorkOrder>> { todo!() }
    pub fn add_rating(&mut self, estate: &EstateId, rating: &Rating) -> Result<()> { todo!() }
    pub fn ratings(&self, estate: &EstateId, filter: &Filter) -> Result<Vec<Rating>> { todo!() }
    pub fn add_survey_response(&mut self, estate: &EstateId, response: &SurveyResponse) -> Result<()> { todo!() }
    pub fn survey_responses(&self, estate: &EstateId, filter: &Filter) -> Result<Vec<SurveyResponse>> { todo!() }
}
