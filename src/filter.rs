//! The filter: documents in, documents out, with the pull Secret placed once per namespace.
//!
//! Work on a document is split in two. [`prepare`] is pure and per document: check it (UTF-8,
//! YAML), plan the references, apply them. That is where the time goes, and it can run on many
//! documents at once. [`Filter::emit`] then writes prepared documents in order and places the
//! pull Secrets, which needs the whole stream's history: a namespace's Secret goes right before
//! its first workload, unless the input already holds a Secret (or SealedSecret) of that name
//! there; that one is replaced where it stands (or, sealed and up to date, kept as it is), so
//! running the tool on its own output changes nothing.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::{self, Read};
use std::ops::Range;

use zeroize::Zeroizing;

use crate::credentials::Credentials;
use crate::edit;
use crate::error::{Error, Location};
use crate::k8s::inject::{self, ExistingSecret, Injection};
use crate::k8s::kinds::Rules;
use crate::k8s::secret::{DockerLogin, docker_config_json, render_secret};
use crate::output::{Output, Slot};
use crate::seal::{self, CERT_ANNOTATION, Scope, SealedSecretSpec, SealingCert};
use crate::yaml;
use crate::yaml::insert::Editor;
use crate::yaml::split::{Document, Splitter};
use crate::yaml::tree::Tree;

/// The Secret type of a pull secret.
const DOCKER_CONFIG_JSON: &str = "kubernetes.io/dockerconfigjson";

/// What the filter does, fixed for a run.
#[derive(Debug)]
pub struct Config {
    pub secret_name: String,
    /// Login server whose images select the pod specs to touch (`--only-registry-images`).
    pub only_registry: Option<String>,
    pub rules: Rules,
    /// What the pull Secret is made of; `None` adds references only.
    pub pull_secret: Option<PullSecret>,
    /// The namespace assumed for objects that name none (`--namespace`).
    pub default_namespace: Option<String>,
    /// Parse every document. Otherwise a document that skimming shows cannot need an edit is
    /// copied as it is, unparsed (and so unvalidated): the fast path for streams that kustomize
    /// or Helm printed.
    pub validate: bool,
}

/// The pull Secret's ingredients.
#[derive(Debug)]
pub struct PullSecret {
    pub credentials: Credentials,
    /// Seal it for the sealed-secrets controller instead of emitting a plain Secret.
    pub sealing: Option<Sealing>,
}

/// How to seal.
#[derive(Debug)]
pub struct Sealing {
    pub cert: SealingCert,
    pub scope: Scope,
    /// Seal afresh even where an up-to-date SealedSecret exists (`--reseal`).
    pub reseal: bool,
    /// Up-to-date SealedSecrets of a previous run's output (`--previous`, `--output`) by
    /// namespace group, to reuse instead of sealing afresh.
    pub previous: HashMap<Option<String>, String>,
}

impl Config {
    /// The pull Secret for `namespace`, lines ending with `eol`, without a leading `---`.
    fn render_pull_secret(
        &self,
        pull_secret: &PullSecret,
        namespace: Option<&str>,
        eol: &str,
    ) -> Result<Zeroizing<String>, Error> {
        let credentials = &pull_secret.credentials;
        let login = DockerLogin {
            server: &credentials.server,
            username: &credentials.username,
            password: credentials.password.expose(),
            email: credentials.email.as_deref(),
        };
        let Some(sealing) = &pull_secret.sealing else {
            return Ok(render_secret(&self.secret_name, namespace, &login, eol));
        };
        if !sealing.reseal
            && let Some(previous) = sealing.previous.get(&namespace.map(str::to_string))
        {
            return Ok(Zeroizing::new(
                previous.lines().map(|line| format!("{line}{eol}")).collect(),
            ));
        }
        let label = sealing
            .scope
            .label(namespace, &self.secret_name)
            .map_err(|e| Error::new(format!("cannot seal Secret `{}`: {e}", self.secret_name)))?;
        let plaintext = docker_config_json(&login);
        let encrypted =
            [(".dockerconfigjson", seal::seal(&sealing.cert, &label, plaintext.as_bytes()))];
        let spec = SealedSecretSpec {
            name: &self.secret_name,
            namespace,
            scope: sealing.scope,
            secret_type: DOCKER_CONFIG_JSON,
            encrypted_data: &encrypted,
            cert_fingerprint: &sealing.cert.fingerprint(),
        };
        Ok(Zeroizing::new(seal::render_sealed_secret(&spec, eol)))
    }

    /// Whether `existing` is a SealedSecret this run would make, apart from its random
    /// ciphertext: then it is kept, so that re-running does not churn every commit.
    fn is_up_to_date(&self, existing: &ExistingSecret) -> bool {
        let Some(sealing) = self.pull_secret.as_ref().and_then(|p| p.sealing.as_ref()) else {
            return false;
        };
        let annotation = |key: &str| {
            existing.annotations.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
        };
        let scope_matches =
            [Scope::Strict, Scope::NamespaceWide, Scope::ClusterWide].iter().all(|scope| {
                let Some(key) = scope.annotation() else { return true };
                (annotation(key) == Some("true")) == (*scope == sealing.scope)
            });
        existing.sealed
            && !sealing.reseal
            && scope_matches
            && annotation(CERT_ANNOTATION) == Some(sealing.cert.fingerprint().as_str())
    }

    /// The namespace group of an object: its namespace, else the assumed one.
    fn group(&self, namespace: Option<String>) -> Option<String> {
        namespace.or_else(|| self.default_namespace.clone())
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
    groups: Vec<Option<String>>,
    /// Set when the document is a pull Secret already.
    existing: Option<Existing>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Closing {
    Nothing,
    StartMarker,
    EndMarker,
}

/// An existing pull Secret document.
#[derive(Debug)]
struct Existing {
    group: Option<String>,
    /// The bytes a fresh Secret replaces: the document's body, after its `---` line and
    /// leading comments, before its `...` line.
    body: Range<usize>,
    /// The body starts on the `---` line, so the replacement must bring its own `---`.
    marker_in_body: bool,
    /// A SealedSecret as this run would make it: kept, not re-sealed.
    up_to_date: bool,
}

impl Prepared<'_> {
    /// Whether the document holds anything but comments and markers.
    pub fn has_content(&self) -> bool {
        self.has_content
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
    };
    if !document.has_content {
        return Ok(prepared);
    }
    let injection = Injection {
        secret_name: &config.secret_name,
        only_registry: config.only_registry.as_deref(),
        rules: &config.rules,
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
    let tree = Tree::parse(text).map_err(located)?;
    let editor = Editor::new(text, &tree);
    let mut plan = inject::plan(&tree, &editor, injection).map_err(located)?;
    edit::sort_and_check(&mut plan.edits, bytes.len()).map_err(|conflict| {
        let message =
            format!("internal error planning edits: {conflict} (bytes from the document's start)");
        Error::at(&source.location(base + conflict.offset()), message)
    })?;
    prepared.groups = plan.namespaces.into_iter().map(|ns| config.group(ns)).collect();
    if let Some(existing) = plan.pull_secret {
        let (body, marker_in_body) = secret_body(source.bytes, document);
        prepared.existing = Some(Existing {
            group: config.group(existing.namespace.clone()),
            body: body.start - base..body.end - base,
            marker_in_body,
            up_to_date: config.is_up_to_date(&existing),
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

/// Where a namespace's pull Secret stands.
#[derive(Clone, Copy, Debug)]
enum Placed {
    /// Planned before the namespace's first workload, in batch `batch` of
    /// [`Filter::batches`]; a later Secret in the input may take its place.
    BeforeFirstWorkload { slot: Slot, batch: usize },
    /// Written (or kept) where the input had one.
    WhereTheInputHadIt,
}

/// Secrets placed together before a document.
#[derive(Clone, Copy, Debug)]
struct Batch {
    /// How many of them are still in place.
    live: usize,
    /// The `---` or `...` written after them, held so that it can be taken back.
    closing: Option<Slot>,
}

/// The filter's state across the documents of a run.
#[derive(Debug)]
pub struct Filter<'c> {
    config: &'c Config,
    /// Emit pull Secrets into the stream (not in `--write`/`--check` modes, where they go to
    /// their own file).
    secrets_in_stream: bool,
    placed: HashMap<Option<String>, Placed>,
    /// The Secrets placed before one document, with the marker that closes them: when every
    /// one of them gives way to a Secret found later, the marker goes too.
    batches: Vec<Batch>,
    /// Namespace groups with workloads, in the order first seen.
    groups: Vec<Option<String>>,
    groups_seen: HashSet<Option<String>>,
    /// Documents with content seen so far.
    documents: usize,
    /// Something was written, and whether it ended with a line break.
    written: Option<bool>,
    /// A new source began after output: its first document must start with `---`.
    separator_due: bool,
}

impl<'c> Filter<'c> {
    /// A filter that emits the pull Secrets into the stream (when the config makes them).
    pub fn new(config: &'c Config) -> Filter<'c> {
        Filter::with_secrets(config, config.pull_secret.is_some())
    }

    /// A filter that only adds references, and records which namespaces need a Secret.
    pub fn references_only(config: &'c Config) -> Filter<'c> {
        Filter::with_secrets(config, false)
    }

    fn with_secrets(config: &'c Config, secrets_in_stream: bool) -> Filter<'c> {
        Filter {
            config,
            secrets_in_stream,
            placed: HashMap::new(),
            batches: Vec::new(),
            groups: Vec::new(),
            groups_seen: HashSet::new(),
            documents: 0,
            written: None,
            separator_due: false,
        }
    }

    /// How many documents with content have been read.
    pub fn documents(&self) -> usize {
        self.documents
    }

    /// The namespace groups that have workloads, in the order first seen.
    pub fn groups(&self) -> &[Option<String>] {
        &self.groups
    }

    /// Marks the start of another input joined to the same output stream: a line break ends
    /// the previous one if it lacked it, and the next document gets a `---` of its own.
    pub fn begin_source(&mut self, out: &mut dyn Output) -> Result<(), Error> {
        match self.written {
            None => {}
            Some(ended_with_break) => {
                if !ended_with_break {
                    self.write(out, b"\n")?;
                }
                self.separator_due = true;
            }
        }
        Ok(())
    }

    /// Writes one prepared document, placing pull Secrets as needed.
    pub fn emit(&mut self, prepared: &Prepared, out: &mut dyn Output) -> Result<(), Error> {
        let bytes = &prepared.bytes[..];
        if !prepared.has_content {
            return self.write(out, bytes);
        }
        self.documents += 1;
        let eol = prepared.eol;
        self.write(out, &bytes[..prepared.insertion])?;
        let separator_due = std::mem::take(&mut self.separator_due);
        if separator_due && prepared.closing == Closing::EndMarker {
            // Directives may only follow a document that ended with `...`.
            self.write(out, format!("...{eol}").as_bytes())?;
        }
        for group in &prepared.groups {
            if self.groups_seen.insert(group.clone()) {
                self.groups.push(group.clone());
            }
        }
        let pull_secret = self.config.pull_secret.as_ref().filter(|_| self.secrets_in_stream);
        if let (Some(pull_secret), Some(existing)) = (pull_secret, &prepared.existing) {
            return self.replace_existing(prepared, existing, pull_secret, out);
        }
        let batch = self.batches.len();
        let mut placed_here = 0;
        if let Some(pull_secret) = pull_secret {
            for group in &prepared.groups {
                if self.placed.contains_key(group) {
                    continue;
                }
                let mut text = Zeroizing::new(format!("---{eol}"));
                text.push_str(&self.config.render_pull_secret(
                    pull_secret,
                    group.as_deref(),
                    eol,
                )?);
                let slot = self.secret(out, text)?;
                self.placed.insert(group.clone(), Placed::BeforeFirstWorkload { slot, batch });
                placed_here += 1;
            }
        }
        // What follows the Secrets (or the previous input) must still start this document.
        let closing = match prepared.closing {
            Closing::StartMarker if separator_due => {
                self.write(out, format!("---{eol}").as_bytes())?;
                None
            }
            Closing::StartMarker if placed_here > 0 => Some(format!("---{eol}")),
            Closing::EndMarker if placed_here > 0 => Some(format!("...{eol}")),
            _ => None,
        };
        if placed_here > 0 {
            let closing = closing.map(|text| self.secret(out, Zeroizing::new(text))).transpose()?;
            self.batches.push(Batch { live: placed_here, closing });
        }
        self.write(out, &bytes[prepared.insertion..])
    }

    /// Writes a fresh pull Secret over the body of an existing one (or keeps it when it is an
    /// up-to-date SealedSecret).
    fn replace_existing(
        &mut self,
        prepared: &Prepared,
        existing: &Existing,
        pull_secret: &PullSecret,
        out: &mut dyn Output,
    ) -> Result<(), Error> {
        let bytes = &prepared.bytes[..];
        if let Some(&Placed::BeforeFirstWorkload { slot, batch }) = self.placed.get(&existing.group)
        {
            if !out.cancel(slot) {
                // Streaming: the Secret already went out before the first workload; a second
                // one would only repeat it.
                return Ok(());
            }
            let batch = &mut self.batches[batch];
            batch.live -= 1;
            if batch.live == 0
                && let Some(closing) = batch.closing
            {
                out.cancel(closing);
            }
        }
        self.placed.insert(existing.group.clone(), Placed::WhereTheInputHadIt);
        if existing.up_to_date {
            return self.write(out, &bytes[prepared.insertion..]);
        }
        let eol = prepared.eol;
        let mut text = Zeroizing::new(if existing.marker_in_body {
            format!("---{eol}")
        } else {
            String::new()
        });
        text.push_str(&self.config.render_pull_secret(
            pull_secret,
            existing.group.as_deref(),
            eol,
        )?);
        self.write(out, &bytes[prepared.insertion..existing.body.start])?;
        self.secret(out, text)?;
        self.write(out, &bytes[existing.body.end..])
    }

    /// Appends the pull Secret of `group` as a document of its own (for `--secret-file`),
    /// unless the input already had it. Lines end with `eol`.
    pub fn append_secret(
        &mut self,
        group: &Option<String>,
        eol: &str,
        out: &mut dyn Output,
    ) -> Result<(), Error> {
        let Some(pull_secret) = &self.config.pull_secret else { return Ok(()) };
        if self.placed.contains_key(group) {
            return Ok(());
        }
        if self.written == Some(false) {
            self.write(out, eol.as_bytes())?;
        }
        let mut text = Zeroizing::new(format!("---{eol}"));
        text.push_str(&self.config.render_pull_secret(pull_secret, group.as_deref(), eol)?);
        self.secret(out, text)?;
        self.placed.insert(group.clone(), Placed::WhereTheInputHadIt);
        Ok(())
    }

    /// Prepares and emits every document of a complete `source`.
    pub fn source(&mut self, source: &Source, out: &mut dyn Output) -> Result<(), Error> {
        self.begin_source(out)?;
        let mut splitter = Splitter::new();
        while let Some(document) = splitter.next_document(source.bytes, true) {
            let prepared = prepare(self.config, source, &document)?;
            self.emit(&prepared, out)?;
        }
        Ok(())
    }

    fn write(&mut self, out: &mut dyn Output, bytes: &[u8]) -> Result<(), Error> {
        if let Some(&last) = bytes.last() {
            self.written = Some(last == b'\n');
        }
        out.write(bytes).map_err(Error::output)
    }

    fn secret(&mut self, out: &mut dyn Output, text: Zeroizing<String>) -> Result<Slot, Error> {
        self.written = Some(text.ends_with('\n'));
        out.secret(text).map_err(Error::output)
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

/// Runs every document of `reader` through `filter` into `out`, holding no more of the input
/// than the document being worked on (and one read chunk). `after_document` runs after each.
pub fn filter_reader(
    name: &str,
    reader: &mut dyn Read,
    filter: &mut Filter,
    out: &mut dyn Output,
    after_document: &mut dyn FnMut(&mut dyn Output) -> io::Result<()>,
) -> Result<(), Error> {
    filter.begin_source(out)?;
    let mut buffer: Vec<u8> = Vec::with_capacity(READ_CHUNK);
    let mut splitter = Splitter::new();
    let mut first_line = 1;
    let mut at_eof = false;
    loop {
        while let Some(document) = splitter.next_document(&buffer, at_eof) {
            let source = Source { name, bytes: &buffer, first_line };
            let prepared = prepare(filter.config, &source, &document)?;
            filter.emit(&prepared, out)?;
            after_document(out).map_err(Error::output)?;
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

/// Filters a whole input held in memory, as the default (held) mode does: for tests and
/// fuzzing. Returns the output and the number of documents with content.
pub fn filter_bytes(name: &str, bytes: &[u8], config: &Config) -> Result<(Vec<u8>, usize), Error> {
    let mut filter = Filter::new(config);
    let mut held = crate::output::Held::with_threshold(usize::MAX);
    filter.source(&Source { name, bytes, first_line: 1 }, &mut held)?;
    let mut out = Vec::with_capacity(bytes.len() + 1024);
    held.release(&mut out).map_err(Error::output)?;
    Ok((out, filter.documents()))
}

/// The up-to-date SealedSecrets in `bytes` (a previous output of this command), by namespace
/// group: their text from `apiVersion` on, with `\n` line endings.
pub fn reusable_sealed_secrets(
    config: &Config,
    name: &str,
    bytes: &[u8],
) -> Result<HashMap<Option<String>, String>, Error> {
    let source = Source { name, bytes, first_line: 1 };
    let mut reusable = HashMap::new();
    let mut splitter = Splitter::new();
    while let Some(document) = splitter.next_document(bytes, true) {
        let prepared = prepare(config, &source, &document)?;
        if let Some(existing) =
            prepared.existing.as_ref().filter(|e| e.up_to_date && !e.marker_in_body)
        {
            let text = String::from_utf8_lossy(&prepared.bytes[existing.body.clone()]);
            let text: String = text.lines().map(|line| format!("{line}\n")).collect();
            reusable.insert(existing.group.clone(), text);
        }
    }
    Ok(reusable)
}
