//! Sealing for Bitnami Sealed Secrets, compatible with `kubeseal` byte for byte where it can be.
//!
//! In the order the CLI uses the pieces:
//! - [`SealingCert::from_pem`] reads the controller's certificate (what `kubeseal --fetch-cert` prints);
//! - [`Scope::label`] gives the OAEP label that binds a value to where the controller may unseal it;
//! - [`seal`] encrypts one value as kubeseal's `HybridEncrypt` does;
//! - [`render_sealed_secret`] prints the `SealedSecret` as `kubeseal -o yaml` (v0.32+) does.
//!
//! Pure logic: bytes in, strings out; no files, no network, no clock (the caller passes "now").

mod cert;
mod crypto;
mod manifest;
mod scope;

use std::fmt;

pub use cert::SealingCert;
pub use crypto::seal;

pub use manifest::{CERT_ANNOTATION, SealedSecretSpec, render_sealed_secret};
pub use scope::Scope;

/// Why a value cannot be sealed. Each message is one line, says what was expected, and never
/// contains secret material (only names, labels, dates and algorithm names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealError {
    /// Strict and namespace-wide labels contain the namespace; sealing without one would make a
    /// value that the controller fails on with "no key could decrypt secret".
    MissingNamespace(Scope),
    /// The strict label contains the Secret's name.
    MissingName,
    /// The certificate file is UTF-16, as Windows PowerShell 5 writes with `>` and `Out-File`.
    Utf16,
    /// No PEM `-----BEGIN` line at all (empty, binary DER, or some other file).
    NotPem,
    /// PEM, but no block we can seal with; `found` lists the labels that were there.
    NoCertificate { found: Vec<String> },
    /// The chosen PEM block does not decode (`block` is its label), at this line (from 1) and
    /// column of the file.
    Malformed { block: String, reason: String, line: usize, column: usize },
    /// The key is not RSA; kubeseal and the controller only do RSA-OAEP.
    NotRsa { algorithm: String },
    /// kubeseal refuses an expired certificate, and so do we. `not_after` is ISO 8601 UTC.
    Expired { not_after: String },
}

impl fmt::Display for SealError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingNamespace(scope) => write!(
                f,
                "the {scope} sealing scope binds the value to a namespace, but none is known: \
                 pass --namespace, or use --scope cluster-wide"
            ),
            Self::MissingName => write!(
                f,
                "the strict sealing scope binds the value to the Secret's name, but the name is empty"
            ),
            Self::Utf16 => write!(
                f,
                "the sealing certificate is UTF-16 text, as Windows PowerShell 5 writes it: \
                 re-save it as UTF-8 or ASCII (e.g. pipe it to `Out-File -Encoding ascii cert.pem`)"
            ),
            Self::NotPem => write!(
                f,
                "the sealing certificate is not PEM: expected a \"-----BEGIN CERTIFICATE-----\" block \
                 as printed by `kubeseal --fetch-cert`"
            ),
            Self::NoCertificate { found } => write!(
                f,
                "the sealing certificate file has no CERTIFICATE block (found: {}): expected the \
                 controller's certificate as printed by `kubeseal --fetch-cert`",
                found.join(", ")
            ),
            Self::Malformed { block, reason, .. } => {
                write!(f, "the sealing certificate's {block} block is malformed: {reason}")
            }
            Self::NotRsa { algorithm } => write!(
                f,
                "the sealing certificate's key is {algorithm}, but Sealed Secrets only seals with RSA keys"
            ),
            Self::Expired { not_after } => write!(
                f,
                "the sealing certificate expired on {not_after}: fetch the current one with \
                 `kubeseal --fetch-cert`"
            ),
        }
    }
}

impl SealError {
    /// Where in the certificate file the error is, as (line, column), when it is about a place.
    pub fn location(&self) -> Option<(usize, usize)> {
        match self {
            Self::Malformed { line, column, .. } => Some((*line, *column)),
            _ => None,
        }
    }
}

impl std::error::Error for SealError {}
