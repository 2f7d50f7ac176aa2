//! Text for additions to a parsed document, written in the style of the text around them.
//!
//! Every method of [`Editor`] returns the [`Edit`]s that add a key to a mapping, an item to a
//! sequence, or a value where there was none, and leave every other byte alone. The added text
//! follows its surroundings: the mapping's indentation, the document's way of indenting
//! sequences (`- x` under its key or indented), the line ending of the line it joins, flow or
//! block style, and JSON syntax inside JSON documents. Nothing here knows about Kubernetes.
//!
//! The work is split by question: `text` answers where lines, columns and gaps are, `style`
//! how the surroundings are written, `render` what the new text is, and `place` where it goes.
//! This module asks them in order for each kind of addition.

mod place;
mod render;
mod style;
mod text;

use std::ops::Range;

use self::render::Block;
use self::style::{Layout, SequenceIndent, Syntax};
use self::text::Text;
use super::Error;
use super::tree::{NodeId, Tree, Value};
use crate::edit::Edit;

/// A value to add, built by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewNode<'v> {
    /// A string, quoted where YAML would read it as something else.
    Str(&'v str),
    /// A mapping, its entries in the order given.
    Map(Vec<(&'v str, NewNode<'v>)>),
    /// A sequence.
    Seq(Vec<NewNode<'v>>),
}

/// Edits one document. Offsets are those of the tree: bytes of the document's text.
pub struct Editor<'s, 't> {
    /// The document's text.
    text: Text<'s>,
    /// Its nodes.
    tree: &'t Tree<'s>,
    /// How the document's root writes flow collections.
    document: Syntax,
}

impl<'s, 't> Editor<'s, 't> {
    /// An editor of `text`, whose tree is `tree`.
    pub fn new(text: &'s str, tree: &'t Tree<'s>) -> Editor<'s, 't> {
        let text = Text::new(text);
        let document = tree.root.and_then(|root| style::flow_syntax(tree, text, root));
        Editor { text, tree, document: document.unwrap_or(Syntax::YAML) }
    }

    /// Adds `key: value` to the mapping `map`: in key order when the mapping's keys are sorted
    /// (as kubectl and kustomize print them), otherwise after its last entry.
    pub fn add_entry(&self, map: NodeId, key: &str, value: &NewNode) -> Result<Vec<Edit>, Error> {
        let map = self.tree.resolve(map)?;
        let Value::Mapping { entries, flow } = &self.tree.node(map).value else {
            return Err(self.tree.error(map, "expected a mapping"));
        };
        let before = style::sorted_position(self.tree, entries, key);
        if *flow {
            Ok(self.add_flow_entry(map, entries, before, key, value))
        } else {
            Ok(vec![self.add_block_entry(map, entries, before, key, value)])
        }
    }

    /// Appends `item` to the sequence `seq`.
    pub fn append_item(&self, seq: NodeId, item: &NewNode) -> Result<Vec<Edit>, Error> {
        let seq = self.tree.resolve(seq)?;
        let Value::Sequence { items, flow } = &self.tree.node(seq).value else {
            return Err(self.tree.error(seq, "expected a sequence"));
        };
        if *flow {
            let spans: Vec<Range<usize>> = items.iter().map(|&item| self.span(item)).collect();
            let syntax = self.syntax_of(seq);
            let item_text = |layout| self.flow_text(item, layout, syntax);
            let open = self.span(seq).start;
            return Ok(place::flow_append(self.text, open, &spans, syntax, item_text));
        }
        let last = self.span(*items.last().expect("a block sequence has an item"));
        let at = self.text.line_after(last.end);
        let indent = style::item_indent(self.text, last.start).unwrap_or(SequenceIndent {
            dash: self.text.column(last.start).saturating_sub(2),
            content: 2,
        });
        let eol = self.text.line_ending_near(at);
        let block = self.block(style::sequence_indent(self.tree, self.text, seq), eol);
        let mut text = String::new();
        block.item(item, indent, &mut text);
        Ok(vec![place::lines(self.text, at, text, eol)])
    }

    /// Gives a value to `key`, whose value `value` is null: written after the key when the null
    /// is implicit (`key:`), in place of the `null` or `~` when it is spelt out.
    pub fn set_null(&self, key: NodeId, value: NodeId, new: &NewNode, parent: NodeId) -> Edit {
        let syntax = self.syntax_of(parent);
        let colon = self.text.past_colon(self.span(key).end);
        let span = self.with_tag(colon, self.span(value));
        if !span.is_empty() {
            return Edit::replace(span, self.flow_text(new, None, syntax));
        }
        let parent_is_flow =
            matches!(self.tree.node(parent).value, Value::Mapping { flow: true, .. });
        if parent_is_flow {
            return Edit::insert(colon, format!(" {}", self.flow_text(new, None, syntax)));
        }
        let at = self.text.next_line_start(colon);
        let eol = self.text.line_ending_near(colon);
        let indent = style::sequence_indent(self.tree, self.text, parent);
        let block = self.block(indent, eol);
        let key_column = self.text.column(self.span(key).start);
        let mut text = String::new();
        match new {
            NewNode::Seq(items) => {
                let at = SequenceIndent { dash: key_column + indent.dash, content: indent.content };
                for item in items {
                    block.item(item, at, &mut text);
                }
            }
            NewNode::Map(entries) => block.map(entries, key_column + 2, None, &mut text),
            NewNode::Str(_) => {
                return Edit::insert(colon, format!(" {}", self.flow_text(new, None, syntax)));
            }
        }
        place::lines(self.text, at, text, eol)
    }

    /// The span of a null value, widened to take in its tag (`!!null`, `!!null ~`): the tag
    /// says null, and would contradict the value that replaces it. `from` is where the text
    /// after the key's `:` starts.
    fn with_tag(&self, from: usize, span: Range<usize>) -> Range<usize> {
        let between = self.text.slice(from, span.start.max(from));
        let tag = between.char_indices().find(|&(at, c)| {
            c == '!' && between[..at].chars().last().is_none_or(char::is_whitespace)
        });
        let Some((at, _)) = tag else { return span };
        let start = from + at;
        let tag_end = between[at..].find(char::is_whitespace).map_or(between.len(), |end| at + end);
        start..span.end.max(from + tag_end)
    }

    /// Adds an entry to the block mapping `map` with `entries`, in front of entry `before`
    /// when given, else after the last.
    fn add_block_entry(
        &self,
        map: NodeId,
        entries: &[(NodeId, NodeId)],
        before: Option<usize>,
        key: &str,
        value: &NewNode,
    ) -> Edit {
        let column = style::mapping_column(self.text, self.span(entries[0].0).start);
        let last = entries.len() - 1;
        // Lines after a block scalar that ends the text unterminated would give it a line
        // break: they go in front of the last entry instead.
        let before = before.or_else(|| {
            place::ends_in_unterminated_block_scalar(self.tree, self.text, entries[last].1)
                .then_some(last)
        });
        let in_front = before.and_then(|index| {
            let floor =
                index.checked_sub(1).map(|previous| self.line_after_value(entries[previous].1));
            place::line_before_entry(self.text, self.span(entries[index].0).start, floor)
        });
        let (at, eol) = match in_front {
            Some(at) => (at, self.text.line_ending_near(at)),
            None => {
                let at = self.line_after_value(entries[last].1);
                // The new lines follow the last entry's line: they end as it ends.
                (at, self.text.line_ending_near(at.saturating_sub(1)))
            }
        };
        let block = self.block(style::sequence_indent(self.tree, self.text, map), eol);
        let mut text = String::new();
        block.map(&[(key, value.clone())], column, None, &mut text);
        place::lines(self.text, at, text, eol)
    }

    /// Adds an entry to the flow mapping `map` with `entries`, in front of entry `before`
    /// when given, else after the last.
    fn add_flow_entry(
        &self,
        map: NodeId,
        entries: &[(NodeId, NodeId)],
        before: Option<usize>,
        key: &str,
        value: &NewNode,
    ) -> Vec<Edit> {
        let syntax = self.syntax_of(map);
        let eol = self.text.line_ending();
        let entry_text = |layout| render::flow_entry(key, value, syntax, layout, eol);
        let open = self.span(map).start;
        let spans: Vec<Range<usize>> =
            entries.iter().map(|&(k, v)| self.span(k).start..self.span(v).end).collect();
        match before {
            Some(index) => vec![place::flow_before(self.text, open, &spans, index, entry_text)],
            None => place::flow_append(self.text, open, &spans, syntax, entry_text),
        }
    }

    /// The syntax of the flow collection `collection`, else the document's.
    fn syntax_of(&self, collection: NodeId) -> Syntax {
        style::flow_syntax(self.tree, self.text, collection).unwrap_or(self.document)
    }

    /// `node` as a flow value in `syntax`, laid out as `layout` says.
    fn flow_text(&self, node: &NewNode, layout: Option<Layout>, syntax: Syntax) -> String {
        render::flow(node, syntax, layout, self.text.line_ending())
    }

    /// How new block lines are written here: sequences indented as `sequences`, lines ended
    /// with `eol`, items that are no mappings in the document's flow syntax.
    fn block<'e>(&self, sequences: SequenceIndent, eol: &'e str) -> Block<'e> {
        Block { sequences, eol, items: self.document }
    }

    /// The start of the line after the one where `node` ends.
    fn line_after_value(&self, node: NodeId) -> usize {
        self.text.line_after(self.tree.node(node).span.end)
    }

    /// The bytes of `node`.
    fn span(&self, node: NodeId) -> Range<usize> {
        self.tree.node(node).span.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit;

    /// `source` with the edits `change` makes at the node at `path` (keys from the root).
    fn edited(
        source: &str,
        path: &[&str],
        change: impl Fn(&Editor, NodeId) -> Vec<Edit>,
    ) -> String {
        let tree = Tree::parse(source).unwrap();
        let mut node = tree.root.unwrap();
        for key in path {
            node = tree.own_entry(node, key).unwrap().unwrap().1;
        }
        let mut edits = change(&Editor::new(source, &tree), node);
        edit::sort_and_check(&mut edits, source.len()).unwrap();
        String::from_utf8(edit::apply(source.as_bytes(), &edits)).unwrap()
    }

    fn name_x() -> NewNode<'static> {
        NewNode::Map(vec![("name", NewNode::Str("x"))])
    }

    /// `source` with `imagePullSecrets: [{name: x}]` added to the mapping at `path`.
    fn add(source: &str, path: &[&str]) -> String {
        edited(source, path, |editor, map| {
            editor.add_entry(map, "imagePullSecrets", &NewNode::Seq(vec![name_x()])).unwrap()
        })
    }

    /// `source` with `{name: x}` appended to the sequence at `path`.
    fn append(source: &str, path: &[&str]) -> String {
        edited(source, path, |editor, seq| editor.append_item(seq, &name_x()).unwrap())
    }

    #[test]
    fn a_sorted_mapping_gets_the_key_in_order_above_the_comment_of_the_next_key() {
        let source = "spec:\n  containers: []\n  # pinned\n  nodeSelector: {}\n";
        assert_eq!(
            add(source, &["spec"]),
            "spec:\n  containers: []\n  imagePullSecrets:\n  - name: x\n  # pinned\n  nodeSelector: {}\n"
        );
    }

    #[test]
    fn an_unsorted_mapping_gets_the_key_last() {
        let source = "spec:\n  volumes: []\n  containers: []\n";
        assert_eq!(
            add(source, &["spec"]),
            "spec:\n  volumes: []\n  containers: []\n  imagePullSecrets:\n  - name: x\n"
        );
    }

    #[test]
    fn new_lists_follow_the_documents_sequence_indentation() {
        let source = "spec:\n  containers:\n    - name: a\n";
        assert_eq!(
            add(source, &["spec"]),
            "spec:\n  containers:\n    - name: a\n  imagePullSecrets:\n    - name: x\n"
        );
    }

    #[test]
    fn flow_and_json_mappings_get_an_entry_in_their_own_syntax() {
        assert_eq!(
            add("spec: {containers: []}\n", &["spec"]),
            "spec: {containers: [], imagePullSecrets: [{name: x}]}\n"
        );
        assert_eq!(
            add("{\"spec\": {\"containers\": []}}\n", &["spec"]),
            "{\"spec\": {\"containers\": [], \"imagePullSecrets\": [{\"name\": \"x\"}]}}\n"
        );
    }

    #[test]
    fn a_mapping_with_quoted_keys_gets_a_quoted_key_whatever_the_root_uses() {
        // Found by fuzzing: a plain key written `key:[...]` is not a key in a flow mapping.
        assert_eq!(
            add("{+a: 1, \"spec\":{\"containers\":[]}}\n", &["spec"]),
            "{+a: 1, \"spec\":{\"containers\":[],\"imagePullSecrets\":[{\"name\":\"x\"}]}}\n"
        );
    }

    #[test]
    fn an_empty_value_ending_a_flow_mapping_keeps_its_colon() {
        // Found by fuzzing: the entry went between the key and its `:`, `{a, ...:}`. The space
        // before the comma is for YAML 1.1 parsers, which refuse `a:,`.
        assert_eq!(add("spec: {a:}\n", &["spec"]), "spec: {a: , imagePullSecrets: [{name: x}]}\n");
        assert_eq!(
            add("spec: {a: 1, b: }\n", &["spec"]),
            "spec: {a: 1, b: , imagePullSecrets: [{name: x}] }\n"
        );
        assert_eq!(
            add("spec: {a: # empty\n}\n", &["spec"]),
            "spec: {a: , imagePullSecrets: [{name: x}] # empty\n}\n"
        );
    }

    #[test]
    fn an_empty_value_before_other_flow_entries_leaves_their_separators_alone() {
        // Found by fuzzing: the gap after it was taken from its key's end, `,: ,`.
        assert_eq!(
            add("spec: {a: , b: 1}\n", &["spec"]),
            "spec: {a: , b: 1, imagePullSecrets: [{name: x}]}\n"
        );
        assert_eq!(
            add("spec: {containers: , nodeSelector: {}}\n", &["spec"]),
            "spec: {containers: , imagePullSecrets: [{name: x}], nodeSelector: {}}\n",
            "in key order"
        );
    }

    #[test]
    fn a_json_mapping_ending_in_an_empty_value_gets_a_spaced_entry_after_it() {
        assert_eq!(
            add("{\"spec\": {\"containers\":\n}}\n", &["spec"]),
            "{\"spec\": {\"containers\": , \"imagePullSecrets\": [{\"name\": \"x\"}]\n}}\n"
        );
    }

    #[test]
    fn a_mapping_without_a_colon_gets_the_entry_after_its_key() {
        assert_eq!(add("spec: {a}\n", &["spec"]), "spec: {a, imagePullSecrets: [{name: x}]}\n");
    }

    #[test]
    fn a_flow_list_whose_last_item_has_an_empty_value_gets_the_item_after_it() {
        assert_eq!(append("list: [a:]\n", &["list"]), "list: [a: , {name: x}]\n");
        assert_eq!(append("list: [{a: }]\n", &["list"]), "list: [{a: }, {name: x}]\n");
    }

    #[test]
    fn an_empty_value_ending_a_block_mapping_gets_the_entry_on_the_next_line() {
        assert_eq!(
            add("spec:\n  a:\n  b:\n", &["spec"]),
            "spec:\n  a:\n  b:\n  imagePullSecrets:\n  - name: x\n"
        );
        assert_eq!(
            add("spec:\n  ? b\n  :\n", &["spec"]),
            "spec:\n  ? b\n  :\n  imagePullSecrets:\n  - name: x\n"
        );
    }

    #[test]
    fn block_and_flow_lists_get_an_item_in_their_style() {
        assert_eq!(
            append("list:\n-   name: a  # odd\n", &["list"]),
            "list:\n-   name: a  # odd\n-   name: x\n"
        );
        assert_eq!(append("list: [{name: a}]\n", &["list"]), "list: [{name: a}, {name: x}]\n");
        assert_eq!(append("list: []\n", &["list"]), "list: [{name: x}]\n");
    }

    #[test]
    fn crlf_and_a_missing_final_newline_are_kept() {
        assert_eq!(
            add("spec:\r\n  a: 1\r\n", &["spec"]),
            "spec:\r\n  a: 1\r\n  imagePullSecrets:\r\n  - name: x\r\n"
        );
        assert_eq!(
            add("spec:\n  a: 1", &["spec"]),
            "spec:\n  a: 1\n  imagePullSecrets:\n  - name: x"
        );
    }
}
