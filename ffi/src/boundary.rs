//! The boundary every exported function goes through.
//!
//! - `ffi_boundary!` runs a body returning `Result<(), Failure>` inside
//!   `catch_unwind`, maps the outcome to a [`steward_status`], fills
//!   `*err_out` and the thread-local last error. No panic crosses the ABI.
//! - `guard` does the same for functions that return a value instead of a
//!   status (accessors, `_free`): a panic gives a typed default.
//! - `try_ref!`, `try_str!`, `try_bytes!` and `try_out!` check one
//!   pointer argument each and fail with a [`Failure`] naming the parameter
//!   (`try_ref!` also refuses handles that are freed or not Steward's: see
//!   `handle`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use crate::error::{Failure, set_last_error, steward_error, steward_status};
use crate::handle;

/// Runs `$body` (a block evaluating to `Result<(), Failure>`) as the body of
/// the exported function `$func`, reporting through `$err_out`.
macro_rules! ffi_boundary {
    ($func:literal, $err_out:expr, $body:block) => {
        $crate::boundary::run(
            $func,
            $err_out,
            move || -> ::core::result::Result<(), $crate::error::Failure> { $body },
        )
    };
}

/// `&T` for a handle argument, or `Err(NullArgument)` / `Err(InvalidHandle)`
/// (freed, mistyped or foreign handle) naming it.
macro_rules! try_ref {
    ($param:ident) => {
        // SAFETY: a live handle is not freed during the call (documented on
        // every `_free` function); anything else is refused by the registry.
        match unsafe { $crate::handle::lookup($param) } {
            $crate::handle::Lookup::Live(value) => value,
            $crate::handle::Lookup::Null => {
                return Err($crate::error::Failure::NullArgument {
                    param: stringify!($param),
                })
            }
            $crate::handle::Lookup::Stale(expected) => {
                return Err($crate::error::Failure::InvalidHandle {
                    param: stringify!($param),
                    expected,
                })
            }
        }
    };
}

/// The bytes of a NUL-terminated string argument (without the NUL), or
/// `Err(NullArgument)` naming it.
macro_rules! try_bytes {
    ($param:ident) => {
        // SAFETY: the caller passes NULL or a NUL-terminated string that lives
        // for the duration of the call (documented per function).
        match unsafe { $crate::boundary::bytes_of($param) } {
            Some(bytes) => bytes,
            None => {
                return Err($crate::error::Failure::NullArgument {
                    param: stringify!($param),
                })
            }
        }
    };
}

/// `&str` for a NUL-terminated UTF-8 string argument, or `Err(NullArgument)` /
/// `Err(InvalidUtf8)` naming it.
macro_rules! try_str {
    ($param:ident) => {
        match ::std::str::from_utf8(try_bytes!($param)) {
            Ok(text) => text,
            Err(e) => {
                return Err($crate::error::Failure::InvalidUtf8 {
                    param: stringify!($param),
                    offset: e.valid_up_to(),
                })
            }
        }
    };
}

/// A checked, non-NULL output pointer, or `Err(NullArgument)` naming it.
macro_rules! try_out {
    ($param:ident) => {
        match $crate::boundary::Out::new($param) {
            Some(out) => out,
            None => {
                return Err($crate::error::Failure::NullArgument {
                    param: stringify!($param),
                })
            }
        }
    };
}

/// A non-NULL output parameter, written at most once, at the end of a
/// successful call.
pub(crate) struct Out<T>(ptr::NonNull<T>);

impl<T> Out<T> {
    /// `None` for NULL.
    pub(crate) fn new(ptr: *mut T) -> Option<Out<T>> {
        ptr::NonNull::new(ptr).map(Out)
    }

    /// Writes the output, without reading or dropping the old value.
    pub(crate) fn write(self, value: T) {
        // SAFETY: non-NULL, and the caller promised a writable, aligned `T`
        // (documented per function).
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// The bytes of a C string; `None` for NULL.
///
/// # Safety
/// `s` must be NULL or point to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn bytes_of<'a>(s: *const std::ffi::c_char) -> Option<&'a [u8]> {
    if s.is_null() {
        return None;
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's promise.
    Some(unsafe { std::ffi::CStr::from_ptr(s) }.to_bytes())
}

/// The implementation of `ffi_boundary!`.
pub(crate) fn run(
    func: &'static str,
    err_out: *mut *mut steward_error,
    body: impl FnOnce() -> Result<(), Failure>,
) -> steward_status {
    let outcome = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(outcome) => outcome,
        Err(payload) => {
            let failure = Failure::panic(payload.as_ref());
            // Dropping a payload can itself panic; never let that escape.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            Err(failure)
        }
    };
    catch_unwind(AssertUnwindSafe(|| report(func, outcome, err_out)))
        .unwrap_or(steward_status::Panic)
}

fn report(
    func: &'static str,
    outcome: Result<(), Failure>,
    err_out: *mut *mut steward_error,
) -> steward_status {
    match outcome {
        Ok(()) => {
            set_last_error(None);
            if let Some(out) = Out::new(err_out) {
                out.write(ptr::null_mut());
            }
            steward_status::Ok
        }
        Err(failure) => {
            let data = failure.into_data(func);
            let status = data.status;
            set_last_error(Some(&data));
            if let Some(out) = Out::new(err_out) {
                out.write(handle::to_box_ptr::<steward_error>(data));
            }
            status
        }
    }
}

/// Runs a body that returns a value, giving `default` if it panics.
pub(crate) fn guard<T>(default: T, body: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            default
        }
    }
}

#[cfg(test)]
mod tests {
    use std::ptr;

    use super::*;
    use crate::error::{steward_last_error_json, steward_last_error_message};
    use crate::testing::{outcome, read};

    #[test]
    fn a_panic_is_caught_and_reported() {
        let (status, json) = outcome(|err| {
            run("steward_test", err, || -> Result<(), Failure> {
                panic!("boom")
            })
        });
        assert_eq!(status, steward_status::Panic);
        assert_eq!(
            json,
            r#"{"kind":"panic","message":"steward_test panicked: boom","issues":[]}"#
        );
        assert_eq!(guard(7, || -> i32 { panic!("again") }), 7);
    }

    #[test]
    fn the_last_error_is_per_thread_and_reset_by_success() {
        let status = run("steward_test", ptr::null_mut(), || {
            Err(Failure::internal("first"))
        });
        assert_eq!(status, steward_status::Internal);
        assert_eq!(read(steward_last_error_message()), "first");
        // Another thread's calls leave this thread's last error alone.
        std::thread::spawn(|| {
            assert_eq!(read(steward_last_error_message()), "");
            run("steward_test", ptr::null_mut(), || Ok(()));
            run("steward_test", ptr::null_mut(), || {
                Err(Failure::internal("other"))
            });
            assert_eq!(read(steward_last_error_message()), "other");
        })
        .join()
        .unwrap();
        assert_eq!(read(steward_last_error_message()), "first");
        assert_eq!(
            read(steward_last_error_json()),
            r#"{"kind":"internal","message":"first","issues":[]}"#
        );
        assert_eq!(
            run("steward_test", ptr::null_mut(), || Ok(())),
            steward_status::Ok
        );
        assert_eq!(read(steward_last_error_message()), "");
        assert_eq!(read(steward_last_error_json()), "");
    }

    #[test]
    fn error_accessors_accept_null() {
        use crate::error::{
            steward_error_free, steward_error_json, steward_error_message, steward_error_status,
        };
        assert_eq!(steward_error_status(ptr::null()), steward_status::Ok);
        assert_eq!(read(steward_error_message(ptr::null())), "");
        assert_eq!(read(steward_error_json(ptr::null())), "");
        steward_error_free(ptr::null_mut());
        crate::string::steward_string_free(ptr::null_mut());
    }
}
