//! The age recipients a document is encrypted to, and the data key wrapped for each of them as
//! sops writes it under `sops.age`: one armored age file per recipient.
//!
//! Only X25519 recipients (`age1…`) are taken. Messages never quote what was given: someone
//! who pastes an age *secret* key where a recipient belongs must not find it in a CI log.

use std::fmt;
use std::str::FromStr;

use super::cipher::DataKey;

/// An age X25519 recipient, as its `age1…` text.
#[derive(Clone, PartialEq, Eq)]
pub struct Recipient {
    text: String,
    key: age::x25519::Recipient,
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Recipient({})", self.text)
    }
}

impl Recipient {
    /// The `age1…` text, as written under `sops.age[].recipient`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `data_key` encrypted to this recipient and armored (PEM, 64 columns, ending in a line
    /// break), as sops' age key source writes `enc`.
    pub fn wrap(&self, data_key: &DataKey) -> String {
        age::encrypt_and_armor(&self.key, data_key.bytes())
            .expect("encrypting 32 bytes to an X25519 recipient cannot fail")
    }
}

impl FromStr for Recipient {
    type Err = String;

    /// Parses one recipient; the error says what kind of thing was given instead.
    fn from_str(text: &str) -> Result<Recipient, String> {
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        let refuse = |what: &str| {
            Err(format!("{what}; sops recipients here must be age X25519 keys (`age1…`)"))
        };
        if lower.starts_with("age-secret-key-") {
            return refuse(
                "an age secret key, not a recipient: give its public key (`age-keygen -y`)",
            );
        }
        if lower.starts_with("ssh-") || lower.starts_with("ecdsa-sha2-") {
            return refuse("an SSH public key (sops takes those only through age plugins)");
        }
        // An X25519 recipient's human-readable part is `age`; a plugin's is `age1NAME`, and
        // bech32's data characters never include `1`.
        if lower.starts_with("age1") && lower[4..].contains('1') {
            return refuse("an age plugin recipient (plugins are out of scope)");
        }
        let hex = text.replace(' ', "");
        if (hex.len() == 40 || hex.len() == 16) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return refuse("a PGP fingerprint (PGP, KMS and Vault keys are out of scope)");
        }
        if text.is_empty() {
            return refuse("an empty recipient");
        }
        match age::x25519::Recipient::from_str(text) {
            Ok(key) => Ok(Recipient { text: text.to_string(), key }),
            Err(why) => refuse(&format!("not a valid age recipient ({why})")),
        }
    }
}

/// Parses a comma-separated list, as `ACR_INJECT_SOPS_AGE` and `.sops.yaml`'s `age` hold one;
/// `which(i)` names the `i`th entry (from 1) in an error.
pub fn parse_list(text: &str, which: impl Fn(usize) -> String) -> Result<Vec<Recipient>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .enumerate()
        .map(|(i, entry)| entry.parse().map_err(|why| format!("{}: {why}", which(i + 1))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECIPIENT: &str = "age18e4lcru4xmrdxynhy85tkp8yzr8sfvlnuxkxefunrcyacylnyp9srkplet";

    fn refusal(text: &str) -> String {
        text.parse::<Recipient>().unwrap_err()
    }

    #[test]
    fn an_x25519_recipient_parses_and_keeps_its_text() {
        assert_eq!(RECIPIENT.parse::<Recipient>().unwrap().as_str(), RECIPIENT);
    }

    #[test]
    fn other_kinds_of_keys_are_named_and_never_quoted() {
        let secret = "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ";
        for (given, named) in [
            (secret, "an age secret key"),
            ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHunter2 me@host", "an SSH public key"),
            ("85D77543B3D624B63CEA9E6DBC17301B491B3F21", "a PGP fingerprint"),
            ("age1yubikey1qwt50d05nh5vutpdzmlg5wn80xq5negm4uj9ghv0snvdd3yysf5yw3rhl3t", "plugin"),
            ("age1notbech32", "not a valid age recipient"),
        ] {
            let message = refusal(given);
            assert!(message.contains(named), "{given}: {message}");
            assert!(!message.contains(&given[..12]), "{message}");
        }
    }

    #[test]
    fn a_list_is_split_at_commas_and_a_bad_entry_is_named_by_its_place() {
        let list = format!(" {RECIPIENT} ,{RECIPIENT},");
        assert_eq!(parse_list(&list, |i| format!("entry {i}")).unwrap().len(), 2);
        let message =
            parse_list(&format!("{RECIPIENT},nope"), |i| format!("entry {i}")).unwrap_err();
        assert!(message.starts_with("entry 2: "), "{message}");
    }

    #[test]
    fn the_wrapped_key_is_armored_and_opens_with_the_identity() {
        let identity = age::x25519::Identity::generate();
        let recipient: Recipient = identity.to_public().to_string().parse().unwrap();
        let data_key = DataKey::from_bytes([9; 32]);
        let armored = recipient.wrap(&data_key);
        assert!(armored.starts_with("-----BEGIN AGE ENCRYPTED FILE-----\n"), "{armored}");
        assert!(armored.ends_with("-----END AGE ENCRYPTED FILE-----\n"), "{armored}");
        assert!(armored.lines().all(|line| line.len() <= 64));
        assert_eq!(age::decrypt(&identity, armored.as_bytes()).unwrap(), [9; 32]);
    }
}
