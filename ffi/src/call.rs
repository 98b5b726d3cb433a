//! The generic document entry point: any engine by name, JSON in, JSON out.

use std::ffi::c_char;

use crate::error::{steward_error, steward_status};
use crate::string::to_c_string;

/// Runs the document entry point named `entry` on a request document.
///
/// This is "request document in, response document out" for every entry
/// point the library has (the same table as Rust's `steward::wire::call` and
/// Python's `steward.call`): `"estate"` validates an estate and returns it
/// normalised; each engine adds its own entry. An unknown `entry` gives
/// STEWARD_STATUS_NOT_FOUND with a message listing the known ones.
///
/// `request_json` is a NUL-terminated document, read only during the call; a
/// document that is not UTF-8 is STEWARD_STATUS_INVALID_INPUT with an
/// "invalid_utf8" issue, exactly as in Rust and Python. `entry` must be UTF-8
/// (else STEWARD_STATUS_INVALID_UTF8).
///
/// On success `*response_out` receives the response JSON, owned by the
/// caller and released with steward_string_free(); on failure it is left
/// untouched. NULL `entry`, `request_json` or `response_out` gives
/// STEWARD_STATUS_NULL_ARGUMENT. `err_out`: see the header's conventions.
#[unsafe(no_mangle)]
pub extern "C" fn steward_call(
    entry: *const c_char,
    request_json: *const c_char,
    response_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_call", err_out, {
        let entry = try_str!(entry);
        let document = try_bytes!(request_json);
        let out = try_out!(response_out);
        let response = to_c_string(steward::wire::call(entry, document)?)?;
        out.write(response.into_raw());
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::ptr;

    use super::*;
    use crate::testing::{MINIMAL, c, outcome, sentinel, take};

    #[test]
    fn estate_entry_returns_the_normalised_estate() {
        let (entry, doc) = (c("estate"), c(MINIMAL));
        let mut out = sentinel::<c_char>();
        let (status, _) = outcome(|err| steward_call(entry.as_ptr(), doc.as_ptr(), &mut out, err));
        assert_eq!(status, steward_status::Ok);
        assert_eq!(
            take(out),
            steward::Estate::from_json(MINIMAL).unwrap().to_json()
        );
    }

    #[test]
    fn unknown_entry_is_not_found_and_nulls_are_named() {
        let (entry, doc) = (c("horoscope"), c("{}"));
        let mut out = sentinel::<c_char>();
        let (status, json) =
            outcome(|err| steward_call(entry.as_ptr(), doc.as_ptr(), &mut out, err));
        assert_eq!(status, steward_status::NotFound);
        assert!(
            json.contains("no document entry point named \\\"horoscope\\\""),
            "{json}"
        );
        let (status, json) = outcome(|err| steward_call(ptr::null(), doc.as_ptr(), &mut out, err));
        assert_eq!(status, steward_status::NullArgument);
        assert!(json.contains("steward_call: entry:"), "{json}");
        let (status, _) =
            outcome(|err| steward_call(entry.as_ptr(), doc.as_ptr(), ptr::null_mut(), err));
        assert_eq!(status, steward_status::NullArgument);
    }
}
