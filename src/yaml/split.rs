//! Splits a YAML stream into its documents without parsing them.
//!
//! YAML forbids a document marker (`---` or `...` at the start of a line, followed by white
//! space or the end of the line) anywhere inside content, block scalars and quoted scalars
//! included, so the marker lines alone say where each document begins and ends. Finding them
//! costs a pass over line starts, which is what lets documents nobody needs to edit be copied
//! without a parse. The splitter works on a growing buffer, so a stream can be processed one
//! document at a time without holding all of it.

use std::ops::Range;
use std::sync::LazyLock;

use memchr::memmem;

/// The UTF-8 byte order mark, which may stand before a document's first line.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// One document of a stream, as byte offsets into the buffer it was found in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// All of the document's bytes: its prefix (comments, directives, `---`), its content and
    /// its `...` line if it has one. Consecutive documents' ranges tile the stream.
    pub range: Range<usize>,
    /// Offset of the document's `---` (after a byte order mark before it), if it has one.
    pub start_marker: Option<usize>,
    /// Whether content follows the `---` on its line (`--- {a: 1}`, `--- x`), rather than
    /// nothing or a comment. Always false without a start marker.
    pub content_on_start_marker: bool,
    /// Offset of the start of the document's closing `...` line (a byte order mark before the
    /// `...` included), when it ends with one.
    pub end_marker: Option<usize>,
    /// Offset of its first `%` directive line, if it has any.
    pub directives: Option<usize>,
    /// Whether anything but comments, blank lines, directives and markers is in it.
    pub has_content: bool,
}

impl Document {
    /// Where another document can be inserted in front of this one without splitting its
    /// prefix: before its directives, else before its `---`, else at its first byte (after a
    /// byte order mark that begins the stream, which must stay first).
    pub fn insertion_point(&self, buffer: &[u8]) -> usize {
        self.directives.or(self.start_marker).unwrap_or_else(|| {
            let start = self.range.start;
            if buffer[start..].starts_with(BOM) { start + BOM.len() } else { start }
        })
    }
}

/// Finds documents in a buffer that may still grow. Offsets are relative to the buffer; after
/// the caller drops the first `n` bytes of its buffer it must call [`Splitter::rebase`].
#[derive(Debug, Default)]
pub struct Splitter {
    /// Start of the document being scanned.
    start: usize,
    /// Start of the first line not yet looked at.
    scanned_to: usize,
    /// How far the line at `scanned_to` is known to hold no line break: a line longer than
    /// the buffer is searched once, not again from its start after every read.
    no_break_before: usize,
    /// [`Document::start_marker`] of the document being scanned, as far as scanned.
    start_marker: Option<usize>,
    /// [`Document::content_on_start_marker`], likewise.
    content_on_start_marker: bool,
    /// [`Document::directives`], likewise.
    directives: Option<usize>,
    /// [`Document::has_content`], likewise.
    has_content: bool,
}

/// What a line at column 0 means to the stream's structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineKind {
    /// `---` and white space or a line end, with content after it or not.
    StartMarker { with_content: bool },
    /// `...` and white space or a line end. YAML allows only a comment after it, but the line
    /// ends the document whatever follows (the marker is forbidden inside content), so `... x`
    /// is an end marker too, and its `x` an error for the parser of the document it ends.
    EndMarker,
    /// A `%` directive such as `%YAML 1.2`.
    Directive,
    /// A blank line or a comment.
    Empty,
    /// Anything else.
    Content,
}

impl Splitter {
    /// A splitter at the start of a stream.
    pub fn new() -> Splitter {
        Splitter::default()
    }

    /// Returns the next complete document in `buffer`, or `None` when more bytes are needed.
    /// With `at_eof` the remaining bytes form the last document (if there are any).
    pub fn next_document(&mut self, buffer: &[u8], at_eof: bool) -> Option<Document> {
        while self.scanned_to < buffer.len() {
            let line_start = self.scanned_to;
            let search_from = self.no_break_before.max(line_start);
            if self.has_content && !may_be_marker(buffer[line_start]) {
                // Inside content only a marker line matters: jump to the next line that could
                // be one, or to the last line start when none can.
                let next = next_marker_candidate(buffer, search_from).unwrap_or_else(|| {
                    memchr::memrchr(b'\n', &buffer[search_from..])
                        .map_or(line_start, |n| search_from + n + 1)
                });
                if next > line_start {
                    self.scanned_to = next;
                    continue;
                }
            }
            let line_end = match memchr::memchr(b'\n', &buffer[search_from..]) {
                Some(newline) => search_from + newline + 1,
                None if at_eof => buffer.len(),
                None => {
                    self.no_break_before = buffer.len();
                    return None;
                }
            };
            let kind = if self.has_content && !may_be_marker(buffer[line_start]) {
                LineKind::Content
            } else {
                classify(&buffer[line_start..line_end])
            };
            match kind {
                LineKind::StartMarker { with_content } => {
                    // A byte order mark before the marker stays before it.
                    let marker = line_start
                        + if buffer[line_start..].starts_with(BOM) { BOM.len() } else { 0 };
                    if self.start_marker.is_some() || self.has_content {
                        // This line opens the next document.
                        let done = self.finish(line_start, None);
                        self.start_marker = Some(marker);
                        self.content_on_start_marker = with_content;
                        self.has_content = with_content;
                        self.scanned_to = line_end;
                        return Some(done);
                    }
                    self.start_marker = Some(marker);
                    self.content_on_start_marker = with_content;
                    self.has_content = with_content;
                }
                LineKind::EndMarker => {
                    self.scanned_to = line_end;
                    return Some(self.finish(line_end, Some(line_start)));
                }
                LineKind::Directive if self.start_marker.is_none() && !self.has_content => {
                    // A byte order mark before the directive stays first.
                    let bom = if buffer[line_start..].starts_with(BOM) { BOM.len() } else { 0 };
                    self.directives.get_or_insert(line_start + bom);
                }
                LineKind::Empty => {}
                LineKind::Directive | LineKind::Content => self.has_content = true,
            }
            self.scanned_to = line_end;
        }
        if at_eof && self.start < buffer.len() {
            return Some(self.finish(buffer.len(), None));
        }
        None
    }

    /// Shifts the splitter's offsets after the caller removed `consumed` bytes from the front
    /// of its buffer. Only bytes of documents already returned may be removed.
    pub fn rebase(&mut self, consumed: usize) {
        assert!(consumed <= self.start, "removed bytes of a document not yet returned");
        self.start -= consumed;
        self.scanned_to -= consumed;
        self.no_break_before = self.no_break_before.saturating_sub(consumed);
        self.start_marker = self.start_marker.map(|at| at - consumed);
        self.directives = self.directives.map(|at| at - consumed);
    }

    /// Offset where the next document will start: all bytes before it belong to documents
    /// already returned.
    pub fn pending_start(&self) -> usize {
        self.start
    }

    /// Ends the current document at `end`; `end_marker` is the start of its `...` line.
    fn finish(&mut self, end: usize, end_marker: Option<usize>) -> Document {
        let document = Document {
            range: self.start..end,
            start_marker: self.start_marker.take(),
            content_on_start_marker: std::mem::take(&mut self.content_on_start_marker),
            end_marker,
            directives: self.directives.take(),
            has_content: self.has_content,
        };
        self.start = end;
        self.has_content = false;
        document
    }
}

/// Splits a complete stream into its documents.
pub fn documents(stream: &[u8]) -> Vec<Document> {
    let mut splitter = Splitter::new();
    std::iter::from_fn(|| splitter.next_document(stream, true)).collect()
}

/// Whether a line starting with `byte` may be a document marker: `---`, `...`, or either after a
/// byte order mark.
fn may_be_marker(byte: u8) -> bool {
    matches!(byte, b'-' | b'.' | 0xEF)
}

/// Finds lines that start like a `---`.
static START_MARKERS: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"\n---"));
/// Finds lines that start like a `...`.
static END_MARKERS: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"\n..."));
/// Finds lines that start with a byte order mark (which a marker may follow).
static MARKS: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"\n\xEF\xBB\xBF"));

/// The start of the first line after `from` that begins like a marker, found with SIMD
/// searches. The rarer patterns are only searched up to the first `---`, so that looking for
/// them never scans past the document: finding every document costs one pass in all.
fn next_marker_candidate(buffer: &[u8], from: usize) -> Option<usize> {
    let rest = &buffer[from..];
    let dashes = START_MARKERS.find(rest);
    let before_dashes = &rest[..dashes.map_or(rest.len(), |at| at + 1)];
    let others = [END_MARKERS.find(before_dashes), MARKS.find(before_dashes)];
    let nearest = others.into_iter().flatten().chain(dashes).min()?;
    Some(from + nearest + 1)
}

/// What `line` (one line at column 0, with its line break) is to the stream's structure.
fn classify(line: &[u8]) -> LineKind {
    let line = line.strip_prefix(BOM).unwrap_or(line);
    let rest_is_blank = |rest: &[u8]| rest.first().is_none_or(|&b| is_blank_or_break(b));
    if let Some(rest) = line.strip_prefix(b"---")
        && rest_is_blank(rest)
    {
        let content = trim_blank(rest);
        let with_content = !content.is_empty() && content[0] != b'#';
        return LineKind::StartMarker { with_content };
    }
    if let Some(rest) = line.strip_prefix(b"...")
        && rest_is_blank(rest)
    {
        return LineKind::EndMarker;
    }
    match line.first() {
        Some(b'%') => LineKind::Directive,
        _ => {
            let content = trim_blank(line);
            if content.is_empty() || content[0] == b'#' {
                LineKind::Empty
            } else {
                LineKind::Content
            }
        }
    }
}

/// YAML's white space and line break characters.
fn is_blank_or_break(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

/// `bytes` without the white space and line breaks that begin it.
fn trim_blank(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| !is_blank_or_break(b)).unwrap_or(bytes.len());
    &bytes[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(stream: &str) -> Vec<&str> {
        documents(stream.as_bytes()).into_iter().map(|d| &stream[d.range]).collect()
    }

    #[test]
    fn a_single_bare_document_is_the_whole_stream() {
        assert_eq!(texts("a: 1\nb: 2\n"), ["a: 1\nb: 2\n"]);
    }

    #[test]
    fn start_markers_open_documents() {
        assert_eq!(texts("---\na: 1\n---\nb: 2\n"), ["---\na: 1\n", "---\nb: 2\n"]);
        assert_eq!(texts("a: 1\n---\nb: 2"), ["a: 1\n", "---\nb: 2"]);
    }

    #[test]
    fn a_leading_comment_belongs_to_the_first_document() {
        let stream = "# license\n---\na: 1\n";
        let docs = documents(stream.as_bytes());
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].start_marker, Some(10));
        assert_eq!(docs[0].insertion_point(stream.as_bytes()), 10);
    }

    #[test]
    fn end_markers_close_documents_and_directives_belong_to_the_next() {
        let stream = "a: 1\n...\n%YAML 1.2\n---\nb: 2\n";
        let docs = documents(stream.as_bytes());
        assert_eq!(texts(stream), ["a: 1\n...\n", "%YAML 1.2\n---\nb: 2\n"]);
        assert_eq!(docs[1].directives, Some(9));
        assert_eq!(docs[1].insertion_point(stream.as_bytes()), 9);
    }

    #[test]
    fn markers_need_white_space_or_a_line_end_after_them() {
        assert_eq!(texts("a: |\n ---x\n----\n---\tb\n"), ["a: |\n ---x\n----\n", "---\tb\n"]);
    }

    #[test]
    fn content_on_the_marker_line_counts_as_content() {
        let docs = documents(b"--- {a: 1}\n---\n");
        assert!(docs[0].has_content);
        assert!(!docs[1].has_content);
    }

    #[test]
    fn a_start_marker_carries_content_unless_only_a_comment_follows_it() {
        let docs = documents(b"--- x\n--- # note\n---\t\n---\n{a: 1}\n");
        let on_marker: Vec<bool> = docs.iter().map(|d| d.content_on_start_marker).collect();
        assert_eq!(on_marker, [true, false, false, false]);
        assert!(!documents(b"a: 1\n")[0].content_on_start_marker, "no marker, nothing on it");
    }

    #[test]
    fn the_closing_end_marker_line_is_recorded() {
        let stream = "a: 1\n... # done\r\nb: 2\n";
        let docs = documents(stream.as_bytes());
        assert_eq!(texts(stream), ["a: 1\n... # done\r\n", "b: 2\n"]);
        assert_eq!(docs[0].end_marker, Some(5));
        assert_eq!(docs[1].end_marker, None);
    }

    #[test]
    fn an_end_marker_with_content_after_it_still_ends_the_document() {
        // YAML allows only a comment after `...`; the `x` is the parser's to refuse, in the
        // document the line ends.
        let stream = "a: 1\n... x\nb: 2\n";
        assert_eq!(texts(stream), ["a: 1\n... x\n", "b: 2\n"]);
        assert_eq!(documents(stream.as_bytes())[0].end_marker, Some(5));
    }

    #[test]
    fn an_end_marker_line_starts_at_a_byte_order_mark_before_it() {
        let stream = "a: 1\n\u{feff}...\n";
        assert_eq!(documents(stream.as_bytes())[0].end_marker, Some(5));
    }

    #[test]
    fn three_dots_and_more_are_no_end_marker() {
        let docs = documents(b"a: |\n ...\n....\n...x\n");
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].end_marker, None);
    }

    #[test]
    fn comment_only_and_empty_documents_have_no_content() {
        let docs = documents(b"# just a comment\n---\n---\n# another\n");
        assert_eq!(docs.len(), 2);
        assert!(docs.iter().all(|d| !d.has_content));
    }

    #[test]
    fn crlf_markers_are_markers() {
        assert_eq!(texts("a: 1\r\n---\r\nb: 2\r\n"), ["a: 1\r\n", "---\r\nb: 2\r\n"]);
    }

    #[test]
    fn a_byte_order_mark_stays_before_insertions() {
        let stream = "\u{feff}a: 1\n";
        let docs = documents(stream.as_bytes());
        assert_eq!(docs[0].insertion_point(stream.as_bytes()), 3);
    }

    #[test]
    fn a_marker_after_a_byte_order_mark_is_found_after_it() {
        let stream = "\u{feff}---\na: 1\n";
        assert_eq!(documents(stream.as_bytes())[0].start_marker, Some(3));
    }

    #[test]
    fn a_byte_order_mark_before_a_mid_stream_marker_still_splits() {
        assert_eq!(texts("a: 1\n\u{feff}---\nb: 2\n"), ["a: 1\n", "\u{feff}---\nb: 2\n"]);
    }

    #[test]
    fn documents_come_out_as_soon_as_the_next_marker_is_seen() {
        let mut splitter = Splitter::new();
        let mut buffer = b"a: 1\n--".to_vec();
        assert_eq!(splitter.next_document(&buffer, false), None);
        buffer.extend_from_slice(b"-\nb: 2\n");
        let first = splitter.next_document(&buffer, false).unwrap();
        assert_eq!(first.range, 0..5);
        buffer.drain(..5);
        splitter.rebase(5);
        assert_eq!(splitter.next_document(&buffer, false), None);
        let second = splitter.next_document(&buffer, true).unwrap();
        assert_eq!(second.range, 0..9);
        assert_eq!(second.start_marker, Some(0));
        assert_eq!(splitter.next_document(&buffer, true), None);
    }

    #[test]
    fn long_documents_split_the_same_as_line_by_line() {
        let mut stream = String::new();
        for n in 0..200 {
            stream.push_str(&format!("---\nkind: A{n}\nlist:\n- x\n----\n  ...y\n.z\n"));
            if n % 7 == 0 {
                stream.push_str("...\n");
            }
            if n % 11 == 0 {
                stream.push_str("\u{feff}--- {}\n");
            }
        }
        let docs = documents(stream.as_bytes());
        assert_eq!(docs.len(), 200 + 200 / 11 + 1);
        assert!(docs.windows(2).all(|pair| pair[0].range.end == pair[1].range.start));
        let mut splitter = Splitter::new();
        let mut buffer = Vec::new();
        let mut streamed = Vec::new();
        let mut consumed = 0;
        for chunk in stream.as_bytes().chunks(13) {
            buffer.extend_from_slice(chunk);
            while let Some(d) = splitter.next_document(&buffer, false) {
                streamed.push(d.range.start + consumed..d.range.end + consumed);
            }
            let done = splitter.pending_start();
            buffer.drain(..done);
            splitter.rebase(done);
            consumed += done;
        }
        while let Some(d) = splitter.next_document(&buffer, true) {
            streamed.push(d.range.start + consumed..d.range.end + consumed);
        }
        assert_eq!(streamed, docs.iter().map(|d| d.range.clone()).collect::<Vec<_>>());
    }

    #[test]
    fn an_empty_stream_has_no_documents() {
        assert!(documents(b"").is_empty());
    }
}
