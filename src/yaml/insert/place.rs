//! Where an addition goes, and the edit that puts its text there: new lines in front of an
//! entry (above the comments that describe it) or after the last one, and new entries of flow
//! collections, separated like their neighbours, after a trailing comma or a comment that
//! must stay last.

use std::ops::Range;

use granit_parser::ScalarStyle;

use super::style::{Layout, Syntax, flow_layout};
use super::text::Text;
use crate::edit::Edit;
use crate::yaml::tree::{NodeId, Tree, Value};

/// Where new lines can go in front of the entry whose key starts at `key_start`: the start of
/// the key's line, moved up over comment lines written at the key's column right above it
/// (they describe the key), but not above `floor`, where the previous entry's lines end
/// (`None` for a first entry, whose comments stay first). `None` when the key shares its line
/// with something else (`- key: ...`).
pub(super) fn line_before_entry(
    text: Text,
    key_start: usize,
    floor: Option<usize>,
) -> Option<usize> {
    let mut at = text.line_start(key_start);
    if !text.slice(at, key_start).bytes().all(|b| b == b' ') {
        return None;
    }
    let Some(floor) = floor else { return Some(at) };
    let column = key_start - at;
    while at > floor {
        let previous = text.line_start(at - 1);
        let line = text.slice(previous, at);
        let comment = line.trim_start_matches(' ');
        if previous < floor || !comment.starts_with('#') || line.len() - comment.len() != column {
            break;
        }
        at = previous;
    }
    Some(at)
}

/// Whether the last scalar under `node` is a block scalar ending the text with no line
/// break: a line added after it would give the scalar a final line break it does not have.
pub(super) fn ends_in_unterminated_block_scalar(tree: &Tree, text: Text, mut node: NodeId) -> bool {
    if text.ends_with_line_break() {
        return false;
    }
    loop {
        match &tree.node(node).value {
            Value::Mapping { entries, flow: false } if !entries.is_empty() => {
                node = entries[entries.len() - 1].1
            }
            Value::Sequence { items, flow: false } if !items.is_empty() => {
                node = items[items.len() - 1]
            }
            Value::Scalar { style: ScalarStyle::Literal | ScalarStyle::Folded, .. } => {
                return tree.node(node).span.end == text.end();
            }
            _ => return false,
        }
    }
}

/// The insertion of whole `lines` at `at`, which is a line start or the end of a text that
/// lacks a final line break: then the break goes first and the text keeps lacking one.
pub(super) fn lines(text: Text, at: usize, lines: String, eol: &str) -> Edit {
    if at == text.end() && !text.ends_with_line_break() {
        let body = lines.strip_suffix(eol).unwrap_or(&lines);
        return Edit::insert(at, format!("{eol}{body}"));
    }
    Edit::insert(at, lines)
}

/// Inserts an entry in front of entry `index` of the flow collection opening at `open`, whose
/// `entries` span from their first byte to their last. The new entry is separated from the
/// next as that one is from what precedes it.
pub(super) fn flow_before(
    text: Text,
    open: usize,
    entries: &[Range<usize>],
    index: usize,
    entry_text: impl Fn(Option<Layout>) -> String,
) -> Edit {
    let entry_start = entries[index].start;
    let gap_start = match index {
        0 => open + 1,
        _ => text.after_comma(entries[index - 1].end),
    };
    let gap = entry_separator(text.slice(gap_start, entry_start));
    let layout = flow_layout(text, &gap, open);
    Edit::insert(entry_start, format!("{},{gap}", entry_text(layout)))
}

/// Appends an entry after the last of `entries` of the flow collection opening at `open`,
/// separated from it the way the last entry is separated from the one before.
pub(super) fn flow_append(
    text: Text,
    open: usize,
    entries: &[Range<usize>],
    syntax: Syntax,
    entry_text: impl Fn(Option<Layout>) -> String,
) -> Vec<Edit> {
    let Some(last) = entries.last() else {
        return vec![Edit::insert(open + 1, entry_text(None))];
    };
    let gap_start = match entries.len() {
        1 => open + 1,
        n => text.after_comma(entries[n - 2].end),
    };
    let gap = match entry_separator(text.slice(gap_start, last.start)) {
        // `{a: 1}` says nothing of how entries are separated: use the usual `, `.
        gap if gap.is_empty() && entries.len() == 1 && !syntax.tight => " ".to_string(),
        gap => gap,
    };
    let layout = flow_layout(text, &gap, open);
    let after_last = text.skip_gap(last.end);
    let trailing_comma = text.byte(after_last) == Some(b',');
    let entry_end = if trailing_comma { after_last + 1 } else { last.end };
    // After an empty value (`{a:}`), a comma right after the `:` would make `a:,`, which YAML
    // 1.1 parsers (libyaml, and go-yaml v2 behind kubectl) refuse: a space keeps them apart.
    let ends_at_colon = last.end.checked_sub(1).and_then(|at| text.byte(at)) == Some(b':');
    let comma = if ends_at_colon { " ," } else { "," };
    // A comment after the last entry stays with it: one entry a line, the new entry goes on a
    // line of its own after the comment.
    if gap.contains('\n')
        && let Some(comment_end) = text.comment_on_line(entry_end)
    {
        let trailing = if trailing_comma { "," } else { "" };
        let mut edits =
            vec![Edit::insert(comment_end, format!("{gap}{}{trailing}", entry_text(layout)))];
        if !trailing_comma {
            edits.insert(0, Edit::insert(last.end, comma));
        }
        return edits;
    }
    if trailing_comma {
        // A trailing comma (allowed in YAML flow collections) stays last.
        return vec![Edit::insert(after_last + 1, format!("{gap}{},", entry_text(layout)))];
    }
    vec![Edit::insert(last.end, format!("{comma}{gap}{}", entry_text(layout)))]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit;

    /// `source` with `edits` applied.
    fn applied(source: &str, mut edits: Vec<Edit>) -> String {
        edit::sort_and_check(&mut edits, source.len()).unwrap();
        String::from_utf8(edit::apply(source.as_bytes(), &edits)).unwrap()
    }

    #[test]
    fn a_new_line_goes_above_the_comments_at_the_keys_column() {
        let source = "a: 1\n# about the mapping\n  # indented otherwise\n# about b\nb: 2\n";
        let text = Text::new(source);
        let b = source.find("b:").unwrap();
        assert_eq!(line_before_entry(text, b, Some(5)), source.find("# about b"));
        assert_eq!(line_before_entry(text, 0, None), Some(0));
        assert_eq!(line_before_entry(Text::new("- a: 1\n"), 2, None), None, "after `- `");
    }

    #[test]
    fn lines_at_the_end_of_a_text_without_a_final_line_break_keep_it_without() {
        assert_eq!(
            applied("a: 1", vec![lines(Text::new("a: 1"), 4, "b: 2\n".into(), "\n")]),
            "a: 1\nb: 2"
        );
        assert_eq!(
            applied("a: 1\n", vec![lines(Text::new("a: 1\n"), 5, "b: 2\n".into(), "\n")]),
            "a: 1\nb: 2\n"
        );
    }

    /// `source`, a flow collection of `entries` (as text), with `x: 1` appended.
    fn appended(source: &str, entries: &[&str]) -> String {
        let text = Text::new(source);
        let mut from = 0;
        let spans: Vec<Range<usize>> = entries
            .iter()
            .map(|entry| {
                let start = from + source[from..].find(entry).unwrap();
                from = start + entry.len();
                start..from
            })
            .collect();
        let edits = flow_append(text, 0, &spans, Syntax::YAML, |_| "x: 1".to_string());
        applied(source, edits)
    }

    #[test]
    fn a_flow_entry_is_appended_with_the_separator_of_the_last_one() {
        assert_eq!(appended("{}", &[]), "{x: 1}");
        assert_eq!(appended("{a: 1}", &["a: 1"]), "{a: 1, x: 1}");
        assert_eq!(appended("{a: 1,b: 2}", &["a: 1", "b: 2"]), "{a: 1,b: 2,x: 1}");
        assert_eq!(
            appended("{\n  a: 1,\n  b: 2\n}", &["a: 1", "b: 2"]),
            "{\n  a: 1,\n  b: 2,\n  x: 1\n}"
        );
    }

    #[test]
    fn a_trailing_comma_and_a_comment_after_the_last_flow_entry_stay_with_it() {
        assert_eq!(appended("{a: 1, b: 2,}", &["a: 1", "b: 2"]), "{a: 1, b: 2, x: 1,}");
        assert_eq!(
            appended("{\n  a: 1,\n  b: 2 # two\n}", &["a: 1", "b: 2"]),
            "{\n  a: 1,\n  b: 2, # two\n  x: 1\n}"
        );
    }

    #[test]
    fn a_comma_after_an_empty_value_keeps_a_space_from_its_colon() {
        assert_eq!(appended("{a:}", &["a:"]), "{a: , x: 1}");
        assert_eq!(
            appended("{\n  a: 1,\n  b: # c\n}", &["a: 1", "b:"]),
            "{\n  a: 1,\n  b: , # c\n  x: 1\n}"
        );
    }

    #[test]
    fn a_flow_entry_inserted_in_front_takes_the_gap_before_its_successor() {
        let source = "{a: 1,  c: 3}";
        let spans = [1..5, 8..12];
        let edit = flow_before(Text::new(source), 0, &spans, 1, |_| "b: 2".to_string());
        assert_eq!(applied(source, vec![edit]), "{a: 1,  b: 2,  c: 3}");
    }

    #[test]
    fn the_separator_of_flow_entries_drops_comments_and_keeps_line_endings() {
        assert_eq!(entry_separator(" # one\r\n    "), "\r\n    ");
        assert_eq!(entry_separator("  "), "  ");
    }
}
