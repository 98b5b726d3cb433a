//! The checks behind Steward's fuzz targets (one small file per target in
//! `fuzz_targets/` calls one function here).
//!
//! Every target asserts more than "no panic": responses are JSON, errors
//! have the one error shape with a known kind (never `internal`), document
//! entry points are deterministic (the same bytes twice give the same
//! bytes), the estate entry's normalisation is idempotent, and the C ABI
//! keeps its conventions (outputs written only on success, status and error
//! object agree, no caught panic, freed handles refused).

#![allow(clippy::missing_panics_doc)]

pub mod abi;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use steward::{Error, ErrorKind};

/// Asserts that an error has the boundary shape and a kind that input may cause.
pub fn check_error(e: &Error) {
    assert_ne!(e.kind(), ErrorKind::Internal, "internal error: {e}");
    let json: Value = serde_json::from_str(&e.to_json()).expect("error JSON parses");
    assert_eq!(json["kind"].as_str(), Some(e.kind().code()));
    for issue in e.issues() {
        assert!(
            issue.value.chars().count() <= steward::MAX_VALUE_CHARS,
            "issue value longer than {} chars: {issue:?}",
            steward::MAX_VALUE_CHARS
        );
    }
}

fn outcome(r: &steward::Result<String>) -> String {
    match r {
        Ok(out) => out.clone(),
        Err(e) => e.to_json(),
    }
}

/// Whether a request asks for a wall-clock budget (`"seconds"`) or more than
/// a million `"moves"` (a roster solve): such runs are slow, and with a
/// wall-clock budget not deterministic, so the targets skip them.
pub fn slow_request(document: &[u8]) -> bool {
    fn asks_much(v: &Value) -> bool {
        match v {
            Value::Object(map) => map.iter().any(|(k, x)| {
                k == "seconds"
                    || (k == "moves" && x.as_f64().is_none_or(|n| n > 1e6))
                    || asks_much(x)
            }),
            Value::Array(items) => items.iter().any(asks_much),
            _ => false,
        }
    }
    let mentions = |key: &[u8]| document.windows(key.len()).any(|w| w == key);
    (mentions(b"\"seconds\"") || mentions(b"\"moves\""))
        && serde_json::from_slice::<Value>(document).is_ok_and(|v| asks_much(&v))
}

/// Runs one document entry point on `document` and checks the outcome.
pub fn check_entry(entry: &str, document: &[u8]) {
    if slow_request(document) {
        return;
    }
    let known = steward::wire::ENTRIES.iter().any(|(n, _)| *n == entry);
    let first = steward::wire::call(entry, document);
    match &first {
        Ok(response) => {
            assert!(known, "unknown entry {entry:?} succeeded");
            let _: Value = serde_json::from_str(response).expect("a response is JSON");
            if entry != "estate" {
                assert!(
                    response.starts_with("{\"schema\":\"steward."),
                    "{entry}: response does not start with its schema: {}",
                    &response[..response.len().min(80)]
                );
            }
        }
        Err(e) => {
            check_error(e);
            if !known {
                assert_eq!(e.kind(), ErrorKind::NotFound);
            }
        }
    }
    // Same bytes in, same bytes out.
    let second = steward::wire::call(entry, document);
    assert_eq!(outcome(&first), outcome(&second), "{entry} is not deterministic");
    // The estate entry returns the normalised estate: normalising it again
    // changes nothing.
    if entry == "estate"
        && let Ok(out) = &first
    {
        let again = steward::wire::call("estate", out.as_bytes());
        assert_eq!(again.as_ref().ok(), Some(out), "normalisation is not idempotent");
    }
}

/// The `call` target: `name NUL document` runs the entry named `name` (any
/// bytes: unknown names must give `not_found`); input without a NUL runs
/// `ENTRIES[first byte % len]` on the rest.
pub fn call(data: &[u8]) {
    match data.iter().position(|b| *b == 0) {
        Some(i) => check_entry(&String::from_utf8_lossy(&data[..i]), &data[i + 1..]),
        None => {
            let Some((first, rest)) = data.split_first() else {
                return;
            };
            let entries = steward::wire::ENTRIES;
            let (name, _) = entries[usize::from(*first) % entries.len()];
            check_entry(name, rest);
        }
    }
}

/// The entry the `entry` target fuzzes: `$STEWARD_FUZZ_ENTRY` (default `estate`).
pub fn fuzzed_entry() -> &'static str {
    static ENTRY: OnceLock<String> = OnceLock::new();
    ENTRY.get_or_init(|| {
        let name = std::env::var("STEWARD_FUZZ_ENTRY").unwrap_or_else(|_| "estate".to_owned());
        assert!(
            steward::wire::ENTRIES.iter().any(|(n, _)| *n == name),
            "STEWARD_FUZZ_ENTRY={name:?} is not an entry of steward::wire::ENTRIES"
        );
        name
    })
}

/// A scratch directory for this fuzzing process.
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("steward-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the scratch directory");
        dir
    })
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// A small valid estate for writes into fuzzed databases.
const TINY: &str = r#"{"id": "tiny", "name": "Tiny", "company": {"name": "C", "branch": "B"}}"#;

/// Opens a database file holding exactly `bytes` and uses it through the
/// whole Store API: nothing may panic, every error must be a typed one.
pub fn store_on_bytes(bytes: &[u8]) {
    let path = scratch().join("fuzzed.db");
    remove_db(&path);
    std::fs::write(&path, bytes).expect("write the fuzzed database");
    match steward::Store::open(&path) {
        Ok(mut store) => exercise(&mut store),
        Err(e) => check_error(&e),
    }
    remove_db(&path);
}

fn ok_or_typed<T>(r: steward::Result<T>) -> Option<T> {
    r.map_err(|e| check_error(&e)).ok()
}

fn exercise(store: &mut steward::Store) {
    let _ = ok_or_typed(store.schema_version());
    let filter = steward::Filter::default();
    for id in ok_or_typed(store.estate_ids()).unwrap_or_default() {
        if let Some(estate) = ok_or_typed(store.load_estate(&id)) {
            // Whatever loads serialises.
            let _ = estate.to_json();
            if let Some(order) = estate.work_orders.first() {
                let _ = ok_or_typed(store.work_order(&id, &order.id));
            }
        }
        let _ = ok_or_typed(store.work_orders(&id, &filter));
        let _ = ok_or_typed(store.open_work_orders(&id, &filter));
        let _ = ok_or_typed(store.ratings(&id, &filter));
        let _ = ok_or_typed(store.survey_responses(&id, &filter));
    }
    // Writes into a damaged database fail cleanly or succeed.
    let tiny = steward::Estate::from_json(TINY).expect("the tiny estate is valid");
    if ok_or_typed(store.save_estate(&tiny)).is_some() {
        let _ = ok_or_typed(store.load_estate(&tiny.id));
    }
}

/// A valid Steward database holding the shared vectors' base estate, with
/// 512-byte pages (a small image for `store_patch` to damage).
pub fn base_image() -> &'static [u8] {
    static IMAGE: OnceLock<Vec<u8>> = OnceLock::new();
    IMAGE.get_or_init(|| {
        let path = scratch().join("base.db");
        remove_db(&path);
        let base = include_str!("../../vectors/estate/base.json");
        let estate = steward::Estate::from_json(base).expect("base.json is valid");
        {
            let mut store = steward::Store::open(&path).expect("create the base database");
            store.save_estate(&estate).expect("save the base estate");
        }
        {
            let conn = rusqlite::Connection::open(&path).expect("reopen the base database");
            conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA page_size = 512; VACUUM;")
                .expect("shrink the base database");
        }
        let bytes = std::fs::read(&path).expect("read the base database");
        remove_db(&path);
        // run.sh writes the store_open seed this way.
        if let Some(out) = std::env::var_os("STEWARD_FUZZ_BASE_OUT") {
            std::fs::write(out, &bytes).expect("write the base database seed");
        }
        bytes
    })
}

/// The `store_patch` target: the input is a list of patches
/// `[offset: 3 bytes LE][n: 1 byte][n bytes]` applied to [`base_image`].
pub fn store_patch(data: &[u8]) {
    let mut image = base_image().to_vec();
    let mut rest = data;
    while rest.len() >= 4 {
        let offset = usize::from(rest[0]) | usize::from(rest[1]) << 8 | usize::from(rest[2]) << 16;
        let n = usize::from(rest[3]).min(rest.len() - 4);
        let patch = &rest[4..4 + n];
        let at = offset % image.len();
        for (i, b) in patch.iter().enumerate() {
            if let Some(slot) = image.get_mut(at + i) {
                *slot = *b;
            }
        }
        rest = &rest[4 + n..];
    }
    store_on_bytes(&image);
}

/// The `nsp` target: the benchmark parser and what is built from a parsed
/// instance (the roster request, the objective of an empty roster).
pub fn nsp(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match steward::roster::nsp::parse(text) {
        Ok(instance) => {
            if let Err(e) = instance.to_request("fuzz") {
                check_error(&e);
            }
            if instance.horizon <= 366 && instance.staff.len() <= 200 {
                let empty = instance
                    .staff
                    .iter()
                    .map(|s| (s.id.clone(), vec![String::new(); instance.horizon]))
                    .collect();
                if let Err(e) = instance.evaluate(&empty) {
                    check_error(&e);
                }
            }
        }
        Err(e) => {
            let message = e.to_string();
            assert!(!message.is_empty());
        }
    }
}
