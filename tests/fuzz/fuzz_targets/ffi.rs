#![no_main]
//! The C ABI driven like a C program: arbitrary byte strings, NULLs, freed handles, double frees.

libfuzzer_sys::fuzz_target!(|data: &[u8]| steward_fuzz::abi::run(data));
