//! Argo CD config-management plugin mode (`--argocd`), the `generate` command of
//! `deploy/argocd/plugin.yaml`.
//!
//! The application directory is read as Argo CD itself would: a chart (`Chart.yaml`) through
//! `helm template` with Argo CD's release name, namespace, Kubernetes version and API versions; a
//! kustomization through `kustomize build` (its `helmCharts` through the same helm); anything
//! else as plain manifests.
//!
//! The plugin contract has traps this mode closes: stdin is /dev/null (so the manifests are read
//! from the application directory, never from stdin); an empty output with auto-prune deletes
//! every resource of the application (so an empty result is an error); `kustomize build . | tool`
//! in a shell loses kustomize's exit status (so kustomize is run here, and its failure is ours);
//! and the Application's own settings (`ARGOCD_ENV_*`, parameters) are written by anyone who may
//! edit an Application and stored in plain text, so they may choose how references are added but
//! never the credentials nor where they are sent.

use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use clap::{ArgAction, CommandFactory};

use crate::error::Error;
use crate::filter::{Feed, Filter, Secrets, Source};
use crate::run::{self, Outcome};
use crate::settings::{Environment, Settings};
use crate::sources;

/// The file whose presence opts an application directory in (the plugin's `discover` rule).
pub const MARKER: &str = ".acr-inject.yaml";

/// The names of a kustomization file, as kustomize looks for them.
const KUSTOMIZATION_FILES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Settings an Application may choose, by parameter name (the flag without `--`). Every other
/// setting is the sidecar's alone: the credentials, the registry they are for (an Application
/// that could change it would send the password to a server of its choosing), files, and
/// whatever is added later (a new flag is sidecar-only until it is listed here).
const APPLICATION_SETTINGS: &[&str] =
    &["secret-name", "only-registry-images", "no-secret", "pod-spec-path", "scope", "namespace"];

/// Settings that are no flag, only an `ACR_INJECT_*` variable: never from the Application.
const VARIABLE_ONLY_SETTINGS: &[&str] = &["password"];

/// Settings an Application may choose that are no flag: how its chart is rendered (see
/// [`ChartOptions`]), as Argo CD's own Helm source lets it choose.
const CHART_SETTINGS: &[&str] = &["values-files", "values", "release-name"];

/// The file that makes a directory a Helm chart.
const CHART_FILE: &str = "Chart.yaml";

/// How a chart directory is rendered: what Argo CD's Helm source would pass to `helm template`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ChartOptions {
    /// The release name: the `release-name` setting, else the Application's name.
    pub release_name: Option<String>,
    /// The destination namespace (`ARGOCD_APP_NAMESPACE`).
    pub namespace: Option<String>,
    /// The cluster's version (`KUBE_VERSION`), for the chart's `.Capabilities`.
    pub kube_version: Option<String>,
    /// The APIs the cluster serves (`KUBE_API_VERSIONS`), for `.Capabilities.APIVersions`.
    pub api_versions: Vec<String>,
    /// `values-files`: paths of values files inside the application directory, in order.
    pub values_files: Vec<String>,
    /// `values`: inline YAML, above the values files.
    pub values: Option<String>,
}

/// The environment variable of a setting in one of the forms (`ACR_INJECT_SECRET_NAME`...).
fn variable(prefix: &str, setting: &str) -> String {
    format!("{prefix}{}", setting.to_ascii_uppercase().replace('-', "_"))
}

/// One value the Application chose, and where it said so (for messages).
struct Chosen {
    setting: String,
    values: Vec<String>,
    origin: String,
}

/// `command` with the Application's settings as the defaults of their flags: from
/// `ARGOCD_ENV_ACR_INJECT_*` (the Application's environment), else its plugin parameters, and
/// `--namespace` from `ARGOCD_APP_NAMESPACE` (the destination namespace) when neither sets it.
/// Flags and `ACR_INJECT_*`, which clap reads itself, stay above them. Refuses an Application
/// that tries to set a setting that is not its to set, or one that does not exist, and a
/// value the flag would refuse, naming where it came from.
pub fn with_application_settings(
    mut command: clap::Command,
    env: &Environment,
) -> Result<clap::Command, Error> {
    let mut chosen = application_settings(env, &command)?;
    chosen.retain(|c| !CHART_SETTINGS.contains(&c.setting.as_str()));
    if !chosen.iter().any(|c| c.setting == "namespace")
        && let Some(namespace) = env.get("ARGOCD_APP_NAMESPACE")
    {
        let origin = "ARGOCD_APP_NAMESPACE".to_string();
        chosen.push(Chosen { setting: "namespace".into(), values: vec![namespace.into()], origin });
    }
    for Chosen { setting, values, origin } in chosen {
        let arg = command
            .get_arguments()
            .find(|arg| arg.get_long() == Some(&setting))
            .expect("Application settings are flags");
        let id = arg.get_id().clone();
        let values: Vec<String> = if matches!(arg.get_action(), ArgAction::Append) {
            values.iter().flat_map(|v| v.split(',')).map(|v| v.trim().to_string()).collect()
        } else {
            values.into_iter().take(1).map(|v| v.trim().to_string()).collect()
        };
        let values: Vec<String> = values.into_iter().filter(|v| !v.is_empty()).collect();
        if values.is_empty() {
            continue;
        }
        // The flag's own parser checks the values, as it would on the command line; alone, so
        // that a bad value is blamed on where it came from.
        let alone =
            crate::cli::Cli::command().mut_arg(id.clone(), |arg| arg.default_values(&values));
        if let Err(error) = alone.try_get_matches_from(["acr-inject", "--argocd"]) {
            return Err(Error::new(format!("{origin}: {}", one_line(&error))));
        }
        command = command.mut_arg(id, |arg| arg.default_values(values));
    }
    Ok(command)
}

/// Every setting the Application chose, from `ARGOCD_ENV_ACR_INJECT_*` (the Application's
/// environment), else its plugin parameters; refuses one it may not choose, or that does not
/// exist, naming where it came from.
fn application_settings(env: &Environment, command: &clap::Command) -> Result<Vec<Chosen>, Error> {
    let flags: Vec<String> =
        command.get_arguments().filter_map(|arg| arg.get_long()).map(str::to_string).collect();
    let mut chosen: Vec<Chosen> = Vec::new();
    for (suffix, value) in env.with_prefix("ARGOCD_ENV_ACR_INJECT_") {
        let setting = suffix.to_ascii_lowercase().replace('_', "-");
        let origin = format!("ARGOCD_ENV_ACR_INJECT_{suffix}");
        check_may_set(&setting, &origin, &flags)?;
        chosen.push(Chosen { setting, values: vec![value.to_string()], origin });
    }
    let known: Vec<&str> = flags
        .iter()
        .map(String::as_str)
        .chain(VARIABLE_ONLY_SETTINGS.iter().copied())
        .chain(CHART_SETTINGS.iter().copied())
        .collect();
    for (name, values) in parameters(env, &known)? {
        let origin = format!("the plugin parameter `{name}`");
        check_may_set(&name, &origin, &flags)?;
        if !chosen.iter().any(|c| c.setting == name) {
            chosen.push(Chosen { setting: name, values, origin });
        }
    }
    Ok(chosen)
}

/// How a chart in the application directory would be rendered: the chart settings the
/// Application chose, and what Argo CD tells about the Application and the cluster.
pub fn chart_options(env: &Environment) -> Result<ChartOptions, Error> {
    let chosen = application_settings(env, &crate::cli::Cli::command())?;
    let values_of = |setting: &str| chosen.iter().find(|c| c.setting == setting);
    let single = |setting: &str| {
        values_of(setting).and_then(|c| c.values.first()).filter(|v| !v.trim().is_empty()).cloned()
    };
    let values_files = match values_of("values-files") {
        // The Application's environment has no arrays: a comma-separated list, as for flags.
        Some(c) if c.origin.starts_with("ARGOCD_ENV_") => {
            c.values.iter().flat_map(|v| v.split(',')).map(str::trim).map(str::to_string).collect()
        }
        Some(c) => c.values.clone(),
        None => Vec::new(),
    };
    let present = |name: &str| env.get(name).map(str::trim).filter(|v| !v.is_empty());
    Ok(ChartOptions {
        release_name: single("release-name")
            .map(|name| name.trim().to_string())
            .or_else(|| present("ARGOCD_APP_NAME").map(str::to_string)),
        namespace: present("ARGOCD_APP_NAMESPACE").map(str::to_string),
        kube_version: present("KUBE_VERSION").map(str::to_string),
        api_versions: present("KUBE_API_VERSIONS")
            .into_iter()
            .flat_map(|list| list.split(','))
            .map(str::trim)
            .filter(|api| !api.is_empty())
            .map(str::to_string)
            .collect(),
        values_files: values_files.into_iter().filter(|path| !path.is_empty()).collect(),
        values: single("values"),
    })
}

/// Refuses a setting the Application may not choose.
fn check_may_set(setting: &str, origin: &str, flags: &[String]) -> Result<(), Error> {
    if APPLICATION_SETTINGS.contains(&setting) || CHART_SETTINGS.contains(&setting) {
        return Ok(());
    }
    if flags.iter().any(|flag| flag == setting) || VARIABLE_ONLY_SETTINGS.contains(&setting) {
        return Err(Error::new(format!(
            "`{setting}` cannot come from the Application ({origin}): whoever edits an Application \
             could redirect or read the credentials; set {} in the plugin sidecar instead",
            variable("ACR_INJECT_", setting)
        )));
    }
    Err(Error::new(format!(
        "{origin}: `{setting}` is not an acr-inject setting; an Application may set {}, {}",
        APPLICATION_SETTINGS.join(", "),
        CHART_SETTINGS.join(", ")
    )))
}

/// A clap error's message on one line, without its `error:` prefix and usage hints.
pub fn one_line(error: &clap::Error) -> String {
    let text = error.to_string();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("For more information"))
        .collect();
    let message = lines.join(" ").trim_start_matches("error: ").to_string();
    // clap repeats a refused value whole; from an Application or a config it may be huge.
    match message.strip_prefix("invalid value '").and_then(|rest| rest.split_once("' for '")) {
        Some((value, rest)) if value.chars().count() > 80 => {
            format!("invalid value {} for '{rest}", crate::error::quoted(value))
        }
        _ => message,
    }
}

/// The plugin parameters: `ARGOCD_APP_PARAMETERS` (JSON, names as announced), else the
/// `PARAM_<NAME>` / `PARAM_<NAME>_<i>` variables Argo CD derives from it, looked up for the
/// `known` setting names (the variables alone cannot tell `PARAM_A_0` of `a` from one of `a-0`).
fn parameters(env: &Environment, known: &[&str]) -> Result<Vec<(String, Vec<String>)>, Error> {
    let mut found = Vec::new();
    if let Some(json) = env.get("ARGOCD_APP_PARAMETERS").filter(|j| !j.trim().is_empty()) {
        let list: Vec<serde_json::Value> = serde_json::from_str(json).map_err(|e| {
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
            found.push((name.to_string(), values));
        }
        return Ok(found);
    }
    for setting in known {
        let single = variable("PARAM_", setting);
        if let Some(value) = env.get(&single) {
            found.push((setting.to_string(), vec![value.to_string()]));
            continue;
        }
        let items: Vec<String> =
            (0..).map_while(|i| env.get(&format!("{single}_{i}")).map(str::to_string)).collect();
        if !items.is_empty() {
            found.push((setting.to_string(), items));
        }
    }
    Ok(found)
}

/// The `--argocd` arm: the current directory, rendered with helm when it is a chart, with
/// kustomize when it has a kustomization, to stdout. Stdin is never read (Argo CD gives
/// /dev/null); an empty result is an error (with auto-prune it would delete the application).
pub fn generate(
    settings: &Settings,
    kustomize: Option<&Path>,
    helm: Option<&Path>,
    chart: &ChartOptions,
    stdout: &mut dyn Write,
) -> Result<Outcome, Error> {
    let here = Path::new(".");
    refuse_links_out(here)?;
    let config = &settings.config;
    let rendered = if here.join(CHART_FILE).is_file() {
        Some(("helm template", helm_template(helm, chart, here)?))
    } else if kustomization(here).is_some() {
        Some(("kustomize build .", kustomize_build(kustomize, helm, here)?))
    } else {
        None
    };
    match rendered {
        Some((name, rendered)) => {
            let mut filter = Filter::new(config, Secrets::InStream);
            let source = Source { name, bytes: &rendered, first_line: 1 };
            run::print_fed(&mut filter, [Feed::Bytes(source)], false, stdout)?;
        }
        None => {
            let inputs = sources::expand(&[".".to_string()])?;
            if inputs.is_empty() {
                return Err(Error::new("no manifest files in the application directory"));
            }
            run::print_inputs(config, &inputs, false, &mut io::empty(), stdout)?;
        }
    }
    Ok(Outcome::Unchanged)
}

/// Refuses an application directory holding a symlink that resolves outside it: helm follows
/// symlinks in a chart and the plain reading follows them to files, so a link committed by
/// whoever writes the repository could print the sidecar's files (its service-account token,
/// a credentials file) into the manifests. Argo CD checks its checkout the same way; this
/// check holds wherever the plugin runs. Links are not followed while walking; the message
/// names the link, never what it points at.
fn refuse_links_out(directory: &Path) -> Result<(), Error> {
    let root = directory
        .canonicalize()
        .map_err(|e| Error::new(format!("cannot resolve the application directory: {e}")))?;
    let mut pending = vec![directory.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).map_err(|e| sources::io_error(&next, &e))? {
            let entry = entry.map_err(|e| sources::io_error(&next, &e))?;
            let path = entry.path();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_symlink() {
                // A dangling link reads nothing; one that resolves must stay inside.
                let Ok(target) = path.canonicalize() else { continue };
                if !target.starts_with(&root) {
                    let shown = path.strip_prefix(directory).unwrap_or(&path);
                    return Err(Error::new(format!(
                        "{}: a symlink that leads out of the application directory; refusing to \
                         read the application (links must stay inside it)",
                        shown.display()
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Renders the chart in `directory` as Argo CD's Helm source does: `helm template` with the
/// release name, the destination namespace, the cluster's version and APIs, CRDs included,
/// the values files, then the inline values (which win). Run without a shell.
pub fn helm_template(
    helm: Option<&Path>,
    chart: &ChartOptions,
    directory: &Path,
) -> Result<Vec<u8>, Error> {
    let Some(release) = &chart.release_name else {
        return Err(Error::new(
            "a chart needs a release name: Argo CD sets ARGOCD_APP_NAME, or set the plugin parameter \
             `release-name`",
        ));
    };
    let mut args: Vec<std::ffi::OsString> =
        vec!["template".into(), release.into(), ".".into(), "--include-crds".into()];
    if let Some(namespace) = &chart.namespace {
        args.extend(["--namespace".into(), namespace.into()]);
    }
    if let Some(version) = &chart.kube_version {
        args.extend(["--kube-version".into(), version.into()]);
    }
    for api in &chart.api_versions {
        args.extend(["--api-versions".into(), api.into()]);
    }
    for path in &chart.values_files {
        args.extend(["--values".into(), values_file_inside(directory, path)?.into()]);
    }
    // Kept until helm has run: helm reads it by path.
    let inline = match &chart.values {
        Some(values) => {
            let mut file = tempfile::NamedTempFile::new()
                .map_err(|e| Error::new(format!("cannot hold the inline values: {e}")))?;
            file.write_all(values.as_bytes())
                .map_err(|e| Error::new(format!("cannot hold the inline values: {e}")))?;
            args.extend(["--values".into(), file.path().into()]);
            Some(file)
        }
        None => None,
    };
    let output = run_tool(helm.unwrap_or(Path::new("helm")), &args, directory, "helm", "--helm")?;
    drop(inline);
    if !output.status.success() {
        let message = tool_message(&output.stderr);
        let advice = if message.contains("missing in charts/") {
            "the chart's dependencies are not vendored: run `helm dependency build` and commit \
             charts/ (the plugin does not fetch them); "
        } else {
            ""
        };
        return Err(Error::new(format!(
            "`helm template` failed ({}): {advice}{message}",
            output.status
        )));
    }
    Ok(output.stdout)
}

/// The path of the values file `path`, which must lie inside `directory` once symlinks are
/// followed: whoever edits an Application must not read the sidecar's files through it (the
/// error names the path as given, never what is there).
fn values_file_inside(directory: &Path, path: &str) -> Result<PathBuf, Error> {
    let given = Path::new(path);
    let refused = |why: &str| {
        Error::new(format!(
            "the plugin parameter `values-files`: `{path}` {why}; values files must be inside the \
             application directory"
        ))
    };
    if given.is_absolute() {
        return Err(refused("is an absolute path"));
    }
    if given.components().any(|c| c == Component::ParentDir) {
        return Err(refused("goes up with `..`"));
    }
    let root = directory
        .canonicalize()
        .map_err(|e| Error::new(format!("cannot resolve the application directory: {e}")))?;
    let resolved = directory.join(given).canonicalize().map_err(|_| refused("does not exist"))?;
    if !resolved.starts_with(&root) {
        return Err(refused("leads out of the application directory through a symlink"));
    }
    if !resolved.is_file() {
        return Err(refused("is not a file"));
    }
    Ok(resolved)
}

/// Runs `program` with `args` in `directory`, stdin closed, without a shell. A missing binary
/// is named with the flag that points at another one.
fn run_tool(
    program: &Path,
    args: &[std::ffi::OsString],
    directory: &Path,
    tool: &str,
    flag: &str,
) -> Result<std::process::Output, Error> {
    Command::new(program).args(args).current_dir(directory).stdin(Stdio::null()).output().map_err(
        |e| match e.kind() {
            io::ErrorKind::NotFound => Error::new(format!(
                "`{}` not found: install {tool} in the plugin sidecar's image, or pass {flag} PATH",
                program.display()
            )),
            _ => Error::new(format!("cannot run `{}`: {e}", program.display())),
        },
    )
}

/// A tool's stderr on one line.
fn tool_message(stderr: &[u8]) -> String {
    let stderr = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = stderr.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
    if lines.is_empty() { "no message".to_string() } else { lines.join(" | ") }
}

/// The kustomization file of `directory`, if it has one.
pub fn kustomization(directory: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILES.iter().map(|name| directory.join(name)).find(|path| path.is_file())
}

/// Runs `kustomize build . --enable-helm` in `directory` (its `helmCharts` rendered by the
/// same helm as a chart directory) and returns what it printed. A missing binary or a failed
/// build is an error carrying kustomize's own message.
pub fn kustomize_build(
    kustomize: Option<&Path>,
    helm: Option<&Path>,
    directory: &Path,
) -> Result<Vec<u8>, Error> {
    let program = kustomize.unwrap_or(Path::new("kustomize"));
    let helm = helm.unwrap_or(Path::new("helm"));
    let args =
        ["build".into(), ".".into(), "--enable-helm".into(), "--helm-command".into(), helm.into()];
    let output = run_tool(program, &args, directory, "kustomize", "--kustomize")?;
    if !output.status.success() {
        return Err(Error::new(format!(
            "`kustomize build .` failed ({}): {}",
            output.status,
            tool_message(&output.stderr)
        )));
    }
    Ok(output.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::{CommandFactory, FromArgMatches};

    fn cli_with(args: &[&str], env: &[(&str, &str)]) -> Result<Cli, Error> {
        let env = Environment::from_pairs(env.iter().copied());
        let mut command = with_application_settings(Cli::command(), &env)?;
        let matches = command
            .try_get_matches_from_mut(std::iter::once("acr-inject").chain(args.iter().copied()))
            .map_err(|e| Error::new(one_line(&e)))?;
        Ok(Cli::from_arg_matches(&matches).unwrap())
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
        assert_eq!(cli_with(&["--argocd"], &env).unwrap().scope, crate::seal::Scope::ClusterWide);
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
    fn lists_in_the_application_env_are_comma_separated_and_false_means_false() {
        let env = [
            ("ARGOCD_ENV_ACR_INJECT_POD_SPEC_PATH", "Foo=spec, Bar=spec.template.spec"),
            ("ARGOCD_ENV_ACR_INJECT_NO_SECRET", "false"),
        ];
        let cli = cli_with(&["--argocd"], &env).unwrap();
        assert_eq!(cli.pod_spec_paths.len(), 2);
        assert!(!cli.no_secret);
    }

    #[test]
    fn the_destination_namespace_is_the_default_namespace() {
        let env = [("ARGOCD_APP_NAMESPACE", "shop")];
        assert_eq!(cli_with(&["--argocd"], &env).unwrap().namespace.as_deref(), Some("shop"));
        let env = [("ARGOCD_APP_NAMESPACE", "shop"), ("PARAM_NAMESPACE", "other")];
        assert_eq!(cli_with(&["--argocd"], &env).unwrap().namespace.as_deref(), Some("other"));
        let env = [("ARGOCD_APP_NAMESPACE", "shop")];
        let cli = cli_with(&["--argocd", "--namespace", "flag"], &env).unwrap();
        assert_eq!(cli.namespace.as_deref(), Some("flag"));
    }

    #[test]
    fn a_long_refused_value_is_cut_in_the_message() {
        let long = format!("Foo={}", "a*".repeat(5_000));
        let env = [("ARGOCD_ENV_ACR_INJECT_POD_SPEC_PATH", long.as_str())];
        let message = cli_with(&["--argocd"], &env).unwrap_err().message().to_string();
        assert!(
            message.starts_with("ARGOCD_ENV_ACR_INJECT_POD_SPEC_PATH: invalid value `Foo=a*a*"),
            "{message}"
        );
        assert!(message.contains("(10004 characters) for '--pod-spec-path"), "{message}");
        assert!(message.len() < 600, "{message}");
    }

    #[test]
    fn an_application_cannot_choose_credentials_the_registry_or_files() {
        for env in [
            [("ARGOCD_ENV_ACR_INJECT_PASSWORD", "x")],
            [("ARGOCD_ENV_ACR_INJECT_REGISTRY", "evil.example.com")],
            [("ARGOCD_APP_PARAMETERS", r#"[{"name":"registry","string":"evil.example.com"}]"#)],
            [("PARAM_USERNAME", "someone")],
            [("ARGOCD_ENV_ACR_INJECT_SEAL_CERT", "/var/run/secrets/token")],
            [("ARGOCD_APP_PARAMETERS", r#"[{"name":"kustomize","string":"/bin/sh"}]"#)],
        ] {
            let error = cli_with(&["--argocd"], &env).unwrap_err();
            assert!(error.message().contains("cannot come from the Application"), "{error}");
            assert!(!error.message().contains("evil"), "{error}");
        }
    }

    #[test]
    fn every_flag_but_the_listed_ones_is_the_sidecars() {
        let command = Cli::command();
        let flags: Vec<&str> = command.get_arguments().filter_map(|arg| arg.get_long()).collect();
        for setting in APPLICATION_SETTINGS {
            assert!(flags.contains(setting), "{setting} is not a flag");
        }
        for flag in flags.iter().filter(|flag| !APPLICATION_SETTINGS.contains(flag)) {
            let error = cli_with(&["--argocd"], &[(&variable("PARAM_", flag), "x")]);
            assert!(error.is_err(), "--{flag} can be set by an Application");
        }
    }

    #[test]
    fn unknown_settings_and_bad_values_name_where_they_came_from() {
        let error = cli_with(&["--argocd"], &[("ARGOCD_ENV_ACR_INJECT_SECRETNAME", "x")]);
        assert_eq!(
            error.unwrap_err().message(),
            "ARGOCD_ENV_ACR_INJECT_SECRETNAME: `secretname` is not an acr-inject setting; an \
             Application may set secret-name, only-registry-images, no-secret, pod-spec-path, \
             scope, namespace, values-files, values, release-name"
        );
        let parameters = r#"[{"name":"scope","string":"everywhere"}]"#;
        let error = cli_with(&["--argocd"], &[("ARGOCD_APP_PARAMETERS", parameters)]);
        let message = error.unwrap_err().message().to_string();
        assert!(
            message.starts_with("the plugin parameter `scope`: invalid value 'everywhere'"),
            "{message}"
        );
        assert!(message.contains("strict, namespace-wide, cluster-wide"), "{message}");
    }

    #[test]
    fn a_chart_is_rendered_with_what_argo_cd_tells_and_the_applications_chart_settings() {
        let env = Environment::from_pairs([
            ("ARGOCD_APP_NAME", "shop-prod"),
            ("ARGOCD_APP_NAMESPACE", "shop"),
            ("KUBE_VERSION", "1.31.4"),
            ("KUBE_API_VERSIONS", "v1, apps/v1,,batch/v1"),
            (
                "ARGOCD_APP_PARAMETERS",
                r#"[{"name":"values-files","array":["a.yaml","b.yaml"]},{"name":"values","string":"x: 1\n"}]"#,
            ),
        ]);
        let chart = chart_options(&env).unwrap();
        assert_eq!(
            chart,
            ChartOptions {
                release_name: Some("shop-prod".into()),
                namespace: Some("shop".into()),
                kube_version: Some("1.31.4".into()),
                api_versions: vec!["v1".into(), "apps/v1".into(), "batch/v1".into()],
                values_files: vec!["a.yaml".into(), "b.yaml".into()],
                values: Some("x: 1\n".into()),
            }
        );
    }

    #[test]
    fn chart_settings_come_from_the_application_env_too_and_are_no_flags() {
        let env = Environment::from_pairs([
            ("ARGOCD_APP_NAME", "shop"),
            ("ARGOCD_ENV_ACR_INJECT_RELEASE_NAME", "web"),
            ("ARGOCD_ENV_ACR_INJECT_VALUES_FILES", "a.yaml, b.yaml"),
        ]);
        let chart = chart_options(&env).unwrap();
        assert_eq!(chart.release_name.as_deref(), Some("web"));
        assert_eq!(chart.values_files, ["a.yaml", "b.yaml"]);
        let pairs = [("ARGOCD_ENV_ACR_INJECT_RELEASE_NAME", "web")];
        assert!(cli_with(&["--argocd"], &pairs).is_ok(), "accepted, and not given to clap");
    }

    #[test]
    fn a_values_file_must_stay_inside_the_application_directory() {
        let app = tempfile::tempdir().unwrap();
        std::fs::write(app.path().join("values.yaml"), "a: 1\n").unwrap();
        std::fs::create_dir(app.path().join("sub")).unwrap();
        assert!(values_file_inside(app.path(), "values.yaml").is_ok());
        for (path, why) in [
            ("../values.yaml", "goes up with `..`"),
            ("/etc/passwd", "is an absolute path"),
            ("sub/../values.yaml", "goes up with `..`"),
            ("missing.yaml", "does not exist"),
            ("sub", "is not a file"),
        ] {
            let message = values_file_inside(app.path(), path).unwrap_err().message().to_string();
            assert!(message.contains(&format!("`{path}` {why}")), "{message}");
        }
    }
}
