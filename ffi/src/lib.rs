//! The C ABI of Steward (`libsteward`).
//!
//! This crate only translates: it checks the pointers and strings it is given,
//! calls the core crate (`steward`), and turns results into C strings and
//! errors into a [`steward_status`] plus an optional owned
//! [`steward_error`]. It contains no rule logic and no SQL.
//!
//! The header `include/steward.h` is generated from these sources by
//! `build.rs` with cbindgen; every `///` comment on an exported item becomes
//! the C documentation, so each says who frees what, what NULL means, and how
//! long returned pointers live.
//!
//! Layout (style guide B5):
//! - `boundary`: `ffi_boundary!` (catch_unwind around every body) and the
//!   `try_ref!`/`try_str!`/`try_bytes!`/`try_out!` argument checks;
//! - `handle`: the `Castable` mapping of opaque C types to Rust values (the only
//!   place that calls `Box::from_raw`);
//! - `error`: statuses, error objects and the thread-local last error;
//! - `string`, `version`, `estate`, `store`: the exported functions.

// Exported functions take raw pointers without being `unsafe fn`, as in
// rustls-ffi: every dereference goes through the checked helpers in
// `boundary` and `handle`.
#![allow(clippy::not_unsafe_ptr_arg_deref)]
// C names (`steward_status`, `steward_store`) are the public contract.
#![allow(non_camel_case_types)]

#[macro_use]
mod boundary;
mod handle;

// The exported items, in the order cbindgen writes them into steward.h
// (blank lines keep rustfmt from sorting them).
mod version;

mod error;

mod string;

mod call;

mod estate;

mod store;

mod roster;

mod dispatch;

mod satisfaction;

#[cfg(test)]
mod testing;

pub use dispatch::{
    steward_dispatch_assign, steward_dispatch_candidates, steward_dispatch_default_policy,
    steward_dispatch_follow_ups, steward_dispatch_lsa, steward_dispatch_rank,
    steward_linear_sum_assignment, steward_store_dispatch,
};
pub use error::{
    steward_error, steward_error_free, steward_error_json, steward_error_message,
    steward_error_status, steward_last_error_json, steward_last_error_message, steward_status,
};
pub use estate::{steward_demo_estate, steward_estate_validate};
pub use roster::{
    steward_cancel, steward_cancel_free, steward_cancel_new, steward_cancel_set,
    steward_roster_evaluate, steward_roster_nsp_import, steward_roster_progress,
    steward_roster_repair, steward_roster_solve,
};
pub use satisfaction::{
    steward_satisfaction_score, steward_satisfaction_score_columns,
    steward_store_satisfaction_score,
};
pub use store::{
    steward_store, steward_store_estate_ids, steward_store_free, steward_store_load_estate,
    steward_store_open, steward_store_open_in_memory, steward_store_save_estate,
    steward_store_schema_version,
};
pub use string::steward_string_free;
pub use version::steward_version;

#[cfg(test)]
mod header {
    //! The committed header must equal the one cbindgen generates now.

    use std::path::Path;

    fn first_difference(a: &str, b: &str) -> String {
        for (n, (x, y)) in a.lines().zip(b.lines()).enumerate() {
            if x != y {
                return format!("line {}:\n  committed: {x}\n  generated: {y}", n + 1);
            }
        }
        format!(
            "the files differ in length ({} vs {} lines)",
            a.lines().count(),
            b.lines().count()
        )
    }

    #[test]
    fn committed_header_is_current() {
        let generated = std::fs::read_to_string(env!("STEWARD_GENERATED_HEADER"))
            .expect("build.rs writes the generated header");
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/steward.h");
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed == generated {
            return;
        }
        if std::env::var_os("STEWARD_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(&path, &generated).expect("cannot write ffi/include/steward.h");
            return;
        }
        panic!(
            "ffi/include/steward.h differs from what cbindgen generates from ffi/src \
             ({}); run ffi/check-header.sh --bless and commit the header",
            first_difference(&committed, &generated)
        );
    }

    #[test]
    fn version_defines_match_cargo_toml() {
        let header = std::fs::read_to_string(env!("STEWARD_GENERATED_HEADER"))
            .expect("build.rs writes the generated header");
        let define = |name: &str| -> String {
            let prefix = format!("#define {name} ");
            header
                .lines()
                .find_map(|l| l.strip_prefix(&prefix))
                .unwrap_or_else(|| panic!("{name} is not defined in steward.h"))
                .trim()
                .to_owned()
        };
        let part = |s: &str| s.parse::<u32>().expect("a number");
        let (major, minor, patch) = (
            part(env!("CARGO_PKG_VERSION_MAJOR")),
            part(env!("CARGO_PKG_VERSION_MINOR")),
            part(env!("CARGO_PKG_VERSION_PATCH")),
        );
        assert_eq!(part(&define("STEWARD_VERSION_MAJOR")), major);
        assert_eq!(part(&define("STEWARD_VERSION_MINOR")), minor);
        assert_eq!(part(&define("STEWARD_VERSION_PATCH")), patch);
        assert_eq!(
            part(&define("STEWARD_VERSION_NUMBER")),
            major * 1_000_000 + minor * 1_000 + patch
        );
        assert_eq!(
            define("STEWARD_VERSION_STRING"),
            format!("\"{}\"", env!("CARGO_PKG_VERSION"))
        );
        // The core crate shares the workspace version.
        assert_eq!(steward::VERSION, env!("CARGO_PKG_VERSION"));
    }
}
