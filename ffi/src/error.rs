//! Statuses, error objects and the thread-local last error.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{CString, c_char};

use serde::Serialize;
use steward::ErrorKind;

use crate::boundary;
use crate::handle::{self, Castable};

/// The outcome of a Steward call.
///
/// `STEWARD_STATUS_OK` (0) is success. Codes 1-6 are the kinds of error the
/// engine reports (the `kind` field of the error JSON); codes from 100 are
/// raised by the C glue itself. Numbers are never reused or renumbered; new
/// codes may be added, so treat an unknown code as a failure.
///
/// In C the type is `uint32_t`; the enumerators are its values.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum steward_status {
    /// Success.
    Ok = 0,
    /// The input was malformed or broke a rule; the error JSON lists the issues
    /// (`kind` "invalid_input").
    InvalidInput = 1,
    /// Something named by id does not exist (`kind` "not_found").
    NotFound = 2,
    /// The operation conflicts with stored data (`kind` "conflict").
    Conflict = 3,
    /// The request is well-formed but cannot be satisfied (`kind` "infeasible").
    Infeasible = 4,
    /// The database could not be opened, read or written (`kind` "storage").
    Storage = 5,
    /// A bug in Steward, or a store made unusable by an earlier panic
    /// (`kind` "internal").
    Internal = 6,
    /// A pointer argument that must not be NULL was NULL; the error names the
    /// parameter (`kind` "null_argument").
    NullArgument = 100,
    /// A string argument was not valid UTF-8; the error names the parameter
    /// (`kind` "invalid_utf8").
    InvalidUtf8 = 101,
    /// Steward panicked; the panic was caught at the boundary. Please report
    /// it (`kind` "panic").
    Panic = 102,
    /// A handle argument was not NULL but is not a live handle of the expected
    /// type: it was freed already, is another kind of handle, or was never
    /// returned by Steward. The call did nothing; the error names the
    /// parameter (`kind` "invalid_handle").
    InvalidHandle = 103,
}

impl steward_status {
    /// The status of a core error kind (1:1; unknown future kinds → internal).
    pub(crate) fn of_kind(kind: ErrorKind) -> steward_status {
        match kind {
            ErrorKind::InvalidInput => steward_status::InvalidInput,
            ErrorKind::NotFound => steward_status::NotFound,
            ErrorKind::Conflict => steward_status::Conflict,
            ErrorKind::Infeasible => steward_status::Infeasible,
            ErrorKind::Storage => steward_status::Storage,
            _ => steward_status::Internal,
        }
    }
}

/// Why a call failed, before it is turned into C strings.
#[derive(Debug)]
pub(crate) enum Failure {
    /// An error from the core crate, passed on unchanged.
    Core(steward::Error),
    /// A pointer that must not be NULL was NULL.
    NullArgument { param: &'static str },
    /// A string argument was not UTF-8; `offset` is the first bad byte.
    InvalidUtf8 { param: &'static str, offset: usize },
    /// A panic caught at the boundary, with its message if it had one.
    Panic { message: String },
    /// A handle that is not live (freed, mistyped or foreign); `expected` is
    /// the C name of the handle type the parameter takes.
    InvalidHandle {
        param: &'static str,
        expected: &'static str,
    },
}

impl From<steward::Error> for Failure {
    fn from(e: steward::Error) -> Failure {
        Failure::Core(e)
    }
}

impl Failure {
    /// A failure describing a caught panic payload.
    pub(crate) fn panic(payload: &(dyn Any + Send)) -> Failure {
        let message = if let Some(s) = payload.downcast_ref::<&'static str>() {
            (*s).to_owned()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            String::from("(no message)")
        };
        Failure::Panic { message }
    }

    /// An `internal` core error.
    pub(crate) fn internal(message: impl Into<String>) -> Failure {
        Failure::Core(steward::Error::internal(message))
    }

    fn status(&self) -> steward_status {
        match self {
            Failure::Core(e) => steward_status::of_kind(e.kind()),
            Failure::NullArgument { .. } => steward_status::NullArgument,
            Failure::InvalidUtf8 { .. } => steward_status::InvalidUtf8,
            Failure::Panic { .. } => steward_status::Panic,
            Failure::InvalidHandle { .. } => steward_status::InvalidHandle,
        }
    }

    /// Renders the failure of the function `func` as an error object.
    pub(crate) fn into_data(self, func: &str) -> ErrorData {
        let status = self.status();
        let (message, json) = match self {
            Failure::Core(e) => (e.message().to_owned(), e.to_json()),
            Failure::NullArgument { param } => glue(
                "null_argument",
                func,
                vec![GlueIssue {
                    path: param,
                    value: String::new(),
                    code: "null_argument",
                    message: String::from("expected a non-NULL pointer, found NULL"),
                }],
            ),
            Failure::InvalidUtf8 { param, offset } => glue(
                "invalid_utf8",
                func,
                vec![GlueIssue {
                    path: param,
                    value: format!("byte {offset}"),
                    code: "invalid_utf8",
                    message: format!("string is not valid UTF-8 (invalid byte at offset {offset})"),
                }],
            ),
            Failure::InvalidHandle { param, expected } => glue(
                "invalid_handle",
                func,
                vec![GlueIssue {
                    path: param,
                    value: String::new(),
                    code: "invalid_handle",
                    message: format!(
                        "expected a live {expected}, found a handle that was freed already, is of another type, or was not created by Steward"
                    ),
                }],
            ),
            Failure::Panic { message } => {
                glue_json("panic", format!("{func} panicked: {message}"), Vec::new())
            }
        };
        ErrorData {
            status,
            message: c_string_lossy(message),
            json: c_string_lossy(json),
        }
    }
}

/// One issue of a glue error, serialised like `steward::Issue`.
#[derive(Serialize)]
struct GlueIssue {
    path: &'static str,
    value: String,
    code: &'static str,
    message: String,
}

/// Message and JSON of a glue error about one argument:
/// `"<func>: <param>: <issue message>"`.
fn glue(kind: &'static str, func: &str, issues: Vec<GlueIssue>) -> (String, String) {
    let message = match issues.first() {
        Some(issue) => format!("{func}: {}: {}", issue.path, issue.message),
        None => format!("{func}: {kind}"),
    };
    glue_json(kind, message, issues)
}

fn glue_json(kind: &'static str, message: String, issues: Vec<GlueIssue>) -> (String, String) {
    #[derive(Serialize)]
    struct Wire<'a> {
        kind: &'a str,
        message: &'a str,
        issues: &'a [GlueIssue],
    }
    let json = serde_json::to_string(&Wire {
        kind,
        message: &message,
        issues: &issues,
    })
    .unwrap_or_else(|_| {
        String::from(r#"{"kind":"internal","message":"error not serialisable","issues":[]}"#)
    });
    (message, json)
}

/// A Rust string as a C string; an embedded NUL (impossible in JSON, rare in
/// messages) is written as the two characters `\0`.
fn c_string_lossy(s: String) -> CString {
    CString::new(s).unwrap_or_else(|e| {
        let text = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\\0");
        CString::new(text).unwrap_or_default()
    })
}

/// What a `steward_error` holds.
#[derive(Debug, Clone)]
pub(crate) struct ErrorData {
    pub(crate) status: steward_status,
    pub(crate) message: CString,
    pub(crate) json: CString,
}

/// Details of a failed call: a status, a message and the error as JSON.
///
/// Created by the library when a call fails and its `err_out` parameter is not
/// NULL; owned by the caller, who releases it with steward_error_free(). It
/// holds no reference to anything else, so it may be kept, read from any
/// thread, and freed after the store that produced it.
pub struct steward_error {
    _private: [u8; 0],
}

impl Castable for steward_error {
    type RustType = ErrorData;
    const C_NAME: &'static str = "steward_error";
}

/// The status of an error object.
///
/// Returns STEWARD_STATUS_OK when `err` is NULL (no error: that is what a
/// successful call leaves in `*err_out`), and STEWARD_STATUS_INVALID_HANDLE
/// when `err` was freed already or is not a steward_error.
#[unsafe(no_mangle)]
pub extern "C" fn steward_error_status(err: *const steward_error) -> steward_status {
    boundary::guard(steward_status::Panic, || {
        // SAFETY: `err` is not freed during the call (the caller's promise).
        match unsafe { handle::lookup(err) } {
            handle::Lookup::Live(data) => data.status,
            handle::Lookup::Null => steward_status::Ok,
            handle::Lookup::Stale(_) => steward_status::InvalidHandle,
        }
    })
}

/// The error's message: one human-readable sentence (for core errors exactly
/// the engine's message, e.g. `invalid estate: buildings[0].floors: ...`).
///
/// The string is borrowed from `err`: valid until steward_error_free(err);
/// do not free it. Returns "" (a static empty string) when `err` is NULL, was
/// freed already, or is not a steward_error.
#[unsafe(no_mangle)]
pub extern "C" fn steward_error_message(err: *const steward_error) -> *const c_char {
    boundary::guard(EMPTY.as_ptr(), || {
        // SAFETY: `err` is NULL or a live steward_error from this library.
        match unsafe { handle::try_ref(err) } {
            Some(data) => data.message.as_ptr(),
            None => EMPTY.as_ptr(),
        }
    })
}

/// The error as compact JSON:
/// `{"kind":"...","message":"...","issues":[{"path":"...","value":"...","code":"...","message":"..."}]}`.
///
/// For engine errors (statuses 1-6) this is byte for byte what the Rust
/// `steward::Error::to_json()` and the Python `to_dict()` give, and what the
/// shared test vectors expect. For glue errors `kind` is "null_argument",
/// "invalid_utf8", "invalid_handle" or "panic"; all but "panic" carry one
/// issue whose `path` is the parameter's name (e.g. "estate_json") and whose
/// `code` equals `kind`.
///
/// The string is borrowed from `err`: valid until steward_error_free(err);
/// do not free it. Returns "" (a static empty string) when `err` is NULL, was
/// freed already, or is not a steward_error.
#[unsafe(no_mangle)]
pub extern "C" fn steward_error_json(err: *const steward_error) -> *const c_char {
    boundary::guard(EMPTY.as_ptr(), || {
        // SAFETY: `err` is NULL or a live steward_error from this library.
        match unsafe { handle::try_ref(err) } {
            Some(data) => data.json.as_ptr(),
            None => EMPTY.as_ptr(),
        }
    })
}

/// Releases an error object received through an `err_out` parameter.
///
/// NULL is a no-op. After this call the strings returned by
/// steward_error_message() and steward_error_json() for `err` are invalid.
/// Freeing the same error twice is detected and ignored, as is a pointer that
/// is not a steward_error; the error must not be freed while another thread
/// is reading it.
#[unsafe(no_mangle)]
pub extern "C" fn steward_error_free(err: *mut steward_error) {
    boundary::guard((), || {
        // SAFETY: `err` is NULL or an owned steward_error from this library.
        unsafe { handle::free_box(err) }
    })
}

/// The message of the most recent status-returning Steward call on the
/// calling thread, or "" if that call succeeded (or there was none).
///
/// Every function that returns a steward_status sets or clears this state;
/// the functions that return no status (steward_version(), the *_free()
/// functions and the steward_error_* / steward_last_error_* accessors) leave it
/// alone. Each thread has its own state, so calls on other threads never
/// change it.
///
/// The string is owned by the library: do not free it. It stays valid until
/// the next status-returning Steward call on the same thread (or the thread's
/// exit); copy it to keep it longer.
#[unsafe(no_mangle)]
pub extern "C" fn steward_last_error_message() -> *const c_char {
    boundary::guard(EMPTY.as_ptr(), || {
        last_error_ptr(|data| data.message.as_ptr())
    })
}

/// The error JSON (same form as steward_error_json()) of the most recent
/// status-returning Steward call on the calling thread, or "" if that call
/// succeeded (or there was none).
///
/// Same rules and lifetime as steward_last_error_message(): owned by the
/// library, valid until the next status-returning Steward call on the same
/// thread; do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn steward_last_error_json() -> *const c_char {
    boundary::guard(EMPTY.as_ptr(), || last_error_ptr(|data| data.json.as_ptr()))
}

/// The static empty C string returned for "no error".
pub(crate) const EMPTY: &std::ffi::CStr = c"";

thread_local! {
    static LAST_ERROR: RefCell<Option<ErrorData>> = const { RefCell::new(None) };
}

/// Records the outcome of a status-returning call on this thread.
pub(crate) fn set_last_error(outcome: Option<&ErrorData>) {
    // `try_with` fails only while the thread is being torn down: nothing to keep then.
    let _ = LAST_ERROR.try_with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = outcome.cloned();
        }
    });
}

fn last_error_ptr(field: impl Fn(&ErrorData) -> *const c_char) -> *const c_char {
    LAST_ERROR
        .try_with(|cell| match cell.try_borrow() {
            Ok(slot) => slot.as_ref().map(&field),
            Err(_) => None,
        })
        .ok()
        .flatten()
        .unwrap_or(EMPTY.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_stable() {
        let codes = [
            (steward_status::Ok, 0),
            (steward_status::InvalidInput, 1),
            (steward_status::NotFound, 2),
            (steward_status::Conflict, 3),
            (steward_status::Infeasible, 4),
            (steward_status::Storage, 5),
            (steward_status::Internal, 6),
            (steward_status::NullArgument, 100),
            (steward_status::InvalidUtf8, 101),
            (steward_status::Panic, 102),
            (steward_status::InvalidHandle, 103),
        ];
        for (status, code) in codes {
            assert_eq!(status as u32, code, "{status:?}");
        }
        for kind in ErrorKind::ALL {
            let status = steward_status::of_kind(kind);
            assert_eq!(
                status as u32,
                ErrorKind::ALL.iter().position(|k| *k == kind).unwrap() as u32 + 1
            );
        }
    }

    #[test]
    fn glue_errors_have_the_core_shape() {
        let data = Failure::NullArgument {
            param: "estate_json",
        }
        .into_data("steward_estate_validate");
        assert_eq!(data.status, steward_status::NullArgument);
        assert_eq!(
            data.message.to_str().unwrap(),
            "steward_estate_validate: estate_json: expected a non-NULL pointer, found NULL"
        );
        assert_eq!(
            data.json.to_str().unwrap(),
            r#"{"kind":"null_argument","message":"steward_estate_validate: estate_json: expected a non-NULL pointer, found NULL","issues":[{"path":"estate_json","value":"","code":"null_argument","message":"expected a non-NULL pointer, found NULL"}]}"#
        );

        let data = Failure::InvalidUtf8 {
            param: "path",
            offset: 3,
        }
        .into_data("steward_store_open");
        assert_eq!(
            data.json.to_str().unwrap(),
            r#"{"kind":"invalid_utf8","message":"steward_store_open: path: string is not valid UTF-8 (invalid byte at offset 3)","issues":[{"path":"path","value":"byte 3","code":"invalid_utf8","message":"string is not valid UTF-8 (invalid byte at offset 3)"}]}"#
        );

        let data = Failure::Panic {
            message: String::from("boom \"quoted\""),
        }
        .into_data("steward_demo_estate");
        assert_eq!(data.status, steward_status::Panic);
        assert_eq!(
            data.json.to_str().unwrap(),
            r#"{"kind":"panic","message":"steward_demo_estate panicked: boom \"quoted\"","issues":[]}"#
        );
    }

    #[test]
    fn core_errors_pass_through_unchanged() {
        let core = steward::Error::not_found("estate", "E9");
        let expected = core.to_json();
        let data = Failure::from(core).into_data("steward_store_load_estate");
        assert_eq!(data.status, steward_status::NotFound);
        assert_eq!(data.json.to_str().unwrap(), expected);
        assert_eq!(data.message.to_str().unwrap(), r#"estate "E9" not found"#);
    }

    #[test]
    fn embedded_nul_in_a_message_is_escaped() {
        let data = Failure::internal("a\0b").into_data("f");
        assert_eq!(data.message.to_str().unwrap(), "a\\0b");
        assert!(data.json.to_str().unwrap().contains(r"a\u0000b"));
    }
}
