//! The embedded SQLite store: the only module that speaks SQL.
//!
//! One database file holds any number of estates. Facts (buildings,
//! households, people, posts…) are replaced wholesale when an estate is saved;
//! records (work orders and their events, ratings, survey responses) are never
//! deleted: saving an estate that lacks a stored record, or whose copy of a
//! work order's history rewrites stored events, is a `conflict`. Work-order
//! events are append-only down to the schema (triggers refuse UPDATE and
//! DELETE).
//!
//! Every public write runs in one transaction, so a failure leaves the
//! database as it was. Connections use WAL journaling (for files), enforce
//! foreign keys and wait up to five seconds for a busy database.
//!
//! # Concurrency
//!
//! Any number of stores, in any threads and processes, may use one file.
//! - Writes take the write lock when they begin (`BEGIN IMMEDIATE`), so the
//!   checks a write makes (does the order exist, what is its status) and the
//!   rows it writes see the same data: two writers never both append event
//!   number 5, and no update is lost. A deferred transaction would instead
//!   fail with "database is locked" when it tries to write after another
//!   writer committed.
//! - Reads that take more than one statement (an estate, a work order with
//!   its events) run in one read transaction: they see one snapshot, never
//!   half of a concurrent save.
//! - A connection that finds the database busy waits (SQLite's busy timeout,
//!   five seconds); if it is still busy, the whole operation is retried from
//!   its start, with a growing pause, up to [`BUSY_ATTEMPTS`] times. Only
//!   after that does the caller see a `storage` error. Opening a new file
//!   from several connections at once is safe too: the schema is created
//!   under the write lock, by whichever connection gets it first.

mod schema;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use schema::SCHEMA_VERSION;
use schema::{APPLICATION_ID, MIGRATIONS};

use crate::model::{Index, check_rating, check_survey_response, check_work_order, checked};
use crate::{
    BuildingId, Company, Error, ErrorKind, Estate, EstateId, HouseholdId, Location, Rating,
    Reporter, Result, SurveyDimension, SurveyResponse, UtcOffset, WorkOrder, WorkOrderEvent,
    WorkOrderId, WorkOrderStatus,
};

/// Which records a query returns: by building and by time.
///
/// `from` is inclusive and `until` exclusive. Work orders are filtered by
/// `reported_at`, ratings and survey responses by `at`. A work order or
/// rating belongs to the building of its household or its building location;
/// orders in common areas belong to no building.
///
/// ```
/// use steward::{BuildingId, Filter};
/// let f = Filter::default().building(BuildingId::new("B3")?)
///     .from("2022-12-01T00:00:00+08:00".parse().unwrap());
/// assert!(f.until.is_none());
/// # Ok::<(), steward::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Filter {
    /// Only records of this building.
    pub building: Option<BuildingId>,
    /// Only records at or after this instant.
    pub from: Option<DateTime<FixedOffset>>,
    /// Only records before this instant.
    pub until: Option<DateTime<FixedOffset>>,
}

impl Filter {
    /// Restricts to one building.
    pub fn building(mut self, building: BuildingId) -> Filter {
        self.building = Some(building);
        self
    }

    /// Restricts to records at or after `from`.
    pub fn from(mut self, from: DateTime<FixedOffset>) -> Filter {
        self.from = Some(from);
        self
    }

    /// Restricts to records before `until`.
    pub fn until(mut self, until: DateTime<FixedOffset>) -> Filter {
        self.until = Some(until);
        self
    }

    fn params(&self) -> (Option<&str>, Option<i64>, Option<i64>) {
        (
            self.building.as_ref().map(BuildingId::as_str),
            self.from.map(|t| t.timestamp_micros()),
            self.until.map(|t| t.timestamp_micros()),
        )
    }
}

/// The estate-level fields kept in the `estates` table.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    utc_offset: UtcOffset,
    company: Company,
    dimensions: Vec<SurveyDimension>,
}

/// A Steward database.
///
/// A `Store` owns one SQLite connection; it is `Send` but not `Sync`. Share it
/// between threads behind a `Mutex`, or open one store per thread on the same
/// file (WAL lets readers and a writer work side by side).
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("estate.db");
/// let estate = steward::demo::estate();
/// {
///     let mut store = steward::Store::open(&path)?;
///     store.save_estate(&estate)?;
/// }
/// let store = steward::Store::open(&path)?;      // reopen: the data is there
/// assert_eq!(store.estate_ids()?, vec![estate.id.clone()]);
/// assert_eq!(store.load_estate(&estate.id)?, estate);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

fn sql(operation: &'static str) -> impl Fn(rusqlite::Error) -> Error {
    move |e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => {
            Error::new(ErrorKind::Conflict, format!("{operation}: {e}")).with_source(e)
        }
        _ => Error::storage(operation, e),
    }
}

/// How many times an operation that found the database busy (another
/// connection held a lock for longer than the five-second busy timeout) is
/// attempted before the `storage` error reaches the caller.
pub(crate) const BUSY_ATTEMPTS: u32 = 6;

/// Whether an error is SQLite's "database is busy/locked".
fn is_busy(e: &Error) -> bool {
    use std::error::Error as _;
    e.kind() == ErrorKind::Storage
        && e.source()
            .and_then(|s| s.downcast_ref::<rusqlite::Error>())
            .and_then(rusqlite::Error::sqlite_error_code)
            .is_some_and(|c| {
                matches!(
                    c,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                )
            })
}

/// Runs `attempt` until it does not fail with a busy database, at most
/// [`BUSY_ATTEMPTS`] times, pausing 10, 40, 160, 250, 250 ms (plus a little
/// jitter, so that waiting connections do not retry in step) in between.
fn retrying<T>(mut attempt: impl FnMut() -> Result<T>) -> Result<T> {
    let mut pause = Duration::from_millis(10);
    let mut tries = 1;
    loop {
        match attempt() {
            Err(e) if tries < BUSY_ATTEMPTS && is_busy(&e) => {
                let jitter = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| u64::from(d.subsec_nanos() % 8_000));
                std::thread::sleep(pause + Duration::from_micros(jitter));
                pause = (pause * 4).min(Duration::from_millis(250));
                tries += 1;
            }
            outcome => return outcome,
        }
    }
}

/// Begins a write transaction holding the write lock (`BEGIN IMMEDIATE`).
fn begin_write<'c>(conn: &'c mut Connection, operation: &'static str) -> Result<Transaction<'c>> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql(operation))
}

fn corrupt(table: &str, id: &str, e: serde_json::Error) -> Error {
    Error::new(
        ErrorKind::Storage,
        format!("stored {table} record {id:?} cannot be read: {e}"),
    )
    .with_source(e)
}

fn doc<T: Serialize>(value: &T) -> String {
    crate::wire::to_json(value)
}

fn parse<T: DeserializeOwned>(table: &str, id: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| corrupt(table, id, e))
}

fn micros(t: DateTime<FixedOffset>) -> i64 {
    t.timestamp_micros()
}

fn pos(i: usize) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX)
}

impl Store {
    /// Opens (creating if needed) the Steward database at `path`.
    ///
    /// # Errors
    /// `storage` if the file cannot be opened, is not a SQLite database, is a
    /// SQLite database that Steward did not create, or was written by a newer
    /// Steward (its schema version is higher than [`SCHEMA_VERSION`]). In every
    /// case the file is left untouched.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("notes.txt");
    /// std::fs::write(&path, "these are not the data you are looking for")?;
    /// let err = steward::Store::open(&path).unwrap_err();
    /// assert_eq!(err.kind(), steward::ErrorKind::Storage);
    /// assert!(err.message().contains("not a SQLite database"), "{err}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        retrying(|| {
            let conn = Connection::open_with_flags(path, flags).map_err(|e| {
                Error::new(
                    ErrorKind::Storage,
                    format!("cannot open database {}: {e}", path.display()),
                )
                .with_source(e)
            })?;
            Store::init(conn, &path.display().to_string(), true)
        })
    }

    /// Opens a fresh database in memory (gone when the store is dropped).
    ///
    /// # Errors
    /// `storage` if SQLite cannot allocate it.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory().map_err(sql("open in-memory database"))?;
        Store::init(conn, ":memory:", false)
    }

    fn init(mut conn: Connection, name: &str, file: bool) -> Result<Store> {
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(sql("set busy timeout"))?;
        // The three reads share one read transaction (one snapshot): another
        // connection may be creating the schema of a new file right now, and
        // reads taken before and after its commit would disagree.
        let (app_id, version, tables) = {
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)
                .map_err(sql("begin reading the header"))?;
            let app_id: i32 = tx
                .pragma_query_value(None, "application_id", |r| r.get(0))
                .map_err(|e| match e.sqlite_error_code() {
                    Some(rusqlite::ErrorCode::NotADatabase) => Error::new(
                        ErrorKind::Storage,
                        format!("{name} is not a Steward database: it is not a SQLite database"),
                    )
                    .with_source(e),
                    _ => Error::storage("read application_id", e),
                })?;
            let version: u32 = tx
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(sql("read user_version"))?;
            let tables: i64 = tx
                .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
                .map_err(sql("inspect schema"))?;
            tx.commit().map_err(sql("end reading the header"))?;
            (app_id, version, tables)
        };
        if app_id != APPLICATION_ID && (app_id != 0 || version != 0 || tables != 0) {
            return Err(Error::new(
                ErrorKind::Storage,
                format!(
                    "{name} is not a Steward database: it is a SQLite database of another application (application_id {app_id}, {tables} schema objects); it was not modified"
                ),
            ));
        }
        if version > SCHEMA_VERSION {
            return Err(Error::new(
                ErrorKind::Storage,
                format!(
                    "{name} was written by a newer Steward (schema version {version}; this library reads up to {SCHEMA_VERSION}); it was not modified"
                ),
            ));
        }
        if file {
            let mode: String = conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
                .map_err(sql("enable WAL"))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(Error::new(
                    ErrorKind::Storage,
                    format!("{name}: cannot enable WAL journaling (journal_mode is {mode})"),
                ));
            }
        }
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(sql("enable foreign keys"))?;
        if version < SCHEMA_VERSION {
            let tx = begin_write(&mut conn, "begin migration")?;
            // Read again under the write lock: another connection may have
            // created or migrated the schema since.
            let version: u32 = tx
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(sql("read user_version"))?;
            for (i, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
                tx.execute_batch(migration).map_err(|e| {
                    Error::storage(
                        if i == 0 {
                            "create schema"
                        } else {
                            "migrate schema"
                        },
                        e,
                    )
                })?;
            }
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(sql("set user_version"))?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(sql("set application_id"))?;
            tx.commit().map_err(sql("commit migration"))?;
        }
        Ok(Store { conn })
    }

    /// The schema version of the open database (equal to [`SCHEMA_VERSION`]
    /// once opened).
    ///
    /// # Errors
    /// `storage` if SQLite fails.
    pub fn schema_version(&self) -> Result<u32> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(sql("read user_version"))
    }

    /// Ids of the estates in the database, sorted.
    ///
    /// # Errors
    /// `storage` if SQLite fails.
    pub fn estate_ids(&self) -> Result<Vec<EstateId>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM estates ORDER BY id")
            .map_err(sql("list estates"))?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(sql("list estates"))?;
        let mut out = Vec::new();
        for id in ids {
            let id = id.map_err(sql("list estates"))?;
            out.push(EstateId::new(id.clone()).map_err(|_| {
                Error::new(
                    ErrorKind::Storage,
                    format!("stored estate id {id:?} is invalid"),
                )
            })?);
        }
        Ok(out)
    }

    /// Saves an estate in one transaction.
    ///
    /// The estate is validated first. Facts replace what was stored; work
    /// orders, their events, ratings and survey responses are added or kept.
    ///
    /// # Errors
    /// `invalid_input` if the estate does not validate; `conflict` if saving
    /// would drop a stored work order, rating or survey response, rewrite a
    /// stored event, or change a stored rating or response; `storage` if SQLite
    /// fails. On error nothing is written.
    pub fn save_estate(&mut self, estate: &Estate) -> Result<()> {
        estate.validate()?;
        retrying(|| {
            let tx = begin_write(&mut self.conn, "begin save")?;
            save_estate_tx(&tx, estate)?;
            tx.commit().map_err(sql("commit save"))
        })
    }

    /// Loads an estate with all its records, in the order they were saved.
    ///
    /// # Errors
    /// `not_found` if there is no such estate; `storage` if SQLite fails or a
    /// stored record cannot be read.
    pub fn load_estate(&self, id: &EstateId) -> Result<Estate> {
        self.snapshot(|| self.load_estate_now(id))
    }

    /// Runs a read of several statements in one read transaction (one
    /// snapshot of the database), retrying if the database is busy.
    fn snapshot<T>(&self, read: impl Fn() -> Result<T>) -> Result<T> {
        retrying(|| {
            let tx = self
                .conn
                .unchecked_transaction()
                .map_err(sql("begin read"))?;
            let value = read()?;
            tx.commit().map_err(sql("end read"))?;
            Ok(value)
        })
    }

    fn load_estate_now(&self, id: &EstateId) -> Result<Estate> {
        let (name, header): (String, String) = self
            .conn
            .query_row(
                "SELECT name, header FROM estates WHERE id = ?1",
                [id.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(sql("load estate"))?
            .ok_or_else(|| Error::not_found("estate", id.as_str()))?;
        let header: Header = parse("estates", id.as_str(), &header)?;
        let c = &self.conn;
        let mut estate = Estate {
            id: id.clone(),
            name,
            utc_offset: header.utc_offset,
            company: header.company,
            buildings: load_docs(c, "buildings", id)?,
            households: load_docs(c, "households", id)?,
            residents: load_docs(c, "residents", id)?,
            staff: load_docs(c, "staff", id)?,
            volunteers: load_docs(c, "volunteers", id)?,
            stakeholders: load_docs(c, "stakeholders", id)?,
            meeting_items: load_docs(c, "meeting_items", id)?,
            shift_types: load_docs(c, "shift_types", id)?,
            posts: load_docs(c, "posts", id)?,
            operating_periods: load_docs(c, "operating_periods", id)?,
            work_orders: Vec::new(),
            dimensions: header.dimensions,
            ratings: load_docs(c, "ratings", id)?,
            survey_responses: load_docs(c, "survey_responses", id)?,
        };
        estate.work_orders = self.query_orders(id, &Filter::default(), false)?;
        Ok(estate)
    }

    /// Adds one new work order (with any events it already has) to an estate.
    ///
    /// # Errors
    /// `not_found` if the estate does not exist; `conflict` if the id is taken;
    /// `invalid_input` if the order refers to records that do not exist or its
    /// history is not a valid lifecycle (paths are relative to the order, e.g.
    /// `location.household`); `storage` if SQLite fails.
    pub fn add_work_order(&mut self, estate: &EstateId, order: &WorkOrder) -> Result<()> {
        retrying(|| self.add_work_order_once(estate, order))
    }

    fn add_work_order_once(&mut self, estate: &EstateId, order: &WorkOrder) -> Result<()> {
        let tx = begin_write(&mut self.conn, "begin add work order")?;
        require_estate(&tx, estate)?;
        if exists(&tx, "work_orders", estate, order.id.as_str())? {
            return Err(Error::conflict(format!(
                "work order {:?} already exists in estate {:?}",
                order.id.as_str(),
                estate.as_str()
            )));
        }
        let ix = index_for_order(&tx, estate, order)?;
        checked("work order", |c| check_work_order(c, "", order, &ix))?;
        let next = next_pos(&tx, "work_orders", estate)?;
        insert_order(&tx, estate, order, next, &ix.households)?;
        tx.commit().map_err(sql("commit add work order"))
    }

    /// Appends one event to a work order's history and returns the new status.
    ///
    /// # Errors
    /// `not_found` if the estate or order does not exist; `conflict` if the
    /// event is not allowed in the order's status (a closed order cannot be
    /// started); `invalid_input` if its time is before the last event or it
    /// names staff that do not exist; `storage` if SQLite fails.
    pub fn append_event(
        &mut self,
        estate: &EstateId,
        order: &WorkOrderId,
        event: &WorkOrderEvent,
    ) -> Result<WorkOrderStatus> {
        retrying(|| self.append_event_once(estate, order, event))
    }

    fn append_event_once(
        &mut self,
        estate: &EstateId,
        order: &WorkOrderId,
        event: &WorkOrderEvent,
    ) -> Result<WorkOrderStatus> {
        let tx = begin_write(&mut self.conn, "begin append event")?;
        require_estate(&tx, estate)?;
        let current = load_order(&tx, estate, order)?
            .ok_or_else(|| Error::not_found("work order", order.as_str()))?;
        let status = current.check_append(event)?;
        let staff = match event {
            WorkOrderEvent::Assigned { staff, .. } => Some(staff),
            WorkOrderEvent::Triaged { by, .. } => by.as_ref(),
            _ => None,
        };
        if let Some(staff) = staff
            && !exists(&tx, "staff", estate, staff.as_str())?
        {
            return Err(Error::invalid(
                "work order event",
                vec![crate::Issue::new(
                    if matches!(event, WorkOrderEvent::Assigned { .. }) {
                        "staff"
                    } else {
                        "by"
                    },
                    crate::wire::render_str(staff.as_str()),
                    crate::IssueCode::DanglingReference,
                    format!("staff member {:?} does not exist", staff.as_str()),
                )],
            ));
        }
        insert_event(&tx, estate, order, current.events.len(), event)?;
        tx.execute(
            "UPDATE work_orders SET status = ?3 WHERE estate_id = ?1 AND id = ?2",
            params![estate.as_str(), order.as_str(), status.as_str()],
        )
        .map_err(sql("update work order status"))?;
        tx.commit().map_err(sql("commit append event"))?;
        Ok(status)
    }

    /// One work order with its history.
    ///
    /// # Errors
    /// `not_found` if there is no such order; `storage` if SQLite fails.
    pub fn work_order(&self, estate: &EstateId, id: &WorkOrderId) -> Result<WorkOrder> {
        self.snapshot(|| load_order(&self.conn, estate, id))?
            .ok_or_else(|| Error::not_found("work order", id.as_str()))
    }

    /// Work orders matching `filter`, oldest report first (ties by id).
    ///
    /// # Errors
    /// `storage` if SQLite fails.
    pub fn work_orders(&self, estate: &EstateId, filter: &Filter) -> Result<Vec<WorkOrder>> {
        let mut v = self.snapshot(|| self.query_orders(estate, filter, false))?;
        v.sort_by(|a, b| (a.reported_at, &a.id).cmp(&(b.reported_at, &b.id)));
        Ok(v)
    }

    /// Open work orders (not resolved, closed or cancelled) matching
    /// `filter`, oldest report first (ties by id).
    ///
    /// # Errors
    /// `storage` if SQLite fails.
    pub fn open_work_orders(&self, estate: &EstateId, filter: &Filter) -> Result<Vec<WorkOrder>> {
        let mut v = self.snapshot(|| self.query_orders(estate, filter, true))?;
        v.sort_by(|a, b| (a.reported_at, &a.id).cmp(&(b.reported_at, &b.id)));
        Ok(v)
    }

    fn query_orders(
        &self,
        estate: &EstateId,
        filter: &Filter,
        open_only: bool,
    ) -> Result<Vec<WorkOrder>> {
        const OP: &str = "query work orders";
        let (building, from, until) = filter.params();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, doc FROM work_orders WHERE estate_id = ?1
                   AND (?2 IS NULL OR building_id = ?2)
                   AND (?3 IS NULL OR reported_us >= ?3)
                   AND (?4 IS NULL OR reported_us < ?4)
                   AND (?5 = 0 OR status NOT IN ('resolved', 'closed', 'cancelled'))
                 ORDER BY pos",
            )
            .map_err(sql(OP))?;
        let rows = stmt
            .query_map(
                params![estate.as_str(), building, from, until, open_only],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .map_err(sql(OP))?;
        let mut orders = Vec::new();
        for row in rows {
            let (id, text) = row.map_err(sql(OP))?;
            let mut order: WorkOrder = parse("work_orders", &id, &text)?;
            order.events = load_events(&self.conn, estate, &order.id)?;
            orders.push(order);
        }
        Ok(orders)
    }

    /// Adds one rating of a work order.
    ///
    /// # Errors
    /// `not_found` if the estate does not exist; `conflict` if the id is taken;
    /// `invalid_input` if the rating is out of range or refers to records that
    /// do not exist; `storage` if SQLite fails.
    pub fn add_rating(&mut self, estate: &EstateId, rating: &Rating) -> Result<()> {
        retrying(|| self.add_rating_once(estate, rating))
    }

    fn add_rating_once(&mut self, estate: &EstateId, rating: &Rating) -> Result<()> {
        let tx = begin_write(&mut self.conn, "begin add rating")?;
        require_estate(&tx, estate)?;
        if exists(&tx, "ratings", estate, rating.id.as_str())? {
            return Err(Error::conflict(format!(
                "rating {:?} already exists in estate {:?}",
                rating.id.as_str(),
                estate.as_str()
            )));
        }
        let mut ix = Index {
            dimensions: load_dimensions(&tx, estate)?,
            ..Index::default()
        };
        if let Some(order) = load_order(&tx, estate, &rating.work_order)? {
            ix.orders.insert(order.id.clone(), order.reported_at);
            if let Some(done) = order.first_resolved_at() {
                ix.resolved.insert(order.id.clone(), done);
            }
        }
        if let Some(r) = &rating.rated_by
            && exists(&tx, "residents", estate, r.as_str())?
        {
            ix.residents.insert(r.clone());
        }
        checked("rating", |c| check_rating(c, "", rating, &ix))?;
        let next = next_pos(&tx, "ratings", estate)?;
        let building = order_facts(&tx, estate, &rating.work_order)?.and_then(|(_, b)| b);
        insert_rating(&tx, estate, rating, next, building.as_deref())?;
        tx.commit().map_err(sql("commit add rating"))
    }

    /// Ratings matching `filter`, oldest first (ties by id).
    ///
    /// # Errors
    /// `storage` if SQLite fails.
    pub fn ratings(&self, estate: &EstateId, filter: &Filter) -> Result<Vec<Rating>> {
        let mut v: Vec<Rating> = retrying(|| self.query_records("ratings", estate, filter))?;
        v.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        Ok(v)
    }

    /// Adds one survey response.
    ///
    /// # Errors
    /// `not_found` if the estate does not exist; `conflict` if the id is taken;
    /// `invalid_input` if a score is out of range or a reference does not
    /// exist; `storage` if SQLite fails.
    pub fn add_survey_response(
        &mut self,
        estate: &EstateId,
        response: &SurveyResponse,
    ) -> Result<()> {
        retrying(|| self.add_survey_response_once(estate, response))
    }

    fn add_survey_response_once(
        &mut self,
        estate: &EstateId,
        response: &SurveyResponse,
    ) -> Result<()> {
        let tx = begin_write(&mut self.conn, "begin add survey response")?;
        require_estate(&tx, estate)?;
        if exists(&tx, "survey_responses", estate, response.id.as_str())? {
            return Err(Error::conflict(format!(
                "survey response {:?} already exists in estate {:?}",
                response.id.as_str(),
                estate.as_str()
            )));
        }
        let mut ix = Index {
            dimensions: load_dimensions(&tx, estate)?,
            ..Index::default()
        };
        if exists(&tx, "buildings", estate, response.building.as_str())? {
            ix.buildings.insert(response.building.clone());
        }
        if let Some(h) = &response.household
            && let Some(b) = household_building(&tx, estate, h)?
        {
            ix.households.insert(h.clone(), b);
        }
        if let Some(r) = &response.respondent
            && exists(&tx, "residents", estate, r.as_str())?
        {
            ix.residents.insert(r.clone());
        }
        checked("survey response", |c| {
            check_survey_response(c, "", response, &ix)
        })?;
        let next = next_pos(&tx, "survey_responses", estate)?;
        insert_survey_response(&tx, estate, response, next)?;
        tx.commit().map_err(sql("commit add survey response"))
    }

    /// Survey responses matching `filter`, oldest first (ties by id).
    ///
    /// # Errors
    /// `storage` if SQLite fails.
    pub fn survey_responses(
        &self,
        estate: &EstateId,
        filter: &Filter,
    ) -> Result<Vec<SurveyResponse>> {
        let mut v: Vec<SurveyResponse> =
            retrying(|| self.query_records("survey_responses", estate, filter))?;
        v.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        Ok(v)
    }

    fn query_records<T: DeserializeOwned>(
        &self,
        table: &'static str,
        estate: &EstateId,
        filter: &Filter,
    ) -> Result<Vec<T>> {
        let (building, from, until) = filter.params();
        let query = format!(
            "SELECT id, doc FROM {table} WHERE estate_id = ?1
               AND (?2 IS NULL OR building_id = ?2)
               AND (?3 IS NULL OR at_us >= ?3)
               AND (?4 IS NULL OR at_us < ?4)
             ORDER BY pos"
        );
        let mut stmt = self
            .conn
            .prepare_cached(&query)
            .map_err(sql("query records"))?;
        let rows = stmt
            .query_map(params![estate.as_str(), building, from, until], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(sql("query records"))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, text) = row.map_err(sql("query records"))?;
            out.push(parse(table, &id, &text)?);
        }
        Ok(out)
    }
}

/// Tables of facts, in an order that lets each refer to the ones before it.
const FACT_TABLES: [&str; 10] = [
    "buildings",
    "households",
    "residents",
    "staff",
    "volunteers",
    "stakeholders",
    "meeting_items",
    "shift_types",
    "posts",
    "operating_periods",
];

fn save_estate_tx(tx: &Transaction<'_>, estate: &Estate) -> Result<()> {
    let id = estate.id.as_str();
    let header = doc(&Header {
        utc_offset: estate.utc_offset,
        company: estate.company.clone(),
        dimensions: estate.dimensions.clone(),
    });
    tx.execute(
        "INSERT INTO estates (id, name, header) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, header = excluded.header",
        params![id, estate.name, header],
    )
    .map_err(sql("save estate header"))?;

    for table in FACT_TABLES.iter().rev() {
        tx.execute(&format!("DELETE FROM {table} WHERE estate_id = ?1"), [id])
            .map_err(sql("replace estate facts"))?;
    }
    insert_plain(
        tx,
        "buildings",
        id,
        estate.buildings.iter().map(|b| (b.id.as_str(), doc(b))),
    )?;
    {
        let mut stmt = tx
            .prepare_cached("INSERT INTO households (estate_id, id, pos, building_id, doc) VALUES (?1, ?2, ?3, ?4, ?5)")
            .map_err(sql("save households"))?;
        for (i, h) in estate.households.iter().enumerate() {
            stmt.execute(params![
                id,
                h.id.as_str(),
                pos(i),
                h.building.as_str(),
                doc(h)
            ])
            .map_err(sql("save households"))?;
        }
    }
    {
        let mut stmt = tx
            .prepare_cached("INSERT INTO residents (estate_id, id, pos, household_id, doc) VALUES (?1, ?2, ?3, ?4, ?5)")
            .map_err(sql("save residents"))?;
        for (i, r) in estate.residents.iter().enumerate() {
            stmt.execute(params![
                id,
                r.id.as_str(),
                pos(i),
                r.household.as_str(),
                doc(r)
            ])
            .map_err(sql("save residents"))?;
        }
    }
    insert_plain(
        tx,
        "staff",
        id,
        estate.staff.iter().map(|s| (s.id.as_str(), doc(s))),
    )?;
    insert_plain(
        tx,
        "volunteers",
        id,
        estate.volunteers.iter().map(|v| (v.id.as_str(), doc(v))),
    )?;
    insert_plain(
        tx,
        "stakeholders",
        id,
        estate.stakeholders.iter().map(|s| (s.id.as_str(), doc(s))),
    )?;
    insert_plain(
        tx,
        "meeting_items",
        id,
        estate.meeting_items.iter().map(|m| (m.id.as_str(), doc(m))),
    )?;
    insert_plain(
        tx,
        "shift_types",
        id,
        estate.shift_types.iter().map(|s| (s.id.as_str(), doc(s))),
    )?;
    insert_plain(
        tx,
        "posts",
        id,
        estate.posts.iter().map(|p| (p.id.as_str(), doc(p))),
    )?;
    insert_plain(
        tx,
        "operating_periods",
        id,
        estate
            .operating_periods
            .iter()
            .map(|p| (p.id.as_str(), doc(p))),
    )?;

    let households: BTreeMap<HouseholdId, BuildingId> = estate
        .households
        .iter()
        .map(|h| (h.id.clone(), h.building.clone()))
        .collect();
    save_orders(tx, estate, &households)?;
    save_records(
        tx,
        "ratings",
        estate,
        estate.ratings.iter().map(|r| (r.id.as_str(), doc(r))),
        |i, r: &Rating| {
            let building = estate
                .work_order(&r.work_order)
                .and_then(|w| order_building(w, &households));
            insert_rating(tx, &estate.id, r, pos(i), building.as_deref())
        },
        &estate.ratings,
    )?;
    save_records(
        tx,
        "survey_responses",
        estate,
        estate
            .survey_responses
            .iter()
            .map(|s| (s.id.as_str(), doc(s))),
        |i, s: &SurveyResponse| insert_survey_response(tx, &estate.id, s, pos(i)),
        &estate.survey_responses,
    )?;
    Ok(())
}

fn insert_plain<'a>(
    tx: &Transaction<'_>,
    table: &'static str,
    estate: &str,
    rows: impl Iterator<Item = (&'a str, String)>,
) -> Result<()> {
    let mut stmt = tx
        .prepare_cached(&format!(
            "INSERT INTO {table} (estate_id, id, pos, doc) VALUES (?1, ?2, ?3, ?4)"
        ))
        .map_err(sql("save estate facts"))?;
    for (i, (id, text)) in rows.enumerate() {
        stmt.execute(params![estate, id, pos(i), text])
            .map_err(sql("save estate facts"))?;
    }
    Ok(())
}

/// Adds new records of an append-only kind; stored ones must be repeated unchanged.
fn save_records<'a, T>(
    tx: &Transaction<'_>,
    table: &'static str,
    estate: &Estate,
    docs: impl Iterator<Item = (&'a str, String)>,
    mut insert: impl FnMut(usize, &T) -> Result<()>,
    items: &[T],
) -> Result<()> {
    let mut stored = stored_docs(tx, table, &estate.id)?;
    for (i, ((id, text), item)) in docs.zip(items).enumerate() {
        match stored.remove(id) {
            Some(old) if old == text => {
                tx.execute(
                    &format!("UPDATE {table} SET pos = ?3 WHERE estate_id = ?1 AND id = ?2"),
                    params![estate.id.as_str(), id, pos(i)],
                )
                .map_err(sql("save records"))?;
            }
            Some(_) => {
                return Err(Error::conflict(format!(
                    "saving estate {:?} would change stored {} {id:?}; stored records are never rewritten",
                    estate.id.as_str(),
                    singular(table)
                )));
            }
            None => insert(i, item)?,
        }
    }
    if let Some(id) = stored.keys().next() {
        return Err(Error::conflict(format!(
            "saving estate {:?} would drop stored {} {id:?}; stored records are never deleted",
            estate.id.as_str(),
            singular(table)
        )));
    }
    Ok(())
}

fn singular(table: &str) -> &'static str {
    match table {
        "ratings" => "rating",
        "survey_responses" => "survey response",
        _ => "work order",
    }
}

fn stored_docs(
    tx: &Transaction<'_>,
    table: &str,
    estate: &EstateId,
) -> Result<BTreeMap<String, String>> {
    let mut stmt = tx
        .prepare_cached(&format!("SELECT id, doc FROM {table} WHERE estate_id = ?1"))
        .map_err(sql("read stored records"))?;
    let rows = stmt
        .query_map([estate.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(sql("read stored records"))?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(sql("read stored records"))
}

fn save_orders(
    tx: &Transaction<'_>,
    estate: &Estate,
    households: &BTreeMap<HouseholdId, BuildingId>,
) -> Result<()> {
    let mut stored = stored_docs(tx, "work_orders", &estate.id)?;
    for (i, order) in estate.work_orders.iter().enumerate() {
        if stored.remove(order.id.as_str()).is_none() {
            insert_order(tx, &estate.id, order, pos(i), households)?;
            continue;
        }
        let old_events = load_events(tx, &estate.id, &order.id)?;
        if old_events.len() > order.events.len()
            || old_events[..] != order.events[..old_events.len()]
        {
            return Err(Error::conflict(format!(
                "saving estate {:?} would rewrite the stored history of work order {:?} ({} stored events); events are append-only",
                estate.id.as_str(),
                order.id.as_str(),
                old_events.len()
            )));
        }
        for (seq, event) in order.events.iter().enumerate().skip(old_events.len()) {
            insert_event(tx, &estate.id, &order.id, seq, event)?;
        }
        let (building, household) = order_keys(order, households);
        tx.execute(
            "UPDATE work_orders SET pos = ?3, category = ?4, status = ?5, building_id = ?6,
                    household_id = ?7, reported_us = ?8, follow_up_of = ?9, doc = ?10
             WHERE estate_id = ?1 AND id = ?2",
            params![
                estate.id.as_str(),
                order.id.as_str(),
                pos(i),
                category_name(order),
                order.status().as_str(),
                building,
                household,
                micros(order.reported_at),
                order.follow_up_of.as_ref().map(WorkOrderId::as_str),
                order_doc(order),
            ],
        )
        .map_err(sql("save work orders"))?;
    }
    if let Some(id) = stored.keys().next() {
        return Err(Error::conflict(format!(
            "saving estate {:?} would drop stored work order {id:?}; stored records are never deleted",
            estate.id.as_str()
        )));
    }
    Ok(())
}

fn category_name(order: &WorkOrder) -> String {
    serde_json::to_value(order.category)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn order_doc(order: &WorkOrder) -> String {
    let bare = WorkOrder {
        events: Vec::new(),
        ..order.clone()
    };
    doc(&bare)
}

fn order_building(
    order: &WorkOrder,
    households: &BTreeMap<HouseholdId, BuildingId>,
) -> Option<String> {
    order_keys(order, households).0.map(str::to_owned)
}

fn order_keys<'a>(
    order: &'a WorkOrder,
    households: &'a BTreeMap<HouseholdId, BuildingId>,
) -> (Option<&'a str>, Option<&'a str>) {
    match &order.location {
        Location::Household { household } => (
            households.get(household).map(BuildingId::as_str),
            Some(household.as_str()),
        ),
        Location::Building { building, .. } => (Some(building.as_str()), None),
        Location::CommonArea { .. } => (None, None),
    }
}

fn insert_order(
    tx: &Transaction<'_>,
    estate: &EstateId,
    order: &WorkOrder,
    position: i64,
    households: &BTreeMap<HouseholdId, BuildingId>,
) -> Result<()> {
    let (building, household) = order_keys(order, households);
    tx.prepare_cached(
        "INSERT INTO work_orders (estate_id, id, pos, category, status, building_id, household_id,
                                  reported_us, follow_up_of, doc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            estate.as_str(),
            order.id.as_str(),
            position,
            category_name(order),
            order.status().as_str(),
            building,
            household,
            micros(order.reported_at),
            order.follow_up_of.as_ref().map(WorkOrderId::as_str),
            order_doc(order),
        ])
    })
    .map_err(sql("insert work order"))?;
    for (seq, event) in order.events.iter().enumerate() {
        insert_event(tx, estate, &order.id, seq, event)?;
    }
    Ok(())
}

fn insert_event(
    tx: &Connection,
    estate: &EstateId,
    order: &WorkOrderId,
    seq: usize,
    event: &WorkOrderEvent,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO work_order_events (estate_id, order_id, seq, type, at_us, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            estate.as_str(),
            order.as_str(),
            pos(seq),
            event.name(),
            micros(event.at()),
            doc(event)
        ])
    })
    .map_err(sql("append work order event"))?;
    Ok(())
}

fn insert_rating(
    tx: &Connection,
    estate: &EstateId,
    r: &Rating,
    position: i64,
    building: Option<&str>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO ratings (estate_id, id, pos, work_order_id, building_id, at_us, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            estate.as_str(),
            r.id.as_str(),
            position,
            r.work_order.as_str(),
            building,
            micros(r.at),
            doc(r)
        ])
    })
    .map_err(sql("insert rating"))?;
    Ok(())
}

fn insert_survey_response(
    tx: &Connection,
    estate: &EstateId,
    s: &SurveyResponse,
    position: i64,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO survey_responses (estate_id, id, pos, survey_id, building_id, at_us, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            estate.as_str(),
            s.id.as_str(),
            position,
            s.survey.as_str(),
            s.building.as_str(),
            micros(s.at),
            doc(s)
        ])
    })
    .map_err(sql("insert survey response"))?;
    Ok(())
}

fn load_docs<T: DeserializeOwned>(
    conn: &Connection,
    table: &'static str,
    estate: &EstateId,
) -> Result<Vec<T>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT id, doc FROM {table} WHERE estate_id = ?1 ORDER BY pos"
        ))
        .map_err(sql("load estate"))?;
    let rows = stmt
        .query_map([estate.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .map_err(sql("load estate"))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, text) = row.map_err(sql("load estate"))?;
        out.push(parse(table, &id, &text)?);
    }
    Ok(out)
}

fn load_events(
    conn: &Connection,
    estate: &EstateId,
    order: &WorkOrderId,
) -> Result<Vec<WorkOrderEvent>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT doc FROM work_order_events WHERE estate_id = ?1 AND order_id = ?2 ORDER BY seq",
        )
        .map_err(sql("load work order events"))?;
    let rows = stmt
        .query_map([estate.as_str(), order.as_str()], |r| r.get::<_, String>(0))
        .map_err(sql("load work order events"))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(parse(
            "work_order_events",
            order.as_str(),
            &row.map_err(sql("load work order events"))?,
        )?);
    }
    Ok(out)
}

fn load_order(conn: &Connection, estate: &EstateId, id: &WorkOrderId) -> Result<Option<WorkOrder>> {
    let text: Option<String> = conn
        .query_row(
            "SELECT doc FROM work_orders WHERE estate_id = ?1 AND id = ?2",
            [estate.as_str(), id.as_str()],
            |r| r.get(0),
        )
        .optional()
        .map_err(sql("load work order"))?;
    let Some(text) = text else { return Ok(None) };
    let mut order: WorkOrder = parse("work_orders", id.as_str(), &text)?;
    order.events = load_events(conn, estate, id)?;
    Ok(Some(order))
}

fn require_estate(conn: &Connection, estate: &EstateId) -> Result<()> {
    let found: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM estates WHERE id = ?1",
            [estate.as_str()],
            |r| r.get(0),
        )
        .optional()
        .map_err(sql("find estate"))?;
    found
        .map(|_| ())
        .ok_or_else(|| Error::not_found("estate", estate.as_str()))
}

fn exists(conn: &Connection, table: &'static str, estate: &EstateId, id: &str) -> Result<bool> {
    let found: Option<i64> = conn
        .prepare_cached(&format!(
            "SELECT 1 FROM {table} WHERE estate_id = ?1 AND id = ?2"
        ))
        .and_then(|mut stmt| {
            stmt.query_row([estate.as_str(), id], |r| r.get(0))
                .optional()
        })
        .map_err(sql("look up record"))?;
    Ok(found.is_some())
}

fn household_building(
    conn: &Connection,
    estate: &EstateId,
    id: &HouseholdId,
) -> Result<Option<BuildingId>> {
    let found: Option<String> = conn
        .query_row(
            "SELECT building_id FROM households WHERE estate_id = ?1 AND id = ?2",
            [estate.as_str(), id.as_str()],
            |r| r.get(0),
        )
        .optional()
        .map_err(sql("look up household"))?;
    found
        .map(|b| {
            BuildingId::new(b).map_err(|e| {
                Error::new(
                    ErrorKind::Storage,
                    format!("stored building id is invalid: {e}"),
                )
            })
        })
        .transpose()
}

/// The reported time and building of a stored order.
fn order_facts(
    conn: &Connection,
    estate: &EstateId,
    id: &WorkOrderId,
) -> Result<Option<(DateTime<FixedOffset>, Option<String>)>> {
    let found: Option<(String, Option<String>)> = conn
        .query_row(
            "SELECT doc, building_id FROM work_orders WHERE estate_id = ?1 AND id = ?2",
            [estate.as_str(), id.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(sql("look up work order"))?;
    match found {
        None => Ok(None),
        Some((text, building)) => {
            let order: WorkOrder = parse("work_orders", id.as_str(), &text)?;
            Ok(Some((order.reported_at, building)))
        }
    }
}

fn load_dimensions(
    conn: &Connection,
    estate: &EstateId,
) -> Result<std::collections::BTreeSet<crate::DimensionId>> {
    let text: String = conn
        .query_row(
            "SELECT header FROM estates WHERE id = ?1",
            [estate.as_str()],
            |r| r.get(0),
        )
        .map_err(sql("load estate header"))?;
    let header: Header = parse("estates", estate.as_str(), &text)?;
    Ok(header.dimensions.into_iter().map(|d| d.id).collect())
}

fn next_pos(conn: &Connection, table: &'static str, estate: &EstateId) -> Result<i64> {
    conn.query_row(
        &format!("SELECT coalesce(max(pos) + 1, 0) FROM {table} WHERE estate_id = ?1"),
        [estate.as_str()],
        |r| r.get(0),
    )
    .map_err(sql("number records"))
}

/// Everything a new work order refers to that exists in the store.
fn index_for_order(conn: &Connection, estate: &EstateId, order: &WorkOrder) -> Result<Index> {
    let mut ix = Index {
        household_count: usize::try_from(
            conn.query_row(
                "SELECT count(*) FROM households WHERE estate_id = ?1",
                [estate.as_str()],
                |r| r.get::<_, i64>(0),
            )
            .map_err(sql("count households"))?,
        )
        .unwrap_or(0),
        ..Index::default()
    };
    match &order.location {
        Location::Household { household } => {
            if let Some(b) = household_building(conn, estate, household)? {
                ix.households.insert(household.clone(), b);
            }
        }
        Location::Building { building, .. } => {
            if exists(conn, "buildings", estate, building.as_str())? {
                ix.buildings.insert(building.clone());
            }
        }
        Location::CommonArea { .. } => {}
    }
    match &order.reported_by {
        Reporter::Resident { resident }
            if exists(conn, "residents", estate, resident.as_str())? =>
        {
            ix.residents.insert(resident.clone());
        }
        Reporter::Staff { staff } if exists(conn, "staff", estate, staff.as_str())? => {
            ix.staff.insert(staff.clone());
        }
        Reporter::Stakeholder { stakeholder }
            if exists(conn, "stakeholders", estate, stakeholder.as_str())? =>
        {
            ix.stakeholders.insert(stakeholder.clone());
        }
        _ => {}
    }
    if let Some(f) = &order.follow_up_of
        && let Some((reported, _)) = order_facts(conn, estate, f)?
    {
        ix.orders.insert(f.clone(), reported);
    }
    for e in &order.events {
        let staff = match e {
            WorkOrderEvent::Assigned { staff, .. } => Some(staff),
            WorkOrderEvent::Triaged { by, .. } => by.as_ref(),
            _ => None,
        };
        if let Some(s) = staff
            && exists(conn, "staff", estate, s.as_str())?
        {
            ix.staff.insert(s.clone());
        }
    }
    Ok(ix)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = r#"{"id": "tiny", "name": "Tiny", "company": {"name": "C", "branch": "B"}}"#;

    /// A store on `path` whose busy timeout is `ms` (instead of five seconds).
    fn impatient(path: &Path, ms: u64) -> Store {
        let store = Store::open(path).unwrap();
        store.conn.busy_timeout(Duration::from_millis(ms)).unwrap();
        store
    }

    #[test]
    fn a_write_retries_while_another_connection_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("busy.db");
        let tiny = Estate::from_json(TINY).unwrap();
        let mut store = impatient(&path, 0);
        let blocker = Connection::open(&path).unwrap();
        blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            blocker.execute_batch("COMMIT").unwrap();
        });
        // With no busy timeout the first attempts find the database locked;
        // a later one runs once the blocker has committed.
        store.save_estate(&tiny).unwrap();
        release.join().unwrap();
        assert_eq!(store.load_estate(&tiny.id).unwrap(), tiny);
    }

    #[test]
    fn a_lock_never_released_is_a_storage_error_after_the_retries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("busy.db");
        let mut store = impatient(&path, 0);
        let blocker = Connection::open(&path).unwrap();
        blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
        let err = store
            .save_estate(&Estate::from_json(TINY).unwrap())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Storage);
        assert!(is_busy(&err));
        assert_eq!(err.message(), "begin save: database is locked");
        blocker.execute_batch("ROLLBACK").unwrap();
        assert!(store.estate_ids().unwrap().is_empty());
    }

    #[test]
    fn connections_creating_one_file_at_once_all_succeed() {
        for round in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(format!("new-{round}.db"));
            let start = std::sync::Barrier::new(6);
            std::thread::scope(|s| {
                for _ in 0..6 {
                    s.spawn(|| {
                        start.wait();
                        let store = Store::open(&path).unwrap();
                        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
                    });
                }
            });
        }
    }
}
