//! Typed identifiers.
//!
//! Every record has an id of its own type, so a `BuildingId` can never be passed
//! where a `HouseholdId` belongs. Ids are short strings chosen by the caller
//! (property-management systems have their own keys): 1 to 64 characters from
//! `A–Z a–z 0–9 . _ : -`. They serialise as plain JSON strings.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest id, in bytes.
pub const MAX_ID_LEN: usize = 64;

/// Checks an id string; the error says what is wrong with it.
pub(crate) fn check_id(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("invalid value: an id must not be empty".to_owned());
    }
    if s.len() > MAX_ID_LEN {
        return Err(format!(
            "invalid value: an id has at most {MAX_ID_LEN} characters, found {}",
            s.chars().count()
        ));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-')))
    {
        return Err(format!(
            "invalid value: id {s:?} contains {c:?}; allowed are A-Z a-z 0-9 . _ : -"
        ));
    }
    Ok(())
}

macro_rules! define_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Human name of the record kind this id refers to.
            pub const KIND: &'static str = $what;

            /// Makes an id, checking its characters and length.
            ///
            /// # Errors
            /// `invalid_input` if the string is empty, longer than 64 bytes or
            /// contains a character outside `A–Z a–z 0–9 . _ : -`.
            pub fn new(id: impl Into<String>) -> crate::Result<$name> {
                let id = id.into();
                match check_id(&id) {
                    Ok(()) => Ok($name(id)),
                    Err(message) => Err(crate::Error::invalid(
                        $what,
                        vec![crate::Issue::new(
                            "",
                            crate::wire::render_str(&id),
                            crate::IssueCode::InvalidValue,
                            message,
                        )],
                    )),
                }
            }

            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                check_id(&value).map(|()| $name(value))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

define_id!(
    /// Identifies an estate (a residential community, 小区).
    EstateId, "estate id");
define_id!(
    /// Identifies a building (楼栋) of an estate.
    BuildingId, "building id");
define_id!(
    /// Identifies a household (户), one dwelling unit.
    HouseholdId, "household id");
define_id!(
    /// Identifies a resident (居民).
    ResidentId, "resident id");
define_id!(
    /// Identifies a member of staff of the property company.
    StaffId, "staff id");
define_id!(
    /// Identifies a volunteer.
    VolunteerId, "volunteer id");
define_id!(
    /// Identifies a stakeholder in estate governance (community office, owners' committee…).
    StakeholderId, "stakeholder id");
define_id!(
    /// Identifies an item on the joint-meeting agenda.
    MeetingItemId, "meeting item id");
define_id!(
    /// Identifies a post that needs coverage (gate A, service desk…).
    PostId, "post id");
define_id!(
    /// Identifies a shift type (morning, night…).
    ShiftTypeId, "shift type id");
define_id!(
    /// Identifies an operating period (a closed-management period…).
    PeriodId, "period id");
define_id!(
    /// Identifies a work order (a repair or service request).
    WorkOrderId, "work order id");
define_id!(
    /// Identifies a post-service rating.
    RatingId, "rating id");
define_id!(
    /// Identifies one survey response.
    SurveyResponseId, "survey response id");
define_id!(
    /// Identifies a survey campaign (e.g. `2022-annual`).
    SurveyId, "survey id");
define_id!(
    /// Identifies a satisfaction dimension (e.g. `repairs_maintenance`).
    DimensionId, "dimension id");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_the_documented_alphabet() {
        assert!(BuildingId::new("B-1.2_x:9").is_ok());
        let err = BuildingId::new("B 1").unwrap_err();
        assert_eq!(
            err.issues()[0].message,
            "invalid value: id \"B 1\" contains ' '; allowed are A-Z a-z 0-9 . _ : -"
        );
        assert!(BuildingId::new("").is_err());
        assert!(BuildingId::new("x".repeat(65)).is_err());
        assert!(BuildingId::new("x".repeat(64)).is_ok());
    }

    #[test]
    fn ids_are_plain_json_strings() {
        let id: HouseholdId = serde_json::from_str("\"B1-0101\"").unwrap();
        assert_eq!(id.as_str(), "B1-0101");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"B1-0101\"");
        assert!(serde_json::from_str::<HouseholdId>("\"\"").is_err());
    }
}
