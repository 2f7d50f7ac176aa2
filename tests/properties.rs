//! Property tests: generated manifests go through the library's filter and must keep the
//! tool's invariants:
//!
//! 1. the input is a subsequence of the output (only insertions), apart from what the tool
//!    replaces: the body of a pull Secret it finds, an explicit `imagePullSecrets: null`;
//! 2. a second run on the output changes nothing;
//! 3. an independent parser (yaml_serde) sees the input's data plus the references and one pull
//!    Secret per namespace that has workloads;
//! 4. without credentials (`--no-secret`) the number of documents stays the same;
//! 5. skimming (the stdin fast path) gives the bytes of a full parse (`--validate`).
//!
//! Along the way each property checks that the tool accepts the manifest, or refuses it where a
//! pod spec lists its pull secrets as plain strings. The manifests, the invariants and the
//! filter's configuration come from the test kit (`testkit/`), which the fuzz target shares:
//! the generator's documentation lists the spellings and contents it covers.
//!
//! Each property runs [`DEFAULT_CASES`] cases, enough for a quick `cargo test`; for a longer
//! hunt set `PROPTEST_CASES`, e.g. `PROPTEST_CASES=20000 cargo test --release --test
//! properties`. Failures are not persisted to a regressions file: a minimal failing input found
//! here is kept as an ordinary `#[test]` at the end of this file instead.

use acr_inject_testkit::SECRET_NAME;
use acr_inject_testkit::check::filter_manifest;
use acr_inject_testkit::filter::{Options, filter_bytes};
use acr_inject_testkit::generate::manifest;
use acr_inject_testkit::invariants::{
    assert_document_count_unchanged, assert_only_insertions_apart_from,
    assert_oracle_sees_only_the_injection, assert_second_run_changes_nothing,
    assert_skimming_matches_a_full_parse,
};
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;

/// Cases per property when `PROPTEST_CASES` is not set: the properties together stay well
/// under 30 s in a debug build.
const DEFAULT_CASES: u32 = 512;

/// The stdin filter, skimming documents that cannot need an edit.
const WITH_CREDENTIALS: Options = Options::STDIN;
const WITHOUT_CREDENTIALS: Options = Options { credentials: false, ..Options::STDIN };
/// The same, parsing every document.
const VALIDATING: Options = Options { validate: true, ..Options::STDIN };

fn proptest_config() -> ProptestConfig {
    // `ProptestConfig::default()` reads `PROPTEST_CASES` but `with_cases` would ignore it.
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn the_input_is_a_subsequence_of_the_output(manifest in manifest()) {
        if let Some(output) = filter_manifest(&manifest, WITH_CREDENTIALS) {
            let input = manifest.text.as_bytes();
            assert_only_insertions_apart_from(input, &output, &manifest.replaced);
        }
    }

    #[test]
    fn a_second_run_changes_nothing(manifest in manifest()) {
        for options in [WITH_CREDENTIALS, WITHOUT_CREDENTIALS] {
            if let Some(output) = filter_manifest(&manifest, options) {
                assert_second_run_changes_nothing(&output, |output| filter_bytes(output, options));
            }
        }
    }

    #[test]
    fn an_independent_parser_sees_the_input_plus_the_injection(manifest in manifest()) {
        if let Some(output) = filter_manifest(&manifest, WITH_CREDENTIALS) {
            assert_oracle_sees_only_the_injection(manifest.text.as_bytes(), &output, SECRET_NAME);
        }
    }

    #[test]
    fn without_credentials_the_document_count_is_unchanged(manifest in manifest()) {
        if let Some(output) = filter_manifest(&manifest, WITHOUT_CREDENTIALS) {
            assert_document_count_unchanged(manifest.text.as_bytes(), &output);
        }
    }

    #[test]
    fn skimming_gives_the_bytes_of_a_full_parse(manifest in manifest()) {
        if let (Some(skimmed), Some(parsed)) = (
            filter_manifest(&manifest, WITH_CREDENTIALS),
            filter_manifest(&manifest, VALIDATING),
        ) {
            assert_skimming_matches_a_full_parse(&skimmed, &parsed);
        }
    }
}

/// The tool's output for a hand-written input, which it must accept.
fn inject(input: &str, options: Options) -> String {
    match filter_bytes(input.as_bytes(), options) {
        Ok(output) => String::from_utf8(output).expect("UTF-8 in, UTF-8 out"),
        Err(error) => panic!("the tool refused the input: {error}"),
    }
}

/// Invariant 2, in both modes.
fn check_second_run_changes_nothing(input: &str) {
    for options in [WITH_CREDENTIALS, WITHOUT_CREDENTIALS] {
        let output = inject(input, options);
        assert_second_run_changes_nothing(output.as_bytes(), |output| {
            filter_bytes(output, options)
        });
    }
}

/// Invariant 3.
fn check_oracle_sees_only_the_injection(input: &str) {
    let output = inject(input, WITH_CREDENTIALS);
    assert_oracle_sees_only_the_injection(input.as_bytes(), output.as_bytes(), SECRET_NAME);
}

// ---------------------------------------------------------------------------------------------
// Regressions: minimal inputs of bugs the properties found, fixed in 0b9cde8 unless noted.

/// The reference went below the key after a pod spec's final block scalar.
#[test]
fn a_block_scalar_ending_a_nested_pod_spec() {
    let input = concat!(
        "apiVersion: v1\n",
        "kind: PodTemplate\n",
        "template:\n",
        "  spec:\n",
        "    hostname: |\n",
        "      x\n",
        "  metadata: {}\n",
    );
    check_oracle_sees_only_the_injection(input);
    check_second_run_changes_nothing(input);
}

/// A block scalar ending the input without a line break gained one in its value.
#[test]
fn a_block_scalar_ending_the_input_keeps_its_value() {
    let input = concat!("apiVersion: v1\n", "kind: Pod\n", "spec:\n", "  hostname: |\n", "    x");
    check_oracle_sees_only_the_injection(input);
}

/// A byte order mark before `%YAML` moved behind the inserted Secret.
#[test]
fn a_byte_order_mark_before_a_directive_stays_first() {
    let input =
        concat!("\u{feff}%YAML 1.2\n", "---\n", "apiVersion: v1\n", "kind: Pod\n", "spec: {}\n");
    assert!(inject(input, WITH_CREDENTIALS).starts_with('\u{feff}'));
    check_oracle_sees_only_the_injection(input);
}

/// A Secret given up for a later one left its closing `...` behind, one more each run.
#[test]
fn a_secret_given_up_before_a_directive_leaves_no_end_marker() {
    let input = concat!(
        "%YAML 1.2\n",
        "---\n",
        "apiVersion: v1\n",
        "kind: Pod\n",
        "spec: {}\n",
        "---\n",
        "apiVersion: v1\n",
        "kind: Secret\n",
        "metadata: {name: acr-secret}\n",
        "type: kubernetes.io/dockerconfigjson\n",
    );
    check_second_run_changes_nothing(input);
    check_oracle_sees_only_the_injection(input);
}

/// A pull Secret's `... # comment` line was replaced along with it.
#[test]
fn an_end_marker_with_a_comment_survives_the_secret_it_ends() {
    let input = concat!(
        "apiVersion: v1\n",
        "kind: Secret\n",
        "metadata: {name: acr-secret}\n",
        "type: kubernetes.io/dockerconfigjson\n",
        "... # end\n",
        "%YAML 1.2\n",
        "---\n",
        "apiVersion: v1\n",
        "kind: Pod\n",
        "spec: {}\n",
    );
    assert!(inject(input, WITH_CREDENTIALS).contains("\n... # end\n%YAML 1.2\n"));
    check_oracle_sees_only_the_injection(input);
}

/// Comments after a replaced pull Secret (introducing the next document) were dropped.
#[test]
fn comments_after_a_replaced_secret_are_kept() {
    let input = concat!(
        "apiVersion: v1\n",
        "kind: Secret\n",
        "metadata: {name: acr-secret}\n",
        "type: kubernetes.io/dockerconfigjson\n",
        "# the app:\n",
        "---\n",
        "apiVersion: v1\n",
        "kind: Pod\n",
        "spec: {}\n",
    );
    assert!(inject(input, WITH_CREDENTIALS).contains("\n# the app:\n---\n"));
}

/// Each Secret brought its own `---`, so two of them made an empty document (fixed in
/// 1959810).
#[test]
fn secrets_of_two_namespaces_before_a_document_without_a_marker() {
    let input = concat!(
        "apiVersion: v1\n",
        "kind: List\n",
        "items:\n",
        "- apiVersion: v1\n",
        "  kind: Pod\n",
        "  spec: {}\n",
        "- apiVersion: v1\n",
        "  kind: Pod\n",
        "  metadata: {namespace: team-a}\n",
        "  spec: {}\n",
    );
    check_oracle_sees_only_the_injection(input);
}
