//! The persistent store: an opaque handle around `Mutex<steward::Store>`.

use std::ffi::c_char;
use std::sync::{Mutex, MutexGuard};

use steward::{Estate, EstateId, Store};

use crate::boundary;
use crate::error::{Failure, steward_error, steward_status};
use crate::handle::{self, Castable};
use crate::string::to_c_string;

/// An open Steward database (an embedded SQLite file, or one in memory).
///
/// Created by steward_store_open() or steward_store_open_in_memory(), owned by
/// the caller, released with steward_store_free().
///
/// Thread safety: a store may be shared between threads; calls on one store
/// are serialised by an internal mutex (one call at a time, the others wait).
/// If a call panics while holding that mutex, the store becomes unusable and
/// every later call on it fails with STEWARD_STATUS_INTERNAL; free it and open
/// it again. steward_store_free() must not race with other calls on the same
/// store. Several stores may be opened on the same file (from any threads).
pub struct steward_store {
    _private: [u8; 0],
}

impl Castable for steward_store {
    type RustType = Mutex<Store>;
    const C_NAME: &'static str = "steward_store";
}

fn lock(store: &Mutex<Store>) -> Result<MutexGuard<'_, Store>, Failure> {
    store.lock().map_err(|_| {
        Failure::internal(
            "the store is unusable: an earlier call panicked while using it; free it and open it again",
        )
    })
}

/// Opens the Steward database at `path`, creating it if it does not exist.
///
/// `path` is a NUL-terminated UTF-8 file path, only read during the call. On
/// success `*store_out` receives a new store owned by the caller (release it
/// with steward_store_free()); on failure it is left untouched.
///
/// Fails with STEWARD_STATUS_STORAGE if the file cannot be opened or created,
/// is not a SQLite database, belongs to another application, or was written by
/// a newer Steward; the file is then left as it was. NULL `path` or
/// `store_out` gives STEWARD_STATUS_NULL_ARGUMENT; a `path` that is not UTF-8
/// gives STEWARD_STATUS_INVALID_UTF8. `err_out`: see the header's conventions.
#[unsafe(no_mangle)]
pub extern "C" fn steward_store_open(
    path: *const c_char,
    store_out: *mut *mut steward_store,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_store_open", err_out, {
        let path = try_str!(path);
        let out = try_out!(store_out);
        let store = Store::open(path)?;
        out.write(handle::to_box_ptr::<steward_store>(Mutex::new(store)));
        Ok(())
    })
}

/// Opens a new, empty database in memory; it disappears when the store is
/// freed.
///
/// On success `*store_out` receives a new store owned by the caller (release
/// it with steward_store_free()); on failure it is left untouched. NULL
/// `store_out` gives STEWARD_STATUS_NULL_ARGUMENT. `err_out`: see the header's
/// conventions.
#[unsafe(no_mangle)]
pub extern "C" fn steward_store_open_in_memory(
    store_out: *mut *mut steward_store,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_store_open_in_memory", err_out, {
        let out = try_out!(store_out);
        let store = Store::open_in_memory()?;
        out.write(handle::to_box_ptr::<steward_store>(Mutex::new(store)));
        Ok(())
    })
}

/// Closes a store and releases it.
///
/// NULL is a no-op. Using the store afterwards is refused with
/// STEWARD_STATUS_INVALID_HANDLE, and freeing it again (or freeing a pointer
/// that is not a steward_store) is ignored; but no other thread may be using
/// the store during this call. Strings and errors
/// obtained from the store remain valid (they are owned separately).
#[unsafe(no_mangle)]
pub extern "C" fn steward_store_free(store: *mut steward_store) {
    boundary::guard((), || {
        // SAFETY: `store` is NULL or an owned store from this library.
        unsafe { handle::free_box(store) }
    })
}

/// Validates an estate document and saves it in one transaction.
///
/// `estate_json` is a NUL-terminated estate document, only read during the
/// call. Facts (buildings, households, people, posts...) replace the stored
/// ones; records (work orders and their events, ratings, survey responses) are
/// added or kept, never dropped. On any failure nothing is written.
///
/// Fails with STEWARD_STATUS_INVALID_INPUT if the document does not validate
/// (exactly as steward_estate_validate() reports it), STEWARD_STATUS_CONFLICT
/// if saving would drop or rewrite a stored record, STEWARD_STATUS_STORAGE if
/// SQLite fails, STEWARD_STATUS_NULL_ARGUMENT for a NULL `store` or
/// `estate_json`. `err_out`: see the header's conventions.
#[unsafe(no_mangle)]
pub extern "C" fn steward_store_save_estate(
    store: *mut steward_store,
    estate_json: *const c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_store_save_estate", err_out, {
        let store = try_ref!(store);
        let document = try_bytes!(estate_json);
        let estate = Estate::from_json_bytes(document)?;
        lock(store)?.save_estate(&estate)?;
        Ok(())
    })
}

/// Loads an estate, with all its records, as an estate JSON document.
///
/// `estate_id` is a NUL-terminated UTF-8 id, only read during the call. On
/// success `*json_out` receives a NUL-terminated JSON string owned by the
/// caller, to be released with steward_string_free(); on failure it is left
/// untouched.
///
/// Fails with STEWARD_STATUS_NOT_FOUND if the store holds no estate with that
/// id, STEWARD_STATUS_INVALID_INPUT if `estate_id` is not a valid id,
/// STEWARD_STATUS_STORAGE if SQLite fails or a stored record cannot be read,
/// STEWARD_STATUS_NULL_ARGUMENT for a NULL `store`, `estate_id` or `json_out`,
/// STEWARD_STATUS_INVALID_UTF8 if `estate_id` is not UTF-8. `err_out`: see the
/// header's conventions.
#[unsafe(no_mangle)]
pub extern "C" fn steward_store_load_estate(
    store: *mut steward_store,
    estate_id: *const c_char,
    json_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_store_load_estate", err_out, {
        let store = try_ref!(store);
        let estate_id = try_str!(estate_id);
        let out = try_out!(json_out);
        let id = EstateId::new(estate_id)?;
        let estate = lock(store)?.load_estate(&id)?;
        out.write(to_c_string(estate.to_json())?.into_raw());
        Ok(())
    })
}

/// The ids of the estates in the store, sorted, as a JSON array of strings
/// (e.g. `["babylon-blue-diamond"]`, or `[]` for an empty store).
///
/// On success `*json_out` receives a NUL-terminated JSON string owned by the
/// caller, to be released with steward_string_free(); on failure it is left
/// untouched. Fails with STEWARD_STATUS_STORAGE if SQLite fails,
/// STEWARD_STATUS_NULL_ARGUMENT for a NULL `store` or `json_out`. `err_out`:
/// see the header's conventions.
#[unsafe(no_mangle)]
pub extern "C" fn steward_store_estate_ids(
    store: *mut steward_store,
    json_out: *mut *mut c_char,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_store_estate_ids", err_out, {
        let store = try_ref!(store);
        let out = try_out!(json_out);
        let ids = lock(store)?.estate_ids()?;
        out.write(to_c_string(steward::wire::to_json(&ids))?.into_raw());
        Ok(())
    })
}

/// The schema version of the open database (the migrations it has had).
///
/// On success `*version_out` receives the version; on failure it is left
/// untouched. Fails with STEWARD_STATUS_STORAGE if SQLite fails,
/// STEWARD_STATUS_NULL_ARGUMENT for a NULL `store` or `version_out`.
/// `err_out`: see the header's conventions.
#[unsafe(no_mangle)]
pub extern "C" fn steward_store_schema_version(
    store: *mut steward_store,
    version_out: *mut u32,
    err_out: *mut *mut steward_error,
) -> steward_status {
    ffi_boundary!("steward_store_schema_version", err_out, {
        let store = try_ref!(store);
        let out = try_out!(version_out);
        let version = lock(store)?.schema_version()?;
        out.write(version);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::ffi::CString;
    use std::ptr;

    use super::*;
    use crate::testing::{MINIMAL, c, outcome, sentinel, take};

    fn in_memory() -> *mut steward_store {
        let mut store = ptr::null_mut();
        let (status, json) = outcome(|err| steward_store_open_in_memory(&mut store, err));
        assert_eq!(status, steward_status::Ok, "{json}");
        assert!(!store.is_null());
        store
    }

    fn ids(store: *mut steward_store) -> String {
        let mut json = ptr::null_mut();
        let (status, err) = outcome(|e| steward_store_estate_ids(store, &mut json, e));
        assert_eq!(status, steward_status::Ok, "{err}");
        take(json)
    }

    #[test]
    fn save_list_load_round_trip() {
        let store = in_memory();
        assert_eq!(ids(store), "[]");
        let doc = c(MINIMAL);
        let (status, err) = outcome(|e| steward_store_save_estate(store, doc.as_ptr(), e));
        assert_eq!(status, steward_status::Ok, "{err}");
        assert_eq!(ids(store), r#"["tiny"]"#);

        let id = c("tiny");
        let mut json = ptr::null_mut();
        let (status, err) =
            outcome(|e| steward_store_load_estate(store, id.as_ptr(), &mut json, e));
        assert_eq!(status, steward_status::Ok, "{err}");
        assert_eq!(
            take(json),
            steward::Estate::from_json(MINIMAL).unwrap().to_json()
        );

        let mut version = 0u32;
        let (status, _) = outcome(|e| steward_store_schema_version(store, &mut version, e));
        assert_eq!(status, steward_status::Ok);
        assert_eq!(version, steward::SCHEMA_VERSION);
        steward_store_free(store);
    }

    #[test]
    fn unknown_and_malformed_ids() {
        let store = in_memory();
        let mut json = sentinel();
        let id = c("nope");
        let (status, err) =
            outcome(|e| steward_store_load_estate(store, id.as_ptr(), &mut json, e));
        assert_eq!(status, steward_status::NotFound);
        assert_eq!(err, steward::Error::not_found("estate", "nope").to_json());
        assert_eq!(json, sentinel());

        let id = c("not an id");
        let (status, err) =
            outcome(|e| steward_store_load_estate(store, id.as_ptr(), &mut json, e));
        assert_eq!(status, steward_status::InvalidInput);
        assert_eq!(
            err,
            steward::EstateId::new("not an id").unwrap_err().to_json()
        );

        let id = CString::new(&b"caf\xe9"[..]).unwrap();
        let (status, err) =
            outcome(|e| steward_store_load_estate(store, id.as_ptr(), &mut json, e));
        assert_eq!(status, steward_status::InvalidUtf8);
        assert!(
            err.contains(r#""path":"estate_id","value":"byte 3""#),
            "{err}"
        );
        assert_eq!(json, sentinel());
        steward_store_free(store);
    }

    #[test]
    fn every_null_pointer_is_named() {
        let store = in_memory();
        let doc = c(MINIMAL);
        let id = c("tiny");
        let mut json: *mut c_char = ptr::null_mut();
        let mut version = 0u32;
        let mut handle: *mut steward_store = ptr::null_mut();
        let (json_p, version_p, handle_p) = (&raw mut json, &raw mut version, &raw mut handle);
        type Call<'a> = Box<dyn Fn(*mut *mut steward_error) -> steward_status + 'a>;
        let cases: Vec<(&str, Call<'_>)> = vec![
            (
                "path",
                Box::new(|e| steward_store_open(ptr::null(), handle_p, e)),
            ),
            (
                "store_out",
                Box::new(|e| steward_store_open(id.as_ptr(), ptr::null_mut(), e)),
            ),
            (
                "store_out",
                Box::new(|e| steward_store_open_in_memory(ptr::null_mut(), e)),
            ),
            (
                "store",
                Box::new(|e| steward_store_save_estate(ptr::null_mut(), doc.as_ptr(), e)),
            ),
            (
                "estate_json",
                Box::new(|e| steward_store_save_estate(store, ptr::null(), e)),
            ),
            (
                "store",
                Box::new(|e| steward_store_load_estate(ptr::null_mut(), id.as_ptr(), json_p, e)),
            ),
            (
                "estate_id",
                Box::new(|e| steward_store_load_estate(store, ptr::null(), json_p, e)),
            ),
            (
                "json_out",
                Box::new(|e| steward_store_load_estate(store, id.as_ptr(), ptr::null_mut(), e)),
            ),
            (
                "store",
                Box::new(|e| steward_store_estate_ids(ptr::null_mut(), json_p, e)),
            ),
            (
                "json_out",
                Box::new(|e| steward_store_estate_ids(store, ptr::null_mut(), e)),
            ),
            (
                "store",
                Box::new(|e| steward_store_schema_version(ptr::null_mut(), version_p, e)),
            ),
            (
                "version_out",
                Box::new(|e| steward_store_schema_version(store, ptr::null_mut(), e)),
            ),
        ];
        for (param, call) in &cases {
            let (status, err) = outcome(call);
            assert_eq!(status, steward_status::NullArgument, "{param}: {err}");
            assert!(
                err.contains(&format!(r#""path":"{param}""#)),
                "{param}: {err}"
            );
        }
        drop(cases);
        assert!(json.is_null() && handle.is_null());
        steward_store_free(store);
        steward_store_free(ptr::null_mut());
    }

    #[test]
    fn bad_paths_are_storage_errors() {
        let dir = std::env::temp_dir().join(format!("steward-ffi-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = dir.join("notes.txt");
        std::fs::write(
            &text,
            "these are not the data you are looking for, not at all",
        )
        .unwrap();
        for path in [dir.clone(), text.clone(), dir.join("missing/dir/x.db")] {
            let p = c(path.to_str().unwrap());
            let mut store = sentinel();
            let (status, err) = outcome(|e| steward_store_open(p.as_ptr(), &mut store, e));
            assert_eq!(status, steward_status::Storage, "{}: {err}", path.display());
            assert_eq!(store, sentinel());
        }
        let p = CString::new(&b"/tmp/\xff.db"[..]).unwrap();
        let mut store = sentinel();
        let (status, _) = outcome(|e| steward_store_open(p.as_ptr(), &mut store, e));
        assert_eq!(status, steward_status::InvalidUtf8);

        let db = dir.join("estate.db");
        let p = c(db.to_str().unwrap());
        let mut store = ptr::null_mut();
        let (status, err) = outcome(|e| steward_store_open(p.as_ptr(), &mut store, e));
        assert_eq!(status, steward_status::Ok, "{err}");
        steward_store_free(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_invalid_estate_is_not_saved() {
        let store = in_memory();
        let doc = c(
            r#"{"id": "e1", "name": "X", "company": {"name": "C", "branch": "B"},
            "buildings": [{"id": "B1", "name": "One", "floors": 0}]}"#,
        );
        let (status, _) = outcome(|e| steward_store_save_estate(store, doc.as_ptr(), e));
        assert_eq!(status, steward_status::InvalidInput);
        assert_eq!(ids(store), "[]");
        steward_store_free(store);
    }

    #[test]
    fn a_poisoned_store_reports_internal() {
        let store = in_memory();
        // SAFETY: `store` is a live handle.
        let inner = unsafe { handle::try_ref(store) }.unwrap();
        let _ = std::panic::catch_unwind(|| {
            let _guard = inner.lock().unwrap();
            panic!("poison the store");
        });
        let mut json = sentinel();
        let (status, err) = outcome(|e| steward_store_estate_ids(store, &mut json, e));
        assert_eq!(status, steward_status::Internal);
        assert!(
            err.starts_with(r#"{"kind":"internal","message":"the store is unusable"#),
            "{err}"
        );
        assert_eq!(json, sentinel());
        steward_store_free(store);
    }

    #[test]
    fn freed_and_foreign_handles_are_refused() {
        let store = in_memory();
        steward_store_free(store);
        let mut json = sentinel();
        let (status, err) = outcome(|e| steward_store_estate_ids(store, &mut json, e));
        assert_eq!(status, steward_status::InvalidHandle);
        assert_eq!(
            err,
            r#"{"kind":"invalid_handle","message":"steward_store_estate_ids: store: expected a live steward_store, found a handle that was freed already, is of another type, or was not created by Steward","issues":[{"path":"store","value":"","code":"invalid_handle","message":"expected a live steward_store, found a handle that was freed already, is of another type, or was not created by Steward"}]}"#
        );
        assert_eq!(json, sentinel());
        steward_store_free(store); // double free: ignored

        // An error object passed as a store, and a store passed as an error.
        let mut err = ptr::null_mut();
        let status = steward_store_estate_ids(ptr::null_mut(), &mut json, &mut err);
        assert_eq!(status, steward_status::NullArgument);
        let (status, _) =
            outcome(|e| steward_store_estate_ids(err.cast::<steward_store>(), &mut json, e));
        assert_eq!(status, steward_status::InvalidHandle);
        let live = in_memory();
        assert_eq!(
            crate::error::steward_error_status(live.cast::<steward_error>()),
            steward_status::InvalidHandle
        );
        crate::error::steward_error_free(live.cast::<steward_error>()); // ignored
        assert_eq!(ids(live), "[]");
        steward_store_free(live);
        crate::error::steward_error_free(err);
        crate::error::steward_error_free(err); // double free: ignored
        assert_eq!(
            crate::error::steward_error_status(err),
            steward_status::InvalidHandle
        );
    }

    #[test]
    fn a_store_is_shared_between_threads() {
        struct Shared(*mut steward_store);
        // SAFETY: the handle is documented as shareable between threads.
        unsafe impl Sync for Shared {}
        let store = Shared(in_memory());
        std::thread::scope(|s| {
            for i in 0..4 {
                let store = &store;
                s.spawn(move || {
                    let doc = c(&MINIMAL.replace("tiny", &format!("t{i}")));
                    let (status, err) =
                        outcome(|e| steward_store_save_estate(store.0, doc.as_ptr(), e));
                    assert_eq!(status, steward_status::Ok, "{err}");
                });
            }
        });
        assert_eq!(ids(store.0), r#"["t0","t1","t2","t3"]"#);
        steward_store_free(store.0);
    }
}
