//! The program: resolves the settings, runs them, reports, and picks the exit status.

use std::io::{self, IsTerminal};
use std::process::ExitCode;

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
    // A KRM function reports even a failure before its input was read as a ResourceList.
    let krm_function = args.iter().skip(1).any(|arg| arg == "--krm");
    let terminal = io::stdout().is_terminal();
    let settings = match Settings::resolve(args, &Environment::of_process(), &mut stdin, terminal) {
        Ok(settings) => settings,
        Err(SettingsError::Usage(error)) => error.exit(),
        Err(SettingsError::Invalid(error)) => {
            if krm_function {
                kustomize::function::report(&error, &mut io::stdout().lock());
            }
            eprintln!("acr-inject: {error}");
            return ExitCode::from(EXIT_ERROR);
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
        Err(error) => {
            eprintln!("acr-inject: {error}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
