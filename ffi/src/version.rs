//! The library version.

use std::ffi::{CStr, c_char};

use crate::boundary;

const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => panic!("the package version contains a NUL byte"),
    };

/// The version of the Steward library, e.g. "0.1.0" (as in Cargo.toml).
///
/// Compare it with STEWARD_VERSION_STRING to detect a header/library mismatch.
/// The string is static: valid for the life of the program; never free it.
/// Never NULL. Does not touch the last error.
#[unsafe(no_mangle)]
pub extern "C" fn steward_version() -> *const c_char {
    boundary::guard(VERSION.as_ptr(), || VERSION.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_the_crate_version() {
        // SAFETY: steward_version returns a static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(steward_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
        assert_eq!(v.to_str().unwrap(), steward::VERSION);
    }
}
