//! Personal data, marked as such.
//!
//! Names, phone numbers and free-text comments written by residents are
//! personal data. They are wrapped in [`Personal`], whose `Debug` output is
//! redacted so they never reach logs by accident, and which
//! [`Estate::redacted`](crate::Estate::redacted) blanks out for exports.
//! Serialisation keeps the value, because the store must keep it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The text that replaces personal data in redacted output.
pub const REDACTED: &str = "<redacted>";

/// A piece of personal data (a name, a phone number, a comment).
///
/// ```
/// use steward::Personal;
/// let phone = Personal::new("13800000000");
/// assert_eq!(format!("{phone:?}"), "Personal(<redacted>)");
/// assert_eq!(phone.expose(), "13800000000");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Personal(String);

impl Personal {
    /// Wraps a value as personal data.
    pub fn new(value: impl Into<String>) -> Personal {
        Personal(value.into())
    }

    /// The value itself. Call this only where the person's data is needed
    /// (storing it, showing it to staff); never in logs or analytics.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The same field with the value replaced by [`REDACTED`].
    pub fn redacted(&self) -> Personal {
        Personal(REDACTED.to_owned())
    }
}

impl fmt::Debug for Personal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Personal({REDACTED})")
    }
}
