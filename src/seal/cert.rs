//! The sealing certificate: the controller's RSA public key, read the way `kubeseal --cert` reads it.

use std::fmt::{self, Write as _};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::pkcs8::EncodePublicKey as _;
use sha2::{Digest as _, Sha256};
use x509_cert::Certificate;
use x509_cert::der::Decode as _;
use x509_cert::der::oid::db::{rfc5912, rfc8410};
use x509_cert::spki::{ObjectIdentifier, SubjectPublicKeyInfoRef};

use super::SealError;

const CERTIFICATE: &str = "CERTIFICATE";
const SPKI_PUBLIC_KEY: &str = "PUBLIC KEY";
const PKCS1_PUBLIC_KEY: &str = "RSA PUBLIC KEY";

/// The RSA key values are sealed to, with a fingerprint of where it came from.
#[derive(Debug, Clone)]
pub struct SealingCert {
    key: rsa::PublicKey,
    fingerprint: String,
}

impl SealingCert {
    /// Reads a PEM file the way kubeseal's `--cert` does: the first `CERTIFICATE` block, which must
    /// hold an RSA key and must not have expired at `now`. Like kubeseal, it ignores NotBefore, key
    /// usage and the CA flag (the controller's own certificate says "Encipher Only").
    ///
    /// Beyond kubeseal:
    /// - with no certificate in the file, a bare `PUBLIC KEY` (SPKI) or `RSA PUBLIC KEY` (PKCS#1)
    ///   block is accepted, for users who only have the key; there is no expiry to check then;
    /// - text around the blocks, CRLF line ends, a UTF-8 byte-order mark and any base64 line width
    ///   are fine (Windows PowerShell 5 `Out-File -Encoding utf8` writes the mark; kubeseal trips on it).
    ///
    /// UTF-16 (what Windows PowerShell 5 writes with `>`) is refused with a hint rather than decoded,
    /// so that the user fixes the file for kubeseal and every other tool that reads it too.
    ///
    /// # Errors
    ///
    /// [`SealError::Utf16`], [`SealError::NotPem`], [`SealError::NoCertificate`],
    /// [`SealError::Malformed`], [`SealError::Expired`] or [`SealError::NotRsa`], as named.
    pub fn from_pem(bytes: &[u8], now: SystemTime) -> Result<Self, SealError> {
        if is_utf16(bytes) {
            return Err(SealError::Utf16);
        }
        let text = String::from_utf8_lossy(bytes);
        let blocks = pem_blocks(text.trim_start_matches('\u{feff}'));
        if blocks.is_empty() {
            return Err(SealError::NotPem);
        }
        if let Some(block) = blocks.iter().find(|b| b.label == CERTIFICATE) {
            return Self::from_certificate(block, now);
        }
        let bare = [SPKI_PUBLIC_KEY, PKCS1_PUBLIC_KEY];
        if let Some(block) = blocks.iter().find(|b| bare.contains(&b.label)) {
            return Self::from_bare_key(block);
        }
        Err(SealError::NoCertificate {
            found: blocks.iter().map(|b| known_label(b.label)).collect(),
        })
    }

    /// `sha256:` and the lowercase hex SHA-256 of the certificate's DER, or of the key's SPKI DER when
    /// the file held a bare key. It goes into an annotation, so that a new certificate shows up as a
    /// change and triggers a re-seal.
    pub fn fingerprint(&self) -> String {
        self.fingerprint.clone()
    }

    pub(super) fn key(&self) -> &rsa::PublicKey {
        &self.key
    }

    fn from_certificate(block: &PemBlock, now: SystemTime) -> Result<Self, SealError> {
        let der = block.decode()?;
        let cert = Certificate::from_der(&der).map_err(|e| block.malformed(e))?;
        let tbs = cert.tbs_certificate();
        // The same order as kubeseal's `ParseKey`: the key type first, then the expiry.
        let spki = tbs.subject_public_key_info();
        let key = rsa_key(block, &spki.algorithm.oid, spki.subject_public_key.raw_bytes())?;
        let not_after = tbs.validity().not_after;
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default();
        if now > not_after.to_unix_duration() {
            return Err(SealError::Expired { not_after: not_after.to_date_time().to_string() });
        }
        Ok(Self { key, fingerprint: fingerprint(&der) })
    }

    fn from_bare_key(block: &PemBlock) -> Result<Self, SealError> {
        let der = block.decode()?;
        let key = if block.label == SPKI_PUBLIC_KEY {
            let spki = SubjectPublicKeyInfoRef::from_der(&der).map_err(|e| block.malformed(e))?;
            rsa_key(block, &spki.algorithm.oid, spki.subject_public_key.raw_bytes())?
        } else {
            rsa::PublicKey::from_pkcs1_der(&der).map_err(|e| block.malformed(e))?
        };
        // Both spellings of one key get one fingerprint.
        let spki = key.to_public_key_der().map_err(|e| block.malformed(e))?;
        Ok(Self { key, fingerprint: fingerprint(spki.as_bytes()) })
    }
}

/// The RSA key of a SubjectPublicKeyInfo, or which other algorithm it is.
fn rsa_key(
    block: &PemBlock,
    algorithm: &ObjectIdentifier,
    key: &[u8],
) -> Result<rsa::PublicKey, SealError> {
    const OTHERS: [(ObjectIdentifier, &str); 5] = [
        (rfc5912::ID_EC_PUBLIC_KEY, "EC"),
        (rfc8410::ID_ED_25519, "Ed25519"),
        (rfc8410::ID_ED_448, "Ed448"),
        (rfc5912::ID_DSA, "DSA"),
        (rfc5912::ID_RSASSA_PSS, "RSASSA-PSS (signing-only RSA)"),
    ];
    if *algorithm != rfc5912::RSA_ENCRYPTION {
        let algorithm = OTHERS
            .iter()
            .find(|(oid, _)| oid == algorithm)
            .map_or_else(|| format!("OID {algorithm}"), |(_, name)| (*name).to_owned());
        return Err(SealError::NotRsa { algorithm });
    }
    rsa::PublicKey::from_pkcs1_der(key).map_err(|e| block.malformed(e))
}

fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der).iter().fold(String::from("sha256:"), |mut hex, byte| {
        write!(hex, "{byte:02x}").expect("writing to a String cannot fail");
        hex
    })
}

/// The labels PEM files hold, which a message may name; any other label is the file's own
/// text, and not ours to print.
const KNOWN_LABELS: &[&str] = &[
    CERTIFICATE,
    SPKI_PUBLIC_KEY,
    PKCS1_PUBLIC_KEY,
    "PRIVATE KEY",
    "RSA PRIVATE KEY",
    "EC PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
    "OPENSSH PRIVATE KEY",
    "CERTIFICATE REQUEST",
    "NEW CERTIFICATE REQUEST",
    "X509 CRL",
    "TRUSTED CERTIFICATE",
    "PKCS7",
    "EC PARAMETERS",
    "DH PARAMETERS",
    "PGP PUBLIC KEY BLOCK",
    "PGP PRIVATE KEY BLOCK",
    "PGP MESSAGE",
    "AGE ENCRYPTED FILE",
];

/// `label` when it is one of [`KNOWN_LABELS`], else words that say there was one.
fn known_label(label: &str) -> String {
    match KNOWN_LABELS.contains(&label) {
        true => label.to_owned(),
        false => "a block of another kind".to_owned(),
    }
}

/// UTF-16 shows as a byte-order mark or, without one, as ASCII with a NUL beside every character.
fn is_utf16(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64)];
    let nul_every_other =
        |first| head.len() >= 4 && head.iter().skip(first).step_by(2).all(|&b| b == 0);
    head.starts_with(&[0xFF, 0xFE])
        || head.starts_with(&[0xFE, 0xFF])
        || nul_every_other(0)
        || nul_every_other(1)
}

/// One `-----BEGIN <label>-----` block.
struct PemBlock<'a> {
    label: &'a str,
    /// The line number (from 1) of its BEGIN line.
    line: usize,
    /// The base64 lines, with their numbers and the column their text starts at, or `None`
    /// when the END line never came.
    base64: Option<Vec<(usize, usize, &'a str)>>,
}

impl PemBlock<'_> {
    fn decode(&self) -> Result<Vec<u8>, SealError> {
        let lines = self
            .base64
            .as_ref()
            .ok_or_else(|| self.malformed(format!("no \"-----END {}-----\" line", self.label)))?;
        let body: String = lines.iter().map(|(_, _, text)| *text).collect();
        STANDARD.decode(body).map_err(|_| {
            // The first character that is none of base64's (or padding that is not at the end).
            let is_base64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=');
            let bad = lines.iter().find_map(|&(line, start, text)| {
                text.char_indices().find(|&(_, c)| !is_base64(c)).map(|(at, _)| (line, start + at))
            });
            let (line, column) = bad.unwrap_or((self.line, 1));
            self.malformed_at("its body is not base64", line, column)
        })
    }

    /// This block is malformed, for `reason`: located at its BEGIN line.
    fn malformed(&self, reason: impl fmt::Display) -> SealError {
        self.malformed_at(reason, self.line, 1)
    }

    /// This block is malformed, for `reason`, at `line` and `column` of the file.
    fn malformed_at(&self, reason: impl fmt::Display, line: usize, column: usize) -> SealError {
        let (block, reason) = (self.label.to_owned(), reason.to_string());
        SealError::Malformed { block, reason, line, column }
    }
}

/// The PEM blocks in `text`, in order. As lenient as Go's `pem.Decode`, which kubeseal uses: text
/// between blocks is skipped and base64 lines may have any width.
fn pem_blocks(text: &str) -> Vec<PemBlock<'_>> {
    let mut blocks = Vec::new();
    // Each line trimmed, with its number and the column (from 1) its text starts at.
    let mut lines = text.lines().enumerate().map(|(index, line)| {
        let trimmed = line.trim_start();
        (index + 1, line.len() - trimmed.len() + 1, trimmed.trim_end())
    });
    while let Some((number, _, line)) = lines.next() {
        let Some(label) =
            line.strip_prefix("-----BEGIN ").and_then(|rest| rest.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut base64 = Vec::new();
        let mut ended = false;
        for (number, column, line) in lines.by_ref() {
            if line == end {
                ended = true;
                break;
            }
            base64.push((number, column, line));
        }
        blocks.push(PemBlock { label, line: number, base64: ended.then_some(base64) });
    }
    blocks
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const CERT: &[u8] = include_bytes!("../../fixtures/seal/cert.pem");
    /// `openssl x509 -in cert.pem -outform der | sha256sum`
    const CERT_FINGERPRINT: &str =
        "sha256:b87d6a7daf5e607bfe7bbcc03151cb70e2782a8e5257b160b209bd3e143afc3d";
    /// `openssl pkey -pubin -in pubkey.pem -outform der | sha256sum`
    const KEY_FINGERPRINT: &str =
        "sha256:52f07e6e10bc25b3f10ed7a6b8ffe1be9b1fac447e9b92f4f57c20752a167159";
    /// expired-cert.pem's NotAfter, 2020-01-01T00:00:00Z.
    const EXPIRY: Duration = Duration::from_secs(1_577_836_800);

    fn parse(pem: &[u8]) -> Result<SealingCert, SealError> {
        SealingCert::from_pem(pem, SystemTime::now())
    }

    fn error(pem: &[u8]) -> String {
        parse(pem).unwrap_err().to_string()
    }

    #[test]
    fn fingerprint_is_sha256_of_the_certificate_der() {
        assert_eq!(parse(CERT).unwrap().fingerprint(), CERT_FINGERPRINT);
    }

    #[test]
    fn the_first_certificate_wins_and_a_new_one_changes_the_fingerprint() {
        let cert2 = include_bytes!("../../fixtures/seal/cert2.pem");
        let both = [&cert2[..], CERT].concat();
        let rotated = parse(&both).unwrap().fingerprint();
        assert_eq!(rotated, parse(cert2).unwrap().fingerprint());
        assert_ne!(rotated, CERT_FINGERPRINT);
    }

    #[test]
    fn tolerates_surrounding_text_crlf_a_utf8_bom_and_long_lines() {
        let text = std::str::from_utf8(CERT).unwrap();
        let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        let rewrapped: Vec<&str> =
            body.as_bytes().chunks(76).map(|line| std::str::from_utf8(line).unwrap()).collect();
        let pem = format!(
            "\u{feff}subject=CN = acr-inject-test\r\n-----BEGIN CERTIFICATE-----\r\n{}\r\n-----END CERTIFICATE-----\r\ntrailing notes\r\n",
            rewrapped.join("\r\n")
        );
        assert_eq!(parse(pem.as_bytes()).unwrap().fingerprint(), CERT_FINGERPRINT);
    }

    #[test]
    fn bare_public_keys_are_accepted_without_expiry() {
        let far_future = UNIX_EPOCH + Duration::from_secs(40_000_000_000);
        for pem in [
            &include_bytes!("../../fixtures/seal/pubkey.pem")[..],
            &include_bytes!("../../fixtures/seal/rsa-pubkey.pem")[..],
        ] {
            let cert = SealingCert::from_pem(pem, far_future).unwrap();
            assert_eq!(cert.fingerprint(), KEY_FINGERPRINT);
        }
    }

    #[test]
    fn expired_certificate_names_its_date() {
        let expired = include_bytes!("../../fixtures/seal/expired-cert.pem");
        let err = parse(expired).unwrap_err();
        assert_eq!(err, SealError::Expired { not_after: "2020-01-01T00:00:00Z".to_owned() });
        assert!(err.to_string().contains("expired on 2020-01-01T00:00:00Z"), "{err}");
        // Valid up to and including NotAfter, as Go's `time.Now().After(NotAfter)` has it.
        assert!(SealingCert::from_pem(expired, UNIX_EPOCH + EXPIRY).is_ok());
        let just_after = UNIX_EPOCH + EXPIRY + Duration::from_secs(1);
        assert!(SealingCert::from_pem(expired, just_after).is_err());
    }

    #[test]
    fn ec_certificate_is_rejected_by_name() {
        let err = parse(include_bytes!("../../fixtures/seal/ec-cert.pem")).unwrap_err();
        assert_eq!(err, SealError::NotRsa { algorithm: "EC".to_owned() });
        assert_eq!(
            err.to_string(),
            "the sealing certificate's key is EC, but Sealed Secrets only seals with RSA keys"
        );
    }

    #[test]
    fn utf16_gets_a_re_save_hint() {
        let with_bom = include_bytes!("../../fixtures/seal/cert-utf16le.pem");
        let big_endian_no_bom: Vec<u8> = CERT.iter().flat_map(|&b| [0, b]).collect();
        for pem in [&with_bom[..], &big_endian_no_bom] {
            let msg = error(pem);
            assert!(msg.contains("UTF-16"), "{msg}");
            assert!(msg.contains("Out-File -Encoding ascii"), "{msg}");
        }
    }

    #[test]
    fn not_pem_says_what_was_expected() {
        let der = STANDARD
            .decode(
                std::str::from_utf8(CERT)
                    .unwrap()
                    .lines()
                    .filter(|l| !l.starts_with("-----"))
                    .collect::<String>(),
            )
            .unwrap();
        for input in [&b""[..], b"hello, world\n", &der] {
            assert_eq!(parse(input).unwrap_err(), SealError::NotPem);
        }
        assert!(error(b"x").contains("expected a \"-----BEGIN CERTIFICATE-----\" block"));
    }

    #[test]
    fn a_malformed_block_is_located_at_its_fault() {
        let text = std::str::from_utf8(CERT).unwrap();
        let bad_base64 = format!("comment\n{}", text.replacen("MII", "M*I", 1));
        let located = |pem: &str| match parse(pem.as_bytes()).unwrap_err() {
            SealError::Malformed { line, column, .. } => (line, column),
            other => panic!("{other:?}"),
        };
        assert_eq!(located(&bad_base64), (3, 2));
        assert_eq!(
            located("x\n-----BEGIN CERTIFICATE-----\n  aGVsbG8=\n-----END CERTIFICATE-----\n"),
            (2, 1)
        );
        assert_eq!(located("-----BEGIN CERTIFICATE-----\nMIIB\n"), (1, 1));
    }

    #[test]
    fn a_label_of_the_files_own_is_not_named() {
        let msg =
            error(b"-----BEGIN SECRET-CONTENT-----\naGVsbG8=\n-----END SECRET-CONTENT-----\n");
        assert!(msg.contains("(found: a block of another kind)"), "{msg}");
        assert!(!msg.contains("SECRET-CONTENT"), "{msg}");
    }

    #[test]
    fn a_private_key_is_named_but_never_shown() {
        let msg = error(include_bytes!("../../fixtures/seal/key.pem"));
        assert!(msg.contains("no CERTIFICATE block (found: RSA PRIVATE KEY)"), "{msg}");
        assert!(!msg.contains("MII"), "{msg}");
    }

    #[test]
    fn broken_blocks_are_malformed() {
        let text = std::str::from_utf8(CERT).unwrap();
        let no_end = text.replace("-----END CERTIFICATE-----", "");
        let bad_base64 = text.replacen("MII", "M*I", 1);
        let not_der = "-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n";
        for pem in [&no_end, &bad_base64, not_der] {
            let err = parse(pem.as_bytes()).unwrap_err();
            assert!(
                matches!(&err, SealError::Malformed { block, .. } if block == CERTIFICATE),
                "{err}"
            );
        }
        assert!(error(no_end.as_bytes()).contains("no \"-----END CERTIFICATE-----\" line"));
    }
}
