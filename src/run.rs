//! The ways of running, one arm each of [`run`]: print the stream (to stdout or a file), check
//! (a diff), write files in place, the Argo CD plugin's generate command, Helm's post-renderer,
//! and the KRM function.
//!
//! Every input is read and transformed before anything is printed or written, so an error in
//! any of them leaves stdout empty and every file as it was (unless `--stream` was asked for).
//! Files are transformed in parallel; output order is always the order of the inputs.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::argocd;
use crate::diff;
use crate::error::Error;
use crate::filter::{
    Config, Feed, Filter, Prepared, Secrets, Source, Summary, line_ending, prepare,
};
use crate::formats;
use crate::helm;
use crate::k8s::redact::redact;
use crate::kustomize;
use crate::output::{Held, Streamed};
use crate::placement::Group;
use crate::settings::{Mode, SecretFile, Settings};
use crate::sources::{Input, describe};
use crate::write::{self, Stamp};
use crate::yaml::split::Splitter;

/// What happened, for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Unchanged,
    /// `--check` found, or `--write` made, changes.
    Changed,
}

/// Runs the settings' mode: the one place the ways of running are told apart.
pub fn run(
    settings: &Settings,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
) -> Result<Outcome, Error> {
    let (config, inputs) = (&settings.config, &settings.inputs[..]);
    match &settings.mode {
        Mode::Print { stream, allow_empty } => {
            check_inputs(inputs, *allow_empty)?;
            match stream {
                true => print_streamed(config, inputs, *allow_empty, stdin, stdout)?,
                false => print_inputs(config, inputs, *allow_empty, stdin, stdout)?,
            }
            Ok(Outcome::Unchanged)
        }
        Mode::PrintToFile { path, allow_empty, private } => {
            check_inputs(inputs, *allow_empty)?;
            let mut rendered = Vec::new();
            print_inputs(config, inputs, *allow_empty, stdin, &mut rendered)?;
            let stamp = Stamp::of(path).ok();
            let permissions = write::new_file_permissions(*private);
            write::replace(path, &rendered, stamp.as_ref(), permissions).map_err(|e| {
                Error::new(format!("{}: not written: {}", path.display(), describe(&e)))
            })?;
            Ok(Outcome::Unchanged)
        }
        Mode::Check { colour, secret_file } => {
            check(config, inputs, secret_file.as_ref(), *colour, stdin, stdout)
        }
        Mode::Write { secret_file } => write(config, inputs, secret_file.as_ref()),
        Mode::ArgoCd { kustomize, helm, chart } => {
            argocd::generate(settings, kustomize.as_deref(), helm.as_deref(), chart, stdout)
        }
        Mode::HelmPostRenderer => helm::post_render(settings, stdin, stdout),
        Mode::KrmFunction { resource_list } => {
            kustomize::function::run(config, resource_list, stdout)
        }
    }
}

/// Printing a stream of no inputs (a directory without manifests) is an error, unless allowed.
fn check_inputs(inputs: &[Input], allow_empty: bool) -> Result<(), Error> {
    if inputs.is_empty() && !allow_empty {
        return Err(Error::new(
            "no manifest files found in the given paths; pass --allow-empty if that is expected",
        ));
    }
    Ok(())
}

/// A file read whole.
struct Loaded {
    input: Input,
    bytes: Vec<u8>,
    stamp: Option<Stamp>,
}

impl Loaded {
    fn source(&self) -> Source<'_> {
        Source { name: self.input.name(), bytes: &self.bytes, first_line: 1 }
    }
}

fn load(input: &Input, stdin: &mut dyn Read) -> Result<Loaded, Error> {
    match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            stdin
                .read_to_end(&mut bytes)
                .map_err(|e| Error::new(format!("<stdin>: cannot read: {e}")))?;
            Ok(Loaded { input: input.clone(), bytes, stamp: None })
        }
        Input::File { path, name } => {
            let error = |e: io::Error| Error::new(format!("{name}: {}", describe(&e)));
            let stamp = Stamp::of(path).map_err(error)?;
            let bytes = std::fs::read(path).map_err(error)?;
            Ok(Loaded { input: input.clone(), bytes, stamp: Some(stamp) })
        }
    }
}

/// Reads the files (not stdin) in parallel, in order.
fn load_files(inputs: &[Input]) -> Result<Vec<Option<Loaded>>, Error> {
    inputs
        .par_iter()
        .map(|input| match input {
            Input::Stdin => Ok(None),
            file => load(file, &mut io::empty()).map(Some),
        })
        .collect()
}

/// Every document of `loaded`, prepared.
fn prepare_all<'a>(config: &Config, loaded: &'a Loaded) -> Result<Vec<Prepared<'a>>, Error> {
    let source = loaded.source();
    let mut splitter = Splitter::new();
    std::iter::from_fn(|| splitter.next_document(&loaded.bytes, true))
        .map(|document| prepare(config, &source, &document))
        .collect::<Result<_, _>>()
        .map_err(|error| helm_hint(&loaded.input, error))
}

/// A file that does not parse inside a Helm chart is a template (`{{ ... }}` is no YAML): say
/// so, and how to get the YAML it stands for, instead of leaving users to puzzle over the
/// syntax error alone.
fn helm_hint(input: &Input, error: Error) -> Error {
    let Input::File { path, .. } = input else { return error };
    if !error.is_syntax() {
        return error;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
    let Some(chart) = absolute.ancestors().skip(1).find(|dir| dir.join("Chart.yaml").is_file())
    else {
        return error;
    };
    error.with_hint(&format!(
        "this file is part of the Helm chart in {}: a Helm template, not YAML; render it first \
         (`helm template {} | acr-inject ...`, Helm's `--post-renderer` with acr-inject, or \
         `--argocd` in the chart directory)",
        chart.display(),
        chart.display()
    ))
}

/// Prints all inputs as one stream, held back until everything succeeded: files are read and
/// prepared in parallel first, stdin one document at a time. An empty result is an error
/// unless `allow_empty`.
pub fn print_inputs(
    config: &Config,
    inputs: &[Input],
    allow_empty: bool,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    let loaded = load_files(inputs)?;
    let prepared: Vec<Option<Vec<Prepared>>> = loaded
        .par_iter()
        .map(|file| file.as_ref().map(|file| prepare_all(config, file)).transpose())
        .collect::<Result<_, _>>()?;
    let mut stdin = Some(stdin);
    let feeds = inputs.iter().zip(&prepared).map(|(input, documents)| match documents {
        Some(documents) => Feed::Prepared(documents),
        None => Feed::Reader {
            name: input.name(),
            reader: stdin.take().expect("stdin is one input at most"),
        },
    });
    print_fed(&mut Filter::new(config, Secrets::InStream), feeds, allow_empty, stdout)
}

/// Runs `feeds` through `filter`, held back until all succeeded, then prints them.
pub fn print_fed<'a>(
    filter: &mut Filter,
    feeds: impl IntoIterator<Item = Feed<'a>>,
    allow_empty: bool,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    let mut held = Held::new();
    for feed in feeds {
        filter.feed(feed, &mut held)?;
    }
    check_not_empty(filter, allow_empty)?;
    held.release(stdout).map_err(Error::output)?;
    print_warnings(&filter.summary().warnings);
    Ok(())
}

/// Prints the documents' warnings on stderr, once, after the run succeeded: a warning never
/// changes the output or the exit status.
pub fn print_warnings(warnings: &[String]) {
    for warning in warnings {
        eprintln!("acr-inject: warning: {warning}");
    }
}

/// `--stream`: prints each document as soon as it is done, in constant memory.
fn print_streamed(
    config: &Config,
    inputs: &[Input],
    allow_empty: bool,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    let mut filter = Filter::new(config, Secrets::InStream);
    let mut out = Streamed::new(&mut *stdout);
    for input in inputs {
        match input {
            Input::Stdin => {
                filter.feed(Feed::Reader { name: "<stdin>", reader: stdin }, &mut out)?
            }
            file => {
                let loaded = load(file, &mut io::empty())?;
                filter
                    .feed(Feed::Bytes(loaded.source()), &mut out)
                    .map_err(|error| helm_hint(file, error))?;
            }
        }
    }
    check_not_empty(&filter, allow_empty)?;
    print_warnings(&filter.summary().warnings);
    Ok(())
}

fn check_not_empty(filter: &Filter, allow_empty: bool) -> Result<(), Error> {
    if filter.summary().documents == 0 && !allow_empty {
        return Err(Error::new(
            "no manifests on input (a failed `kustomize build` upstream?); pass --allow-empty if empty \
             input is expected",
        ));
    }
    Ok(())
}

/// A file as it is and as it would be.
struct Planned {
    name: String,
    path: Option<PathBuf>,
    stamp: Option<Stamp>,
    old: Vec<u8>,
    new: Vec<u8>,
    /// Holds a credential: created owner-only.
    private: bool,
}

impl Planned {
    fn changed(&self) -> bool {
        self.old != self.new
    }
}

/// Runs `feed` alone through a filter into memory: the new bytes, and what the filter saw.
fn filter_one(
    config: &Config,
    secrets: Secrets,
    feed: Feed,
    capacity: usize,
) -> Result<(Vec<u8>, Summary), Error> {
    let mut filter = Filter::new(config, secrets);
    let mut held = Held::with_threshold(usize::MAX);
    filter.feed(feed, &mut held)?;
    let mut new = Vec::with_capacity(capacity);
    held.release(&mut new).map_err(Error::output)?;
    Ok((new, filter.into_summary()))
}

/// Transforms every input on its own (references only), and the secret file from the
/// namespaces that need a pull secret.
fn plan(
    config: &Config,
    inputs: &[Input],
    secret_file: Option<&SecretFile>,
    stdin: &mut dyn Read,
) -> Result<Vec<Planned>, Error> {
    let mut loaded = load_files(inputs)?;
    for (slot, input) in loaded.iter_mut().zip(inputs) {
        if slot.is_none() {
            *slot = Some(load(input, stdin)?);
        }
    }
    let results: Vec<(Planned, Summary)> = loaded
        .into_par_iter()
        .map(|file| {
            let file = file.expect("every input is loaded");
            let prepared = prepare_all(config, &file)?;
            let capacity = file.bytes.len() + 256;
            let (new, summary) =
                filter_one(config, Secrets::Elsewhere, Feed::Prepared(&prepared), capacity)?;
            drop(prepared);
            let (path, name) = match file.input {
                Input::Stdin => (None, "<stdin>".to_string()),
                Input::File { path, name } => (Some(path), name),
            };
            let planned =
                Planned { name, path, stamp: file.stamp, old: file.bytes, new, private: false };
            Ok((planned, summary))
        })
        .collect::<Result<_, Error>>()?;
    let mut groups: Vec<Group> = Vec::new();
    let mut warnings = Vec::new();
    let mut planned = Vec::with_capacity(results.len() + 1);
    for (file, summary) in results {
        for group in summary.groups {
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
        warnings.extend(summary.warnings);
        planned.push(file);
    }
    if let Some(secret_file) = secret_file {
        planned.extend(plan_secret_file(config, secret_file, &groups)?);
    }
    print_warnings(&warnings);
    Ok(planned)
}

/// The secret file as it would be: its pull secrets refreshed where they stand (or kept, when
/// current), one appended for each namespace that lacks one. Other documents in it are kept.
/// `None` when there is no file and nothing to put in one.
fn plan_secret_file(
    config: &Config,
    secret_file: &SecretFile,
    groups: &[Group],
) -> Result<Option<Planned>, Error> {
    let path = &secret_file.path;
    let name = path.to_string_lossy().into_owned();
    let (old, stamp) = match std::fs::read(path) {
        Ok(bytes) => {
            let stamp =
                Stamp::of(path).map_err(|e| Error::new(format!("{name}: {}", describe(&e))))?;
            (bytes, Some(stamp))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if groups.is_empty() {
                return Ok(None);
            }
            (Vec::new(), None)
        }
        Err(e) => return Err(Error::new(format!("{name}: {}", describe(&e)))),
    };
    let mut filter = Filter::new(config, Secrets::InStream);
    let mut held = Held::with_threshold(usize::MAX);
    filter.feed(Feed::Bytes(Source { name: &name, bytes: &old, first_line: 1 }), &mut held)?;
    filter.append_missing(groups, line_ending(&old), &mut held)?;
    let mut new = Vec::new();
    held.release(&mut new).map_err(Error::output)?;
    let private = secret_file.private;
    Ok(Some(Planned { name, path: Some(path.clone()), stamp, old, new, private }))
}

/// `--check`: prints a unified diff (credentials redacted) of every change.
fn check(
    config: &Config,
    inputs: &[Input],
    secret_file: Option<&SecretFile>,
    colour: bool,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
) -> Result<Outcome, Error> {
    if inputs.is_empty() {
        eprintln!("acr-inject: no manifest files found; nothing to do");
        return Ok(Outcome::Unchanged);
    }
    let planned = plan(config, inputs, secret_file, stdin)?;
    let mut outcome = Outcome::Unchanged;
    for file in planned.iter().filter(|file| file.changed()) {
        outcome = Outcome::Changed;
        let old = redact(&String::from_utf8_lossy(&file.old), formats::REDACTED);
        let new = redact(&String::from_utf8_lossy(&file.new), formats::REDACTED);
        let mut text = diff::unified(&old, &new, &file.name, colour);
        if text.is_empty() {
            text = format!("--- a/{0}\n+++ b/{0}\n# only redacted values change\n", file.name);
        }
        stdout.write_all(text.as_bytes()).map_err(Error::output)?;
    }
    stdout.flush().map_err(Error::output)?;
    Ok(outcome)
}

/// `--write`: replaces every file that changes, atomically, and says which on stderr.
fn write(
    config: &Config,
    inputs: &[Input],
    secret_file: Option<&SecretFile>,
) -> Result<Outcome, Error> {
    if inputs.is_empty() {
        eprintln!("acr-inject: no manifest files found; nothing to do");
        return Ok(Outcome::Unchanged);
    }
    if inputs.contains(&Input::Stdin) {
        return Err(Error::new(
            "--write needs files: stdin cannot be written back (use --check, or no flag)",
        ));
    }
    let planned = plan(config, inputs, secret_file, &mut io::empty())?;
    let changed: Vec<&Planned> = planned.iter().filter(|file| file.changed()).collect();
    // Every new version is written beside its file before any file is replaced: a full disk or
    // a read-only file stops the run with every file as it was.
    let staged = changed
        .iter()
        .map(|file| {
            let path = file.path.as_deref().expect("only files are written");
            let permissions = write::new_file_permissions(file.private);
            write::stage(path, &file.new, file.stamp.as_ref(), permissions)
                .map_err(|e| Error::new(format!("{}: not written: {}", file.name, describe(&e))))
        })
        .collect::<Result<Vec<_>, _>>()?;
    for (file, staged) in changed.iter().zip(staged) {
        staged
            .commit()
            .map_err(|e| Error::new(format!("{}: not written: {}", file.name, describe(&e))))?;
        eprintln!("acr-inject: fixed {}", file.name);
    }
    Ok(if changed.is_empty() { Outcome::Unchanged } else { Outcome::Changed })
}
