//! The fuzz targets' bodies, here rather than in `fuzz_targets/` so that the tests in `tests/`
//! run them without libFuzzer: on the committed seeds, and in the helpers for findings. The
//! checks themselves are the test kit's (`testkit/`), shared with the property tests and the
//! fuzz regressions of the normal `cargo test`.

use acr_inject::yaml::split::documents;
use acr_inject_testkit::check::{Replaced, check_manifest, filter_and_check};
use acr_inject_testkit::filter::Options;
use acr_inject_testkit::generate::Manifest;
use acr_inject_testkit::split::{assert_documents_tile, streamed};

/// The `split` target: the document splitter, `acr_inject::yaml::split`, on raw bytes. For any
/// bytes it never panics, its documents tile the input, and feeding the same bytes in chunks
/// (as the filter's reader does) gives the same documents as splitting the whole
/// ([`acr_inject_testkit::split`]).
///
/// The chunk sizes come from a small generator seeded by the input, so that the input stays
/// plain YAML (the seeds are real manifests) while every input is also cut at fuzzer-chosen
/// places. Short inputs are also fed one byte at a time, which puts a chunk boundary
/// everywhere.
pub fn split(data: &[u8]) {
    let whole = documents(data);
    assert_documents_tile(data, &whole);
    let mut sizes = ChunkSizes::seeded_by(data);
    assert_eq!(streamed(data, || sizes.next()), whole, "streamed in pseudo-random chunks");
    if data.len() <= 4096 {
        // One byte at a time costs a rescan of the current line per byte: keep it short.
        assert_eq!(streamed(data, || 1), whole, "streamed one byte at a time");
    }
}

/// The `inject` target: the injector, `acr_inject::filter::filter_bytes`, two ways on every
/// input.
///
/// 1. The raw bytes, as stdin delivers them, once as the stdin filter runs by default (with
///    credentials, skimming documents that cannot need an edit) and once with `--validate` and
///    `--no-secret`: this reaches the splitter, UTF-8 and YAML error paths, and whatever the
///    real manifests of the seeds lead the mutator to. Refusing is fine; what is accepted must
///    only gain bytes (unless it holds something replaced by design), come back unchanged from
///    a second run and stay valid YAML ([`filter_and_check`]).
/// 2. The same bytes as decisions of the kit's manifest generator (the first byte picks the
///    options: credentials, `--validate`, `--only-registry-images`): this reaches the planning
///    and writing of additions (existing lists in every form, anchors, merge keys, namespaces,
///    styles) far more often than mutated bytes do, and the generator knows what the tool must
///    do, so every invariant of the property tests is checked ([`check_manifest`]).
///
/// A panic or a hang anywhere is a finding too.
pub fn inject(data: &[u8]) {
    filter_and_check(data, Replaced::Unknown, Options::STDIN);
    let checking = Options { credentials: false, validate: true, only_registry: false };
    filter_and_check(data, Replaced::Unknown, checking);

    let Some((&options, decisions)) = data.split_first() else { return };
    check_manifest(&Manifest::from_bytes(decisions), Options::from_bits(options));
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
