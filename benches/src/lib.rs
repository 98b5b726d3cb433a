//! Shared helpers for Steward's benchmarks and benchmark tools.
//!
//! Criterion benches live in `benches/benches/`, command-line tools (such as
//! the NSP benchmark runner) in `benches/src/bin/`, and side-by-side
//! comparisons with peer tools in `benches/compare/`. Benchmarks are never
//! tests: they report numbers, they do not assert them.

pub mod satisfaction_data;

/// Reads a file from the shared folder next to the repository
/// (`../shared/<relative>`), if it is there.
pub fn shared_file(relative: &str) -> Option<std::path::PathBuf> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(relative);
    p.exists().then_some(p)
}
