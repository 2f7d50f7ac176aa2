//! Hides credentials in text meant for people (check mode's diff).
//!
//! The values of the fields a [`Redaction`] names (a Secret's `data` and `stringData`, say), and
//! every `.dockerconfigjson` anywhere, print as `<redacted>`. The text is otherwise unchanged,
//! so a diff of two redacted texts lines up with the real change.

use crate::edit::{self, Edit};
use crate::yaml::split;
use crate::yaml::tree::{NodeId, Tree, Value};

const REDACTED: &str = "<redacted>";

/// Fields of objects of one kind whose values are credentials: every value of a mapping there
/// (or the scalar itself) is hidden.
#[derive(Clone, Copy, Debug)]
pub struct Redaction {
    /// The kind, whatever its API group: a Secret with an odd `apiVersion` is still a Secret.
    pub kind: &'static str,
    /// Paths from the object's root, keys joined with `.` (`spec.encryptedData`).
    pub fields: &'static [&'static str],
}

/// `text` with the values `redactions` name replaced by `<redacted>`. A document that does not
/// parse is replaced whole: nothing in it can be shown safely.
pub fn redact(text: &str, redactions: &[Redaction]) -> String {
    let mut edits = Vec::new();
    for document in split::documents(text.as_bytes()) {
        let body = &text[document.range.clone()];
        match Tree::parse(body) {
            Ok(tree) => {
                if let Some(root) = tree.root {
                    // The tree counts from the document's start; the edits apply to all of `text`.
                    let base = document.range.start;
                    edits.extend(
                        secret_values(&tree, root, body, redactions)
                            .into_iter()
                            .map(|e| e.shifted(base)),
                    );
                }
            }
            Err(_) => edits
                .push(Edit::replace(document.range.clone(), "# <unparsable document not shown>\n")),
        }
    }
    if edits.is_empty() {
        return text.to_string();
    }
    edit::sort_and_check(&mut edits, text.len()).expect("redactions do not overlap");
    String::from_utf8(edit::apply(text.as_bytes(), &edits)).expect("redacting keeps UTF-8")
}

/// Edits that hide the credential values below `root`, in offsets of the document `body`.
fn secret_values(tree: &Tree, root: NodeId, body: &str, redactions: &[Redaction]) -> Vec<Edit> {
    let mut hidden = Vec::new();
    let root_kind = tree
        .entries(root)
        .and_then(|entries| entries.iter().find(|&&(k, _)| tree.scalar(k) == Some("kind")))
        .and_then(|&(_, v)| tree.scalar(v));
    for node in tree.descendants(root) {
        let Some(entries) = tree.entries(node) else { continue };
        let kind = entries
            .iter()
            .find(|&&(k, _)| tree.scalar(k) == Some("kind"))
            .and_then(|&(_, v)| tree.scalar(v));
        for redaction in redactions.iter().filter(|r| Some(r.kind) == kind) {
            for field in redaction.fields {
                let found = field.split('.').try_fold(node, |at, key| {
                    tree.lookup(at, key).ok().flatten().map(|found| found.value)
                });
                let Some(found) = found else { continue };
                match tree.entries(found) {
                    Some(values) => hidden.extend(values.iter().map(|&(_, v)| v)),
                    None => hidden.push(found),
                }
            }
        }
        for &(key, value) in entries {
            if tree.scalar(key) == Some(".dockerconfigjson")
                && !(root_kind == Some("ExternalSecret")
                    && tree.scalar(value).is_some_and(only_templates))
            {
                hidden.push(value);
            }
        }
    }
    hidden.sort_unstable();
    hidden.dedup();
    hidden
        .into_iter()
        .filter_map(|node| {
            let span = tree.node(node).span.clone();
            if matches!(tree.node(node).value, Value::Alias(_)) || span.is_empty() {
                return None;
            }
            // A block scalar's span ends after its line break; keep the break.
            let keep_break = body.as_bytes()[span.end - 1] == b'\n';
            Some(Edit::replace(
                span,
                if keep_break { format!("{REDACTED}\n") } else { REDACTED.to_string() },
            ))
        })
        .collect()
}

/// Whether a docker config is an External Secrets template whose credentials are all template
/// actions (`"password":{{ .password | toJson }}`): it holds none, and a change to it (another
/// registry, another key) is worth seeing. Anything else in that place stays hidden.
fn only_templates(config: &str) -> bool {
    if !config.contains("\"auths\"") {
        return false;
    }
    ["\"password\"", "\"auth\"", "\"identitytoken\""].iter().all(|key| {
        config.match_indices(key).all(|(at, _)| {
            let rest = config[at + key.len()..].trim_start();
            let value = rest.strip_prefix(':').map(str::trim_start).unwrap_or("");
            value.starts_with("{{") || value.starts_with("\"{{")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const REDACTIONS: &[Redaction] = &[
        Redaction { kind: "Secret", fields: &["data", "stringData"] },
        Redaction { kind: "SealedSecret", fields: &["spec.encryptedData"] },
    ];

    fn redact(text: &str) -> String {
        super::redact(text, REDACTIONS)
    }

    #[test]
    fn secret_data_and_docker_configs_are_hidden() {
        let text = "apiVersion: v1\nkind: Secret\ndata:\n  .dockerconfigjson: eyJhIjoxfQ==\n  token: c2VjcmV0\nstringData: {password: hunter2}\n---\nkind: SealedSecret\nspec:\n  encryptedData:\n    .dockerconfigjson: AgBy\n";
        let expected = "apiVersion: v1\nkind: Secret\ndata:\n  .dockerconfigjson: <redacted>\n  token: <redacted>\nstringData: {password: <redacted>}\n---\nkind: SealedSecret\nspec:\n  encryptedData:\n    .dockerconfigjson: <redacted>\n";
        assert_eq!(redact(text), expected);
    }

    #[test]
    fn block_scalars_keep_their_line_break() {
        let text =
            "kind: Secret\nstringData:\n  key: |\n    line one\n    line two\ntype: Opaque\n";
        assert_eq!(
            redact(text),
            "kind: Secret\nstringData:\n  key: |\n    <redacted>\ntype: Opaque\n"
        );
    }

    #[test]
    fn other_documents_and_config_maps_are_untouched() {
        let text = "kind: ConfigMap\ndata:\n  mode: fast\n";
        assert_eq!(redact(text), text);
    }

    #[test]
    fn an_external_secret_template_of_template_actions_is_shown_and_nothing_else() {
        let template = r#"{"auths":{"r.azurecr.io":{"username":{{ .username | toJson }},"password":{{ .password | toJson }},"auth":"{{ printf "%s:%s" .username .password | b64enc }}"}}}"#;
        let document = |config: &str| {
            format!(
                "kind: ExternalSecret\nspec:\n  target:\n    template:\n      data:\n        .dockerconfigjson: '{config}'\n"
            )
        };
        assert_eq!(redact(&document(template)), document(template));
        for literal in [
            r#"{"auths":{"r":{"username":"u","password":"hunter2"}}}"#,
            r#"{"auths":{"r":{"password":{{ .password }},"auth":"dTpodW50ZXIy"}}}"#,
            "eyJhdXRocyI6e319",
        ] {
            assert_eq!(
                redact(&document(literal)),
                document("<redacted>").replace("'<redacted>'", "<redacted>")
            );
        }
        // The same template anywhere else is hidden, as every other docker config.
        let config_map = format!("kind: ConfigMap\ndata:\n  .dockerconfigjson: '{template}'\n");
        assert_eq!(
            redact(&config_map),
            "kind: ConfigMap\ndata:\n  .dockerconfigjson: <redacted>\n"
        );
    }

    #[test]
    fn an_unparsable_document_is_not_shown() {
        assert_eq!(redact("kind: Secret\ndata: {a: [\n"), "# <unparsable document not shown>\n");
    }
}
