//! The pre-commit hooks, run by the real `pre-commit` (from PyPI; `scripts/test` installs it)
//! with `pre-commit try-repo` against this repository, on a scratch Git repository holding
//! manifests. This builds the hook the way users get it (`cargo install` by pre-commit).

mod common;

use std::path::Path;
use std::process::{Command, Output};

use assert_fs::TempDir;
use assert_fs::prelude::*;

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: myregistry.azurecr.io/web:1\n";

/// `python -m pre_commit`, with the interpreter `scripts/test` installed it for.
fn pre_commit() -> Command {
    let python = std::env::var("ACR_INJECT_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut command = Command::new(python);
    command.args(["-m", "pre_commit"]);
    command
}

fn git(dir: &Path, args: &[&str]) {
    let status =
        Command::new("git").current_dir(dir).args(args).status().expect("git is installed");
    assert!(status.success(), "git {args:?}");
}

/// `pre-commit try-repo <this repository> HOOK --all-files` in `dir`. The hook gets
/// `--no-secret` from the environment (try-repo cannot pass `args`).
fn try_repo(dir: &Path, hook: &str) -> Output {
    let repository = env!("CARGO_MANIFEST_DIR");
    pre_commit()
        .current_dir(dir)
        .args(["try-repo", repository, hook, "--all-files", "--color", "never"])
        .env("ACR_INJECT_NO_SECRET", "true")
        .env("PRE_COMMIT_HOME", Path::new(repository).join("target/pre-commit-home"))
        // Reuse compiled dependencies between runs of this test.
        .env("CARGO_TARGET_DIR", Path::new(repository).join("target/pre-commit-build"))
        .output()
        .expect("python runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_check_hook_fails_with_a_diff_the_fixer_fixes_once_then_both_pass() {
    let dir = TempDir::new().unwrap();
    dir.child("k8s/deploy.yaml").write_str(DEPLOYMENT).unwrap();
    dir.child("README.md").write_str("not yaml: [\n").unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);

    let check = try_repo(dir.path(), "acr-inject-check");
    assert!(!check.status.success(), "{}", text(&check));
    assert!(
        text(&check).contains("+      imagePullSecrets:\n+      - name: acr-secret"),
        "{}",
        text(&check)
    );
    dir.child("k8s/deploy.yaml").assert(DEPLOYMENT);

    let fix = try_repo(dir.path(), "acr-inject");
    assert!(!fix.status.success(), "a fixer that changed files fails once: {}", text(&fix));
    assert!(text(&fix).contains("fixed k8s/deploy.yaml"), "{}", text(&fix));
    dir.child("k8s/deploy.yaml")
        .assert(format!("{DEPLOYMENT}      imagePullSecrets:\n      - name: acr-secret\n"));

    git(dir.path(), &["add", "."]);
    let again = try_repo(dir.path(), "acr-inject");
    assert!(again.status.success(), "{}", text(&again));
    let check_again = try_repo(dir.path(), "acr-inject-check");
    assert!(check_again.status.success(), "{}", text(&check_again));
}

#[test]
fn the_hook_manifest_is_valid() {
    let output = pre_commit()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["validate-manifest", ".pre-commit-hooks.yaml"])
        .output()
        .expect("python runs");
    assert!(output.status.success(), "{}", text(&output));
}
