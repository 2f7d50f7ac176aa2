//! The filter: documents in, documents out, with the pull secret placed once per namespace.
//!
//! Work on a document is split in two. [`prepare`] is pure and per document: check it (UTF-8,
//! YAML), plan the references, apply them. That is where the time goes, and it can run on many
//! documents at once. A [`Filter`] then writes prepared documents in order, joining inputs into
//! one stream, and has [`Placement`] put the pull secrets around them: a namespace's pull secret
//! goes right before its first workload, unless the input already holds one of ours there;
//! that one is replaced where it stands (or, when its format says it is current, kept as it
//! is), so running the tool on its own output changes nothing.
//!
//! [`Filter::feed`] is the one way input becomes output: every mode runs its inputs through it.

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{self, Read};
use std::ops::Range;

use crate::edit;
use crate::error::{Error, Location};
use crate::formats::{self, SecretFormat};
use crate::k8s::inject::{self, Injection};
use crate::k8s::kinds::Rules;
use crate::k8s::object::{Kind, ObjectView};
use crate::output::{Held, Output};
use crate::placement::{Annotations, Found, Group, Placement, PullSecrets, Reusable};
use crate::yaml;
use crate::yaml::insert::Editor;
use crate::yaml::split::{Document, Splitter};
use crate::yaml::tree::Tree;

/// What the filter does, fixed for a run.
#[derive(Debug)]
pub struct Config {
    pub secret_name: String,
    /// Login server whose images select the pod specs to touch (`--only-registry-images`).
    pub only_registry: Option<String>,
    pub rules: Rules,
    /// What the pull secret is; `None` adds references only.
    pub pull_secret: Option<PullSecret>,
    /// The namespace assumed for objects that name none (`--namespace`).
    pub default_namespace: Option<String>,
    /// Parse every document. Otherwise a document that skimming shows cannot need an edit is
    /// copied as it is, unparsed (and so unvalidated): the fast path for streams that kustomize
    /// or Helm printed.
    pub validate: bool,
}

/// The pull secret a run emits.
#[derive(Debug)]
pub struct PullSecret {
    pub format: Box<dyn SecretFormat>,
    /// Current parts of a previous output (`--previous`, `--output`), reused instead of
    /// rendered afresh.
    pub reusable: Reusable,
}

impl Config {
    /// The namespace group of an object: its namespace, else the assumed one.
    fn group(&self, namespace: Option<String>) -> Group {
        namespace.or_else(|| self.default_namespace.clone())
    }

    /// Whether the object `existing` of `kind`, a pull secret of ours, is current for this
    /// run's format.
    fn is_current(&self, kind: Kind, existing: &ObjectView) -> bool {
        let Some(pull_secret) = &self.pull_secret else { return false };
        let format = &pull_secret.format;
        let part = format.parts().iter().position(|part| *part == kind);
        part.is_some_and(|part| format.is_current(part, existing))
    }
}

/// A buffer of input and where it came from, for messages.
#[derive(Clone, Copy, Debug)]
pub struct Source<'b> {
    /// The name users know it by: a path as they typed it, or `<stdin>`.
    pub name: &'b str,
    pub bytes: &'b [u8],
    /// The line number of `bytes[0]`, from 1.
    pub first_line: usize,
}

impl Source<'_> {
    fn location(&self, offset: usize) -> Location {
        Location::in_text(self.name, self.bytes, self.first_line, offset)
    }
}

/// A document with its references added, and what placing Secrets around it needs to know.
#[derive(Debug)]
pub struct Prepared<'a> {
    /// The document's bytes, edits applied.
    bytes: Cow<'a, [u8]>,
    /// Where a document can be put in front of this one, in `bytes`.
    insertion: usize,
    has_content: bool,
    /// Text that must follow a document put in front of this one, so that this one still
    /// starts a document of its own: `---` where it has no marker, `...` before directives.
    closing: Closing,
    eol: &'static str,
    /// The namespace group of each pod spec that references the pull secret.
    groups: Vec<Group>,
    /// Set when the document is a pull secret of ours already.
    existing: Option<Existing>,
    /// Warnings about the document, located (`SOURCE:LINE:COLUMN: ...`).
    warnings: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Closing {
    Nothing,
    StartMarker,
    EndMarker,
}

/// A document that is a pull secret of ours already.
#[derive(Debug)]
struct Existing {
    group: Group,
    kind: Kind,
    /// The bytes a fresh one replaces: the document's body, after its `---` line and leading
    /// comments, before its `...` line.
    body: Range<usize>,
    /// The body starts on the `---` line, so the replacement must bring its own `---`.
    marker_in_body: bool,
    /// What this run's format would write but for randomness: kept as it is.
    current: bool,
}

impl Prepared<'_> {
    /// Whether the document holds anything but comments and markers.
    pub fn has_content(&self) -> bool {
        self.has_content
    }

    /// Whether a pod spec of the document references the pull secret.
    pub fn references_pull_secret(&self) -> bool {
        !self.groups.is_empty()
    }
}

/// Checks and transforms one document of `source`. Pure: no output, no state.
pub fn prepare<'a>(
    config: &Config,
    source: &Source<'a>,
    document: &Document,
) -> Result<Prepared<'a>, Error> {
    let bytes: &'a [u8] = &source.bytes[document.range.clone()];
    let base = document.range.start;
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = base + e.valid_up_to();
        let utf16 = offset == 0 && (source.bytes.starts_with(&[0xFF, 0xFE]) || source.bytes.starts_with(&[0xFE, 0xFF]));
        let message = if utf16 {
            "UTF-16 text (it starts with a UTF-16 byte order mark); expected UTF-8: convert it, e.g. with \
             `iconv -f UTF-16 -t UTF-8`"
                .to_string()
        } else {
            format!("invalid UTF-8 (byte offset {offset}); expected UTF-8 text")
        };
        Error::at(&source.location(offset), message)
    })?;
    let insertion = document.insertion_point(source.bytes) - base;
    let closing = if document.directives.is_some() {
        Closing::EndMarker
    } else if document.start_marker.is_none() {
        Closing::StartMarker
    } else {
        Closing::Nothing
    };
    let mut prepared = Prepared {
        bytes: Cow::Borrowed(bytes),
        insertion,
        has_content: document.has_content,
        closing,
        eol: line_ending(bytes),
        groups: Vec::new(),
        existing: None,
        warnings: Vec::new(),
    };
    if !document.has_content {
        return Ok(prepared);
    }
    let injection = Injection {
        secret_name: &config.secret_name,
        only_registry: config.only_registry.as_deref(),
        rules: &config.rules,
        pull_secret_kinds: formats::OURS,
    };
    if !config.validate && inject::needs_no_parse(bytes, &injection) {
        return Ok(prepared);
    }
    // YAML reads a carriage return alone as a line break; this tool's lines end with `\n`.
    // Rather than edit such a document by two different notions of a line, refuse it.
    if let Some(cr) =
        memchr::memchr_iter(b'\r', bytes).find(|&at| bytes.get(at + 1) != Some(&b'\n'))
    {
        return Err(Error::at(
            &source.location(base + cr),
            "a carriage return without a line feed (old Mac line ending); expected LF or CRLF line endings",
        ));
    }
    // The tree, the editor and their errors count bytes from the document's start.
    let located = |e: yaml::Error| Error::at(&source.location(base + e.span.start), e.message);
    let tree = Tree::parse(text)
        .map_err(|e| Error::syntax_at(&source.location(base + e.span.start), e.message))?;
    let editor = Editor::new(text, &tree);
    let mut plan = inject::plan(&tree, &editor, injection).map_err(located)?;
    edit::sort_and_check(&mut plan.edits, bytes.len()).map_err(|conflict| {
        let message =
            format!("internal error planning edits: {conflict} (bytes from the document's start)");
        Error::at(&source.location(base + conflict.offset()), message)
    })?;
    prepared.groups = plan.namespaces.into_iter().map(|ns| config.group(ns)).collect();
    prepared.warnings = plan
        .warnings
        .into_iter()
        .map(|warning| format!("{}: {}", source.location(base + warning.at), warning.message))
        .collect();
    if let Some(existing) = plan.pull_secret {
        let (body, marker_in_body) = secret_body(source.bytes, document);
        prepared.existing = Some(Existing {
            group: config.group(existing.namespace.clone()),
            kind: existing.kind,
            body: body.start - base..body.end - base,
            marker_in_body,
            current: config.is_current(existing.kind, &ObjectView::new(&tree, existing.node)),
        });
    }
    if !plan.edits.is_empty() {
        prepared.bytes = Cow::Owned(edit::apply(bytes, &plan.edits));
    }
    Ok(prepared)
}

/// The part of an existing pull Secret document that a fresh one replaces, and whether it
/// starts on the `---` line (content after the marker).
fn secret_body(bytes: &[u8], document: &Document) -> (Range<usize>, bool) {
    let end = document.end_marker.unwrap_or(document.range.end);
    let (start, marker_in_body) = match document.start_marker {
        Some(marker) if document.content_on_start_marker => (marker, true),
        Some(marker) => {
            let line_end = memchr::memchr(b'\n', &bytes[marker..end])
                .map_or(end, |newline| marker + newline + 1);
            (line_end, false)
        }
        None => (document.insertion_point(bytes), false),
    };
    // Comments that introduce the old Secret keep introducing the new one, and comments after
    // it (which introduce what follows) stay after the new one.
    let start = if marker_in_body { start } else { after_comment_lines(bytes, start, end) };
    let end = before_trailing_comment_lines(bytes, start, end);
    (start..end, marker_in_body)
}

/// Where the pull secrets of a run go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Secrets {
    /// Into the stream, placed around the documents.
    InStream,
    /// Elsewhere (`--secret-file`): the stream only gains references, and the filter records
    /// which namespace groups need a pull secret.
    Elsewhere,
}

/// One input of a stream.
pub enum Feed<'a> {
    /// A whole input in memory.
    Bytes(Source<'a>),
    /// An input whose documents were prepared beforehand (in parallel).
    Prepared(&'a [Prepared<'a>]),
    /// An input read one document at a time, holding no more of it than the document being
    /// worked on (and one read chunk).
    Reader { name: &'a str, reader: &'a mut dyn Read },
}

/// What a run of the filter saw.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Documents with content.
    pub documents: usize,
    /// The namespace groups that have workloads, in the order first seen.
    pub groups: Vec<Group>,
    /// The documents' warnings, in order, for the mode that runs to print once.
    pub warnings: Vec<String>,
}

/// The filter's state across the documents of a run: joins inputs into one stream and has
/// [`Placement`] put the pull secrets around the documents.
#[derive(Debug)]
pub struct Filter<'c> {
    config: &'c Config,
    /// `None` when the run emits no pull secret into the stream.
    placement: Option<Placement<'c>>,
    summary: Summary,
    groups_seen: HashSet<Group>,
    /// Something was written, and whether it ended with a line break.
    written: Option<bool>,
    /// A new input began after output: its first document must start with `---`.
    separator_due: bool,
}

impl<'c> Filter<'c> {
    pub fn new(config: &'c Config, secrets: Secrets) -> Filter<'c> {
        Filter::annotating(config, secrets, &[])
    }

    /// A filter whose emitted objects (the pull secrets) each carry `annotations`, added
    /// where a part is rendered, whatever its format (see [`PullSecrets`]).
    pub fn annotating(
        config: &'c Config,
        secrets: Secrets,
        annotations: &'c Annotations,
    ) -> Filter<'c> {
        let placement = config.pull_secret.as_ref().filter(|_| secrets == Secrets::InStream).map(
            |pull_secret| {
                Placement::new(PullSecrets {
                    format: &*pull_secret.format,
                    name: &config.secret_name,
                    reusable: &pull_secret.reusable,
                    annotations,
                })
            },
        );
        Filter {
            config,
            placement,
            summary: Summary::default(),
            groups_seen: HashSet::new(),
            written: None,
            separator_due: false,
        }
    }

    /// What the filter has seen so far.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// What the filter saw, when done.
    pub fn into_summary(self) -> Summary {
        self.summary
    }

    /// Runs one more input into `out`, joined to what came before as a stream: a line break
    /// ends the previous input if it lacked one, and this one's first document gets a `---`
    /// of its own.
    pub fn feed(&mut self, feed: Feed, out: &mut dyn Output) -> Result<(), Error> {
        if let Some(ended_with_break) = self.written {
            if !ended_with_break {
                self.write(out, b"\n")?;
            }
            self.separator_due = true;
        }
        match feed {
            Feed::Bytes(source) => {
                let mut splitter = Splitter::new();
                while let Some(document) = splitter.next_document(source.bytes, true) {
                    let prepared = prepare(self.config, &source, &document)?;
                    self.emit(&prepared, out)?;
                }
            }
            Feed::Prepared(documents) => {
                for prepared in documents {
                    self.emit(prepared, out)?;
                }
            }
            Feed::Reader { name, reader } => self.feed_reader(name, reader, out)?,
        }
        out.flush().map_err(Error::output)
    }

    /// Appends the pull secret of each of `groups` that the stream does not hold yet, each
    /// part a document of its own with lines ending in `eol` (for `--secret-file`).
    pub fn append_missing(
        &mut self,
        groups: &[Group],
        eol: &str,
        out: &mut dyn Output,
    ) -> Result<(), Error> {
        let Some(placement) = &mut self.placement else { return Ok(()) };
        for group in groups {
            if placement.holds_all(group) {
                continue;
            }
            if self.written == Some(false) {
                out.write(eol.as_bytes()).map_err(Error::output)?;
            }
            placement.append_missing(group, eol, out)?;
            self.written = Some(true);
        }
        Ok(())
    }

    fn feed_reader(
        &mut self,
        name: &str,
        reader: &mut dyn Read,
        out: &mut dyn Output,
    ) -> Result<(), Error> {
        let mut buffer: Vec<u8> = Vec::with_capacity(READ_CHUNK);
        let mut splitter = Splitter::new();
        let mut first_line = 1;
        let mut at_eof = false;
        loop {
            while let Some(document) = splitter.next_document(&buffer, at_eof) {
                let source = Source { name, bytes: &buffer, first_line };
                let prepared = prepare(self.config, &source, &document)?;
                self.emit(&prepared, out)?;
            }
            if at_eof {
                return Ok(());
            }
            let consumed = splitter.pending_start();
            first_line += buffer[..consumed].iter().filter(|&&b| b == b'\n').count();
            buffer.drain(..consumed);
            splitter.rebase(consumed);
            let filled = buffer.len();
            buffer.resize(filled + READ_CHUNK, 0);
            let read = loop {
                match reader.read(&mut buffer[filled..]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    result => break result,
                }
            };
            let read = read.map_err(|e| Error::new(format!("{name}: cannot read: {e}")))?;
            buffer.truncate(filled + read);
            at_eof = read == 0;
        }
    }

    /// Writes one prepared document, with the pull secrets placed around it.
    fn emit(&mut self, prepared: &Prepared, out: &mut dyn Output) -> Result<(), Error> {
        let bytes = &prepared.bytes[..];
        if !prepared.has_content {
            return self.write(out, bytes);
        }
        self.summary.documents += 1;
        self.summary.warnings.extend(prepared.warnings.iter().cloned());
        let eol = prepared.eol;
        self.write(out, &bytes[..prepared.insertion])?;
        let separator_due = std::mem::take(&mut self.separator_due);
        if separator_due && prepared.closing == Closing::EndMarker {
            // Directives may only follow a document that ended with `...`.
            self.write(out, format!("...{eol}").as_bytes())?;
        }
        for group in &prepared.groups {
            if self.groups_seen.insert(group.clone()) {
                self.summary.groups.push(group.clone());
            }
        }
        if let Some(existing) = &prepared.existing
            && self.placement.is_some()
        {
            // A pull secret that starts an input of its own still needs the `---` that
            // separates it from the input before.
            if separator_due && prepared.closing == Closing::StartMarker {
                self.write(out, format!("---{eol}").as_bytes())?;
            }
            return self.replace_existing(prepared, existing, out);
        }
        let placed = match &mut self.placement {
            Some(placement) => placement.place_before(&prepared.groups, eol, out)?,
            None => 0,
        };
        if placed > 0 {
            self.written = Some(true);
        }
        // What follows the pull secrets (or the previous input) must still start this document.
        let closing = match prepared.closing {
            Closing::StartMarker if separator_due => {
                self.write(out, format!("---{eol}").as_bytes())?;
                None
            }
            Closing::StartMarker if placed > 0 => Some(format!("---{eol}")),
            Closing::EndMarker if placed > 0 => Some(format!("...{eol}")),
            _ => None,
        };
        if let (Some(closing), Some(placement)) = (closing, &mut self.placement) {
            placement.close_batch(&closing, out)?;
        }
        self.write(out, &bytes[prepared.insertion..])
    }

    /// Writes a fresh pull secret over the body of one the input holds, or keeps it.
    fn replace_existing(
        &mut self,
        prepared: &Prepared,
        existing: &Existing,
        out: &mut dyn Output,
    ) -> Result<(), Error> {
        let bytes = &prepared.bytes[..];
        let eol = prepared.eol;
        let placement = self.placement.as_mut().expect("only called with a placement");
        let found = placement.found(&existing.group, existing.kind, existing.current, eol, out)?;
        let text = match found {
            // The part already went out (streaming, before the first workload) or stands
            // where the input had it earlier.
            Found::Drop => return Ok(()),
            Found::Keep => return self.write(out, &bytes[prepared.insertion..]),
            Found::Replace(text) => text,
        };
        self.write(out, &bytes[prepared.insertion..existing.body.start])?;
        if existing.marker_in_body {
            self.write(out, format!("---{eol}").as_bytes())?;
        }
        out.secret(text).map_err(Error::output)?;
        self.written = Some(true);
        self.write(out, &bytes[existing.body.end..])
    }

    fn write(&mut self, out: &mut dyn Output, bytes: &[u8]) -> Result<(), Error> {
        if let Some(&last) = bytes.last() {
            self.written = Some(last == b'\n');
        }
        out.write(bytes).map_err(Error::output)
    }
}

/// The start of the first line in `from..to` that is neither blank nor a comment.
fn after_comment_lines(bytes: &[u8], mut from: usize, to: usize) -> usize {
    while from < to {
        let line_end =
            memchr::memchr(b'\n', &bytes[from..to]).map_or(to, |newline| from + newline + 1);
        let line = bytes[from..line_end].trim_ascii();
        if !line.is_empty() && !line.starts_with(b"#") {
            break;
        }
        from = line_end;
    }
    from
}

/// The start of the blank and column-0 comment lines that end `from..to` (`to` if none). Only
/// column-0 comments count: an indented `#` line may be a block scalar's content.
fn before_trailing_comment_lines(bytes: &[u8], from: usize, mut to: usize) -> usize {
    while to > from {
        let line_end = if bytes[to - 1] == b'\n' { to - 1 } else { to };
        let line_start = memchr::memrchr(b'\n', &bytes[from..line_end])
            .map_or(from, |newline| from + newline + 1);
        let line = &bytes[line_start..line_end];
        if !(line.trim_ascii().is_empty() || line.starts_with(b"#")) {
            break;
        }
        to = line_start;
    }
    to
}

/// The line ending a document uses: that of its first line, `\n` when it has none.
pub fn line_ending(bytes: &[u8]) -> &'static str {
    match memchr::memchr(b'\n', bytes) {
        Some(newline) if newline > 0 && bytes[newline - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// How much input is read at a time.
const READ_CHUNK: usize = 1 << 20;

/// Filters a whole input held in memory, as the default (held) mode does: for tests and
/// fuzzing. Returns the output and the number of documents with content.
pub fn filter_bytes(name: &str, bytes: &[u8], config: &Config) -> Result<(Vec<u8>, usize), Error> {
    let mut filter = Filter::new(config, Secrets::InStream);
    let mut held = Held::with_threshold(usize::MAX);
    filter.feed(Feed::Bytes(Source { name, bytes, first_line: 1 }), &mut held)?;
    let mut out = Vec::with_capacity(bytes.len() + 1024);
    held.release(&mut out).map_err(Error::output)?;
    Ok((out, filter.summary().documents))
}

/// The current pull secrets in `bytes` (a previous output of this command), by namespace group
/// and part: their text from `apiVersion` on, with `\n` line endings, to reuse.
pub fn reusable_parts(config: &Config, name: &str, bytes: &[u8]) -> Result<Reusable, Error> {
    let Some(pull_secret) = &config.pull_secret else { return Ok(Reusable::new()) };
    let parts = pull_secret.format.parts();
    let source = Source { name, bytes, first_line: 1 };
    let mut reusable = Reusable::new();
    let mut splitter = Splitter::new();
    while let Some(document) = splitter.next_document(bytes, true) {
        let prepared = prepare(config, &source, &document)?;
        let Some(existing) = prepared.existing.as_ref().filter(|e| e.current && !e.marker_in_body)
        else {
            continue;
        };
        let Some(part) = parts.iter().position(|part| *part == existing.kind) else { continue };
        let text = String::from_utf8_lossy(&prepared.bytes[existing.body.clone()]);
        let text: String = text.lines().map(|line| format!("{line}\n")).collect();
        reusable.insert((existing.group.clone(), part), text);
    }
    Ok(reusable)
}
