//! The tool's promises, each one assertion on an input and what the tool made of it. They take
//! bytes, not a way of running the tool, so the same assertion checks the library (property
//! tests, fuzz targets, fuzz regressions) and the binary (corpus and end-to-end tests).

use std::collections::BTreeSet;
use std::ops::Range;

use yaml_serde::Value;

use crate::crds::{crd_holders, holder_references};
use crate::kinds::workloads;
use crate::oracle::{
    is_named_like_the_pull_secret, is_pull_secret, merged, namespace, oracle_documents, references,
    try_oracle_documents, without_reference,
};

/// Only insertions: `output` is `input` with bytes inserted and none removed or changed, that
/// is, `input` is a subsequence of `output`.
pub fn assert_only_insertions(input: &[u8], output: &[u8]) {
    assert_only_insertions_apart_from(input, output, &[]);
}

/// Only insertions, apart from the `replaced` byte ranges of `input` (what the tool replaces by
/// design: a pull Secret of an earlier run, an explicit `imagePullSecrets: null`).
pub fn assert_only_insertions_apart_from(input: &[u8], output: &[u8], replaced: &[Range<usize>]) {
    let kept: Vec<u8> = input
        .iter()
        .enumerate()
        .filter(|(at, _)| !replaced.iter().any(|range| range.contains(at)))
        .map(|(_, &byte)| byte)
        .collect();
    // Greedy matching is exact for subsequences.
    let mut matched = 0;
    for &byte in output {
        if matched < kept.len() && kept[matched] == byte {
            matched += 1;
        }
    }
    assert!(
        matched == kept.len(),
        "the output lost or changed input bytes from {:?} on\noutput: {}",
        String::from_utf8_lossy(&kept[matched..kept.len().min(matched + 80)]),
        shown(output)
    );
}

/// Idempotence: a second run, `second_run(output)`, accepts the output and returns it as it is.
pub fn assert_second_run_changes_nothing(
    output: &[u8],
    second_run: impl FnOnce(&[u8]) -> Result<Vec<u8>, String>,
) {
    match second_run(output) {
        Ok(again) => assert_same_bytes("the second run changed the output", output, &again),
        Err(error) => {
            panic!(
                "the second run refused the first run's output ({error})\noutput: {}",
                shown(output)
            )
        }
    }
}

/// What an independent parser sees: the input's documents, each the same data apart from the
/// reference to `secret_name` in every pod spec the tool must edit (the kinds of
/// [`crate::kinds`]), plus exactly one pull Secret for each namespace that has workloads. A
/// Secret named like ours in the input is replaced where it stands, and counts as that
/// namespace's.
pub fn assert_oracle_sees_only_the_injection(input: &[u8], output: &[u8], secret_name: &str) {
    let before = oracle_documents(input);
    let after = oracle_documents(output);
    let replaced: Vec<&Value> =
        before.iter().filter(|d| is_named_like_the_pull_secret(d, secret_name)).collect();
    let replaced_namespaces: BTreeSet<Option<String>> =
        replaced.iter().map(|d| namespace(d)).collect();
    let (added, rest): (Vec<&Value>, Vec<&Value>) = after.iter().partition(|d| {
        is_pull_secret(d, secret_name) && !replaced_namespaces.contains(&namespace(d))
    });
    assert_eq!(rest.len(), before.len(), "document count changed beyond the added Secrets");
    let mut workload_namespaces = BTreeSet::new();
    for (old, new) in before.iter().zip(&rest) {
        if is_named_like_the_pull_secret(old, secret_name) {
            assert!(
                is_pull_secret(new, secret_name) && namespace(new) == namespace(old),
                "a Secret named like ours was not replaced where it stood: {new:?}"
            );
            continue;
        }
        assert_eq!(
            without_reference(new, secret_name),
            without_reference(old, secret_name),
            "a document changed beyond the reference"
        );
        // What a pod spec inherits through a merge key is its own to Kubernetes.
        let new = merged(new);
        for (object, path) in workloads(&new) {
            assert!(
                references(object, path, secret_name),
                "pod spec at {path:?} lacks the reference in {object:?}"
            );
            workload_namespaces.insert(namespace(object));
        }
        for holder in crd_holders(&new) {
            assert!(
                holder_references(&holder, secret_name),
                "a {:?} holder lacks the reference in {new:?}",
                holder.shape
            );
            workload_namespaces.insert(namespace(&new));
        }
    }
    let secret_namespaces: BTreeSet<Option<String>> =
        added.iter().chain(&replaced).map(|d| namespace(d)).collect();
    assert_eq!(
        added.len() + replaced.len(),
        secret_namespaces.len(),
        "a namespace got two Secrets"
    );
    assert!(
        workload_namespaces.is_subset(&secret_namespaces),
        "namespaces with workloads {workload_namespaces:?}, with Secrets {secret_namespaces:?}"
    );
}

/// The weaker form for any input: when yaml_serde reads every document of the input, it reads
/// every document of the output too.
pub fn assert_valid_yaml_stays_valid(input: &[u8], output: &[u8]) {
    if try_oracle_documents(input).is_some() {
        assert!(
            try_oracle_documents(output).is_some(),
            "yaml_serde reads the input but not the output: {}",
            shown(output)
        );
    }
}

/// Without credentials (`--no-secret`) only references are added: the document count stays.
pub fn assert_document_count_unchanged(input: &[u8], output: &[u8]) {
    assert_eq!(
        oracle_documents(output).len(),
        oracle_documents(input).len(),
        "the document count changed: {}",
        shown(output)
    );
}

/// Skimming the documents that cannot need an edit (the stdin fast path) gives the bytes of a
/// full parse (`--validate`).
pub fn assert_skimming_matches_a_full_parse(skimmed: &[u8], parsed: &[u8]) {
    assert_same_bytes("the fast path changed the output", parsed, skimmed);
}

/// Asserts `actual == expected`, showing where they part (outputs may be megabytes).
fn assert_same_bytes(what: &str, expected: &[u8], actual: &[u8]) {
    if actual == expected {
        return;
    }
    let at = expected.iter().zip(actual).take_while(|(a, b)| a == b).count();
    let around = |bytes: &[u8]| {
        let start = at.saturating_sub(80);
        String::from_utf8_lossy(&bytes[start..bytes.len().min(at + 80)]).into_owned()
    };
    panic!(
        "{what}: from byte {at}, expected {:?}, got {:?}\nexpected: {}\ngot: {}",
        around(expected),
        around(actual),
        shown(expected),
        shown(actual)
    );
}

/// `bytes` for a failure message: whole when short, else its start.
fn shown(bytes: &[u8]) -> String {
    const MOST: usize = 4096;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MOST)]);
    if bytes.len() > MOST {
        format!("{text:?}... ({} bytes)", bytes.len())
    } else {
        format!("{text:?}")
    }
}
