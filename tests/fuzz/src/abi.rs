//! The C ABI driven the way a C program drives it: the exported functions
//! are declared here from `steward.h` (not imported from the crate), and the
//! `ffi` target interprets its input as a little program of C calls with
//! arbitrary byte strings (non-UTF-8, embedded NULs: C sees the bytes up to
//! the first NUL), NULL pointers, freed handles, double frees and handles of
//! the wrong type.
//!
//! Input encoding (see `seed.py`): a sequence of calls, each
//! `[op][flags][args...]`; a string argument is `[n][n bytes]`, with `n = 255`
//! followed by a 2-byte little-endian length. `flags` below 32 makes the
//! pointer arguments whose bit is set NULL (bit 0 first argument, bit 1
//! second, bit 2 the output, bit 3 `err_out`).

use std::ffi::{CStr, c_char};
use std::ptr;

use serde_json::Value;

// Links the library (the declarations below resolve to its exports).
use steward_ffi as _;

/// `steward_store` (opaque).
#[repr(C)]
pub struct Store {
    _private: [u8; 0],
}

/// `steward_error` (opaque).
#[repr(C)]
pub struct Err {
    _private: [u8; 0],
}

/// `steward_status`.
pub type Status = u32;
/// `STEWARD_STATUS_OK`.
pub const OK: Status = 0;
/// `STEWARD_STATUS_NULL_ARGUMENT`.
pub const NULL_ARGUMENT: Status = 100;
/// `STEWARD_STATUS_INVALID_UTF8`.
pub const INVALID_UTF8: Status = 101;
/// `STEWARD_STATUS_PANIC`.
pub const PANIC: Status = 102;
/// `STEWARD_STATUS_INVALID_HANDLE`.
pub const INVALID_HANDLE: Status = 103;

#[allow(missing_docs)]
unsafe extern "C" {
    pub fn steward_version() -> *const c_char;
    pub fn steward_error_status(err: *const Err) -> Status;
    pub fn steward_error_message(err: *const Err) -> *const c_char;
    pub fn steward_error_json(err: *const Err) -> *const c_char;
    pub fn steward_error_free(err: *mut Err);
    pub fn steward_last_error_message() -> *const c_char;
    pub fn steward_last_error_json() -> *const c_char;
    pub fn steward_string_free(s: *mut c_char);
    pub fn steward_call(
        entry: *const c_char,
        request_json: *const c_char,
        response_out: *mut *mut c_char,
        err_out: *mut *mut Err,
    ) -> Status;
    pub fn steward_estate_validate(
        estate_json: *const c_char,
        normalised_json_out: *mut *mut c_char,
        err_out: *mut *mut Err,
    ) -> Status;
    pub fn steward_store_open(
        path: *const c_char,
        store_out: *mut *mut Store,
        err_out: *mut *mut Err,
    ) -> Status;
    pub fn steward_store_open_in_memory(store_out: *mut *mut Store, err_out: *mut *mut Err)
    -> Status;
    pub fn steward_store_free(store: *mut Store);
    pub fn steward_store_save_estate(
        store: *mut Store,
        estate_json: *const c_char,
        err_out: *mut *mut Err,
    ) -> Status;
    pub fn steward_store_load_estate(
        store: *mut Store,
        estate_id: *const c_char,
        json_out: *mut *mut c_char,
        err_out: *mut *mut Err,
    ) -> Status;
    pub fn steward_store_estate_ids(
        store: *mut Store,
        json_out: *mut *mut c_char,
        err_out: *mut *mut Err,
    ) -> Status;
    pub fn steward_store_schema_version(
        store: *mut Store,
        version_out: *mut u32,
        err_out: *mut *mut Err,
    ) -> Status;
}

/// Reads a borrowed C string the library returned.
fn read(p: *const c_char) -> String {
    assert!(!p.is_null(), "the library returned NULL for a string");
    // SAFETY: the library returns NUL-terminated strings valid until the
    // next call on this thread (or until the owner is freed).
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    String::from_utf8(bytes.to_vec()).expect("the library returns UTF-8")
}

struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*b)
    }

    /// A string argument as C receives it: the bytes plus a NUL.
    fn string(&mut self) -> Vec<u8> {
        let mut n = usize::from(self.byte().unwrap_or(0));
        if n == 255 {
            let lo = usize::from(self.byte().unwrap_or(0));
            let hi = usize::from(self.byte().unwrap_or(0));
            n = lo | hi << 8;
        }
        let n = n.min(self.0.len());
        let (s, rest) = self.0.split_at(n);
        self.0 = rest;
        let mut v = s.to_vec();
        v.push(0);
        v
    }
}

/// A handle the program holds, possibly freed already.
struct Held<T> {
    ptr: *mut T,
    live: bool,
}

/// Where outputs start: a non-NULL pointer the library must not write on failure.
fn sentinel<T>() -> *mut T {
    ptr::without_provenance_mut(0x5e47)
}

struct Program {
    stores: Vec<Held<Store>>,
    errors: Vec<Held<Err>>,
    files: Vec<std::path::PathBuf>,
}

/// What a call was given, for the status checks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Args {
    /// Every required pointer non-NULL and every handle live.
    Good,
    /// A required pointer was NULL.
    Null,
    /// A handle was stale (and no required pointer was NULL before it).
    Stale,
    /// A NULL and a stale handle: either status may come first.
    NullOrStale,
}

impl Program {
    fn pick_store(&self, i: u8) -> Option<(*mut Store, bool)> {
        if self.stores.is_empty() {
            return None;
        }
        let h = &self.stores[usize::from(i) % self.stores.len()];
        Some((h.ptr, h.live))
    }

    /// Checks the conventions after a status-returning call and keeps or
    /// frees the error object.
    fn after(&mut self, status: Status, err_out_given: bool, err: *mut Err, args: Args) {
        assert_ne!(status, PANIC, "a panic was caught: {}", read(unsafe {
            steward_last_error_message()
        }));
        match args {
            Args::Good => assert!(
                status != NULL_ARGUMENT && status != INVALID_HANDLE,
                "status {status} for good arguments"
            ),
            Args::Null => assert_eq!(status, NULL_ARGUMENT),
            Args::Stale => assert_eq!(status, INVALID_HANDLE),
            Args::NullOrStale => assert!(status == NULL_ARGUMENT || status == INVALID_HANDLE),
        }
        // SAFETY: the last error is read right after the call, on this thread.
        let last = read(unsafe { steward_last_error_json() });
        if status == OK {
            assert_eq!(last, "");
            if err_out_given {
                assert!(err.is_null(), "err_out not set to NULL on success");
            }
            return;
        }
        let json: Value = serde_json::from_str(&last).expect("the last error is JSON");
        assert!(json["kind"].is_string());
        if !err_out_given {
            return;
        }
        assert!(!err.is_null() && err != sentinel(), "no error object on failure");
        // SAFETY: `err` is a live error object just returned.
        unsafe {
            assert_eq!(steward_error_status(err), status);
            assert_eq!(read(steward_error_json(err)), last);
            let _ = read(steward_error_message(err));
        }
        if self.errors.len() < 8 {
            self.errors.push(Held { ptr: err, live: true });
        } else {
            // SAFETY: live and owned.
            unsafe { steward_error_free(err) };
        }
    }

    /// Checks and frees an owned output string.
    fn take_string(status: Status, out: *mut c_char, json: bool) {
        if status != OK {
            assert_eq!(out, sentinel(), "an output was written on failure");
            return;
        }
        assert!(!out.is_null() && out != sentinel(), "no output on success");
        let text = read(out);
        if json {
            let _: Value = serde_json::from_str(&text).expect("the output is JSON");
        }
        // SAFETY: owned by us, freed once.
        unsafe { steward_string_free(out) };
    }

    fn step(&mut self, input: &mut Input<'_>) -> Option<()> {
        let op = input.byte()?;
        let flags = input.byte()?;
        let nulls = if flags < 32 { flags } else { 0 };
        let null = |bit: u8| nulls & (1 << bit) != 0;
        let mut err: *mut Err = sentinel();
        let err_out: *mut *mut Err = if null(3) { ptr::null_mut() } else { &raw mut err };
        let mut out: *mut c_char = sentinel();
        let out_p: *mut *mut c_char = if null(2) { ptr::null_mut() } else { &raw mut out };
        match op % 12 {
            0 => {
                // A known entry name most of the time, any bytes otherwise.
                let entry = if flags & 0x20 == 0 {
                    let entries = steward::wire::ENTRIES;
                    let name = entries[usize::from(flags >> 6) % entries.len()].0;
                    let mut v = name.as_bytes().to_vec();
                    v.push(0);
                    v
                } else {
                    input.string()
                };
                let doc = input.string();
                if crate::slow_request(&doc) {
                    return Some(());
                }
                let e = if null(0) { ptr::null() } else { entry.as_ptr().cast() };
                let d = if null(1) { ptr::null() } else { doc.as_ptr().cast() };
                // SAFETY: NUL-terminated buffers or NULL; outputs are ours.
                let status = unsafe { steward_call(e, d, out_p, err_out) };
                let args = if null(0) || null(1) || null(2) { Args::Null } else { Args::Good };
                if status == INVALID_UTF8 {
                    assert!(std::str::from_utf8(&entry[..entry.len() - 1]).is_err());
                }
                self.after(status, !null(3), err, args);
                if !null(2) {
                    Self::take_string(status, out, true);
                }
            }
            1 => {
                let doc = input.string();
                let d = if null(0) { ptr::null() } else { doc.as_ptr().cast() };
                // SAFETY: as above; the output may be NULL for this function.
                let status = unsafe { steward_estate_validate(d, out_p, err_out) };
                self.after(status, !null(3), err, if null(0) { Args::Null } else { Args::Good });
                if !null(2) {
                    Self::take_string(status, out, true);
                }
            }
            2 | 3 => {
                if self.stores.iter().filter(|h| h.live).count() >= 3 {
                    return Some(());
                }
                let mut store: *mut Store = sentinel();
                let store_p: *mut *mut Store = if null(2) { ptr::null_mut() } else { &raw mut store };
                let (status, args) = if op % 12 == 2 {
                    // SAFETY: outputs are ours.
                    let s = unsafe { steward_store_open_in_memory(store_p, err_out) };
                    (s, if null(2) { Args::Null } else { Args::Good })
                } else {
                    // A file name made of the input's bytes, inside the scratch
                    // directory (no '/', so it cannot escape it).
                    let raw = input.string();
                    let mut name = b"f-".to_vec();
                    name.extend(raw[..raw.len() - 1].iter().take(40).map(|b| match b {
                        b'/' | 0 => b'_',
                        b => *b,
                    }));
                    let dir = crate::scratch().join("ffi");
                    std::fs::create_dir_all(&dir).expect("scratch dir");
                    let mut path = dir.into_os_string().into_encoded_bytes();
                    path.push(b'/');
                    path.extend_from_slice(&name);
                    let file = std::path::PathBuf::from(
                        // SAFETY: bytes from an OsString plus arbitrary bytes
                        // are a valid Unix OsStr.
                        unsafe { std::ffi::OsString::from_encoded_bytes_unchecked(path.clone()) },
                    );
                    self.files.push(file);
                    path.push(0);
                    let p = if null(0) { ptr::null() } else { path.as_ptr().cast() };
                    // SAFETY: NUL-terminated or NULL.
                    let s = unsafe { steward_store_open(p, store_p, err_out) };
                    (s, if null(0) || null(2) { Args::Null } else { Args::Good })
                };
                self.after(status, !null(3), err, args);
                if status == OK {
                    assert!(!store.is_null() && store != sentinel());
                    self.stores.push(Held { ptr: store, live: true });
                } else if !null(2) {
                    assert_eq!(store, sentinel());
                }
            }
            4..=7 => {
                let (store, live) = self.pick_store(flags)?;
                let s = if null(0) { ptr::null_mut() } else { store };
                let handle_ok = null(0) || live;
                let arg = input.string();
                let a = if null(1) { ptr::null() } else { arg.as_ptr().cast() };
                let (status, needs_arg, needs_out) = match op % 12 {
                    // SAFETY (all four): NUL-terminated or NULL inputs, our
                    // outputs, and a handle that is live, freed or NULL.
                    4 => (unsafe { steward_store_save_estate(s, a, err_out) }, true, false),
                    5 => (unsafe { steward_store_load_estate(s, a, out_p, err_out) }, true, true),
                    6 => (unsafe { steward_store_estate_ids(s, out_p, err_out) }, false, true),
                    _ => {
                        let mut version = 0u32;
                        let v: *mut u32 = if null(2) { ptr::null_mut() } else { &raw mut version };
                        (unsafe { steward_store_schema_version(s, v, err_out) }, false, true)
                    }
                };
                let nulls = null(0) || (needs_arg && null(1)) || (needs_out && null(2));
                let args = match (nulls, handle_ok) {
                    (false, true) => Args::Good,
                    (true, true) => Args::Null,
                    (false, false) => Args::Stale,
                    (true, false) => Args::NullOrStale,
                };
                self.after(status, !null(3), err, args);
                if matches!(op % 12, 5 | 6) && !null(2) {
                    Self::take_string(status, out, true);
                }
            }
            8 => {
                let (store, live) = self.pick_store(flags)?;
                // SAFETY: live, freed (ignored) or NULL.
                unsafe { steward_store_free(if null(0) { ptr::null_mut() } else { store }) };
                if live && !null(0) {
                    for h in &mut self.stores {
                        if h.ptr == store {
                            h.live = false;
                        }
                    }
                }
            }
            9 => {
                if self.errors.is_empty() {
                    return Some(());
                }
                let i = usize::from(flags) % self.errors.len();
                let (e, live) = (self.errors[i].ptr, self.errors[i].live);
                // SAFETY: live or freed (refused by the library).
                unsafe {
                    let status = steward_error_status(e);
                    let message = read(steward_error_message(e));
                    let json = read(steward_error_json(e));
                    if live {
                        assert_ne!(status, OK);
                        let _: Value = serde_json::from_str(&json).expect("error JSON");
                    } else {
                        assert_eq!(status, INVALID_HANDLE);
                        assert_eq!((message.as_str(), json.as_str()), ("", ""));
                    }
                    if flags & 0x80 != 0 {
                        steward_error_free(e);
                        self.errors[i].live = false;
                    }
                }
            }
            10 => {
                // SAFETY: static or thread-local strings, read at once.
                unsafe {
                    assert_eq!(read(steward_version()), steward::VERSION);
                    let _ = read(steward_last_error_message());
                    let _ = read(steward_last_error_json());
                }
            }
            _ => {
                // Handle confusion: an error passed as a store, a bogus pointer.
                let bogus: *mut Store = match self.errors.first() {
                    Some(e) if flags & 1 == 0 => e.ptr.cast(),
                    _ => ptr::without_provenance_mut(0x1000 + usize::from(flags) * 16),
                };
                // SAFETY: refused by the library's handle registry.
                let status = unsafe { steward_store_estate_ids(bogus, &raw mut out, &raw mut err) };
                self.after(status, true, err, Args::Stale);
                // SAFETY: ignored by the registry.
                unsafe { steward_store_free(bogus) };
            }
        }
        Some(())
    }
}

/// The `ffi` target.
pub fn run(data: &[u8]) {
    let mut program = Program {
        stores: Vec::new(),
        errors: Vec::new(),
        files: Vec::new(),
    };
    let mut input = Input(data);
    for _ in 0..64 {
        if program.step(&mut input).is_none() {
            break;
        }
    }
    // Release everything (leaks are findings), twice for the double frees.
    for _ in 0..2 {
        for h in &program.stores {
            // SAFETY: live or freed (ignored).
            unsafe { steward_store_free(h.ptr) };
        }
        for e in &program.errors {
            // SAFETY: live or freed (ignored).
            unsafe { steward_error_free(e.ptr) };
        }
    }
    for f in &program.files {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = f.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}
