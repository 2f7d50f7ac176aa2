//! The hybrid encryption of one value, as sealed-secrets' `HybridEncrypt` (`pkg/crypto/crypto.go`).

use aes_gcm::aead::{Aead as _, Nonce};
use aes_gcm::{Aes256Gcm, KeyInit as _};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use getrandom::SysRng;
use rsa::Oaep;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::SealingCert;

/// Seals one value for `spec.encryptedData.<key>`, exactly as kubeseal does.
///
/// A fresh random AES-256 session key encrypts `plaintext` with AES-GCM, and RSA-OAEP (SHA-256 as
/// both hash and MGF1 hash, with `label` from [`super::Scope::label`]) wraps the session key. Like
/// upstream, GCM runs with an all-zero nonce and no associated data; that is sound only because
/// every call draws a new key, which is never stored and is wiped on return. The output is standard
/// padded base64 of `u16 BE length of the RSA part || RSA part || GCM ciphertext and tag`, so it is
/// `2 + modulus bytes + plaintext length + 16` bytes long and, for RSA-4096, starts with `Ag`.
///
/// `plaintext` is the raw secret bytes (what `Secret.data` decodes to), never their base64.
///
/// # Panics
///
/// If the operating system's random number generator fails: sealing without good randomness would
/// be worse than stopping.
pub fn seal(cert: &SealingCert, label: &[u8], plaintext: &[u8]) -> String {
    let mut session_key = Zeroizing::new([0u8; 32]);
    getrandom::fill(session_key.as_mut_slice()).expect("the OS random number generator failed");
    // With a 32-byte message and a key of at least 1024 bits, only the RNG can make OAEP fail.
    let wrapped_key = cert
        .key()
        .encrypt(&mut SysRng, Oaep::<Sha256>::new_with_label(label), session_key.as_slice())
        .expect("the OS random number generator failed");
    let ciphertext = Aes256Gcm::new_from_slice(session_key.as_slice())
        .expect("AES-256 takes a 32-byte key")
        .encrypt(&Nonce::<Aes256Gcm>::default(), plaintext)
        .expect("AES-GCM takes up to 64 GiB of plaintext");
    let wrapped_len = u16::try_from(wrapped_key.len()).expect("RSA keys have at most 8192 bits");

    let mut out = Vec::with_capacity(2 + wrapped_key.len() + ciphertext.len());
    out.extend_from_slice(&wrapped_len.to_be_bytes());
    out.extend_from_slice(&wrapped_key);
    out.extend_from_slice(&ciphertext);
    STANDARD.encode(out)
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;

    fn cert() -> SealingCert {
        let pem = include_bytes!("../../fixtures/seal/cert.pem");
        SealingCert::from_pem(pem, SystemTime::now()).unwrap()
    }

    #[test]
    fn output_has_kubeseals_layout() {
        let plaintext = b"{\"auths\":{}}";
        let sealed = STANDARD.decode(seal(&cert(), b"ns/name", plaintext)).unwrap();
        assert_eq!(sealed.len(), 2 + 512 + plaintext.len() + 16);
        assert_eq!(sealed[..2], [0x02, 0x00], "RSA-4096 wraps the key in 512 bytes");
    }

    #[test]
    fn base64_is_standard_padded_and_starts_with_ag() {
        let sealed = seal(&cert(), b"", b"xy");
        assert!(sealed.starts_with("Ag"), "{sealed}");
        // 2 + 512 + 2 + 16 = 532 bytes, one more than a multiple of 3: two padding characters.
        assert!(sealed.ends_with("=="), "{sealed}");
        assert!(!sealed.contains(['\n', '-', '_']));
    }

    #[test]
    fn every_seal_is_fresh() {
        let cert = cert();
        assert_ne!(seal(&cert, b"l", b"same"), seal(&cert, b"l", b"same"));
    }
}
