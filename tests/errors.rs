//! Errors: one line on stderr naming the source, line and column and what was expected; exit
//! status 2; nothing on stdout (unless --stream); never a credential.

mod common;

use acr_inject_testkit::{PASSWORD, USERNAME};
use common::*;
use predicates::prelude::*;

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web\n";

/// Runs with credentials on `input`, expects exit 2 and an empty stdout, returns stderr.
fn failure(mut command: assert_cmd::Command, input: &str) -> String {
    let output = command.write_stdin(input).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty(), "stdout got: {}", String::from_utf8_lossy(&output.stdout));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains(PASSWORD), "the password leaked: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    stderr
}

#[test]
fn invalid_yaml_names_the_line_and_column_after_good_documents() {
    let input = format!("{DEPLOYMENT}---\napiVersion: v1\nkind: Pod\nspec: {{a: [1, 2}}\n");
    let stderr = failure(acr_inject_with_credentials(), &input);
    assert_eq!(stderr, "acr-inject: <stdin>:14:11: mismatched bracket '[' closed by '}'\n");
}

#[test]
fn a_broken_document_that_needs_no_edit_is_copied_unless_validating() {
    let input = format!("{DEPLOYMENT}---\napiVersion: v1\nkind: ConfigMap\ndata: {{a: [1, 2}}\n");
    let mut fast = acr_inject_with_credentials();
    fast.write_stdin(input.clone())
        .assert()
        .success()
        .stdout(predicates::str::contains("data: {a: [1, 2}\n"));
    let mut validating = acr_inject_with_credentials();
    validating.arg("--validate");
    assert!(failure(validating, &input).starts_with("acr-inject: <stdin>:14:"));
}

#[test]
fn invalid_utf8_gives_the_byte_offset() {
    let mut command = acr_inject_with_credentials();
    let output = command.write_stdin(b"kind: Pod\nname: \xff\xfe\n".to_vec()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "acr-inject: <stdin>:2:7: invalid UTF-8 (byte offset 16); expected UTF-8 text\n"
    );
}

#[test]
fn missing_credentials_are_a_clear_error() {
    let mut command = acr_inject();
    command.args(["-r", "myregistry"]);
    let stderr = failure(command, DEPLOYMENT);
    assert!(stderr.contains("no credentials"), "{stderr}");
}

#[test]
fn a_username_without_a_password_asks_for_the_password() {
    let mut command = acr_inject();
    command.args(["-r", "myregistry", "-u", USERNAME]);
    assert!(failure(command, DEPLOYMENT).contains("no password"));
}

#[test]
fn a_bad_registry_name_is_refused() {
    let mut command = acr_inject();
    command.env("ACR_INJECT_PASSWORD", PASSWORD).args([
        "-r",
        "https://myregistry.azurecr.io",
        "-u",
        USERNAME,
    ]);
    assert!(failure(command, DEPLOYMENT).contains("is a URL"));
}

#[test]
fn a_username_with_a_colon_is_refused() {
    let mut command = acr_inject();
    command.env("ACR_INJECT_PASSWORD", PASSWORD).args(["-r", "myregistry", "-u", "a:b"]);
    assert!(failure(command, DEPLOYMENT).contains("contains `:`"));
}

#[test]
fn an_invalid_secret_name_is_refused() {
    let mut command = acr_inject_with_credentials();
    command.args(["--secret-name", "ACR_Secret"]);
    assert!(failure(command, DEPLOYMENT).contains("not a valid Secret name"));
}

#[test]
fn empty_input_is_an_error_unless_allowed() {
    assert!(failure(acr_inject_with_credentials(), "").contains("no manifests on input"));
    assert!(
        failure(acr_inject_with_credentials(), "# only a comment\n---\n")
            .contains("no manifests on input")
    );
    let mut command = acr_inject_with_credentials();
    command.arg("--allow-empty").write_stdin("").assert().success().stdout("");
}

#[test]
fn a_list_of_strings_is_not_mixed_with_name_items() {
    let input = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: spark\nspec:\n  containers: []\n  imagePullSecrets:\n  - regcred\n";
    let stderr = failure(acr_inject_with_credentials(), input);
    assert!(
        stderr.starts_with(
            "acr-inject: <stdin>:8:5: Pod/spark: `imagePullSecrets` holds plain strings"
        ),
        "{stderr}"
    );
}

#[test]
fn duplicate_keys_are_an_error() {
    let input = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: twice\nspec:\n  containers: []\nspec:\n  containers: []\n";
    assert!(
        failure(acr_inject_with_credentials(), input).contains("<stdin>:7:1: duplicate key `spec`")
    );
}

#[test]
fn password_stdin_needs_manifests_from_files() {
    let mut command = acr_inject();
    command.args(["-r", "myregistry", "-u", USERNAME, "--password-stdin"]);
    assert!(
        failure(command, PASSWORD)
            .contains("--password-stdin needs the manifests to come from files")
    );
}

#[test]
fn stream_mode_has_written_the_documents_before_the_error() {
    let input = format!("{DEPLOYMENT}---\nkind: [\n");
    let mut command = acr_inject_with_credentials();
    command.arg("--stream");
    let output = command.write_stdin(input).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("kind: Deployment") && stdout.contains("- name: acr-secret"),
        "{stdout}"
    );
}

#[test]
fn the_azure_fallback_is_announced_on_stderr() {
    let mut command = acr_inject();
    command
        .env("AZURE_CLIENT_ID", USERNAME)
        .env("AZURE_CLIENT_SECRET", PASSWORD)
        .args(["-r", "myregistry"])
        .write_stdin(DEPLOYMENT)
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("AZURE_CLIENT_ID={USERNAME}")))
        .stderr(predicate::str::contains(PASSWORD).not());
}

#[test]
fn no_secret_needs_no_credentials() {
    let mut command = acr_inject();
    command
        .arg("--no-secret")
        .write_stdin(DEPLOYMENT)
        .assert()
        .success()
        .stdout(predicate::str::contains("- name: acr-secret"))
        .stdout(predicate::str::contains("kind: Secret").not());
}

#[test]
fn help_never_shows_an_environment_password() {
    let mut command = acr_inject_with_credentials();
    command.arg("--help").assert().success().stdout(predicate::str::contains(PASSWORD).not());
}

// --- Files that may hold secrets are named, located and never quoted ------------------------

/// What stands for a secret in a file given by mistake: it must reach no message.
const CONTENT: &str = "SECRET-FILE-CONTENT";

/// A file at `name` in a fresh directory holding `text`, and its path.
fn file_with(text: &str, name: &str) -> (assert_fs::TempDir, String) {
    use assert_fs::prelude::*;
    let dir = assert_fs::TempDir::new().unwrap();
    dir.child(name).write_str(text).unwrap();
    let path = dir.child(name).path().display().to_string();
    (dir, path)
}

/// Runs `args` on a Deployment, expecting a one-line failure that names `path` and says
/// `expected`, and holds no line of the file.
fn refuses_file(args: &[&str], env: &[(&str, &str)], path: &str, text: &str, expected: &str) {
    let mut command = acr_inject_with_credentials();
    command.args(args).envs(env.iter().copied());
    let stderr = failure(command, DEPLOYMENT);
    assert!(stderr.contains(path), "names the file: {stderr}");
    assert!(stderr.contains(expected), "expected {expected:?}: {stderr}");
    assert!(!stderr.contains(CONTENT), "quotes the file: {stderr}");
    for line in text.lines().map(str::trim).filter(|line| line.len() > 12) {
        assert!(!stderr.contains(line), "quotes the line {line:?}: {stderr}");
    }
}

#[test]
fn a_certificate_that_does_not_parse_is_named_not_quoted() {
    let key = std::fs::read_to_string(fixtures_dir().join("seal/key.pem")).unwrap();
    let garbage = format!("{CONTENT}\nnot a certificate at all\n");
    let armoured = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        base64_of(&format!("{CONTENT} in the DER"))
    );
    let broken_base64 =
        format!("-----BEGIN CERTIFICATE-----\n{CONTENT}!!\n-----END CERTIFICATE-----\n");
    for (text, location, expected) in [
        (key.as_str(), "", "has no CERTIFICATE block (found: RSA PRIVATE KEY)"),
        (garbage.as_str(), "", "is not PEM: expected a \"-----BEGIN CERTIFICATE-----\" block"),
        (armoured.as_str(), ":1:1", "CERTIFICATE block is malformed: unexpected ASN.1 DER tag"),
        (broken_base64.as_str(), ":2:7", "CERTIFICATE block is malformed: its body is not base64"),
    ] {
        let (_dir, path) = file_with(text, "cert.pem");
        let at = format!("{path}{location}: ");
        refuses_file(&["--seal-cert", &path], &[], &at, text, expected);
        refuses_file(&[], &[("ACR_INJECT_SEAL_CERT", &path)], &at, text, expected);
    }
}

fn base64_of(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[test]
fn a_rules_file_that_does_not_parse_is_located_not_quoted() {
    for (text, location, expected) in [
        ("- kind: Foo\n  paths: [spec.template.spec\n  token: SECRET-FILE-CONTENT\n", ":3:", ""),
        ("- kind: Foo\n  paths: [spec]\n  token: SECRET-FILE-CONTENT\n", ":3:3:", "unknown key"),
        ("- SECRET-FILE-CONTENT\n", ":1:3:", "expected a rule"),
        ("SECRET-FILE-CONTENT: 1\n", ":1:1:", "expected a list of rules"),
        ("- kind: Foo\n  paths: [spec]\n  shape: SECRET-FILE-CONTENT\n", ":", "`shape`"),
        ("- kind: Foo\n  paths: {SECRET-FILE-CONTENT: x}\n", ":2:", "paths"),
        ("- kind: [SECRET-FILE-CONTENT]\n  paths: [spec]\n", ":1:", "kind"),
        ("\u{0}SECRET-FILE-CONTENT\n", ":1:1:", ""),
    ] {
        let (_dir, path) = file_with(text, "rules.yaml");
        let at = format!("{path}{location}");
        refuses_file(&["--rules", &path], &[], &at, text, expected);
        refuses_file(&[], &[("ACR_INJECT_RULES", &path)], &at, text, expected);
    }
}

#[test]
fn a_recipient_or_sops_config_that_does_not_parse_is_located_not_quoted() {
    let secret_key = "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ";
    // A secret key where the public one belongs: on the command line, in the environment.
    for (args, env) in [
        (vec!["--sops-age", secret_key], vec![]),
        (vec![], vec![("ACR_INJECT_SOPS_AGE", secret_key)]),
    ] {
        let mut command = acr_inject_with_credentials();
        command.args(&args).envs(env);
        let stderr = failure(command, DEPLOYMENT);
        assert!(stderr.contains("recipient 1: an age secret key"), "{stderr}");
        assert!(!stderr.contains("QQQQQQQQ"), "{stderr}");
    }
    // And in a .sops.yaml, broken in other ways too.
    for (text, location) in [
        (format!("creation_rules:\n  - age: {secret_key}\n"), ":2:10: age recipient 1"),
        (format!("creation_rules:\n  - age: [{secret_key}\n"), ":2:10: unclosed bracket"),
        (format!("creation_rules: {CONTENT}\n"), ":1:1: no creation_rules list"),
        (
            format!("creation_rules:\n  - path_regex: '({CONTENT}'\n    age: x\n"),
            ":2:17: creation rule 1: path_regex is not a valid",
        ),
    ] {
        let (dir, path) = file_with(&text, ".sops.yaml");
        let mut command = acr_inject_with_credentials();
        command.current_dir(dir.path()).arg("--sops");
        let stderr = failure(command, DEPLOYMENT);
        assert!(stderr.contains(&format!("{path}{location}")), "{location}: {stderr}");
        assert!(!stderr.contains(CONTENT) && !stderr.contains("QQQQQQQQ"), "{stderr}");
    }
}
