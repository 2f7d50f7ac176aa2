//! Every real-world manifest of the corpus (`ACR_INJECT_CORPUS`, by default `../shared/corpus`)
//! goes through the tool with only the intended lines added: the three invariants, file by file
//! and as one concatenated stream. Without the corpus each test says on stderr that it is
//! skipped; under CI it fails instead.

mod common;

use std::process::{Command, Output};

use acr_inject_testkit::SECRET_NAME;
use acr_inject_testkit::corpus::Corpus;
use acr_inject_testkit::invariants::{
    assert_only_insertions, assert_oracle_sees_only_the_injection,
    assert_second_run_changes_nothing, assert_skimming_matches_a_full_parse,
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

/// Only insertions, a second run changes nothing, and yaml_serde sees only the injection.
fn check_the_three_invariants(input: &[u8]) {
    let output = inject(input);
    assert_only_insertions(input, &output);
    assert_second_run_changes_nothing(&output, |output| Ok(inject(output)));
    assert_oracle_sees_only_the_injection(input, &output, SECRET_NAME);
}

#[test]
fn every_corpus_file_keeps_its_bytes_and_gains_only_the_injection() {
    let Some(corpus) = Corpus::find() else { return };
    let files = corpus.files();
    assert!(files.len() >= 30, "the corpus is missing");
    for path in files {
        // Named in a failure's report, which shows the test's stderr.
        eprintln!("{}", path.file_name().unwrap().to_string_lossy());
        check_the_three_invariants(&std::fs::read(&path).unwrap());
    }
}

#[test]
fn the_whole_corpus_as_one_stream() {
    let Some(corpus) = Corpus::find() else { return };
    check_the_three_invariants(&corpus.stream());
}

#[test]
fn a_rollout_with_a_workload_ref_is_left_alone_and_its_deployment_is_edited() {
    let Some(corpus) = Corpus::find() else { return };
    let input = std::fs::read(corpus.path("argo-rollouts-workload-ref.yaml")).unwrap();
    let output = inject(&input);
    let documents = oracle_documents(&output);
    let rollout = documents.iter().find(|d| str_at(d, &["kind"]) == Some("Rollout")).unwrap();
    assert!(get(rollout, &["spec", "template"]).is_none());
    let deployment = documents.iter().find(|d| str_at(d, &["kind"]) == Some("Deployment")).unwrap();
    assert!(references(deployment, &["spec", "template", "spec"], SECRET_NAME));
}

#[test]
fn analysis_templates_need_the_user_rule() {
    let Some(corpus) = Corpus::find() else { return };
    let input = std::fs::read(corpus.path("argo-rollouts-analysis-templates.yaml")).unwrap();
    let count = |output: &[u8]| String::from_utf8_lossy(output).matches("name: acr-secret").count();
    let without_rule = run_ok(acr_inject_with_credentials(), &input);
    assert_eq!(without_rule, input, "no built-in rule covers AnalysisTemplate");
    let with_rule = inject(&input);
    assert!(count(&with_rule) >= 2, "{}", String::from_utf8_lossy(&with_rule));
}

#[test]
fn existing_pull_secrets_are_kept_and_ours_appended() {
    let Some(corpus) = Corpus::find() else { return };
    let input = std::fs::read(corpus.path("cert-manager-helm-existing-pullsecret.yaml")).unwrap();
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
        .zip(oracle_documents(&output).iter().filter(|d| !is_pull_secret(d, SECRET_NAME)))
    {
        if let Some(path) = pod_spec_path(before) {
            let mut expected = names(before, path);
            appended += usize::from(!expected.is_empty());
            expected.push(SECRET_NAME.into());
            assert_eq!(names(after, path), expected);
        }
    }
    assert!(appended >= 1, "the corpus file has a pod spec with an existing pull secret");
}

#[test]
fn the_fast_path_gives_the_same_bytes_as_the_full_parse() {
    let Some(corpus) = Corpus::find() else { return };
    let stream = corpus.stream();
    let fast = inject(&stream);
    let mut validating = acr_inject_with_credentials();
    validating.args(["--pod-spec-path", ANALYSIS_TEMPLATE, "--validate"]);
    let full = run_ok(validating, &stream);
    assert_skimming_matches_a_full_parse(&fast, &full);
}

/// Runs one test of this file in a fresh process of this test binary, with the corpus
/// nowhere and `CI` set or not.
fn run_without_the_corpus(test: &str, ci: bool) -> Output {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["--exact", test]).env("ACR_INJECT_CORPUS", "/nonexistent").env_remove("CI");
    if ci {
        command.env("CI", "true");
    }
    command.output().unwrap()
}

#[test]
fn without_the_corpus_a_test_is_skipped_with_one_line_and_under_ci_it_fails() {
    let test = "the_whole_corpus_as_one_stream";
    let skipped = run_without_the_corpus(test, false);
    let stderr = String::from_utf8_lossy(&skipped.stderr);
    assert!(skipped.status.success(), "{stderr}");
    let line = format!(
        "skipped {test}: the corpus is not at /nonexistent; set ACR_INJECT_CORPUS to where it is\n"
    );
    assert_eq!(stderr, line);

    let failed = run_without_the_corpus(test, true);
    assert!(!failed.status.success());
    let report = String::from_utf8_lossy(&failed.stdout);
    assert!(report.contains("set ACR_INJECT_CORPUS to where it is (CI is set"), "{report}");
}
