#![no_main]
//! `Store::open` on a valid database (the base estate) damaged by the input's patches, then the whole Store API.

libfuzzer_sys::fuzz_target!(|data: &[u8]| steward_fuzz::store_patch(data));
