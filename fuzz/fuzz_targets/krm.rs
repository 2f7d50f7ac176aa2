//! Fuzzes the KRM function on a ResourceList: see `acr_inject_fuzz::krm`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| acr_inject_fuzz::krm(data));
