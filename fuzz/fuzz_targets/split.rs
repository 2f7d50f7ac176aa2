//! Fuzzes the document splitter on raw bytes: see `acr_inject_fuzz::split`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| acr_inject_fuzz::split(data));
