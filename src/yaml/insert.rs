//! Text for additions to a parsed document, written in the style of the text around them.
//!
//! Every function here returns an [`Edit`] that adds a key to a mapping, an item to a sequence,
//! or a value where there was none, and leaves every other byte alone. The added text follows
//! its surroundings: the mapping's indentation, the document's way of indenting sequences
//! (`- x` under its key or indented), the line ending of the line it joins, flow or block
//! style, and JSON syntax inside JSON documents. Nothing here knows about Kubernetes.

use granit_parser::ScalarStyle;

use super::Error;
use super::scalar::render_string;
use super::tree::{NodeId, Tree, Value};
use crate::edit::Edit;

/// A value to add, built by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewNode<'v> {
    Str(&'v str),
    Map(Vec<(&'v str, NewNode<'v>)>),
    Seq(Vec<NewNode<'v>>),
}

/// Edits one document. Offsets are those of the tree: bytes of the document's text.
pub struct Editor<'s, 't> {
    text: &'s str,
    tree: &'t Tree<'s>,
    /// How the document's root writes flow collections.
    document: Syntax,
}

/// How a flow collection is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Syntax {
    /// JSON: double-quoted keys and strings.
    json: bool,
    /// No spaces after `:` and `,` (as `jq -c` and Go print JSON).
    tight: bool,
}

/// Columns from a block sequence's parent key to its `-`, and from the `-` to the item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SequenceIndent {
    dash: usize,
    content: usize,
}

/// kubectl, kustomize and Helm's `toYaml` write `- ` under the key, not indented.
const DEFAULT_SEQUENCE_INDENT: SequenceIndent = SequenceIndent { dash: 0, content: 2 };

impl<'s, 't> Editor<'s, 't> {
    pub fn new(text: &'s str, tree: &'t Tree<'s>) -> Editor<'s, 't> {
        let plain = Syntax { json: false, tight: false };
        let mut editor = Editor { text, tree, document: plain };
        editor.document = tree.root.and_then(|root| editor.syntax_of(root)).unwrap_or(plain);
        editor
    }

    /// The syntax a flow mapping (or a flow sequence of mappings) shows in its first entry:
    /// JSON when the key is double-quoted, tight when nothing separates `:` from the value.
    fn syntax_of(&self, collection: NodeId) -> Option<Syntax> {
        let mapping = match &self.tree.node(collection).value {
            Value::Mapping { flow: true, .. } => collection,
            Value::Sequence { items, flow: true } => *items.first()?,
            _ => return None,
        };
        let Value::Mapping { entries, flow: true } = &self.tree.node(mapping).value else {
            return None;
        };
        let &(key, value) = entries.first()?;
        let json = matches!(
            self.tree.node(key).value,
            Value::Scalar { style: ScalarStyle::DoubleQuoted, .. }
        );
        let tight = json
            && self.slice(self.tree.node(key).span.end, self.tree.node(value).span.start) == ":";
        Some(Syntax { json, tight })
    }

    /// Adds `key: value` to the mapping `map`: in key order when the mapping's keys are sorted
    /// (as kubectl and kustomize print them), otherwise after its last entry.
    pub fn add_entry(&self, map: NodeId, key: &str, value: &NewNode) -> Result<Vec<Edit>, Error> {
        let map = self.tree.resolve(map)?;
        let Value::Mapping { entries, flow } = &self.tree.node(map).value else {
            return Err(self.tree.error(map, "expected a mapping"));
        };
        let keys: Option<Vec<&str>> = entries.iter().map(|&(k, _)| self.plain_key(k)).collect();
        let sorted =
            keys.as_ref().is_some_and(|keys| keys.windows(2).all(|pair| pair[0] <= pair[1]));
        let before = if sorted {
            keys.as_ref().and_then(|keys| keys.iter().position(|existing| *existing > key))
        } else {
            None
        };
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
            let open = self.tree.node(seq).span.start;
            let spans: Vec<(usize, usize)> = items
                .iter()
                .map(|&item| (self.tree.node(item).span.start, self.tree.node(item).span.end))
                .collect();
            let syntax = self.syntax_of(seq).unwrap_or(self.document);
            return Ok(self
                .append_flow(open, &spans, syntax, |pretty| self.flow_text(item, pretty, syntax)));
        }
        let last = *items.last().expect("a block sequence has an item");
        let at = self.after_value(last);
        let indent = self.item_indent(last).unwrap_or(SequenceIndent {
            dash: self.column(self.tree.node(last).span.start).saturating_sub(2),
            content: 2,
        });
        let eol = self.eol_near(at);
        let mut text = String::new();
        let nested = self.sequence_indent(seq);
        self.block_item(item, indent, nested, eol, &mut text);
        Ok(vec![self.insert_lines(at, text, eol)])
    }

    /// Gives a value to `key`, whose value `value` is null: written after the key when the null
    /// is implicit (`key:`), in place of the `null` or `~` when it is spelt out.
    pub fn set_null(&self, key: NodeId, value: NodeId, new: &NewNode, parent: NodeId) -> Edit {
        let syntax = self.syntax_of(parent).unwrap_or(self.document);
        let span = self.tree.node(value).span.clone();
        if !span.is_empty() {
            return Edit::replace(span, self.flow_text(new, None, syntax));
        }
        let colon = self.after_colon(self.tree.node(key).span.end);
        let parent_is_flow =
            matches!(self.tree.node(parent).value, Value::Mapping { flow: true, .. });
        if parent_is_flow {
            return Edit::insert(colon, format!(" {}", self.flow_text(new, None, syntax)));
        }
        let at = self.end_of_line(colon);
        let eol = self.eol_near(colon);
        let indent = self.sequence_indent(parent);
        let key_column = self.column(self.tree.node(key).span.start);
        let mut text = String::new();
        match new {
            NewNode::Seq(items) => {
                let at = SequenceIndent { dash: key_column + indent.dash, content: indent.content };
                for item in items {
                    self.block_item(item, at, indent, eol, &mut text);
                }
            }
            NewNode::Map(entries) => {
                self.block_map(entries, key_column + 2, None, indent, eol, &mut text)
            }
            NewNode::Str(_) => {
                return Edit::insert(colon, format!(" {}", self.flow_text(new, None, syntax)));
            }
        }
        self.insert_lines(at, text, eol)
    }

    fn add_block_entry(
        &self,
        map: NodeId,
        entries: &[(NodeId, NodeId)],
        before: Option<usize>,
        key: &str,
        value: &NewNode,
    ) -> Edit {
        let column = self.mapping_column(entries[0].0);
        let mut text = String::new();
        let eol;
        // After a block scalar that ends the text without a line break, an added line would
        // give the scalar a final line break it does not have: go before the last entry.
        let last = entries.len() - 1;
        let before = before
            .or_else(|| self.ends_in_unterminated_block_scalar(entries[last].1).then_some(last));
        let at = match before.and_then(|index| self.line_before_entry(entries, index)) {
            Some(at) => {
                eol = self.eol_near(at);
                at
            }
            None => {
                let at = self.after_value(entries.last().expect("a block mapping has an entry").1);
                eol = self.eol_near(at.saturating_sub(1));
                at
            }
        };
        let indent = self.sequence_indent(map);
        self.block_map(&[(key, value.clone())], column, None, indent, eol, &mut text);
        self.insert_lines(at, text, eol)
    }

    /// Whether the last scalar under `node` is a block scalar ending the text with no line break.
    fn ends_in_unterminated_block_scalar(&self, mut node: NodeId) -> bool {
        if self.text.ends_with('\n') {
            return false;
        }
        loop {
            match &self.tree.node(node).value {
                Value::Mapping { entries, flow: false } if !entries.is_empty() => {
                    node = entries[entries.len() - 1].1
                }
                Value::Sequence { items, flow: false } if !items.is_empty() => {
                    node = items[items.len() - 1]
                }
                Value::Scalar { style: ScalarStyle::Literal | ScalarStyle::Folded, .. } => {
                    return self.tree.node(node).span.end == self.text.len();
                }
                _ => return false,
            }
        }
    }

    /// The column of a block mapping whose first key is `first_key`: that key's column, or that
    /// of the `?` before it when the key is explicit (`? key`).
    fn mapping_column(&self, first_key: NodeId) -> usize {
        let start = self.tree.node(first_key).span.start;
        let line = self.line_start(start);
        let before = self.slice(line, start).trim_end_matches([' ', '\t']);
        match before.strip_suffix('?') {
            Some(rest) if rest.is_empty() || rest.ends_with([' ', '\t']) => rest.len(),
            _ => start - line,
        }
    }

    /// Where a new line can go in front of entry `index`: the start of its key's line, moved up
    /// over comment lines written at the key's indentation right above it (they describe the
    /// key). `None` when the key shares its line with something else (`- key: ...`).
    fn line_before_entry(&self, entries: &[(NodeId, NodeId)], index: usize) -> Option<usize> {
        let key_start = self.tree.node(entries[index].0).span.start;
        let mut at = self.line_start(key_start);
        if !self.slice(at, key_start).bytes().all(|b| b == b' ') {
            return None;
        }
        let column = key_start - at;
        let floor = match index {
            0 => at,
            _ => self.after_value(entries[index - 1].1),
        };
        while at > floor {
            let previous = self.line_start(at - 1);
            let line = self.slice(previous, at);
            let trimmed = line.trim_start_matches(' ');
            if previous < floor || !trimmed.starts_with('#') || line.len() - trimmed.len() != column
            {
                break;
            }
            at = previous;
        }
        Some(at)
    }

    fn add_flow_entry(
        &self,
        map: NodeId,
        entries: &[(NodeId, NodeId)],
        before: Option<usize>,
        key: &str,
        value: &NewNode,
    ) -> Vec<Edit> {
        let syntax = self.syntax_of(map).unwrap_or(self.document);
        let key_text = if syntax.json { json_string(key) } else { render_string(key).into_owned() };
        // A plain key needs a space after its `:` in a flow mapping; a quoted one need not.
        let separator = if syntax.tight { ":" } else { ": " };
        let open = self.tree.node(map).span.start;
        match before {
            Some(index) => {
                let entry_start = self.tree.node(entries[index].0).span.start;
                let gap_start = match index {
                    0 => open + 1,
                    _ => self.comma_after(self.tree.node(entries[index - 1].1).span.end) + 1,
                };
                let gap = &entry_separator(self.slice(gap_start, entry_start));
                let pretty = self.pretty_indent(gap, open);
                let entry =
                    format!("{key_text}{separator}{}", self.flow_text(value, pretty, syntax));
                vec![Edit::insert(entry_start, format!("{entry},{gap}"))]
            }
            None => {
                let entry_text = |pretty| {
                    format!("{key_text}{separator}{}", self.flow_text(value, pretty, syntax))
                };
                let items: Vec<(usize, usize)> = entries
                    .iter()
                    .map(|&(k, v)| (self.tree.node(k).span.start, self.tree.node(v).span.end))
                    .collect();
                self.append_flow(open, &items, syntax, entry_text)
            }
        }
    }

    /// Appends an entry after the last of `entries` (start, end) of the flow collection opening
    /// at `open`, separated from it the way the last entry is separated from the one before.
    fn append_flow(
        &self,
        open: usize,
        entries: &[(usize, usize)],
        syntax: Syntax,
        entry_text: impl Fn(Option<(usize, usize)>) -> String,
    ) -> Vec<Edit> {
        let Some(&(last_start, last_end)) = entries.last() else {
            return vec![Edit::insert(open + 1, entry_text(None))];
        };
        let gap_start = match entries.len() {
            1 => open + 1,
            n => self.comma_after(entries[n - 2].1) + 1,
        };
        let gap = match entry_separator(self.slice(gap_start, last_start)) {
            // `{a: 1}` says nothing of how entries are separated: use the usual `, `.
            gap if gap.is_empty() && entries.len() == 1 && !syntax.tight => " ".to_string(),
            gap => gap,
        };
        let gap = gap.as_str();
        let pretty = self.pretty_indent(gap, open);
        let after_last = self.skip_gap(last_end);
        let trailing_comma = self.byte(after_last) == Some(b',');
        let entry_end = if trailing_comma { after_last + 1 } else { last_end };
        // A comment after the last entry stays with it: one entry a line, the new entry goes on
        // a line of its own after the comment.
        if gap.contains('\n')
            && let Some(comment_end) = self.comment_on_line(entry_end)
        {
            let comma = if trailing_comma { "," } else { "" };
            let mut edits =
                vec![Edit::insert(comment_end, format!("{gap}{}{comma}", entry_text(pretty)))];
            if !trailing_comma {
                edits.insert(0, Edit::insert(last_end, ","));
            }
            return edits;
        }
        if trailing_comma {
            // A trailing comma (allowed in YAML flow collections) stays last.
            return vec![Edit::insert(after_last + 1, format!("{gap}{},", entry_text(pretty)))];
        }
        vec![Edit::insert(last_end, format!(",{gap}{}", entry_text(pretty)))]
    }

    /// Where the comment that follows `at` on its line ends (before the line break), if one does.
    fn comment_on_line(&self, at: usize) -> Option<usize> {
        let line_end = self.end_of_line(at);
        let rest = self.slice(at, line_end);
        let content = rest.trim_start_matches([' ', '\t']);
        if !content.starts_with('#') {
            return None;
        }
        let without_break = rest.trim_end_matches(['\n', '\r']);
        Some(at + without_break.len())
    }

    /// For a multi-line flow collection, the indentation of its entries and the step from the
    /// opening bracket's line to them, so that added nested values can be laid out alike.
    fn pretty_indent(&self, gap: &str, open: usize) -> Option<(usize, usize)> {
        let (_, last_line) = gap.rsplit_once('\n')?;
        let indent = last_line.len();
        let open_line = self.line_start(open);
        let outer =
            self.slice(open_line, open).len() - self.slice(open_line, open).trim_start().len();
        Some((indent, indent.saturating_sub(outer).max(1)))
    }

    fn flow_text(&self, node: &NewNode, pretty: Option<(usize, usize)>, syntax: Syntax) -> String {
        let mut out = String::new();
        match (syntax.json, pretty) {
            (true, Some((indent, step))) => json_pretty(node, indent, step, self.eol(), &mut out),
            (true, None) => {
                json_compact(node, if syntax.tight { ("", ",") } else { (" ", ", ") }, &mut out)
            }
            (false, _) => yaml_flow(node, &mut out),
        }
        out
    }

    fn block_map(
        &self,
        entries: &[(&str, NewNode)],
        column: usize,
        first_line: Option<&str>,
        indent: SequenceIndent,
        eol: &str,
        out: &mut String,
    ) {
        let pad = " ".repeat(column);
        for (index, (key, value)) in entries.iter().enumerate() {
            match (index, first_line) {
                (0, Some(prefix)) => out.push_str(prefix),
                _ => out.push_str(&pad),
            }
            out.push_str(&render_string(key));
            out.push(':');
            match value {
                NewNode::Str(text) => {
                    out.push(' ');
                    out.push_str(&render_string(text));
                    out.push_str(eol);
                }
                NewNode::Seq(items) if items.is_empty() => out.push_str(&format!(" []{eol}")),
                NewNode::Seq(items) => {
                    out.push_str(eol);
                    let at = SequenceIndent { dash: column + indent.dash, content: indent.content };
                    for item in items {
                        self.block_item(item, at, indent, eol, out);
                    }
                }
                NewNode::Map(entries) => {
                    out.push_str(eol);
                    self.block_map(entries, column + 2, None, indent, eol, out);
                }
            }
        }
    }

    /// Writes `item` as a block sequence item whose `-` stands at column `at.dash`, its content
    /// `at.content` columns further; sequences nested in it are indented as `nested` says.
    fn block_item(
        &self,
        item: &NewNode,
        at: SequenceIndent,
        nested: SequenceIndent,
        eol: &str,
        out: &mut String,
    ) {
        let prefix =
            format!("{}-{}", " ".repeat(at.dash), " ".repeat(at.content.saturating_sub(1).max(1)));
        match item {
            NewNode::Map(entries) if !entries.is_empty() => {
                self.block_map(entries, prefix.len(), Some(&prefix), nested, eol, out)
            }
            _ => {
                out.push_str(&prefix);
                out.push_str(&self.flow_text(item, None, self.document));
                out.push_str(eol);
            }
        }
    }

    /// An insertion of whole lines at `at`, which is a line start or the end of a text that
    /// lacks a final line break (then the break goes first and the text keeps lacking one).
    fn insert_lines(&self, at: usize, text: String, eol: &str) -> Edit {
        let at_end_without_break = at == self.text.len() && !self.text.ends_with('\n');
        if at_end_without_break {
            let body = text.strip_suffix(eol).unwrap_or(&text);
            return Edit::insert(at, format!("{eol}{body}"));
        }
        Edit::insert(at, text)
    }

    /// The start of the line after the one where `node` ends (block scalars already end there).
    fn after_value(&self, node: NodeId) -> usize {
        let end = self.tree.node(node).span.end;
        if end > 0 && self.byte(end - 1) == Some(b'\n') {
            return end;
        }
        self.end_of_line(end)
    }

    /// The sequence indentation used under `node`'s keys, else the first found in the
    /// document, else kubectl's.
    fn sequence_indent(&self, node: NodeId) -> SequenceIndent {
        let sample = |entries: &[(NodeId, NodeId)]| {
            entries.iter().find_map(|&(key, value)| {
                let Value::Sequence { items, flow: false } = &self.tree.node(value).value else {
                    return None;
                };
                let item = self.item_indent(*items.first()?)?;
                let key_column = self.column(self.tree.node(key).span.start);
                Some(SequenceIndent {
                    dash: item.dash.checked_sub(key_column)?,
                    content: item.content,
                })
            })
        };
        if let Some(found) = self.tree.entries(node).and_then(sample) {
            return found;
        }
        let everywhere = self.tree.root.map(|root| self.tree.descendants(root)).unwrap_or_default();
        everywhere
            .into_iter()
            .filter_map(|id| self.tree.entries(id))
            .find_map(sample)
            .unwrap_or(DEFAULT_SEQUENCE_INDENT)
    }

    /// The column of the `-` that introduces the block sequence item `item`, and the distance
    /// from it to the item's content.
    fn item_indent(&self, item: NodeId) -> Option<SequenceIndent> {
        let start = self.tree.node(item).span.start;
        let line = self.line_start(start);
        let prefix = self.slice(line, start);
        let dash_line = if prefix.trim().is_empty() {
            // The item begins on a later line than its `-`: find the nearest line above that is
            // not blank or a comment.
            let mut at = line;
            loop {
                if at == 0 {
                    return None;
                }
                let previous = self.line_start(at - 1);
                let text = self.slice(previous, at).trim();
                if !text.is_empty() && !text.starts_with('#') {
                    break previous;
                }
                at = previous;
            }
        } else {
            line
        };
        let text = self.slice(dash_line, self.end_of_line(dash_line));
        let dash = text.len() - text.trim_start_matches(' ').len();
        let after_dash = text[dash..].strip_prefix('-')?;
        if !after_dash.is_empty() && !after_dash.starts_with([' ', '\t', '\r', '\n']) {
            return None;
        }
        let content = 1 + after_dash.len() - after_dash.trim_start_matches(' ').len();
        let content = if after_dash.trim().is_empty() || after_dash.trim_start().starts_with('#') {
            2
        } else {
            content
        };
        Some(SequenceIndent { dash, content })
    }

    fn plain_key(&self, key: NodeId) -> Option<&str> {
        match &self.tree.node(key).value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    fn comma_after(&self, at: usize) -> usize {
        let at = self.skip_gap(at);
        if self.byte(at) == Some(b',') { at } else { at.saturating_sub(1) }
    }

    /// Skips white space, line breaks and comments.
    fn skip_gap(&self, mut at: usize) -> usize {
        while let Some(byte) = self.byte(at) {
            match byte {
                b' ' | b'\t' | b'\r' | b'\n' => at += 1,
                b'#' => at = self.end_of_line(at),
                _ => break,
            }
        }
        at
    }

    fn after_colon(&self, mut at: usize) -> usize {
        while let Some(byte) = self.byte(at) {
            at += 1;
            if byte == b':' {
                break;
            }
        }
        at
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    fn slice(&self, from: usize, to: usize) -> &'s str {
        &self.text[from..to]
    }

    fn line_start(&self, at: usize) -> usize {
        self.text.as_bytes()[..at].iter().rposition(|&b| b == b'\n').map_or(0, |nl| nl + 1)
    }

    /// The start of the next line after `at`, or the end of the text.
    fn end_of_line(&self, at: usize) -> usize {
        match memchr::memchr(b'\n', &self.text.as_bytes()[at..]) {
            Some(newline) => at + newline + 1,
            None => self.text.len(),
        }
    }

    fn column(&self, at: usize) -> usize {
        at - self.line_start(at)
    }

    /// The line ending of the line at `at`, else the document's first, else `\n`.
    fn eol_near(&self, at: usize) -> &'static str {
        let local = at.min(self.text.len());
        let bytes = self.text.as_bytes();
        let newline = memchr::memchr(b'\n', &bytes[local..])
            .map(|n| local + n)
            .or_else(|| memchr::memrchr(b'\n', &bytes[..local]));
        match newline {
            Some(n) if n > 0 && bytes[n - 1] == b'\r' => "\r\n",
            Some(_) => "\n",
            None => self.eol(),
        }
    }

    fn eol(&self) -> &'static str {
        match memchr::memchr(b'\n', self.text.as_bytes()) {
            Some(n) if n > 0 && self.text.as_bytes()[n - 1] == b'\r' => "\r\n",
            _ => "\n",
        }
    }
}

/// The white space between two entries of a flow collection, without the comments in it: the
/// line break and indentation of a multi-line collection, else the spaces.
fn entry_separator(gap: &str) -> String {
    match gap.rsplit_once('\n') {
        Some((before, indent)) => {
            let eol = if before.ends_with('\r') { "\r\n" } else { "\n" };
            format!("{eol}{indent}")
        }
        None => gap.to_string(),
    }
}

fn yaml_flow(node: &NewNode, out: &mut String) {
    match node {
        NewNode::Str(text) => out.push_str(&render_string(text)),
        NewNode::Seq(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                yaml_flow(item, out);
            }
            out.push(']');
        }
        NewNode::Map(entries) => {
            out.push('{');
            for (index, (key, value)) in entries.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                out.push_str(&render_string(key));
                out.push_str(": ");
                yaml_flow(value, out);
            }
            out.push('}');
        }
    }
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

/// JSON on one line; `space` goes after each `:`, `comma` between items.
fn json_compact(node: &NewNode, (space, comma): (&str, &str), out: &mut String) {
    match node {
        NewNode::Str(text) => out.push_str(&json_string(text)),
        NewNode::Seq(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(comma);
                }
                json_compact(item, (space, comma), out);
            }
            out.push(']');
        }
        NewNode::Map(entries) => {
            out.push('{');
            for (index, (key, value)) in entries.iter().enumerate() {
                if index > 0 {
                    out.push_str(comma);
                }
                out.push_str(&json_string(key));
                out.push(':');
                out.push_str(space);
                json_compact(value, (space, comma), out);
            }
            out.push('}');
        }
    }
}

/// JSON laid out one value a line, as `kubectl -o json` and `jq` print it, for a value whose
/// first line starts at column `indent` (the opening bracket is already placed there).
fn json_pretty(node: &NewNode, indent: usize, step: usize, eol: &str, out: &mut String) {
    let inner = " ".repeat(indent + step);
    let close = " ".repeat(indent);
    match node {
        NewNode::Str(text) => out.push_str(&json_string(text)),
        NewNode::Seq(items) if items.is_empty() => out.push_str("[]"),
        NewNode::Map(entries) if entries.is_empty() => out.push_str("{}"),
        NewNode::Seq(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                out.push_str(if index > 0 { "," } else { "" });
                out.push_str(eol);
                out.push_str(&inner);
                json_pretty(item, indent + step, step, eol, out);
            }
            out.push_str(eol);
            out.push_str(&close);
            out.push(']');
        }
        NewNode::Map(entries) => {
            out.push('{');
            for (index, (key, value)) in entries.iter().enumerate() {
                out.push_str(if index > 0 { "," } else { "" });
                out.push_str(eol);
                out.push_str(&inner);
                out.push_str(&json_string(key));
                out.push_str(": ");
                json_pretty(value, indent + step, step, eol, out);
            }
            out.push_str(eol);
            out.push_str(&close);
            out.push('}');
        }
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
