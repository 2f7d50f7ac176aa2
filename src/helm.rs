//! Helm post-renderer mode (`--helm-post-renderer`): what `helm install|upgrade|template
//! --post-renderer` runs, as Helm 4's plugin `deploy/helm` or as Helm 3's executable.
//!
//! The two Helm versions speak different dialects, and this mode answers each:
//! - Helm 4 sends every template, hooks included, each document annotated with the file it came
//!   from ([`FILENAME_ANNOTATION`]), and groups the output back into files by it. Every
//!   document keeps its annotation (the filter only adds bytes), and the pull secrets get one of
//!   their own ([`PULL_SECRET_FILE`]), so `helm get manifest` names them sensibly. Helm 3 sends
//!   neither hooks nor the annotation, so neither is added there.
//! - A release's own objects are created after its `pre-install` and `pre-upgrade` hooks: a hook
//!   Pod or Job pulling from the registry would not find the pull Secret. When such a hook gets
//!   the reference, the pull secrets become hooks themselves ([`EARLY_HOOK`]), created first.
//! - Helm 4 drops a plugin's stderr (`plugin "acr-inject" exited with error`), so under Helm 4 a
//!   failure is carried to the user through Helm itself ([`report_failure`]).
//! - Helm passes `--namespace` to no post-renderer; objects that name no namespace go to the
//!   release namespace, and so does the pull Secret: it names no namespace either unless one is
//!   known (`--namespace`, or `HELM_NAMESPACE`, which Helm reads too).

use std::io::{Read, Write};

use crate::error::Error;
use crate::filter::{Feed, Filter, Secrets, Source, prepare};
use crate::k8s::object::ObjectView;
use crate::output::Held;
use crate::run::Outcome;
use crate::settings::{Environment, Settings};
use crate::yaml::split::Splitter;
use crate::yaml::tree::Tree;

/// The flag of this mode, which the Helm 4 plugin passes.
pub const FLAG: &str = "--helm-post-renderer";

/// The annotation by which Helm 4 groups post-rendered documents into files (and then removes).
pub const FILENAME_ANNOTATION: &str = "postrenderer.helm.sh/postrender-filename";

/// The file Helm 4 lists the pull secrets under (`helm get manifest`: `# Source: ...`).
pub const PULL_SECRET_FILE: &str = "acr-inject/pull-secret.yaml";

/// The annotations that make a pull secret a hook created before every `pre-install` and
/// `pre-upgrade` hook (lowest weight first), and replaced, not duplicated, on the next run.
pub const EARLY_HOOK: &[(&str, &str)] = &[
    ("helm.sh/hook", "pre-install,pre-upgrade"),
    ("helm.sh/hook-weight", "-100"),
    ("helm.sh/hook-delete-policy", "before-hook-creation"),
];

/// The hooks that run before the release's own objects exist.
const EARLY_HOOK_EVENTS: &[&str] = &["pre-install", "pre-upgrade"];

/// Set by Helm 4 in a plugin's environment to the plugin's name (Helm 3 runs post-renderers as
/// plain executables; it sets the variable only for its own CLI plugins, named otherwise).
const HELM_PLUGIN_VARIABLE: &str = "HELM_PLUGIN_NAME";

/// The plugin's name in `deploy/helm/plugin.yaml`.
const PLUGIN_NAME: &str = "acr-inject";

/// The mode's arm of [`crate::run::run`]: Helm's stream from stdin, the filtered stream to stdout.
pub fn post_render(
    settings: &Settings,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
) -> Result<Outcome, Error> {
    let mut bytes = Vec::new();
    stdin.read_to_end(&mut bytes).map_err(|e| Error::new(format!("<stdin>: cannot read: {e}")))?;
    let source = Source { name: "<stdin>", bytes: &bytes, first_line: 1 };
    let config = &settings.config;
    let mut annotations: Vec<(String, String)> = Vec::new();
    // Helm 4's dialect: its documents carry the file annotation, Helm 3's never do.
    if memchr::memmem::find(&bytes, FILENAME_ANNOTATION.as_bytes()).is_some() {
        annotations.push((FILENAME_ANNOTATION.into(), PULL_SECRET_FILE.into()));
    }
    if an_early_hook_gets_the_reference(config, &source)? {
        annotations.extend(EARLY_HOOK.iter().map(|&(k, v)| (k.to_string(), v.to_string())));
    }
    let mut filter = Filter::annotating(config, Secrets::InStream, &annotations);
    // Held (the pull secrets in memory that is wiped when freed) until all of it succeeded.
    let mut held = Held::new();
    filter.feed(Feed::Bytes(source), &mut held)?;
    if filter.summary().documents == 0 {
        // Helm 4 refuses an empty output with a message that does not say why.
        return Err(Error::new("Helm sent no manifests to post-render"));
    }
    held.release(stdout).map_err(Error::output)?;
    Ok(Outcome::Unchanged)
}

/// Whether a `pre-install` or `pre-upgrade` hook has a pod spec that gets the reference.
fn an_early_hook_gets_the_reference(
    config: &crate::filter::Config,
    source: &Source,
) -> Result<bool, Error> {
    let mut splitter = Splitter::new();
    while let Some(document) = splitter.next_document(source.bytes, true) {
        let bytes = &source.bytes[document.range.clone()];
        if memchr::memmem::find(bytes, b"helm.sh/hook").is_none()
            || !prepare(config, source, &document)?.references_pull_secret()
        {
            continue;
        }
        // prepare() checked it is UTF-8 and parses.
        let Ok(text) = std::str::from_utf8(bytes) else { continue };
        let Ok(tree) = Tree::parse(text) else { continue };
        let Some(root) = tree.root else { continue };
        let object = ObjectView::new(&tree, root);
        let events = object.string(&["metadata", "annotations", "helm.sh/hook"]).unwrap_or("");
        if events.split(',').any(|event| EARLY_HOOK_EVENTS.contains(&event.trim())) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether this run is the Helm 4 plugin: this mode's flag, and Helm 4's plugin environment
/// naming this plugin. Anything else reports failures the ordinary way (stderr, exit status 2),
/// which fails safe: nothing is rendered either way.
pub fn runs_as_helm_4_plugin(args: &[std::ffi::OsString], env: &Environment) -> bool {
    env.get(HELM_PLUGIN_VARIABLE) == Some(PLUGIN_NAME) && args.iter().any(|arg| arg == FLAG)
}

/// Reports a failure of the Helm 4 plugin where the user will see it. Helm 4 drops a plugin's
/// stderr and, on a non-zero exit, shows only `plugin "acr-inject" exited with error`. What it
/// does show is why it cannot read a post-renderer's output: for a document that is a string
/// instead of an object, `error parsing YAML: wrong node kind: expected MappingNode but got
/// ScalarNode: node contents: "acr-inject: MESSAGE"`. So the message goes to stdout as that one
/// string (and to stderr, for whoever runs the plugin by hand), the exit status is 0 so that
/// Helm reads it, and Helm fails the command with it: nothing is rendered, installed or
/// upgraded. Messages never hold a credential.
pub fn report_failure(message: &str, stdout: &mut dyn Write) {
    let line = format!("acr-inject: {message}");
    eprintln!("{line}");
    let document = serde_json::to_string(&line).expect("a string serialises");
    // Nothing more can be done if stdout is gone: Helm then fails on the empty output.
    let _ = writeln!(stdout, "{document}").and_then(|()| stdout.flush());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_one_yaml_string_that_helm_shows_whole() {
        let mut out = Vec::new();
        report_failure("no registry: pass --registry \"x\"", &mut out);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "\"acr-inject: no registry: pass --registry \\\"x\\\"\"\n");
    }

    #[test]
    fn only_helm_4_running_the_mode_counts_as_the_plugin() {
        let args = |list: &[&str]| list.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        let helm4 = Environment::from_pairs([("HELM_PLUGIN_NAME", "acr-inject")]);
        assert!(runs_as_helm_4_plugin(&args(&["acr-inject", FLAG]), &helm4));
        assert!(!runs_as_helm_4_plugin(&args(&["acr-inject"]), &helm4));
        assert!(!runs_as_helm_4_plugin(&args(&["acr-inject", FLAG]), &Environment::default()));
        let other_plugin = Environment::from_pairs([("HELM_PLUGIN_NAME", "diff")]);
        assert!(!runs_as_helm_4_plugin(&args(&["acr-inject", FLAG]), &other_plugin));
    }
}
