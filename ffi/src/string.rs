//! Strings handed out by the library.

use std::ffi::{CString, c_char};

use crate::boundary;
use crate::error::Failure;

/// Converts an owned Rust string into a C string for an output parameter.
///
/// JSON produced by the engine never contains a NUL byte (serde escapes it as
/// `\u0000`), so a NUL here is a bug: `internal`.
pub(crate) fn to_c_string(s: String) -> Result<CString, Failure> {
    CString::new(s).map_err(|e| {
        Failure::internal(format!(
            "output contains a NUL byte at offset {}",
            e.nul_position()
        ))
    })
}

/// Releases a string returned by Steward through a `char **..._out` parameter.
///
/// NULL is a no-op. Only strings allocated by Steward may be passed here, and
/// each only once; never pass them to free(), and never pass other strings
/// (such as those from steward_version() or steward_error_message()) here.
#[unsafe(no_mangle)]
pub extern "C" fn steward_string_free(s: *mut c_char) {
    boundary::guard((), || {
        if !s.is_null() {
            // SAFETY: `s` came from CString::into_raw in this library and is
            // freed once (the caller's promise).
            drop(unsafe { CString::from_raw(s) });
        }
    })
}
