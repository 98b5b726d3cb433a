#![no_main]
//! `Store::open` on a file holding arbitrary bytes, then the whole Store API.

libfuzzer_sys::fuzz_target!(|data: &[u8]| steward_fuzz::store_on_bytes(data));
