//! Fuzzes a .sops.yaml and the SOPS Secret its rule makes: see `acr_inject_fuzz::sops_config`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| acr_inject_fuzz::sops_config(data));
