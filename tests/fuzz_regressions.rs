//! Regression tests for what the fuzz targets in `fuzz/` found, each on its minimised input,
//! run by the normal `cargo test` (stable; the fuzzers themselves need nightly, see
//! `fuzz/README.md`).
//!
//! The checks are the fuzz targets' own, from the test kit (`testkit/`):
//! - the splitter's documents tile the input, and streaming it in chunks gives the same
//!   documents;
//! - an accepted input is a subsequence of the output (apart from what is replaced by design),
//!   a second run returns the output unchanged, and output stays readable to yaml_serde when
//!   the input was.
//!
//! A test for a bug that is still open carries `#[ignore = "bug: ..."]`; remove the `ignore`
//! once it is fixed.

use acr_inject::yaml::split::documents;
use acr_inject_testkit::SECRET_NAME;
use acr_inject_testkit::check::{Replaced, filter_and_check};
use acr_inject_testkit::filter::{Options, filter_bytes};
use acr_inject_testkit::oracle::{oracle_documents, references};
use acr_inject_testkit::split::{assert_documents_tile, streamed};

/// The injector's checks on `input` under every option the targets use; returns the outputs
/// of the options that accepted it.
fn check_injection(input: &[u8], replaced: Replaced) -> Vec<(Options, Vec<u8>)> {
    Options::all()
        .filter_map(|options| Some((options, filter_and_check(input, replaced, options)?)))
        .collect()
}

/// Whether the last document of `output` references our pull secret in the pod spec at
/// `path`, as yaml_serde reads it.
fn last_references(output: &[u8], path: &[&str]) -> bool {
    references(oracle_documents(output).last().unwrap(), path, SECRET_NAME)
}

/// The splitter's invariants on `input`, whole and fed in chunks of every size up to 8.
fn check_split(input: &[u8]) {
    let whole = documents(input);
    assert_documents_tile(input, &whole);
    for size in 1..=8 {
        assert_eq!(streamed(input, || size), whole, "streamed in chunks of {size}");
    }
}

// ---------------------------------------------------------------------------------------------
// Found by the `inject` target's checks over its manifest model (a smoke run of
// `fuzz/tests/model.rs`) on the tree before 0b9cde8, which fixed them: the same three bugs the
// property tests had found.

/// A nested pod spec ending in a block scalar got the reference after the next, less indented
/// key, so the output no longer parsed.
#[test]
fn a_block_scalar_ending_a_nested_pod_spec() {
    let input = b"apiVersion: v1\nkind: PodTemplate\ntemplate:\n  spec:\n    hostname: |\n      x\n  metadata: {}\n";
    check_injection(input, Replaced::NOTHING);
}

/// A byte order mark before a `%YAML` directive moved behind the inserted Secret, where
/// libyaml refuses it.
#[test]
fn a_byte_order_mark_before_a_directive_stays_first() {
    let input = "\u{feff}%YAML 1.2\n---\napiVersion: v1\nkind: Pod\nspec: {}\n".as_bytes();
    for (_, output) in check_injection(input, Replaced::NOTHING) {
        assert!(
            output.starts_with("\u{feff}".as_bytes()),
            "{:?}",
            String::from_utf8_lossy(&output)
        );
    }
}

/// A Secret planned before a `%YAML` document, then replaced by the pull Secret found later,
/// left its `...` behind, and a second run changed the output.
#[test]
fn a_secret_given_up_before_a_directive_leaves_no_end_marker() {
    let input = b"%YAML 1.2\n---\napiVersion: v1\nkind: Pod\nspec: {}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: acr-secret}\ntype: kubernetes.io/dockerconfigjson\n";
    // The old Secret's body, which a fresh one replaces.
    let secret = std::str::from_utf8(input).unwrap().rfind("apiVersion: v1\nkind: Secret").unwrap();
    check_injection(input, Replaced::Exactly(std::slice::from_ref(&(secret..input.len()))));
}

// ---------------------------------------------------------------------------------------------
// Found by the `inject` target in the runs before 5bf0aa0, fixed in 15fc8b0, f69b1d4 and
// 159cb44 (each also has a unit test beside its fix); here end to end, on every
// configuration.

/// A flow pod spec with double-quoted, tight keys in a document whose root keys are plain got
/// `imagePullSecrets:[...]`, which is no key in a flow mapping: the second run refused it.
#[test]
fn a_flow_mapping_with_quoted_keys_gets_a_quoted_key() {
    let input = b"{apiVersion: v1, kind: Pod, \"spec\":{\"containers\":[]}}\n";
    for (options, output) in check_injection(input, Replaced::NOTHING) {
        if !options.only_registry {
            assert!(last_references(&output, &["spec"]), "{:?}", String::from_utf8_lossy(&output));
        }
    }
}

/// A carriage return without a line feed is a line break to YAML but not to the tool's line
/// handling, so the reference went elsewhere on the second run. Now refused where it edits.
#[test]
fn a_lone_carriage_return_in_an_edited_document_is_refused() {
    let input = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: app\n  hostPID: true\rhostNetwork: true\n";
    check_injection(input, Replaced::NOTHING);
    assert!(filter_bytes(input, Options::STDIN).is_err());
}

/// An empty block scalar ending a nested pod spec (`hostname: |` and then a less indented
/// key): its span was the next line's indentation, so the reference went after that line,
/// into another mapping, and a second run added another.
#[test]
fn an_empty_block_scalar_ending_a_nested_pod_spec() {
    let input =
        b"apiVersion: v1\nkind: PodTemplate\ntemplate:\n  spec:\n    hostname: |\n  metadata: {}\n";
    for (options, output) in check_injection(input, Replaced::NOTHING) {
        if !options.only_registry {
            let shown = String::from_utf8_lossy(&output);
            assert!(last_references(&output, &["template", "spec"]), "{shown:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Found by the `inject` target's last run (on 9738606), fixed since (19989da).

/// Checks `input`, a Pod, on every configuration: the invariants, and that yaml_serde sees the
/// reference in the output's last document.
fn check_pod(input: &[u8]) {
    for (options, output) in check_injection(input, Replaced::NOTHING) {
        if !options.only_registry {
            assert!(last_references(&output, &["spec"]), "{:?}", String::from_utf8_lossy(&output));
        }
    }
}

/// An empty value ending a flow pod spec (`{a:}`) got the new entry between its key and its
/// `:`: `spec: {a, imagePullSecrets: [{name: acr-secret}]:}`, which no parser reads (the second
/// run refused it). Now `spec: {a: , imagePullSecrets: [{name: acr-secret}]}`: the space keeps
/// `a:,` from YAML 1.1 parsers (libyaml, go-yaml v2), which refuse it. Found as a JSON
/// Deployment whose pod spec ended `"containers":` and a line break. granit put an empty value
/// at its `:`; the tree now puts it right after the `:` (unit tests in `src/yaml/tree.rs` and
/// `src/yaml/insert/`).
#[test]
fn an_empty_value_ending_a_flow_pod_spec() {
    check_pod(b"kind: Pod\napiVersion: v1\nspec: {a:}\n");
    check_pod(b"kind: Pod\napiVersion: v1\nspec: {a: 1, b: }\n");
    check_pod(b"{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"spec\": {\"containers\":\n}}\n");
}

/// An empty value before other entries of a flow pod spec (`{a: , b: 1}`) made the appended
/// entry start with a stray empty entry: `spec: {a: , b: 1,: , imagePullSecrets: [{name:
/// acr-secret}]}`, which libyaml refuses (the tool itself reads it back). Now `spec: {a: , b:
/// 1, imagePullSecrets: [{name: acr-secret}]}`.
#[test]
fn an_empty_value_inside_a_flow_pod_spec() {
    check_pod(b"kind: Pod\napiVersion: v1\nspec: {a: , b: 1}\n");
}

/// Not found by the fuzzer: the same bug's siblings, where an empty value decides another
/// place or style: the key-order place in a sorted flow pod spec, a comment after the last
/// empty value, a pod spec whose only entry is empty, empty values in an `imagePullSecrets`
/// list, and a JSON pod spec whose first value is empty.
#[test]
fn empty_values_elsewhere_in_a_flow_pod_spec() {
    check_pod(b"kind: Pod\napiVersion: v1\nspec: {containers: , nodeSelector: {}}\n");
    check_pod(b"kind: Pod\napiVersion: v1\nspec: {a: # empty\n}\n");
    check_pod(b"kind: Pod\napiVersion: v1\nspec: {a: }\n");
    check_pod(b"kind: Pod\napiVersion: v1\nspec: {imagePullSecrets: [{name: a, b: }]}\n");
    check_pod(b"{\"kind\": \"Pod\", \"apiVersion\": \"v1\", \"spec\": {\"a\":, \"b\":1}}\n");
}

// ---------------------------------------------------------------------------------------------
// The splitter.

/// Not a finding: the splitter's edge cases the `split` target's seeds start from, checked
/// the way the target checks them.
#[test]
fn splitter_edge_cases() {
    for input in [
        &b""[..],
        b"---",
        b"---\n",
        b"...",
        b"a\n--",
        b"a\n---",
        b"\xef\xbb\xbf---\n\xef\xbb\xbf---\n",
        b"%YAML 1.2\n--- a\n...\n%YAML 1.2\n---\n",
        b"a: |\n ---x\n----\n---\tb\n...\r\n",
    ] {
        check_split(input);
    }
}

/// `sops_config` (on a9d1532): a file name with a line break was quoted raw in the message
/// about the rule that does (or does not) match it, which then spanned several lines.
#[test]
fn a_sops_message_about_a_file_name_with_a_line_break_stays_on_one_line() {
    let dir = assert_fs::TempDir::new().unwrap();
    let rules = "creation_rules:\n- path_regex: ^prod/\n  age: age18e4lcru4xmrdxynhy85tkp8yzr8sfvlnuxkxefunrcyacylnyp9srkplet\n";
    std::fs::write(dir.path().join(".sops.yaml"), rules).unwrap();
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web\n";
    let output = assert_cmd::Command::cargo_bin("acr-inject")
        .unwrap()
        .current_dir(dir.path())
        .env("ACR_INJECT_PASSWORD", acr_inject_testkit::PASSWORD)
        .args(["-r", "myregistry", "-u", acr_inject_testkit::USERNAME, "--sops"])
        .args(["-o", "rendered\nprod.yaml"])
        .write_stdin(deployment)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.ends_with("no creation rule matches `rendered\\nprod.yaml`\n"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
