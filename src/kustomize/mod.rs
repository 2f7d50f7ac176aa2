//! acr-inject as a kustomize transformer, in both of kustomize's forms.
//!
//! - The legacy **exec plugin**, which `kubectl kustomize --enable-alpha-plugins` runs: the
//!   binary, linked as `$KUSTOMIZE_PLUGIN_HOME/acr-inject.dev/v1alpha1/acrinject/AcrInject`,
//!   is started under that name with the config object's file as its one argument, the
//!   resources as a plain YAML stream on stdin and the kustomization directory as its working
//!   directory; what it prints replaces the resources. It is the print mode with the
//!   settings of the config ([`exec_plugin_settings`]).
//! - The **KRM function** (`--krm`, [`function`]), which standalone kustomize and kpt run: a
//!   ResourceList on stdin ([`resource_list`]), its `functionConfig` the same config object.
//!
//! Both take their settings from the config object's `spec` ([`config`]) and the
//! credentials from `ACR_INJECT_*` in the environment.

use std::ffi::OsString;
use std::path::Path;

use crate::error::Error;
use crate::sources::describe;

pub mod config;
pub mod function;
pub mod resource_list;

/// The file name kustomize runs the exec plugin of kind `AcrInject` by.
pub const EXEC_PLUGIN_NAME: &str = config::KIND;

/// The command line the exec plugin stands for: the resources on stdin, and an empty set of
/// resources is a valid answer (kustomize runs transformers on whatever there is).
pub const EXEC_PLUGIN_ARGS: &[&str] = &["acr-inject", "--allow-empty", "-"];

/// When the program runs as the exec plugin (its file name is [`EXEC_PLUGIN_NAME`]), the
/// settings of the config file it was given; `None` otherwise.
pub fn exec_plugin_settings(
    args: &[OsString],
    command: &clap::Command,
) -> Result<Option<Vec<config::Chosen>>, Error> {
    let program = args.first().map(Path::new).and_then(Path::file_name);
    if program.is_none_or(|name| name != EXEC_PLUGIN_NAME) {
        return Ok(None);
    }
    let [_, config_file] = args else {
        return Err(Error::new(format!(
            "run as the kustomize exec plugin `{EXEC_PLUGIN_NAME}`, expected one argument (the \
             config file kustomize writes) and the resources on stdin; got {} arguments",
            args.len().saturating_sub(1)
        )));
    };
    let path = Path::new(config_file);
    let name = path.to_string_lossy();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::new(format!("{name}: {}", describe(&e))))?;
    config::read(&name, &text, 1, command, &working_directory()?).map(Some)
}

/// The KRM function's input: the ResourceList on `stdin`, and the settings of its
/// `functionConfig`.
pub fn function_input(
    stdin: &mut dyn std::io::Read,
    command: &clap::Command,
) -> Result<(resource_list::ResourceList, Vec<config::Chosen>), Error> {
    let list = resource_list::read(stdin)?;
    let settings = match &list.function_config {
        Some(fragment) => config::read(
            resource_list::SOURCE,
            &fragment.text,
            fragment.first_line,
            command,
            &working_directory()?,
        )?,
        None => Vec::new(),
    };
    Ok((list, settings))
}

/// The kustomization directory: kustomize runs transformers in it.
fn working_directory() -> Result<std::path::PathBuf, Error> {
    std::env::current_dir()
        .map_err(|e| Error::new(format!("the working directory cannot be read: {}", describe(&e))))
}
