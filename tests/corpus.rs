//! Every real-world manifest in `../shared/corpus` goes through the tool with only the intended
//! lines added: the three invariants, file by file and as one concatenated stream.

mod common;

use acr_inject_testkit::invariants::{
    assert_only_insertions, assert_oracle_sees_only_the_injection,
};
use acr_inject_testkit::kinds::pod_spec_path;
use acr_inject_testkit::oracle::{get, is_pull_secret, oracle_documents, references, str_at};
use common::*;

/// Rules the corpus needs beyond the built-in table.
const ANALYSIS_TEMPLATE: &str =
    "AnalysisTemplate.argoproj.io=spec.metrics[].provider.job.spec.template.spec";

fn inject(input: &[u8]) -> Vec<u8> {
    let mut command = acr_inject_with_credentials();
    command.args(["--pod-spec-path", ANALYSIS_TEMPLATE]);
    run_ok(command, input)
}

#[test]
fn every_corpus_file_keeps_its_bytes_and_gains_only_the_injection() {
    let files = corpus_files();
    assert!(files.len() >= 30, "the corpus is missing");
    for path in files {
        let input = std::fs::read(&path).unwrap();
        let output = inject(&input);
        let name = path.file_name().unwrap().to_string_lossy();
        assert_only_insertions(&input, &output);
        assert_eq!(inject(&output), output, "{name}: a second run changed something");
        assert_oracle_sees_only_the_injection(&input, &output, "acr-secret");
    }
}

#[test]
fn the_whole_corpus_as_one_stream() {
    let stream = corpus_stream();
    let output = inject(&stream);
    assert_only_insertions(&stream, &output);
    assert_eq!(inject(&output), output);
    assert_oracle_sees_only_the_injection(&stream, &output, "acr-secret");
}

#[test]
fn a_rollout_with_a_workload_ref_is_left_alone_and_its_deployment_is_edited() {
    let input = std::fs::read(corpus_dir().join("argo-rollouts-workload-ref.yaml")).unwrap();
    let output = inject(&input);
    let documents = oracle_documents(&output);
    let rollout = documents.iter().find(|d| str_at(d, &["kind"]) == Some("Rollout")).unwrap();
    assert!(get(rollout, &["spec", "template"]).is_none());
    let deployment = documents.iter().find(|d| str_at(d, &["kind"]) == Some("Deployment")).unwrap();
    assert!(references(deployment, &["spec", "template", "spec"], "acr-secret"));
}

#[test]
fn analysis_templates_need_the_user_rule() {
    let input = std::fs::read(corpus_dir().join("argo-rollouts-analysis-templates.yaml")).unwrap();
    let count = |output: &[u8]| String::from_utf8_lossy(output).matches("name: acr-secret").count();
    let without_rule = run_ok(acr_inject_with_credentials(), &input);
    assert_eq!(without_rule, input, "no built-in rule covers AnalysisTemplate");
    let with_rule = inject(&input);
    assert!(count(&with_rule) >= 2, "{}", String::from_utf8_lossy(&with_rule));
}

#[test]
fn existing_pull_secrets_are_kept_and_ours_appended() {
    let input =
        std::fs::read(corpus_dir().join("cert-manager-helm-existing-pullsecret.yaml")).unwrap();
    let output = inject(&input);
    let names = |document: &yaml_serde::Value, path: &[&str]| -> Vec<String> {
        let mut list = path.to_vec();
        list.push("imagePullSecrets");
        get(document, &list)
            .and_then(|v| v.as_sequence())
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| str_at(item, &["name"]).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut appended = 0;
    for (before, after) in oracle_documents(&input)
        .iter()
        .zip(oracle_documents(&output).iter().filter(|d| !is_pull_secret(d, "acr-secret")))
    {
        if let Some(path) = pod_spec_path(before) {
            let mut expected = names(before, path);
            appended += usize::from(!expected.is_empty());
            expected.push("acr-secret".into());
            assert_eq!(names(after, path), expected);
        }
    }
    assert!(appended >= 1, "the corpus file has a pod spec with an existing pull secret");
}

#[test]
fn the_fast_path_gives_the_same_bytes_as_the_full_parse() {
    let stream = corpus_stream();
    let fast = inject(&stream);
    let mut validating = acr_inject_with_credentials();
    validating.args(["--pod-spec-path", ANALYSIS_TEMPLATE, "--validate"]);
    let full = run_ok(validating, &stream);
    assert!(fast == full, "the fast path changed the output");
}
