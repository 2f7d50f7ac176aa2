//! Wires the command line to the filter: reads settings, runs, reports, and picks the exit
//! status.

use std::io::{self, Write};
use std::process::ExitCode;

use crate::cli::Cli;
use crate::credentials::{self, PasswordFrom};
use crate::error::Error;
use crate::filter::{Config, Filter, PullSecret, filter_reader};
use crate::k8s::kinds::Rules;
use crate::output::{Held, Output, Streamed};

/// Exit status for usage and input errors.
pub const EXIT_ERROR: u8 = 2;

/// Runs the command line `cli`, reporting errors and notices on stderr.
pub fn run(cli: Cli) -> ExitCode {
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped early (`| head`) is not an error, as for any Unix filter.
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("acr-inject: {error}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn execute(cli: Cli) -> Result<(), Error> {
    let config = configure(&cli, &|name| std::env::var(name).ok())?;
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut filter = Filter::new(&config);
    let stdout = io::stdout();
    if cli.stream {
        let mut out = Streamed::new(stdout.lock());
        filter_reader("<stdin>", &mut input, &mut filter, &mut out, &mut |_| Ok(()))?;
        check_not_empty(&filter, cli.allow_empty)?;
        out.flush().map_err(Error::output)?;
    } else {
        let mut held = Held::new();
        filter_reader(
            "<stdin>",
            &mut input,
            &mut filter,
            &mut held as &mut dyn Output,
            &mut |_| Ok(()),
        )?;
        check_not_empty(&filter, cli.allow_empty)?;
        held.release(&mut stdout.lock()).map_err(Error::output)?;
    }
    Ok(())
}

fn check_not_empty(filter: &Filter, allow_empty: bool) -> Result<(), Error> {
    if filter.documents() == 0 && !allow_empty {
        return Err(Error::new(
            "no manifests on input (a failed `kustomize build` upstream?); pass --allow-empty if empty \
             input is expected",
        ));
    }
    Ok(())
}

/// Turns the command line and environment into the filter's configuration.
fn configure(cli: &Cli, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, Error> {
    check_secret_name(&cli.secret_name)?;
    if cli.password_stdin {
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
    let credentials = match (&login_server, cli.no_secret) {
        (Some(server), false) => {
            let password_from = match &cli.password_file {
                Some(path) => PasswordFrom::File(path.clone()),
                None => PasswordFrom::Environment,
            };
            let found = credentials::gather(
                server.clone(),
                cli.username.clone(),
                cli.email.clone(),
                &password_from,
                env,
                &mut io::empty(),
            )?;
            for notice in &found.notices {
                eprintln!("acr-inject: {notice}");
            }
            Some(PullSecret { credentials: found.credentials, sealing: None })
        }
        _ => None,
    };
    let _ = io::stderr().flush();
    Ok(Config {
        secret_name: cli.secret_name.clone(),
        only_registry: login_server.filter(|_| cli.only_registry_images),
        rules: Rules::new(cli.pod_spec_paths.clone()),
        pull_secret: credentials,
        default_namespace: None,
    })
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
