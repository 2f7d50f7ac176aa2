//! What a document holds: YAML nodes, with the spellings that belong to single nodes (a
//! scalar's null spelling, a block scalar's header, a collection written in flow style inside
//! a block document, anchors and aliases). How the whole document is spelt is
//! [`super::style`]'s.

#[derive(Clone, Debug)]
pub enum Node {
    /// A string: plain where that reads back as the same string, else quoted.
    Str(String),
    Int(i64),
    Bool(bool),
    /// An explicit null: `null`, `~`, `Null`.
    Null(&'static str),
    /// No value at all (`key:`), which YAML reads as null; `null` in JSON.
    Empty,
    /// Multi-line text: a block scalar in block style, a quoted string elsewhere.
    Text(BlockText),
    /// Words of one string, one per line in block style (plain, or double-quoted when
    /// `quoted`): YAML folds them back into one line.
    Wrapped {
        quoted: bool,
        words: Vec<&'static str>,
    },
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
    /// A collection written in flow style even inside a block document.
    Flow(Box<Node>),
    Anchored(String, Box<Node>),
    /// An alias; JSON has none, so it carries a copy of what it names.
    Alias(String, Box<Node>),
    /// What the tool overwrites by design (an explicit null where the list of pull secrets
    /// belongs): its text goes into `Manifest::replaced`.
    Replaced(Box<Node>),
}

/// A block scalar: `header` is `|`, `|+`, `>-`, ...; blank lines after the text belong to the
/// value with `|+` and are dropped otherwise.
#[derive(Clone, Debug)]
pub struct BlockText {
    pub header: &'static str,
    pub lines: Vec<&'static str>,
    pub trailing_blank_lines: usize,
}

/// The key YAML 1.1 merges a mapping in with (`<<: *defaults`); never quoted, and spelt out in
/// JSON, which has no merge keys.
pub const MERGE_KEY: &str = "<<";

pub fn string(text: &str) -> Node {
    Node::Str(text.to_string())
}

pub fn map<'k>(entries: impl IntoIterator<Item = (&'k str, Node)>) -> Node {
    Node::Map(entries.into_iter().map(|(key, value)| (key.to_string(), value)).collect())
}

impl Node {
    /// The node itself, past the wrappers that only change its spelling (an alias: the copy).
    pub fn unwrapped(&self) -> &Node {
        match self {
            Node::Flow(inner)
            | Node::Anchored(_, inner)
            | Node::Alias(_, inner)
            | Node::Replaced(inner) => inner.unwrapped(),
            other => other,
        }
    }

    /// The value of `key` in a mapping.
    pub fn field(&self, key: &str) -> Option<&Node> {
        match self.unwrapped() {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn field_str(&self, key: &str) -> Option<&str> {
        match self.field(key)?.unwrapped() {
            Node::Str(text) => Some(text),
            _ => None,
        }
    }

    /// Whether an anchor is defined in this node or below it.
    pub fn defines_anchor(&self) -> bool {
        match self {
            Node::Anchored(..) => true,
            Node::Map(entries) => entries.iter().any(|(_, value)| value.defines_anchor()),
            Node::Seq(items) => items.iter().any(Node::defines_anchor),
            Node::Flow(inner) | Node::Replaced(inner) => inner.defines_anchor(),
            _ => false,
        }
    }
}
