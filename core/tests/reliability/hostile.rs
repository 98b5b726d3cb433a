//! Hostile input at the document boundary, through every entry point of
//! `steward::wire::ENTRIES`: huge documents are refused before any work with
//! a clear error and (measured by a counting allocator, per thread) almost no
//! memory; deep nesting is an error, not a stack overflow; long values are
//! cut in errors; bytes that are not UTF-8 or not JSON are typed errors.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use steward::wire::{ENTRIES, MAX_DOCUMENT_BYTES, call};
use steward::{ErrorKind, IssueCode};

/// Counts the bytes allocated by the current thread (live and peak), so a
/// test can bound the memory one call uses while other tests run.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn account(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: forwards to the system allocator; the bookkeeping allocates nothing.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        account(layout.size() as isize);
        // SAFETY: forwarded.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        account(-(layout.size() as isize));
        // SAFETY: forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        account(layout.size() as isize);
        // SAFETY: forwarded.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        account(new_size as isize - layout.size() as isize);
        // SAFETY: forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its result and the peak number of bytes it had
/// allocated at once on this thread (beyond what was live before).
fn peak_bytes<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(before));
    let out = f();
    let peak = PEAK.with(Cell::get) - before;
    (out, peak.max(0) as usize)
}

const MIB: usize = 1 << 20;

/// A syntactically plausible document of exactly `len` bytes: an object
/// padded with spaces.
fn padded(len: usize) -> Vec<u8> {
    let mut doc = vec![b' '; len];
    doc[0] = b'{';
    doc[len - 1] = b'}';
    doc
}

fn assert_too_large(entry: &str, result: steward::Result<String>, len: usize) {
    let err = result.expect_err(entry);
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{entry}: {err}");
    let issue = &err.issues()[0];
    assert_eq!(issue.code, IssueCode::OutOfRange, "{entry}: {err}");
    assert_eq!(
        issue.message,
        format!("document is {len} bytes; the limit is {MAX_DOCUMENT_BYTES}"),
        "{entry}"
    );
}

#[test]
fn a_100_mb_document_is_refused_by_every_entry_without_work() {
    let len = 100 * MIB;
    let doc = padded(len);
    for (entry, _) in ENTRIES {
        let (result, peak) = peak_bytes(|| call(entry, &doc));
        assert_too_large(entry, result, len);
        assert!(
            peak < 64 * 1024,
            "{entry}: refusing 100 MB allocated {peak} bytes"
        );
    }
    // Not UTF-8 either: still the size that is reported, at once.
    let mut bad = padded(len);
    bad[len / 2] = 0xff;
    let (result, peak) = peak_bytes(|| call("estate", &bad));
    assert_too_large("estate", result, len);
    assert!(peak < 64 * 1024);
}

/// The JSON of an estate with `n` small work orders.
fn estate_with_orders(n: usize) -> Vec<u8> {
    let base = crate::base_json();
    let mut doc = Vec::with_capacity(n * 230 + base.len());
    let cut = base
        .find("\"work_orders\": [")
        .expect("base.json has work orders")
        + "\"work_orders\": [".len();
    doc.extend_from_slice(&base.as_bytes()[..cut]);
    for i in 0..n {
        if i > 0 {
            doc.push(b',');
        }
        doc.extend_from_slice(
            format!(
                r#"{{"id":"M{i}","category":"hygiene","location":{{"kind":"common_area","name":"Gate"}},"reported_at":"2022-12-14T07:40:00+08:00","reported_by":{{"kind":"anonymous"}},"channel":"patrol","description":"Litter at the gate"}}"#
            )
            .as_bytes(),
        );
    }
    // Drop the base's own orders (they are referred to by ratings, so keep
    // none of those either): close the list and cut to the end of the object.
    doc.extend_from_slice(b"]}");
    doc
}

#[test]
fn a_million_work_orders_in_one_document_is_a_clear_error() {
    let doc = estate_with_orders(1_000_000);
    assert!(doc.len() > MAX_DOCUMENT_BYTES);
    let (result, peak) = peak_bytes(|| call("estate", &doc));
    assert_too_large("estate", result, doc.len());
    assert!(peak < 64 * 1024);
}

#[test]
fn a_document_just_under_the_limit_has_bounded_memory() {
    // About 60 MB: 250,000 orders, the last one with an unknown category, so
    // the whole document is parsed before the error is found.
    let mut doc = estate_with_orders(250_000);
    let (ok, valid_peak) = peak_bytes(|| call("estate", &doc));
    assert!(ok.is_ok());
    let at = doc.len() - 200;
    let pos = doc[at..]
        .windows(9)
        .position(|w| w == b"\"hygiene\"")
        .unwrap()
        + at;
    doc[pos..pos + 9].copy_from_slice(b"\"hygienX\"");
    assert!(doc.len() < MAX_DOCUMENT_BYTES);
    let (result, peak) = peak_bytes(|| call("estate", &doc));
    let err = result.unwrap_err();
    assert_eq!(err.issues()[0].path, "work_orders[249999].category");
    assert_eq!(err.issues()[0].code, IssueCode::UnknownVariant);
    eprintln!(
        "hostile: a {} MB estate: peak {} MB to accept it, {} MB to refuse it with an error at the end",
        doc.len() / MIB,
        valid_peak / MIB,
        peak / MIB
    );
    assert!(
        peak < 12 * doc.len(),
        "refusing a {} byte document allocated {peak} bytes",
        doc.len()
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 1_000_000;
    let arrays = [vec![b'['; depth], vec![b']'; depth]].concat();
    let mut objects = Vec::with_capacity(depth * 6);
    for _ in 0..depth {
        objects.extend_from_slice(b"{\"a\":");
    }
    objects.extend_from_slice(b"1");
    objects.extend(std::iter::repeat_n(b'}', depth));
    for (entry, _) in ENTRIES {
        for doc in [&arrays, &objects] {
            let err = call(entry, doc).expect_err(entry);
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{entry}: {err}");
        }
    }
}

#[test]
fn long_values_are_cut_and_messages_stay_short() {
    let long = "x".repeat(MIB);
    let cases = [
        format!(r#"{{"id": "{long}", "name": "E", "company": {{"name": "C", "branch": "B"}}}}"#),
        format!(r#"{{"id": "e", "name": "{long}", "company": {{"name": "C", "branch": "B"}}}}"#),
        format!(
            r#"{{"id": "e", "name": "E", "company": {{"name": "C", "branch": "B"}}, "{long}": 1}}"#
        ),
        format!(
            r#"{{"id": "e", "name": "E", "company": {{"name": "C", "branch": "B"}}, "buildings": [{{"id": "B1", "name": "One", "floors": "{long}"}}]}}"#
        ),
    ];
    for (entry, _) in ENTRIES {
        for (i, doc) in cases.iter().enumerate() {
            let err = call(entry, doc.as_bytes()).expect_err(entry);
            for issue in err.issues() {
                assert!(issue.value.chars().count() <= steward::MAX_VALUE_CHARS);
                assert!(
                    issue.path.len() <= 1000,
                    "{entry} case {i}: path of {} bytes",
                    issue.path.len()
                );
                assert!(
                    issue.message.len() <= 1000,
                    "{entry} case {i}: message of {} bytes",
                    issue.message.len()
                );
            }
            assert!(
                err.message().len() <= 2000,
                "{entry} case {i}: a {} byte message",
                err.message().len()
            );
        }
    }
}

#[test]
fn junk_bytes_are_typed_errors_for_every_entry() {
    let junk: [&[u8]; 9] = [
        b"",
        b"\0",
        b"{\0}",
        b"\xff\xfe{}",
        b"null",
        b"[]",
        b"\"estate\"",
        b"{\"schema\": 5}",
        b"{}{}",
    ];
    for (entry, _) in ENTRIES {
        for doc in junk {
            let err = call(entry, doc).expect_err(entry);
            assert_eq!(
                err.kind(),
                ErrorKind::InvalidInput,
                "{entry} {doc:?}: {err}"
            );
            assert!(!err.issues().is_empty(), "{entry} {doc:?}");
        }
    }
}

/// A million work orders through the typed API into a store (with
/// `STEWARD_HUGE=1`; about a minute and 1.5 GB): handled, not refused.
#[test]
fn a_million_work_orders_through_the_store() {
    let n = if std::env::var_os("STEWARD_HUGE").is_some() {
        1_000_000
    } else {
        20_000
    };
    let mut estate = crate::base_estate();
    estate.ratings.clear();
    let template = crate::crash::order("M0", 2);
    estate.work_orders = (0..n)
        .map(|i| {
            let mut o = template.clone();
            o.id = steward::WorkOrderId::new(format!("M{i}")).unwrap();
            o
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut store = steward::Store::open(dir.path().join("big.db")).unwrap();
    store.save_estate(&estate).unwrap();
    let open = store
        .open_work_orders(&estate.id, &steward::Filter::default())
        .unwrap();
    assert_eq!(open.len(), n);
}
