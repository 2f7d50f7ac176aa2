//! Fuzzes the document splitter, `acr_inject::yaml::split`, on raw bytes.
//!
//! Everything downstream trusts the splitter: the filter slices the input by its ranges and
//! copies unedited documents by them, so a gap or an overlap would lose or repeat bytes of the
//! user's manifests, and the streaming mode (`--stream`, and the default mode's reader) feeds it
//! a growing buffer that it drains by `pending_start`/`rebase`. So, for any bytes:
//!
//! 1. it never panics;
//! 2. the documents tile the input: the first starts at 0, each starts where the previous one
//!    ended, the last ends at the input's length (and empty input has no document);
//! 3. each document's markers lie inside it, and so does its insertion point (the filter
//!    subtracts the document's start from it);
//! 4. feeding the same bytes in chunks through `Splitter::next_document` and `rebase`, as
//!    `filter::filter_reader` does, gives the same documents as `split::documents` on the whole.
//!
//! The chunk sizes come from a small generator seeded by the input, so the input stays plain
//! YAML (the seeds are real manifests) while every input is also cut at fuzzer-chosen places.
//! Short inputs are also fed one byte at a time, which puts a chunk boundary everywhere.
#![no_main]

use std::ops::Range;

use acr_inject::yaml::split::{Document, Splitter, documents};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let whole = documents(data);
    check_tiling(data, &whole);
    let mut sizes = ChunkSizes::seeded_by(data);
    assert_eq!(streamed(data, || sizes.next()), whole, "streamed in pseudo-random chunks");
    if data.len() <= 4096 {
        // One byte at a time costs a rescan of the current line per byte: keep it short.
        assert_eq!(streamed(data, || 1), whole, "streamed one byte at a time");
    }
});

/// Invariants 2 and 3.
fn check_tiling(data: &[u8], documents: &[Document]) {
    let mut end = 0;
    for document in documents {
        let Range { start, end: this_end } = document.range;
        assert_eq!(start, end, "documents must be consecutive: {documents:?}");
        assert!(start < this_end, "empty document {document:?}");
        let markers = [document.start_marker, document.end_marker, document.directives];
        for marker in markers.into_iter().flatten() {
            assert!(document.range.contains(&marker), "marker outside {document:?}");
        }
        let insertion = document.insertion_point(data);
        assert!((start..=this_end).contains(&insertion), "insertion point outside {document:?}");
        end = this_end;
    }
    assert_eq!(end, data.len(), "documents must end at the end of the input: {documents:?}");
}

/// The documents of `data` fed in chunks of `next_size()` bytes, as `filter_reader` reads a
/// stream: after each chunk, take every complete document, then drop their bytes from the
/// buffer and `rebase`. Offsets are translated back to the whole input.
fn streamed(data: &[u8], mut next_size: impl FnMut() -> usize) -> Vec<Document> {
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
            found.push(shift(document, consumed));
        }
        let done = splitter.pending_start();
        buffer.drain(..done);
        splitter.rebase(done);
        consumed += done;
    }
    while let Some(document) = splitter.next_document(&buffer, true) {
        found.push(shift(document, consumed));
    }
    found
}

/// `document` with its offsets moved `by` bytes later.
fn shift(document: Document, by: usize) -> Document {
    Document {
        range: document.range.start + by..document.range.end + by,
        start_marker: document.start_marker.map(|at| at + by),
        end_marker: document.end_marker.map(|at| at + by),
        directives: document.directives.map(|at| at + by),
        ..document
    }
}

/// Chunk sizes from 1 to 64 bytes, mostly small, drawn by xorshift from a hash of the input.
struct ChunkSizes(u64);

impl ChunkSizes {
    fn seeded_by(data: &[u8]) -> ChunkSizes {
        // FNV-1a, then never zero (xorshift's one fixed point).
        let hash = data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
        ChunkSizes(hash | 1)
    }

    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        let roll = self.0 % 64 + 1;
        // Square-ish distribution: small chunks are where boundaries fall inside markers.
        (roll * roll / 64).max(1) as usize
    }
}
