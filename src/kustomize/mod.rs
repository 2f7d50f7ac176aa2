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

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use crate::settings::{Environment, Mode, Settings, SettingsError};

    const CONFIG: &str = "apiVersion: acr-inject.dev/v1alpha1\nkind: AcrInject\nmetadata:\n  name: acr\nspec:\n  registry: myregistry\n  secretName: from-config\n  onlyRegistryImages: true\n  noSecret: true\n";

    fn resolve(
        args: &[&str],
        env: &[(&str, &str)],
        stdin: &str,
    ) -> Result<Settings, SettingsError> {
        let args = args.iter().map(OsString::from).collect();
        let env = Environment::from_pairs(env.iter().copied());
        Settings::resolve(args, &env, &mut stdin.as_bytes(), false)
    }

    fn message(result: Result<Settings, SettingsError>) -> String {
        match result {
            Err(SettingsError::Invalid(error)) => error.message().to_string(),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn named_acr_inject_the_program_is_the_exec_plugin_printing_stdin_with_the_configs_settings() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("kust-plugin-config-1");
        std::fs::write(&config, CONFIG).unwrap();
        let plugin = "/plugins/acr-inject.dev/v1alpha1/acrinject/AcrInject";
        let args = [plugin, config.to_str().unwrap()];
        let settings = resolve(&args, &[], "").unwrap();
        assert_eq!(settings.mode, Mode::Print { stream: false, allow_empty: true });
        assert_eq!(settings.inputs, [crate::sources::Input::Stdin]);
        assert_eq!(settings.config.secret_name, "from-config");
        assert_eq!(settings.config.only_registry.as_deref(), Some("myregistry.azurecr.io"));
        let message = message(resolve(&[plugin], &[], ""));
        assert!(message.contains("expected one argument (the config file"), "{message}");
    }

    #[test]
    fn krm_reads_the_resource_list_and_its_function_config_before_anything_runs() {
        let list = format!(
            "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- {{apiVersion: v1, kind: Pod, metadata: {{name: p}}}}\nfunctionConfig:\n{}",
            CONFIG.lines().map(|line| format!("  {line}\n")).collect::<String>()
        );
        let settings = resolve(&["acr-inject", "--krm"], &[], &list).unwrap();
        let Mode::KrmFunction { resource_list } = &settings.mode else {
            panic!("{:?}", settings.mode)
        };
        assert_eq!(resource_list.items.len(), 1);
        assert_eq!(settings.config.secret_name, "from-config");
        assert!(settings.config.validate, "items are parsed, never skimmed");
        assert!(settings.inputs.is_empty());
        let flagged = resolve(&["acr-inject", "--krm", "-s", "from-flag"], &[], &list).unwrap();
        assert_eq!(flagged.config.secret_name, "from-flag");
        let message = message(resolve(&["acr-inject", "--krm"], &[], "kind: Pod\n"));
        assert!(message.contains("expected a ResourceList"), "{message}");
    }
}
