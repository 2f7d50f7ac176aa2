//! A read-only node tree of one YAML document, each node tied to its byte range in the source.
//!
//! Built from granit-parser's events, whose positions are UTF-8 byte offsets. The tree never
//! expands an alias: an alias is a node that points at its anchor, so an alias bomb costs one
//! node per alias. Editing is not done here; the tree only tells where things are.

use std::borrow::Cow;
use std::ops::Range;

use granit_parser::{Event, Options, Parser, ScalarStyle, ScanError, StructureStyle};

use super::Error;

/// Index of a node in its [`Tree`].
pub type NodeId = usize;

/// How many aliases may be followed in a row before the chain is treated as a cycle.
const MAX_ALIAS_CHAIN: usize = 64;

/// One node of a document: its bytes and what it is.
#[derive(Debug)]
pub struct Node<'a> {
    /// The node's bytes in the document's text. A block collection's range runs from its
    /// first key or item to the end of its last value. An empty value (`key:` and nothing) is
    /// the empty range right after its `:`.
    pub span: Range<usize>,
    /// What the node is.
    pub value: Value<'a>,
}

/// What a node is, its children as ids in the tree.
#[derive(Debug)]
pub enum Value<'a> {
    /// A scalar: its value (escapes and folding resolved) and how it is written.
    Scalar { text: Cow<'a, str>, style: ScalarStyle },
    /// A mapping: its (key, value) entries in document order; `flow` for `{...}`.
    Mapping { entries: Vec<(NodeId, NodeId)>, flow: bool },
    /// A sequence: its items in document order; `flow` for `[...]`.
    Sequence { items: Vec<NodeId>, flow: bool },
    /// An alias, pointing at the node its anchor names.
    Alias(NodeId),
}

/// The nodes of one document. `root` is `None` for an empty document.
#[derive(Debug)]
pub struct Tree<'a> {
    /// Every node, indexed by [`NodeId`], in the order the parser reported them.
    nodes: Vec<Node<'a>>,
    /// The document's node.
    pub root: Option<NodeId>,
}

/// A collection being built.
struct Open {
    /// Its node.
    node: NodeId,
    /// The children collected so far: keys and values alternating for a mapping.
    children: Vec<NodeId>,
}

impl<'a> Tree<'a> {
    /// Parses `text`, which must hold at most one document. Spans, in the tree and in errors,
    /// are byte ranges of `text`: where `text` stands in a larger buffer is the caller's to add.
    pub fn parse(text: &'a str) -> Result<Tree<'a>, Error> {
        let mut options = Options::default();
        options.set_emit_comments(false);
        let parser = Parser::new_from_str_with_options(text, options);
        let mut tree = Tree { nodes: Vec::new(), root: None };
        let mut open: Vec<Open> = Vec::new();
        let mut anchors: Vec<Option<NodeId>> = Vec::new();
        let mut documents = 0;
        let text_bytes = text.as_bytes();
        for event in parser {
            let (event, span) = event.map_err(|error| parse_error(&error, text))?;
            let start = span.start.byte_offset().unwrap_or(0);
            let end = span.end.byte_offset().unwrap_or(0);
            let (node, anchor) = match event {
                Event::DocumentStart(..) => {
                    documents += 1;
                    if documents > 1 {
                        return Err(Error::at(
                            start,
                            "a second document where one was expected (a `---` line the \
                             document splitter did not see)",
                        ));
                    }
                    continue;
                }
                Event::Scalar(text, style, anchor, _) => {
                    let end = match style {
                        ScalarStyle::Literal | ScalarStyle::Folded => {
                            block_scalar_end(text_bytes, end)
                        }
                        _ => end,
                    };
                    (tree.push(start.min(end)..end, Value::Scalar { text, style }), anchor)
                }
                Event::Alias(anchor) => {
                    let target = anchors.get(anchor).copied().flatten().ok_or_else(|| {
                        Error::new(start..end, "alias to an anchor that is not defined")
                    })?;
                    (tree.push(start..end, Value::Alias(target)), 0)
                }
                Event::MappingStart(style, anchor, _) => {
                    let flow = style == StructureStyle::Flow;
                    let node = tree.push(start..end, Value::Mapping { entries: vec![], flow });
                    record_anchor(&mut anchors, anchor, node);
                    open.push(Open { node, children: Vec::new() });
                    continue;
                }
                Event::SequenceStart(style, anchor, _) => {
                    let flow = style == StructureStyle::Flow;
                    let node = tree.push(start..end, Value::Sequence { items: vec![], flow });
                    record_anchor(&mut anchors, anchor, node);
                    open.push(Open { node, children: Vec::new() });
                    continue;
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    let Open { node, children } = open.pop().expect("parser balances collections");
                    tree.close(node, children, end, text_bytes);
                    (node, 0)
                }
                _ => continue,
            };
            record_anchor(&mut anchors, anchor, node);
            match open.last_mut() {
                Some(parent) => parent.children.push(node),
                None => tree.root = Some(node),
            }
        }
        Ok(tree)
    }

    /// Adds a node and returns its id.
    fn push(&mut self, span: Range<usize>, value: Value<'a>) -> NodeId {
        self.nodes.push(Node { span, value });
        self.nodes.len() - 1
    }

    /// Stores a finished collection's children and its end. A flow collection ends at its
    /// closing bracket (the end event's span); a block collection's end event sits at the next
    /// token, possibly lines later, so its end is taken from its last child instead.
    fn close(&mut self, node: NodeId, children: Vec<NodeId>, end_event_end: usize, text: &[u8]) {
        if let Value::Mapping { .. } = self.nodes[node].value {
            for pair in children.chunks_exact(2) {
                self.place_empty_value(pair[1], text);
            }
        }
        let last_child_end = children.last().map(|&child| self.nodes[child].span.end);
        let collection = &mut self.nodes[node];
        match &mut collection.value {
            Value::Mapping { entries, flow } => {
                *entries = children.chunks_exact(2).map(|pair| (pair[0], pair[1])).collect();
                collection.span.end = if *flow {
                    end_event_end
                } else {
                    last_child_end.unwrap_or(collection.span.start)
                };
            }
            Value::Sequence { items, flow } => {
                collection.span.end = if *flow {
                    end_event_end
                } else {
                    last_child_end.unwrap_or(collection.span.start)
                };
                *items = children;
            }
            _ => unreachable!("only collections are closed"),
        }
    }

    /// Moves an empty value (`key:` and nothing) from its `:`, where granit puts it, to right
    /// after it: the `:` belongs to the entry, so an entry (its key's start to its value's end)
    /// must cover it, and something written after the value must come after the `:`. An
    /// empty value without a `:` (`{key}`, `? key`) stays after its key; one after a tag or
    /// an anchor (`key: !!null`) already follows them.
    fn place_empty_value(&mut self, value: NodeId, text: &[u8]) {
        let node = &mut self.nodes[value];
        let at_its_colon = node.span.is_empty() && text.get(node.span.start) == Some(&b':');
        if let Value::Scalar { .. } = node.value
            && at_its_colon
        {
            node.span = node.span.start + 1..node.span.start + 1;
        }
    }

    /// The node `id`.
    pub fn node(&self, id: NodeId) -> &Node<'a> {
        &self.nodes[id]
    }

    /// Follows aliases to the node they name.
    pub fn resolve(&self, mut id: NodeId) -> Result<NodeId, Error> {
        for _ in 0..MAX_ALIAS_CHAIN {
            match self.nodes[id].value {
                Value::Alias(target) => id = target,
                _ => return Ok(id),
            }
        }
        Err(self.error(id, "aliases nested too deeply"))
    }

    /// The text of a scalar (after following aliases), or `None` for a collection.
    pub fn scalar(&self, id: NodeId) -> Option<&str> {
        match &self.nodes[self.resolve(id).ok()?].value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Whether the node is a null scalar: empty, `~`, or `null` in any of its spellings.
    pub fn is_null(&self, id: NodeId) -> bool {
        match &self.nodes[id].value {
            Value::Scalar { text, style: ScalarStyle::Plain } => {
                matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    /// The entries of a mapping (after following aliases), or `None` for anything else.
    pub fn entries(&self, id: NodeId) -> Option<&[(NodeId, NodeId)]> {
        match &self.nodes[self.resolve(id).ok()?].value {
            Value::Mapping { entries, .. } => Some(entries),
            _ => None,
        }
    }

    /// The items of a sequence (after following aliases), or `None` for anything else.
    pub fn items(&self, id: NodeId) -> Option<&[NodeId]> {
        match &self.nodes[self.resolve(id).ok()?].value {
            Value::Sequence { items, .. } => Some(items),
            _ => None,
        }
    }

    /// The entry of `map` whose key is the scalar `key`, among the mapping's own entries.
    /// Two such entries are an error: which one wins differs between YAML parsers.
    pub fn own_entry(&self, map: NodeId, key: &str) -> Result<Option<(NodeId, NodeId)>, Error> {
        let Some(entries) = self.entries(map) else {
            return Ok(None);
        };
        let mut matching = entries.iter().filter(|(k, _)| self.key_is(*k, key));
        let found = matching.next().copied();
        if let Some((duplicate, _)) = matching.next() {
            return Err(self.error(*duplicate, &format!("duplicate key `{key}` in one mapping")));
        }
        Ok(found)
    }

    /// The value of `key` in `map` as YAML merge keys define it: the mapping's own entry, else
    /// the first mapping merged in with `<<` that has it (searched depth first, in order).
    pub fn lookup(&self, map: NodeId, key: &str) -> Result<Option<Lookup>, Error> {
        self.lookup_within(map, key, 0)
    }

    /// [`Tree::lookup`] `depth` merge keys down.
    fn lookup_within(&self, map: NodeId, key: &str, depth: usize) -> Result<Option<Lookup>, Error> {
        if depth > MAX_ALIAS_CHAIN {
            return Err(self.error(map, "merge keys nested too deeply"));
        }
        if let Some((key_node, value)) = self.own_entry(map, key)? {
            return Ok(Some(Lookup { key: key_node, value, merged: depth > 0 }));
        }
        let Some((_, merged)) = self.own_entry(map, "<<")? else {
            return Ok(None);
        };
        let merged = self.resolve(merged)?;
        let sources = match self.items(merged) {
            Some(items) => items.to_vec(),
            None => vec![merged],
        };
        for source in sources {
            let source = self.resolve(source)?;
            if self.entries(source).is_none() {
                return Err(self.error(source, "a merge key (`<<`) must name a mapping"));
            }
            if let Some(found) = self.lookup_within(source, key, depth + 1)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// Whether `key_node` is the scalar `key` (an alias is no key here: it would name another
    /// node's text).
    fn key_is(&self, key_node: NodeId, key: &str) -> bool {
        matches!(&self.nodes[key_node].value, Value::Scalar { text, .. } if text == key)
    }

    /// An [`Error`] about the node `id`.
    pub fn error(&self, id: NodeId, message: &str) -> Error {
        Error::new(self.nodes[id].span.clone(), message)
    }

    /// Every node reachable from `id` without following aliases, `id` first.
    pub fn descendants(&self, id: NodeId) -> Vec<NodeId> {
        let mut found = Vec::new();
        let mut pending = vec![id];
        while let Some(next) = pending.pop() {
            found.push(next);
            match &self.nodes[next].value {
                Value::Mapping { entries, .. } => {
                    pending.extend(entries.iter().rev().flat_map(|&(k, v)| [v, k]));
                }
                Value::Sequence { items, .. } => pending.extend(items.iter().rev()),
                Value::Scalar { .. } | Value::Alias(_) => {}
            }
        }
        found
    }
}

/// Where [`Tree::lookup`] found a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lookup {
    /// The entry's key.
    pub key: NodeId,
    /// The entry's value.
    pub value: NodeId,
    /// The entry came in through a merge key, so it belongs to another (shared) mapping.
    pub merged: bool,
}

/// A block scalar's end as a line start: granit ends it at the next token, which can be past
/// the next line's indentation (for an empty scalar, the whole span is that indentation); the
/// scalar's content ends with the line break before it.
fn block_scalar_end(text: &[u8], end: usize) -> usize {
    let before = &text[..end];
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |newline| newline + 1);
    if before[line_start..].iter().all(|&b| b == b' ' || b == b'\t') { line_start } else { end }
}

/// Records that anchor number `anchor` (granit numbers them from 1; 0 is none) names `node`.
fn record_anchor(anchors: &mut Vec<Option<NodeId>>, anchor: usize, node: NodeId) {
    if anchor == 0 {
        return;
    }
    if anchors.len() <= anchor {
        anchors.resize(anchor + 1, None);
    }
    anchors[anchor] = Some(node);
}

/// granit's error as ours, at the byte where it stopped (granit may give only a character index).
fn parse_error(error: &ScanError, text: &str) -> Error {
    let marker = error.marker();
    let offset = marker.byte_offset().unwrap_or_else(|| {
        text.char_indices().nth(marker.index()).map_or(text.len(), |(at, _)| at)
    });
    let info = error.info();
    let message = match info.lines().next() {
        // granit's limits (its defaults): say what is allowed rather than how it is built.
        Some("recursion limit exceeded") => {
            "collections nested too deeply; expected at most 256 levels"
        }
        Some(line) => line,
        None => "invalid YAML",
    };
    Error::at(offset.min(text.len()), message.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of<'a>(source: &'a str, tree: &Tree, id: NodeId) -> &'a str {
        &source[tree.node(id).span.clone()]
    }

    #[test]
    fn block_collections_end_at_their_last_value() {
        let source = "a:\n  b: 1\n  c: [x]\n\n# trailing\nd: 2\n";
        let tree = Tree::parse(source).unwrap();
        let root = tree.root.unwrap();
        let a = tree.own_entry(root, "a").unwrap().unwrap().1;
        assert_eq!(text_of(source, &tree, a), "b: 1\n  c: [x]");
    }

    #[test]
    fn a_block_scalar_ends_at_a_line_start_whatever_follows() {
        let source = "a:\n  b: |\n    x\n  c: 1\n";
        let tree = Tree::parse(source).unwrap();
        let a = tree.own_entry(tree.root.unwrap(), "a").unwrap().unwrap().1;
        let b = tree.own_entry(a, "b").unwrap().unwrap().1;
        assert_eq!(text_of(source, &tree, b), "x\n");
    }

    #[test]
    fn an_empty_block_scalar_ends_at_the_start_of_the_next_line() {
        // Found by fuzzing: the span was the next line's indentation, so an entry added after
        // the scalar went after the next line instead.
        let source = "a:\n  b:\n    c: |\n  d: 1\n";
        let tree = Tree::parse(source).unwrap();
        let a = tree.own_entry(tree.root.unwrap(), "a").unwrap().unwrap().1;
        let b = tree.own_entry(a, "b").unwrap().unwrap().1;
        let c = tree.own_entry(b, "c").unwrap().unwrap().1;
        assert_eq!(tree.node(c).span.end, source.find("  d:").unwrap());
    }

    #[test]
    fn an_empty_value_is_right_after_its_colon() {
        // Found by fuzzing: granit puts it at the `:`, so an entry appended after it went
        // between the key and the `:`.
        let source = "a:\nb: {c: , d :}\n? e\n:\n";
        let tree = Tree::parse(source).unwrap();
        let root = tree.root.unwrap();
        let value_at =
            |map, key| tree.node(tree.own_entry(map, key).unwrap().unwrap().1).span.clone();
        let b = tree.own_entry(root, "b").unwrap().unwrap().1;
        assert_eq!(value_at(root, "a"), 2..2);
        assert_eq!(value_at(b, "c"), 9..9);
        assert_eq!(value_at(b, "d"), 15..15);
        assert_eq!(value_at(root, "e"), 22..22, "explicit key, `:` on its own line");
    }

    #[test]
    fn an_empty_value_without_a_colon_stays_after_its_key_and_one_after_a_tag_after_the_tag() {
        let source = "f: {a, b: !!null }\n";
        let tree = Tree::parse(source).unwrap();
        let f = tree.own_entry(tree.root.unwrap(), "f").unwrap().unwrap().1;
        let value_at = |key| tree.node(tree.own_entry(f, key).unwrap().unwrap().1).span.clone();
        assert_eq!(value_at("a"), 5..5);
        assert_eq!(value_at("b"), 16..16);
    }

    #[test]
    fn an_empty_key_stays_before_its_colon() {
        let tree = Tree::parse("{: x}").unwrap();
        let (key, _) = tree.entries(tree.root.unwrap()).unwrap()[0];
        assert_eq!(tree.node(key).span, 1..1);
    }

    #[test]
    fn offsets_are_bytes_of_the_text() {
        let source = "é: ünï\nk: v\n";
        let tree = Tree::parse(source).unwrap();
        let (key, value) = tree.own_entry(tree.root.unwrap(), "k").unwrap().unwrap();
        // "é: ünï\n" is 10 bytes but 7 characters.
        assert_eq!(tree.node(key).span, 10..11);
        assert_eq!(tree.node(value).span, 13..14);
    }

    #[test]
    fn aliases_point_at_their_anchor_without_copying() {
        let source = "a: &x {k: v}\nb: *x\n";
        let tree = Tree::parse(source).unwrap();
        let root = tree.root.unwrap();
        let a = tree.own_entry(root, "a").unwrap().unwrap().1;
        let b = tree.own_entry(root, "b").unwrap().unwrap().1;
        assert_eq!(tree.resolve(b).unwrap(), a);
        assert_eq!(tree.scalar(tree.lookup(b, "k").unwrap().unwrap().value), Some("v"));
    }

    #[test]
    fn lookup_sees_through_merge_keys_and_says_so() {
        let source = "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n";
        let tree = Tree::parse(source).unwrap();
        let m = tree.own_entry(tree.root.unwrap(), "m").unwrap().unwrap().1;
        let x = tree.lookup(m, "x").unwrap().unwrap();
        assert!(x.merged);
        assert_eq!(tree.scalar(x.value), Some("1"));
        assert!(!tree.lookup(m, "y").unwrap().unwrap().merged);
        assert_eq!(tree.lookup(m, "z").unwrap(), None);
    }

    #[test]
    fn duplicate_keys_are_an_error_at_the_second_one() {
        let source = "spec: 1\nspec: 2\n";
        let tree = Tree::parse(source).unwrap();
        let error = tree.own_entry(tree.root.unwrap(), "spec").unwrap_err();
        assert_eq!(error.span, 8..12);
        assert!(error.message.contains("duplicate key `spec`"));
    }

    #[test]
    fn syntax_errors_carry_a_byte_offset() {
        let error = Tree::parse("é: [1, 2\nb: 3\n").unwrap_err();
        // The `:` after `b`, at byte 11 (character 10).
        assert_eq!(error.span, 11..11, "{error:?}");
    }

    #[test]
    fn an_alias_bomb_stays_small() {
        let mut source = String::from("a0: &a0 [x, x]\n");
        for level in 1..40 {
            let p = level - 1;
            source.push_str(&format!("a{level}: &a{level} [*a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let tree = Tree::parse(&source).unwrap();
        assert!(tree.nodes.len() < 400);
    }

    #[test]
    fn empty_documents_have_no_root() {
        assert!(Tree::parse("# nothing\n").unwrap().root.is_none());
        let bare_marker = Tree::parse("---\n").unwrap();
        assert!(bare_marker.is_null(bare_marker.root.unwrap()));
    }
}
