//! Fuzzes a rules file, then the filter under its rules: see `acr_inject_fuzz::rules`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| acr_inject_fuzz::rules(data));
