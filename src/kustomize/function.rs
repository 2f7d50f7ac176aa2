//! The KRM function (`--krm`): a ResourceList in, its items through the filter, a ResourceList
//! out, as kustomize (`config.kubernetes.io/function: {exec: ...}`) and kpt
//! (`kpt fn eval --exec`) run it.
//!
//! The items go through one [`Filter`], each fed as an input of its own, so a pull secret
//! already among them is recognised and replaced (or kept) as in a plain stream, and each
//! namespace gets one. No item is dropped (kustomize deletes what a function leaves out), and
//! every item's annotations, kustomize's and kpt's included, stay as they were.
//!
//! A failure is an error entry in the output's `results`, naming the item it is about, plus
//! the message on stderr and a non-zero exit, as the functions spec asks.

use std::io::Write;

use zeroize::Zeroizing;

use crate::error::Error;
use crate::filter::{Config, Feed, Filter, Secrets, Source};
use crate::kustomize::resource_list::{self, Failure, Reference, ResourceList};
use crate::output::Held;
use crate::run::Outcome;

/// The `--krm` arm: the edited items and the emitted ones, as a ResourceList on stdout. On an
/// error the items go back unchanged, with the error in `results`.
pub fn run(config: &Config, list: &ResourceList, stdout: &mut dyn Write) -> Result<Outcome, Error> {
    let (stream, failure) = match transform(config, list) {
        Ok(stream) => (stream, None),
        Err((error, reference)) => (unchanged(list), Some((error, reference))),
    };
    let failures: Vec<Failure> = failure
        .iter()
        .map(|(error, reference)| Failure { message: error.message(), reference: *reference })
        .collect();
    let mut out = Zeroizing::new(Vec::with_capacity(2 * stream.len() + 4096));
    let function_config = list.function_config.as_ref();
    resource_list::write(&list.api_version, &stream, function_config, &failures, &mut out);
    stdout.write_all(&out).and_then(|()| stdout.flush()).map_err(Error::output)?;
    match failure {
        Some((error, _)) => Err(error),
        None => Ok(Outcome::Unchanged),
    }
}

/// The items through the filter, as one stream of documents.
fn transform<'l>(
    config: &Config,
    list: &'l ResourceList,
) -> Result<Zeroizing<Vec<u8>>, (Error, Option<&'l Reference>)> {
    let mut filter = Filter::new(config, Secrets::InStream);
    // The list was read whole and is bounded, so its output is too: kept in memory, where
    // the pull secret's text is wiped when freed.
    let mut held = Held::with_threshold(usize::MAX);
    let mut size = 0;
    for item in &list.items {
        let fragment = &item.fragment;
        let bytes = fragment.text.as_bytes();
        size += bytes.len();
        let source = Source { name: resource_list::SOURCE, bytes, first_line: fragment.first_line };
        filter.feed(Feed::Bytes(source), &mut held).map_err(|e| (e, Some(&item.reference)))?;
    }
    let mut stream = Zeroizing::new(Vec::with_capacity(size + 64 * 1024));
    held.release(&mut *stream).map_err(|e| (Error::output(e), None))?;
    Ok(stream)
}

/// The items as they came, as one stream of documents.
fn unchanged(list: &ResourceList) -> Zeroizing<Vec<u8>> {
    let mut stream = Vec::new();
    for item in &list.items {
        stream.extend_from_slice(b"---\n");
        stream.extend_from_slice(item.fragment.text.as_bytes());
    }
    Zeroizing::new(stream)
}

/// Reports a failure that came before any item was read (the settings, the list itself) as
/// a ResourceList with the error in `results` and no items.
pub fn report(error: &Error, stdout: &mut dyn Write) {
    let mut out = Vec::new();
    let failure = Failure { message: error.message(), reference: None };
    resource_list::write("config.kubernetes.io/v1", b"", None, &[failure], &mut out);
    // The exit status and stderr carry the failure too: a reader that is gone changes nothing.
    let _ = stdout.write_all(&out).and_then(|()| stdout.flush());
}
