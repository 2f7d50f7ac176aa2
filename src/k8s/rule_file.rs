//! The rules format, shared by the built-in table (`rules.yaml`) and `--rules FILE`: a YAML
//! list of mappings, one per kind (and group):
//!
//! ```yaml
//! - kind: TFJob                     # required
//!   group: kubeflow.org             # optional; absent: any group, "": core
//!   paths: [spec.tfReplicaSpecs.*.template.spec]   # required; `[]` items, `*` values, `?` optional
//!   field: imagePullSecrets         # optional (the default)
//!   shape: names                    # optional: names (default) | strings | object
//!   images: [spec.image]            # optional: image strings outside the holders
//!   checked: kubeflow/training-operator@v1.9.0   # optional: the source checked against
//! ```
//!
//! Read with the repository's own YAML tree, so a mistake is reported at its line and column;
//! messages quote no more of the file than the key or path segment at fault (a rules file may
//! sit beside secrets, and is not ours to print).

use super::kinds::{Path, PodSpecRule, Shape, check_group, check_kind};
use crate::error::quoted;
use crate::yaml::Error;
use crate::yaml::tree::{NodeId, Tree};

/// The keys an entry may have.
const KEYS: &[&str] = &["kind", "group", "paths", "field", "shape", "images", "checked"];

/// Parses a rules file. Errors carry the span of the offending node, in `text`.
pub fn parse(text: &str) -> Result<Vec<PodSpecRule>, Error> {
    let tree = Tree::parse(text)?;
    let Some(root) = tree.root else {
        return Ok(Vec::new());
    };
    let root = tree.resolve(root)?;
    if tree.is_null(root) {
        return Ok(Vec::new());
    }
    let items = tree
        .items(root)
        .ok_or_else(|| tree.error(root, "expected a list of rules (`- kind: ...`)"))?;
    items.iter().map(|&item| entry(&tree, item)).collect()
}

fn entry(tree: &Tree, item: NodeId) -> Result<PodSpecRule, Error> {
    let item = tree.resolve(item)?;
    let entries = tree
        .entries(item)
        .ok_or_else(|| tree.error(item, "expected a rule: a mapping with `kind` and `paths`"))?;
    for &(key, _) in entries {
        match tree.scalar(key) {
            Some(name) if KEYS.contains(&name) => {}
            Some(name) => {
                return Err(tree.error(
                    key,
                    &format!("unknown key {} (expected one of {})", quoted(name), KEYS.join(", ")),
                ));
            }
            None => return Err(tree.error(key, "expected a plain key")),
        }
    }
    let kind =
        string(tree, item, "kind")?.ok_or_else(|| tree.error(item, "the rule has no `kind`"))?;
    check_kind(&kind).map_err(|why| at(tree, item, "kind", why))?;
    let group = string(tree, item, "group")?;
    if let Some(group) = group.as_deref().filter(|g| !g.is_empty()) {
        check_group(group).map_err(|why| at(tree, item, "group", why))?;
    }
    let holders =
        paths(tree, item, "paths")?.ok_or_else(|| tree.error(item, "the rule has no `paths`"))?;
    if holders.is_empty() {
        return Err(at(tree, item, "paths", "`paths` is empty".into()));
    }
    let mut rule = PodSpecRule::new(&kind, group.as_deref(), holders);
    if let Some(field) = string(tree, item, "field")? {
        if field.is_empty() {
            return Err(at(tree, item, "field", "`field` is empty".into()));
        }
        rule.field = field;
    }
    if let Some(shape) = string(tree, item, "shape")? {
        rule.shape = shape
            .parse::<Shape>()
            .map_err(|why| at(tree, item, "shape", format!("`shape`: {why}")))?;
    }
    rule.images = paths(tree, item, "images")?.unwrap_or_default();
    rule.checked = string(tree, item, "checked")?;
    Ok(rule)
}

/// The scalar value of `key`, if present.
fn string(tree: &Tree, map: NodeId, key: &str) -> Result<Option<String>, Error> {
    let Some((_, value)) = tree.own_entry(map, key)? else { return Ok(None) };
    match tree.scalar(value) {
        Some(text) => Ok(Some(text.to_string())),
        None => Err(tree.error(value, &format!("expected `{key}` to be a string"))),
    }
}

/// The paths of `key`: a list of path strings, or one.
fn paths(tree: &Tree, map: NodeId, key: &str) -> Result<Option<Vec<Path>>, Error> {
    let Some((_, value)) = tree.own_entry(map, key)? else { return Ok(None) };
    let nodes: Vec<NodeId> = match tree.items(value) {
        Some(items) => items.to_vec(),
        None => vec![value],
    };
    let mut paths = Vec::with_capacity(nodes.len());
    for node in nodes {
        let text = tree
            .scalar(node)
            .ok_or_else(|| tree.error(node, &format!("expected `{key}` to list path strings")))?;
        let path =
            text.parse::<Path>().map_err(|why| tree.error(node, &format!("`{key}`: {why}")))?;
        paths.push(path);
    }
    Ok(Some(paths))
}

/// An error about the value of `key` in `map`.
fn at(tree: &Tree, map: NodeId, key: &str, message: String) -> Error {
    match tree.own_entry(map, key) {
        Ok(Some((_, value))) => tree.error(value, &message),
        _ => tree.error(map, &message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::kinds::{BUILT_IN_TEXT, Step};

    fn error(text: &str) -> (String, usize) {
        let error = parse(text).unwrap_err();
        (error.message, error.span.start)
    }

    #[test]
    fn the_built_in_table_parses() {
        let rules = parse(BUILT_IN_TEXT).unwrap();
        assert!(rules.len() > 80, "{}", rules.len());
        assert!(rules.iter().all(|rule| rule.group.is_some()), "built-in rules name their group");
    }

    #[test]
    fn the_built_in_table_is_rules_yaml() {
        let from_yaml = parse(BUILT_IN_TEXT).unwrap();
        let source = crate::k8s::kinds::rules_table_source(&from_yaml);
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/src/k8s/rules_table.rs");
        if std::env::var_os("ACR_INJECT_BLESS").is_some() {
            std::fs::write(file, &source).unwrap();
        }
        assert!(
            std::fs::read_to_string(file).unwrap() == source,
            "src/k8s/rules_table.rs is not rules.yaml: run `ACR_INJECT_BLESS=1 cargo test --lib \
             the_built_in_table_is_rules_yaml`"
        );
        // Compared whole, but not printed whole when they differ: the table is long.
        let built_in = crate::k8s::kinds::built_in();
        assert_eq!(built_in.len(), from_yaml.len());
        for (table, yaml) in built_in.iter().zip(&from_yaml) {
            assert_eq!(table, yaml);
        }
    }

    #[test]
    fn a_full_entry_reads_every_key() {
        let text = "- kind: Tenant\n  group: minio.min.io\n  paths: [spec]\n  field: imagePullSecret\n  \
                    shape: object\n  images: [spec.image]\n  checked: minio/operator@v7.1.1\n";
        let rule = &parse(text).unwrap()[0];
        assert_eq!(rule.kind, "Tenant");
        assert_eq!(rule.group.as_deref(), Some("minio.min.io"));
        assert_eq!(rule.paths[0].steps, [Step::Key("spec".into())]);
        assert_eq!(rule.field, "imagePullSecret");
        assert_eq!(rule.shape, Shape::Object);
        assert_eq!(rule.images[0].to_string(), "spec.image");
        assert_eq!(rule.checked.as_deref(), Some("minio/operator@v7.1.1"));
    }

    #[test]
    fn a_minimal_entry_takes_the_defaults_and_any_group() {
        let rule = &parse("- {kind: CronTab, paths: spec.template.spec}\n").unwrap()[0];
        assert_eq!(rule.group, None);
        assert_eq!(rule.field, "imagePullSecrets");
        assert_eq!(rule.shape, Shape::Names);
    }

    #[test]
    fn an_empty_group_is_the_core_group() {
        let rule = &parse("- {kind: Pod, group: '', paths: [spec]}\n").unwrap()[0];
        assert_eq!(rule.group.as_deref(), Some(""));
    }

    #[test]
    fn an_unknown_key_is_named_at_its_place() {
        let (message, at) = error("- kind: A\n  paths: [spec]\n  shapes: names\n");
        assert!(message.starts_with("unknown key `shapes`"), "{message}");
        assert_eq!(at, "- kind: A\n  paths: [spec]\n  ".len());
    }

    #[test]
    fn a_bad_path_names_its_segment_not_the_whole_file() {
        let (message, at) = error("- kind: A\n  paths: [spec..x]\n");
        assert!(message.contains("`` is not a path segment"), "{message}");
        assert_eq!(at, "- kind: A\n  paths: [".len());
        let (message, _) = error("- kind: A\n  paths: [spec.x*]\n");
        assert!(message.contains("`x*` is not a path segment"), "{message}");
    }

    #[test]
    fn missing_and_malformed_values_are_errors() {
        for (text, expected) in [
            ("kind: A\n", "expected a list of rules"),
            ("- just a string\n", "expected a rule"),
            ("- paths: [spec]\n", "has no `kind`"),
            ("- kind: A\n", "has no `paths`"),
            ("- {kind: A, paths: []}\n", "`paths` is empty"),
            ("- {kind: A-b, paths: [spec]}\n", "is not a kind name"),
            ("- {kind: A, group: a..b, paths: [spec]}\n", "malformed"),
            (
                "- {kind: A, paths: [spec], shape: list}\n",
                "expected `names`, `strings` or `object`",
            ),
            ("- {kind: A, paths: [[spec]]}\n", "to list path strings"),
            ("- {kind: [A], paths: [spec]}\n", "expected `kind` to be a string"),
            ("- {kind: A, paths: [spec], field: ''}\n", "`field` is empty"),
            ("- {kind: A, paths: [spec]\n", "unclosed"),
        ] {
            let (message, _) = error(text);
            assert!(message.contains(expected), "{text:?}: {message}");
        }
    }

    #[test]
    fn an_empty_file_has_no_rules() {
        assert!(parse("").unwrap().is_empty());
        assert!(parse("# nothing yet\n").unwrap().is_empty());
    }
}
