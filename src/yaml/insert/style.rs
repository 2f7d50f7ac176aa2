//! How the text around an addition is written, so that the addition can be written alike: the
//! syntax of flow collections (YAML or JSON, spaced or tight), how block sequences are
//! indented, the column of a mapping's keys, whether its keys are sorted, and how a flow
//! collection written one entry a line lays its entries out.

use granit_parser::ScalarStyle;

use super::text::Text;
use crate::yaml::tree::{NodeId, Tree, Value};

/// How a flow collection is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Syntax {
    /// JSON: double-quoted keys and strings.
    pub(super) json: bool,
    /// No spaces after `:` and `,` (as `jq -c` and Go print JSON).
    pub(super) tight: bool,
}

impl Syntax {
    /// YAML's flow syntax, `{key: value, other: [a, b]}`.
    pub(super) const YAML: Syntax = Syntax { json: false, tight: false };
}

/// The syntax a flow mapping (or a flow sequence of mappings) shows: JSON when its first key is
/// double-quoted, tight when nothing separates `:` from the value in its first entry that has
/// a value (an empty value, `"key":,`, shows no spacing). `None` for block collections and for
/// flow sequences that do not start with a flow mapping.
pub(super) fn flow_syntax(tree: &Tree, text: Text, collection: NodeId) -> Option<Syntax> {
    let mapping = match &tree.node(collection).value {
        Value::Mapping { flow: true, .. } => collection,
        Value::Sequence { items, flow: true } => *items.first()?,
        _ => return None,
    };
    let Value::Mapping { entries, flow: true } = &tree.node(mapping).value else {
        return None;
    };
    let &(first_key, _) = entries.first()?;
    let json = matches!(
        tree.node(first_key).value,
        Value::Scalar { style: ScalarStyle::DoubleQuoted, .. }
    );
    let with_value = entries.iter().find(|&&(_, value)| !tree.node(value).span.is_empty());
    let tight = json
        && with_value.is_some_and(|&(key, value)| {
            text.slice(tree.node(key).span.end, tree.node(value).span.start) == ":"
        });
    Some(Syntax { json, tight })
}

/// Columns from a block sequence's parent key to its `-`, and from the `-` to the item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct SequenceIndent {
    /// Columns from the key to the `-`.
    pub(super) dash: usize,
    /// Columns from the `-` to the item's content.
    pub(super) content: usize,
}

impl SequenceIndent {
    /// kubectl, kustomize and Helm's `toYaml` write `- ` under the key, not indented.
    pub(super) const KUBECTL: SequenceIndent = SequenceIndent { dash: 0, content: 2 };
}

/// The sequence indentation used under `node`'s keys, else the first found in the document,
/// else kubectl's.
pub(super) fn sequence_indent(tree: &Tree, text: Text, node: NodeId) -> SequenceIndent {
    let sample = |entries: &[(NodeId, NodeId)]| {
        entries.iter().find_map(|&(key, value)| {
            let Value::Sequence { items, flow: false } = &tree.node(value).value else {
                return None;
            };
            let item = item_indent(text, tree.node(*items.first()?).span.start)?;
            let key_column = text.column(tree.node(key).span.start);
            Some(SequenceIndent { dash: item.dash.checked_sub(key_column)?, content: item.content })
        })
    };
    if let Some(found) = tree.entries(node).and_then(sample) {
        return found;
    }
    let everywhere = tree.root.map(|root| tree.descendants(root)).unwrap_or_default();
    everywhere
        .into_iter()
        .filter_map(|id| tree.entries(id))
        .find_map(sample)
        .unwrap_or(SequenceIndent::KUBECTL)
}

/// The column of the `-` that introduces the block sequence item starting at `item_start`,
/// and the distance from it to the item's content.
pub(super) fn item_indent(text: Text, item_start: usize) -> Option<SequenceIndent> {
    let line = text.line_start(item_start);
    let dash_line = if text.slice(line, item_start).trim().is_empty() {
        // The item begins on a later line than its `-`: find the nearest line above that is
        // not blank or a comment.
        let mut at = line;
        loop {
            if at == 0 {
                return None;
            }
            let previous = text.line_start(at - 1);
            let content = text.slice(previous, at).trim();
            if !content.is_empty() && !content.starts_with('#') {
                break previous;
            }
            at = previous;
        }
    } else {
        line
    };
    let line = text.slice(dash_line, text.next_line_start(dash_line));
    let dash = line.len() - line.trim_start_matches(' ').len();
    let after_dash = line[dash..].strip_prefix('-')?;
    if !after_dash.is_empty() && !after_dash.starts_with([' ', '\t', '\r', '\n']) {
        return None;
    }
    // A `-` alone on its line (or with a comment) says nothing of the distance: kubectl's.
    let content = if after_dash.trim().is_empty() || after_dash.trim_start().starts_with('#') {
        2
    } else {
        1 + after_dash.len() - after_dash.trim_start_matches(' ').len()
    };
    Some(SequenceIndent { dash, content })
}

/// The column of a block mapping whose first key starts at `first_key`: that key's column, or
/// that of the `?` before it when the key is explicit (`? key`).
pub(super) fn mapping_column(text: Text, first_key: usize) -> usize {
    let line = text.line_start(first_key);
    let before = text.slice(line, first_key).trim_end_matches([' ', '\t']);
    match before.strip_suffix('?') {
        Some(rest) if rest.is_empty() || rest.ends_with([' ', '\t']) => rest.len(),
        _ => first_key - line,
    }
}

/// Where `key` goes among `entries` when their keys are sorted (as kubectl and kustomize
/// print them): the index of the first entry whose key sorts after it. `None` when the new key
/// sorts last, or when the keys are not sorted scalars, and so say nothing of an order.
pub(super) fn sorted_position(
    tree: &Tree,
    entries: &[(NodeId, NodeId)],
    key: &str,
) -> Option<usize> {
    let keys: Vec<&str> = entries
        .iter()
        .map(|&(key, _)| match &tree.node(key).value {
            Value::Scalar { text, .. } => Some(text.as_ref()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    if !keys.windows(2).all(|pair| pair[0] <= pair[1]) {
        return None;
    }
    keys.iter().position(|existing| *existing > key)
}

/// How a flow collection written one entry a line lays its entries out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Layout {
    /// The entries' column.
    pub(super) indent: usize,
    /// How much deeper the entries stand than the line of the opening bracket: the step
    /// nested values are indented by.
    pub(super) step: usize,
}

/// The layout of the flow collection opening at `open` whose entries are separated by `gap`
/// (white space), or `None` when the entries share a line.
pub(super) fn flow_layout(text: Text, gap: &str, open: usize) -> Option<Layout> {
    let (_, last_line) = gap.rsplit_once('\n')?;
    let indent = last_line.len();
    let before_open = text.slice(text.line_start(open), open);
    let outer = before_open.len() - before_open.trim_start().len();
    Some(Layout { indent, step: indent.saturating_sub(outer).max(1) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The node of `tree` at `path` (keys from the root).
    fn node_at(tree: &Tree, path: &[&str]) -> NodeId {
        let mut node = tree.root.unwrap();
        for key in path {
            node = tree.own_entry(node, key).unwrap().unwrap().1;
        }
        node
    }

    fn syntax(source: &str, path: &[&str]) -> Option<Syntax> {
        let tree = Tree::parse(source).unwrap();
        flow_syntax(&tree, Text::new(source), node_at(&tree, path))
    }

    #[test]
    fn a_flow_mapping_is_json_when_its_first_key_is_double_quoted() {
        let json = Syntax { json: true, tight: false };
        assert_eq!(syntax("{\"a\": {\"b\": 1}}", &[]), Some(json));
        assert_eq!(syntax("{\"a\":1,\"b\":2}", &[]), Some(Syntax { json: true, tight: true }));
        assert_eq!(syntax("{a: 1}", &[]), Some(Syntax::YAML));
        assert_eq!(syntax("l: [{\"a\": 1}]", &["l"]), Some(json), "a list takes its first item's");
    }

    #[test]
    fn an_empty_value_says_nothing_of_how_tight_json_is() {
        let tight = Syntax { json: true, tight: true };
        assert_eq!(syntax("{\"a\":, \"b\":1}", &[]), Some(tight));
        assert_eq!(syntax("{\"a\":\n}", &[]), Some(Syntax { json: true, tight: false }));
    }

    #[test]
    fn block_collections_and_lists_of_scalars_have_no_flow_syntax() {
        assert_eq!(syntax("a: 1\n", &[]), None);
        assert_eq!(syntax("l: [a, b]\n", &["l"]), None);
    }

    fn indent(source: &str, path: &[&str]) -> SequenceIndent {
        let tree = Tree::parse(source).unwrap();
        sequence_indent(&tree, Text::new(source), node_at(&tree, path))
    }

    #[test]
    fn sequences_are_indented_as_under_the_nodes_own_keys_first() {
        let source = "a:\n  l:\n  - x\nb:\n  l:\n      -   x\n";
        assert_eq!(indent(source, &["b"]), SequenceIndent { dash: 4, content: 4 });
    }

    #[test]
    fn sequences_are_indented_as_anywhere_in_the_document_else_as_kubectl_does() {
        assert_eq!(
            indent("a: {}\nb:\n  l:\n    - x\n", &["a"]),
            SequenceIndent { dash: 2, content: 2 }
        );
        assert_eq!(indent("a: {}\n", &["a"]), SequenceIndent::KUBECTL);
    }

    #[test]
    fn an_item_on_the_line_after_its_dash_takes_the_dashs_column() {
        let source = "l:\n  -\n    # the item\n    a: 1\n";
        let item = source.find("a: 1").unwrap();
        assert_eq!(
            item_indent(Text::new(source), item),
            Some(SequenceIndent { dash: 2, content: 2 })
        );
    }

    #[test]
    fn an_explicit_key_stands_at_the_column_of_its_question_mark() {
        let source = "m:\n  ? a\n  : 1\n";
        assert_eq!(mapping_column(Text::new(source), source.find('a').unwrap()), 2);
        assert_eq!(mapping_column(Text::new("m:\n   b: 1\n"), 6), 3);
    }

    fn position(source: &str, key: &str) -> Option<usize> {
        let tree = Tree::parse(source).unwrap();
        sorted_position(&tree, tree.entries(tree.root.unwrap()).unwrap(), key)
    }

    #[test]
    fn a_key_goes_before_the_first_key_that_sorts_after_it_when_the_keys_are_sorted() {
        assert_eq!(position("a: 1\nc: 2\n", "b"), Some(1));
        assert_eq!(position("a: 1\nc: 2\n", "d"), None, "last");
        assert_eq!(position("c: 1\na: 2\n", "b"), None, "unsorted");
        assert_eq!(position("? [x]\n: 1\nz: 2\n", "b"), None, "a key that is no scalar");
    }

    #[test]
    fn a_flow_collection_one_entry_a_line_steps_in_from_its_opening_line() {
        let source = "  spec: {\n      a: 1,\n      b: 2}\n";
        let open = source.find('{').unwrap();
        let layout = flow_layout(Text::new(source), "\n      ", open);
        assert_eq!(layout, Some(Layout { indent: 6, step: 4 }));
        assert_eq!(flow_layout(Text::new(source), " ", open), None);
    }
}
