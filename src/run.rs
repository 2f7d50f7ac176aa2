//! The three ways to run: print one stream, check (diff), or write files in place.
//!
//! Every input is read and transformed before anything is printed or written, so an error in
//! any of them leaves stdout empty and every file as it was. Files are transformed in
//! parallel; output order is always the order of the inputs.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diff;
use crate::error::Error;
use crate::filter::{Config, Filter, Prepared, Source, filter_reader, line_ending, prepare};
use crate::k8s::redact::redact;
use crate::output::{Held, Streamed};
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

/// A file read whole.
struct Loaded {
    input: Input,
    bytes: Vec<u8>,
    stamp: Option<Stamp>,
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
    let source = Source { name: loaded.input.name(), bytes: &loaded.bytes, first_line: 1 };
    let mut splitter = Splitter::new();
    std::iter::from_fn(|| splitter.next_document(&loaded.bytes, true))
        .map(|document| prepare(config, &source, &document))
        .collect()
}

/// Prints all inputs as one stream: held back until everything succeeded, or as it goes with
/// `stream`. An empty result is an error unless `allow_empty`.
pub fn print(
    config: &Config,
    inputs: &[Input],
    stream: bool,
    allow_empty: bool,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    let mut filter = Filter::new(config);
    if stream {
        let mut out = Streamed::new(&mut *stdout);
        for input in inputs {
            match input {
                Input::Stdin => {
                    filter_reader("<stdin>", stdin, &mut filter, &mut out, &mut |_| Ok(()))?
                }
                file => {
                    let loaded = load(file, &mut io::empty())?;
                    let source = Source { name: file.name(), bytes: &loaded.bytes, first_line: 1 };
                    filter.source(&source, &mut out)?;
                }
            }
            out.flush().map_err(Error::output)?;
        }
        return check_not_empty(&filter, allow_empty);
    }
    let loaded = load_files(inputs)?;
    let prepared: Vec<Option<Vec<Prepared>>> = loaded
        .par_iter()
        .map(|file| file.as_ref().map(|file| prepare_all(config, file)).transpose())
        .collect::<Result<_, _>>()?;
    let mut held = Held::new();
    for (input, documents) in inputs.iter().zip(&prepared) {
        match documents {
            None => filter_reader(input.name(), stdin, &mut filter, &mut held, &mut |_| Ok(()))?,
            Some(documents) => {
                filter.begin_source(&mut held)?;
                for document in documents {
                    filter.emit(document, &mut held)?;
                }
            }
        }
    }
    check_not_empty(&filter, allow_empty)?;
    held.release(stdout).map_err(Error::output)
}

/// Prints one generated stream (what kustomize printed, say) named `name`, held back until it
/// all succeeded; an empty result is an error.
pub fn print_generated(
    config: &Config,
    name: &str,
    bytes: &[u8],
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    let mut filter = Filter::new(config);
    let mut held = Held::new();
    filter.source(&Source { name, bytes, first_line: 1 }, &mut held)?;
    check_not_empty(&filter, false)?;
    held.release(stdout).map_err(Error::output)
}

fn check_not_empty(filter: &Filter, allow_empty: bool) -> Result<(), Error> {
    if filter.documents() == 0 && !allow_empty {
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

/// Where `--write` and `--check` put the pull Secrets.
pub struct SecretFile<'p> {
    pub path: &'p Path,
    /// The Secrets are plain (not sealed): the file is created owner-only.
    pub plaintext: bool,
}

/// Transforms every input on its own (references only), and the secret file from the
/// namespaces that need a Secret.
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
    let results: Vec<(Planned, Vec<Option<String>>)> = loaded
        .into_par_iter()
        .map(|file| {
            let file = file.expect("every input is loaded");
            let prepared = prepare_all(config, &file)?;
            let mut filter = Filter::references_only(config);
            let mut held = Held::with_threshold(usize::MAX);
            for document in &prepared {
                filter.emit(document, &mut held)?;
            }
            let mut new = Vec::with_capacity(file.bytes.len() + 256);
            held.release(&mut new).map_err(Error::output)?;
            let groups = filter.groups().to_vec();
            let (path, name) = match file.input {
                Input::Stdin => (None, "<stdin>".to_string()),
                Input::File { path, name } => (Some(path), name),
            };
            let planned =
                Planned { name, path, stamp: file.stamp, old: file.bytes, new, private: false };
            Ok((planned, groups))
        })
        .collect::<Result<_, Error>>()?;
    let mut groups: Vec<Option<String>> = Vec::new();
    let mut planned = Vec::with_capacity(results.len() + 1);
    for (file, file_groups) in results {
        for group in file_groups {
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
        planned.push(file);
    }
    if let Some(secret_file) = secret_file {
        planned.extend(plan_secret_file(config, secret_file, &groups)?);
    }
    Ok(planned)
}

/// The secret file as it would be: its pull Secrets refreshed where they stand (or kept, when
/// sealed and up to date), one appended for each namespace that lacks one. Other documents
/// in it are kept. `None` when there is no file and nothing to put in one.
fn plan_secret_file(
    config: &Config,
    secret_file: &SecretFile,
    groups: &[Option<String>],
) -> Result<Option<Planned>, Error> {
    let name = secret_file.path.to_string_lossy().into_owned();
    let (old, stamp) = match std::fs::read(secret_file.path) {
        Ok(bytes) => (
            bytes,
            Some(
                Stamp::of(secret_file.path)
                    .map_err(|e| Error::new(format!("{name}: {}", describe(&e))))?,
            ),
        ),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if groups.is_empty() {
                return Ok(None);
            }
            (Vec::new(), None)
        }
        Err(e) => return Err(Error::new(format!("{name}: {}", describe(&e)))),
    };
    let mut filter = Filter::new(config);
    let mut held = Held::with_threshold(usize::MAX);
    filter.source(&Source { name: &name, bytes: &old, first_line: 1 }, &mut held)?;
    let eol = line_ending(&old);
    for group in groups {
        filter.append_secret(group, eol, &mut held)?;
    }
    let mut new = Vec::new();
    held.release(&mut new).map_err(Error::output)?;
    let path = Some(secret_file.path.to_path_buf());
    Ok(Some(Planned { name, path, stamp, old, new, private: secret_file.plaintext }))
}

/// `--check`: prints a unified diff (credentials redacted) of every change.
pub fn check(
    config: &Config,
    inputs: &[Input],
    secret_file: Option<&SecretFile>,
    colour: bool,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
) -> Result<Outcome, Error> {
    let planned = plan(config, inputs, secret_file, stdin)?;
    let mut outcome = Outcome::Unchanged;
    for file in planned.iter().filter(|file| file.changed()) {
        outcome = Outcome::Changed;
        let old = redact(&String::from_utf8_lossy(&file.old));
        let new = redact(&String::from_utf8_lossy(&file.new));
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
pub fn write(
    config: &Config,
    inputs: &[Input],
    secret_file: Option<&SecretFile>,
) -> Result<Outcome, Error> {
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
