#![no_main]
//! Every document entry point through `steward::wire::call`: `name NUL document`, or `ENTRIES[first byte]` on the rest.

libfuzzer_sys::fuzz_target!(|data: &[u8]| steward_fuzz::call(data));
