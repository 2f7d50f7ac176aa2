//! A YAML document encrypted the way sops 3.11 encrypts a file (`sops.go`, `Tree.Encrypt`):
//! every leaf whose path has a key matching `encrypted_regex` is replaced by its encryption,
//! the MAC covers every leaf, and the `sops` metadata is appended as the last top-level key.
//!
//! The document's own bytes are kept: each encrypted value is spliced in where its plaintext
//! stood, so that apart from those values the output is the input, byte for byte (for a pull
//! Secret, kubectl's bytes), and what `sops decrypt` gives back is the same object.

use regex::Regex;
use sha2::{Digest as _, Sha512};
use zeroize::Zeroizing;

use super::VERSION;
use super::cipher::{DataKey, encrypt_str, path_aad};
use super::recipients::Recipient;
use crate::yaml::scalar::render_string;
use crate::yaml::tree::{NodeId, Tree, Value};

/// What a document is encrypted for.
#[derive(Debug)]
pub struct Encryption<'a> {
    pub recipients: &'a [Recipient],
    pub encrypted_regex: &'a Regex,
    /// When it was encrypted: RFC 3339 in whole seconds, UTC (`2026-12-01T18:25:41Z`). sops
    /// authenticates the MAC with this text.
    pub lastmodified: &'a str,
}

/// One scalar value of a document and the keys on its path.
#[derive(Debug)]
pub struct Leaf<'t> {
    pub path: Vec<&'t str>,
    pub value: &'t str,
    /// Where the value's text is in the document.
    pub span: std::ops::Range<usize>,
}

/// The scalar leaves of `tree`, in document order, leaving out the top-level `sops` key (the
/// metadata is no part of what it protects) and null values, as sops' tree walk does. List
/// items add no key to the path.
pub fn leaves<'t>(tree: &'t Tree<'t>) -> Vec<Leaf<'t>> {
    let mut found = Vec::new();
    if let Some(root) = tree.root {
        walk(tree, root, &mut Vec::new(), true, &mut found);
    }
    found
}

fn walk<'t>(
    tree: &'t Tree<'t>,
    node: NodeId,
    path: &mut Vec<&'t str>,
    top: bool,
    found: &mut Vec<Leaf<'t>>,
) {
    match &tree.node(node).value {
        Value::Scalar { .. } if !tree.is_null(node) => found.push(Leaf {
            path: path.clone(),
            value: tree.scalar(node).unwrap_or_default(),
            span: tree.node(node).span.clone(),
        }),
        Value::Scalar { .. } | Value::Alias(_) => {}
        Value::Mapping { entries, .. } => {
            for &(key, value) in entries {
                let key = tree.scalar(key).unwrap_or_default();
                if top && key == "sops" {
                    continue;
                }
                path.push(key);
                walk(tree, value, path, false, found);
                path.pop();
            }
        }
        Value::Sequence { items, .. } => {
            for &item in items {
                walk(tree, item, path, false, found);
            }
        }
    }
}

/// Whether sops encrypts a leaf at `path`: some key on it matches `encrypted_regex`.
pub fn is_encrypted(path: &[&str], encrypted_regex: &Regex) -> bool {
    path.iter().any(|key| encrypted_regex.is_match(key))
}

/// The MAC of the plaintext leaves: SHA-512 over their values one after another, with no
/// separator, as uppercase hex.
pub fn mac<'v>(values: impl IntoIterator<Item = &'v str>) -> Zeroizing<String> {
    let mut hash = Sha512::new();
    for value in values {
        hash.update(value.as_bytes());
    }
    let digest = hash.finalize();
    let mut hex = Zeroizing::new(String::with_capacity(2 * digest.len()));
    for byte in digest.iter() {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0xF)]));
    }
    hex
}

/// `plain`, one YAML document with `\n` line endings, all of whose leaves are strings (as a
/// kubectl Secret's are), encrypted for `encryption` under a fresh data key.
///
/// # Panics
///
/// If `plain` is not valid YAML: it is always this program's own rendering.
pub fn encrypt(plain: &str, encryption: &Encryption) -> Zeroizing<String> {
    let tree = Tree::parse(plain).expect("a document this program rendered parses");
    let leaves = leaves(&tree);
    let data_key = DataKey::generate();
    let mut out = Zeroizing::new(String::with_capacity(plain.len() * 2 + 1024));
    let mut copied = 0;
    for leaf in leaves.iter().filter(|leaf| is_encrypted(&leaf.path, encryption.encrypted_regex)) {
        out.push_str(&plain[copied..leaf.span.start]);
        out.push_str(&encrypt_str(&data_key, leaf.value, &path_aad(&leaf.path)));
        copied = leaf.span.end;
    }
    out.push_str(&plain[copied..]);
    let mac = mac(leaves.iter().map(|leaf| leaf.value));
    push_metadata(&mut out, encryption, &data_key, &mac);
    out
}

/// The `sops:` block, in the key order sops 3.11 writes for age: `age`, `lastmodified`, `mac`,
/// `encrypted_regex`, `version`; indented as kubectl indents (lists at their key's column).
fn push_metadata(out: &mut String, encryption: &Encryption, data_key: &DataKey, mac: &str) {
    out.push_str("sops:\n  age:\n");
    for recipient in encryption.recipients {
        out.push_str("  - recipient: ");
        out.push_str(&render_string(recipient.as_str()));
        out.push_str("\n    enc: |\n");
        for line in recipient.wrap(data_key).lines() {
            out.push_str("      ");
            out.push_str(line);
            out.push('\n');
        }
    }
    let mac = encrypt_str(data_key, mac, encryption.lastmodified);
    let lines = [
        ("  lastmodified: \"", encryption.lastmodified, "\""),
        ("  mac: ", &mac, ""),
        ("  encrypted_regex: ", &render_string(encryption.encrypted_regex.as_str()), ""),
        ("  version: ", VERSION, ""),
    ];
    for (prefix, value, suffix) in lines {
        out.push_str(prefix);
        out.push_str(value);
        out.push_str(suffix);
        out.push('\n');
    }
}

/// Opens a sops document with an age identity the way `sops decrypt` does, MAC check included:
/// the tests' stand-in for the real sops, checked against a file the real sops wrote.
#[cfg(test)]
pub fn decrypt(text: &str, identity: &age::x25519::Identity) -> Result<String, String> {
    use super::cipher::decrypt_str;
    let tree = Tree::parse(text).map_err(|e| e.message)?;
    let root = tree.root.ok_or("empty")?;
    let view = crate::k8s::object::ObjectView::new(&tree, root);
    let data_key = view
        .items(&["sops", "age"])
        .iter()
        .find_map(|entry| {
            let key = age::decrypt(identity, entry.string(&["enc"])?.as_bytes()).ok()?;
            Some(DataKey::from_bytes(key.try_into().ok()?))
        })
        .ok_or("no age entry opens with this identity")?;
    let regex = Regex::new(view.string(&["sops", "encrypted_regex"]).ok_or("no regex")?)
        .map_err(|e| e.to_string())?;
    let mut plain = String::new();
    let mut values = Vec::new();
    let mut copied = 0;
    for leaf in leaves(&tree) {
        let value = if is_encrypted(&leaf.path, &regex) {
            decrypt_str(&data_key, leaf.value, &path_aad(&leaf.path))?.to_string()
        } else {
            leaf.value.to_string()
        };
        plain.push_str(&text[copied..leaf.span.start]);
        plain.push_str(&value);
        copied = leaf.span.end;
        values.push(value);
    }
    let sops_key = text.find("\nsops:").ok_or("no sops block")? + 1;
    plain.push_str(&text[copied..sops_key]);
    let lastmodified = view.string(&["sops", "lastmodified"]).ok_or("no lastmodified")?;
    let stored =
        decrypt_str(&data_key, view.string(&["sops", "mac"]).ok_or("no mac")?, lastmodified)?;
    if *stored != *mac(values.iter().map(String::as_str)) {
        return Err("MAC mismatch".into());
    }
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr as _;

    use super::*;

    /// A file the real sops 3.11 wrote (`sops encrypt --age … --encrypted-regex
    /// '^(data|stringData)$'`), and the test key that opens it.
    const FIXTURE: &str = include_str!("../../fixtures/sops/secret.sops.yaml");
    const FIXTURE_PLAIN: &str = include_str!("../../fixtures/sops/secret.yaml");
    const FIXTURE_KEY: &str = include_str!("../../fixtures/sops/age-test-key.txt");

    fn fixture_identity() -> age::x25519::Identity {
        let line = FIXTURE_KEY.lines().find(|line| line.starts_with("AGE-SECRET-KEY-")).unwrap();
        age::x25519::Identity::from_str(line).unwrap()
    }

    fn kubernetes_regex() -> Regex {
        Regex::new(super::super::KUBERNETES_ENCRYPTED_REGEX).unwrap()
    }

    /// sops re-indents to four spaces; the plaintext it was given used two.
    fn reindented(text: &str) -> String {
        text.replace("\n    ", "\n  ")
    }

    #[test]
    fn the_real_sops_file_opens_with_our_aad_armor_reading_and_mac() {
        let plain = decrypt(FIXTURE, &fixture_identity()).unwrap();
        assert_eq!(reindented(&plain), FIXTURE_PLAIN);
    }

    #[test]
    fn a_changed_leaf_of_the_real_sops_file_fails_the_mac() {
        let tampered = FIXTURE.replace("name: acr-secret", "name: acr-secreT");
        assert_eq!(decrypt(&tampered, &fixture_identity()).unwrap_err(), "MAC mismatch");
    }

    #[test]
    fn the_mac_takes_the_leaves_in_document_order_without_separators() {
        let tree = Tree::parse(FIXTURE_PLAIN).unwrap();
        let values: Vec<&str> = leaves(&tree).iter().map(|leaf| leaf.value).collect();
        assert_eq!(values[0], "v1");
        assert_eq!(
            &values[2..],
            ["Secret", "acr-secret", "shop", "kubernetes.io/dockerconfigjson"]
        );
        assert_eq!(*mac(["ab", "c"]), *mac(["a", "bc"]), "no separators");
        assert_ne!(*mac(["v1", "Secret"]), *mac(["Secret", "v1"]), "order matters");
        assert_eq!(mac([]).len(), 128);
        assert!(mac(["x"]).chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
    }

    #[test]
    fn leaves_skip_the_sops_block_and_carry_their_paths() {
        let tree = Tree::parse(FIXTURE).unwrap();
        let paths: Vec<String> = leaves(&tree).iter().map(|leaf| path_aad(&leaf.path)).collect();
        assert_eq!(
            paths,
            [
                "apiVersion:",
                "data:.dockerconfigjson:",
                "kind:",
                "metadata:name:",
                "metadata:namespace:",
                "type:"
            ]
        );
    }

    #[test]
    fn only_leaves_under_a_matching_key_are_encrypted() {
        let regex = kubernetes_regex();
        assert!(is_encrypted(&["data", ".dockerconfigjson"], &regex));
        assert!(is_encrypted(&["stringData", "x"], &regex));
        assert!(!is_encrypted(&["metadata", "name"], &regex), "anchored: metadata is not data");
        assert!(!is_encrypted(&["type"], &regex));
    }

    #[test]
    fn our_encryption_opens_to_the_plain_document_byte_for_byte() {
        let identity = age::x25519::Identity::generate();
        let other = age::x25519::Identity::generate();
        let recipients: Vec<Recipient> = [&identity, &other]
            .iter()
            .map(|id| id.to_public().to_string().parse().unwrap())
            .collect();
        let regex = kubernetes_regex();
        let encryption = Encryption {
            recipients: &recipients,
            encrypted_regex: &regex,
            lastmodified: "2026-12-01T18:25:41Z",
        };
        let encrypted = encrypt(FIXTURE_PLAIN, &encryption);
        let value =
            FIXTURE_PLAIN.lines().find_map(|l| l.strip_prefix("  .dockerconfigjson: ")).unwrap();
        assert!(!encrypted.contains(value), "the data value is encrypted");
        assert!(
            encrypted
                .starts_with("apiVersion: v1\ndata:\n  .dockerconfigjson: ENC[AES256_GCM,data:")
        );
        assert!(
            encrypted.contains("kind: Secret\nmetadata:\n  name: acr-secret\n  namespace: shop\n")
        );
        assert_eq!(decrypt(&encrypted, &identity).unwrap(), FIXTURE_PLAIN);
        assert_eq!(decrypt(&encrypted, &other).unwrap(), FIXTURE_PLAIN, "every recipient opens it");
        assert!(encrypted.ends_with("  encrypted_regex: ^(data|stringData)$\n  version: 3.11.0\n"));
    }
}
