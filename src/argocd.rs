//! Argo CD config-management plugin mode (`--argocd`), the `generate` command of
//! `deploy/argocd/plugin.yaml`.
//!
//! The plugin contract has traps this mode closes: stdin is /dev/null (so the manifests are read
//! from the application directory, never from stdin); an empty output with auto-prune deletes
//! every resource of the application (so an empty result is an error); `kustomize build . | tool`
//! in a shell loses kustomize's exit status (so kustomize is run here, and its failure is ours);
//! and the Application's own settings (`ARGOCD_ENV_*`, parameters) are written by anyone who may
//! edit an Application and stored in plain text, so they may choose how references are added but
//! never the credentials nor where they are sent.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use clap::ArgMatches;
use clap::parser::ValueSource;

use crate::cli::Cli;
use crate::error::Error;
use crate::k8s::kinds::PodSpecRule;

/// The file whose presence opts an application directory in (the plugin's `discover` rule).
pub const MARKER: &str = ".acr-inject.yaml";

/// The names of a kustomization file, as kustomize looks for them.
const KUSTOMIZATION_FILES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Settings an Application may choose, by parameter name (the flag without `--`).
const APPLICATION_SETTINGS: &[&str] =
    &["secret-name", "only-registry-images", "no-secret", "pod-spec-path", "scope", "namespace"];

/// Settings only the sidecar may set: the credentials, the registry they are for (an Application
/// that could change it would send the password to a server of its choosing), and files.
const SIDECAR_SETTINGS: &[&str] = &[
    "registry",
    "username",
    "password",
    "password-file",
    "email",
    "seal-cert",
    "secret-file",
    "kustomize",
    "allow-empty",
];

/// The environment variable of a setting in one of the forms (`ACR_INJECT_SECRET_NAME`...).
fn variable(prefix: &str, setting: &str) -> String {
    format!("{prefix}{}", setting.to_ascii_uppercase().replace('-', "_"))
}

/// The plugin parameters: `ARGOCD_APP_PARAMETERS` (JSON, names as announced), else the
/// `PARAM_<NAME>` / `PARAM_<NAME>_<i>` variables Argo CD derives from it.
fn parameters(env: &dyn Fn(&str) -> Option<String>) -> Result<HashMap<String, Vec<String>>, Error> {
    let mut found = HashMap::new();
    if let Some(json) = env("ARGOCD_APP_PARAMETERS").filter(|j| !j.trim().is_empty()) {
        let list: Vec<serde_json::Value> = serde_json::from_str(&json).map_err(|e| {
            Error::new(format!("ARGOCD_APP_PARAMETERS is not a JSON list of parameters: {e}"))
        })?;
        for parameter in list {
            let Some(name) = parameter.get("name").and_then(|n| n.as_str()) else { continue };
            let values = match (parameter.get("string"), parameter.get("array")) {
                (Some(serde_json::Value::String(value)), _) => vec![value.clone()],
                (_, Some(serde_json::Value::Array(items))) => {
                    items.iter().filter_map(|item| item.as_str().map(str::to_string)).collect()
                }
                _ => continue,
            };
            found.insert(name.to_string(), values);
        }
        return Ok(found);
    }
    for setting in APPLICATION_SETTINGS.iter().chain(SIDECAR_SETTINGS) {
        let single = variable("PARAM_", setting);
        if let Some(value) = env(&single) {
            found.insert(setting.to_string(), vec![value]);
            continue;
        }
        let items: Vec<String> = (0..).map_while(|i| env(&format!("{single}_{i}"))).collect();
        if !items.is_empty() {
            found.insert(setting.to_string(), items);
        }
    }
    Ok(found)
}

/// Fills in the settings the command line and `ACR_INJECT_*` left open from the Argo CD forms:
/// `ARGOCD_ENV_ACR_INJECT_*` (the Application's environment), then the plugin parameters; and
/// `--namespace` from `ARGOCD_APP_NAMESPACE`, the destination namespace. Refuses an Application
/// that tries to set a sidecar-only setting.
pub fn apply_settings(
    cli: &mut Cli,
    matches: &ArgMatches,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(), Error> {
    let parameters = parameters(env)?;
    for setting in SIDECAR_SETTINGS {
        let from_env = variable("ARGOCD_ENV_ACR_INJECT_", setting);
        if env(&from_env).is_some() || parameters.contains_key(*setting) {
            return Err(Error::new(format!(
                "`{setting}` cannot come from the Application ({from_env} or a plugin parameter): whoever edits \
                 an Application could redirect or read the credentials; set {} in the plugin sidecar instead",
                variable("ACR_INJECT_", setting)
            )));
        }
    }
    for setting in APPLICATION_SETTINGS {
        let id = setting.replace('-', "_");
        let id = if id == "pod_spec_path" { "pod_spec_paths".to_string() } else { id };
        if matches!(
            matches.value_source(&id),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        ) {
            continue;
        }
        let values = match env(&variable("ARGOCD_ENV_ACR_INJECT_", setting)) {
            Some(value) => {
                value.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect()
            }
            None => match parameters.get(*setting) {
                Some(values) => values.clone(),
                None => continue,
            },
        };
        set(cli, setting, values)?;
    }
    if cli.namespace.is_none() {
        cli.namespace = env("ARGOCD_APP_NAMESPACE").filter(|ns| !ns.is_empty());
    }
    Ok(())
}

fn set(cli: &mut Cli, setting: &str, values: Vec<String>) -> Result<(), Error> {
    let single = || values.first().cloned().unwrap_or_default();
    let truthy =
        || !matches!(single().to_ascii_lowercase().as_str(), "" | "0" | "false" | "no" | "off");
    match setting {
        "secret-name" => cli.secret_name = single(),
        "only-registry-images" => cli.only_registry_images = truthy(),
        "no-secret" => cli.no_secret = truthy(),
        "scope" => cli.scope = single(),
        "namespace" => cli.namespace = Some(single()).filter(|ns| !ns.is_empty()),
        "pod-spec-path" => {
            cli.pod_spec_paths = values
                .iter()
                .map(|rule| {
                    rule.parse::<PodSpecRule>()
                        .map_err(|e| Error::new(format!("pod-spec-path: {e}")))
                })
                .collect::<Result<_, _>>()?;
        }
        other => unreachable!("{other} is not an Application setting"),
    }
    Ok(())
}

/// The kustomization file of `directory`, if it has one.
pub fn kustomization(directory: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILES.iter().map(|name| directory.join(name)).find(|path| path.is_file())
}

/// Runs `kustomize build .` in `directory` and returns what it printed. A missing binary or a
/// failed build is an error carrying kustomize's own message.
pub fn kustomize_build(kustomize: Option<&Path>, directory: &Path) -> Result<Vec<u8>, Error> {
    let program = kustomize.unwrap_or(Path::new("kustomize"));
    let output = Command::new(program)
        .args(["build", "."])
        .current_dir(directory)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::new(format!(
                "`{}` not found: install kustomize in the plugin sidecar's image, or pass --kustomize PATH",
                program.display()
            )),
            _ => Error::new(format!("cannot run `{} build .`: {e}", program.display())),
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message: Vec<&str> =
            stderr.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
        return Err(Error::new(format!(
            "`kustomize build .` failed ({}): {}",
            output.status,
            if message.is_empty() { "no message".to_string() } else { message.join(" | ") }
        )));
    }
    Ok(output.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches};

    fn cli_with(args: &[&str], env: &[(&str, &str)]) -> Result<Cli, Error> {
        let env: HashMap<String, String> =
            env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let lookup = |name: &str| env.get(name).cloned();
        let matches = Cli::command()
            .get_matches_from(std::iter::once("acr-inject").chain(args.iter().copied()));
        let mut cli = Cli::from_arg_matches(&matches).unwrap();
        apply_settings(&mut cli, &matches, &lookup)?;
        Ok(cli)
    }

    #[test]
    fn flags_win_over_the_application_and_the_application_env_over_parameters() {
        let env = [
            ("ARGOCD_ENV_ACR_INJECT_SECRET_NAME", "from-env"),
            (
                "ARGOCD_APP_PARAMETERS",
                r#"[{"name":"secret-name","string":"from-param"},{"name":"scope","string":"cluster-wide"}]"#,
            ),
        ];
        assert_eq!(cli_with(&["--argocd"], &env).unwrap().secret_name, "from-env");
        assert_eq!(cli_with(&["--argocd"], &env).unwrap().scope, "cluster-wide");
        assert_eq!(
            cli_with(&["--argocd", "-s", "from-flag"], &env).unwrap().secret_name,
            "from-flag"
        );
    }

    #[test]
    fn param_variables_and_arrays_are_read_without_the_json() {
        let env = [
            ("PARAM_POD_SPEC_PATH_0", "Foo=spec.template.spec"),
            ("PARAM_POD_SPEC_PATH_1", "Bar.example.com=spec"),
            ("PARAM_ONLY_REGISTRY_IMAGES", "true"),
        ];
        let cli = cli_with(&["--argocd"], &env).unwrap();
        assert_eq!(cli.pod_spec_paths.len(), 2);
        assert!(cli.only_registry_images);
    }

    #[test]
    fn the_destination_namespace_is_the_default_namespace() {
        let env = [("ARGOCD_APP_NAMESPACE", "shop")];
        assert_eq!(cli_with(&["--argocd"], &env).unwrap().namespace.as_deref(), Some("shop"));
        let env = [("ARGOCD_APP_NAMESPACE", "shop"), ("PARAM_NAMESPACE", "other")];
        assert_eq!(cli_with(&["--argocd"], &env).unwrap().namespace.as_deref(), Some("other"));
    }

    #[test]
    fn an_application_cannot_choose_credentials_or_the_registry() {
        for env in [
            [("ARGOCD_ENV_ACR_INJECT_PASSWORD", "x")],
            [("ARGOCD_ENV_ACR_INJECT_REGISTRY", "evil.example.com")],
            [("ARGOCD_APP_PARAMETERS", r#"[{"name":"registry","string":"evil.example.com"}]"#)],
            [("PARAM_USERNAME", "someone")],
        ] {
            let error = cli_with(&["--argocd"], &env).unwrap_err();
            assert!(error.message().contains("cannot come from the Application"), "{error}");
        }
    }
}
