//! acr-inject as the kustomize exec plugin, run by the real `kubectl kustomize
//! --enable-alpha-plugins` (kubectl 1.35, kustomize v5.7.1; `scripts/install-kubectl`): the
//! binary linked as `$KUSTOMIZE_PLUGIN_HOME/acr-inject.dev/v1alpha1/acrinject/AcrInject`, as
//! the README says, and a kustomization with `transformers: [acr.yaml]`. Every result is
//! compared, as data (yaml_serde), with the same tree built without the transformer.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_fs::TempDir;
use assert_fs::prelude::*;
use common::*;
use yaml_serde::Value;

/// kubectl, from `KUBECTL` or where `scripts/install-kubectl` puts it.
fn kubectl() -> PathBuf {
    let path = std::env::var_os("KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tools/kubectl"));
    assert!(path.exists(), "kubectl is missing: run scripts/install-kubectl (scripts/test does)");
    path
}

/// A plugin home with the binary linked in, exactly as the README's `ln -s` line does it.
fn plugin_home() -> TempDir {
    let home = TempDir::new().unwrap();
    let dir = home.child("acr-inject.dev/v1alpha1/acrinject");
    dir.create_dir_all().unwrap();
    let binary = assert_cmd::cargo::cargo_bin("acr-inject");
    std::os::unix::fs::symlink(binary, dir.child("AcrInject").path()).unwrap();
    home
}

/// The transformer config, with these `spec` lines.
fn acr_yaml(spec: &str) -> String {
    format!(
        "apiVersion: acr-inject.dev/v1alpha1\nkind: AcrInject\nmetadata:\n  name: acr\nspec:\n{spec}"
    )
}

/// A kustomization directory in `root` holding `files`, with `kustomization` as its
/// kustomization.yaml.
fn kustomization(root: &TempDir, dir: &str, kustomization: &str, files: &[(&str, &str)]) {
    root.child(dir).child("kustomization.yaml").write_str(kustomization).unwrap();
    for (name, text) in files {
        root.child(dir).child(name).write_str(text).unwrap();
    }
}

/// `kubectl kustomize --enable-alpha-plugins DIR`, with the plugin home and credentials in the
/// environment (and nothing else of the caller's).
fn build(dir: &Path, home: &Path) -> Output {
    Command::new(kubectl())
        .args(["kustomize", "--enable-alpha-plugins"])
        .arg(dir)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("KUSTOMIZE_PLUGIN_HOME", home)
        .env("ACR_INJECT_USERNAME", USERNAME)
        .env("ACR_INJECT_PASSWORD", PASSWORD)
        .output()
        .unwrap()
}

fn built(dir: &Path, home: &Path) -> Vec<u8> {
    let output = build(dir, home);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(!String::from_utf8_lossy(&output.stdout).contains(PASSWORD), "the password leaked");
    output.stdout
}

fn failed(dir: &Path, home: &Path) -> String {
    let output = build(dir, home);
    assert!(!output.status.success(), "the build should fail");
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains(PASSWORD), "the password leaked: {stderr}");
    stderr
}

const SHOP: &str = include_str!("../fixtures/examples/shop.yaml");
const CERT: &str = include_str!("../fixtures/seal/cert.pem");

fn is_sealed_secret(document: &Value) -> bool {
    str_at(document, &["kind"]) == Some("SealedSecret")
        && str_at(document, &["metadata", "name"]) == Some("acr-secret")
}

#[test]
fn an_overlay_gains_the_references_and_one_pull_secret_per_namespace() {
    let root = TempDir::new().unwrap();
    let files = [("shop.yaml", SHOP), ("acr.yaml", &acr_yaml("  registry: myregistry\n"))];
    kustomization(&root, "with", "resources: [shop.yaml]\ntransformers: [acr.yaml]\n", &files);
    kustomization(&root, "without", "resources: [shop.yaml]\n", &files);
    let home = plugin_home();
    let with = built(&root.child("with"), home.path());
    let without = built(&root.child("without"), home.path());
    assert_oracle_sees_only_the_injection(&without, &with, "acr-secret");
    let secrets: Vec<Value> =
        oracle_documents(&with).into_iter().filter(|d| is_pull_secret(d, "acr-secret")).collect();
    let namespaces: Vec<_> = secrets.iter().map(namespace).collect();
    assert_eq!(namespaces.len(), 2, "shop and payments have workloads: {namespaces:?}");
    for secret in &secrets {
        assert!(get(secret, &["metadata", "annotations"]).is_none(), "{secret:?}");
    }
}

#[test]
fn a_sealing_certificate_beside_the_kustomization_seals_the_pull_secret() {
    let root = TempDir::new().unwrap();
    let config =
        acr_yaml("  registry: myregistry\n  sealCert: cert.pem\n  scope: namespace-wide\n");
    let files = [("shop.yaml", SHOP), ("acr.yaml", &config), ("cert.pem", CERT)];
    kustomization(&root, "with", "resources: [shop.yaml]\ntransformers: [acr.yaml]\n", &files);
    kustomization(&root, "without", "resources: [shop.yaml]\n", &files);
    let home = plugin_home();
    let with = oracle_documents(&built(&root.child("with"), home.path()));
    let without = oracle_documents(&built(&root.child("without"), home.path()));
    let (sealed, rest): (Vec<&Value>, Vec<&Value>) = with.iter().partition(|d| is_sealed_secret(d));
    assert_eq!(sealed.len(), 2, "one per namespace with workloads");
    for secret in &sealed {
        let annotations = get(secret, &["metadata", "annotations"]).unwrap();
        assert_eq!(
            str_at(annotations, &["sealedsecrets.bitnami.com/namespace-wide"]),
            Some("true"),
            "{secret:?}"
        );
    }
    assert_eq!(rest.len(), without.len());
    for (new, old) in rest.iter().zip(&without) {
        assert_eq!(without_reference(new, "acr-secret"), without_reference(old, "acr-secret"));
        for path in pod_spec_paths(new) {
            assert!(references(new, &path, "acr-secret"), "{new:?}");
        }
    }
}

/// The document with sealed values blanked: sealing is randomised, so two builds differ there.
fn unsealed(document: &Value) -> Value {
    let mut document = document.clone();
    if let Some(Value::Mapping(values)) =
        document.get_mut("spec").and_then(|spec| spec.get_mut("encryptedData"))
    {
        values.values_mut().for_each(|value| *value = Value::from("<sealed>"));
    }
    document
}

const PATCH: &str = "patches:\n- target: {kind: Deployment}\n  patch: '[{\"op\": \"replace\", \"path\": \"/spec/replicas\", \"value\": 5}]'\n";

#[test]
fn a_base_and_an_overlay_that_both_run_it_give_what_the_base_alone_gives() {
    for spec in ["  registry: myregistry\n", "  registry: myregistry\n  sealCert: cert.pem\n"] {
        let root = TempDir::new().unwrap();
        let files = [("shop.yaml", SHOP), ("acr.yaml", &acr_yaml(spec)), ("cert.pem", CERT)];
        kustomization(&root, "base", "resources: [shop.yaml]\ntransformers: [acr.yaml]\n", &files);
        let files = [("acr.yaml", &acr_yaml(spec)[..]), ("cert.pem", CERT)];
        let twice = format!("resources: [../base]\ntransformers: [acr.yaml]\n{PATCH}");
        kustomization(&root, "twice", &twice, &files);
        kustomization(&root, "once", &format!("resources: [../base]\n{PATCH}"), &files);
        let home = plugin_home();
        let twice = oracle_documents(&built(&root.child("twice"), home.path()));
        let once = oracle_documents(&built(&root.child("once"), home.path()));
        let twice: Vec<Value> = twice.iter().map(unsealed).collect();
        let once: Vec<Value> = once.iter().map(unsealed).collect();
        assert_eq!(twice, once, "{spec}");
        let secrets =
            once.iter().filter(|d| is_pull_secret(d, "acr-secret") || is_sealed_secret(d));
        assert_eq!(secrets.count(), 2, "{spec}");
    }
}

#[test]
fn building_its_own_output_again_changes_nothing_sealed_secrets_included() {
    for spec in ["  registry: myregistry\n", "  registry: myregistry\n  sealCert: cert.pem\n"] {
        let root = TempDir::new().unwrap();
        let files = [("shop.yaml", SHOP), ("acr.yaml", &acr_yaml(spec)), ("cert.pem", CERT)];
        kustomization(&root, "app", "resources: [shop.yaml]\ntransformers: [acr.yaml]\n", &files);
        let home = plugin_home();
        let first = built(&root.child("app"), home.path());
        let output = String::from_utf8(first.clone()).unwrap();
        let files = [("all.yaml", &output[..]), ("acr.yaml", &acr_yaml(spec)), ("cert.pem", CERT)];
        kustomization(&root, "again", "resources: [all.yaml]\ntransformers: [acr.yaml]\n", &files);
        let again = built(&root.child("again"), home.path());
        // Sealing is randomised: the same bytes mean the SealedSecrets were kept as they were.
        assert_eq!(String::from_utf8_lossy(&again), output, "{spec}");
    }
}

#[test]
fn an_overlay_that_moves_the_base_to_another_namespace_reseals_for_it() {
    let root = TempDir::new().unwrap();
    let spec = acr_yaml("  registry: myregistry\n  sealCert: cert.pem\n");
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: myregistry.azurecr.io/web:1\n";
    let files = [("web.yaml", deployment), ("acr.yaml", &spec[..]), ("cert.pem", CERT)];
    kustomization(&root, "base", "resources: [web.yaml]\ntransformers: [acr.yaml]\n", &files);
    // Each transformer resolves its certificate in its own kustomization's directory, which
    // kustomize runs it in: the overlay's is not where the base's is.
    let overlay = "resources: [../base]\nnamespace: prod\ntransformers: [acr.yaml]\n";
    let spec = acr_yaml("  registry: myregistry\n  sealCert: certs/prod.pem\n");
    kustomization(&root, "prod", overlay, &[("acr.yaml", &spec), ("certs/prod.pem", CERT)]);
    let documents = oracle_documents(&built(&root.child("prod"), plugin_home().path()));
    let sealed: Vec<&Value> = documents.iter().filter(|d| is_sealed_secret(d)).collect();
    assert_eq!(sealed.len(), 1);
    // Strict scope binds the values to the namespace: the base's, sealed for shop, would not
    // open in prod.
    assert_eq!(namespace(sealed[0]).as_deref(), Some("prod"));
    assert_eq!(str_at(sealed[0], &["spec", "template", "metadata", "namespace"]), Some("prod"));
}

#[test]
fn a_config_error_fails_the_build_with_our_message_in_kustomizes() {
    let root = TempDir::new().unwrap();
    let home = plugin_home();
    let cases = [
        (
            "  registry: myregistry\n  secretNam: regcred\n",
            "spec.secretNam: unknown field `secretNam`",
        ),
        (
            "  registry: myregistry\n  password: hunter2\n",
            "spec.password: credentials never go in the config",
        ),
        ("  registry: myregistry\n  scope: everywhere\n", "spec.scope: invalid value 'everywhere'"),
        (
            "  registry: myregistry\n  sealCert: ../outside.pem\n",
            "spec.sealCert: `../outside.pem` leads outside",
        ),
        (
            "  registry: myregistry\n  sealCert: link.pem\n",
            "spec.sealCert: `link.pem` leads outside",
        ),
        (
            "  registry: myregistry\n  sealCert: /etc/hostname\n",
            "spec.sealCert: `/etc/hostname` is an absolute path",
        ),
        (
            "  registry: myregistry\n  sealCert: sub/../../outside.pem\n",
            "spec.sealCert: `sub/../../outside.pem` leads outside",
        ),
        (
            "  registry: myregistry\n  podSpecPaths: Foo\n",
            "spec.podSpecPaths: invalid value 'Foo' for '--pod-spec-path",
        ),
    ];
    root.child("outside.pem").write_str(CERT).unwrap();
    for (spec, expected) in cases {
        let dir = root.child("app");
        let _ = fs::remove_dir_all(dir.path());
        let files = [("shop.yaml", SHOP), ("acr.yaml", &acr_yaml(spec))];
        kustomization(&root, "app", "resources: [shop.yaml]\ntransformers: [acr.yaml]\n", &files);
        std::os::unix::fs::symlink(root.child("outside.pem").path(), dir.child("link.pem").path())
            .unwrap();
        let stderr = failed(dir.path(), home.path());
        assert!(stderr.contains("failure in plugin configured via"), "kustomize's: {stderr}");
        assert!(stderr.contains("acr-inject: "), "{stderr}");
        assert!(stderr.contains(expected), "{expected} in {stderr}");
        assert!(!stderr.contains("hunter2") && !stderr.contains("BEGIN CERTIFICATE"), "{stderr}");
    }
}

#[test]
fn input_the_filter_refuses_fails_the_build_with_the_place_named() {
    let root = TempDir::new().unwrap();
    let strings = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  imagePullSecrets: [other]\n  containers: [{name: c, image: x}]\n";
    let files = [("pod.yaml", strings), ("acr.yaml", &acr_yaml("  registry: myregistry\n"))];
    kustomization(&root, "app", "resources: [pod.yaml]\ntransformers: [acr.yaml]\n", &files);
    let stderr = failed(&root.child("app"), plugin_home().path());
    assert!(stderr.contains("failure in plugin configured via"), "{stderr}");
    assert!(stderr.contains("acr-inject: <stdin>:"), "{stderr}");
    assert!(stderr.contains("plain strings"), "{stderr}");
}

#[test]
fn credentials_come_only_from_kustomizes_environment() {
    let root = TempDir::new().unwrap();
    let files = [("shop.yaml", SHOP), ("acr.yaml", &acr_yaml("  registry: myregistry\n"))];
    kustomization(&root, "app", "resources: [shop.yaml]\ntransformers: [acr.yaml]\n", &files);
    let output = Command::new(kubectl())
        .args(["kustomize", "--enable-alpha-plugins"])
        .arg(root.child("app").path())
        .env_clear()
        .env("KUSTOMIZE_PLUGIN_HOME", plugin_home().path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no credentials"));
}
