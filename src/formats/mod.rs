//! The forms a pull secret takes in the output: each one a [`SecretFormat`].
//!
//! The filter places the pull secret once per namespace group and replaces (or keeps) one found
//! in the input, without knowing which form it has; everything form-specific is behind the
//! trait. A format emits one or more objects per namespace group, its *parts* (a plain Secret
//! is one part; a generated token and the ExternalSecret that uses it would be two), and each
//! part is placed, recognised and replaced on its own.
//!
//! Adding a format is: a module here implementing [`SecretFormat`], its kinds in [`OURS`] and
//! its credential-bearing fields in [`REDACTED`], the one arm of
//! [`crate::settings`] that builds it from the settings, and its flags in [`crate::cli`].

use std::fmt;

use zeroize::Zeroizing;

use crate::error::Error;
pub use crate::k8s::object::Kind;
use crate::k8s::object::ObjectView;
use crate::k8s::redact::Redaction;

pub mod external_secrets;
pub mod plain;
pub mod sealed;
pub mod sops;

/// Every kind any format emits. A top-level object of one of these kinds that is named like
/// the pull secret is a pull secret of ours, whichever format made it: so switching formats
/// (plain to sealed, say) replaces the old object where it stands instead of adding a second.
pub const OURS: &[Kind] = &[
    plain::SECRET,
    sealed::SEALED_SECRET,
    external_secrets::EXTERNAL_SECRET,
    external_secrets::ACR_ACCESS_TOKEN,
];

/// The fields of each format's objects whose values are credentials (or ciphertexts of them):
/// diffs show them as `<redacted>`. Matched on the kind name alone, so that a Secret with an
/// unusual `apiVersion` is still hidden. The External Secrets formats have none: they name a
/// store, keys and an identity, never a credential.
pub const REDACTED: &[Redaction] = &[plain::REDACTED, sealed::REDACTED];

/// A form of the pull secret: what the filter asks of it.
///
/// Implementations are pure (no files, no clock beyond what they were built with) and hold
/// whatever they need to render: credentials, a certificate, a store name.
pub trait SecretFormat: fmt::Debug + Send + Sync {
    /// What the objects are, for messages: "a plain Secret", "a SealedSecret".
    fn description(&self) -> &'static str;

    /// The kinds of the objects emitted for each namespace group, in the order they are
    /// written. Every part is named like the pull secret.
    fn parts(&self) -> &'static [Kind];

    /// Part `part` for the pull secret `name` in `namespace` (`None`: the objects name no
    /// namespace): a whole YAML document without a leading `---`, every line ending with `eol`.
    fn render(
        &self,
        part: usize,
        name: &str,
        namespace: Option<&str>,
        eol: &str,
    ) -> Result<Zeroizing<String>, Error>;

    /// Whether `existing`, an object of part `part`'s kind named like the pull secret and in
    /// the namespace it would be rendered for, is what [`SecretFormat::render`] would write
    /// but for its randomness. Such an object is kept byte for byte, so that re-running does
    /// not churn every commit. By default no: a deterministic format renders an object that
    /// is already right to its own bytes anyway.
    fn is_current(&self, part: usize, existing: &ObjectView) -> bool {
        let _ = (part, existing);
        false
    }

    /// Whether rendering the same settings always gives the same bytes. When it does not
    /// (encryption), the current objects of a previous output are worth reusing. By default
    /// yes; a format that says no judges [`SecretFormat::is_current`] too.
    fn is_deterministic(&self) -> bool {
        true
    }

    /// Whether the objects may be written into a file that may be committed to Git.
    fn safe_to_commit(&self) -> bool;

    /// Whether annotations may be added to a rendered object and it still works (what Helm's
    /// post-renderer mode needs, see [`crate::helm`]). An object signed or encrypted as a
    /// whole must say no: a SOPS file's MAC covers every value, so an annotation added after
    /// encryption breaks it (and Helm could not decrypt it anyway). No unless a format says so.
    fn accepts_added_metadata(&self) -> bool {
        false
    }
}
