//! One error type for the whole library.
//!
//! Every fallible function in Steward returns [`Result<T>`], whose error is
//! [`Error`]. An error has a [`kind`](Error::kind) (a small, stable set that the
//! C ABI and the Python module map one to one), a human-readable
//! [`message`](Error::message), and — for invalid input — the list of
//! [`Issue`]s found, each naming the field path and the offending value.
//!
//! Validation collects *all* issues before failing, so a caller fixing a
//! document sees every problem at once. Storage and internal errors fail fast.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Result type used throughout Steward.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in a small stable set of categories.
///
/// The [`code`](ErrorKind::code) slug is part of the public contract: the C ABI
/// maps each kind to a `STEWARD_STATUS_*` value and the Python module to an
/// exception class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input was malformed or violated a rule; see [`Error::issues`].
    InvalidInput,
    /// Something referred to by id does not exist.
    NotFound,
    /// The operation conflicts with existing data (duplicate id, illegal state change).
    Conflict,
    /// The request is well-formed but cannot be satisfied (no feasible plan).
    Infeasible,
    /// The database could not be opened, read or written.
    Storage,
    /// A bug in Steward. Please report it.
    Internal,
}

impl ErrorKind {
    /// All kinds, in code order.
    pub const ALL: [ErrorKind; 6] = [
        ErrorKind::InvalidInput,
        ErrorKind::NotFound,
        ErrorKind::Conflict,
        ErrorKind::Infeasible,
        ErrorKind::Storage,
        ErrorKind::Internal,
    ];

    /// Stable snake_case slug, e.g. `"invalid_input"`.
    ///
    /// ```
    /// assert_eq!(steward::ErrorKind::NotFound.code(), "not_found");
    /// ```
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Infeasible => "infeasible",
            ErrorKind::Storage => "storage",
            ErrorKind::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why one part of an input was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IssueCode {
    /// The text is not valid JSON.
    Syntax,
    /// The bytes are not valid UTF-8.
    InvalidUtf8,
    /// A value has the wrong JSON type (a string where a number belongs).
    InvalidType,
    /// A value has the right type but is not acceptable (bad timestamp, bad id).
    InvalidValue,
    /// An object has a field the schema does not know.
    UnknownField,
    /// A string is not one of the allowed enumeration values.
    UnknownVariant,
    /// A required field is absent.
    MissingField,
    /// A list or tuple has the wrong number of elements.
    InvalidLength,
    /// A field appears twice in one object.
    DuplicateField,
    /// A number is outside its allowed range.
    OutOfRange,
    /// Two records of one kind share an id.
    DuplicateId,
    /// A reference names a record that does not exist.
    DanglingReference,
    /// A lifecycle event is not allowed in the order's current state.
    InvalidTransition,
    /// Timestamps go backwards.
    OutOfOrder,
    /// Two date ranges overlap where they must not.
    Overlap,
    /// A text field is empty or too long.
    InvalidText,
}

impl IssueCode {
    /// Stable snake_case slug, e.g. `"unknown_field"`.
    pub fn as_str(self) -> &'static str {
        match self {
            IssueCode::Syntax => "syntax",
            IssueCode::InvalidUtf8 => "invalid_utf8",
            IssueCode::InvalidType => "invalid_type",
            IssueCode::InvalidValue => "invalid_value",
            IssueCode::UnknownField => "unknown_field",
            IssueCode::UnknownVariant => "unknown_variant",
            IssueCode::MissingField => "missing_field",
            IssueCode::InvalidLength => "invalid_length",
            IssueCode::DuplicateField => "duplicate_field",
            IssueCode::OutOfRange => "out_of_range",
            IssueCode::DuplicateId => "duplicate_id",
            IssueCode::DanglingReference => "dangling_reference",
            IssueCode::InvalidTransition => "invalid_transition",
            IssueCode::OutOfOrder => "out_of_order",
            IssueCode::Overlap => "overlap",
            IssueCode::InvalidText => "invalid_text",
        }
    }
}

impl fmt::Display for IssueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in an input: where, what value, which rule, and a sentence.
///
/// `path` uses the JSON path of the field, e.g. `households[3].building`;
/// `value` is the offending value rendered as compact JSON and cut to at most
/// 80 characters (empty when there is no value, as for a missing field).
/// Personal data (names, phone numbers) is never copied into `value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issue {
    /// Path of the field, e.g. `work_orders[2].events[1].at`; empty for the whole document.
    pub path: String,
    /// The offending value, as compact JSON, at most 80 characters.
    pub value: String,
    /// Which rule was broken.
    pub code: IssueCode,
    /// A sentence saying what was expected and what was found.
    pub message: String,
}

/// Longest rendering of a value inside an [`Issue`], in characters.
pub const MAX_VALUE_CHARS: usize = 80;

impl Issue {
    /// Builds an issue, cutting `value` to [`MAX_VALUE_CHARS`].
    pub fn new(
        path: impl Into<String>,
        value: impl Into<String>,
        code: IssueCode,
        message: impl Into<String>,
    ) -> Issue {
        Issue {
            path: path.into(),
            value: truncate_value(value.into()),
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "(document)"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.message)
    }
}

pub(crate) fn truncate_value(value: String) -> String {
    if value.chars().count() <= MAX_VALUE_CHARS {
        return value;
    }
    let mut cut: String = value.chars().take(MAX_VALUE_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// The error type of every fallible Steward function.
///
/// ```
/// use steward::{Estate, ErrorKind};
/// let err = Estate::from_json(r#"{"id": "e1", "colour": "blue"}"#).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidInput);
/// assert_eq!(err.issues()[0].path, "colour");
/// ```
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    issues: Vec<Issue>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// A new error of `kind` with a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            issues: Vec::new(),
            source: None,
        }
    }

    /// An `invalid_input` error carrying the issues found.
    ///
    /// The message summarises them: the first issue and how many more there are.
    pub fn invalid(what: &str, issues: Vec<Issue>) -> Error {
        let message = match issues.as_slice() {
            [] => format!("invalid {what}"),
            [only] => format!("invalid {what}: {only}"),
            [first, rest @ ..] => format!(
                "invalid {what}: {first} (and {} more issue{})",
                rest.len(),
                if rest.len() == 1 { "" } else { "s" }
            ),
        };
        Error {
            kind: ErrorKind::InvalidInput,
            message,
            issues,
            source: None,
        }
    }

    /// A `not_found` error naming what was looked for.
    pub fn not_found(what: &str, id: &str) -> Error {
        Error::new(ErrorKind::NotFound, format!("{what} {id:?} not found"))
    }

    /// A `conflict` error.
    pub fn conflict(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Conflict, message)
    }

    /// A `storage` error naming the operation.
    pub fn storage(
        operation: &str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        Error {
            kind: ErrorKind::Storage,
            message: format!("{operation}: {source}"),
            issues: Vec::new(),
            source: Some(Box::new(source)),
        }
    }

    /// An `internal` error: a bug in Steward.
    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Internal, message)
    }

    /// Attaches an underlying cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Error {
        self.source = Some(Box::new(source));
        self
    }

    /// The category of the error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The full human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The issues found in the input (empty unless the kind is `invalid_input`).
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// Serialises the error as the JSON object used at every boundary:
    /// `{"kind": "...", "message": "...", "issues": [...]}`.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Wire<'a> {
            kind: ErrorKind,
            message: &'a str,
            issues: &'a [Issue],
        }
        serde_json::to_string(&Wire {
            kind: self.kind,
            message: &self.message,
            issues: &self.issues,
        })
        .unwrap_or_else(|_| {
            String::from(r#"{"kind":"internal","message":"error not serialisable","issues":[]}"#)
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_summarises_issues() {
        let one = Error::invalid(
            "estate",
            vec![Issue::new(
                "buildings[0].floors",
                "0",
                IssueCode::OutOfRange,
                "expected 1 to 200 floors, found 0",
            )],
        );
        assert_eq!(
            one.message(),
            "invalid estate: buildings[0].floors: expected 1 to 200 floors, found 0"
        );
        let two = Error::invalid(
            "estate",
            vec![
                Issue::new("a", "1", IssueCode::OutOfRange, "bad a"),
                Issue::new("b", "2", IssueCode::OutOfRange, "bad b"),
            ],
        );
        assert_eq!(two.message(), "invalid estate: a: bad a (and 1 more issue)");
        assert_eq!(two.kind().code(), "invalid_input");
    }

    #[test]
    fn long_values_are_cut_to_80_chars() {
        let issue = Issue::new("x", "y".repeat(200), IssueCode::InvalidValue, "m");
        assert_eq!(issue.value.chars().count(), MAX_VALUE_CHARS);
        assert!(issue.value.ends_with('…'));
    }

    #[test]
    fn json_form_is_stable() {
        let err = Error::not_found("building", "B9");
        assert_eq!(
            err.to_json(),
            r#"{"kind":"not_found","message":"building \"B9\" not found","issues":[]}"#
        );
    }
}
