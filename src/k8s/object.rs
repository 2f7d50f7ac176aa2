//! A read-only view of one Kubernetes object in a parsed document: what a Secret format needs to
//! judge whether an object it finds in the input is the one it would write.

use std::fmt;

use crate::yaml::tree::{NodeId, Tree};

/// An object kind: its API group (empty for the core group) and its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Kind {
    pub group: &'static str,
    pub kind: &'static str,
}

impl Kind {
    /// Whether an object of API group `group` and kind `kind` is of this kind.
    pub fn is(&self, group: &str, kind: &str) -> bool {
        self.group == group && self.kind == kind
    }
}

/// `Kind.group`, or `Kind` for the core group, as `--pod-spec-path` writes kinds.
impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.group {
            "" => f.write_str(self.kind),
            group => write!(f, "{}.{group}", self.kind),
        }
    }
}

/// An object (a mapping) of a parsed document, read by paths of keys.
///
/// Lookups follow aliases and merge keys as [`Tree::lookup`] does; a path that does not lead to
/// a value (a missing key, a scalar where a mapping was expected, a duplicate key) reads as
/// absent: the view answers "is this what I would write?", and anything odd is "no".
#[derive(Clone, Copy)]
pub struct ObjectView<'t, 's> {
    tree: &'t Tree<'s>,
    node: NodeId,
}

impl<'t, 's> ObjectView<'t, 's> {
    pub fn new(tree: &'t Tree<'s>, node: NodeId) -> ObjectView<'t, 's> {
        ObjectView { tree, node }
    }

    /// The node at `path` below the object.
    fn at(&self, path: &[&str]) -> Option<NodeId> {
        path.iter().try_fold(self.node, |node, key| {
            self.tree.lookup(node, key).ok().flatten().map(|found| found.value)
        })
    }

    /// The scalar at `path`, e.g. `["metadata", "annotations", "example.com/key"]`.
    pub fn string(&self, path: &[&str]) -> Option<&'t str> {
        let tree: &'t Tree<'s> = self.tree;
        tree.scalar(self.at(path)?)
    }

    /// The items of the sequence at `path`, each as a view (empty when there is none).
    pub fn items(&self, path: &[&str]) -> Vec<ObjectView<'t, 's>> {
        let tree: &'t Tree<'s> = self.tree;
        let Some(node) = self.at(path) else { return Vec::new() };
        tree.items(node)
            .unwrap_or_default()
            .iter()
            .map(|&item| ObjectView { tree, node: item })
            .collect()
    }

    /// The keys of the mapping at `path` whose values are scalars, with those values.
    pub fn string_entries(&self, path: &[&str]) -> Vec<(&'t str, &'t str)> {
        let tree: &'t Tree<'s> = self.tree;
        let Some(node) = self.at(path) else { return Vec::new() };
        tree.entries(node)
            .unwrap_or_default()
            .iter()
            .filter_map(|&(key, value)| Some((tree.scalar(key)?, tree.scalar(value)?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view_of<'s>(tree: &'s Tree<'s>) -> ObjectView<'s, 's> {
        ObjectView::new(tree, tree.root.unwrap())
    }

    #[test]
    fn paths_read_scalars_lists_and_mappings() {
        let text = "metadata:\n  annotations: {a: '1', b: [x]}\nsops:\n  age:\n  - recipient: r1\n  - recipient: r2\n";
        let tree = Tree::parse(text).unwrap();
        let view = view_of(&tree);
        assert_eq!(view.string(&["metadata", "annotations", "a"]), Some("1"));
        assert_eq!(view.string_entries(&["metadata", "annotations"]), [("a", "1")]);
        let recipients: Vec<_> =
            view.items(&["sops", "age"]).iter().filter_map(|i| i.string(&["recipient"])).collect();
        assert_eq!(recipients, ["r1", "r2"]);
    }

    #[test]
    fn anything_missing_or_odd_reads_as_absent() {
        let tree = Tree::parse("a: 1\nb: {c: 1, c: 2}\n").unwrap();
        let view = view_of(&tree);
        assert_eq!(view.string(&["a", "b"]), None, "a scalar has no keys");
        assert_eq!(view.string(&["b", "c"]), None, "a duplicate key is not an answer");
        assert!(view.items(&["missing"]).is_empty());
    }
}
