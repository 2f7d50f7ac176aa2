//! The document splitter's invariants. Everything downstream trusts the splitter: the filter
//! slices the input by its ranges and copies unedited documents by them, so a gap or an
//! overlap would lose or repeat bytes of the user's manifests; and the streaming reader feeds
//! it a growing buffer that it drains by `pending_start`/`rebase`.

use std::ops::Range;

use acr_inject::yaml::split::{Document, Splitter};

/// The documents tile `data`: the first starts at 0, each starts where the previous one ended
/// and is not empty, the last ends at the end (empty input has none); each document's markers
/// and its insertion point lie inside it.
pub fn assert_documents_tile(data: &[u8], documents: &[Document]) {
    let mut end = 0;
    for document in documents {
        let Range { start, end: this_end } = document.range;
        assert_eq!(start, end, "documents must be consecutive: {documents:?}");
        assert!(start < this_end, "empty document {document:?}");
        for marker in [document.start_marker, document.directives].into_iter().flatten() {
            assert!(document.range.contains(&marker), "marker outside {document:?}");
        }
        let insertion = document.insertion_point(data);
        assert!((start..=this_end).contains(&insertion), "insertion point outside {document:?}");
        end = this_end;
    }
    assert_eq!(end, data.len(), "documents must end at the end of the input: {documents:?}");
}

/// The documents of `data` fed in chunks of `next_size()` bytes, as the filter's reader reads
/// a stream: after each chunk, take every complete document, then drop their bytes from the
/// buffer and `rebase`. Offsets are translated back to the whole input, so the result must be
/// `split::documents(data)`.
pub fn streamed(data: &[u8], mut next_size: impl FnMut() -> usize) -> Vec<Document> {
    let mut splitter = Splitter::new();
    let mut buffer = Vec::new();
    let mut consumed = 0;
    let mut found = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let (chunk, after) = rest.split_at(next_size().clamp(1, rest.len()));
        rest = after;
        buffer.extend_from_slice(chunk);
        while let Some(document) = splitter.next_document(&buffer, false) {
            found.push(shifted(document, consumed));
        }
        let done = splitter.pending_start();
        buffer.drain(..done);
        splitter.rebase(done);
        consumed += done;
    }
    while let Some(document) = splitter.next_document(&buffer, true) {
        found.push(shifted(document, consumed));
    }
    found
}

/// `document` with its offsets moved `by` bytes later.
fn shifted(document: Document, by: usize) -> Document {
    Document {
        range: document.range.start + by..document.range.end + by,
        start_marker: document.start_marker.map(|at| at + by),
        directives: document.directives.map(|at| at + by),
        end_marker: document.end_marker.map(|at| at + by),
        ..document
    }
}
