//! The program: resolves the settings, runs them, reports, and picks the exit status.

use std::io::{self, IsTerminal};
use std::process::ExitCode;

use crate::argocd;
use crate::helm;
use crate::kustomize;
use crate::run::{self, Outcome};
use crate::settings::{Environment, Settings, SettingsError};

/// Exit status when `--check` finds, or `--write` makes, changes.
pub const EXIT_CHANGED: u8 = 1;
/// Exit status for usage and input errors.
pub const EXIT_ERROR: u8 = 2;

/// The whole program.
pub fn main() -> ExitCode {
    let stdin = io::stdin();
    let mut stdin = stdin.lock();
    let args: Vec<_> = std::env::args_os().collect();
    let terminal = io::stdout().is_terminal();
    let env = Environment::of_process();
    // A KRM function reports even a failure before its input was read as a ResourceList.
    let krm_function = args.iter().skip(1).any(|arg| arg == "--krm");
    // Helm 4 shows none of a plugin's stderr: failures go through Helm instead.
    let fail = |message: &str| {
        if helm::runs_as_helm_4_plugin(&args, &env) {
            helm::report_failure(message, &mut io::stdout().lock());
            return ExitCode::SUCCESS;
        }
        eprintln!("acr-inject: {message}");
        ExitCode::from(EXIT_ERROR)
    };
    let settings = match Settings::resolve(args.clone(), &env, &mut stdin, terminal) {
        Ok(settings) => settings,
        // In Helm's output, a usage error reads like every other message of ours.
        Err(SettingsError::Usage(error))
            if error.use_stderr() && args.iter().any(|arg| arg == helm::FLAG) =>
        {
            let message = argocd::one_line(&error);
            // The usage synopsis would only clutter Helm's one-line report.
            return fail(message.split(" Usage: ").next().unwrap_or(&message));
        }
        Err(SettingsError::Usage(error)) => error.exit(),
        Err(SettingsError::Invalid(error)) => {
            // (Once running, the function writes its own ResourceList, naming the item.)
            if krm_function {
                kustomize::function::report(&error, &mut io::stdout().lock());
            }
            return fail(error.message());
        }
    };
    for notice in &settings.notices {
        eprintln!("acr-inject: {notice}");
    }
    match run::run(&settings, &mut stdin, &mut io::stdout().lock()) {
        Ok(Outcome::Unchanged) => ExitCode::SUCCESS,
        Ok(Outcome::Changed) => ExitCode::from(EXIT_CHANGED),
        // A reader that stopped early (`| head`) is not an error, as for any Unix filter.
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => fail(error.message()),
    }
}
