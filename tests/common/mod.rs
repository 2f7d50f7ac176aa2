//! Helpers shared by the end-to-end tests: running the built binary, and checking its output
//! with an independent YAML parser (yaml_serde, libyaml underneath) instead of our own.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use yaml_serde::Value;

/// The password used by tests: recognisable, so a leak is easy to search for.
pub const PASSWORD: &str = "Pa$$w0rd-LEAK-CANARY";
pub const USERNAME: &str = "11111111-2222-3333-4444-555555555555";

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The flat corpus files (not the kustomize trees), sorted by name.
pub fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("../shared/corpus is beside the repository")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    files
}

/// Every flat corpus file as one stream, each preceded by `---` (as the benchmark builds it).
pub fn corpus_stream() -> Vec<u8> {
    let mut stream = Vec::new();
    for path in corpus_files() {
        stream.extend_from_slice(b"---\n");
        stream.extend_from_slice(&std::fs::read(path).unwrap());
        if !stream.ends_with(b"\n") {
            stream.push(b'\n');
        }
    }
    stream
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

/// Every document of a stream, parsed by yaml_serde.
pub fn oracle_documents(text: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(text).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    yaml_serde::Deserializer::from_str(text)
        .map(|document| {
            serde::Deserialize::deserialize(document).expect("yaml_serde parses the document")
        })
        .collect()
}

/// Asserts that `output` is `input` with bytes inserted and none removed or changed, that is,
/// `input` is a subsequence of `output` (checked greedily, which is exact for subsequences).
pub fn assert_only_insertions(input: &[u8], output: &[u8]) {
    let mut matched = 0;
    for &byte in output {
        if matched < input.len() && input[matched] == byte {
            matched += 1;
        }
    }
    assert_eq!(
        matched,
        input.len(),
        "output lost or changed input bytes from offset {matched}: {:?}",
        String::from_utf8_lossy(&input[matched..input.len().min(matched + 80)])
    );
}

pub fn get<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |node, key| node.get(*key))
}

pub fn str_at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v str> {
    get(value, path).and_then(Value::as_str)
}

/// Whether `document` is a pull Secret named `name` made by the tool.
pub fn is_pull_secret(document: &Value, name: &str) -> bool {
    str_at(document, &["kind"]) == Some("Secret")
        && str_at(document, &["metadata", "name"]) == Some(name)
        && str_at(document, &["type"]) == Some("kubernetes.io/dockerconfigjson")
}

/// The document with every `{name: <name>}` item removed from every `imagePullSecrets` list,
/// and `imagePullSecrets` keys that are then empty or null removed: what the input looked
/// like, as data, if the tool only added the reference.
pub fn without_reference(value: &Value, name: &str) -> Value {
    match value {
        Value::Mapping(map) => {
            let mut out = yaml_serde::Mapping::new();
            for (key, item) in map {
                if key.as_str() == Some("imagePullSecrets") {
                    let kept: Vec<Value> = match item {
                        Value::Sequence(items) => items
                            .iter()
                            .filter(|i| str_at(i, &["name"]) != Some(name))
                            .map(|i| without_reference(i, name))
                            .collect(),
                        Value::Null => vec![],
                        other => {
                            out.insert(key.clone(), without_reference(other, name));
                            continue;
                        }
                    };
                    if !kept.is_empty() {
                        out.insert(key.clone(), Value::Sequence(kept));
                    }
                    continue;
                }
                out.insert(key.clone(), without_reference(item, name));
            }
            Value::Mapping(out)
        }
        Value::Sequence(items) => {
            Value::Sequence(items.iter().map(|i| without_reference(i, name)).collect())
        }
        Value::Tagged(tagged) => without_reference(&tagged.value, name),
        other => other.clone(),
    }
}

/// Where each workload kind keeps its pod spec, written out again for the tests from the
/// reference table (not taken from the code under test).
pub fn pod_spec_paths(document: &Value) -> Vec<Vec<&'static str>> {
    let kind = str_at(document, &["kind"]).unwrap_or("");
    let api_version = str_at(document, &["apiVersion"]).unwrap_or("");
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let path: &[&str] = match (group, kind) {
        ("", "Pod") => &["spec"],
        ("", "PodTemplate") => &["template", "spec"],
        ("", "ReplicationController") => &["spec", "template", "spec"],
        ("apps" | "extensions", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet") => {
            &["spec", "template", "spec"]
        }
        ("batch", "Job") => &["spec", "template", "spec"],
        ("batch", "CronJob") => &["spec", "jobTemplate", "spec", "template", "spec"],
        ("argoproj.io", "Rollout") if get(document, &["spec", "workloadRef"]).is_none() => {
            &["spec", "template", "spec"]
        }
        ("serving.knative.dev", "Service" | "Configuration") => &["spec", "template", "spec"],
        ("serving.knative.dev", "Revision") => &["spec"],
        ("keda.sh", "ScaledJob") => &["spec", "jobTargetRef", "template", "spec"],
        ("argoproj.io", "Workflow" | "WorkflowTemplate" | "ClusterWorkflowTemplate") => &["spec"],
        ("argoproj.io", "CronWorkflow") => &["spec", "workflowSpec"],
        _ => return vec![],
    };
    if get(document, path).is_some_and(Value::is_mapping) { vec![path.to_vec()] } else { vec![] }
}

/// Whether the pod spec at `path` lists `{name: <name>}` in `imagePullSecrets`.
pub fn references(document: &Value, path: &[&str], name: &str) -> bool {
    let mut full = path.to_vec();
    full.push("imagePullSecrets");
    get(document, &full)
        .and_then(Value::as_sequence)
        .is_some_and(|items| items.iter().any(|item| str_at(item, &["name"]) == Some(name)))
}

/// The namespace of a document (`None` when it names none).
pub fn namespace(document: &Value) -> Option<String> {
    str_at(document, &["metadata", "namespace"]).map(str::to_string)
}

/// Checks what an independent parser sees in `output` against `input`: the same documents
/// with the reference added to every workload, plus one pull Secret per namespace that has
/// workloads.
pub fn assert_oracle_sees_only_the_injection(input: &[u8], output: &[u8], name: &str) {
    let before = oracle_documents(input);
    let after = oracle_documents(output);
    let had_secret =
        |ns: &Option<String>| before.iter().any(|d| is_pull_secret(d, name) && namespace(d) == *ns);
    let (secrets, rest): (Vec<&Value>, Vec<&Value>) =
        after.iter().partition(|d| is_pull_secret(d, name) && !had_secret(&namespace(d)));
    let kept_secrets: Vec<&Value> = before.iter().filter(|d| is_pull_secret(d, name)).collect();
    assert_eq!(rest.len(), before.len(), "document count changed beyond the added Secrets");
    let mut workload_namespaces = std::collections::BTreeSet::new();
    for (old, new) in before.iter().zip(&rest) {
        if is_pull_secret(old, name) {
            continue;
        }
        assert_eq!(
            without_reference(new, name),
            without_reference(old, name),
            "a document changed beyond the reference"
        );
        for path in pod_spec_paths(new) {
            assert!(
                references(new, &path, name),
                "pod spec at {path:?} lacks the reference in {new:?}"
            );
            workload_namespaces.insert(namespace(new));
        }
        for item in get(new, &["items"]).and_then(Value::as_sequence).into_iter().flatten() {
            for path in pod_spec_paths(item) {
                assert!(references(item, &path, name), "list item pod spec lacks the reference");
                workload_namespaces.insert(namespace(item));
            }
        }
    }
    let secret_namespaces: std::collections::BTreeSet<Option<String>> =
        secrets.iter().chain(&kept_secrets).map(|d| namespace(d)).collect();
    assert_eq!(
        secrets.len() + kept_secrets.len(),
        secret_namespaces.len(),
        "a namespace got two Secrets"
    );
    assert!(
        workload_namespaces.is_subset(&secret_namespaces),
        "{workload_namespaces:?} vs {secret_namespaces:?}"
    );
}
