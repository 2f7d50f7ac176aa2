//! Fuzzes the injector on raw bytes and on manifests the bytes decide: see
//! `acr_inject_fuzz::inject`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| acr_inject_fuzz::inject(data));
