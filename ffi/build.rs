//! Generates the C header of libsteward with cbindgen.
//!
//! The header is written to `$OUT_DIR/steward.h` (never into the source tree)
//! and its path is passed to the crate as `STEWARD_GENERATED_HEADER`. The
//! committed copy `include/steward.h` is compared with it by the unit test
//! `header::committed_header_is_current`; a stale copy also gives a cargo
//! warning here. To update the committed copy run `ffi/check-header.sh --bless`.

use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=include/steward.h");

    let version = |part: &str| {
        std::env::var(format!("CARGO_PKG_VERSION_{part}"))
            .unwrap_or_else(|_| panic!("CARGO_PKG_VERSION_{part} is not set"))
            .parse::<u32>()
            .unwrap_or_else(|_| panic!("CARGO_PKG_VERSION_{part} is not a number"))
    };
    let (major, minor, patch) = (version("MAJOR"), version("MINOR"), version("PATCH"));
    let number = major * 1_000_000 + minor * 1_000 + patch;
    let full = std::env::var("CARGO_PKG_VERSION").expect("CARGO_PKG_VERSION");

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cannot read ffi/cbindgen.toml");
    config.after_includes = Some(format!(
        "\n\
         /** The version of Steward this header belongs to, as in Cargo.toml. */\n\
         #define STEWARD_VERSION_MAJOR {major}\n\
         #define STEWARD_VERSION_MINOR {minor}\n\
         #define STEWARD_VERSION_PATCH {patch}\n\
         /** MAJOR * 1000000 + MINOR * 1000 + PATCH, for `#if` comparisons. */\n\
         #define STEWARD_VERSION_NUMBER {number}\n\
         /** The full version string; steward_version() returns the library's. */\n\
         #define STEWARD_VERSION_STRING \"{full}\"\n"
    ));

    let generated = out_dir.join("steward.h");
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not generate steward.h")
        .write_to_file(&generated);
    println!(
        "cargo:rustc-env=STEWARD_GENERATED_HEADER={}",
        generated.display()
    );

    let committed = crate_dir.join("include").join("steward.h");
    let fresh = std::fs::read(&generated).expect("cannot read the generated header");
    if std::fs::read(&committed).ok().as_deref() != Some(fresh.as_slice()) {
        println!(
            "cargo:warning=ffi/include/steward.h is out of date with ffi/src; \
             run ffi/check-header.sh --bless and commit it"
        );
    }
}
