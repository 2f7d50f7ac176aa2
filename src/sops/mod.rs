//! SOPS: documents encrypted to age recipients the way sops 3.11 encrypts them, so that Flux,
//! KSOPS and the sops CLI decrypt them (the CLI and KSOPS checking the MAC).
//!
//! - [`cipher`]: one value under the data key (AES-256-GCM, 32-byte IVs, path AAD);
//! - [`recipients`]: age X25519 recipients, and the data key wrapped and armored for each;
//! - [`document`]: a YAML document's leaves, the MAC over them, and the `sops` metadata;
//! - [`config`]: the `.sops.yaml` rule sops would apply to a file.

pub mod cipher;
pub mod config;
pub mod document;
pub mod recipients;

/// The sops version whose format this writes, recorded as `sops.version`.
pub const VERSION: &str = "3.11.0";

/// The Kubernetes convention (Flux's docs, most `.sops.yaml` files): only a Secret's values are
/// encrypted, so `apiVersion`, `kind`, `metadata` and `type` stay readable.
pub const KUBERNETES_ENCRYPTED_REGEX: &str = "^(data|stringData)$";
