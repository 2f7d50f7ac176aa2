//! How documents and streams are spelt: every choice YAML leaves to the writer that the tool
//! must keep, and that its own additions must follow.

use super::choices::Choices;

#[derive(Clone, Copy, Debug)]
pub enum Syntax {
    /// Block style; collections from `flow_from_depth` down are written in flow style.
    Block {
        flow_from_depth: Option<usize>,
    },
    Flow {
        one_line: bool,
    },
    /// `tight`: no spaces after `:` and `,` (as `jq -c` writes), when on one line.
    Json {
        one_line: bool,
        tight: bool,
    },
}

impl Syntax {
    pub fn is_json(self) -> bool {
        matches!(self, Syntax::Json { .. })
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Quote {
    Single,
    Double,
}

#[derive(Clone, Copy, Debug)]
pub enum KeyOrder {
    AsBuilt,
    /// As kubectl prints them.
    Sorted,
    /// In an order that follows no rule, fixed by the seed (but an anchor stays before its
    /// aliases).
    Scrambled(u64),
}

/// Where comments go; each kind, when on, goes at every position of that kind (in block
/// style; flow collections on several lines take the first three).
#[derive(Clone, Copy, Debug)]
pub struct Comments {
    /// A line above each key.
    pub above_keys: bool,
    /// A line at column 0 above each key of a block mapping, which the skimming fast path must
    /// step over.
    pub column_0_above_keys: bool,
    /// After each value on its line, `- # ...` before block mapping items.
    pub after_values: bool,
    /// A line between sequence items.
    pub between_items: bool,
    /// A line at column 0 after each nested block mapping's last key.
    pub dedented_after_mappings: bool,
}

impl Comments {
    /// JSON has no comments.
    pub const NONE: Comments = Comments {
        above_keys: false,
        column_0_above_keys: false,
        after_values: false,
        between_items: false,
        dedented_after_mappings: false,
    };
}

/// White space that YAML ignores but a line-based editor may not.
#[derive(Clone, Copy, Debug)]
pub struct Spacing {
    /// An empty line between the entries of block mappings.
    pub blank_lines: bool,
    /// Spaces at the end of lines that end with a value.
    pub trailing_spaces: bool,
    /// `-` padded to the indentation step (`-   name: x` with 4 spaces).
    pub wide_dashes: bool,
    /// A `,` after the last entry of flow collections (not in JSON).
    pub trailing_commas: bool,
    /// `key : value`, as Jackson's pretty printer writes JSON.
    pub space_before_colons: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub syntax: Syntax,
    pub indent: usize,
    /// `- x` under its key rather than indented.
    pub indentless_sequences: bool,
    pub key_order: KeyOrder,
    pub quote_keys: Option<Quote>,
    /// Every string value quoted so, rather than only those that need it.
    pub quote_values: Option<Quote>,
    pub comments: Comments,
    pub spacing: Spacing,
}

#[derive(Clone, Copy, Debug)]
pub enum Marker {
    /// No `---` (kept only on the first document without directives: libyaml, the oracle,
    /// wants one after a `...` although YAML 1.2 does not).
    Omitted,
    Line,
    LineWithComment,
    /// `--- {...}`, for flow and JSON documents (a plain `---` line for others).
    SharedWithFlowBody,
}

/// How a document around its content is spelt.
#[derive(Clone, Copy, Debug)]
pub struct Framing {
    /// A comment line before everything (as Helm's `# Source:`).
    pub leading_comment: bool,
    /// `%YAML 1.2` (the document before it then ends with `...`).
    pub directive: bool,
    pub marker: Marker,
    /// A `...` line after the document (forced before a document with a directive).
    pub end_marker: bool,
    /// A comment on the `...` line.
    pub end_marker_comment: bool,
    /// Used when the stream's line endings are chosen per document.
    pub crlf: bool,
}

#[derive(Clone, Copy, Debug)]
pub enum LineEndings {
    Lf,
    Crlf,
    PerDocument,
}

/// How a stream around its documents is spelt.
#[derive(Clone, Copy, Debug)]
pub struct StreamFraming {
    pub byte_order_mark: bool,
    pub line_endings: LineEndings,
    pub final_newline: bool,
}

pub fn style(c: &mut Choices) -> Style {
    #[derive(Clone, Copy)]
    enum Family {
        Block,
        Flow,
        Json,
    }
    let syntax = match c.weighted(&[(6, Family::Block), (2, Family::Flow), (2, Family::Json)]) {
        Family::Block => Syntax::Block { flow_from_depth: c.chance(20).then(|| c.count(1..=5)) },
        Family::Flow => Syntax::Flow { one_line: c.chance(50) },
        Family::Json => Syntax::Json { one_line: c.chance(50), tight: c.chance(50) },
    };
    let key_order = match c.weighted(&[
        (2, KeyOrder::AsBuilt),
        (1, KeyOrder::Sorted),
        (1, KeyOrder::Scrambled(0)),
    ]) {
        KeyOrder::Scrambled(_) => KeyOrder::Scrambled(c.seed()),
        order => order,
    };
    Style {
        syntax,
        indent: c.pick(&[2, 4]),
        indentless_sequences: c.chance(50),
        key_order,
        quote_keys: quote(c),
        quote_values: quote(c),
        comments: Comments {
            above_keys: c.chance(30),
            column_0_above_keys: c.chance(15),
            after_values: c.chance(30),
            between_items: c.chance(30),
            dedented_after_mappings: c.chance(30),
        },
        spacing: Spacing {
            blank_lines: c.chance(20),
            trailing_spaces: c.chance(20),
            wide_dashes: c.chance(20),
            trailing_commas: c.chance(20),
            space_before_colons: c.chance(10),
        },
    }
}

/// Mostly none: plain where possible.
fn quote(c: &mut Choices) -> Option<Quote> {
    c.weighted(&[(6, None), (1, Some(Quote::Single)), (1, Some(Quote::Double))])
}

pub fn framing(c: &mut Choices) -> Framing {
    Framing {
        leading_comment: c.chance(20),
        directive: c.chance(15),
        marker: c.pick(&[
            Marker::Omitted,
            Marker::Line,
            Marker::LineWithComment,
            Marker::SharedWithFlowBody,
        ]),
        end_marker: c.chance(15),
        end_marker_comment: c.chance(50),
        crlf: c.chance(50),
    }
}

pub fn stream_framing(c: &mut Choices) -> StreamFraming {
    StreamFraming {
        byte_order_mark: c.chance(20),
        line_endings: c.weighted(&[
            (3, LineEndings::Lf),
            (1, LineEndings::Crlf),
            (1, LineEndings::PerDocument),
        ]),
        final_newline: !c.chance(20),
    }
}
