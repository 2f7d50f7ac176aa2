//! Generated manifest streams, for the property tests and the fuzz target alike.
//!
//! The generator writes the YAML text itself instead of serialising data, because what the
//! tool must survive is spelling. Documents are block, flow (on one line or many) or JSON (also
//! `jq -c` tight); indented by 2 or 4, with indented or indentless sequences and wide dashes;
//! keys as built, sorted (as kubectl prints them) or scrambled; keys and values plain, single-
//! or double-quoted; comments above keys, after values, between items, at column 0 (above keys
//! and after nested mappings), on `---` and `...` lines, before everything; blank lines,
//! trailing spaces, trailing commas, `key : value`; block scalars of every header (one ending a
//! pod spec among them) and plain or quoted strings folded over lines; anchors and aliases (a
//! pod spec shared between list items, an aliased pull secret list), merge keys; `---`
//! omitted, alone, with a comment or with content on its line; `%YAML 1.2` with `...`; CRLF for
//! the whole stream or per document; a byte order mark; no final newline.
//!
//! What the documents hold: every kind of the reference table ([`crate::kinds`]), in its
//! current and legacy apiVersions, with the neighbours its path usually has; objects built like
//! workloads that are none (core `Service` with a template, an unknown CRD); `List`, `*List`
//! and `items` without `kind` (left alone); pod specs full, `{}` or null, in block or flow
//! style, Argo workflow specs with templates, images on the registry or not (for
//! `--only-registry-images`); `imagePullSecrets` absent, empty, null (`null`, `~`, `Null`),
//! `[]`, block or flow lists of block or flow items with or without our name, inherited through
//! a merge key, an alias of an anchored list, or plain strings (which the tool must refuse),
//! anywhere among the pod spec's keys; Secrets and SealedSecrets named like ours (replaced) or
//! not, at most one named like ours per namespace (which of two would be ours is anybody's
//! guess); ConfigMaps whose block scalars look like markers, comments and manifests; a CRD
//! describing `imagePullSecrets`, a SparkApplication with a list of strings, a Rollout with a
//! `workloadRef`, a ReplicationController without a template, values without `kind`, a JSON
//! patch, a lone string, comment-only and empty documents; namespaces absent, `default` or
//! names YAML would misread if plain (`123`, `1e3`, `y`).
//!
//! Every manifest is valid YAML (to libyaml too), and the tool must accept it unless
//! [`Manifest::plain_string_pull_secrets`] says otherwise. The generator reads its decisions
//! from bytes ([`Choices`]): the property tests draw them at random and shrink them
//! ([`manifest`]); the fuzz target hands over its input ([`Manifest::from_bytes`]).

mod choices;
mod node;
mod objects;
mod render;
mod style;

use std::fmt;
use std::ops::Range;

use proptest::strategy::Strategy;

pub use choices::{Choices, from_choices};
use objects::Objects;
use render::{Body, Document};

/// A generated stream as text (shown as such when a case fails), and what the tool must do
/// with it.
pub struct Manifest {
    pub text: String,
    /// Byte ranges of `text` that the tool replaces rather than adds to: the body of a Secret
    /// or SealedSecret named like the pull secret, an explicit `imagePullSecrets: null`.
    pub replaced: Vec<Range<usize>>,
    /// A pod spec the tool edits lists its pull secrets as plain strings, so the tool must
    /// refuse the stream (unless `--only-registry-images` leaves that pod spec alone).
    pub plain_string_pull_secrets: bool,
}

impl fmt::Debug for Manifest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.text)
    }
}

impl Manifest {
    /// The manifest that `bytes` decide, a byte a decision (how the fuzz target drives it).
    pub fn from_bytes(bytes: &[u8]) -> Manifest {
        generate(&mut Choices::new(bytes))
    }
}

/// Generated manifests for property tests; a failing one shrinks towards a simpler one.
pub fn manifest() -> impl Strategy<Value = Manifest> {
    from_choices(generate)
}

fn generate(choices: &mut Choices) -> Manifest {
    #[derive(Clone, Copy)]
    enum Content {
        Object,
        CommentOnly,
        Empty,
    }
    let stream_framing = style::stream_framing(choices);
    let count = choices.count(1..=5);
    let mut objects = Objects::new(choices);
    let mut plain_string_pull_secrets = false;
    let mut documents = Vec::new();
    for _ in 0..count {
        objects.start_document();
        let content = objects.choices().weighted(&[
            (8, Content::Object),
            (1, Content::CommentOnly),
            (1, Content::Empty),
        ]);
        let body = match content {
            Content::Object => {
                let object = objects.object();
                plain_string_pull_secrets |= object.plain_string_pull_secrets;
                Body::Object(object.node)
            }
            Content::CommentOnly => Body::CommentOnly,
            Content::Empty => Body::Empty,
        };
        let style = style::style(objects.choices());
        let framing = style::framing(objects.choices());
        documents.push(Document { body, style, framing });
    }
    let (text, replaced) = render::stream(stream_framing, &documents);
    Manifest { text, replaced, plain_string_pull_secrets }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::test_runner::TestRng;

    use super::*;
    use crate::oracle::try_oracle_documents;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1024, failure_persistence: None, ..ProptestConfig::default() })]

        /// Else a finding would be the generator's, not the tool's.
        #[test]
        fn every_manifest_is_valid_yaml(manifest in manifest()) {
            prop_assert!(try_oracle_documents(manifest.text.as_bytes()).is_some());
        }

        #[test]
        fn replaced_ranges_are_ordered_and_within_the_text(manifest in manifest()) {
            let mut end = 0;
            for range in &manifest.replaced {
                prop_assert!(end <= range.start && range.start < range.end);
                prop_assert!(manifest.text.is_char_boundary(range.start));
                end = range.end;
            }
            prop_assert!(end <= manifest.text.len());
        }
    }

    #[test]
    fn a_case_never_runs_out_of_bytes() {
        let mut rng = TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha);
        let mut most = 0;
        for _ in 0..500 {
            let bytes: Vec<u8> = (0..choices::BYTES_PER_CASE).map(|_| rng.random()).collect();
            let mut choices = Choices::new(&bytes);
            generate(&mut choices);
            most = most.max(choices.read());
        }
        assert!(most * 2 < choices::BYTES_PER_CASE, "a case read {most} bytes");
    }

    #[test]
    fn the_fuzzers_bytes_decide_and_no_bytes_are_the_simplest_stream() {
        let simplest = Manifest::from_bytes(&[]);
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n";
        assert_eq!(simplest.text, pod);
        assert_eq!(Manifest::from_bytes(&[7; 300]).text, Manifest::from_bytes(&[7; 300]).text);
    }

    #[test]
    #[ignore = "prints samples: cargo test -p acr-inject-testkit -- --ignored samples --nocapture"]
    fn samples() {
        let mut rng = TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha);
        for _ in 0..8 {
            let bytes: Vec<u8> = (0..4096).map(|_| rng.random()).collect();
            let manifest = Manifest::from_bytes(&bytes);
            println!(
                "===== refused: {}, replaced: {:?}\n{}",
                manifest.plain_string_pull_secrets, manifest.replaced, manifest.text
            );
        }
    }
}
