//! Integration tests of steward-core: the store and the shared vectors.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod store;
mod vectors;

use std::path::PathBuf;

/// The repository's `tests/` folder.
pub fn repo_tests() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests")
}

/// The small estate every vector mutates (all entity kinds present).
pub fn base_estate() -> steward::Estate {
    let text = std::fs::read_to_string(repo_tests().join("vectors/estate/base.json")).unwrap();
    steward::Estate::from_json(&text).unwrap()
}
