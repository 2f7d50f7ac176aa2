//! The KRM functions spec's `ResourceList` (`config.kubernetes.io/v1`): read from stdin into
//! items the filter can take one at a time, and written back.
//!
//! An item is cut out of the list as a YAML document of its own, byte for byte: its node's
//! text, the first line padded with spaces to the column the item started at. Its lines keep
//! the list's indentation (a block mapping may be indented as a whole), so the filter edits
//! it in its own style and every message names the list's line and column. Written back,
//! each document becomes an item again: the padding turns back into `- `, and a document at
//! column 0 (a pull Secret the filter emitted) is indented under its `- `.
//!
//! The list is read whole (a function's input is one YAML document, and kustomize holds all
//! of it in memory anyway), up to [`MAX_BYTES`]; parsing and cutting are linear in its size.

use std::io::Read;
use std::ops::Range;

use crate::error::{Error, Location};
use crate::k8s::object::ObjectView;
use crate::yaml::split::{Splitter, documents};
use crate::yaml::tree::Tree;

/// The biggest ResourceList read: far beyond what kustomize builds in practice (it needs tens
/// of times its output's size in memory), small enough that the parse tree stays bounded.
pub const MAX_BYTES: usize = 64 << 20;

/// The name of the list in messages.
pub const SOURCE: &str = "<stdin>";

const KIND: &str = "ResourceList";
const API_VERSIONS: &[&str] = &["config.kubernetes.io/v1", "config.kubernetes.io/v1alpha1"];

/// A ResourceList as read.
#[derive(Debug, PartialEq, Eq)]
pub struct ResourceList {
    /// As the input spelled it; the output uses the same.
    pub api_version: String,
    pub items: Vec<Item>,
    /// The `functionConfig` object, if there is one.
    pub function_config: Option<Fragment>,
}

/// A node of the list as a document of its own.
#[derive(PartialEq, Eq)]
pub struct Fragment {
    /// The node's text, its first line padded to the node's column; ends with a line break.
    pub text: String,
    /// The list's line number of the text's first line.
    pub first_line: usize,
}

/// Only where the text is: an item may be a Secret, and Debug output ends up in messages.
impl std::fmt::Debug for Fragment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lines = self.text.lines().count();
        write!(f, "Fragment(lines {}..{})", self.first_line, self.first_line + lines)
    }
}

/// An item: its text, and what `results` say about it.
#[derive(Debug, PartialEq, Eq)]
pub struct Item {
    pub fragment: Fragment,
    pub reference: Reference,
}

/// What names an item in a `results` entry: its `resourceRef`, and the `file` (path and
/// index in it) that kustomize or kpt read it from, by their annotations.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reference {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub path: Option<String>,
    pub index: Option<String>,
}

/// Reads a ResourceList from `reader`, refusing one bigger than [`MAX_BYTES`].
pub fn read(reader: &mut dyn Read) -> Result<ResourceList, Error> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::new(format!("{SOURCE}: cannot read: {e}")))?;
    if bytes.len() > MAX_BYTES {
        return Err(Error::new(format!(
            "{SOURCE}: the ResourceList is bigger than {} MiB, the most a KRM function reads; pipe \
             `kustomize build` into acr-inject instead, which streams",
            MAX_BYTES >> 20
        )));
    }
    parse(&bytes)
}

/// Parses a ResourceList (YAML or JSON).
pub fn parse(bytes: &[u8]) -> Result<ResourceList, Error> {
    let at = |offset: usize| Location::in_text(SOURCE, bytes, 1, offset);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::at(&at(e.valid_up_to()), "invalid UTF-8; expected a ResourceList in UTF-8")
    })?;
    if let Some(second) = documents(bytes).iter().filter(|d| d.has_content).nth(1) {
        let message = format!(
            "a second YAML document; expected one {KIND} on stdin (for a plain stream of \
             manifests, run acr-inject without --krm)"
        );
        return Err(Error::at(&at(second.range.start), message));
    }
    let tree = Tree::parse(text).map_err(|e| Error::at(&at(e.span.start), e.message))?;
    let not_a_list = |offset| {
        Error::at(&at(offset), format!("expected a {KIND} ({}) on stdin", API_VERSIONS[0]))
    };
    let root = tree.root.filter(|&root| tree.entries(root).is_some()).ok_or(not_a_list(0))?;
    let list = ObjectView::new(&tree, root);
    let api_version = list.string(&["apiVersion"]).unwrap_or_default();
    if list.string(&["kind"]) != Some(KIND) || !API_VERSIONS.contains(&api_version) {
        return Err(not_a_list(tree.node(root).span.start));
    }
    let mut lines = LineCounter::default();
    let mut items = Vec::new();
    let entry =
        |key| tree.own_entry(root, key).map_err(|e| Error::at(&at(e.span.start), e.message));
    if let Some((_, node)) = entry("items")?.filter(|&(_, node)| !tree.is_null(node)) {
        let Some(nodes) = tree.items(node) else {
            return Err(Error::at(&at(tree.node(node).span.start), "`items` must be a list"));
        };
        for &node in nodes {
            if tree.entries(node).is_none() {
                let message = "an item that is not an object (a mapping)";
                return Err(Error::at(&at(tree.node(node).span.start), message));
            }
            let fragment = cut(text, tree.node(node).span.clone(), &mut lines);
            items.push(Item { fragment, reference: reference(&ObjectView::new(&tree, node)) });
        }
    }
    let function_config = match entry("functionConfig")? {
        Some((_, node)) if !tree.is_null(node) => {
            Some(cut(text, tree.node(node).span.clone(), &mut lines))
        }
        _ => None,
    };
    Ok(ResourceList { api_version: api_version.to_string(), items, function_config })
}

/// Counts lines up to increasing offsets in one pass over the text.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: usize,
}

impl LineCounter {
    /// The line (from 1) of `offset`, which may be before the last one asked for only by
    /// counting again from the start.
    fn line_of(&mut self, text: &[u8], offset: usize) -> usize {
        if offset < self.offset {
            *self = LineCounter::default();
        }
        self.line += memchr::memchr_iter(b'\n', &text[self.offset..offset]).count();
        self.offset = offset;
        self.line + 1
    }
}

/// The text of `span` as a document of its own, first line padded to its column when only
/// block indentation (spaces, `- `) comes before it on its line. A node inside a flow
/// collection (JSON) is not padded: padding every item of a one-line JSON list to its column
/// would cost the square of the line's length.
fn cut(text: &str, span: Range<usize>, lines: &mut LineCounter) -> Fragment {
    let bytes = text.as_bytes();
    let mut line_start = span.start;
    while line_start > 0 && matches!(bytes[line_start - 1], b' ' | b'-') {
        line_start -= 1;
    }
    let starts_line = line_start == 0 || bytes[line_start - 1] == b'\n';
    let column = if starts_line { span.start - line_start } else { 0 };
    let mut cut = String::with_capacity(column + span.len() + 1);
    cut.extend(std::iter::repeat_n(' ', column));
    cut.push_str(&text[span.clone()]);
    if !cut.ends_with('\n') {
        cut.push('\n');
    }
    Fragment { text: cut, first_line: lines.line_of(text.as_bytes(), span.start) }
}

fn reference(item: &ObjectView) -> Reference {
    let string = |path: &[&str]| item.string(path).map(str::to_string);
    let annotation =
        |keys: &[&str]| keys.iter().find_map(|key| string(&["metadata", "annotations", key]));
    Reference {
        api_version: string(&["apiVersion"]),
        kind: string(&["kind"]),
        name: string(&["metadata", "name"]),
        namespace: string(&["metadata", "namespace"]),
        path: annotation(&["internal.config.kubernetes.io/path", "config.kubernetes.io/path"]),
        index: annotation(&["internal.config.kubernetes.io/index", "config.kubernetes.io/index"]),
    }
}

/// An error for the `results` of the output list, about one item when `reference` says which.
#[derive(Debug)]
pub struct Failure<'a> {
    pub message: &'a str,
    pub reference: Option<&'a Reference>,
}

/// Writes a ResourceList whose items are the documents of `stream` (each a YAML document,
/// indented as a whole or not), with the `function_config` it was run with (so that the output
/// can be run again) and `failures` as error `results`.
pub fn write(
    api_version: &str,
    stream: &[u8],
    function_config: Option<&Fragment>,
    failures: &[Failure],
    out: &mut Vec<u8>,
) {
    out.extend_from_slice(format!("apiVersion: {api_version}\nkind: {KIND}\n").as_bytes());
    let mut splitter = Splitter::new();
    let mut any = false;
    while let Some(document) = splitter.next_document(stream, true) {
        if !document.has_content {
            continue;
        }
        if !any {
            out.extend_from_slice(b"items:\n");
            any = true;
        }
        let content = match document.start_marker {
            Some(marker) => {
                let text = &stream[marker..document.range.end];
                let after = memchr::memchr(b'\n', text).map_or(text.len(), |newline| newline + 1);
                &stream[marker + after..document.range.end]
            }
            None => &stream[document.range.clone()],
        };
        write_item(content, out);
    }
    if !any {
        out.extend_from_slice(b"items: []\n");
    }
    if let Some(fragment) = function_config {
        out.extend_from_slice(b"functionConfig:\n");
        write_indented(fragment.text.as_bytes(), out);
    }
    if !failures.is_empty() {
        out.extend_from_slice(b"results:\n");
        for failure in failures {
            write_failure(failure, out);
        }
    }
}

/// One document as a block sequence item: its first content line's indentation (when it has
/// two columns or more) becomes the `- `; otherwise every line moves two columns right.
fn write_item(document: &[u8], out: &mut Vec<u8>) {
    let is_content = |line: &[u8]| {
        let trimmed = line.trim_ascii();
        !trimmed.is_empty() && !trimmed.starts_with(b"#")
    };
    let mut lines = document.split_inclusive(|&b| b == b'\n').skip_while(|line| !is_content(line));
    let Some(first) = lines.next() else { return };
    let indentation = first.iter().take_while(|&&b| b == b' ').count();
    if indentation >= 2 {
        out.push(b'-');
        out.extend_from_slice(&first[1..]);
        lines.for_each(|line| out.extend_from_slice(line));
    } else {
        out.extend_from_slice(b"- ");
        out.extend_from_slice(first);
        shift_right(lines, out);
    }
    if out.last() != Some(&b'\n') {
        out.push(b'\n');
    }
}

/// A document as the value of a top-level key: as it is when it is indented already,
/// otherwise moved two columns right.
fn write_indented(document: &[u8], out: &mut Vec<u8>) {
    let lines = document.split_inclusive(|&b| b == b'\n');
    match document.first() {
        Some(b' ') => lines.for_each(|line| out.extend_from_slice(line)),
        _ => shift_right(lines, out),
    }
    if out.last() != Some(&b'\n') {
        out.push(b'\n');
    }
}

/// Each line two columns to the right (blank lines stay empty).
fn shift_right<'a>(lines: impl Iterator<Item = &'a [u8]>, out: &mut Vec<u8>) {
    for line in lines {
        if line.trim_ascii().is_empty() {
            let eol: &[u8] = if line.ends_with(b"\r\n") { b"\r\n" } else { b"\n" };
            out.extend_from_slice(if line.ends_with(b"\n") { eol } else { b"" });
        } else {
            out.extend_from_slice(b"  ");
            out.extend_from_slice(line);
        }
    }
}

fn write_failure(failure: &Failure, out: &mut Vec<u8>) {
    let quoted = |text: &str| serde_json::Value::from(text).to_string();
    let mut entry = format!("- message: {}\n  severity: error\n", quoted(failure.message));
    if let Some(reference) = failure.reference {
        let fields = [
            ("apiVersion", &reference.api_version),
            ("kind", &reference.kind),
            ("name", &reference.name),
            ("namespace", &reference.namespace),
        ];
        let fields: Vec<_> = fields.iter().filter_map(|(k, v)| Some((k, v.as_deref()?))).collect();
        if !fields.is_empty() {
            entry.push_str("  resourceRef:\n");
            for (key, value) in fields {
                entry.push_str(&format!("    {key}: {}\n", quoted(value)));
            }
        }
        if let Some(path) = &reference.path {
            entry.push_str(&format!("  file:\n    path: {}\n", quoted(path)));
            if let Some(index) = reference.index.as_deref().and_then(|i| i.parse::<u64>().ok()) {
                entry.push_str(&format!("    index: {index}\n"));
            }
        }
    }
    out.extend_from_slice(entry.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n    annotations:\n      config.kubernetes.io/path: c.yaml\n  data:\n    script: |\n      ---\n      echo\n- {apiVersion: v1, kind: Pod, metadata: {name: p}}\nfunctionConfig:\n  kind: AcrInject\n";

    #[test]
    fn items_are_cut_out_byte_for_byte_keeping_the_lists_lines_and_columns() {
        let list = parse(LIST.as_bytes()).unwrap();
        assert_eq!(list.items.len(), 2);
        let config_map = &list.items[0];
        assert_eq!(config_map.fragment.first_line, 4);
        assert!(config_map.fragment.text.starts_with("  apiVersion: v1\n  kind: ConfigMap\n"));
        assert!(config_map.fragment.text.ends_with("    script: |\n      ---\n      echo\n"));
        assert_eq!(config_map.reference.path.as_deref(), Some("c.yaml"));
        assert_eq!(config_map.reference.kind.as_deref(), Some("ConfigMap"));
        let pod = &list.items[1];
        assert_eq!(
            (pod.fragment.first_line, pod.fragment.text.as_str()),
            (14, "  {apiVersion: v1, kind: Pod, metadata: {name: p}}\n")
        );
        let config = list.function_config.unwrap();
        assert_eq!((config.first_line, config.text.as_str()), (16, "  kind: AcrInject\n"));
    }

    #[test]
    fn written_back_every_document_is_an_item_again() {
        let list = parse(LIST.as_bytes()).unwrap();
        let mut stream = String::new();
        for item in &list.items {
            stream.push_str("---\n");
            stream.push_str(&item.fragment.text);
        }
        stream.push_str("---\napiVersion: v1\nkind: Secret\ndata:\n  k: |\n    a\n\n    b\n");
        let mut out = Vec::new();
        write(&list.api_version, stream.as_bytes(), list.function_config.as_ref(), &[], &mut out);
        let expected = [
            &LIST[..LIST.find("functionConfig").unwrap()],
            "- apiVersion: v1\n  kind: Secret\n  data:\n    k: |\n      a\n\n      b\n",
            "functionConfig:\n  kind: AcrInject\n",
        ]
        .concat();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn results_name_the_item_and_its_file() {
        let reference = Reference {
            kind: Some("Pod".into()),
            name: Some("p".into()),
            path: Some("pod.yaml".into()),
            index: Some("2".into()),
            ..Reference::default()
        };
        let failure = Failure { message: "it: \"broke\"", reference: Some(&reference) };
        let mut out = Vec::new();
        write("config.kubernetes.io/v1", b"", None, &[failure], &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nresults:\n- message: \"it: \\\"broke\\\"\"\n  severity: error\n  resourceRef:\n    kind: \"Pod\"\n    name: \"p\"\n  file:\n    path: \"pod.yaml\"\n    index: 2\n"
        );
    }

    #[test]
    fn a_list_beyond_the_limit_is_refused_unread() {
        let mut huge = std::io::repeat(b' ').take(MAX_BYTES as u64 + 1);
        let message = read(&mut huge).unwrap_err().message().to_string();
        assert!(message.contains("bigger than 64 MiB"), "{message}");
    }

    #[test]
    fn json_items_are_cut_unpadded_so_one_long_line_costs_linear_time() {
        let item = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}"#;
        let items = vec![item; 2_000].join(",");
        let json = format!(
            r#"{{"apiVersion":"config.kubernetes.io/v1","kind":"ResourceList","items":[{items}]}}"#
        );
        let list = parse(json.as_bytes()).unwrap();
        assert_eq!(list.items.len(), 2_000);
        let cut: usize = list.items.iter().map(|item| item.fragment.text.len()).sum();
        assert!(cut < 2 * json.len(), "{cut} bytes cut from {}", json.len());
        assert_eq!(list.items[1].fragment.text, format!("{item}\n"));
        assert_eq!(list.items[1].fragment.first_line, 1);
    }

    #[test]
    fn items_must_be_objects() {
        let list = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- just text\n";
        let message = parse(list.as_bytes()).unwrap_err().message().to_string();
        assert_eq!(message, "<stdin>:4:3: an item that is not an object (a mapping)");
    }
}
