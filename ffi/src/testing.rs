//! Helpers for the unit tests, which call the exported functions the way C
//! does (rustls-ffi style).

use std::ffi::{CStr, CString, c_char};
use std::ptr;

use crate::error::{
    steward_error, steward_error_free, steward_error_json, steward_error_status,
    steward_last_error_json, steward_last_error_message, steward_status,
};
use crate::string::steward_string_free;

/// A smallest valid estate document.
pub(crate) const MINIMAL: &str =
    r#"{"id": "tiny", "name": "Tiny", "company": {"name": "C", "branch": "B"}}"#;

/// A NUL-terminated copy of `s`.
pub(crate) fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// Reads a borrowed C string.
pub(crate) fn read(p: *const c_char) -> String {
    assert!(!p.is_null());
    // SAFETY: tests pass strings returned by the library.
    unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned()
}

/// Takes an owned output string: reads it and frees it.
pub(crate) fn take(p: *mut c_char) -> String {
    let s = read(p);
    steward_string_free(p);
    s
}

/// Runs `call` with an `err_out`, checks that the status, the error object and
/// the thread-local last error agree, and returns the status and error JSON
/// ("" on success).
pub(crate) fn outcome(
    call: impl FnOnce(*mut *mut steward_error) -> steward_status,
) -> (steward_status, String) {
    let mut err: *mut steward_error = 0xdead as *mut steward_error;
    let status = call(&mut err);
    if status == steward_status::Ok {
        assert!(err.is_null(), "err_out is set to NULL on success");
        assert_eq!(read(steward_last_error_message()), "");
        assert_eq!(read(steward_last_error_json()), "");
        return (status, String::new());
    }
    assert!(!err.is_null(), "err_out receives an error on failure");
    assert_eq!(steward_error_status(err), status);
    let json = read(steward_error_json(err));
    assert_eq!(read(steward_last_error_json()), json);
    steward_error_free(err);
    (status, json)
}

/// A pointer that must not be written: the test checks it is unchanged.
pub(crate) fn sentinel<T>() -> *mut T {
    ptr::dangling_mut::<T>()
}
