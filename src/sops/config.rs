//! The `.sops.yaml` that sops itself would use for a file, and the age recipients and
//! `encrypted_regex` of its first creation rule that matches that file.
//!
//! Found as sops 3.11 finds it (`config.FindConfigFile(".")`, checked against the real binary):
//! walking up from the *current directory*, not from the file's. A rule's `path_regex` (Go
//! RE2, unanchored) is matched against the file's absolute path with the config's directory
//! and a `/` taken off the front; a rule without one matches every file. Output on stdout has
//! no path: it is matched as the empty path.
//!
//! Only age is spoken here: a rule that encrypts with KMS, PGP or Vault, or selects values
//! otherwise than by `encrypted_regex`, is refused, naming the rule. Errors point at
//! `file:line:column` and never quote the file (a misplaced secret key must not reach a log).

use std::path::{Component, Path, PathBuf};

use regex::Regex;

use super::document::is_encrypted;
use super::recipients::{self, Recipient};
use crate::error::{Error, Location};
use crate::sources::describe;
use crate::yaml::tree::{NodeId, Tree};

/// The file sops looks for.
pub const FILE_NAME: &str = ".sops.yaml";

/// How far sops walks up (`maxDepth` in `config/config.go`).
const MAX_DEPTH: usize = 100;

/// What a creation rule says about the file: whom to encrypt to, and which values.
#[derive(Debug)]
pub struct Rule {
    pub recipients: Vec<Recipient>,
    /// `None`: the rule leaves it to the caller.
    pub encrypted_regex: Option<Regex>,
}

/// Where a pull Secret keeps its credentials: a rule's `encrypted_regex` must encrypt it.
const CREDENTIAL_PATH: &[&str] = &["data", ".dockerconfigjson"];

/// Keys of a rule that encrypt to something other than age.
const OTHER_KEYS: &[&str] =
    &["pgp", "kms", "gcp_kms", "azure_keyvault", "hc_vault_transit_uri", "hckms"];

/// Keys of a rule that select values in ways this tool does not write.
const OTHER_SELECTIONS: &[&str] = &[
    "unencrypted_regex",
    "encrypted_suffix",
    "unencrypted_suffix",
    "encrypted_comment_regex",
    "unencrypted_comment_regex",
    "mac_only_encrypted",
    "shamir_threshold",
    "key_groups",
];

/// The `.sops.yaml` in `directory` or the nearest directory above it.
pub fn find(directory: &Path) -> Option<PathBuf> {
    directory.ancestors().take(MAX_DEPTH).map(|dir| dir.join(FILE_NAME)).find(|path| path.is_file())
}

/// The rule for `file` (`None`: stdout) from the `.sops.yaml` sops would find from `cwd`.
pub fn rule_for(cwd: &Path, file: Option<&Path>) -> Result<Rule, Error> {
    let cwd = normalize(cwd, Path::new("/"));
    let config = find(&cwd).ok_or_else(|| {
        Error::new(format!(
            "--sops: no {FILE_NAME} in {} or any directory above it (sops looks from the current \
             directory); create one, or give the recipients with --sops-age",
            cwd.display()
        ))
    })?;
    let text = std::fs::read(&config)
        .map_err(|e| Error::new(format!("{}: {}", config.display(), describe(&e))))?;
    let directory = config.parent().expect("a file in a directory");
    let relative = match file {
        Some(file) => {
            let file = normalize(file, &cwd);
            match file.strip_prefix(directory) {
                Ok(inside) => inside.to_string_lossy().into_owned(),
                Err(_) => file.to_string_lossy().into_owned(),
            }
        }
        None => String::new(),
    };
    parse(&config.to_string_lossy(), &text, &relative)
}

/// `path` made absolute against `base` and cleaned of `.` and `..`, as Go's `filepath.Abs`.
fn normalize(path: &Path, base: &Path) -> PathBuf {
    let mut clean = PathBuf::from("/");
    for component in base.join(path).components() {
        match component {
            Component::ParentDir => {
                clean.pop();
            }
            Component::Normal(part) => clean.push(part),
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    clean
}

/// The first rule of `text` (a `.sops.yaml` named `source`) that matches `relative`, the
/// file's path relative to the config's directory (empty: stdout).
pub fn parse(source: &str, text: &[u8], relative: &str) -> Result<Rule, Error> {
    let at = |offset: usize, message: String| {
        Error::at(&Location::in_text(source, text, 1, offset), message)
    };
    let text =
        std::str::from_utf8(text).map_err(|e| at(e.valid_up_to(), "not UTF-8 text".into()))?;
    let tree = Tree::parse(text).map_err(|e| at(e.span.start, e.message))?;
    let config = Config { tree: &tree, at: &at };
    let root = tree.root.ok_or_else(|| at(0, "empty: no creation_rules".into()))?;
    let rules = config
        .get(root, "creation_rules")?
        .and_then(|rules| tree.items(rules))
        .ok_or_else(|| config.error(root, "no creation_rules list"))?;
    for (index, &rule) in rules.iter().enumerate() {
        let number = index + 1;
        if config.matches(rule, number, relative)? {
            let which = match relative {
                "" => "stdout".to_string(),
                path => format!("`{}`", path.escape_debug()),
            };
            return config
                .read(rule, &format!("creation rule {number}, the first that matches {which},"));
        }
    }
    Err(config.error(
        root,
        &match relative {
            "" => "no creation rule matches stdout (no path; use a rule without path_regex, or -o FILE)"
                .to_string(),
            path => format!("no creation rule matches `{}`", path.escape_debug()),
        },
    ))
}

/// A parsed `.sops.yaml`, and how to point at a place in it.
struct Config<'t, 'a> {
    tree: &'t Tree<'t>,
    at: &'a dyn Fn(usize, String) -> Error,
}

impl Config<'_, '_> {
    fn error(&self, node: NodeId, message: &str) -> Error {
        (self.at)(self.tree.node(node).span.start, message.to_string())
    }

    /// The value of `key` in the mapping `map`.
    fn get(&self, map: NodeId, key: &str) -> Result<Option<NodeId>, Error> {
        let found = self.tree.lookup(map, key).map_err(|e| (self.at)(e.span.start, e.message))?;
        Ok(found.map(|found| found.value))
    }

    fn has(&self, map: NodeId, key: &str) -> bool {
        self.get(map, key).ok().flatten().is_some()
    }

    /// The string value at `node`, a regular expression (Go RE2 syntax, which `regex` shares).
    fn regex(&self, node: NodeId, what: &str) -> Result<Regex, Error> {
        let pattern = self
            .tree
            .scalar(node)
            .ok_or_else(|| self.error(node, &format!("{what} must be a string")))?;
        Regex::new(pattern)
            .map_err(|_| self.error(node, &format!("{what} is not a valid regular expression")))
    }

    /// Whether rule `number` applies to `relative`: it has no `path_regex`, or one that matches.
    fn matches(&self, rule: NodeId, number: usize, relative: &str) -> Result<bool, Error> {
        if self.tree.entries(rule).is_none() {
            return Err(self.error(rule, &format!("creation rule {number} is not a mapping")));
        }
        match self.get(rule, "path_regex")? {
            None => Ok(true),
            Some(node) => Ok(self
                .regex(node, &format!("creation rule {number}: path_regex"))?
                .is_match(relative)),
        }
    }

    /// The recipients and `encrypted_regex` of the matching `rule`, which `named` names.
    fn read(&self, rule: NodeId, named: &str) -> Result<Rule, Error> {
        if let Some(key) = OTHER_SELECTIONS.iter().find(|key| self.has(rule, key)) {
            return Err(self.error(
                rule,
                &format!("{named} sets `{key}`, which acr-inject does not support (only age recipients with encrypted_regex)"),
            ));
        }
        let recipients = match self.get(rule, "age")? {
            None => Vec::new(),
            Some(age) => self.age_recipients(age)?,
        };
        if recipients.is_empty() {
            let others: Vec<&str> =
                OTHER_KEYS.iter().copied().filter(|key| self.has(rule, key)).collect();
            let has = match others.as_slice() {
                [] => String::new(),
                keys => format!(" (it has {})", keys.join(", ")),
            };
            return Err(self.error(
                rule,
                &format!("{named} has no age recipients{has}: acr-inject encrypts to age keys only; KMS, PGP and Vault keys are out of scope"),
            ));
        }
        let encrypted_regex = match self.get(rule, "encrypted_regex")? {
            None => None,
            Some(node) => {
                let regex = self.regex(node, "encrypted_regex")?;
                // sops would leave the rest in plain text, and the Secret goes into Git.
                if !is_encrypted(CREDENTIAL_PATH, &regex) {
                    return Err(self.error(
                        node,
                        &format!(
                            "{named} has an encrypted_regex that matches neither `data` nor \
                             `.dockerconfigjson`: the credentials would be written unencrypted"
                        ),
                    ));
                }
                Some(regex)
            }
        };
        Ok(Rule { recipients, encrypted_regex })
    }

    /// A rule's `age`: a comma-separated string, or a list of them.
    fn age_recipients(&self, age: NodeId) -> Result<Vec<Recipient>, Error> {
        let entries = match self.tree.items(age) {
            Some(items) => items.to_vec(),
            None => vec![age],
        };
        let mut found = Vec::new();
        for node in entries {
            let text = self
                .tree
                .scalar(node)
                .ok_or_else(|| self.error(node, "age recipients must be strings"))?;
            let parsed = recipients::parse_list(text, |i| format!("age recipient {i}"))
                .map_err(|message| self.error(node, &message))?;
            found.extend(parsed);
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = "age18e4lcru4xmrdxynhy85tkp8yzr8sfvlnuxkxefunrcyacylnyp9srkplet";
    const BOB: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

    fn rule(text: &str, relative: &str) -> Result<Rule, String> {
        parse(".sops.yaml", text.as_bytes(), relative).map_err(|e| e.to_string())
    }

    fn recipients(rule: &Rule) -> Vec<&str> {
        rule.recipients.iter().map(Recipient::as_str).collect()
    }

    #[test]
    fn the_first_rule_whose_path_regex_matches_applies() {
        let text = format!(
            "creation_rules:\n- path_regex: ^prod/\n  age: {ALICE}\n- path_regex: \\.yaml$\n  encrypted_regex: ^data$\n  age: [{ALICE}, {BOB}]\n- age: {BOB}\n"
        );
        let second = rule(&text, "k8s/pull.yaml").unwrap();
        assert_eq!(recipients(&second), [ALICE, BOB]);
        assert_eq!(second.encrypted_regex.unwrap().as_str(), "^data$");
        assert_eq!(recipients(&rule(&text, "prod/pull.yaml").unwrap()), [ALICE]);
        let catch_all = rule(&text, "").unwrap();
        assert_eq!(recipients(&catch_all), [BOB]);
        assert!(catch_all.encrypted_regex.is_none());
    }

    #[test]
    fn a_comma_separated_age_string_gives_every_recipient() {
        let text = format!("creation_rules:\n  - age: {ALICE},{BOB}\n");
        assert_eq!(recipients(&rule(&text, "x.yaml").unwrap()), [ALICE, BOB]);
    }

    #[test]
    fn a_matching_rule_without_age_names_itself_and_what_it_lacks() {
        let text = "creation_rules:\n  - path_regex: nope\n    age: x\n  - pgp: 85D77543B3D624B63CEA9E6DBC17301B491B3F21\n";
        assert_eq!(
            rule(text, "s.yaml").unwrap_err(),
            ".sops.yaml:4:5: creation rule 2, the first that matches `s.yaml`, has no age recipients (it has pgp): \
             acr-inject encrypts to age keys only; KMS, PGP and Vault keys are out of scope"
        );
    }

    #[test]
    fn a_bad_recipient_is_located_and_not_quoted() {
        let text = "creation_rules:\n  - age: AGE-SECRET-KEY-1SECRETSECRET\n";
        let message = rule(text, "s.yaml").unwrap_err();
        assert!(
            message.starts_with(".sops.yaml:2:10: age recipient 1: an age secret key"),
            "{message}"
        );
        assert!(!message.contains("SECRETSECRET"), "{message}");
    }

    #[test]
    fn invalid_files_and_unmatched_paths_are_one_line_errors() {
        for (text, relative, expected) in [
            ("creation_rules: [\n", "s.yaml", ".sops.yaml:1:17: "),
            ("stores: {}\n", "s.yaml", ".sops.yaml:1:1: no creation_rules list"),
            (
                "creation_rules:\n- path_regex: '('\n  age: a\n",
                "s.yaml",
                ".sops.yaml:2:15: creation rule 1: path_regex is not",
            ),
            (
                "creation_rules:\n- path_regex: ^a/\n  age: a\n",
                "s.yaml",
                ".sops.yaml:1:1: no creation rule matches `s.yaml`",
            ),
            (
                "creation_rules:\n- key_groups: []\n",
                "s.yaml",
                ".sops.yaml:2:3: creation rule 1, the first that matches `s.yaml`, sets `key_groups`",
            ),
        ] {
            let message = rule(text, relative).unwrap_err();
            assert!(message.starts_with(expected), "{text:?}: {message}");
            assert!(!message.contains('\n'), "{message}");
        }
    }

    #[test]
    fn an_encrypted_regex_that_leaves_the_credentials_in_clear_is_refused() {
        for regex in ["^metadata$", "^stringData$", "^nothing$"] {
            let text = format!("creation_rules:\n- encrypted_regex: '{regex}'\n  age: {ALICE}\n");
            let message = rule(&text, "").unwrap_err();
            assert!(
                message.starts_with(".sops.yaml:2:20: creation rule 1, the first that matches stdout, has an encrypted_regex that matches neither"),
                "{message}"
            );
        }
        for regex in ["^data$", "dockerconfig", "^(data|stringData)$", "."] {
            let text = format!("creation_rules:\n- encrypted_regex: '{regex}'\n  age: {ALICE}\n");
            assert!(rule(&text, "").is_ok(), "{regex}");
        }
    }

    #[test]
    fn a_path_with_a_line_break_stays_on_one_line() {
        // Found by the `sops_config` fuzz target.
        let text = "creation_rules:\n- path_regex: ^a/\n  age: a\n";
        let message = rule(text, "b\nc.yaml").unwrap_err();
        assert_eq!(message, ".sops.yaml:1:1: no creation rule matches `b\\nc.yaml`");
    }

    #[test]
    fn paths_are_made_absolute_and_clean_as_go_does() {
        assert_eq!(
            normalize(Path::new("a/../b/./c.yaml"), Path::new("/repo")),
            Path::new("/repo/b/c.yaml")
        );
        assert_eq!(normalize(Path::new("/x/y"), Path::new("/repo")), Path::new("/x/y"));
    }
}
