//! Sealed output end to end: the binary's SealedSecrets are unsealed by an independent
//! implementation (kubesealpy, via tests/interop/unseal.py) for every scope; no plaintext
//! leaves the process; and re-running does not churn the ciphertext.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use acr_inject::k8s::secret::{DockerLogin, docker_config_json};
use acr_inject_testkit::oracle::{oracle_documents, str_at};
use acr_inject_testkit::{PASSWORD, USERNAME};
use assert_fs::TempDir;
use assert_fs::prelude::*;
use common::*;
use predicates::prelude::*;

const WORKLOADS: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: myregistry.azurecr.io/web:1\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      containers:\n      - name: migrate\n        image: myregistry.azurecr.io/migrate:1\n";

fn seal_fixture(name: &str) -> PathBuf {
    fixtures_dir().join("seal").join(name)
}

fn sealing(args: &[&str]) -> assert_cmd::Command {
    let mut command = acr_inject_with_credentials();
    command.arg("--seal-cert").arg(seal_fixture("cert.pem")).args(args);
    command
}

/// The plaintext every sealed value must unseal to.
fn expected_plaintext() -> String {
    let login = DockerLogin {
        server: "myregistry.azurecr.io",
        username: USERNAME,
        password: PASSWORD,
        email: None,
    };
    docker_config_json(&login).to_string()
}

/// Unseals every SealedSecret of `stream` with kubesealpy and the test key.
fn unseal(stream: &[u8], key: &Path) -> serde_json::Value {
    let dir = TempDir::new().unwrap();
    let file = dir.child("stream.yaml");
    file.write_binary(stream).unwrap();
    let python = std::env::var("ACR_INJECT_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/unseal.py");
    let output = Command::new(python).arg(script).arg(key).arg(file.path()).output().unwrap();
    assert!(
        output.status.success(),
        "unseal.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn kubesealpy_unseals_every_scope_of_the_binarys_output() {
    let plaintext = expected_plaintext();
    for (scope, expected_keys) in [
        ("strict", vec!["default/acr-secret", "shop/acr-secret"]),
        ("namespace-wide", vec!["default/acr-secret", "shop/acr-secret"]),
        ("cluster-wide", vec!["default/acr-secret", "shop/acr-secret"]),
    ] {
        let output =
            run_ok(sealing(&["--scope", scope, "--namespace", "default"]), WORKLOADS.as_bytes());
        let text = String::from_utf8(output.clone()).unwrap();
        assert!(
            !text.contains(PASSWORD) && !text.contains("eyJhdXRocyI6"),
            "{scope}: plaintext in the output"
        );
        assert!(!text.contains("kind: Secret\n"), "{scope}: a plain Secret was emitted");
        let unsealed = unseal(&output, &seal_fixture("key.pem"));
        let keys: Vec<&String> = unsealed.as_object().unwrap().keys().collect();
        assert_eq!(keys, expected_keys, "{scope}");
        for (_, data) in unsealed.as_object().unwrap() {
            assert_eq!(data[".dockerconfigjson"], plaintext.as_str(), "{scope}");
        }
    }
}

#[test]
fn the_sealed_manifest_has_kubeseals_shape_and_scope_annotations() {
    let output = run_ok(
        sealing(&["--scope", "namespace-wide"]),
        WORKLOADS.replace("---\n", "---\n# ns\n").split("---\n").next().unwrap().as_bytes(),
    );
    let documents = oracle_documents(&output);
    let sealed = &documents[0];
    assert_eq!(str_at(sealed, &["apiVersion"]), Some("bitnami.com/v1alpha1"));
    assert_eq!(str_at(sealed, &["kind"]), Some("SealedSecret"));
    let annotation = "sealedsecrets.bitnami.com/namespace-wide";
    assert_eq!(str_at(sealed, &["metadata", "annotations", annotation]), Some("true"));
    assert_eq!(
        str_at(sealed, &["spec", "template", "metadata", "annotations", annotation]),
        Some("true")
    );
    assert_eq!(
        str_at(sealed, &["spec", "template", "type"]),
        Some("kubernetes.io/dockerconfigjson")
    );
    assert_eq!(str_at(sealed, &["spec", "template", "metadata", "namespace"]), Some("shop"));
    assert!(
        str_at(sealed, &["metadata", "annotations", "acr-inject.dev/sealing-cert"])
            .unwrap()
            .starts_with("sha256:")
    );
    assert!(
        str_at(sealed, &["spec", "encryptedData", ".dockerconfigjson"]).unwrap().starts_with("Ag")
    );
}

#[test]
fn strict_sealing_without_a_namespace_suggests_how_to_give_one() {
    let job_only = WORKLOADS.split("---\n").nth(1).unwrap();
    sealing(&[]).write_stdin(job_only).assert().code(2).stdout("").stderr(
        predicate::str::contains("--namespace")
            .and(predicate::str::contains("--scope cluster-wide")),
    );
    sealing(&["--scope", "cluster-wide"]).write_stdin(job_only).assert().success();
}

#[test]
fn certificate_problems_are_clear_errors() {
    for (fixture, expected) in [
        ("expired-cert.pem", "2020-01-01"),
        ("ec-cert.pem", "RSA"),
        ("cert-utf16le.pem", "UTF-16"),
        ("key.pem", "CERTIFICATE"),
    ] {
        let mut command = acr_inject_with_credentials();
        command.arg("--seal-cert").arg(seal_fixture(fixture)).write_stdin(WORKLOADS);
        command.assert().code(2).stdout("").stderr(predicate::str::contains(expected));
    }
}

#[test]
fn an_up_to_date_sealed_secret_in_the_input_is_kept_byte_for_byte() {
    let first = run_ok(sealing(&["--namespace", "default"]), WORKLOADS.as_bytes());
    let second = run_ok(sealing(&["--namespace", "default"]), &first);
    assert_eq!(String::from_utf8(second).unwrap(), String::from_utf8(first.clone()).unwrap());
    let resealed = run_ok(sealing(&["--namespace", "default", "--reseal"]), &first);
    assert_ne!(resealed, first, "--reseal makes fresh ciphertext");
    let mut rotated = acr_inject_with_credentials();
    rotated.arg("--seal-cert").arg(seal_fixture("cert2.pem")).args(["--namespace", "default"]);
    let with_new_cert = String::from_utf8(run_ok(rotated, &first)).unwrap();
    assert_ne!(with_new_cert.as_bytes(), first, "a new certificate re-seals");
    assert_eq!(
        unseal(with_new_cert.as_bytes(), &seal_fixture("key2.pem")).as_object().unwrap().len(),
        2
    );
}

#[test]
fn rendering_to_an_output_file_reuses_its_sealed_secrets() {
    let dir = TempDir::new().unwrap();
    let rendered = dir.child("rendered/prod.yaml");
    fs::create_dir_all(rendered.path().parent().unwrap()).unwrap();
    let render = || {
        let mut command = sealing(&["--namespace", "default", "-o"]);
        command.arg(rendered.path()).write_stdin(WORKLOADS).assert().success().stdout("");
        fs::read(rendered.path()).unwrap()
    };
    let first = render();
    assert_eq!(render(), first, "no churn across renders");
    let mut previous = sealing(&["--namespace", "default", "--previous"]);
    previous.arg(rendered.path());
    assert_eq!(run_ok(previous, WORKLOADS.as_bytes()), first, "--previous reuses the same way");
}

#[test]
fn write_mode_seals_into_the_secret_file_and_check_then_passes() {
    let dir = TempDir::new().unwrap();
    dir.child("k8s/app.yaml").write_str(WORKLOADS).unwrap();
    let args = ["--namespace", "default", "--secret-file", "k8s/pull-secret.yaml"];
    let mut write = sealing(&args);
    write.current_dir(dir.path()).args(["--write", "k8s/app.yaml"]).assert().code(1);
    let secret_file = fs::read(dir.child("k8s/pull-secret.yaml").path()).unwrap();
    assert_eq!(unseal(&secret_file, &seal_fixture("key.pem")).as_object().unwrap().len(), 2);
    let mut check = sealing(&args);
    check.current_dir(dir.path()).args(["--check", "k8s/app.yaml"]).assert().code(0).stdout("");
    let mut write_again = sealing(&args);
    write_again.current_dir(dir.path()).args(["--write", "k8s/app.yaml"]).assert().code(0);
    assert_eq!(
        fs::read(dir.child("k8s/pull-secret.yaml").path()).unwrap(),
        secret_file,
        "no churn"
    );

    let mut rotated = acr_inject_with_credentials();
    rotated
        .current_dir(dir.path())
        .arg("--seal-cert")
        .arg(seal_fixture("cert2.pem"))
        .args(args)
        .args(["--check", "k8s/app.yaml"]);
    let fingerprint_changes = predicate::str::contains("-    acr-inject.dev/sealing-cert: sha256:")
        .and(predicate::str::contains("+    acr-inject.dev/sealing-cert: sha256:"));
    rotated
        .assert()
        .code(1)
        .stdout(fingerprint_changes.and(predicate::str::contains(": Ag").not()));
}
