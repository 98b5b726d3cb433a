//! Estate documents: validation and the demo estate.

use std::ffi::c_char;

use crate::error::{steward_error, steward_status};
use crate::string::to_c_string;

/// Parses and validates an estate document.
///
/// `estate_json` is a NUL-terminated estate document (the JSON contract of
/// steward::Estate). The call succeeds (STEWARD_STATUS_OK) when the document
/// is well-formed and breaks no rule. Otherwise it fails with
/// STEWARD_STATUS_INVALID_INPUT and the error JSON lists every issue found
/// (field path, offending value, code, message), byte for byte as the Rust
/// and Python libraries report it. A document that is not UTF-8 is such an
/// invalid input too (an issue with code "invalid_utf8"), not
/// STEWARD_STATUS_INVALID_UTF8.
///
/// `normalised_json_out` may be NULL. When it is not NULL and the call
/// succeeds, it receives the estate re-serialised as compact JSON in the
/// library's canonical form; the caller owns it and releases it with
/// steward_string_free(). On failure it is left untouched.
///
/// `estate_json` is only read during the call. NULL `estate_json` gives
/// STEWARD_STATUS_NULL_ARGUMENT. `err_out`: see the header's conventions.
#[unsafe(no_mangle)]
pub extern "C" fn steward_estate_validate(
    estate_json: *const c_char,
    normalised_json_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_estate_validate", err_out, {
        let document = try_bytes!(estate_json);
        let out = crate::boundary::Out::new(normalised_json_out);
        let estate = steward::Estate::from_json_bytes(document)?;
        if let Some(out) = out {
            out.write(to_c_string(estate.to_json())?.into_raw());
        }
        Ok(())
    })
}

/// The reference demo estate ("Babylon · Blue Diamond": 9 buildings, 500+
/// households, 23 staff), as an estate JSON document.
///
/// On success `*json_out` receives a NUL-terminated JSON string owned by the
/// caller, to be released with steward_string_free(); the same document is
/// produced on every call. On failure `*json_out` is left untouched.
/// NULL `json_out` gives STEWARD_STATUS_NULL_ARGUMENT. `err_out`: see the
/// header's conventions.
#[unsafe(no_mangle)]
pub extern "C" fn steward_demo_estate(
    json_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_demo_estate", err_out, {
        let out = try_out!(json_out);
        let json = to_c_string(steward::demo::estate().to_json())?;
        out.write(json.into_raw());
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::ptr;

    use super::*;
    use crate::testing::{MINIMAL, c, outcome, sentinel, take};

    #[test]
    fn a_valid_estate_is_ok_and_normalised() {
        let doc = c(MINIMAL);
        let mut out = sentinel::<c_char>();
        let (status, _) = outcome(|err| steward_estate_validate(doc.as_ptr(), &mut out, err));
        assert_eq!(status, steward_status::Ok);
        let expected = steward::Estate::from_json(MINIMAL).unwrap().to_json();
        assert_eq!(take(out), expected);
    }

    #[test]
    fn the_normalised_output_and_err_out_may_be_null() {
        let doc = c(MINIMAL);
        let status = steward_estate_validate(doc.as_ptr(), ptr::null_mut(), ptr::null_mut());
        assert_eq!(status, steward_status::Ok);
    }

    #[test]
    fn an_invalid_estate_gives_the_core_error_and_leaves_the_output_alone() {
        let text = r#"{"id": "e1", "name": "X", "company": {"name": "C", "branch": "B"},
            "buildings": [{"id": "B1", "name": "One", "floors": -2}]}"#;
        let doc = c(text);
        let mut out = sentinel::<c_char>();
        let (status, json) = outcome(|err| steward_estate_validate(doc.as_ptr(), &mut out, err));
        assert_eq!(status, steward_status::InvalidInput);
        assert_eq!(
            json,
            steward::Estate::from_json(text).unwrap_err().to_json()
        );
        assert_eq!(out, sentinel::<c_char>());
    }

    #[test]
    fn a_document_that_is_not_utf8_is_invalid_input() {
        let bytes = b"{\"id\": \"\xff\"}";
        let doc = std::ffi::CString::new(&bytes[..]).unwrap();
        let (status, json) =
            outcome(|err| steward_estate_validate(doc.as_ptr(), ptr::null_mut(), err));
        assert_eq!(status, steward_status::InvalidInput);
        let expected = steward::Estate::from_json_bytes(bytes)
            .unwrap_err()
            .to_json();
        assert_eq!(json, expected);
        assert!(json.contains(r#""code":"invalid_utf8""#), "{json}");
    }

    #[test]
    fn a_null_document_is_named() {
        let (status, json) =
            outcome(|err| steward_estate_validate(ptr::null(), ptr::null_mut(), err));
        assert_eq!(status, steward_status::NullArgument);
        assert_eq!(
            json,
            r#"{"kind":"null_argument","message":"steward_estate_validate: estate_json: expected a non-NULL pointer, found NULL","issues":[{"path":"estate_json","value":"","code":"null_argument","message":"expected a non-NULL pointer, found NULL"}]}"#
        );
    }

    #[test]
    fn the_demo_needs_an_output() {
        let (status, json) = outcome(|err| steward_demo_estate(ptr::null_mut(), err));
        assert_eq!(status, steward_status::NullArgument);
        assert!(json.contains(r#""path":"json_out""#), "{json}");
    }

    #[test]
    fn the_demo_estate_is_a_valid_document() {
        let mut json = sentinel::<c_char>();
        let (status, err) = outcome(|e| steward_demo_estate(&mut json, e));
        assert_eq!(status, steward_status::Ok, "{err}");
        let json = take(json);
        assert_eq!(json, steward::demo::estate().to_json());
        let doc = c(&json);
        let mut normalised = ptr::null_mut();
        let (status, err) = outcome(|e| steward_estate_validate(doc.as_ptr(), &mut normalised, e));
        assert_eq!(status, steward_status::Ok, "{err}");
        assert_eq!(take(normalised), json);
    }
}
