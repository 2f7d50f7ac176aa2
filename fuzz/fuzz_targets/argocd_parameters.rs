//! Fuzzes an Argo CD Application's settings against the sidecar's: see `acr_inject_fuzz::argocd_parameters`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| acr_inject_fuzz::argocd_parameters(data));
