//! # Steward: the operations engine of a residential estate
//!
//! Steward holds the domain model of an estate — buildings, households,
//! residents, staff, volunteers, posts, shifts, work orders, ratings and
//! surveys — and persists it in an embedded SQLite [`Store`]. The same model
//! and documents are exposed through a C ABI (`libsteward`) and a Python module
//! (`import steward`).
//!
//! ```
//! use steward::{demo, Store};
//!
//! let estate = demo::estate();                 // the reference estate, built deterministically
//! assert_eq!(estate.buildings.len(), 9);
//!
//! let mut store = Store::open_in_memory()?;
//! store.save_estate(&estate)?;
//! let loaded = store.load_estate(&estate.id)?;
//! assert_eq!(loaded, estate);                  // whatever is saved loads back equal
//! # Ok::<(), steward::Error>(())
//! ```
//!
//! Bad input gets a typed error naming the field and the value:
//!
//! ```
//! let err = steward::Estate::from_json(r#"{"id": "e1", "name": "X",
//!     "company": {"name": "C", "branch": "B"},
//!     "households": [{"id": "H1", "building": "B9", "unit": "101",
//!                     "floor": 1, "tenure": "owner"}]}"#).unwrap_err();
//! assert_eq!(err.kind(), steward::ErrorKind::InvalidInput);
//! assert_eq!(err.issues()[0].path, "households[0].building");
//! assert_eq!(err.issues()[0].message, "building \"B9\" does not exist");
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod demo;
pub mod dispatch;
mod error;
mod model;
pub mod report;
pub mod roster;
pub mod satisfaction;
mod store;
pub mod wire;

pub use error::{Error, ErrorKind, Issue, IssueCode, MAX_VALUE_CHARS, Result};
pub use model::*;
pub use store::{Filter, SCHEMA_VERSION, Store};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// DESIGN.md's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../DESIGN.md")]
pub struct DesignDoctests;

/// The library version, from Cargo.toml.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
