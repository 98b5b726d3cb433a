#![no_main]
//! One document entry point, named by `$STEWARD_FUZZ_ENTRY` (default `estate`): run.sh runs this once per entry of `steward::wire::ENTRIES`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| steward_fuzz::check_entry(steward_fuzz::fuzzed_entry(), data));
