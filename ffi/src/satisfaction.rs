//! Satisfaction scoring from C: score request documents, the same request
//! about an estate held in a store, and millions of ratings as plain arrays.

use std::ffi::c_char;

use crate::error::{Failure, steward_error, steward_status};
use crate::store::steward_store;
use crate::string::to_c_string;

/// Scores satisfaction: per group (estate, building, category, staff
/// member, period, source — as configured) the sample size, mean with
/// interval, distribution, CSAT, NPS, the 0–100 index, shrunk estimates with
/// intervals, the trend against the previous period, service outcomes
/// against SLA targets, and the drivers; groups below the anonymity
/// threshold (or that would reveal one by subtraction) are suppressed.
///
/// `request_json` is a NUL-terminated "steward.satisfaction.score.request.v1"
/// document: `{"schema": ..., "as_of": "2022-12-14T10:00:00+08:00",
/// "estate": {...}?, "responses": [{...}]?, "config": {...}?}`, read only
/// during the call. On success `*response_out` receives the
/// "steward.satisfaction.score.response.v1" document, owned by the caller
/// (release it with steward_string_free()); on failure it is left
/// untouched. A bad request is STEWARD_STATUS_INVALID_INPUT with the field
/// path (e.g. "config.anonymity_threshold", "responses[3].overall"). NULL
/// `request_json` or `response_out` gives STEWARD_STATUS_NULL_ARGUMENT.
/// `err_out`: see the header's conventions. Same as
/// steward_call("satisfaction.score", ...). Reentrant.
#[unsafe(no_mangle)]
pub extern "C" fn steward_satisfaction_score(
    request_json: *const c_char,
    response_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_satisfaction_score", err_out, {
        let document = try_bytes!(request_json);
        let out = try_out!(response_out);
        let response = to_c_string(steward::satisfaction::score_entry(document)?)?;
        out.write(response.into_raw());
        Ok(())
    })
}

/// Scores satisfaction for an estate read from a store.
///
/// `estate_id` names the estate (NUL-terminated UTF-8); `request_json` is a
/// score request without its "estate" field (it may still carry extra
/// "responses"). Both are read only during the call. On success
/// `*response_out` receives the response document, owned by the caller
/// (release it with steward_string_free()); on failure it is left untouched.
/// STEWARD_STATUS_NOT_FOUND if the store has no such estate;
/// STEWARD_STATUS_INVALID_INPUT for a bad request (also if it has an
/// "estate" field); STEWARD_STATUS_STORAGE if SQLite fails;
/// STEWARD_STATUS_NULL_ARGUMENT for a NULL `store`, `estate_id`,
/// `request_json` or `response_out`; STEWARD_STATUS_INVALID_UTF8 if
/// `estate_id` is not UTF-8. The store is locked only while the estate is
/// read. `err_out`: see the header's conventions.
#[unsafe(no_mangle)]
pub extern "C" fn steward_store_satisfaction_score(
    store: *mut steward_store,
    estate_id: *const c_char,
    request_json: *const c_char,
    response_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_store_satisfaction_score", err_out, {
        let store = try_ref!(store);
        let estate_id = try_str!(estate_id);
        let document = try_bytes!(request_json);
        let out = try_out!(response_out);
        let id = steward::EstateId::new(estate_id)?;
        let estate = {
            let guard = store.lock().map_err(|_| {
                Failure::internal(
                    "the store is unusable: an earlier call panicked while using it; free it and open it again",
                )
            })?;
            guard.load_estate(&id)?
        };
        let response = steward::satisfaction::score_with_estate(document, &estate)?;
        out.write(to_c_string(response)?.into_raw());
        Ok(())
    })
}

/// Scores `rows` ratings given as two arrays: `groups[i]` (group id, from 0)
/// and `scores[i]` (the score, on the configured scale, 1–5 by default).
/// Per group: n, mean with Student-t interval, CSAT with Wilson interval,
/// the 0–100 index, each with an empirical-Bayes shrunk estimate and
/// interval (toward the total), and the suppression status (groups below
/// the anonymity threshold, and complementary suppression).
///
/// `groups` and `scores` must each hold `rows` elements (they may be NULL
/// only when `rows` is 0) and are read only during the call.
/// `config_json` may be NULL (defaults) or a NUL-terminated document such as
/// `{"scale": {"min": 1, "max": 5}, "top_box": 2, "anonymity_threshold": 5,
/// "confidence": 0.95, "groups": 1000}` (no time decay on this path: it has
/// no timestamps). On success `*response_out` receives a JSON object of
/// columns (`"status"`, `"n"`, `"mean"`, `"mean_low"`, … one entry per
/// group; suppressed groups have n 0 and null values), owned by the caller
/// (release it with steward_string_free()); on failure it is left untouched.
///
/// STEWARD_STATUS_INVALID_INPUT for a group id out of range or a score
/// outside the scale (the issue names the row, e.g. "scores[17]"), a
/// half-life in the configuration, or a bad configuration;
/// STEWARD_STATUS_NULL_ARGUMENT for a NULL pointer that is needed.
/// `err_out`: see the header's conventions. Reentrant; the arrays are
/// counted on several threads when there are more than a million rows.
#[unsafe(no_mangle)]
pub extern "C" fn steward_satisfaction_score_columns(
    groups: *const u32,
    scores: *const u8,
    rows: usize,
    config_json: *const c_char,
    response_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_satisfaction_score_columns", err_out, {
        let out = try_out!(response_out);
        // SAFETY: NULL or a NUL-terminated string, read during the call.
        let config = unsafe { crate::boundary::bytes_of(config_json) };
        let (groups, scores): (&[u32], &[u8]) = if rows == 0 {
            (&[], &[])
        } else {
            if groups.is_null() {
                return Err(Failure::NullArgument { param: "groups" });
            }
            if scores.is_null() {
                return Err(Failure::NullArgument { param: "scores" });
            }
            if rows > isize::MAX as usize / 4 {
                return Err(Failure::Core(steward::Error::invalid(
                    "satisfaction columns",
                    vec![steward::Issue::new(
                        "rows",
                        rows.to_string(),
                        steward::IssueCode::OutOfRange,
                        "too many rows for this address space",
                    )],
                )));
            }
            // SAFETY: non-NULL, and the caller promised `rows` readable
            // elements in each array for the duration of the call (the byte
            // sizes fit isize, checked above).
            unsafe {
                (
                    std::slice::from_raw_parts(groups, rows),
                    std::slice::from_raw_parts(scores, rows),
                )
            }
        };
        let cols = steward::satisfaction::Columns {
            groups,
            scores,
            at: None,
            as_of: 0,
        };
        let json = steward::satisfaction::score_columns_json(&cols, config)?;
        out.write(to_c_string(json)?.into_raw());
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::ptr;

    use super::*;
    use crate::testing::{c, outcome, sentinel, take};

    const REQUEST: &str = r#"{"schema": "steward.satisfaction.score.request.v1",
        "as_of": "2022-12-31T00:00:00+08:00",
        "responses": [{"at": "2022-12-01T10:00:00+08:00", "overall": 4}]}"#;

    #[test]
    fn a_request_gives_the_core_response() {
        let doc = c(REQUEST);
        let mut out = sentinel::<c_char>();
        let (status, err) = outcome(|e| steward_satisfaction_score(doc.as_ptr(), &mut out, e));
        assert_eq!(status, steward_status::Ok, "{err}");
        assert_eq!(
            take(out),
            steward::satisfaction::score_entry(REQUEST.as_bytes()).unwrap()
        );
    }

    #[test]
    fn nulls_and_bad_requests_are_named() {
        let (status, json) =
            outcome(|e| steward_satisfaction_score(ptr::null(), ptr::null_mut(), e));
        assert_eq!(status, steward_status::NullArgument);
        assert!(json.contains("request_json"), "{json}");
        let doc = c(r#"{"schema": "x", "as_of": "2022-12-31T00:00:00+08:00"}"#);
        let mut out = sentinel::<c_char>();
        let (status, json) = outcome(|e| steward_satisfaction_score(doc.as_ptr(), &mut out, e));
        assert_eq!(status, steward_status::InvalidInput);
        assert!(json.contains(r#""path":"schema""#), "{json}");
        assert_eq!(out, sentinel::<c_char>());
    }

    #[test]
    fn columns_are_scored_and_bad_rows_named() {
        let groups = [0u32, 0, 0, 0, 0, 1, 1, 1, 1, 1];
        let scores = [5u8, 4, 4, 5, 3, 2, 3, 4, 3, 3];
        let mut out = sentinel::<c_char>();
        let (status, err) = outcome(|e| {
            steward_satisfaction_score_columns(
                groups.as_ptr(),
                scores.as_ptr(),
                groups.len(),
                ptr::null(),
                &mut out,
                e,
            )
        });
        assert_eq!(status, steward_status::Ok, "{err}");
        let v: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
        assert_eq!(v["n"], serde_json::json!([5, 5]));
        assert_eq!(v["mean"][0], serde_json::json!(4.2));
        let bad = [0u8, 9];
        let mut out = sentinel::<c_char>();
        let (status, json) = outcome(|e| {
            steward_satisfaction_score_columns(
                groups.as_ptr(),
                bad.as_ptr(),
                2,
                ptr::null(),
                &mut out,
                e,
            )
        });
        assert_eq!(status, steward_status::InvalidInput);
        assert!(json.contains(r#""path":"scores[0]""#), "{json}");
        let (status, _) = outcome(|e| {
            steward_satisfaction_score_columns(
                ptr::null(),
                bad.as_ptr(),
                2,
                ptr::null(),
                &mut out,
                e,
            )
        });
        assert_eq!(status, steward_status::NullArgument);
    }
}
