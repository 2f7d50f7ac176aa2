//! The filter: documents in, documents out, with the pull Secret placed once per namespace.
//!
//! Each document is checked (UTF-8, YAML), planned by the Kubernetes rules, and written with its
//! edits applied. The pull Secret of a namespace goes right before that namespace's first
//! workload, unless the input already holds a Secret (or SealedSecret) of that name there: then
//! that one is replaced where it stands, so running the tool on its own output changes nothing.

use std::collections::HashMap;
use std::io::{self, Read};

use zeroize::Zeroizing;

use crate::credentials::Credentials;
use crate::edit;
use crate::error::{Error, Location};
use crate::k8s::inject::{self, Injection};
use crate::k8s::kinds::Rules;
use crate::k8s::secret::{DockerLogin, render_secret};
use crate::output::{Output, Slot};
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
    /// The credentials the pull Secret is made of; `None` adds references only.
    pub credentials: Option<Credentials>,
}

impl Config {
    /// The pull Secret for `namespace`, lines ending with `eol`.
    fn pull_secret(
        &self,
        credentials: &Credentials,
        namespace: Option<&str>,
        eol: &str,
    ) -> Zeroizing<String> {
        let login = DockerLogin {
            server: &credentials.server,
            username: &credentials.username,
            password: credentials.password.expose(),
            email: credentials.email.as_deref(),
        };
        render_secret(&self.secret_name, namespace, &login, eol)
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

/// Where a namespace's pull Secret stands.
#[derive(Clone, Copy, Debug)]
enum Placed {
    /// Planned before the namespace's first workload; a later Secret in the input may take
    /// its place.
    BeforeFirstWorkload(Slot),
    /// Written where the input had one.
    WhereTheInputHadIt,
}

/// The filter's state across the documents of a run.
#[derive(Debug)]
pub struct Filter<'c> {
    config: &'c Config,
    namespaces: HashMap<Option<String>, Placed>,
    /// Documents with content seen so far.
    documents: usize,
}

impl<'c> Filter<'c> {
    pub fn new(config: &'c Config) -> Filter<'c> {
        Filter { config, namespaces: HashMap::new(), documents: 0 }
    }

    /// How many documents with content have been read.
    pub fn documents(&self) -> usize {
        self.documents
    }

    /// Transforms `document` of `source` and writes it to `out`.
    pub fn document(
        &mut self,
        source: &Source,
        document: &Document,
        out: &mut dyn Output,
    ) -> Result<(), Error> {
        let bytes = &source.bytes[document.range.clone()];
        let base = document.range.start;
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let offset = base + e.valid_up_to();
            Error::at(
                &source.location(offset),
                format!("invalid UTF-8 (byte offset {offset}); expected UTF-8 text"),
            )
        })?;
        if !document.has_content {
            return out.write(bytes).map_err(write_error);
        }
        self.documents += 1;
        let tree = Tree::parse(text, base)
            .map_err(|e| Error::at(&source.location(e.offset), e.message))?;
        let editor = Editor::new(text, base, &tree);
        let injection = Injection {
            secret_name: &self.config.secret_name,
            only_registry: self.config.only_registry.as_deref(),
            rules: &self.config.rules,
        };
        let mut plan = inject::plan(&tree, &editor, injection)
            .map_err(|e| Error::at(&source.location(e.offset), e.message))?;
        edit::sort_and_check(&mut plan.edits, source.bytes.len()).map_err(|why| {
            Error::at(&source.location(base), format!("internal error planning edits: {why}"))
        })?;

        let Some(credentials) = &self.config.credentials else {
            return out
                .write(&edit::apply_within(source.bytes, document.range.clone(), &plan.edits))
                .map_err(write_error);
        };
        let eol = line_ending(bytes);
        if let Some(namespace) = plan.pull_secret {
            return self.replace_pull_secret(source, document, namespace, credentials, eol, out);
        }
        let insertion = document.insertion_point(source.bytes);
        out.write(&source.bytes[base..insertion]).map_err(write_error)?;
        for namespace in plan.namespaces {
            if self.namespaces.contains_key(&namespace) {
                continue;
            }
            let mut text = Zeroizing::new(format!("---{eol}"));
            text.push_str(&self.config.pull_secret(credentials, namespace.as_deref(), eol));
            // What follows must still start a document of its own.
            if document.directives.is_some() {
                text.push_str(&format!("...{eol}"));
            } else if document.start_marker.is_none() {
                text.push_str(&format!("---{eol}"));
            }
            let slot = out.secret(text).map_err(write_error)?;
            self.namespaces.insert(namespace, Placed::BeforeFirstWorkload(slot));
        }
        out.write(&edit::apply_within(source.bytes, insertion..document.range.end, &plan.edits))
            .map_err(write_error)
    }

    /// Writes a fresh pull Secret over the body of `document`, an existing one for `namespace`.
    fn replace_pull_secret(
        &mut self,
        source: &Source,
        document: &Document,
        namespace: Option<String>,
        credentials: &Credentials,
        eol: &str,
        out: &mut dyn Output,
    ) -> Result<(), Error> {
        if let Some(Placed::BeforeFirstWorkload(slot)) = self.namespaces.get(&namespace)
            && !out.cancel(*slot)
        {
            // Streaming: the Secret already went out before the first workload; a second one
            // would only repeat it.
            return Ok(());
        }
        let bytes = source.bytes;
        let (body_start, marker_text) = match document.start_marker {
            Some(marker) => {
                let line_end = memchr::memchr(b'\n', &bytes[marker..document.range.end])
                    .map_or(document.range.end, |newline| marker + newline + 1);
                let rest = bytes[marker + 3..line_end].trim_ascii();
                if rest.is_empty() || rest.starts_with(b"#") {
                    (line_end, false)
                } else {
                    (marker, true)
                }
            }
            None => (document.insertion_point(bytes), false),
        };
        let body_end = end_marker_line(bytes, document).unwrap_or(document.range.end);
        // Comments that introduce the old Secret keep introducing the new one.
        let body_start =
            if marker_text { body_start } else { after_comment_lines(bytes, body_start, body_end) };
        let mut text =
            Zeroizing::new(if marker_text { format!("---{eol}") } else { String::new() });
        text.push_str(&self.config.pull_secret(credentials, namespace.as_deref(), eol));
        out.write(&bytes[document.range.start..body_start]).map_err(write_error)?;
        out.secret(text).map_err(write_error)?;
        out.write(&bytes[body_end..document.range.end]).map_err(write_error)?;
        self.namespaces.insert(namespace, Placed::WhereTheInputHadIt);
        Ok(())
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

/// The start of `document`'s closing `...` line, if it ends with one.
fn end_marker_line(bytes: &[u8], document: &Document) -> Option<usize> {
    let body = &bytes[document.range.clone()];
    let trimmed = body.strip_suffix(b"\n").unwrap_or(body);
    let trimmed = trimmed.strip_suffix(b"\r").unwrap_or(trimmed);
    let line_start = memchr::memrchr(b'\n', trimmed).map_or(0, |newline| newline + 1);
    let line = &trimmed[line_start..];
    let is_end = line.starts_with(b"...") && line[3..].iter().all(|b| matches!(b, b' ' | b'\t'));
    is_end.then_some(document.range.start + line_start)
}

/// The line ending a document uses: that of its first line, `\n` when it has none.
pub fn line_ending(bytes: &[u8]) -> &'static str {
    match memchr::memchr(b'\n', bytes) {
        Some(newline) if newline > 0 && bytes[newline - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

fn write_error(error: io::Error) -> Error {
    Error::output(error)
}

/// How much input is read at a time.
const READ_CHUNK: usize = 1 << 20;

/// Runs every document of `reader` through `filter` into `out`, holding no more of the input
/// than the document being worked on (and one read chunk). `after_document` runs after each.
pub fn filter_reader(
    name: &str,
    reader: &mut dyn Read,
    filter: &mut Filter,
    out: &mut dyn Output,
    after_document: &mut dyn FnMut(&mut dyn Output) -> io::Result<()>,
) -> Result<(), Error> {
    let mut buffer: Vec<u8> = Vec::with_capacity(READ_CHUNK);
    let mut splitter = Splitter::new();
    let mut first_line = 1;
    let mut at_eof = false;
    loop {
        while let Some(document) = splitter.next_document(&buffer, at_eof) {
            let source = Source { name, bytes: &buffer, first_line };
            filter.document(&source, &document, out)?;
            after_document(out).map_err(write_error)?;
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

/// Filters a whole input held in memory, as the default (held) mode does: for files, tests and
/// fuzzing. Returns the output and the number of documents with content.
pub fn filter_bytes(name: &str, bytes: &[u8], config: &Config) -> Result<(Vec<u8>, usize), Error> {
    let mut filter = Filter::new(config);
    let mut held = crate::output::Held::with_threshold(usize::MAX);
    filter_reader(name, &mut &bytes[..], &mut filter, &mut held, &mut |_| Ok(()))?;
    let mut out = Vec::with_capacity(bytes.len() + 1024);
    held.release(&mut out).map_err(write_error)?;
    Ok((out, filter.documents()))
}
