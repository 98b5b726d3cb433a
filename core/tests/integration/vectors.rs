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
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return steward::wire::utf8_error(entry, e).to_json(),
    };
    let result = match entry {
        "estate" => steward::Estate::from_json(text).map(|_| ()),
        other => panic!("no runner for vector entry {other:?}"),
    };
    match result {
        Ok(()) => "ok".to_owned(),
        Err(e) => e.to_json(),
    }
}

#[test]
fn estate_vectors() {
    run("estate");
}

fn run(entry: &str) {
    let bless = std::env::var_os("STEWARD_BLESS").is_some();
    let cases = cases(entry);
    assert!(
        cases.len() >= 30,
        "expected at least 30 {entry} vectors, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for (input, expected_path) in &cases {
        let got = outcome(entry, &std::fs::read(input).unwrap());
        if bless {
            std::fs::write(expected_path, format!("{got}\n")).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(expected_path)
            .unwrap_or_else(|_| panic!("missing {}", expected_path.display()));
        if expected.trim_end_matches('\n') != got {
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
