//! Running the built binary, for the end-to-end tests. What its output must be (the oracle,
//! the invariants, the corpus, the canary credentials) is the test kit's (`testkit/`), shared
//! with the property tests and the fuzz targets; running the binary stays here, since only this
//! package's integration tests have it built for them.
#![allow(dead_code, unused_imports)]

use std::path::{Path, PathBuf};

// The kit's checks, for the tests that read them as `common::*`.
pub use acr_inject_testkit::crds::*;
pub use acr_inject_testkit::invariants::*;
pub use acr_inject_testkit::oracle::*;
pub use acr_inject_testkit::{PASSWORD, USERNAME};
use assert_cmd::Command;

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The binary with a clean environment: no credential of the caller's leaks in.
pub fn acr_inject() -> Command {
    let mut command = Command::cargo_bin("acr-inject").unwrap();
    command.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command
}

/// The binary with credentials for `myregistry` in the environment.
pub fn acr_inject_with_credentials() -> Command {
    let mut command = acr_inject();
    command.env("ACR_INJECT_PASSWORD", PASSWORD).args(["-r", "myregistry", "-u", USERNAME]);
    command
}

/// Runs the binary on `input` and returns stdout, asserting success.
pub fn run_ok(mut command: Command, input: &[u8]) -> Vec<u8> {
    let output = command.write_stdin(input.to_vec()).output().unwrap();
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Where the parsed `document`, a workload, has its pod spec (the reference's path), as the
/// end-to-end tests of the transformer ask for it.
pub fn pod_spec_paths(document: &yaml_serde::Value) -> Vec<Vec<&'static str>> {
    acr_inject_testkit::kinds::pod_spec_path(document).map(<[&str]>::to_vec).into_iter().collect()
}
