//! Writing a generated stream as text, and noting the bytes the tool replaces by design.

use std::ops::Range;

use super::node::{MERGE_KEY, Node};
use super::objects::pull_secret_namespace;
use super::style::{
    Comments, Framing, KeyOrder, LineEndings, Marker, Quote, StreamFraming, Style, Syntax,
};

/// What a document holds.
pub enum Body {
    Object(Node),
    CommentOnly,
    Empty,
}

/// A document: its content, how it is spelt and how it is framed.
pub struct Document {
    pub body: Body,
    pub style: Style,
    pub framing: Framing,
}

/// The text of `documents`, and the byte ranges of it that the tool replaces.
pub fn stream(framing: StreamFraming, documents: &[Document]) -> (String, Vec<Range<usize>>) {
    let mut text = String::new();
    let mut replaced = Vec::new();
    if framing.byte_order_mark {
        text.push('\u{feff}');
    }
    for (index, document) in documents.iter().enumerate() {
        // YAML allows directives only at the start or after a `...`.
        let next_has_directive =
            documents.get(index + 1).is_some_and(|next| next.framing.directive);
        let end_marker = document.framing.end_marker || next_has_directive;
        let crlf = match framing.line_endings {
            LineEndings::Lf => false,
            LineEndings::Crlf => true,
            LineEndings::PerDocument => document.framing.crlf,
        };
        let (document_text, document_replaced) =
            document.render(index == 0, end_marker).finish(crlf);
        let start = text.len();
        replaced.extend(document_replaced.into_iter().map(|r| start + r.start..start + r.end));
        text.push_str(&document_text);
    }
    if !framing.final_newline {
        let trimmed = text.trim_end_matches('\n').trim_end_matches('\r').len();
        text.truncate(trimmed);
        for range in &mut replaced {
            range.end = range.end.min(trimmed);
        }
    }
    (text, replaced)
}

impl Document {
    fn object(&self) -> Option<&Node> {
        match &self.body {
            Body::Object(object) => Some(object),
            Body::CommentOnly | Body::Empty => None,
        }
    }

    fn render(&self, first: bool, end_marker: bool) -> Writer {
        let framing = self.framing;
        let mut writer = Writer { style: self.style, out: String::new(), replaced: Vec::new() };
        if framing.leading_comment {
            writer.out.push_str("# Source: chart/templates/app.yaml\n");
        }
        if framing.directive {
            writer.out.push_str("%YAML 1.2\n");
        }
        let flow_body =
            self.object().is_some() && !matches!(self.style.syntax, Syntax::Block { .. });
        let marker = match framing.marker {
            Marker::Omitted if first && !framing.directive && self.object().is_some() => "",
            Marker::LineWithComment => "--- # next document\n",
            Marker::SharedWithFlowBody if flow_body => "--- ",
            _ => "---\n",
        };
        let marker_start = writer.out.len();
        writer.out.push_str(marker);
        let body_start = writer.out.len();
        match &self.body {
            Body::Object(object) => writer.root(object),
            Body::CommentOnly => writer.out.push_str("# nothing here yet\n"),
            Body::Empty => {}
        }
        if self.object().and_then(pull_secret_namespace).is_some() {
            // The tool writes a fresh Secret over the old one, and its own `---` where the old
            // one began on the marker line.
            let start = if marker == "--- " { marker_start } else { body_start };
            writer.replaced.push(start..end_of_last_content_line(&writer.out));
        }
        if end_marker {
            writer.out.push_str(if framing.end_marker_comment { "... # end\n" } else { "...\n" });
        }
        writer
    }
}

struct Writer {
    style: Style,
    out: String,
    /// Byte ranges of `out` that the tool replaces.
    replaced: Vec<Range<usize>>,
}

impl Writer {
    /// The text written, with CRLF line endings when `crlf`, and the replaced ranges.
    fn finish(self, crlf: bool) -> (String, Vec<Range<usize>>) {
        if !crlf {
            return (self.out, self.replaced);
        }
        let moved = |offset: usize| offset + self.out[..offset].matches('\n').count();
        let replaced = self.replaced.iter().map(|r| moved(r.start)..moved(r.end)).collect();
        (self.out.replace('\n', "\r\n"), replaced)
    }

    fn json(&self) -> bool {
        self.style.syntax.is_json()
    }

    fn root(&mut self, object: &Node) {
        match (self.style.syntax, object) {
            (Syntax::Block { .. }, Node::Map(entries)) => self.block_mapping(entries, 0, 0, false),
            (Syntax::Block { .. }, Node::Seq(items)) => self.block_sequence(items, 0, 0),
            (syntax, _) => {
                let several_lines = matches!(
                    syntax,
                    Syntax::Flow { one_line: false } | Syntax::Json { one_line: false, .. }
                );
                self.flow(object, 0, several_lines);
                self.out.push('\n');
            }
        }
    }

    /// The `:` after a key; `tight` JSON has no space around it.
    fn colon(&mut self, tight: bool) {
        if self.style.spacing.space_before_colons && !tight {
            self.out.push(' ');
        }
        self.out.push(':');
    }

    fn pad(&mut self, column: usize) {
        self.out.extend(std::iter::repeat_n(' ', column));
    }

    fn comment_line(&mut self, column: usize, text: &str) {
        self.pad(column);
        self.out.push_str("# ");
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn end_line(&mut self) {
        if self.style.comments.after_values {
            self.out.push_str(" # note: keep");
        }
        if self.style.spacing.trailing_spaces {
            self.out.push_str("  ");
        }
        self.out.push('\n');
    }

    /// Whether a collection at `depth` is written in flow style inside a block document.
    fn in_flow(&self, node: &Node, depth: usize) -> bool {
        let Syntax::Block { flow_from_depth } = self.style.syntax else {
            return true;
        };
        matches!(node, Node::Flow(_)) || flow_from_depth.is_some_and(|from| depth >= from)
    }

    /// The entries of a mapping in the order of the style. In JSON, which has no merge keys,
    /// a merged mapping's entries are spelt out in its place.
    fn ordered<'n>(&self, entries: &'n [(String, Node)]) -> Vec<&'n (String, Node)> {
        let mut ordered: Vec<&(String, Node)> = Vec::new();
        for entry in entries {
            match (&entry.1, self.json()) {
                (Node::Alias(_, merged), true) if entry.0 == MERGE_KEY => {
                    if let Node::Map(inherited) = merged.unwrapped() {
                        ordered.extend(inherited);
                    }
                }
                _ => ordered.push(entry),
            }
        }
        match self.style.key_order {
            KeyOrder::AsBuilt => {}
            KeyOrder::Sorted => ordered.sort_by(|a, b| a.0.cmp(&b.0)),
            KeyOrder::Scrambled(seed) => {
                // Entries that define anchors go first, in their order: an alias must follow
                // its anchor.
                let (mut anchoring, mut rest): (Vec<_>, Vec<_>) =
                    ordered.into_iter().partition(|(_, value)| value.defines_anchor());
                rest.sort_by_key(|(key, _)| {
                    key.bytes().fold(seed, |hash, byte| {
                        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
                    })
                });
                anchoring.extend(rest);
                ordered = anchoring;
            }
        }
        ordered
    }

    /// The entries of a block mapping at `depth`, keys at `column`. With `on_dash_line` the
    /// first key follows a `- ` already written.
    fn block_mapping(
        &mut self,
        entries: &[(String, Node)],
        column: usize,
        depth: usize,
        on_dash_line: bool,
    ) {
        for (index, (key, value)) in self.ordered(entries).into_iter().enumerate() {
            if !(index == 0 && on_dash_line) {
                if index > 0 && self.style.spacing.blank_lines {
                    self.out.push('\n');
                }
                if self.style.comments.column_0_above_keys {
                    self.comment_line(0, "at column 0");
                }
                if self.style.comments.above_keys {
                    self.comment_line(column, &format!("about {key}"));
                }
                self.pad(column);
            }
            let key = self.scalar(key, self.style.quote_keys, false);
            self.out.push_str(&key);
            self.colon(false);
            self.after_indicator(value, column, depth + 1);
        }
    }

    fn block_sequence(&mut self, items: &[Node], dash: usize, depth: usize) {
        for (index, item) in items.iter().enumerate() {
            if index > 0 && self.style.comments.between_items {
                self.comment_line(dash, "next item");
            }
            self.pad(dash);
            self.out.push('-');
            let content = dash + if self.style.spacing.wide_dashes { self.style.indent } else { 2 };
            match item {
                Node::Map(entries) if !entries.is_empty() && !self.in_flow(item, depth + 1) => {
                    if self.style.comments.after_values {
                        self.out.push_str(" # item\n");
                        self.block_mapping(entries, content, depth + 1, false);
                    } else {
                        self.pad(content - dash - 1);
                        self.block_mapping(entries, content, depth + 1, true);
                    }
                }
                _ => {
                    self.pad(content - dash - 2);
                    self.after_indicator(item, dash, depth + 1);
                }
            }
        }
    }

    /// Writes what follows `key:` or `-` (standing at `column`) for `value`, at `depth`,
    /// through the end of its last line.
    fn after_indicator(&mut self, value: &Node, column: usize, depth: usize) {
        let in_flow = self.in_flow(value, depth);
        match value {
            Node::Anchored(name, inner) => {
                self.out.push_str(&format!(" &{name}"));
                self.after_indicator(inner, column, depth);
            }
            Node::Map(entries) if !entries.is_empty() && !in_flow => {
                self.end_line();
                self.block_mapping(entries, column + self.style.indent, depth, false);
                if self.style.comments.dedented_after_mappings {
                    self.comment_line(0, "end of a mapping");
                }
            }
            Node::Seq(items) if !items.is_empty() && !in_flow => {
                self.end_line();
                let dash = match self.style.indentless_sequences {
                    true => column,
                    false => column + self.style.indent,
                };
                self.block_sequence(items, dash, depth);
            }
            Node::Text(text) if !in_flow => {
                self.out.push(' ');
                self.out.push_str(text.header);
                self.end_line();
                for line in &text.lines {
                    if !line.is_empty() {
                        self.pad(column + self.style.indent);
                        self.out.push_str(line);
                    }
                    self.out.push('\n');
                }
                for _ in 0..text.trailing_blank_lines {
                    self.out.push('\n');
                }
            }
            Node::Empty => self.end_line(),
            // Filled in after the `:`, not replaced: nothing of the input goes.
            Node::Replaced(inner) if matches!(**inner, Node::Empty) => self.end_line(),
            Node::Wrapped { quoted, words } if !in_flow => {
                let quote = if *quoted { "\"" } else { "" };
                self.out.push_str(&format!(" {quote}{}", words[0]));
                for word in &words[1..] {
                    self.out.push('\n');
                    self.pad(column + self.style.indent);
                    self.out.push_str(word);
                }
                self.out.push_str(quote);
                self.end_line();
            }
            Node::Str(text) => {
                let text = self.scalar(text, self.style.quote_values, false);
                self.out.push(' ');
                self.out.push_str(&text);
                self.end_line();
            }
            _ => {
                self.out.push(' ');
                self.flow(value, column, false);
                self.end_line();
            }
        }
    }

    /// Writes `node` in flow style (JSON in JSON documents). On several lines, entries stand
    /// one indentation step right of `column` and the closing bracket at `column`.
    fn flow(&mut self, node: &Node, column: usize, several_lines: bool) {
        let json = self.json();
        match node {
            Node::Str(text) => {
                let text = self.scalar(text, self.style.quote_values, true);
                self.out.push_str(&text);
            }
            Node::Int(number) => self.out.push_str(&number.to_string()),
            Node::Bool(value) => self.out.push_str(&value.to_string()),
            Node::Null(spelling) => self.out.push_str(if json { "null" } else { spelling }),
            Node::Empty if json => self.out.push_str("null"),
            Node::Empty => {}
            Node::Text(text) => self.out.push_str(&double_quoted(&text.lines.join("\n"))),
            Node::Wrapped { words, .. } => self.out.push_str(&double_quoted(&words.join(" "))),
            Node::Flow(inner) => self.flow(inner, column, several_lines),
            Node::Replaced(inner) => {
                let start = self.out.len();
                self.flow(inner, column, several_lines);
                if self.out.len() > start {
                    self.replaced.push(start..self.out.len());
                }
            }
            Node::Anchored(name, inner) => {
                if !json {
                    self.out.push_str(&format!("&{name} "));
                }
                self.flow(inner, column, several_lines);
            }
            Node::Alias(_, copy) if json => self.flow(copy, column, several_lines),
            Node::Alias(name, _) => self.out.push_str(&format!("*{name}")),
            Node::Map(entries) => {
                let entries: Vec<(Option<&str>, &Node)> = self
                    .ordered(entries)
                    .into_iter()
                    .map(|(key, value)| (Some(key.as_str()), value))
                    .collect();
                self.flow_collection(['{', '}'], &entries, column, several_lines);
            }
            Node::Seq(items) => {
                let items: Vec<(Option<&str>, &Node)> =
                    items.iter().map(|item| (None, item)).collect();
                self.flow_collection(['[', ']'], &items, column, several_lines);
            }
        }
    }

    /// A flow mapping (entries with keys) or sequence (entries without).
    fn flow_collection(
        &mut self,
        [open, close]: [char; 2],
        entries: &[(Option<&str>, &Node)],
        column: usize,
        several_lines: bool,
    ) {
        let tight = matches!(self.style.syntax, Syntax::Json { tight: true, .. }) && !several_lines;
        let comments = if self.json() { Comments::NONE } else { self.style.comments };
        let inner = column + self.style.indent;
        self.out.push(open);
        for (index, (key, value)) in entries.iter().enumerate() {
            if several_lines {
                self.out.push('\n');
                let about = match key {
                    Some(key) => comments.above_keys.then(|| format!("about {key}")),
                    None => (index > 0 && comments.between_items).then(|| "next item".into()),
                };
                if let Some(about) = about {
                    self.comment_line(inner, &about);
                }
                self.pad(inner);
            } else if index > 0 && !tight {
                self.out.push(' ');
            }
            if let Some(key) = key {
                let key = self.scalar(key, self.style.quote_keys, true);
                self.out.push_str(&key);
                self.colon(tight);
                if !tight {
                    self.out.push(' ');
                }
            }
            self.flow(value, inner, several_lines);
            if index + 1 < entries.len() || (self.style.spacing.trailing_commas && !self.json()) {
                self.out.push(',');
            }
            if several_lines && comments.after_values {
                self.out.push_str(" # note: keep");
            }
        }
        if several_lines && !entries.is_empty() {
            self.out.push('\n');
            self.pad(column);
        }
        self.out.push(close);
    }

    /// `text` as a key or string value: plain when that is safe and `quote` asks for nothing.
    fn scalar(&self, text: &str, quote: Option<Quote>, in_flow: bool) -> String {
        if self.json() {
            return double_quoted(text);
        }
        if text == MERGE_KEY {
            // Quoted, it would be an ordinary key.
            return text.to_string();
        }
        let needed = (!plain_is_safe(text, in_flow)).then_some(Quote::Single);
        match quote.or(needed) {
            None => text.to_string(),
            Some(Quote::Single) => format!("'{}'", text.replace('\'', "''")),
            Some(Quote::Double) => double_quoted(text),
        }
    }
}

/// Whether `text` written plain reads back as the same string. Conservative: anything YAML
/// 1.1 or 1.2 could take for a number, boolean, null, indicator or comment is quoted.
fn plain_is_safe(text: &str, in_flow: bool) -> bool {
    const OTHER_TYPES: &[&str] =
        &["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"];
    text.chars().next().is_some_and(|first| first.is_alphabetic() || first == '/')
        && !OTHER_TYPES.contains(&text.to_lowercase().as_str())
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with([' ', ':'])
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || " -_./".contains(c) || (c == ':' && !in_flow))
}

/// The end of the last line of `text` that is neither blank nor a comment.
fn end_of_last_content_line(text: &str) -> usize {
    let mut end = text.len();
    for line in text.split_inclusive('\n').rev() {
        let content = line.trim();
        if !content.is_empty() && !content.starts_with('#') {
            break;
        }
        end -= line.len();
    }
    end
}

/// A double-quoted scalar, which is also a JSON string for the characters used here.
fn double_quoted(text: &str) -> String {
    let mut quoted = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}
