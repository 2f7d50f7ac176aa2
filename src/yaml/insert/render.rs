//! The text of a [`NewNode`] in the style chosen for it: a flow value (YAML, JSON on one line,
//! or JSON one value a line) or block lines. Where the text goes is not decided here.

use super::NewNode;
use super::style::{Layout, SequenceIndent, Syntax};
use crate::yaml::scalar::render_string;

/// `node` as a flow value in `syntax`. JSON in a collection written one entry a line follows
/// its `layout`, lines ending with `eol`.
pub(super) fn flow(node: &NewNode, syntax: Syntax, layout: Option<Layout>, eol: &str) -> String {
    let mut out = String::new();
    match (syntax.json, layout) {
        (true, Some(layout)) => json_pretty(node, layout.indent, layout.step, eol, &mut out),
        (true, None) => {
            json_compact(node, if syntax.tight { ("", ",") } else { (" ", ", ") }, &mut out)
        }
        (false, _) => yaml_flow(node, &mut out),
    }
    out
}

/// `key` and `value` as an entry of a flow mapping, as [`flow`] writes values.
pub(super) fn flow_entry(
    key: &str,
    value: &NewNode,
    syntax: Syntax,
    layout: Option<Layout>,
    eol: &str,
) -> String {
    let key = if syntax.json { json_string(key) } else { render_string(key).into_owned() };
    // A plain key needs a space after its `:` in a flow mapping; a quoted one need not.
    let separator = if syntax.tight { ":" } else { ": " };
    format!("{key}{separator}{}", flow(value, syntax, layout, eol))
}

/// Block lines for new nodes, written the way the lines around them are.
#[derive(Clone, Copy, Debug)]
pub(super) struct Block<'e> {
    /// How a sequence stands under its key, in every mapping written.
    pub(super) sequences: SequenceIndent,
    /// What ends each line.
    pub(super) eol: &'e str,
    /// The syntax of items that are not mappings, written as flow values after their `- `.
    pub(super) items: Syntax,
}

impl Block<'_> {
    /// Writes `entries` as the lines of a block mapping at `column`. The first line starts
    /// with `first_line` instead of spaces when given: the `- ` of the item it is.
    pub(super) fn map(
        &self,
        entries: &[(&str, NewNode)],
        column: usize,
        first_line: Option<&str>,
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
                    out.push_str(self.eol);
                }
                NewNode::Seq(items) if items.is_empty() => {
                    out.push_str(" []");
                    out.push_str(self.eol);
                }
                NewNode::Seq(items) => {
                    out.push_str(self.eol);
                    let at = SequenceIndent {
                        dash: column + self.sequences.dash,
                        content: self.sequences.content,
                    };
                    for item in items {
                        self.item(item, at, out);
                    }
                }
                NewNode::Map(entries) => {
                    out.push_str(self.eol);
                    self.map(entries, column + 2, None, out);
                }
            }
        }
    }

    /// Writes `item` as a block sequence item whose `-` stands at column `at.dash`, its
    /// content `at.content` columns further.
    pub(super) fn item(&self, item: &NewNode, at: SequenceIndent, out: &mut String) {
        let prefix =
            format!("{}-{}", " ".repeat(at.dash), " ".repeat(at.content.saturating_sub(1).max(1)));
        match item {
            NewNode::Map(entries) if !entries.is_empty() => {
                self.map(entries, prefix.len(), Some(&prefix), out)
            }
            _ => {
                out.push_str(&prefix);
                out.push_str(&flow(item, self.items, None, self.eol));
                out.push_str(self.eol);
            }
        }
    }
}

/// YAML flow style, spaced as kubectl's own flow values are (`{name: x}`, `[a, b]`).
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

/// `text` as a JSON string.
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

    /// `[{name: "y"}]`: a list of one reference whose name YAML would read as a boolean.
    fn references() -> NewNode<'static> {
        NewNode::Seq(vec![NewNode::Map(vec![("name", NewNode::Str("y"))])])
    }

    #[test]
    fn yaml_flow_values_are_spaced_and_quote_what_yaml_would_misread() {
        assert_eq!(flow(&references(), Syntax::YAML, None, "\n"), "[{name: \"y\"}]");
    }

    #[test]
    fn json_on_one_line_is_spaced_or_tight_as_its_collection_is() {
        let spaced = Syntax { json: true, tight: false };
        let tight = Syntax { json: true, tight: true };
        assert_eq!(flow(&references(), spaced, None, "\n"), "[{\"name\": \"y\"}]");
        assert_eq!(flow(&references(), tight, None, "\n"), "[{\"name\":\"y\"}]");
        assert_eq!(flow_entry("k", &references(), tight, None, "\n"), "\"k\":[{\"name\":\"y\"}]");
    }

    #[test]
    fn json_one_value_a_line_steps_in_from_the_column_of_its_entry() {
        let layout = Layout { indent: 2, step: 2 };
        let json = Syntax { json: true, tight: false };
        assert_eq!(
            flow(&references(), json, Some(layout), "\r\n"),
            "[\r\n    {\r\n      \"name\": \"y\"\r\n    }\r\n  ]"
        );
    }

    #[test]
    fn block_lines_indent_sequences_as_told_and_end_lines_as_told() {
        let block = Block {
            sequences: SequenceIndent { dash: 2, content: 4 },
            eol: "\r\n",
            items: Syntax::YAML,
        };
        let mut out = String::new();
        block.map(&[("imagePullSecrets", references())], 2, None, &mut out);
        assert_eq!(out, "  imagePullSecrets:\r\n    -   name: \"y\"\r\n");
    }

    #[test]
    fn a_block_item_that_is_no_mapping_is_a_flow_value_after_its_dash() {
        let block = Block { sequences: SequenceIndent::KUBECTL, eol: "\n", items: Syntax::YAML };
        let mut out = String::new();
        block.item(&references(), SequenceIndent::KUBECTL, &mut out);
        assert_eq!(out, "- [{name: \"y\"}]\n");
    }
}
