#![no_main]
//! The NSP benchmark parser (`steward::roster::nsp::parse`) and what is built from a parsed instance.

libfuzzer_sys::fuzz_target!(|data: &[u8]| steward_fuzz::nsp(data));
