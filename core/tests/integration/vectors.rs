//! Runs the shared vectors in tests/vectors (the cross-language contract).
//!
//! With `STEWARD_BLESS=1` the expected `.out` files are rewritten from what the
//! library returns now; review the diff before committing it.

use std::path::PathBuf;

use crate::repo_tests;

fn cases(entry: &str) -> Vec<(PathBuf, PathBuf)> {
    let dir = repo_tests().join("vectors").join(entry);
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let out = p.with_extension("out");
            (p, out)
        })
        .collect();
    out.sort();
    out
}

/// What a document entry point returns for the bytes of a vector, as the
/// `.out` line: `ok`, or the error's JSON.
fn outcome(entry: &str, bytes: &[u8]) -> String {
    match steward::wire::call(entry, bytes) {
        Ok(response) => response,
        Err(e) => e.to_json(),
    }
}

/// `ok` in a `.out` file accepts any successful response; anything else is
/// compared byte for byte (an error's JSON, or a response document).
fn matches(expected: &str, got: &str) -> bool {
    if expected == "ok" {
        !got.starts_with("{\"kind\":")
    } else {
        expected == got
    }
}

#[test]
fn every_entry_has_vectors_and_every_vector_folder_an_entry() {
    let dir = repo_tests().join("vectors");
    let mut folders: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut entries: Vec<String> = steward::wire::ENTRIES
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    entries.sort();
    assert_eq!(folders, entries);
}

/// Runs the vectors of every entry point (at least 30 for estates, 5 for others).
#[test]
fn all_vectors() {
    for (entry, _) in steward::wire::ENTRIES {
        run(entry, if *entry == "estate" { 30 } else { 5 });
    }
}

fn run(entry: &str, min: usize) {
    let bless = std::env::var_os("STEWARD_BLESS").is_some();
    let cases = cases(entry);
    assert!(
        cases.len() >= min,
        "expected at least {min} {entry} vectors, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for (input, expected_path) in &cases {
        let got = outcome(entry, &std::fs::read(input).unwrap());
        if bless
            && !(std::fs::read_to_string(expected_path).is_ok_and(|e| e.trim_end() == "ok")
                && matches("ok", &got))
        {
            std::fs::write(expected_path, format!("{got}\n")).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(expected_path)
            .unwrap_or_else(|_| panic!("missing {}", expected_path.display()));
        if !matches(expected.trim_end_matches('\n'), &got) {
            failures.push(format!(
                "{}\n  expected: {}\n  got:      {got}",
                input.display(),
                expected.trim_end()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} vector(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
