//! Reading the tool's input and output with an independent parser: yaml_serde, with libyaml
//! underneath, instead of the tool's own. What it reads is the data Kubernetes would get.

use yaml_serde::Value;

use crate::kinds::group;

/// Every document of a stream as yaml_serde reads it; panics if it cannot read one.
pub fn oracle_documents(text: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(text).expect("UTF-8");
    yaml_serde::Deserializer::from_str(without_byte_order_mark(text))
        .map(|document| {
            serde::Deserialize::deserialize(document).expect("yaml_serde parses the document")
        })
        .collect()
}

/// Every document of `bytes` as yaml_serde reads it, or `None` when it refuses any of them
/// (or the bytes are not UTF-8).
pub fn try_oracle_documents(bytes: &[u8]) -> Option<Vec<Value>> {
    let text = std::str::from_utf8(bytes).ok()?;
    yaml_serde::Deserializer::from_str(without_byte_order_mark(text))
        .map(|document| serde::Deserialize::deserialize(document).ok())
        .collect()
}

/// A leading byte order mark is the tool's to keep, not a document's content.
fn without_byte_order_mark(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The document with `<<` merge keys applied, as Kubernetes reads YAML: what a pod spec
/// inherits is then in it.
pub fn merged(document: &Value) -> Value {
    let mut merged = document.clone();
    merged.apply_merge().expect("merge keys name mappings");
    merged
}

pub fn get<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |node, key| node.get(*key))
}

pub fn str_at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v str> {
    get(value, path).and_then(Value::as_str)
}

/// The namespace of a document (`None` when it names none).
pub fn namespace(document: &Value) -> Option<String> {
    str_at(document, &["metadata", "namespace"]).map(str::to_string)
}

/// Whether `document` is a pull Secret named `name` as the tool makes it.
pub fn is_pull_secret(document: &Value, name: &str) -> bool {
    str_at(document, &["kind"]) == Some("Secret")
        && str_at(document, &["metadata", "name"]) == Some(name)
        && str_at(document, &["type"]) == Some("kubernetes.io/dockerconfigjson")
}

/// Whether the tool takes `document` for a pull Secret of an earlier run, which it replaces
/// where it stands: a Secret or a SealedSecret named `name`, whatever it holds.
pub fn is_named_like_the_pull_secret(document: &Value, name: &str) -> bool {
    let api_version = str_at(document, &["apiVersion"]).unwrap_or("");
    let secret = match str_at(document, &["kind"]) {
        Some("Secret") => group(api_version).is_empty(),
        Some("SealedSecret") => group(api_version) == "bitnami.com",
        _ => false,
    };
    secret && str_at(document, &["metadata", "name"]) == Some(name)
}

/// Whether the pod spec at `path` lists `{name: <name>}` in `imagePullSecrets` (of its own:
/// ask [`merged`] for what it inherits through a merge key).
pub fn references(document: &Value, path: &[&str], name: &str) -> bool {
    let mut full = path.to_vec();
    full.push("imagePullSecrets");
    get(document, &full)
        .and_then(Value::as_sequence)
        .is_some_and(|items| items.iter().any(|item| str_at(item, &["name"]) == Some(name)))
}

/// Fields that list pull secrets: `{name: ...}` items, or plain names (Spark, Kruise).
const LIST_FIELDS: &[&str] = &["imagePullSecrets", "pullSecrets", "packagePullSecrets"];

/// Fields that hold one `{name: ...}` (MinIO, OpenShift builds).
const OBJECT_FIELDS: &[&str] = &["imagePullSecret", "pullSecret"];

/// The document with every reference to `name` removed from every pull-secret list
/// (`{name: <name>}` items and plain `<name>` items), list keys that are then empty or null
/// removed, and one-reference fields that name only `name` removed: what the input looked
/// like, as data, if the tool only added the reference.
pub fn without_reference(value: &Value, name: &str) -> Value {
    match value {
        Value::Mapping(map) => {
            let mut out = yaml_serde::Mapping::new();
            for (key, item) in map {
                let field = key.as_str().unwrap_or("");
                if LIST_FIELDS.contains(&field) {
                    let kept: Vec<Value> = match item {
                        Value::Sequence(items) => items
                            .iter()
                            .filter(|i| {
                                str_at(i, &["name"]) != Some(name) && i.as_str() != Some(name)
                            })
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
                if OBJECT_FIELDS.contains(&field) && names_only(item, name)
                    || (OBJECT_FIELDS.contains(&field) && item.is_null())
                {
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

/// Whether `value` is `{name: <name>}` and nothing else.
fn names_only(value: &Value, name: &str) -> bool {
    value.as_mapping().is_some_and(|map| map.len() == 1) && str_at(value, &["name"]) == Some(name)
}
