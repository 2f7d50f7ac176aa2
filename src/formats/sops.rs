//! The SOPS Secret: the plain Secret, byte for byte as kubectl prints it, with its values
//! encrypted to age recipients as sops 3.11 encrypts them, for Flux, KSOPS or the sops CLI to
//! decrypt.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use regex::Regex;
use zeroize::Zeroizing;

use super::plain::SECRET;
use super::{Kind, SecretFormat};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::k8s::object::ObjectView;
use crate::k8s::secret::{DOCKER_CONFIG_JSON, render_secret};
use crate::sops::cipher::is_encrypted_str;
use crate::sops::document::{self, Encryption};
use crate::sops::recipients::{Recipient, parse_list};
use crate::sops::{KUBERNETES_ENCRYPTED_REGEX, config};
use crate::sources::describe;

/// A `kubernetes.io/dockerconfigjson` Secret whose values are SOPS-encrypted.
#[derive(Debug)]
pub struct Sops {
    pub credentials: Credentials,
    /// Every recipient can decrypt on its own (one age stanza each).
    pub recipients: Vec<Recipient>,
    pub encrypted_regex: Regex,
    /// Encrypt afresh even where an up-to-date SOPS Secret exists (`--reseal`): after the
    /// password changed, which the tool cannot see through the ciphertext.
    pub reencrypt: bool,
    /// `sops.lastmodified` of what this run encrypts (RFC 3339, UTC, whole seconds).
    pub lastmodified: String,
}

/// Where the recipients come from.
#[derive(Debug)]
pub enum EncryptTo<'a> {
    /// `--sops-age`: these, with the Kubernetes `encrypted_regex`.
    Recipients(&'a [String]),
    /// `--sops`: the `.sops.yaml` rule for this file (`None`: stdout), found from the current
    /// directory; a rule without `encrypted_regex` gets the Kubernetes one.
    SopsConfigFor(Option<&'a Path>),
}

impl Sops {
    /// The format for the settings: the recipients parsed or looked up, errors naming where
    /// they came from.
    pub fn from_settings(
        credentials: Credentials,
        encrypt_to: EncryptTo,
        reencrypt: bool,
        now: SystemTime,
    ) -> Result<Sops, Error> {
        let kubernetes = || Regex::new(KUBERNETES_ENCRYPTED_REGEX).expect("a valid regex");
        let (recipients, encrypted_regex) = match encrypt_to {
            EncryptTo::Recipients(given) => {
                let which = |i: usize| format!("--sops-age (or ACR_INJECT_SOPS_AGE) recipient {i}");
                let recipients = parse_list(&given.join(","), which).map_err(Error::new)?;
                if recipients.is_empty() {
                    return Err(Error::new("--sops-age: no recipient given"));
                }
                (recipients, kubernetes())
            }
            EncryptTo::SopsConfigFor(file) => {
                let cwd = std::env::current_dir().map_err(|e| {
                    Error::new(format!("--sops: the current directory: {}", describe(&e)))
                })?;
                let rule = config::rule_for(&cwd, file)?;
                (rule.recipients, rule.encrypted_regex.unwrap_or_else(kubernetes))
            }
        };
        Ok(Sops::new(credentials, unique(recipients), encrypted_regex, reencrypt, now))
    }

    pub fn new(
        credentials: Credentials,
        recipients: Vec<Recipient>,
        encrypted_regex: Regex,
        reencrypt: bool,
        now: SystemTime,
    ) -> Sops {
        Sops { credentials, recipients, encrypted_regex, reencrypt, lastmodified: rfc3339(now) }
    }
}

impl SecretFormat for Sops {
    fn description(&self) -> &'static str {
        "a SOPS-encrypted Secret"
    }

    fn parts(&self) -> &'static [Kind] {
        &[SECRET]
    }

    fn render(
        &self,
        _part: usize,
        name: &str,
        namespace: Option<&str>,
        eol: &str,
    ) -> Result<Zeroizing<String>, Error> {
        let plain = render_secret(name, namespace, &self.credentials.docker_login(), "\n");
        let encryption = Encryption {
            recipients: &self.recipients,
            encrypted_regex: &self.encrypted_regex,
            lastmodified: &self.lastmodified,
        };
        let encrypted = document::encrypt(&plain, &encryption);
        Ok(match eol {
            "\n" => encrypted,
            _ => Zeroizing::new(encrypted.replace('\n', eol)),
        })
    }

    /// Encrypted by sops for exactly these recipients with this `encrypted_regex`, holding
    /// only an encrypted `.dockerconfigjson` and a MAC: only the random ciphertext (and the
    /// password, which the ciphertext hides) would differ.
    fn is_current(&self, _part: usize, existing: &ObjectView) -> bool {
        let sops = |key: &str| existing.string(&["sops", key]);
        let mut theirs: Vec<&str> = existing
            .items(&["sops", "age"])
            .iter()
            .filter_map(|age| age.string(&["recipient"]))
            .collect();
        let mut ours: Vec<&str> = self.recipients.iter().map(Recipient::as_str).collect();
        theirs.sort_unstable();
        ours.sort_unstable();
        let data = existing.string_entries(&["data"]);
        let only_age = ["pgp", "kms", "gcp_kms", "azure_kv", "hc_vault", "key_groups"]
            .iter()
            .all(|key| existing.items(&["sops", key]).is_empty());
        !self.reencrypt
            && theirs == ours
            && only_age
            && sops("encrypted_regex") == Some(self.encrypted_regex.as_str())
            && sops("mac").is_some_and(is_encrypted_str)
            && existing.string(&["type"]) == Some(DOCKER_CONFIG_JSON)
            && matches!(data.as_slice(), [(".dockerconfigjson", value)] if is_encrypted_str(value))
            && existing.string_entries(&["stringData"]).is_empty()
    }

    /// Every encryption draws a new data key and new IVs.
    fn is_deterministic(&self) -> bool {
        false
    }

    /// Only the age identities open it.
    fn safe_to_commit(&self) -> bool {
        true
    }
}

/// `recipients` without repeats, in their first order: a key named twice (in the flag and the
/// variable, say) gets one stanza.
fn unique(recipients: Vec<Recipient>) -> Vec<Recipient> {
    let mut kept: Vec<Recipient> = Vec::with_capacity(recipients.len());
    for recipient in recipients {
        if !kept.contains(&recipient) {
            kept.push(recipient);
        }
    }
    kept
}

/// `time` as RFC 3339 in whole seconds, UTC (`2026-12-01T18:25:41Z`), as Go's
/// `time.RFC3339` writes a UTC time.
fn rfc3339(time: SystemTime) -> String {
    let seconds = time.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs());
    let (days, second_of_day) = (seconds / 86_400, seconds % 86_400);
    // Howard Hinnant's days-to-civil, for days since 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::yaml::tree::Tree;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn lastmodified_is_rfc3339_in_utc_whole_seconds() {
        assert_eq!(rfc3339(at(0)), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(at(1_796_149_541)), "2026-12-01T18:25:41Z");
        assert_eq!(rfc3339(at(951_782_400)), "2000-02-29T00:00:00Z", "a leap day");
        assert_eq!(rfc3339(at(1_796_149_541) + Duration::from_millis(999)), "2026-12-01T18:25:41Z");
    }

    fn format(recipients: &[&age::x25519::Identity], reencrypt: bool) -> Sops {
        let credentials = Credentials {
            server: "myregistry.azurecr.io".into(),
            username: "user".into(),
            password: crate::credentials::Password::new("hunter2".into()),
            email: None,
        };
        let recipients =
            recipients.iter().map(|id| id.to_public().to_string().parse().unwrap()).collect();
        let regex = Regex::new(KUBERNETES_ENCRYPTED_REGEX).unwrap();
        Sops::new(credentials, recipients, regex, reencrypt, at(1_796_149_541))
    }

    fn current(format: &Sops, text: &str) -> bool {
        let tree = Tree::parse(text).unwrap();
        format.is_current(0, &ObjectView::new(&tree, tree.root.unwrap()))
    }

    #[test]
    fn the_decrypted_secret_is_the_plain_secret_byte_for_byte() {
        let identity = age::x25519::Identity::generate();
        let format = format(&[&identity], false);
        let rendered = format.render(0, "acr-secret", Some("shop"), "\n").unwrap();
        let plain =
            render_secret("acr-secret", Some("shop"), &format.credentials.docker_login(), "\n");
        // The plain Secret's base64 value, not a prefix such as `eyJ`: random base64 (the
        // ciphertexts, the armor) holds any three characters now and then.
        let value = plain.lines().find_map(|l| l.strip_prefix("  .dockerconfigjson: ")).unwrap();
        assert!(!rendered.contains("hunter2") && !rendered.contains(value), "{}", *rendered);
        assert_eq!(document::decrypt(&rendered, &identity).unwrap(), *plain);
        assert!(rendered.contains("  lastmodified: \"2026-12-01T18:25:41Z\"\n"));
    }

    #[test]
    fn a_recipient_given_twice_gets_one_stanza() {
        let key = age::x25519::Identity::generate().to_public().to_string();
        let given = [key.clone(), format!("{key},{key}")];
        let credentials = format(&[], false).credentials;
        let sops = Sops::from_settings(credentials, EncryptTo::Recipients(&given), false, at(0));
        assert_eq!(sops.unwrap().recipients.len(), 1);
    }

    #[test]
    fn crlf_streams_get_crlf_throughout() {
        let identity = age::x25519::Identity::generate();
        let rendered = format(&[&identity], false).render(0, "s", None, "\r\n").unwrap();
        assert_eq!(rendered.matches('\n').count(), rendered.matches("\r\n").count());
    }

    #[test]
    fn a_secret_for_the_same_recipients_in_any_order_is_current_unless_reencrypting() {
        let (alice, bob) = (age::x25519::Identity::generate(), age::x25519::Identity::generate());
        let rendered = format(&[&alice, &bob], false).render(0, "s", None, "\n").unwrap();
        assert!(current(&format(&[&alice, &bob], false), &rendered));
        assert!(current(&format(&[&bob, &alice], false), &rendered), "a set, not a list");
        assert!(!current(&format(&[&alice, &bob], true), &rendered), "--reseal");
        assert!(!current(&format(&[&alice], false), &rendered), "a recipient fewer");
    }

    #[test]
    fn a_plain_secret_or_another_regex_is_not_current() {
        let alice = age::x25519::Identity::generate();
        let ours = format(&[&alice], false);
        let plain = render_secret("s", None, &ours.credentials.docker_login(), "\n");
        assert!(!current(&ours, &plain));
        let rendered = ours.render(0, "s", None, "\n").unwrap();
        let other_regex =
            rendered.replace("encrypted_regex: ^(data|stringData)$", "encrypted_regex: ^data$");
        assert!(!current(&ours, &other_regex));
    }
}
