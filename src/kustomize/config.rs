//! The transformer's config object, the `AcrInject` of a kustomization's `transformers:` entry
//! (or a KRM function's `functionConfig`), turned into the settings it stands for.
//!
//! ```yaml
//! apiVersion: acr-inject.dev/v1alpha1
//! kind: AcrInject
//! metadata: {name: acr}
//! spec: {registry: myregistry, sealCert: pub-cert.pem}
//! ```
//!
//! Each `spec` key is a flag in camelCase (`secretName` is `--secret-name`; a repeatable flag
//! may be named in the plural, `podSpecPaths`), and its value becomes that flag's default
//! through the flag's own parser, as Argo CD's settings do: so a setting means the same
//! wherever it comes from, and the flags and `ACR_INJECT_*` variables stay above it. The keys a
//! config may set are listed once, in [`SPEC_SETTINGS`]; the mapping is generic, so a key there
//! works the day its flag exists. Credentials are never among them: the config is committed
//! to Git, and the password comes from `ACR_INJECT_*` in kustomize's environment as always.
//!
//! Paths (the flags whose value is a `PATH`, such as `sealCert`) are relative to the
//! kustomization directory, which is the working directory kustomize runs a transformer in,
//! and must stay inside it once symlinks are resolved: a kustomization from someone else's
//! repository must not make the transformer read files elsewhere on the machine.

use std::path::{Path, PathBuf};

use clap::{ArgAction, CommandFactory};

use crate::argocd;
use crate::error::{Error, Location, quoted};
use crate::sources::describe;
use crate::yaml::tree::{NodeId, Tree, Value};

pub const API_VERSION: &str = "acr-inject.dev/v1alpha1";
pub const KIND: &str = "AcrInject";

/// The settings a config's `spec` may hold, by flag name. Every other flag is the command
/// line's or the environment's alone: the credentials, and what only makes sense outside
/// kustomize (files, `--write`, ...).
pub const SPEC_SETTINGS: &[&str] = &[
    "registry",
    "secret-name",
    "no-secret",
    "only-registry-images",
    "pod-spec-path",
    "namespace",
    "email",
    "seal-cert",
    "scope",
    "sops-age",
    "external-secrets",
    "remote-keys",
    "acr-token",
];

/// Settings that are credentials: never in a file that is committed.
const CREDENTIALS: &[&str] = &["username", "password", "password-file", "password-stdin"];

/// One setting the config chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    /// The flag's long name.
    pub flag: String,
    pub values: Vec<String>,
    /// Where the config says so, for messages: `SOURCE:LINE:COLUMN: spec.KEY`.
    pub origin: String,
}

/// The config object `text` (named `source` in messages, its first line being `first_line`),
/// read against the flags of `command`. Paths are resolved against `base`, the kustomization
/// directory, and refused when they lead out of it.
pub fn read(
    source: &str,
    text: &str,
    first_line: usize,
    command: &clap::Command,
    base: &Path,
) -> Result<Vec<Chosen>, Error> {
    let at = |offset: usize| Location::in_text(source, text.as_bytes(), first_line, offset);
    let tree = Tree::parse(text).map_err(|e| Error::at(&at(e.span.start), e.message))?;
    let Some(root) = tree.root.filter(|&root| tree.entries(root).is_some()) else {
        return Err(Error::at(&at(0), format!("expected an {KIND} object ({API_VERSION})")));
    };
    let mut spec = None;
    let mut seen: Vec<&str> = Vec::new();
    for &(key, value) in tree.entries(root).unwrap_or_default() {
        let here = at(tree.node(key).span.start);
        let name = tree.scalar(key).unwrap_or("");
        if seen.contains(&name) {
            return Err(Error::at(
                &here,
                format!("duplicate key {} in the {KIND} config", quoted(name)),
            ));
        }
        seen.push(name);
        match name {
            "apiVersion" => expect_scalar(&tree, value, API_VERSION, &at, "apiVersion")?,
            "kind" => expect_scalar(&tree, value, KIND, &at, "kind")?,
            "metadata" => {}
            "spec" => spec = Some(value),
            other => {
                return Err(Error::at(
                    &here,
                    format!(
                        "unknown field {} in the {KIND} config; it has apiVersion, kind, metadata, spec",
                        quoted(other)
                    ),
                ));
            }
        }
    }
    let Some(spec) = spec.filter(|&spec| !tree.is_null(spec)) else { return Ok(Vec::new()) };
    let Some(entries) = tree.entries(spec) else {
        return Err(Error::at(&at(tree.node(spec).span.start), "`spec` must be a mapping"));
    };
    let mut chosen = Vec::new();
    for &(key, value) in entries {
        let here = at(tree.node(key).span.start);
        let name = tree.scalar(key).unwrap_or("");
        let origin = format!("{here}: spec.{name}");
        let arg =
            setting_of(name, command).map_err(|why| Error::new(format!("{origin}: {why}")))?;
        let values = values_of(&tree, value, matches!(arg.get_action(), ArgAction::Append))
            .map_err(|why| Error::new(format!("{origin}: {why}")))?;
        let values = match takes_path(arg) {
            true => values
                .iter()
                .map(|value| inside(base, value).map(|path| path.display().to_string()))
                .collect::<Result<_, String>>()
                .map_err(|why| Error::new(format!("{origin}: {why}")))?,
            false => values,
        };
        if values.is_empty() {
            continue;
        }
        let flag = arg.get_long().expect("settings are long flags").to_string();
        if chosen.iter().any(|c: &Chosen| c.flag == flag) {
            return Err(Error::new(format!("{origin}: `--{flag}` is set twice")));
        }
        chosen.push(Chosen { flag, values, origin });
    }
    Ok(chosen)
}

/// The flag a `spec` key stands for, or why the key is refused.
fn setting_of<'c>(key: &str, command: &'c clap::Command) -> Result<&'c clap::Arg, String> {
    let find = |name: &str| command.get_arguments().find(|arg| arg.get_long() == Some(name));
    let camel_case = key.starts_with(|c: char| c.is_ascii_lowercase())
        && key.chars().all(|c| c.is_ascii_alphanumeric());
    let flag = kebab(key);
    // A repeatable flag in the plural: `podSpecPaths` is `--pod-spec-path`.
    let plural_of = flag
        .strip_suffix('s')
        .and_then(|singular| find(singular).map(|arg| (singular, arg)))
        .filter(|(_, arg)| matches!(arg.get_action(), ArgAction::Append));
    let (name, arg) = match (find(&flag), plural_of) {
        (Some(arg), _) => (flag.as_str(), Some(arg)),
        (None, Some((singular, arg))) => (singular, Some(arg)),
        (None, None) => (flag.as_str(), None),
    };
    if CREDENTIALS.contains(&name) {
        let variable = if name == "username" { "USERNAME" } else { "PASSWORD" };
        return Err(format!(
            "credentials never go in the config (it is committed with the kustomization): set \
             ACR_INJECT_{variable} in the environment kustomize runs in"
        ));
    }
    match arg {
        _ if !camel_case || !SPEC_SETTINGS.contains(&name) => {
            Err(format!("unknown field {}; the spec may set {}", quoted(key), allowed(command)))
        }
        None => Err(format!("this acr-inject has no --{name} flag (it needs a newer version)")),
        Some(arg) => Ok(arg),
    }
}

/// The `spec` keys, as a list for messages: each setting in camel case, in the plural when
/// `command` has it as a repeatable flag.
fn allowed(command: &clap::Command) -> String {
    let repeatable = |flag: &str| {
        command.get_arguments().any(|arg| {
            arg.get_long() == Some(flag) && matches!(arg.get_action(), ArgAction::Append)
        })
    };
    let keys: Vec<String> = SPEC_SETTINGS
        .iter()
        .map(|flag| camel(flag) + if repeatable(flag) { "s" } else { "" })
        .collect();
    keys.join(", ")
}

/// `secretName` → `secret-name`.
fn kebab(key: &str) -> String {
    let mut flag = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            flag.push('-');
        }
        flag.push(c.to_ascii_lowercase());
    }
    flag
}

/// `secret-name` → `secretName`.
fn camel(flag: &str) -> String {
    let mut key = String::with_capacity(flag.len());
    let mut upper = false;
    for c in flag.chars() {
        match c {
            '-' => upper = true,
            c if upper => {
                key.push(c.to_ascii_uppercase());
                upper = false;
            }
            c => key.push(c),
        }
    }
    key
}

/// A setting's values: a scalar, or (for a repeatable flag) a list of scalars. `null` is unset.
fn values_of(tree: &Tree, node: NodeId, repeatable: bool) -> Result<Vec<String>, String> {
    let node = tree.resolve(node).map_err(|e| e.message)?;
    if tree.is_null(node) {
        return Ok(Vec::new());
    }
    match &tree.node(node).value {
        Value::Scalar { text, .. } => Ok(vec![text.to_string()]),
        Value::Sequence { items, .. } if repeatable => items
            .iter()
            .map(|&item| tree.scalar(item).map(str::to_string).ok_or("expected a list of strings"))
            .collect::<Result<_, _>>()
            .map_err(str::to_string),
        Value::Sequence { .. } => Err("takes one value, not a list".into()),
        _ => {
            Err(if repeatable { "expected a list of strings" } else { "expected a string" }.into())
        }
    }
}

/// Whether the flag's value is a file's path.
fn takes_path(arg: &clap::Arg) -> bool {
    arg.get_value_names().is_some_and(|names| names.iter().any(|name| name == "PATH"))
}

/// `value`, a path relative to `base`, resolved (symlinks too), if it stays inside `base`.
/// The message names the path as written, never what the file holds.
fn inside(base: &Path, value: &str) -> Result<PathBuf, String> {
    let base = base
        .canonicalize()
        .map_err(|e| format!("the kustomization directory cannot be resolved: {}", describe(&e)))?;
    let path = Path::new(value);
    if path.is_absolute() {
        return Err(format!(
            "{} is an absolute path; paths in the config are relative to the kustomization \
             directory",
            quoted(value)
        ));
    }
    let outside = || {
        format!(
            "{} leads outside the kustomization directory (after symlinks); refusing to read it",
            quoted(value)
        )
    };
    // Refused before the file system is asked, so that the answer tells nothing about what
    // exists out there.
    if climbs_out(path) {
        return Err(outside());
    }
    let resolved = base
        .join(path)
        .canonicalize()
        .map_err(|e| format!("{}: {}", quoted(value), describe(&e)))?;
    if !resolved.starts_with(&base) {
        return Err(outside());
    }
    Ok(resolved)
}

/// Whether the relative `path`, read without the file system, goes above where it starts
/// (`../x`, `a/../../x`).
fn climbs_out(path: &Path) -> bool {
    let mut depth = 0_usize;
    for component in path.components() {
        match component {
            std::path::Component::ParentDir if depth == 0 => return true,
            std::path::Component::ParentDir => depth -= 1,
            std::path::Component::Normal(_) => depth += 1,
            _ => {}
        }
    }
    false
}

/// Checks that a top-level scalar is `expected`.
fn expect_scalar(
    tree: &Tree,
    node: NodeId,
    expected: &str,
    at: &dyn Fn(usize) -> Location,
    field: &str,
) -> Result<(), Error> {
    match tree.scalar(node) {
        Some(found) if found == expected => Ok(()),
        found => Err(Error::at(
            &at(tree.node(node).span.start),
            format!(
                "{field} is {}; expected `{expected}`",
                found.map_or("(not a string)".into(), quoted)
            ),
        )),
    }
}

/// `command` with the config's settings as the defaults of their flags, each checked by its
/// flag's own parser alone first, so that a bad value is blamed on the config's line.
pub fn with_defaults(
    mut command: clap::Command,
    chosen: &[Chosen],
) -> Result<clap::Command, Error> {
    for Chosen { flag, values, origin } in chosen {
        let arg = command.get_arguments().find(|arg| arg.get_long() == Some(flag));
        let id = arg.expect("chosen settings are flags").get_id().clone();
        let alone =
            crate::cli::Cli::command().mut_arg(id.clone(), |arg| arg.default_values(values));
        if let Err(error) = alone.try_get_matches_from(["acr-inject"]) {
            return Err(Error::new(format!("{origin}: {}", argocd::one_line(&error))));
        }
        command = command.mut_arg(id, |arg| arg.default_values(values));
    }
    Ok(command)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::FromArgMatches;

    fn config(spec: &str) -> String {
        format!("apiVersion: {API_VERSION}\nkind: {KIND}\nmetadata:\n  name: acr\nspec:\n{spec}")
    }

    fn read_in(dir: &Path, spec: &str) -> Result<Vec<Chosen>, Error> {
        read("acr.yaml", &config(spec), 1, &Cli::command(), dir)
    }

    fn chosen(spec: &str) -> Vec<(String, Vec<String>)> {
        let dir = std::env::temp_dir();
        let chosen = read_in(&dir, spec).unwrap_or_else(|e| panic!("{e}"));
        chosen.into_iter().map(|c| (c.flag, c.values)).collect()
    }

    fn error(spec: &str) -> String {
        read_in(&std::env::temp_dir(), spec).unwrap_err().message().to_string()
    }

    #[test]
    fn spec_keys_are_the_flags_in_camel_case_repeatable_ones_in_the_plural() {
        let spec = "  secretName: regcred\n  noSecret: true\n  podSpecPaths: [Foo=spec, Bar.example.com=spec]\n  scope: cluster-wide\n";
        let owned = |flag: &str, values: &[&str]| {
            (flag.to_string(), values.iter().map(|v| v.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(
            chosen(spec),
            [
                owned("secret-name", &["regcred"]),
                owned("no-secret", &["true"]),
                owned("pod-spec-path", &["Foo=spec", "Bar.example.com=spec"]),
                owned("scope", &["cluster-wide"]),
            ]
        );
        assert_eq!(chosen("  namespace: null\n"), [], "null leaves a setting unset");
    }

    #[test]
    fn the_config_sits_below_flags_and_every_value_goes_through_the_flags_parser() {
        let chosen =
            read_in(&std::env::temp_dir(), "  secretName: regcred\n  noSecret: true\n").unwrap();
        let parse = |args: &[&str]| {
            let command = with_defaults(Cli::command(), &chosen).unwrap();
            Cli::from_arg_matches(&command.try_get_matches_from(args).unwrap()).unwrap()
        };
        let cli = parse(&["acr-inject"]);
        assert_eq!((cli.secret_name.as_str(), cli.no_secret), ("regcred", true));
        assert_eq!(parse(&["acr-inject", "-s", "from-flag"]).secret_name, "from-flag");
        let bad = read_in(&std::env::temp_dir(), "  scope: everywhere\n").unwrap();
        let message = with_defaults(Cli::command(), &bad).unwrap_err().message().to_string();
        assert!(
            message.starts_with("acr.yaml:6:3: spec.scope: invalid value 'everywhere'"),
            "{message}"
        );
    }

    #[test]
    fn credentials_are_refused_and_say_where_they_belong() {
        for (key, variable) in [
            ("password", "ACR_INJECT_PASSWORD"),
            ("passwordFile", "ACR_INJECT_PASSWORD"),
            ("username", "ACR_INJECT_USERNAME"),
        ] {
            let message = error(&format!("  {key}: hunter2\n"));
            assert!(message.contains("credentials never go in the config"), "{message}");
            assert!(message.contains(variable), "{message}");
            assert!(!message.contains("hunter2"), "{message}");
        }
    }

    #[test]
    fn unknown_and_misplaced_fields_are_errors_at_their_line_and_column() {
        assert_eq!(
            error("  registry: r\n  secretNam: x\n"),
            format!(
                "acr.yaml:7:3: spec.secretNam: unknown field `secretNam`; the spec may set {}",
                allowed(&Cli::command())
            )
        );
        assert!(error("  secret-name: x\n").contains("unknown field `secret-name`"));
        assert!(error("  write: true\n").contains("unknown field `write`"), "not a spec setting");
        let top = read(
            "c.yaml",
            &format!("{}extra: 1\n", config("")),
            1,
            &Cli::command(),
            Path::new("."),
        );
        assert!(top.unwrap_err().message().starts_with("c.yaml:6:1: unknown field `extra`"));
        let wrong =
            read("c.yaml", "apiVersion: v1\nkind: ConfigMap\n", 1, &Cli::command(), Path::new("."));
        assert_eq!(
            wrong.unwrap_err().message(),
            "c.yaml:1:13: apiVersion is `v1`; expected `acr-inject.dev/v1alpha1`"
        );
        assert!(error("  secretName: [a, b]\n").contains("takes one value, not a list"));
        let twice = format!("{}spec: {{}}\n", config("  registry: r\n"));
        let twice = read("c.yaml", &twice, 1, &Cli::command(), Path::new("."));
        assert_eq!(
            twice.unwrap_err().message(),
            "c.yaml:7:1: duplicate key `spec` in the AcrInject config"
        );
    }

    #[test]
    fn a_listed_setting_without_its_flag_asks_for_a_newer_version() {
        let older =
            clap::Command::new("acr-inject").arg(clap::Arg::new("registry").long("registry"));
        let message = read("c.yaml", &config("  sopsAge: age1xyz\n"), 1, &older, Path::new("."))
            .unwrap_err()
            .message()
            .to_string();
        assert!(
            message.ends_with(
                "spec.sopsAge: this acr-inject has no --sops-age flag (it needs a newer version)"
            ),
            "{message}"
        );
    }

    #[test]
    fn paths_resolve_inside_the_kustomization_directory_and_nowhere_else() {
        let root = tempfile::tempdir().unwrap();
        let kustomization = root.path().join("app");
        std::fs::create_dir_all(kustomization.join("certs")).unwrap();
        std::fs::write(kustomization.join("certs/cert.pem"), "SECRET-CONTENT").unwrap();
        std::fs::write(root.path().join("outside.pem"), "SECRET-CONTENT").unwrap();
        std::os::unix::fs::symlink("../outside.pem", kustomization.join("link.pem")).unwrap();
        std::os::unix::fs::symlink("certs/cert.pem", kustomization.join("inner.pem")).unwrap();
        let resolved = |value: &str| read_in(&kustomization, &format!("  sealCert: {value}\n"));
        let inside = kustomization.canonicalize().unwrap().join("certs/cert.pem");
        for value in ["certs/cert.pem", "./certs/../certs/cert.pem", "inner.pem"] {
            let chosen = resolved(value).unwrap();
            assert_eq!(chosen[0].values, [inside.display().to_string()], "{value}");
        }
        for (value, why) in [
            ("../outside.pem", "leads outside the kustomization directory"),
            ("link.pem", "leads outside the kustomization directory"),
            ("/etc/hostname", "is an absolute path"),
            ("missing.pem", "`missing.pem`: "),
        ] {
            let message = resolved(value).unwrap_err().message().to_string();
            assert!(message.contains(why), "{value}: {message}");
            assert!(message.starts_with("acr.yaml:6:3: spec.sealCert: "), "{message}");
            assert!(!message.contains("SECRET-CONTENT"), "{message}");
        }
    }
}
