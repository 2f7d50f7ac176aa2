//! acr-inject as a KRM function (`--krm`): ResourceLists shaped as kustomize and kpt hand them
//! to a function (every item carrying their `config.kubernetes.io/*`,
//! `internal.config.kubernetes.io/*` and id annotations), checked as data with yaml_serde.

mod common;

use assert_fs::TempDir;
use assert_fs::prelude::*;
use common::*;
use yaml_serde::{Mapping, Value};

const SHOP: &str = include_str!("../fixtures/examples/shop.yaml");
const CERT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seal/cert.pem");

/// The annotations kustomize puts on item `index` read from `path` before calling a function.
fn kustomize_annotations(document: &Value, path: &str, index: usize) -> Mapping {
    let kind = str_at(document, &["kind"]).unwrap();
    let name = str_at(document, &["metadata", "name"]).unwrap();
    let id = format!("kind: {kind}\nname: {name}\nversion: v1\n");
    let mut annotations = Mapping::new();
    for (key, value) in [
        ("config.kubernetes.io/index", index.to_string()),
        ("internal.config.kubernetes.io/index", index.to_string()),
        ("config.kubernetes.io/path", path.to_string()),
        ("internal.config.kubernetes.io/path", path.to_string()),
        ("internal.config.kubernetes.io/id", (index + 1).to_string()),
        ("config.k8s.io/id", (index + 1).to_string()),
        ("kustomize.config.k8s.io/id", id),
    ] {
        annotations.insert(key.into(), value.into());
    }
    annotations
}

/// A ResourceList of the documents of `stream`, annotated as kustomize does, with an
/// `AcrInject` functionConfig whose spec is `spec` (YAML).
fn resource_list(stream: &str, spec: &str) -> String {
    let mut items = Vec::new();
    for (index, mut document) in oracle_documents(stream.as_bytes()).into_iter().enumerate() {
        let annotations = kustomize_annotations(&document, "shop.yaml", index);
        let metadata = document.get_mut("metadata").unwrap().as_mapping_mut().unwrap();
        metadata.insert("annotations".into(), Value::Mapping(annotations));
        items.push(document);
    }
    let config = format!(
        "apiVersion: acr-inject.dev/v1alpha1\nkind: AcrInject\nmetadata:\n  name: acr\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: ./acr-inject\n        args: [--krm]\nspec:\n{spec}"
    );
    let mut list = Mapping::new();
    list.insert("apiVersion".into(), "config.kubernetes.io/v1".into());
    list.insert("kind".into(), "ResourceList".into());
    list.insert("items".into(), Value::Sequence(items));
    list.insert("functionConfig".into(), yaml_serde::from_str(&config).unwrap());
    yaml_serde::to_string(&list).unwrap()
}

fn krm() -> assert_cmd::Command {
    let mut command = acr_inject();
    command.env("ACR_INJECT_USERNAME", USERNAME).env("ACR_INJECT_PASSWORD", PASSWORD).arg("--krm");
    command
}

fn parsed(output: &[u8]) -> Value {
    let documents = oracle_documents(output);
    assert_eq!(documents.len(), 1, "one ResourceList");
    let list = documents.into_iter().next().unwrap();
    assert_eq!(str_at(&list, &["apiVersion"]), Some("config.kubernetes.io/v1"));
    assert_eq!(str_at(&list, &["kind"]), Some("ResourceList"));
    list
}

fn items(list: &Value) -> Vec<Value> {
    list["items"].as_sequence().unwrap().clone()
}

/// Runs the function, expecting it to fail: the output ResourceList and stderr.
fn failing(input: &str) -> (Value, String) {
    let output = krm().write_stdin(input).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains(PASSWORD));
    (parsed(&output.stdout), stderr)
}

#[test]
fn items_gain_the_references_keep_their_annotations_and_the_pull_secrets_are_added() {
    let input = resource_list(SHOP, "  registry: myregistry\n");
    let output = run_ok(krm(), input.as_bytes());
    let list = parsed(&output);
    let before = items(&parsed(input.as_bytes()));
    let after = items(&list);
    let (secrets, rest): (Vec<&Value>, Vec<&Value>) =
        after.iter().partition(|item| is_pull_secret(item, "acr-secret"));
    assert_eq!(rest.len(), before.len(), "no item is dropped");
    for (old, new) in before.iter().zip(&rest) {
        // Annotations included: kustomize's and kpt's pass through untouched.
        assert_eq!(without_reference(new, "acr-secret"), without_reference(old, "acr-secret"));
        for path in pod_spec_paths(new) {
            assert!(references(new, &path, "acr-secret"), "{new:?}");
        }
    }
    let mut namespaces: Vec<_> = secrets.iter().map(|s| namespace(s)).collect();
    namespaces.sort();
    assert_eq!(namespaces, [Some("payments".to_string()), Some("shop".to_string())]);
    for secret in secrets {
        assert!(get(secret, &["metadata", "annotations"]).is_none(), "no kustomize annotation");
    }
    assert_eq!(list["functionConfig"], parsed(input.as_bytes())["functionConfig"]);
    assert!(list.get("results").is_none());
    assert!(!String::from_utf8_lossy(&output).contains(PASSWORD), "only base64 in the Secret");
}

#[test]
fn fed_its_own_output_the_function_changes_nothing() {
    let spec = format!("  registry: myregistry\n  sealCert: {CERT}\n");
    for spec in ["  registry: myregistry\n", &spec] {
        let dir = assert_fs::TempDir::new().unwrap();
        let spec = spec.replace(CERT, "cert.pem");
        std::fs::copy(CERT, dir.path().join("cert.pem")).unwrap();
        let mut first = krm();
        first.current_dir(dir.path());
        let once = run_ok(first, resource_list(SHOP, &spec).as_bytes());
        let mut again = krm();
        again.current_dir(dir.path());
        let twice = run_ok(again, &once);
        // Sealing is randomised: the same bytes mean the SealedSecrets were kept.
        assert_eq!(String::from_utf8_lossy(&twice), String::from_utf8_lossy(&once), "{spec}");
    }
}

#[test]
fn an_item_the_filter_refuses_is_an_error_result_naming_it_and_its_file() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  imagePullSecrets: [other]\n  containers: [{name: c, image: x}]\n";
    let input = resource_list(&format!("{SHOP}---\n{pod}"), "  registry: myregistry\n");
    let (list, stderr) = failing(&input);
    let results = list["results"].as_sequence().unwrap();
    assert_eq!(results.len(), 1);
    let result = &results[0];
    assert_eq!(str_at(result, &["severity"]), Some("error"));
    let message = str_at(result, &["message"]).unwrap();
    assert!(message.starts_with("<stdin>:") && message.contains("plain strings"), "{message}");
    assert!(stderr.contains(message), "{stderr}");
    assert_eq!(str_at(result, &["resourceRef", "kind"]), Some("Pod"));
    assert_eq!(str_at(result, &["resourceRef", "name"]), Some("p"));
    assert_eq!(str_at(result, &["resourceRef", "namespace"]), Some("shop"));
    assert_eq!(str_at(result, &["file", "path"]), Some("shop.yaml"));
    assert_eq!(result["file"]["index"].as_u64(), Some(6));
    // The line named is the list's line of the string item in the Pod.
    let line: usize = message.split(':').nth(1).unwrap().parse().unwrap();
    let named = input.lines().nth(line - 1).unwrap();
    assert!(named.contains("other"), "{line}: {named}");
    assert_eq!(items(&list), items(&parsed(input.as_bytes())), "the items go back unchanged");
}

#[test]
fn a_config_error_is_an_error_result_at_the_configs_line() {
    let input = resource_list(SHOP, "  registry: myregistry\n  secretNam: regcred\n");
    let (list, stderr) = failing(&input);
    let message = str_at(&list["results"][0], &["message"]).unwrap();
    let line = input.lines().position(|line| line.contains("secretNam:")).unwrap() + 1;
    let column = input.lines().nth(line - 1).unwrap().find("secretNam").unwrap() + 1;
    assert!(
        message.starts_with(&format!("<stdin>:{line}:{column}: spec.secretNam: unknown field")),
        "{message}"
    );
    assert!(message.contains("secretName"), "the allowed keys are listed: {message}");
    assert!(stderr.contains(message));
    assert!(items(&list).is_empty());

    let input = resource_list(SHOP, "  registry: myregistry\n  password: hunter2\n");
    let (list, _) = failing(&input);
    let message = str_at(&list["results"][0], &["message"]).unwrap();
    assert!(message.contains("credentials never go in the config"), "{message}");
    assert!(!message.contains("hunter2"));
}

#[test]
fn a_json_resource_list_is_read_too() {
    let input = resource_list(SHOP, "  noSecret: true\n");
    let value: Value = yaml_serde::from_str(&input).unwrap();
    let json = serde_json::to_string(&yaml_value_to_json(&value)).unwrap();
    let list = parsed(&run_ok(krm(), json.as_bytes()));
    let after = items(&list);
    assert_eq!(after.len(), items(&value).len(), "references only: no Secret");
    let deployment =
        after.iter().find(|item| str_at(item, &["kind"]) == Some("Deployment")).unwrap();
    assert!(references(deployment, &["spec", "template", "spec"], "acr-secret"));
}

fn yaml_value_to_json(value: &Value) -> serde_json::Value {
    serde_json::to_value(value).unwrap()
}

#[test]
fn anything_but_a_resource_list_is_refused_as_a_result() {
    let (list, stderr) = failing(SHOP);
    let message = str_at(&list["results"][0], &["message"]).unwrap();
    assert!(message.contains("expected one ResourceList"), "{message}");
    assert!(stderr.contains(message));
    let deployment = SHOP.split("---\n").nth(3).unwrap();
    let (list, _) = failing(deployment);
    let message = str_at(&list["results"][0], &["message"]).unwrap();
    assert!(message.starts_with("<stdin>:1:1: expected a ResourceList"), "{message}");
}

#[test]
fn a_function_config_cannot_make_the_function_read_outside_its_directory() {
    // kustomize and kpt run the function in the kustomization's directory; its config comes
    // from whoever wrote the kustomization. A certificate path must resolve inside that
    // directory, and the message names the path as written, never what is there.
    let root = TempDir::new().unwrap();
    let cert = std::fs::read_to_string(CERT).unwrap();
    root.child("outside.pem").write_str(&format!("{cert}SIDECAR-CONTENT\n")).unwrap();
    let dir = root.child("app");
    dir.create_dir_all().unwrap();
    dir.child("sub").create_dir_all().unwrap();
    std::os::unix::fs::symlink(root.child("outside.pem").path(), dir.child("link.pem").path())
        .unwrap();
    std::os::unix::fs::symlink(root.path(), dir.child("up").path()).unwrap();
    let absolute = root.child("outside.pem").path().display().to_string();
    for (path, expected) in [
        ("../outside.pem", "leads outside the kustomization directory"),
        ("sub/../../outside.pem", "leads outside the kustomization directory"),
        ("link.pem", "leads outside the kustomization directory"),
        ("up/outside.pem", "leads outside the kustomization directory"),
        (absolute.as_str(), "is an absolute path"),
    ] {
        let input = resource_list(SHOP, &format!("  registry: myregistry\n  sealCert: {path}\n"));
        let output = krm().current_dir(dir.path()).write_stdin(input).output().unwrap();
        assert_eq!(output.status.code(), Some(2));
        let list = parsed(&output.stdout);
        let message = str_at(&list["results"][0], &["message"]).unwrap();
        assert!(message.contains(&format!("spec.sealCert: `{path}` {expected}")), "{message}");
        let everything = format!("{message}{}", String::from_utf8_lossy(&output.stderr));
        assert!(
            !everything.contains("SIDECAR-CONTENT") && !everything.contains("BEGIN"),
            "{everything}"
        );
    }
}
