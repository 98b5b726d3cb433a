//! Dispatch from C: the ranked queue, the assignment plan, candidates,
//! follow-ups (JSON documents), and linear sum assignment on a plain
//! `double` matrix.

use std::ffi::c_char;

use crate::boundary::Out;
use crate::error::{Failure, steward_error, steward_status};
use crate::store::steward_store;
use crate::string::to_c_string;

/// Runs one JSON entry point and writes its response.
fn document(
    request_json: *const c_char,
    response_out: *mut *mut c_char,
    run: fn(&[u8]) -> steward::Result<String>,
) -> Result<(), Failure> {
    let document = try_bytes!(request_json);
    let out = try_out!(response_out);
    let response = to_c_string(run(document)?)?;
    out.write(response.into_raw());
    Ok(())
}

/// Ranks the open work orders of an estate: class, score, SLA deadlines,
/// time left, breach risk and the reasons (English and Chinese), most urgent
/// first, plus the escalation notices due.
///
/// `request_json` is a NUL-terminated "steward.dispatch.rank.request.v1"
/// document: `{"schema": ..., "estate": {...}, "policy": {...} (optional,
/// merged onto the defaults), "as_of": "2022-12-14T10:00:00+08:00", "limit":
/// n (optional)}`, read only during the call. On success `*response_out`
/// receives the "steward.dispatch.rank.response.v1" document, owned by the
/// caller (release it with steward_string_free()); on failure it is left
/// untouched. A bad request is STEWARD_STATUS_INVALID_INPUT with the field
/// path (e.g. "policy.ageing.points_per_hour"). NULL `request_json` or
/// `response_out` gives STEWARD_STATUS_NULL_ARGUMENT. `err_out`: see the
/// header's conventions. Same as steward_call("dispatch.rank", ...).
#[unsafe(no_mangle)]
pub extern "C" fn steward_dispatch_rank(
    request_json: *const c_char,
    response_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_dispatch_rank", err_out, {
        document(request_json, response_out, steward::dispatch::rank_entry)
    })
}

/// Plans who is sent to which open order: the optimal assignment for
/// priority-weighted lateness, travel and load, with skills, shifts and
/// capacities as hard rules.
///
/// `request_json` is a "steward.dispatch.assign.request.v1" document:
/// `{"schema": ..., "estate": {...}, "policy": {...}?, "as_of": "...",
/// "on_shift": [{"staff": "S06", "building": "B3"?, "load": 1?, "capacity":
/// 4?}], "orders": ["WO-..."]? }`. Ownership, NULL handling and errors as
/// steward_dispatch_rank(); the response is a
/// "steward.dispatch.assign.response.v1" document.
#[unsafe(no_mangle)]
pub extern "C" fn steward_dispatch_assign(
    request_json: *const c_char,
    response_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_dispatch_assign", err_out, {
        document(request_json, response_out, steward::dispatch::assign_entry)
    })
}

/// "Who should take this job?": every member of staff with the reason each
/// is or is not eligible, the eligible ranked by the cost of sending them.
///
/// `request_json` is a "steward.dispatch.candidates.request.v1" document:
/// `{"schema": ..., "estate": {...}, "policy": {...}?, "as_of": "...",
/// "on_shift": [...], "order_id": "WO-..."}` (or `"order": {...}` for a new
/// order). Ownership, NULL handling and errors as steward_dispatch_rank().
#[unsafe(no_mangle)]
pub extern "C" fn steward_dispatch_candidates(
    request_json: *const c_char,
    response_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_dispatch_candidates", err_out, {
        document(
            request_json,
            response_out,
            steward::dispatch::candidates_entry,
        )
    })
}

/// The follow-up orders the policy's rules propose (a riser inspection
/// after a leak with backflow; a preventive inspection after repeated
/// faults), each linked to the order that caused it and with its own SLA,
/// and those already in the estate.
///
/// `request_json` is a "steward.dispatch.follow_ups.request.v1" document:
/// `{"schema": ..., "estate": {...}, "policy": {...}?, "as_of": "..."}`.
/// Ownership, NULL handling and errors as steward_dispatch_rank().
#[unsafe(no_mangle)]
pub extern "C" fn steward_dispatch_follow_ups(
    request_json: *const c_char,
    response_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_dispatch_follow_ups", err_out, {
        document(
            request_json,
            response_out,
            steward::dispatch::follow_ups_entry,
        )
    })
}

/// Linear sum assignment on a JSON matrix (see
/// steward_linear_sum_assignment() for the plain one).
///
/// `request_json` is `{"schema": "steward.dispatch.lsa.request.v1", "cost":
/// [[...], ...], "maximize": false}`; `null` entries are forbidden pairs.
/// The response is `{"schema": "steward.dispatch.lsa.response.v1",
/// "row_ind": [...], "col_ind": [...], "cost": total}`. Ownership and NULL
/// handling as steward_dispatch_rank(); STEWARD_STATUS_INFEASIBLE if every
/// complete assignment uses a forbidden entry.
#[unsafe(no_mangle)]
pub extern "C" fn steward_dispatch_lsa(
    request_json: *const c_char,
    response_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_dispatch_lsa", err_out, {
        document(request_json, response_out, steward::dispatch::lsa_entry)
    })
}

/// The default dispatch policy (Chinese property-service practice) as a
/// complete JSON document, to read or to edit and pass back as "policy".
///
/// On success `*json_out` receives a string owned by the caller (release it
/// with steward_string_free()). NULL `json_out` gives
/// STEWARD_STATUS_NULL_ARGUMENT. `err_out`: see the header's conventions.
#[unsafe(no_mangle)]
pub extern "C" fn steward_dispatch_default_policy(
    json_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_dispatch_default_policy", err_out, {
        let out = try_out!(json_out);
        let json = to_c_string(steward::dispatch::Policy::default().to_json())?;
        out.write(json.into_raw());
        Ok(())
    })
}

/// Runs any dispatch request (chosen by its "schema": rank, assign,
/// candidates or follow_ups) about an estate read from a store.
///
/// `estate_id` names the estate (NUL-terminated UTF-8); `request_json` is
/// the request without its "estate" field. Both are read only during the
/// call. On success `*response_out` receives the response document, owned
/// by the caller (release it with steward_string_free()); on failure it is
/// left untouched. STEWARD_STATUS_NOT_FOUND if the store has no such
/// estate; STEWARD_STATUS_INVALID_INPUT for a bad request (also if it has
/// an "estate" field); STEWARD_STATUS_STORAGE if SQLite fails;
/// STEWARD_STATUS_NULL_ARGUMENT for a NULL `store`, `estate_id`,
/// `request_json` or `response_out`; STEWARD_STATUS_INVALID_UTF8 if
/// `estate_id` is not UTF-8. The store is locked only while the estate is
/// read. `err_out`: see the header's conventions.
#[unsafe(no_mangle)]
pub extern "C" fn steward_store_dispatch(
    store: *mut steward_store,
    estate_id: *const c_char,
    request_json: *const c_char,
    response_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_store_dispatch", err_out, {
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
        let response = steward::dispatch::call_with_estate(document, &estate)?;
        out.write(to_c_string(response)?.into_raw());
        Ok(())
    })
}

/// Largest matrix accepted by steward_linear_sum_assignment(), in entries.
const MAX_ENTRIES: usize = 1 << 28;

/// Linear sum assignment with the contract of
/// scipy.optimize.linear_sum_assignment, on a plain matrix.
///
/// `cost` points to `rows * cols` doubles in row-major order (entry (i, j) at
/// `cost[i * cols + j]`), read only during the call; it may be NULL only if
/// `rows * cols == 0`. Every row is assigned to a distinct column if `rows <=
/// cols`, else every column to a distinct row, at least total cost (greatest
/// if `maximize`). INFINITY (-INFINITY when maximising) marks a forbidden
/// pair; NaN is refused.
///
/// `row_ind_out` and `col_ind_out` are caller-allocated arrays of at least
/// `min(rows, cols)` elements each. On success they receive the pairs, with
/// `row_ind_out` increasing, `*len_out` receives `min(rows, cols)`, and
/// `*total_out` (if `total_out` is not NULL) the total cost. On failure
/// nothing is written. They may be NULL when `min(rows, cols) == 0`.
///
/// Fails with STEWARD_STATUS_INVALID_INPUT for NaN or wrong-direction
/// infinities (the issue names the entry, e.g. "cost[2][3]") or a matrix of
/// more than 2^28 entries; STEWARD_STATUS_INFEASIBLE if every complete
/// assignment uses a forbidden entry; STEWARD_STATUS_NULL_ARGUMENT for a
/// NULL pointer that is needed. `err_out`: see the header's conventions.
#[unsafe(no_mangle)]
pub extern "C" fn steward_linear_sum_assignment(
    cost: *const f64,
    rows: usize,
    cols: usize,
    maximize: bool,
    row_ind_out: *mut usize,
    col_ind_out: *mut usize,
    len_out: *mut usize,
    total_out: *mut f64,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_linear_sum_assignment", err_out, {
        let len = try_out!(len_out);
        let total = Out::new(total_out);
        let n = match rows.checked_mul(cols) {
            Some(n) if n <= MAX_ENTRIES => n,
            _ => {
                return Err(Failure::Core(steward::Error::invalid(
                    "cost matrix",
                    vec![steward::Issue::new(
                        "cost",
                        format!("{rows}x{cols}"),
                        steward::IssueCode::OutOfRange,
                        format!("a {rows} × {cols} matrix has more than {MAX_ENTRIES} entries"),
                    )],
                )));
            }
        };
        let k = rows.min(cols);
        let matrix: &[f64] = if n == 0 {
            &[]
        } else {
            if cost.is_null() {
                return Err(Failure::NullArgument { param: "cost" });
            }
            // SAFETY: non-NULL, and the caller promised `rows * cols`
            // readable doubles (n ≤ 2^28, so the byte size fits isize).
            unsafe { std::slice::from_raw_parts(cost, n) }
        };
        if k > 0 && row_ind_out.is_null() {
            return Err(Failure::NullArgument {
                param: "row_ind_out",
            });
        }
        if k > 0 && col_ind_out.is_null() {
            return Err(Failure::NullArgument {
                param: "col_ind_out",
            });
        }
        let (r, c) = steward::dispatch::linear_sum_assignment(matrix, rows, cols, maximize)?;
        let sum = r
            .iter()
            .zip(&c)
            .filter_map(|(&i, &j)| matrix.get(i * cols + j))
            .fold(0.0, |a, b| a + b);
        if k > 0 {
            // SAFETY: non-NULL, and the caller promised room for
            // min(rows, cols) elements each; `r` and `c` have exactly k.
            let (ro, co) = unsafe {
                (
                    std::slice::from_raw_parts_mut(row_ind_out, k),
                    std::slice::from_raw_parts_mut(col_ind_out, k),
                )
            };
            ro.copy_from_slice(&r);
            co.copy_from_slice(&c);
        }
        len.write(k);
        if let Some(t) = total {
            t.write(sum);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::ptr;

    use super::*;
    use crate::testing::{c, outcome, sentinel, take};

    #[test]
    fn lsa_on_a_plain_matrix() {
        let cost = [4.0, 1.0, 3.0, 2.0, 0.0, 5.0, 3.0, 2.0, 2.0];
        let (mut r, mut co, mut len, mut total) = ([9usize; 3], [9usize; 3], 0usize, 0.0f64);
        let (status, _) = outcome(|err| {
            steward_linear_sum_assignment(
                cost.as_ptr(),
                3,
                3,
                false,
                r.as_mut_ptr(),
                co.as_mut_ptr(),
                &mut len,
                &mut total,
                err,
            )
        });
        assert_eq!(status, steward_status::Ok);
        assert_eq!((r, co, len, total), ([0, 1, 2], [1, 0, 2], 3, 5.0));
        // Rectangular and maximising; the total is optional.
        let wide = [1.0, 9.0, 2.0, 8.0, 3.0, 7.0];
        let (status, _) = outcome(|err| {
            steward_linear_sum_assignment(
                wide.as_ptr(),
                2,
                3,
                true,
                r.as_mut_ptr(),
                co.as_mut_ptr(),
                &mut len,
                ptr::null_mut(),
                err,
            )
        });
        assert_eq!(status, steward_status::Ok);
        assert_eq!((&r[..2], &co[..2], len), (&[0, 1][..], &[1, 0][..], 2));
    }

    #[test]
    fn lsa_failures_write_nothing() {
        let mut len = 77usize;
        let nan = [f64::NAN];
        let (mut r, mut co) = ([9usize; 1], [9usize; 1]);
        let (status, json) = outcome(|err| {
            steward_linear_sum_assignment(
                nan.as_ptr(),
                1,
                1,
                false,
                r.as_mut_ptr(),
                co.as_mut_ptr(),
                &mut len,
                ptr::null_mut(),
                err,
            )
        });
        assert_eq!(status, steward_status::InvalidInput);
        assert!(json.contains(r#""path":"cost[0][0]""#), "{json}");
        assert_eq!((len, r, co), (77, [9], [9]));
        let inf = [f64::INFINITY, f64::INFINITY];
        let (status, _) = outcome(|err| {
            steward_linear_sum_assignment(
                inf.as_ptr(),
                2,
                1,
                false,
                r.as_mut_ptr(),
                co.as_mut_ptr(),
                &mut len,
                ptr::null_mut(),
                err,
            )
        });
        assert_eq!(status, steward_status::Infeasible);
        let (status, json) = outcome(|err| {
            steward_linear_sum_assignment(
                ptr::null(),
                2,
                2,
                false,
                r.as_mut_ptr(),
                co.as_mut_ptr(),
                &mut len,
                ptr::null_mut(),
                err,
            )
        });
        assert_eq!(status, steward_status::NullArgument);
        assert!(json.contains(r#""path":"cost""#), "{json}");
        // An empty matrix needs no arrays.
        let (status, _) = outcome(|err| {
            steward_linear_sum_assignment(
                ptr::null(),
                0,
                5,
                false,
                ptr::null_mut(),
                ptr::null_mut(),
                &mut len,
                ptr::null_mut(),
                err,
            )
        });
        assert_eq!(status, steward_status::Ok);
        assert_eq!(len, 0);
    }

    #[test]
    fn documents_and_the_store_variant() {
        let demo = steward::demo::estate();
        let request = format!(
            r#"{{"schema": "steward.dispatch.rank.request.v1", "estate": {}, "as_of": "{}", "limit": 1}}"#,
            demo.to_json(),
            steward::demo::DEMO_NOW
        );
        let doc = c(&request);
        let mut out = sentinel::<c_char>();
        let (status, _) = outcome(|err| steward_dispatch_rank(doc.as_ptr(), &mut out, err));
        assert_eq!(status, steward_status::Ok);
        let direct = take(out);
        assert!(direct.contains(steward::demo::LEAK_ORDER));

        let mut store = ptr::null_mut();
        let (status, _) =
            outcome(|err| crate::store::steward_store_open_in_memory(&mut store, err));
        assert_eq!(status, steward_status::Ok);
        let estate = c(&demo.to_json());
        let (status, _) =
            outcome(|err| crate::store::steward_store_save_estate(store, estate.as_ptr(), err));
        assert_eq!(status, steward_status::Ok);
        let id = c(steward::demo::ESTATE_ID);
        let without = c(&format!(
            r#"{{"schema": "steward.dispatch.rank.request.v1", "as_of": "{}", "limit": 1}}"#,
            steward::demo::DEMO_NOW
        ));
        let mut out = sentinel::<c_char>();
        let (status, _) = outcome(|err| {
            steward_store_dispatch(store, id.as_ptr(), without.as_ptr(), &mut out, err)
        });
        assert_eq!(status, steward_status::Ok);
        assert_eq!(take(out), direct);
        // With an estate in the request too: refused.
        let mut out = sentinel::<c_char>();
        let (status, json) =
            outcome(|err| steward_store_dispatch(store, id.as_ptr(), doc.as_ptr(), &mut out, err));
        assert_eq!(status, steward_status::InvalidInput);
        assert!(json.contains(r#""path":"estate""#), "{json}");
        assert_eq!(out, sentinel::<c_char>());
        crate::store::steward_store_free(store);

        let mut policy = sentinel::<c_char>();
        let (status, _) = outcome(|err| steward_dispatch_default_policy(&mut policy, err));
        assert_eq!(status, steward_status::Ok);
        assert!(take(policy).starts_with(r#"{"name":"cn-residential-default""#));
        let (status, _) = outcome(|err| steward_dispatch_rank(ptr::null(), &mut out, err));
        assert_eq!(status, steward_status::NullArgument);
    }
}
