//! Running the library on an input and asserting every invariant that holds for it: for raw
//! bytes (fuzz inputs, the inputs of fuzz regressions) those that hold for any input the tool
//! accepts, for a generated [`Manifest`] everything the generator lets us predict.

use std::ops::Range;

use crate::SECRET_NAME;
use crate::filter::{Options, filter_bytes};
use crate::generate::Manifest;
use crate::invariants::{
    assert_document_count_unchanged, assert_only_insertions_apart_from,
    assert_oracle_sees_only_the_injection, assert_second_run_changes_nothing,
    assert_skimming_matches_a_full_parse, assert_valid_yaml_stays_valid,
};
use crate::oracle::{str_at, try_oracle_documents};

/// Which bytes of an input the tool may replace rather than add to.
#[derive(Clone, Copy, Debug)]
pub enum Replaced<'r> {
    /// These byte ranges (the generator's, or a test's that knows them).
    Exactly(&'r [Range<usize>]),
    /// Not known (raw fuzz input): the only-insertions check is skipped where a conservative
    /// scan finds something the tool may replace.
    Unknown,
}

impl Replaced<'static> {
    /// The input must be a subsequence of the output.
    pub const NOTHING: Replaced<'static> = Replaced::Exactly(&[]);
}

/// Runs `input` through the filter and, when it is accepted (refusing is fine for arbitrary
/// input), asserts: only insertions (apart from `replaced`), a second run changes nothing, and
/// valid YAML stays valid. Returns the output, if any.
pub fn filter_and_check(input: &[u8], replaced: Replaced, options: Options) -> Option<Vec<u8>> {
    let output = filter_bytes(input, options).ok()?;
    match replaced {
        Replaced::Exactly(ranges) => assert_only_insertions_apart_from(input, &output, ranges),
        Replaced::Unknown if !may_replace_bytes(input) => {
            assert_only_insertions_apart_from(input, &output, &[])
        }
        Replaced::Unknown => {}
    }
    assert_second_run_changes_nothing(&output, |output| filter_bytes(output, options));
    assert_valid_yaml_stays_valid(input, &output);
    Some(output)
}

/// The tool's output for a generated manifest under `options`. Asserts that the tool accepts
/// it, or refuses it where the generator says it must; `None` then.
pub fn filter_manifest(manifest: &Manifest, options: Options) -> Option<Vec<u8>> {
    let result = filter_bytes(manifest.text.as_bytes(), options);
    if !manifest.plain_string_pull_secrets {
        return Some(result.unwrap_or_else(|error| {
            panic!("the tool refused a valid input: {error}\ninput: {manifest:?}")
        }));
    }
    match result {
        Err(error) => {
            assert!(error.contains("plain strings"), "refused for another reason: {error}");
            None
        }
        // The pod spec may have no image on the registry, and so be left alone.
        Ok(output) if options.only_registry => Some(output),
        Ok(output) => panic!(
            "the tool mixed a reference into a list of strings: {:?}",
            String::from_utf8_lossy(&output)
        ),
    }
}

/// Every invariant that holds for `manifest` under `options`.
pub fn check_manifest(manifest: &Manifest, options: Options) {
    let input = manifest.text.as_bytes();
    // Else a finding would be the generator's, not the tool's.
    assert!(
        try_oracle_documents(input).is_some(),
        "the generator wrote invalid YAML: {manifest:?}"
    );
    let Some(output) = filter_manifest(manifest, options) else { return };
    assert_only_insertions_apart_from(input, &output, &manifest.replaced);
    assert_second_run_changes_nothing(&output, |output| filter_bytes(output, options));
    assert_valid_yaml_stays_valid(input, &output);
    if !options.credentials {
        assert_document_count_unchanged(input, &output);
    } else if !options.only_registry {
        // With `--only-registry-images` which pod specs are edited depends on their images.
        assert_oracle_sees_only_the_injection(input, &output, SECRET_NAME);
    }
    let other = Options { validate: !options.validate, ..options };
    let other_output =
        filter_manifest(manifest, other).expect("accepted with and without --validate");
    let (skimmed, parsed) =
        if options.validate { (&other_output, &output) } else { (&output, &other_output) };
    assert_skimming_matches_a_full_parse(skimmed, parsed);
}

/// Whether the tool may replace bytes of `input` by design: a top-level Secret or
/// SealedSecret named [`SECRET_NAME`], or an `imagePullSecrets` whose value is null. Errs on
/// the side of "may". yaml_serde decides when it reads the input; a text scan backs it up for
/// what it cannot read (the tool's parser may accept what libyaml refuses) and for spellings
/// it sees differently.
pub fn may_replace_bytes(input: &[u8]) -> bool {
    if null_pull_secrets_in_text(input) {
        return true;
    }
    match try_oracle_documents(input) {
        Some(documents) => documents.iter().any(|d| named_like_ours(d) || has_null_pull_secrets(d)),
        // Our name, possibly spelt with escapes.
        None => contains(input, SECRET_NAME.as_bytes()) || input.contains(&b'\\'),
    }
}

/// A Secret or SealedSecret named [`SECRET_NAME`], of any API group (the tool replaces only
/// those of the core and `bitnami.com` groups, but a guess had better err).
fn named_like_ours(document: &yaml_serde::Value) -> bool {
    matches!(str_at(document, &["kind"]), Some("Secret" | "SealedSecret"))
        && str_at(document, &["metadata", "name"]) == Some(SECRET_NAME)
}

/// An `imagePullSecrets` key with a null value anywhere in `value`.
fn has_null_pull_secrets(value: &yaml_serde::Value) -> bool {
    use yaml_serde::Value;
    match value {
        Value::Mapping(map) => map.iter().any(|(key, value)| {
            (key.as_str() == Some("imagePullSecrets") && value.is_null())
                || has_null_pull_secrets(value)
        }),
        Value::Sequence(items) => items.iter().any(has_null_pull_secrets),
        Value::Tagged(tagged) => has_null_pull_secrets(&tagged.value),
        _ => false,
    }
}

/// A conservative text scan: `imagePullSecrets`, a closing quote, `:`, then (past blanks,
/// line breaks and comments) something that may start a null, a tag, an anchor or an alias.
fn null_pull_secrets_in_text(input: &[u8]) -> bool {
    let key = b"imagePullSecrets";
    let mut from = 0;
    while let Some(at) = find(&input[from..], key) {
        let mut rest = &input[from + at + key.len()..];
        rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
        rest = skip_blanks(rest);
        if let Some(value) = rest.strip_prefix(b":") {
            let value = skip_blanks(value);
            if value.first().is_some_and(|b| b"nN~!&*".contains(b)) {
                return true;
            }
        }
        from += at + 1;
    }
    false
}

/// `bytes` after leading white space, line breaks and comments.
fn skip_blanks(mut bytes: &[u8]) -> &[u8] {
    loop {
        match bytes.first() {
            Some(b' ' | b'\t' | b'\r' | b'\n') => bytes = &bytes[1..],
            Some(b'#') => {
                let line_end = bytes.iter().position(|&b| b == b'\n').unwrap_or(bytes.len());
                bytes = &bytes[line_end..];
            }
            _ => return bytes,
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}
