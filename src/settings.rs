//! Settings, resolved once: the command line, the `ACR_INJECT_*` environment and, in Argo CD
//! mode, the Application's settings become one typed [`Settings`] before anything runs.
//!
//! Precedence, highest first: a flag; its `ACR_INJECT_*` variable; in Argo CD mode the
//! Application's `ARGOCD_ENV_ACR_INJECT_*` variable, then its plugin parameter (see
//! [`crate::argocd`]); as a kustomize transformer, the config object's `spec` (see
//! [`crate::kustomize`]); the built-in default. All of them go through the one clap parser of
//! [`crate::cli`], so a value means the same whichever layer gave it.
//!
//! What a new way of running must provide: an arm of [`Mode`] (built in [`Settings::mode`]) and
//! the function that [`crate::run::run`] calls for it. What a new Secret format must provide:
//! an arm of [`pull_secret_format`], the one place that maps settings to a format.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use clap::{CommandFactory, FromArgMatches};

use crate::argocd;
use crate::cli::{Cli, Colour};
use crate::credentials::{self, Credentials, PasswordFrom};
use crate::error::{Error, Location};
use crate::filter::{Config, PullSecret, reusable_parts};
use crate::formats::SecretFormat;
use crate::formats::external_secrets::{AcrToken, DockerConfigTemplate, FromStore};
use crate::formats::plain::Plain;
use crate::formats::sealed::Sealed;
use crate::formats::sops::{EncryptTo, Sops};
use crate::k8s::kinds::{PodSpecRule, Rules};
use crate::k8s::rule_file;
use crate::kustomize::resource_list::ResourceList;
use crate::kustomize::{self, config as transformer_config};
use crate::placement::Reusable;
use crate::seal::SealingCert;
use crate::sources::{self, Input, describe};

/// Everything a run needs, resolved.
#[derive(Debug)]
pub struct Settings {
    pub mode: Mode,
    /// The inputs, expanded (empty in Argo CD mode, which finds its own).
    pub inputs: Vec<Input>,
    /// What the filter does.
    pub config: Config,
    /// Things to tell the user once on stderr before the run: where the credentials came
    /// from, what is risky about the choices made.
    pub notices: Vec<String>,
}

/// The way of running. Each arm is one function of [`crate::run`].
#[derive(Debug, PartialEq, Eq)]
pub enum Mode {
    /// Print the stream to stdout: held back until it all succeeded, or (`stream`) as it goes.
    Print { stream: bool, allow_empty: bool },
    /// `--output`: the stream into a file, replaced atomically.
    PrintToFile { path: PathBuf, allow_empty: bool, private: bool },
    /// `--check`: a diff of what would change; exit 1 when anything would.
    Check { colour: bool, secret_file: Option<SecretFile> },
    /// `--write`: files rewritten in place; exit 1 when any changed.
    Write { secret_file: Option<SecretFile> },
    /// `--argocd`: the plugin's `generate` command, in the application directory.
    ArgoCd { kustomize: Option<PathBuf>, helm: Option<PathBuf>, chart: argocd::ChartOptions },
    /// `--helm-post-renderer`: Helm's post-renderer, stdin to stdout.
    HelmPostRenderer,
    /// `--krm`: a KRM function over the ResourceList read from stdin. (kustomize's exec plugin
    /// is [`Mode::Print`], with the settings of its config: see [`crate::kustomize`].)
    KrmFunction { resource_list: ResourceList },
}

/// Where `--write` and `--check` put the pull secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretFile {
    pub path: PathBuf,
    /// It holds a credential in plain text: created owner-only.
    pub private: bool,
}

/// The environment variables, read once.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    variables: HashMap<String, String>,
}

impl Environment {
    /// The process's environment (variables that are not UTF-8 are left out).
    pub fn of_process() -> Environment {
        let variables = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)));
        Environment { variables: variables.collect() }
    }

    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Environment {
        let variables = pairs.into_iter().map(|(k, v)| (k.to_string(), v.to_string()));
        Environment { variables: variables.collect() }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.variables.get(name).map(String::as_str)
    }

    /// The variables whose names start with `prefix`, as (rest of the name, value), sorted.
    pub fn with_prefix<'e>(&'e self, prefix: &str) -> Vec<(&'e str, &'e str)> {
        let mut found: Vec<(&str, &str)> = self
            .variables
            .iter()
            .filter_map(|(name, value)| Some((name.strip_prefix(prefix)?, value.as_str())))
            .collect();
        found.sort_unstable();
        found
    }
}

/// Why settings could not be resolved.
#[derive(Debug)]
pub enum SettingsError {
    /// A usage error, `--help` or `--version`: clap prints it and picks the exit status.
    Usage(clap::Error),
    /// A setting that parses but cannot be used (a bad certificate, missing credentials...).
    Invalid(Error),
}

impl From<Error> for SettingsError {
    fn from(error: Error) -> SettingsError {
        SettingsError::Invalid(error)
    }
}

impl Settings {
    /// Resolves `args` (the program name first) against `env`. `stdin` is read only for
    /// `--password-stdin`. `terminal` tells whether stdout is a terminal (for `--color auto`).
    pub fn resolve(
        args: Vec<OsString>,
        env: &Environment,
        stdin: &mut dyn Read,
        terminal: bool,
    ) -> Result<Settings, SettingsError> {
        let (cli, resource_list) = parse(args, env, stdin)?;
        Ok(Settings::from_cli(cli, env, stdin, terminal, resource_list)?)
    }

    /// Turns a parsed command line into settings: reads what the settings point at (the
    /// password, the certificate, the inputs' paths) and checks that they fit together.
    fn from_cli(
        cli: Cli,
        env: &Environment,
        stdin: &mut dyn Read,
        terminal: bool,
        resource_list: Option<ResourceList>,
    ) -> Result<Settings, Error> {
        let inputs = if cli.argocd || cli.krm { Vec::new() } else { sources::expand(&cli.paths)? };
        let reads_stdin = inputs.contains(&Input::Stdin);
        check_secret_name(&cli.secret_name)?;
        if cli.password_stdin && reads_stdin {
            return Err(Error::new(
                "--password-stdin needs the manifests to come from files: stdin already carries them",
            ));
        }
        let mut notices = Vec::new();
        let needs_registry = !cli.no_secret || cli.only_registry_images;
        let login_server = match (&cli.registry, needs_registry) {
            (Some(registry), _) => Some(credentials::login_server(registry)?),
            (None, true) => {
                return Err(Error::new(if cli.no_secret {
                    "--only-registry-images needs the registry: pass --registry or set ACR_INJECT_REGISTRY"
                } else {
                    "no registry: pass --registry NAME (or set ACR_INJECT_REGISTRY), or --no-secret to add \
                     references only"
                }));
            }
            (None, false) => None,
        };
        let format = match (&login_server, cli.no_secret) {
            (Some(server), false) => {
                Some(pull_secret_format(&cli, server, env, stdin, &mut notices)?)
            }
            _ => None,
        };
        let mut config = Config {
            secret_name: cli.secret_name.clone(),
            only_registry: login_server.filter(|_| cli.only_registry_images),
            rules: Rules::with_overrides(rule_files(&cli, env)?, cli.pod_spec_paths.clone()),
            pull_secret: format.map(|format| PullSecret { format, reusable: Reusable::new() }),
            // Helm passes its `--namespace` to no post-renderer; HELM_NAMESPACE is what both
            // Helm and we read.
            default_namespace: cli.namespace.clone().or_else(|| {
                cli.helm_post_renderer.then(|| env.get("HELM_NAMESPACE").map(str::to_string))?
            }),
            // Files are validated: a broken file in a repository is better caught early. A
            // stream on stdin (from kustomize or Helm, which print valid YAML) takes the fast
            // path.
            validate: cli.validate
                || cli.write
                || cli.check
                || cli.argocd
                || cli.krm
                || inputs.iter().any(|input| *input != Input::Stdin),
        };
        let mode = mode(&cli, &config, !inputs.is_empty(), terminal, env, resource_list)?;
        if let Mode::ArgoCd { .. } = mode
            && let Some(pull_secret) = &config.pull_secret
            && !pull_secret.format.safe_to_commit()
        {
            notices.push(format!(
                "warning: emitting {}; Argo CD caches generated manifests in plain text, so configure \
                 ACR_INJECT_SEAL_CERT in the sidecar to emit a SealedSecret instead",
                pull_secret.format.description()
            ));
        }
        if let Some(reusable) = load_reusable(&cli, &config)? {
            config.pull_secret.as_mut().expect("only loaded with a pull secret").reusable =
                reusable;
        }
        Ok(Settings { mode, inputs, config, notices })
    }
}

/// The rules of `--rules` files (else of the files in `ACR_INJECT_RULES`), in order.
fn rule_files(cli: &Cli, env: &Environment) -> Result<Vec<PodSpecRule>, Error> {
    let paths: Vec<PathBuf> = match (&cli.rules[..], env.get("ACR_INJECT_RULES")) {
        ([], Some(list)) => {
            std::env::split_paths(list).filter(|p| !p.as_os_str().is_empty()).collect()
        }
        (paths, _) => paths.to_vec(),
    };
    let mut rules = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::new(format!("{name}: cannot read the rules: {}", describe(&e))))?;
        let parsed = rule_file::parse(&text).map_err(|e| {
            let at = Location::in_text(&name, text.as_bytes(), 1, e.span.start);
            Error::at(&at, format!("in the rules: {}", e.message))
        })?;
        rules.extend(parsed);
    }
    Ok(rules)
}

/// Parses the command line. In Argo CD mode the Application's settings become the defaults of
/// the flags they stand for, below flags and `ACR_INJECT_*` (which clap reads itself); as a
/// kustomize transformer, the config object's do (read from its file for the exec plugin, from
/// the ResourceList on `stdin`, returned too, for the KRM function).
fn parse(
    args: Vec<OsString>,
    env: &Environment,
    stdin: &mut dyn Read,
) -> Result<(Cli, Option<ResourceList>), SettingsError> {
    if let Some(chosen) = kustomize::exec_plugin_settings(&args, &Cli::command())? {
        let command = transformer_config::with_defaults(Cli::command(), &chosen)?;
        let matches = command
            .try_get_matches_from(kustomize::EXEC_PLUGIN_ARGS)
            .map_err(SettingsError::Usage)?;
        return Ok((Cli::from_arg_matches(&matches).map_err(SettingsError::Usage)?, None));
    }
    let matches =
        Cli::command().try_get_matches_from(args.clone()).map_err(SettingsError::Usage)?;
    let (matches, resource_list) = if matches.get_flag("argocd") {
        let command = argocd::with_application_settings(Cli::command(), env)?;
        (command.try_get_matches_from(args).map_err(SettingsError::Usage)?, None)
    } else if matches.get_flag("krm") {
        let (list, chosen) = kustomize::function_input(stdin, &Cli::command())?;
        let command = transformer_config::with_defaults(Cli::command(), &chosen)?;
        (command.try_get_matches_from(args).map_err(SettingsError::Usage)?, Some(list))
    } else {
        (matches, None)
    };
    Ok((Cli::from_arg_matches(&matches).map_err(SettingsError::Usage)?, resource_list))
}

/// The way of running the command line asks for, with what it needs.
/// Without inputs, `--write` and `--check` have nothing to do, and no secret file to check.
fn mode(
    cli: &Cli,
    config: &Config,
    has_inputs: bool,
    terminal: bool,
    env: &Environment,
    resource_list: Option<ResourceList>,
) -> Result<Mode, Error> {
    let holds_plaintext =
        config.pull_secret.as_ref().is_some_and(|pull_secret| !pull_secret.format.safe_to_commit());
    if cli.argocd {
        let chart = argocd::chart_options(env)?;
        return Ok(Mode::ArgoCd {
            kustomize: cli.kustomize.clone(),
            helm: cli.helm.clone(),
            chart,
        });
    }
    if cli.helm_post_renderer {
        if let Some(pull_secret) = &config.pull_secret
            && !pull_secret.format.accepts_added_metadata()
        {
            return Err(Error::new(format!(
                "{} cannot be a Helm post-renderer's output: Helm installs what it is given, so it \
                 could not decrypt it, and the annotations Helm needs would break its protection; \
                 emit a plain Secret or seal it with --seal-cert",
                pull_secret.format.description()
            )));
        }
        return Ok(Mode::HelmPostRenderer);
    }
    if let Some(resource_list) = resource_list {
        return Ok(Mode::KrmFunction { resource_list });
    }
    if cli.write || cli.check {
        let secret_file = if has_inputs { secret_file(cli, config)? } else { None };
        if cli.write {
            return Ok(Mode::Write { secret_file });
        }
        let colour = use_colour(cli.color, terminal, env.get("NO_COLOR"));
        return Ok(Mode::Check { colour, secret_file });
    }
    Ok(match &cli.output {
        Some(path) => Mode::PrintToFile {
            path: path.clone(),
            allow_empty: cli.allow_empty,
            private: holds_plaintext,
        },
        None => Mode::Print { stream: cli.stream, allow_empty: cli.allow_empty },
    })
}

/// The pull secret's format: the one place that maps settings to a [`SecretFormat`].
fn pull_secret_format(
    cli: &Cli,
    login_server: &str,
    env: &Environment,
    stdin: &mut dyn Read,
    notices: &mut Vec<String>,
) -> Result<Box<dyn SecretFormat>, Error> {
    if let Some(format) = external_secrets_format(cli, login_server, env, notices)? {
        return Ok(format);
    }
    let credentials = gather_credentials(cli, login_server, env, stdin, notices)?;
    Ok(match &cli.seal_cert {
        Some(path) => Box::new(Sealed {
            credentials,
            cert: sealing_cert(path)?,
            scope: cli.scope,
            reseal: cli.reseal,
        }),
        None if cli.sops || !cli.sops_age.is_empty() => {
            let written = cli.secret_file.as_deref().filter(|_| cli.write || cli.check);
            let encrypt_to = match cli.sops {
                true => EncryptTo::SopsConfigFor(written.or(cli.output.as_deref())),
                false => EncryptTo::Recipients(&cli.sops_age),
            };
            if cli.argocd {
                notices.push(ARGOCD_SOPS_NOTICE.to_string());
            }
            Box::new(Sops::from_settings(credentials, encrypt_to, cli.reseal, SystemTime::now())?)
        }
        None => Box::new(Plain { credentials }),
    })
}

/// Argo CD applies what the plugin prints, and nothing on that path decrypts SOPS.
const ARGOCD_SOPS_NOTICE: &str = "warning: emitting SOPS-encrypted Secrets; Argo CD applies the plugin's output \
    as it is and does not decrypt SOPS, so seal with ACR_INJECT_SEAL_CERT instead, or commit the SOPS Secrets \
    (acr-inject --write --secret-file) and let KSOPS decrypt them in Argo CD's kustomize build";

/// The External Secrets formats (`--external-secrets`, `--acr-token`), when asked for. The
/// credential lives in the cluster, so none is gathered: any given anyway is announced as
/// unused, by where it came from and never by its value.
fn external_secrets_format(
    cli: &Cli,
    login_server: &str,
    env: &Environment,
    notices: &mut Vec<String>,
) -> Result<Option<Box<dyn SecretFormat>>, Error> {
    let (flag, format): (&str, Box<dyn SecretFormat>) =
        match (&cli.external_secrets, &cli.acr_token) {
            (Some(store), _) => (
                "--external-secrets",
                Box::new(FromStore {
                    template: DockerConfigTemplate::new(login_server)?,
                    store: store.clone(),
                    keys: cli.remote_keys.clone(),
                    refresh: cli.refresh_interval,
                }),
            ),
            (None, Some(auth)) => {
                let token = AcrToken::new(
                    login_server,
                    auth.clone(),
                    cli.tenant_id.clone(),
                    cli.acr_token_scope.clone(),
                    cli.refresh_interval,
                )?;
                notices.extend(token.refresh_warning());
                ("--acr-token", Box::new(token))
            }
            (None, None) => return Ok(None),
        };
    let given: Vec<&str> = [
        ("--username", cli.username.is_some()),
        ("--email", cli.email.is_some()),
        ("--password-file", cli.password_file.is_some()),
        ("--password-stdin", cli.password_stdin),
        ("ACR_INJECT_PASSWORD", env.get("ACR_INJECT_PASSWORD").is_some_and(|v| !v.is_empty())),
        ("AZURE_CLIENT_SECRET", env.get("AZURE_CLIENT_SECRET").is_some_and(|v| !v.is_empty())),
    ]
    .into_iter()
    .filter_map(|(source, set)| set.then_some(source))
    .collect();
    if !given.is_empty() {
        notices.push(format!(
            "notice: {flag} leaves the credential in the cluster; the credentials given ({}) are not \
             used and not written anywhere",
            given.join(", ")
        ));
    }
    Ok(Some(format))
}

/// The credentials, from the environment, a file or stdin (never the command line).
fn gather_credentials(
    cli: &Cli,
    login_server: &str,
    env: &Environment,
    stdin: &mut dyn Read,
    notices: &mut Vec<String>,
) -> Result<Credentials, Error> {
    let password_from = match (&cli.password_file, cli.password_stdin) {
        (Some(path), _) => PasswordFrom::File(path.clone()),
        (None, true) => PasswordFrom::Stdin,
        (None, false) => PasswordFrom::Environment,
    };
    let found = credentials::gather(
        login_server.to_string(),
        cli.username.clone(),
        cli.email.clone(),
        &password_from,
        &|name| env.get(name).map(str::to_string),
        stdin,
    )?;
    notices.extend(found.notices);
    Ok(found.credentials)
}

/// The sealing certificate at `path`.
fn sealing_cert(path: &Path) -> Result<SealingCert, Error> {
    let name = path.display();
    let pem = std::fs::read(path).map_err(|e| Error::new(format!("{name}: {}", describe(&e))))?;
    SealingCert::from_pem(&pem, SystemTime::now()).map_err(|e| match e.location() {
        Some((line, column)) => Error::new(format!("{name}:{line}:{column}: {e}")),
        None => Error::new(format!("{name}: {e}")),
    })
}

/// The current pull secrets of a previous output (`--previous`, or the `--output` file as it
/// is before this run), when the format's output is randomised and so worth reusing.
fn load_reusable(cli: &Cli, config: &Config) -> Result<Option<Reusable>, Error> {
    let randomised = config.pull_secret.as_ref().is_some_and(|p| !p.format.is_deterministic());
    let Some(path) = cli.previous.as_deref().or(cli.output.as_deref()).filter(|_| randomised)
    else {
        return Ok(None);
    };
    let name = path.to_string_lossy();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound && cli.previous.is_none() => return Ok(None),
        Err(e) => return Err(Error::new(format!("{name}: {}", describe(&e)))),
    };
    reusable_parts(config, &name, &bytes).map(Some)
}

/// The secret file of `--write`/`--check`, checked against the rules: needed when there are
/// credentials, and refused for a format that is not safe to commit unless explicitly allowed.
fn secret_file(cli: &Cli, config: &Config) -> Result<Option<SecretFile>, Error> {
    let Some(pull_secret) = &config.pull_secret else {
        if cli.secret_file.is_some() {
            return Err(Error::new(
                "--secret-file needs credentials (it is where the pull Secrets go); drop --no-secret",
            ));
        }
        return Ok(None);
    };
    let mode = if cli.write { "--write" } else { "--check" };
    let Some(path) = &cli.secret_file else {
        return Err(Error::new(format!(
            "{mode} with credentials needs --secret-file PATH (where the pull Secrets go), or --no-secret to \
             only add the references"
        )));
    };
    let private = !pull_secret.format.safe_to_commit();
    if private && !cli.allow_plaintext_secret {
        return Err(Error::new(format!(
            "refusing to write {} into {}: in a Git repository it would leak the password; seal it \
             with --seal-cert or encrypt it with --sops-age (both are safe to commit), or pass --allow-plaintext-secret if the file \
             is never committed",
            pull_secret.format.description(),
            path.display()
        )));
    }
    Ok(Some(SecretFile { path: path.clone(), private }))
}

/// Whether to colour the diff: `auto` means stdout is a terminal and `NO_COLOR` is unset or
/// empty (no-color.org).
pub fn use_colour(choice: Colour, terminal: bool, no_color: Option<&str>) -> bool {
    match choice {
        Colour::Always => true,
        Colour::Never => false,
        Colour::Auto => terminal && no_color.is_none_or(str::is_empty),
    }
}

/// A Secret's name must be a DNS subdomain (RFC 1123): what the API server would otherwise
/// reject at deploy time is better refused now.
fn check_secret_name(name: &str) -> Result<(), Error> {
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if name.len() <= 253 && name.split('.').all(label_ok) {
        return Ok(());
    }
    Err(Error::new(format!(
        "`{name}` is not a valid Secret name: lowercase letters, digits, `-` and `.`, starting and \
         ending with a letter or digit, at most 253 characters"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seal/cert.pem");

    /// The sidecar's or the CI job's environment: a password, nothing else.
    const CREDENTIALS: &[(&str, &str)] = &[("ACR_INJECT_PASSWORD", "hunter2")];

    fn resolve(args: &[&str], env: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let args = std::iter::once("acr-inject").chain(args.iter().copied()).map(OsString::from);
        Settings::resolve(
            args.collect(),
            &Environment::from_pairs(env.iter().copied()),
            &mut io::empty(),
            false,
        )
    }

    fn settings(args: &[&str], env: &[(&str, &str)]) -> Settings {
        resolve(args, env).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn error(args: &[&str], env: &[(&str, &str)]) -> String {
        match resolve(args, env) {
            Err(SettingsError::Invalid(error)) => error.message().to_string(),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    fn with_credentials<'a>(args: &[&'a str]) -> Vec<&'a str> {
        [&["-r", "myregistry", "-u", "app"], args].concat()
    }

    #[test]
    fn each_way_of_running_is_one_mode() {
        let modes = [
            (vec!["--no-secret"], Mode::Print { stream: false, allow_empty: false }),
            (vec!["--no-secret", "--stream"], Mode::Print { stream: true, allow_empty: false }),
            (
                vec!["--no-secret", "-o", "out.yaml", "--allow-empty"],
                Mode::PrintToFile { path: "out.yaml".into(), allow_empty: true, private: false },
            ),
            (vec!["--no-secret", "--check", "-"], Mode::Check { colour: false, secret_file: None }),
            (
                vec!["--no-secret", "--check", "--color", "always", "-"],
                Mode::Check { colour: true, secret_file: None },
            ),
            (vec!["--no-secret", "--write", "-"], Mode::Write { secret_file: None }),
            (
                vec!["--no-secret", "--argocd"],
                Mode::ArgoCd { kustomize: None, helm: None, chart: Default::default() },
            ),
            (vec!["--no-secret", "--helm-post-renderer"], Mode::HelmPostRenderer),
        ];
        for (args, mode) in modes {
            assert_eq!(settings(&args, &[]).mode, mode, "{args:?}");
        }
    }

    #[test]
    fn the_format_follows_the_settings() {
        let plain = settings(&with_credentials(&[]), CREDENTIALS);
        let format = &plain.config.pull_secret.unwrap().format;
        assert_eq!(format.description(), "a plain Secret");
        let sealed = settings(&with_credentials(&["--seal-cert", CERT]), CREDENTIALS);
        assert_eq!(sealed.config.pull_secret.unwrap().format.description(), "a SealedSecret");
        assert!(settings(&["--no-secret"], CREDENTIALS).config.pull_secret.is_none());
        let sops = settings(&with_credentials(&["--sops-age", AGE_RECIPIENT]), CREDENTIALS);
        assert_eq!(
            sops.config.pull_secret.unwrap().format.description(),
            "a SOPS-encrypted Secret"
        );
    }

    const AGE_RECIPIENT: &str = "age18e4lcru4xmrdxynhy85tkp8yzr8sfvlnuxkxefunrcyacylnyp9srkplet";

    #[test]
    fn a_sops_secret_file_needs_no_permission_and_is_not_private() {
        let args = ["--sops-age", AGE_RECIPIENT, "--write", "--secret-file", "s.yaml", "-"];
        let secret_file = SecretFile { path: "s.yaml".into(), private: false };
        assert_eq!(
            settings(&with_credentials(&args), CREDENTIALS).mode,
            Mode::Write { secret_file: Some(secret_file) }
        );
    }

    #[test]
    fn sops_recipients_and_sealing_are_exclusive_and_reseal_accepts_sops() {
        let both = with_credentials(&["--sops-age", AGE_RECIPIENT, "--seal-cert", CERT]);
        assert!(matches!(resolve(&both, CREDENTIALS), Err(SettingsError::Usage(_))));
        let discovered = with_credentials(&["--sops", "--sops-age", AGE_RECIPIENT]);
        assert!(matches!(resolve(&discovered, CREDENTIALS), Err(SettingsError::Usage(_))));
        let reseal = with_credentials(&["--sops-age", AGE_RECIPIENT, "--reseal"]);
        assert!(resolve(&reseal, CREDENTIALS).is_ok());
    }

    #[test]
    fn external_secrets_need_no_credential_and_go_into_a_committable_secret_file() {
        let files = ["--write", "--secret-file", "s.yaml", "-"];
        for (source, description) in [
            (["--external-secrets", "SecretStore/kv"], "an ExternalSecret"),
            (["--acr-token", "workload-identity=eso"], "an ACRAccessToken and an ExternalSecret"),
        ] {
            let args = [&["-r", "myregistry"], &source[..], &files[..]].concat();
            let resolved = settings(&args, &[]);
            assert!(resolved.notices.is_empty(), "{:?}", resolved.notices);
            let secret_file = SecretFile { path: "s.yaml".into(), private: false };
            assert_eq!(resolved.mode, Mode::Write { secret_file: Some(secret_file) });
            let format = &resolved.config.pull_secret.unwrap().format;
            assert_eq!(format.description(), description);
        }
    }

    #[test]
    fn credentials_given_with_external_secrets_are_announced_unused_by_name_only() {
        let args = with_credentials(&["--external-secrets", "SecretStore/kv"]);
        let resolved =
            settings(&args, &[("ACR_INJECT_PASSWORD", "hunter2"), ("AZURE_CLIENT_SECRET", "s3")]);
        let [notice] = &resolved.notices[..] else { panic!("{:?}", resolved.notices) };
        assert!(
            notice.contains("(--username, ACR_INJECT_PASSWORD, AZURE_CLIENT_SECRET) are not used"),
            "{notice}"
        );
        assert!(!notice.contains("hunter2") && !notice.contains("app"), "{notice}");
    }

    #[test]
    fn a_plain_secret_file_needs_to_be_allowed_and_is_then_private() {
        let args = with_credentials(&["--write", "--secret-file", "s.yaml", "-"]);
        assert!(
            error(&args, CREDENTIALS).starts_with("refusing to write a plain Secret into s.yaml")
        );
        let allowed = [&args[..], &["--allow-plaintext-secret"]].concat();
        let secret_file = SecretFile { path: "s.yaml".into(), private: true };
        assert_eq!(
            settings(&allowed, CREDENTIALS).mode,
            Mode::Write { secret_file: Some(secret_file) }
        );
        let sealed = [&args[..], &["--seal-cert", CERT]].concat();
        let secret_file = SecretFile { path: "s.yaml".into(), private: false };
        assert_eq!(
            settings(&sealed, CREDENTIALS).mode,
            Mode::Write { secret_file: Some(secret_file) }
        );
    }

    #[test]
    fn files_check_write_and_argocd_validate_every_document_stdin_alone_does_not() {
        let validate = |args: &[&str]| settings(args, &[]).config.validate;
        assert!(!validate(&["--no-secret"]));
        assert!(validate(&["--no-secret", "--validate"]));
        assert!(validate(&["--no-secret", "--check", "-"]));
        assert!(validate(&["--no-secret", "--argocd"]));
        assert!(validate(&["--no-secret", CERT]), "a file");
    }

    #[test]
    fn argocd_application_settings_sit_below_flags() {
        let env = [
            ("ARGOCD_ENV_ACR_INJECT_SECRET_NAME", "from-application"),
            ("ARGOCD_APP_PARAMETERS", r#"[{"name":"only-registry-images","string":"true"}]"#),
            ("ARGOCD_APP_NAMESPACE", "shop"),
            ("ACR_INJECT_PASSWORD", "hunter2"),
        ];
        let resolved = settings(&with_credentials(&["--argocd"]), &env);
        assert_eq!(resolved.config.secret_name, "from-application");
        assert_eq!(resolved.config.only_registry.as_deref(), Some("myregistry.azurecr.io"));
        assert_eq!(resolved.config.default_namespace.as_deref(), Some("shop"));
        let flagged = settings(&with_credentials(&["--argocd", "-s", "from-flag"]), &env);
        assert_eq!(flagged.config.secret_name, "from-flag");
    }

    #[test]
    fn application_settings_count_only_in_argocd_mode() {
        let env = [("ARGOCD_ENV_ACR_INJECT_SECRET_NAME", "from-application")];
        assert_eq!(settings(&["--no-secret"], &env).config.secret_name, "acr-secret");
    }

    #[test]
    fn an_application_that_sets_credentials_is_refused_without_echoing_them() {
        for env in [
            ("ARGOCD_ENV_ACR_INJECT_PASSWORD", "hunter2"),
            ("ARGOCD_ENV_ACR_INJECT_USERNAME", "hunter2"),
            ("ARGOCD_APP_PARAMETERS", r#"[{"name":"password-file","string":"hunter2"}]"#),
        ] {
            let message = error(&with_credentials(&["--argocd"]), &[env, CREDENTIALS[0]]);
            assert!(message.contains("cannot come from the Application"), "{message}");
            assert!(!message.contains("hunter2"), "{message}");
        }
    }

    #[test]
    fn argocd_warns_about_a_plain_secret_in_one_readable_sentence() {
        let resolved = settings(&with_credentials(&["--argocd"]), CREDENTIALS);
        assert_eq!(
            resolved.notices,
            [
                "warning: emitting a plain Secret; Argo CD caches generated manifests in plain text, so \
             configure ACR_INJECT_SEAL_CERT in the sidecar to emit a SealedSecret instead"
            ]
        );
        let sealed = settings(&with_credentials(&["--argocd", "--seal-cert", CERT]), CREDENTIALS);
        assert!(sealed.notices.is_empty());
    }

    #[test]
    fn without_inputs_write_and_check_do_not_ask_for_a_secret_file() {
        let dir = std::env::temp_dir().join(format!("acr-inject-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.to_str().unwrap();
        let resolved = settings(&with_credentials(&["--write", path]), CREDENTIALS);
        assert_eq!(resolved.mode, Mode::Write { secret_file: None });
        std::fs::remove_dir(&dir).unwrap();
    }

    #[test]
    fn colour_is_automatic_only_on_a_terminal_without_no_color() {
        assert!(use_colour(Colour::Auto, true, None));
        assert!(!use_colour(Colour::Auto, false, None));
        assert!(!use_colour(Colour::Auto, true, Some("1")));
        assert!(use_colour(Colour::Auto, true, Some("")));
        assert!(use_colour(Colour::Always, false, Some("1")));
        assert!(!use_colour(Colour::Never, true, None));
    }
}
