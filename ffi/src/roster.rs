//! The roster engine: solve, evaluate, repair, NSP import, with a progress
//! callback and a cancellation flag.

use std::ffi::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};

use steward::roster::{self, Hooks, Progress};

use crate::boundary;
use crate::error::{steward_error, steward_status};
use crate::handle::{self, Castable};
use crate::string::to_c_string;

/// A cancellation flag for a running solve or repair.
///
/// Created by steward_cancel_new(), owned by the caller, released with
/// steward_cancel_free(). Thread safety: steward_cancel_set() may be called
/// from any thread while another thread runs steward_roster_solve() with the
/// flag; the flag must not be freed while a call that uses it is running.
pub struct steward_cancel {
    _private: [u8; 0],
}

impl Castable for steward_cancel {
    type RustType = AtomicBool;
    const C_NAME: &'static str = "steward_cancel";
}

/// Progress callback of steward_roster_solve() and steward_roster_repair().
///
/// Called on the solving thread (the one that called the solve, also when
/// the request's `limits.threads` runs several searches side by side; the
/// best score is then the best of them all) when a better roster is found
/// (at most every 100 ms) and once at the end, with `user_data` as given, the wall-clock
/// seconds since the search started, the best score so far (hard and soft
/// penalty) and the number of moves tried. Return 0 to go on, anything else
/// to stop the search early (the best roster so far is returned). The
/// callback must not call back into the same solve, and must return normally
/// (no longjmp out of it).
pub type steward_roster_progress = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        elapsed_seconds: f64,
        best_hard: i64,
        best_soft: i64,
        moves: u64,
    ) -> c_int,
>;

/// Creates a cancellation flag, not set.
///
/// On success `*cancel_out` receives the flag, owned by the caller (release
/// it with steward_cancel_free()). NULL `cancel_out` gives
/// STEWARD_STATUS_NULL_ARGUMENT. `err_out`: see the header's conventions.
#[unsafe(no_mangle)]
pub extern "C" fn steward_cancel_new(
    cancel_out: *mut *mut steward_cancel,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_cancel_new", err_out, {
        let out = try_out!(cancel_out);
        out.write(handle::to_box_ptr::<steward_cancel>(AtomicBool::new(false)));
        Ok(())
    })
}

/// Sets the flag: a solve or repair using it stops at its next check (within
/// about a thousand moves) and returns the best roster found so far.
///
/// Safe to call from any thread. NULL, or a pointer that is not a live
/// steward_cancel, gives STEWARD_STATUS_NULL_ARGUMENT or
/// STEWARD_STATUS_INVALID_HANDLE. `err_out`: see the header's conventions.
#[unsafe(no_mangle)]
pub extern "C" fn steward_cancel_set(
    cancel: *const steward_cancel,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_cancel_set", err_out, {
        let flag = try_ref!(cancel);
        flag.store(true, Ordering::Relaxed);
        Ok(())
    })
}

/// Releases a cancellation flag. NULL, a flag already freed and a pointer
/// that is not a steward_cancel are ignored; no call may be using the flag.
#[unsafe(no_mangle)]
pub extern "C" fn steward_cancel_free(cancel: *mut steward_cancel) {
    boundary::guard((), || {
        // SAFETY: `cancel` is NULL or an owned flag from this library.
        unsafe { handle::free_box(cancel) }
    })
}

/// Runs `f` with hooks built from the C callback, user data and flag.
fn with_hooks<T>(
    progress: steward_roster_progress,
    user_data: *mut c_void,
    cancel: Option<&AtomicBool>,
    f: impl FnOnce(Hooks<'_>) -> T,
) -> T {
    let mut call = |p: &Progress| -> bool {
        match progress {
            // SAFETY: the caller passes a valid function pointer (or NULL,
            // mapped to None) and user data it is valid with.
            Some(cb) => unsafe {
                cb(
                    user_data,
                    p.elapsed.as_secs_f64(),
                    p.best.hard,
                    p.best.soft,
                    p.moves,
                ) == 0
            },
            None => true,
        }
    };
    let hooks = Hooks {
        cancel,
        progress: if progress.is_some() {
            Some(&mut call)
        } else {
            None
        },
    };
    f(hooks)
}

/// Builds a roster: `request_json` is a `steward.roster.solve.request.v1`
/// document (the estate, the horizon, contracts, leave, requests, rule
/// configuration, limits and seed).
///
/// On success `*response_out` receives the `steward.roster.solve.response.v1`
/// document (assignments, score, per-rule totals, every violation with who,
/// when and which rule, search statistics), owned by the caller and released
/// with steward_string_free(); on failure it is left untouched. With a move
/// limit and no time limit in the request, the same request gives the same
/// response (`limits.threads` included: with N threads, N searches run side
/// by side and the best roster wins, the same one every time).
///
/// `progress` may be NULL; otherwise it is called as documented at
/// steward_roster_progress, with `user_data` (which may be NULL). `cancel` may
/// be NULL; otherwise setting it (from another thread) stops the search.
///
/// Fails with STEWARD_STATUS_INVALID_INPUT for a bad document (every issue,
/// with its path), STEWARD_STATUS_NULL_ARGUMENT for NULL `request_json` or
/// `response_out`, STEWARD_STATUS_INVALID_HANDLE for a `cancel` that is not a
/// live steward_cancel. `err_out`: see the header's conventions.
#[unsafe(no_mangle)]
pub extern "C" fn steward_roster_solve(
    request_json: *const c_char,
    progress: steward_roster_progress,
    user_data: *mut c_void,
    cancel: *const steward_cancel,
    response_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_roster_solve", err_out, {
        let document = try_bytes!(request_json);
        let out = try_out!(response_out);
        let flag = if cancel.is_null() {
            None
        } else {
            Some(try_ref!(cancel))
        };
        let request = roster::parse_request(document)?;
        let response = with_hooks(progress, user_data, flag, |h| roster::solve(&request, h))?;
        out.write(to_c_string(response.to_json())?.into_raw());
        Ok(())
    })
}

/// Re-rosters after a disruption: `request_json` is a
/// `steward.roster.repair.request.v1` document (the published roster in
/// `assignments`, what happened in `disruptions`).
///
/// On success `*response_out` receives the `steward.roster.repair.response.v1`
/// document (the repaired roster, its explanation and the list of changes),
/// owned by the caller and released with steward_string_free(). `progress`,
/// `user_data`, `cancel`, errors and `err_out` as for steward_roster_solve().
#[unsafe(no_mangle)]
pub extern "C" fn steward_roster_repair(
    request_json: *const c_char,
    progress: steward_roster_progress,
    user_data: *mut c_void,
    cancel: *const steward_cancel,
    response_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_roster_repair", err_out, {
        let document = try_bytes!(request_json);
        let out = try_out!(response_out);
        let flag = if cancel.is_null() {
            None
        } else {
            Some(try_ref!(cancel))
        };
        let request = roster::parse_request(document)?;
        let response = with_hooks(progress, user_data, flag, |h| roster::repair(&request, h))?;
        out.write(to_c_string(response.to_json())?.into_raw());
        Ok(())
    })
}

/// Scores a roster and explains it: `request_json` is a
/// `steward.roster.evaluate.request.v1` document with the roster in
/// `assignments`.
///
/// On success `*response_out` receives the `steward.roster.evaluate.response.v1`
/// document, owned by the caller and released with steward_string_free(); on
/// failure it is left untouched. Errors and `err_out` as for
/// steward_roster_solve().
#[unsafe(no_mangle)]
pub extern "C" fn steward_roster_evaluate(
    request_json: *const c_char,
    response_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_roster_evaluate", err_out, {
        let document = try_bytes!(request_json);
        let out = try_out!(response_out);
        let request = roster::parse_request(document)?;
        let response = roster::evaluate(&request)?;
        out.write(to_c_string(response.to_json())?.into_raw());
        Ok(())
    })
}

/// Maps a Curtois–Qu benchmark instance (the text of `InstanceN.txt`, CRLF or
/// LF) into a `steward.roster.solve.request.v1` document named `name`.
///
/// On success `*request_out` receives the request document, owned by the
/// caller and released with steward_string_free(). A malformed instance gives
/// STEWARD_STATUS_INVALID_INPUT whose issue path names the line
/// (`"line 17"`). NULL arguments give STEWARD_STATUS_NULL_ARGUMENT; text or
/// name that is not UTF-8 gives STEWARD_STATUS_INVALID_UTF8. `err_out`: see
/// the header's conventions.
#[unsafe(no_mangle)]
pub extern "C" fn steward_roster_nsp_import(
    instance_text: *const c_char,
    name: *const c_char,
    request_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_roster_nsp_import", err_out, {
        let text = try_str!(instance_text);
        let name = try_str!(name);
        let out = try_out!(request_out);
        let instance = roster::nsp::parse(text).map_err(steward::Error::from)?;
        let request = instance.to_request(name)?;
        out.write(to_c_string(steward::wire::to_json(&request))?.into_raw());
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::ptr;

    use super::*;
    use crate::testing::{c, outcome, sentinel, take};

    fn request() -> String {
        let mut r = roster::demo_request(roster::DemoWeek::Normal);
        r.limits.moves = Some(2_000);
        steward::wire::to_json(&r)
    }

    unsafe extern "C" fn count(
        user_data: *mut c_void,
        _elapsed: f64,
        _hard: i64,
        _soft: i64,
        _moves: u64,
    ) -> c_int {
        // SAFETY: the tests pass a pointer to a live u32.
        unsafe { *user_data.cast::<u32>() += 1 };
        0
    }

    unsafe extern "C" fn stop(_: *mut c_void, _: f64, _: i64, _: i64, _: u64) -> c_int {
        1
    }

    #[test]
    fn solve_calls_back_and_matches_core() {
        let doc = c(&request());
        let mut calls = 0u32;
        let mut out = sentinel::<c_char>();
        let (status, err) = outcome(|e| {
            steward_roster_solve(
                doc.as_ptr(),
                Some(count),
                (&raw mut calls).cast(),
                ptr::null(),
                &mut out,
                e,
            )
        });
        assert_eq!(status, steward_status::Ok, "{err}");
        assert!(calls >= 1);
        let json = take(out);
        assert_eq!(
            json,
            steward::wire::call("roster.solve", request().as_bytes()).unwrap()
        );
    }

    #[test]
    fn a_callback_or_a_flag_stops_the_search() {
        let doc = c(&request());
        let mut out = sentinel::<c_char>();
        let (status, _) = outcome(|e| {
            steward_roster_solve(
                doc.as_ptr(),
                Some(stop),
                ptr::null_mut(),
                ptr::null(),
                &mut out,
                e,
            )
        });
        assert_eq!(status, steward_status::Ok);
        assert!(take(out).contains("\"stopped_by\":\"cancelled\""));

        let mut flag = ptr::null_mut();
        assert_eq!(
            steward_cancel_new(&mut flag, ptr::null_mut()),
            steward_status::Ok
        );
        assert_eq!(
            steward_cancel_set(flag, ptr::null_mut()),
            steward_status::Ok
        );
        let mut out = sentinel::<c_char>();
        let (status, _) = outcome(|e| {
            steward_roster_solve(doc.as_ptr(), None, ptr::null_mut(), flag, &mut out, e)
        });
        assert_eq!(status, steward_status::Ok);
        assert!(take(out).contains("\"stopped_by\":\"cancelled\""));
        steward_cancel_free(flag);
        // A freed flag is refused, not used.
        let mut out = sentinel::<c_char>();
        let (status, _) = outcome(|e| {
            steward_roster_solve(doc.as_ptr(), None, ptr::null_mut(), flag, &mut out, e)
        });
        assert_eq!(status, steward_status::InvalidHandle);
        assert_eq!(out, sentinel::<c_char>());
        steward_cancel_free(ptr::null_mut());
    }

    #[test]
    fn nulls_and_bad_input_are_named() {
        let mut out = sentinel::<c_char>();
        let (status, json) = outcome(|e| steward_roster_evaluate(ptr::null(), &mut out, e));
        assert_eq!(status, steward_status::NullArgument);
        assert!(json.contains("request_json"), "{json}");
        let doc = c("{\"schema\": 1}");
        let (status, json) = outcome(|e| steward_roster_evaluate(doc.as_ptr(), &mut out, e));
        assert_eq!(status, steward_status::InvalidInput);
        assert!(json.contains("\"path\":\"schema\""), "{json}");
        let text = c("SECTION_HORIZON\nseven\n");
        let name = c("Bad");
        let (status, json) =
            outcome(|e| steward_roster_nsp_import(text.as_ptr(), name.as_ptr(), &mut out, e));
        assert_eq!(status, steward_status::InvalidInput);
        assert!(json.contains("\"path\":\"line 2\""), "{json}");
        assert_eq!(out, sentinel::<c_char>());
        let (status, _) = outcome(|e| steward_cancel_new(ptr::null_mut(), e));
        assert_eq!(status, steward_status::NullArgument);
    }
}
