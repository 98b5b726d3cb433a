//! Schema migrations, keyed on `PRAGMA user_version`.
//!
//! Migration `n` (1-based) takes a database from version `n - 1` to `n`. They run
//! in one transaction on open; a database written by a newer Steward is refused
//! rather than touched.

/// `PRAGMA application_id` of a Steward database: ASCII "STWD".
pub(crate) const APPLICATION_ID: i32 = 0x5354_5744;

/// Every migration, in order. Never edit a released entry; append a new one.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the estate model.
    r#"
CREATE TABLE estates (
    id         TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    header     TEXT NOT NULL
) STRICT;

CREATE TABLE buildings (
    estate_id  TEXT NOT NULL REFERENCES estates(id),
    id         TEXT NOT NULL,
    pos        INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    PRIMARY KEY (estate_id, id)
) STRICT;

CREATE TABLE households (
    estate_id   TEXT NOT NULL REFERENCES estates(id),
    id          TEXT NOT NULL,
    pos         INTEGER NOT NULL,
    building_id TEXT NOT NULL,
    doc         TEXT NOT NULL,
    PRIMARY KEY (estate_id, id),
    FOREIGN KEY (estate_id, building_id) REFERENCES buildings(estate_id, id)
        DEFERRABLE INITIALLY DEFERRED
) STRICT;

CREATE TABLE residents (
    estate_id    TEXT NOT NULL REFERENCES estates(id),
    id           TEXT NOT NULL,
    pos          INTEGER NOT NULL,
    household_id TEXT NOT NULL,
    doc          TEXT NOT NULL,
    PRIMARY KEY (estate_id, id),
    FOREIGN KEY (estate_id, household_id) REFERENCES households(estate_id, id)
        DEFERRABLE INITIALLY DEFERRED
) STRICT;

CREATE TABLE staff (
    estate_id  TEXT NOT NULL REFERENCES estates(id),
    id         TEXT NOT NULL,
    pos        INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    PRIMARY KEY (estate_id, id)
) STRICT;

CREATE TABLE volunteers (
    estate_id  TEXT NOT NULL REFERENCES estates(id),
    id         TEXT NOT NULL,
    pos        INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    PRIMARY KEY (estate_id, id)
) STRICT;

CREATE TABLE stakeholders (
    estate_id  TEXT NOT NULL REFERENCES estates(id),
    id         TEXT NOT NULL,
    pos        INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    PRIMARY KEY (estate_id, id)
) STRICT;

CREATE TABLE meeting_items (
    estate_id  TEXT NOT NULL REFERENCES estates(id),
    id         TEXT NOT NULL,
    pos        INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    PRIMARY KEY (estate_id, id)
) STRICT;

CREATE TABLE shift_types (
    estate_id  TEXT NOT NULL REFERENCES estates(id),
    id         TEXT NOT NULL,
    pos        INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    PRIMARY KEY (estate_id, id)
) STRICT;

CREATE TABLE posts (
    estate_id  TEXT NOT NULL REFERENCES estates(id),
    id         TEXT NOT NULL,
    pos        INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    PRIMARY KEY (estate_id, id)
) STRICT;

CREATE TABLE operating_periods (
    estate_id  TEXT NOT NULL REFERENCES estates(id),
    id         TEXT NOT NULL,
    pos        INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    PRIMARY KEY (estate_id, id)
) STRICT;

CREATE TABLE work_orders (
    estate_id    TEXT NOT NULL REFERENCES estates(id),
    id           TEXT NOT NULL,
    pos          INTEGER NOT NULL,
    category     TEXT NOT NULL,
    status       TEXT NOT NULL,
    building_id  TEXT,
    household_id TEXT,
    reported_us  INTEGER NOT NULL,
    follow_up_of TEXT,
    doc          TEXT NOT NULL,
    PRIMARY KEY (estate_id, id),
    FOREIGN KEY (estate_id, building_id) REFERENCES buildings(estate_id, id)
        DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (estate_id, household_id) REFERENCES households(estate_id, id)
        DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (estate_id, follow_up_of) REFERENCES work_orders(estate_id, id)
        DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX work_orders_by_status ON work_orders (estate_id, status, reported_us);
CREATE INDEX work_orders_by_building ON work_orders (estate_id, building_id, reported_us);

CREATE TABLE work_order_events (
    estate_id  TEXT NOT NULL,
    order_id   TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    type       TEXT NOT NULL,
    at_us      INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    PRIMARY KEY (estate_id, order_id, seq),
    FOREIGN KEY (estate_id, order_id) REFERENCES work_orders(estate_id, id)
) STRICT;
CREATE TRIGGER work_order_events_append_only_update BEFORE UPDATE ON work_order_events
BEGIN SELECT RAISE(ABORT, 'work order events are append-only'); END;
CREATE TRIGGER work_order_events_append_only_delete BEFORE DELETE ON work_order_events
BEGIN SELECT RAISE(ABORT, 'work order events are append-only'); END;

CREATE TABLE ratings (
    estate_id     TEXT NOT NULL REFERENCES estates(id),
    id            TEXT NOT NULL,
    pos           INTEGER NOT NULL,
    work_order_id TEXT NOT NULL,
    building_id   TEXT,
    at_us         INTEGER NOT NULL,
    doc           TEXT NOT NULL,
    PRIMARY KEY (estate_id, id),
    FOREIGN KEY (estate_id, work_order_id) REFERENCES work_orders(estate_id, id)
        DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX ratings_by_time ON ratings (estate_id, at_us);
CREATE INDEX ratings_by_building ON ratings (estate_id, building_id, at_us);

CREATE TABLE survey_responses (
    estate_id   TEXT NOT NULL REFERENCES estates(id),
    id          TEXT NOT NULL,
    pos         INTEGER NOT NULL,
    survey_id   TEXT NOT NULL,
    building_id TEXT NOT NULL,
    at_us       INTEGER NOT NULL,
    doc         TEXT NOT NULL,
    PRIMARY KEY (estate_id, id),
    FOREIGN KEY (estate_id, building_id) REFERENCES buildings(estate_id, id)
        DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX survey_responses_by_time ON survey_responses (estate_id, at_us);
CREATE INDEX survey_responses_by_building ON survey_responses (estate_id, building_id, at_us);
"#,
];

/// The schema version this library writes and reads.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;
