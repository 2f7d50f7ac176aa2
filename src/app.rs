//! Wires the command line to the runs: reads settings, runs, reports, and picks the exit
//! status.

use std::io::{self, IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;
use std::time::SystemTime;

use clap::{CommandFactory, FromArgMatches};

use crate::argocd;
use crate::cli::{Cli, Colour};
use crate::credentials::{self, PasswordFrom};
use crate::error::Error;
use crate::filter::{Config, PullSecret, Sealing, reusable_sealed_secrets};
use crate::k8s::kinds::Rules;
use crate::run::{self, Outcome, SecretFile};
use crate::seal::{Scope, SealingCert};
use crate::sources::{self, Input, describe};
use crate::write;

/// Exit status when `--check` finds, or `--write` makes, changes.
pub const EXIT_CHANGED: u8 = 1;
/// Exit status for usage and input errors.
pub const EXIT_ERROR: u8 = 2;

/// Parses the command line and runs it: the whole program.
pub fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    if cli.argocd
        && let Err(error) =
            argocd::apply_settings(&mut cli, &matches, &|name| std::env::var(name).ok())
    {
        eprintln!("acr-inject: {error}");
        return ExitCode::from(EXIT_ERROR);
    }
    run(cli)
}

/// Runs the command line `cli`, reporting errors and notices on stderr.
pub fn run(cli: Cli) -> ExitCode {
    match execute(cli) {
        Ok(Outcome::Unchanged) => ExitCode::SUCCESS,
        Ok(Outcome::Changed) => ExitCode::from(EXIT_CHANGED),
        // A reader that stopped early (`| head`) is not an error, as for any Unix filter.
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("acr-inject: {error}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn execute(cli: Cli) -> Result<Outcome, Error> {
    if cli.argocd {
        return generate_for_argocd(&cli);
    }
    let inputs = sources::expand(&cli.paths)?;
    let reads_stdin = inputs.contains(&Input::Stdin);
    let stdin = io::stdin();
    let mut stdin = stdin.lock();
    let mut config = configure(&cli, reads_stdin, &|name| std::env::var(name).ok(), &mut stdin)?;
    // Files are validated: a broken file in a repository is better caught early. A stream on
    // stdin (from kustomize or Helm, which print valid YAML) takes the fast path.
    config.validate =
        cli.validate || cli.write || cli.check || inputs.iter().any(|input| *input != Input::Stdin);
    let mut stdout = io::stdout().lock();
    if !cli.write && !cli.check {
        if inputs.is_empty() && !cli.allow_empty {
            return Err(Error::new(
                "no manifest files found in the given paths; pass --allow-empty if that is expected",
            ));
        }
        let output = cli.output.as_deref();
        match output {
            None => {
                run::print(&config, &inputs, cli.stream, cli.allow_empty, &mut stdin, &mut stdout)?
            }
            Some(path) => {
                let mut rendered = Vec::new();
                run::print(&config, &inputs, false, cli.allow_empty, &mut stdin, &mut rendered)?;
                write_output(path, &rendered)?;
            }
        }
        return Ok(Outcome::Unchanged);
    }
    if inputs.is_empty() {
        eprintln!("acr-inject: no manifest files found; nothing to do");
        return Ok(Outcome::Unchanged);
    }
    let secret_file = secret_file(&cli, &config)?;
    if cli.write {
        run::write(&config, &inputs, secret_file.as_ref())
    } else {
        let colour =
            use_colour(cli.color, io::stdout().is_terminal(), std::env::var_os("NO_COLOR"));
        run::check(&config, &inputs, secret_file.as_ref(), colour, &mut stdin, &mut stdout)
    }
}

/// `--argocd`: the current directory, rendered with kustomize when it has a kustomization,
/// to stdout. Stdin is never read (Argo CD gives /dev/null); an empty result is an error.
fn generate_for_argocd(cli: &Cli) -> Result<Outcome, Error> {
    let mut config = configure(cli, false, &|name| std::env::var(name).ok(), &mut io::empty())?;
    config.validate = true;
    if config.pull_secret.as_ref().is_some_and(|p| p.sealing.is_none()) {
        eprintln!(
            "acr-inject: warning: emitting a plain Secret; Argo CD caches generated manifests in plain text,              so configure ACR_INJECT_SEAL_CERT in the sidecar to emit a SealedSecret instead"
        );
    }
    let here = Path::new(".");
    let mut stdout = io::stdout().lock();
    match argocd::kustomization(here) {
        Some(_) => {
            let rendered = argocd::kustomize_build(cli.kustomize.as_deref(), here)?;
            run::print_generated(&config, "kustomize build .", &rendered, &mut stdout)?;
        }
        None => {
            let inputs = sources::expand(&[".".to_string()])?;
            if inputs.is_empty() {
                return Err(Error::new("no manifest files in the application directory"));
            }
            run::print(&config, &inputs, false, false, &mut io::empty(), &mut stdout)?;
        }
    }
    Ok(Outcome::Unchanged)
}

/// `--output`: replaces the file atomically, created owner-only when it holds a plain Secret.
fn write_output(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let stamp = write::Stamp::of(path).ok();
    let result = write::replace(path, bytes, stamp.as_ref(), write::new_file_permissions(true));
    result.map_err(|e| Error::new(format!("{}: not written: {}", path.display(), describe(&e))))
}

/// The secret file of `--write`/`--check`, checked against the rules: needed when there are
/// credentials, and refused for plain Secrets unless explicitly allowed.
fn secret_file<'c>(cli: &'c Cli, config: &Config) -> Result<Option<SecretFile<'c>>, Error> {
    let Some(pull_secret) = &config.pull_secret else {
        if cli.secret_file.is_some() {
            return Err(Error::new(
                "--secret-file needs credentials (it is where the pull Secrets go); drop --no-secret",
            ));
        }
        return Ok(None);
    };
    let mode = if cli.write { "--write" } else { "--check" };
    let Some(path) = cli.secret_file.as_deref() else {
        return Err(Error::new(format!(
            "{mode} with credentials needs --secret-file PATH (where the pull Secrets go), or --no-secret to \
             only add the references"
        )));
    };
    let plaintext = pull_secret.sealing.is_none();
    if plaintext && !cli.allow_plaintext_secret {
        return Err(Error::new(format!(
            "refusing to write a plain Secret into {}: in a Git repository it would leak the password; seal it \
             with --seal-cert (a SealedSecret is safe to commit), or pass --allow-plaintext-secret if the file \
             is never committed",
            path.display()
        )));
    }
    Ok(Some(SecretFile { path, plaintext }))
}

/// Whether to colour the diff: `auto` means stdout is a terminal and `NO_COLOR` is unset or
/// empty (no-color.org).
pub fn use_colour(choice: Colour, terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    match choice {
        Colour::Always => true,
        Colour::Never => false,
        Colour::Auto => terminal && no_color.is_none_or(|value| value.is_empty()),
    }
}

/// Turns the command line and environment into the filter's configuration.
fn configure(
    cli: &Cli,
    reads_stdin: bool,
    env: &dyn Fn(&str) -> Option<String>,
    stdin: &mut dyn Read,
) -> Result<Config, Error> {
    check_secret_name(&cli.secret_name)?;
    if cli.password_stdin && reads_stdin {
        return Err(Error::new(
            "--password-stdin needs the manifests to come from files: stdin already carries them",
        ));
    }
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
    let pull_secret = match (&login_server, cli.no_secret) {
        (Some(server), false) => {
            let password_from = match (&cli.password_file, cli.password_stdin) {
                (Some(path), _) => PasswordFrom::File(path.clone()),
                (None, true) => PasswordFrom::Stdin,
                (None, false) => PasswordFrom::Environment,
            };
            let found = credentials::gather(
                server.clone(),
                cli.username.clone(),
                cli.email.clone(),
                &password_from,
                env,
                stdin,
            )?;
            for notice in &found.notices {
                eprintln!("acr-inject: {notice}");
            }
            let sealing = sealing(cli)?;
            Some(PullSecret { credentials: found.credentials, sealing })
        }
        _ => None,
    };
    let mut config = Config {
        secret_name: cli.secret_name.clone(),
        only_registry: login_server.filter(|_| cli.only_registry_images),
        rules: Rules::new(cli.pod_spec_paths.clone()),
        pull_secret,
        default_namespace: cli.namespace.clone(),
        validate: true,
    };
    load_previous(cli, &mut config)?;
    Ok(config)
}

/// The sealing settings, when `--seal-cert` is given.
fn sealing(cli: &Cli) -> Result<Option<Sealing>, Error> {
    let Some(path) = &cli.seal_cert else { return Ok(None) };
    let name = path.display();
    let pem = std::fs::read(path).map_err(|e| Error::new(format!("{name}: {}", describe(&e))))?;
    let cert = SealingCert::from_pem(&pem, SystemTime::now())
        .map_err(|e| Error::new(format!("{name}: {e}")))?;
    let scope: Scope = cli.scope.parse().map_err(|e| Error::new(format!("--scope: {e}")))?;
    Ok(Some(Sealing { cert, scope, reseal: cli.reseal, previous: Default::default() }))
}

/// Reads the up-to-date SealedSecrets of a previous output (`--previous`, or the `--output`
/// file as it is before this run).
fn load_previous(cli: &Cli, config: &mut Config) -> Result<(), Error> {
    let sealing_on = config.pull_secret.as_ref().is_some_and(|p| p.sealing.is_some());
    let Some(path) = cli.previous.as_deref().or(cli.output.as_deref()).filter(|_| sealing_on)
    else {
        return Ok(());
    };
    let name = path.to_string_lossy();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound && cli.previous.is_none() => return Ok(()),
        Err(e) => return Err(Error::new(format!("{name}: {}", describe(&e)))),
    };
    let reusable = reusable_sealed_secrets(config, &name, &bytes)?;
    if let Some(sealing) = config.pull_secret.as_mut().and_then(|p| p.sealing.as_mut()) {
        sealing.previous = reusable;
    }
    Ok(())
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

    #[test]
    fn colour_is_automatic_only_on_a_terminal_without_no_color() {
        assert!(use_colour(Colour::Auto, true, None));
        assert!(!use_colour(Colour::Auto, false, None));
        assert!(!use_colour(Colour::Auto, true, Some("1".into())));
        assert!(use_colour(Colour::Auto, true, Some("".into())));
        assert!(use_colour(Colour::Always, false, Some("1".into())));
        assert!(!use_colour(Colour::Never, true, None));
    }
}
