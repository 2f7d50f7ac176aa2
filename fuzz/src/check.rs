//! The invariants of `filter_bytes`, checked on any input it accepts.
//!
//! Hostile input may be refused (`Err`); what must never happen is a panic, a hang, or an `Ok`
//! whose output breaks the tool's promises:
//!
//! - (a) only insertions: the input is a subsequence of the output, unless the input holds
//!   something the tool replaces by design (a pull Secret named like ours, an explicit
//!   `imagePullSecrets: null`/`~`);
//! - (b) idempotence: a second run accepts the output and returns it unchanged;
//! - (c) validity: when an independent parser (yaml_serde, libyaml underneath) reads every
//!   document of the input, it reads every document of the output too.

use acr_inject::credentials::{Credentials, Password};
use acr_inject::filter::{Config, PullSecret, filter_bytes};
use acr_inject::formats::plain::Plain;
use acr_inject::k8s::kinds::Rules;
use yaml_serde::Value;

/// The pull Secret's name, as `--secret-name` defaults to.
pub const SECRET_NAME: &str = "acr-secret";
/// The registry the credentials are for, and the one `--only-registry-images` selects.
pub const REGISTRY: &str = "myregistry.azurecr.io";

/// A filter configuration: with or without credentials (`--no-secret`), validating every
/// document or skimming those that cannot need an edit (the stdin fast path), and optionally
/// touching only pod specs with an image on [`REGISTRY`].
pub fn config(with_credentials: bool, validate: bool, only_registry: bool) -> Config {
    Config {
        secret_name: SECRET_NAME.to_string(),
        only_registry: only_registry.then(|| REGISTRY.to_string()),
        rules: Rules::new(vec![]),
        pull_secret: with_credentials.then(|| PullSecret {
            format: Box::new(Plain { credentials: Credentials {
                server: REGISTRY.to_string(),
                username: "11111111-2222-3333-4444-555555555555".to_string(),
                password: Password::new("fuzz-password".to_string()),
                email: None,
            } }),
            reusable: Default::default(),
        }),
        default_namespace: None,
        validate,
    }
}

/// Runs `input` through the filter under `config` and asserts (a), (b) and (c) when it is
/// accepted. Returns the output, if any.
pub fn filter_and_check(input: &[u8], config: &Config) -> Option<Vec<u8>> {
    let (output, _) = filter_bytes("<fuzz>", input, config).ok()?;
    if !may_replace_bytes(input) {
        assert_subsequence(input, &output);
    }
    let again = match filter_bytes("<fuzz>", &output, config) {
        Ok((again, _)) => again,
        Err(error) => panic!(
            "(b) the second run refused the first run's output: {error}\noutput: {:?}",
            String::from_utf8_lossy(&output)
        ),
    };
    assert!(
        again == output,
        "(b) the second run changed the output\nfirst:  {:?}\nsecond: {:?}",
        String::from_utf8_lossy(&output),
        String::from_utf8_lossy(&again)
    );
    if oracle_documents(input).is_some() {
        assert!(
            oracle_documents(&output).is_some(),
            "(c) yaml_serde reads the input but not the output: {:?}",
            String::from_utf8_lossy(&output)
        );
    }
    Some(output)
}

/// (a): `input` is a subsequence of `output` (greedy matching is exact for subsequences).
pub fn assert_subsequence(input: &[u8], output: &[u8]) {
    let mut matched = 0;
    for &byte in output {
        if matched < input.len() && input[matched] == byte {
            matched += 1;
        }
    }
    assert!(
        matched == input.len(),
        "(a) the output lost or changed input bytes from offset {matched}\noutput: {:?}",
        String::from_utf8_lossy(output)
    );
}

/// Every document of `bytes` as yaml_serde reads it, or `None` when it refuses any of them
/// (or the bytes are not UTF-8). A leading byte order mark is dropped, as the tool allows it.
pub fn oracle_documents(bytes: &[u8]) -> Option<Vec<Value>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    yaml_serde::Deserializer::from_str(text)
        .map(|document| serde::Deserialize::deserialize(document).ok())
        .collect()
}

/// Whether the tool may replace bytes of `input` by design: a top-level Secret or
/// SealedSecret named [`SECRET_NAME`], or an `imagePullSecrets` whose value is null. Errs on
/// the side of "may": then (a) is not checked for that input.
///
/// The oracle decides when it reads the input; a text scan backs it up for what it cannot
/// read (the tool's parser may accept what libyaml refuses) and for spellings it sees
/// differently.
pub fn may_replace_bytes(input: &[u8]) -> bool {
    if null_pull_secrets_in_text(input) {
        return true;
    }
    match oracle_documents(input) {
        Some(documents) => documents.iter().any(|d| is_pull_secret(d) || has_null_pull_secrets(d)),
        // Our name, possibly spelt with escapes.
        None => contains(input, SECRET_NAME.as_bytes()) || input.contains(&b'\\'),
    }
}

fn is_pull_secret(document: &Value) -> bool {
    let kind = document.get("kind").and_then(Value::as_str);
    let name = document.get("metadata").and_then(|m| m.get("name")).and_then(Value::as_str);
    matches!(kind, Some("Secret" | "SealedSecret")) && name == Some(SECRET_NAME)
}

/// An `imagePullSecrets` key with a null value anywhere in `value`.
fn has_null_pull_secrets(value: &Value) -> bool {
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
