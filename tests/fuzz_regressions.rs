//! Regression tests for what the fuzz targets in `fuzz/` found, each on its minimised input,
//! run by the normal `cargo test` (stable; the fuzzers themselves need nightly, see
//! `fuzz/README.md`).
//!
//! The checks are the fuzz targets' invariants, written out again here so that this file
//! needs nothing from the fuzz crate:
//! - the splitter's documents tile the input, and streaming it in chunks gives the same
//!   documents;
//! - an accepted input is a subsequence of the output (unless it holds a pull Secret or an
//!   explicit `imagePullSecrets: null`, which are replaced by design), a second run returns the
//!   output unchanged, and output stays readable to yaml_serde when the input was.
//!
//! A test for a bug that is still open carries `#[ignore = "bug: ..."]`; remove the `ignore`
//! once it is fixed.

use acr_inject::credentials::{Credentials, Password};
use acr_inject::filter::{Config, PullSecret, filter_bytes};
use acr_inject::formats::plain::Plain;
use acr_inject::k8s::kinds::Rules;
use acr_inject::yaml::split::{Document, Splitter, documents};

const SECRET_NAME: &str = "acr-secret";

/// The fuzz targets' configurations: with or without credentials, validating every document
/// or skimming those that cannot need an edit, optionally only for images on the registry.
fn config(with_credentials: bool, validate: bool, only_registry: bool) -> Config {
    Config {
        secret_name: SECRET_NAME.to_string(),
        only_registry: only_registry.then(|| "myregistry.azurecr.io".to_string()),
        rules: Rules::new(vec![]),
        pull_secret: with_credentials.then(|| PullSecret {
            format: Box::new(Plain {
                credentials: Credentials {
                    server: "myregistry.azurecr.io".to_string(),
                    username: "11111111-2222-3333-4444-555555555555".to_string(),
                    password: Password::new("fuzz-password".to_string()),
                    email: None,
                },
            }),
            reusable: Default::default(),
        }),
        default_namespace: None,
        validate,
    }
}

/// Every configuration the targets use.
fn every_config() -> impl Iterator<Item = Config> {
    (0..8).map(|bits| config(bits & 1 != 0, bits & 2 != 0, bits & 4 != 0))
}

/// Whether yaml_serde (libyaml) reads every document of `bytes`.
fn oracle_reads(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else { return false };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    yaml_serde::Deserializer::from_str(text)
        .all(|document| <yaml_serde::Value as serde::Deserialize>::deserialize(document).is_ok())
}

/// Runs `input` through the filter and checks the injector's invariants if it is accepted;
/// `replaces` says the input holds something replaced by design. Returns the output.
fn check_injection(input: &[u8], config: &Config, replaces: bool) -> Option<String> {
    let (output, _) = filter_bytes("<fuzz>", input, config).ok()?;
    let shown = String::from_utf8_lossy(&output).into_owned();
    if !replaces {
        let mut matched = 0;
        for &byte in &output {
            if matched < input.len() && input[matched] == byte {
                matched += 1;
            }
        }
        assert_eq!(matched, input.len(), "(a) input bytes lost or changed: {shown:?}");
    }
    let again = match filter_bytes("<fuzz>", &output, config) {
        Ok((again, _)) => again,
        Err(error) => panic!("(b) the second run refused the output ({error}): {shown:?}"),
    };
    assert_eq!(String::from_utf8_lossy(&again), shown, "(b) the second run changed the output");
    if oracle_reads(input) {
        assert!(oracle_reads(&output), "(c) yaml_serde cannot read the output: {shown:?}");
    }
    Some(shown)
}

/// The splitter's invariants on `input`, whole and fed in chunks of every size up to 8.
fn check_split(input: &[u8]) {
    let whole = documents(input);
    let mut end = 0;
    for document in &whole {
        assert_eq!(document.range.start, end, "documents must be consecutive: {whole:?}");
        end = document.range.end;
    }
    assert_eq!(end, input.len(), "documents must end at the end of the input: {whole:?}");
    for size in 1..=8 {
        let mut splitter = Splitter::new();
        let (mut buffer, mut consumed, mut streamed) = (Vec::new(), 0, Vec::new());
        let shift = |d: Document, by: usize| Document {
            range: d.range.start + by..d.range.end + by,
            start_marker: d.start_marker.map(|at| at + by),
            end_marker: d.end_marker.map(|at| at + by),
            directives: d.directives.map(|at| at + by),
            ..d
        };
        for chunk in input.chunks(size) {
            buffer.extend_from_slice(chunk);
            while let Some(document) = splitter.next_document(&buffer, false) {
                streamed.push(shift(document, consumed));
            }
            let done = splitter.pending_start();
            buffer.drain(..done);
            splitter.rebase(done);
            consumed += done;
        }
        while let Some(document) = splitter.next_document(&buffer, true) {
            streamed.push(shift(document, consumed));
        }
        assert_eq!(streamed, whole, "streamed in chunks of {size}");
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
    for config in every_config() {
        check_injection(input, &config, false);
    }
}

/// A byte order mark before a `%YAML` directive moved behind the inserted Secret, where
/// libyaml refuses it.
#[test]
fn a_byte_order_mark_before_a_directive_stays_first() {
    let input = "\u{feff}%YAML 1.2\n---\napiVersion: v1\nkind: Pod\nspec: {}\n".as_bytes();
    for config in every_config() {
        if let Some(output) = check_injection(input, &config, false) {
            assert!(output.starts_with('\u{feff}'), "{output:?}");
        }
    }
}

/// A Secret planned before a `%YAML` document, then replaced by the pull Secret found later,
/// left its `...` behind, and a second run changed the output.
#[test]
fn a_secret_given_up_before_a_directive_leaves_no_end_marker() {
    let input = b"%YAML 1.2\n---\napiVersion: v1\nkind: Pod\nspec: {}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: acr-secret}\ntype: kubernetes.io/dockerconfigjson\n";
    for config in every_config() {
        check_injection(input, &config, true);
    }
}

// ---------------------------------------------------------------------------------------------
// Found by the `inject` target in the runs before 5bf0aa0, fixed in 15fc8b0, f69b1d4 and
// 159cb44 (each also has a unit test beside its fix); here end to end, on every
// configuration.

/// Every document of `output` as yaml_serde reads it.
fn oracle(output: &str) -> Vec<yaml_serde::Value> {
    yaml_serde::Deserializer::from_str(output)
        .map(|document| serde::Deserialize::deserialize(document).unwrap())
        .collect()
}

/// Whether the object `document` references our pull secret in the pod spec at `path`.
fn references(document: &yaml_serde::Value, path: &[&str]) -> bool {
    let pod_spec = path.iter().try_fold(document, |node, key| node.get(*key));
    let items = pod_spec.and_then(|spec| spec.get("imagePullSecrets")?.as_sequence());
    items.is_some_and(|items| {
        items.iter().any(|item| item.get("name").and_then(|n| n.as_str()) == Some(SECRET_NAME))
    })
}

/// A flow pod spec with double-quoted, tight keys in a document whose root keys are plain got
/// `imagePullSecrets:[...]`, which is no key in a flow mapping: the second run refused it.
#[test]
fn a_flow_mapping_with_quoted_keys_gets_a_quoted_key() {
    let input = b"{apiVersion: v1, kind: Pod, \"spec\":{\"containers\":[]}}\n";
    for config in every_config() {
        if let Some(output) = check_injection(input, &config, false)
            && config.only_registry.is_none()
        {
            assert!(references(oracle(&output).last().unwrap(), &["spec"]), "{output:?}");
        }
    }
}

/// A carriage return without a line feed is a line break to YAML but not to the tool's line
/// handling, so the reference went elsewhere on the second run. Now refused where it edits.
#[test]
fn a_lone_carriage_return_in_an_edited_document_is_refused() {
    let input = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: app\n  hostPID: true\rhostNetwork: true\n";
    for config in every_config() {
        check_injection(input, &config, false);
    }
    assert!(filter_bytes("<fuzz>", input, &config(true, false, false)).is_err());
}

/// An empty block scalar ending a nested pod spec (`hostname: |` and then a less indented
/// key): its span was the next line's indentation, so the reference went after that line,
/// into another mapping, and a second run added another.
#[test]
fn an_empty_block_scalar_ending_a_nested_pod_spec() {
    let input =
        b"apiVersion: v1\nkind: PodTemplate\ntemplate:\n  spec:\n    hostname: |\n  metadata: {}\n";
    for config in every_config() {
        if let Some(output) = check_injection(input, &config, false)
            && config.only_registry.is_none()
        {
            assert!(
                references(oracle(&output).last().unwrap(), &["template", "spec"]),
                "{output:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Found by the `inject` target's last run (on 9738606). granit put an empty value (`a:`) at
// its `:`, so the flow-append logic took the `:` for what follows the entry; the tree now puts
// it right after the `:` (unit tests in `src/yaml/tree.rs`, `src/yaml/insert/mod.rs` and
// `src/yaml/insert/place.rs`).

/// Checks `input`, a Pod, on every configuration: the invariants, and that yaml_serde sees the
/// reference in the output's last document.
fn check_pod(input: &[u8]) {
    for config in every_config() {
        if let Some(output) = check_injection(input, &config, false)
            && config.only_registry.is_none()
        {
            assert!(references(oracle(&output).last().unwrap(), &["spec"]), "{output:?}");
        }
    }
}

/// An empty value ending a flow pod spec (`{a:}`) got the new entry between its key and its
/// `:`: `spec: {a, imagePullSecrets: [{name: acr-secret}]:}`, which no parser reads (the second
/// run refused it). Now `spec: {a: , imagePullSecrets: [{name: acr-secret}]}`: the space keeps
/// `a:,` from YAML 1.1 parsers (libyaml, go-yaml v2), which refuse it. Found as a JSON
/// Deployment whose pod spec ended `"containers":` and a line break.
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
