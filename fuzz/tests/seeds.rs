//! The committed seeds (`seeds/<target>/`) through the targets' bodies: what the fuzzers
//! reached stays checked by a plain `cargo +nightly test --release` here, without libFuzzer.

use std::path::PathBuf;

/// The seed files of `target`, sorted.
fn seeds(target: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds").join(target);
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.sort();
    assert!(files.len() > 5, "the seeds of {target} are missing from {}", dir.display());
    files
}

/// Runs `body` on every seed of `target`, naming the seed that fails.
fn replay(target: &str, body: fn(&[u8])) {
    for path in seeds(target) {
        let input = std::fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(|| body(&input));
        assert!(result.is_ok(), "{target} fails on {}", path.display());
    }
}

#[test]
fn every_split_seed_passes_the_split_target() {
    replay("split", acr_inject_fuzz::split);
}

#[test]
fn every_inject_seed_passes_the_inject_target() {
    replay("inject", acr_inject_fuzz::inject);
}

#[test]
fn every_rules_seed_passes_the_rules_target() {
    replay("rules", acr_inject_fuzz::rules);
}

#[test]
fn every_krm_seed_passes_the_krm_target() {
    replay("krm", acr_inject_fuzz::krm);
}

#[test]
fn every_sops_config_seed_passes_the_sops_config_target() {
    replay("sops_config", acr_inject_fuzz::sops_config);
}

#[test]
fn every_argocd_parameters_seed_passes_the_argocd_parameters_target() {
    replay("argocd_parameters", acr_inject_fuzz::argocd_parameters);
}
