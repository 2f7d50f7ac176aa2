//! Files, directories and globs; `--check` and `--write`; the secret file.

mod common;

use std::fs;
use std::time::{Duration, SystemTime};

use acr_inject_testkit::oracle::{is_pull_secret, namespace, oracle_documents};
use acr_inject_testkit::{PASSWORD, USERNAME};
use assert_fs::TempDir;
use assert_fs::prelude::*;
use common::*;
use predicates::prelude::*;

const NEEDS_REFERENCE: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web\n";
const ALREADY_DONE: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: done\nspec:\n  containers:\n  - name: app\n    image: app\n  imagePullSecrets:\n  - name: acr-secret\n";
const CONFIG_MAP: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n";

/// A repository-like tree: two files needing a reference, one done, a hidden directory and a
/// file that is not a manifest.
fn tree() -> TempDir {
    let dir = TempDir::new().unwrap();
    dir.child("k8s/web.yaml").write_str(NEEDS_REFERENCE).unwrap();
    dir.child("k8s/done.yml").write_str(ALREADY_DONE).unwrap();
    dir.child("k8s/config.json")
        .write_str(r#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}"#)
        .unwrap();
    dir.child("apps/api/deploy-api.yaml")
        .write_str(&NEEDS_REFERENCE.replace("web", "api"))
        .unwrap();
    dir.child("k8s/.git/objects.yaml").write_str("kind: [broken\n").unwrap();
    dir.child("k8s/README.md").write_str("not a manifest: [\n").unwrap();
    dir
}

fn in_dir(dir: &TempDir) -> assert_cmd::Command {
    let mut command = acr_inject();
    command.current_dir(dir.path());
    command
}

#[test]
fn a_directory_prints_as_one_stream_in_path_order() {
    let dir = tree();
    let output = in_dir(&dir).args(["--no-secret", "k8s"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let expected_order = ["\"kind\": \"ConfigMap\"", "name: done", "name: web"];
    let positions: Vec<usize> =
        expected_order.iter().map(|needle| stdout.find(needle).unwrap()).collect();
    assert!(positions.windows(2).all(|p| p[0] < p[1]), "{stdout}");
    assert_eq!(stdout.matches("- name: acr-secret").count(), 2);
    assert_eq!(
        oracle_documents(stdout.as_bytes()).len(),
        3,
        "joined files keep their own documents: {stdout}"
    );
}

#[test]
fn check_prints_a_diff_and_fails_then_write_fixes_then_both_pass() {
    let dir = tree();
    let untouched = dir.child("k8s/done.yml");
    let old = SystemTime::now() - Duration::from_secs(3600);
    fs::File::options().write(true).open(untouched.path()).unwrap().set_modified(old).unwrap();

    in_dir(&dir)
        .args(["--no-secret", "--check", "k8s", "apps/**/deploy*.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("--- a/k8s/web.yaml\n+++ b/k8s/web.yaml\n@@ -9,3 +9,5 @@"))
        .stdout(predicate::str::contains("+      imagePullSecrets:\n+      - name: acr-secret\n"))
        .stdout(predicate::str::contains("--- a/apps/api/deploy-api.yaml"))
        .stdout(predicate::str::contains("\x1b[").not());
    dir.child("k8s/web.yaml").assert(NEEDS_REFERENCE);

    in_dir(&dir)
        .args(["--no-secret", "--write", "k8s", "apps/**/deploy*.yaml"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("acr-inject: fixed k8s/web.yaml\nacr-inject: fixed apps/api/deploy-api.yaml\n");
    dir.child("k8s/web.yaml")
        .assert(predicate::str::ends_with("      imagePullSecrets:\n      - name: acr-secret\n"));
    assert_eq!(
        fs::metadata(untouched.path()).unwrap().modified().unwrap(),
        old,
        "an unchanged file is not rewritten"
    );

    in_dir(&dir).args(["--no-secret", "--write", "k8s", "apps"]).assert().code(0).stderr("");
    in_dir(&dir).args(["--no-secret", "--check", "k8s", "apps"]).assert().code(0).stdout("");
}

#[test]
fn one_broken_file_means_no_file_is_written() {
    let dir = tree();
    dir.child("k8s/zz-broken.yaml")
        .write_str("apiVersion: v1\nkind: Pod\nspec: {containers: [\n")
        .unwrap();
    in_dir(&dir)
        .args(["--no-secret", "--write", "k8s", "apps"])
        .assert()
        .code(2)
        .stderr("acr-inject: k8s/zz-broken.yaml:3:20: unclosed bracket '['\n");
    dir.child("k8s/web.yaml").assert(NEEDS_REFERENCE);
    dir.child("apps/api/deploy-api.yaml").assert(NEEDS_REFERENCE.replace("web", "api"));
    let leftovers: Vec<_> = fs::read_dir(dir.child("k8s").path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("acr-inject"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn nothing_matching_is_nothing_to_do_for_check_and_write_but_an_error_for_a_stream() {
    let dir = TempDir::new().unwrap();
    dir.child("empty/.keep").touch().unwrap();
    for mode in ["--check", "--write"] {
        in_dir(&dir)
            .args(["--no-secret", mode, "empty", "nothing/**/*.yaml"])
            .assert()
            .code(0)
            .stdout("");
    }
    in_dir(&dir)
        .args(["--no-secret", "empty"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no manifest files found"));
    in_dir(&dir).args(["--no-secret", "--allow-empty", "empty"]).assert().code(0).stdout("");
}

#[test]
fn an_explicit_missing_file_is_an_error_named_as_typed() {
    let dir = TempDir::new().unwrap();
    in_dir(&dir)
        .args(["--no-secret", "--check", "./k8s/missing.yaml"])
        .assert()
        .code(2)
        .stderr("acr-inject: ./k8s/missing.yaml: no such file or directory\n");
}

#[test]
fn write_refuses_stdin_and_never_waits_for_it() {
    let dir = tree();
    in_dir(&dir)
        .args(["--no-secret", "--write", "-"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--write needs files"));
    // As a pre-commit hook: file arguments, stdin closed.
    let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("acr-inject"))
        .current_dir(dir.path())
        .args(["--no-secret", "--check", "k8s/done.yml"])
        .stdin(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn check_reads_stdin_as_stdin() {
    let mut command = acr_inject();
    command
        .args(["--no-secret", "--check"])
        .write_stdin(NEEDS_REFERENCE)
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("--- <stdin>\n+++ <stdin>\n"));
}

#[test]
fn color_always_colours_and_never_does_not() {
    let dir = tree();
    in_dir(&dir)
        .args(["--no-secret", "--check", "--color", "always", "k8s/web.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\x1b[32m+"));
    in_dir(&dir)
        .env("NO_COLOR", "1")
        .args(["--no-secret", "--check", "--color", "auto", "k8s/web.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\x1b[").not());
}

#[test]
fn credentials_with_write_need_a_secret_file_and_plaintext_needs_consent() {
    let dir = tree();
    let mut command = acr_inject_with_credentials();
    command.current_dir(dir.path()).args(["--write", "k8s"]);
    command.assert().code(2).stderr(
        predicate::str::contains("needs --secret-file PATH")
            .and(predicate::str::contains("--no-secret")),
    );
    let mut command = acr_inject_with_credentials();
    command.current_dir(dir.path()).args([
        "--write",
        "k8s",
        "--secret-file",
        "k8s/pull-secret.yaml",
    ]);
    command.assert().code(2).stderr(
        predicate::str::contains("refusing to write a plain Secret")
            .and(predicate::str::contains("--seal-cert")),
    );
    dir.child("k8s/web.yaml").assert(NEEDS_REFERENCE);
}

#[test]
fn the_secret_file_is_created_owner_only_updated_in_place_and_redacted_in_diffs() {
    let dir = tree();
    let args = ["k8s", "apps", "--secret-file", "k8s/pull-secret.yaml", "--allow-plaintext-secret"];
    let mut check = acr_inject_with_credentials();
    let output = check.current_dir(dir.path()).arg("--check").args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let diff = String::from_utf8(output.stdout).unwrap();
    assert!(
        diff.contains("+++ b/k8s/pull-secret.yaml")
            && diff.contains("+  .dockerconfigjson: <redacted>"),
        "{diff}"
    );
    assert!(!diff.contains("eyJ"), "no base64 of the config in the diff: {diff}");

    let mut write = acr_inject_with_credentials();
    write
        .current_dir(dir.path())
        .arg("--write")
        .args(args)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("fixed k8s/pull-secret.yaml"));
    let secret_file = dir.child("k8s/pull-secret.yaml");
    let written = fs::read_to_string(secret_file.path()).unwrap();
    let documents = oracle_documents(written.as_bytes());
    let namespaces: Vec<Option<String>> = documents.iter().map(namespace).collect();
    assert_eq!(
        namespaces,
        [None, Some("shop".to_string())],
        "one Secret per namespace, in order of first use"
    );
    assert!(documents.iter().all(|d| is_pull_secret(d, "acr-secret")));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(secret_file.path()).unwrap().permissions().mode() & 0o777, 0o600);
    }

    // A second run: the secret file is now one of the inputs too, and nothing changes.
    let mut again = acr_inject_with_credentials();
    again.current_dir(dir.path()).arg("--check").args(args).assert().code(0).stdout("");

    // Other documents in the secret file are kept; a rotated password updates the Secrets where they stand.
    let with_neighbour = format!("# pull secrets\n{CONFIG_MAP}{written}");
    secret_file.write_str(&with_neighbour).unwrap();
    let mut rotated = acr_inject();
    rotated
        .current_dir(dir.path())
        .env("ACR_INJECT_PASSWORD", "rotated-password")
        .args(["-r", "myregistry", "-u", USERNAME, "--write"])
        .args(args)
        .assert()
        .code(1);
    let updated = fs::read_to_string(secret_file.path()).unwrap();
    assert!(
        updated.starts_with(&format!("# pull secrets\n{CONFIG_MAP}---\napiVersion: v1\ndata:\n")),
        "{updated}"
    );
    assert_eq!(oracle_documents(updated.as_bytes()).len(), 3);
    assert_ne!(updated, with_neighbour);
}

#[test]
fn the_password_appears_nowhere_but_the_secret_itself() {
    let dir = tree();
    dir.child("k8s/broken.yaml").write_str("kind: [\n").unwrap();
    let runs: Vec<Vec<&str>> = vec![
        vec!["--check", "k8s/web.yaml", "--secret-file", "s.yaml", "--allow-plaintext-secret"],
        vec!["--check", "k8s", "--secret-file", "s.yaml", "--allow-plaintext-secret"],
        vec!["--write", "k8s/web.yaml"],
        vec!["k8s"],
        vec!["--help"],
        vec!["--registry", "bad_name!", "k8s/web.yaml"],
    ];
    for args in runs {
        let mut command = acr_inject_with_credentials();
        let output = command.current_dir(dir.path()).args(&args).output().unwrap();
        for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            assert!(
                !String::from_utf8_lossy(bytes).contains(PASSWORD),
                "{args:?} leaked the password on {stream}"
            );
        }
    }
}

#[test]
fn a_file_that_starts_with_our_pull_secret_stays_a_document_of_its_own() {
    // Found through the KRM function, whose items are fed as inputs of their own: the
    // replaced Secret was glued to the previous file's last document.
    let dir = TempDir::new().unwrap();
    dir.child("a.yaml").write_str(NEEDS_REFERENCE).unwrap();
    let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: acr-secret\n  namespace: shop\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: e30=\n";
    dir.child("b.yaml").write_str(secret).unwrap();
    let mut command = acr_inject_with_credentials();
    command.current_dir(dir.path()).args(["a.yaml", "b.yaml"]);
    let output = run_ok(command, b"");
    let documents = oracle_documents(&output);
    let kinds: Vec<&str> = documents.iter().filter_map(|d| str_at(d, &["kind"])).collect();
    assert_eq!(kinds, ["Deployment", "Secret"], "{}", String::from_utf8_lossy(&output));
    assert_ne!(str_at(&documents[1], &["data", ".dockerconfigjson"]), Some("e30="), "replaced");
}
