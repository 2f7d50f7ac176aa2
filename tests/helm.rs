//! Helm, run for real: Helm 4.1.4 with the post-renderer plugin of `deploy/helm`, Helm 3.17.3
//! with the executable, and the Argo CD plugin rendering a chart directory with helm. The
//! binaries come from `scripts/install-helm` (`HELM4`, `HELM3`); each test gives Helm its own
//! HELM_DATA_HOME, HELM_CONFIG_HOME and HELM_CACHE_HOME, and a PATH holding only acr-inject and
//! the system's tools.
//!
//! What Helm does to a post-renderer's output differs between the versions, and so do the
//! checks: Helm 3 prints it as it is (so the input must be a byte subsequence of the output);
//! Helm 4 re-serialises it, so the invariants are checked on exactly what Helm 4 hands the
//! plugin and takes back (captured by a `tee` around it), and the final output as data.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use assert_fs::TempDir;
use assert_fs::prelude::*;
use base64::Engine;
use common::*;
use yaml_serde::Value;

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A Helm binary, from `variable` or where `scripts/install-helm` puts it.
fn binary(variable: &str, file: &str) -> PathBuf {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| repository().join("target/tools").join(file));
    assert!(path.exists(), "{file} is missing: run scripts/install-helm (scripts/test does)");
    path
}

/// One Helm version with homes of its own and acr-inject on PATH.
struct Helm {
    binary: PathBuf,
    /// 4 or 3.
    major: u8,
    homes: TempDir,
    /// Holds `acr-inject` (a link to the binary under test), first on PATH.
    tools: TempDir,
}

impl Helm {
    fn new(variable: &str, file: &str, major: u8) -> Helm {
        let tools = TempDir::new().unwrap();
        let binary_under_test = assert_cmd::cargo::cargo_bin("acr-inject");
        std::os::unix::fs::symlink(binary_under_test, tools.path().join("acr-inject")).unwrap();
        Helm { binary: binary(variable, file), major, homes: TempDir::new().unwrap(), tools }
    }

    fn four() -> Helm {
        Helm::new("HELM4", "helm4", 4)
    }

    fn three() -> Helm {
        Helm::new("HELM3", "helm3", 3)
    }

    /// `helm ARGS` with a clean environment: the homes, PATH, and `env`.
    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let home = |name: &str| self.homes.path().join(name);
        Command::new(&self.binary)
            .args(args)
            .env_clear()
            .env("PATH", format!("{}:/usr/bin:/bin", self.tools.path().display()))
            .env("HOME", self.homes.path())
            .env("HELM_DATA_HOME", home("data"))
            .env("HELM_CONFIG_HOME", home("config"))
            .env("HELM_CACHE_HOME", home("cache"))
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str], env: &[(&str, &str)]) -> Vec<u8> {
        let output = self.run(args, env);
        assert!(output.status.success(), "helm {args:?}: {}", text(&output.stderr));
        output.stdout
    }

    /// Installs the plugin of `deploy/helm` (Helm 4).
    fn install_plugin(&self) {
        let plugin = repository().join("deploy/helm");
        self.ok(&["plugin", "install", plugin.to_str().unwrap()], &[]);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The sidecar's or CI job's environment: credentials for `myregistry`.
const CREDENTIALS: &[(&str, &str)] = &[
    ("ACR_INJECT_REGISTRY", "myregistry"),
    ("ACR_INJECT_USERNAME", USERNAME),
    ("ACR_INJECT_PASSWORD", PASSWORD),
];

/// A chart made by `helm create` (a Deployment, a Service, a ServiceAccount, a test Pod).
fn created_chart(helm: &Helm) -> TempDir {
    let dir = TempDir::new().unwrap();
    let chart = dir.path().join("web");
    helm.ok(&["create", chart.to_str().unwrap()], &[]);
    dir
}

/// A chart whose pre-install hook Job and test Pod pull from the registry.
fn hooks_chart() -> TempDir {
    let dir = TempDir::new().unwrap();
    let chart = dir.child("shop");
    chart.child("Chart.yaml").write_str("apiVersion: v2\nname: shop\nversion: 1.0.0\n").unwrap();
    chart
        .child("templates/deployment.yaml")
        .write_str(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\nspec:\n  \
             selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    \
             spec:\n      containers:\n      - name: web\n        image: myregistry.azurecr.io/web:1\n",
        )
        .unwrap();
    chart
        .child("templates/migrate.yaml")
        .write_str(
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-migrate\n  annotations:\n    \
             \"helm.sh/hook\": pre-install,pre-upgrade\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      \
             containers:\n      - name: migrate\n        image: myregistry.azurecr.io/migrate:1\n",
        )
        .unwrap();
    chart
        .child("templates/tests/smoke.yaml")
        .write_str(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-smoke\n  annotations:\n    \
             \"helm.sh/hook\": test\nspec:\n  restartPolicy: Never\n  containers:\n  - name: smoke\n    \
             image: myregistry.azurecr.io/smoke:1\n",
        )
        .unwrap();
    dir
}

/// A Helm 4 plugin wrapping acr-inject in `tee`s, so that a test sees exactly what Helm 4 hands
/// the post-renderer (`in.yaml`) and takes back (`out.yaml`).
fn capturing_plugin(helm: &Helm, capture: &Path) {
    let dir = TempDir::new().unwrap().into_persistent();
    let script = format!(
        "tee '{0}/in.yaml' | acr-inject --helm-post-renderer | tee '{0}/out.yaml'",
        capture.display()
    );
    let plugin = format!(
        "apiVersion: v1\nname: capture\nversion: 0.1.0\ntype: postrenderer/v1\nruntime: subprocess\n\
         runtimeConfig:\n  platformCommand:\n    - command: /bin/sh\n      args: [-c, {}, sh]\n",
        serde_json::to_string(&script).unwrap()
    );
    fs::write(dir.path().join("plugin.yaml"), plugin).unwrap();
    helm.ok(&["plugin", "install", dir.path().to_str().unwrap()], &[]);
}

/// `helm template`'s output split into its hooks and the rest (Helm 3 prints the hooks, each
/// after a `# Source:` line, before the post-rendered rest).
fn split_hooks(stream: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let text = text(stream);
    let mut documents: Vec<String> = Vec::new();
    for line in text.split_inclusive('\n') {
        if line == "---\n" || documents.is_empty() {
            documents.push(String::new());
        }
        documents.last_mut().unwrap().push_str(line);
    }
    let (hooks, rest): (Vec<String>, Vec<String>) =
        documents.into_iter().partition(|document| document.contains("\"helm.sh/hook\""));
    (hooks.concat().into_bytes(), rest.concat().into_bytes())
}

/// acr-inject in post-renderer mode on `input`, with credentials: its output.
fn post_render(input: &[u8], env: &[(&str, &str)]) -> Vec<u8> {
    let mut command = acr_inject();
    command.arg("--helm-post-renderer").envs(CREDENTIALS.iter().copied());
    command.envs(env.iter().copied());
    run_ok(command, input)
}

/// The documents of `stream` that are pull Secrets (or SealedSecrets) named `acr-secret`.
fn pull_secrets(stream: &[u8]) -> Vec<Value> {
    oracle_documents(stream)
        .into_iter()
        .filter(|d| {
            matches!(str_at(d, &["kind"]), Some("Secret" | "SealedSecret"))
                && str_at(d, &["metadata", "name"]) == Some("acr-secret")
        })
        .collect()
}

/// The credentials a plain pull Secret holds, decoded independently of the code under test.
fn login_in(secret: &Value) -> (String, String) {
    let encoded = str_at(secret, &["data", ".dockerconfigjson"]).expect("a .dockerconfigjson");
    let json = base64::engine::general_purpose::STANDARD.decode(encoded).unwrap();
    let config: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let auth = &config["auths"]["myregistry.azurecr.io"];
    (auth["username"].as_str().unwrap().into(), auth["password"].as_str().unwrap().into())
}

fn annotation<'v>(document: &'v Value, key: &str) -> Option<&'v str> {
    get(document, &["metadata", "annotations"])?.get(key)?.as_str()
}

fn find<'v>(documents: &'v [Value], kind: &str) -> &'v Value {
    documents.iter().find(|d| str_at(d, &["kind"]) == Some(kind)).unwrap_or_else(|| {
        panic!("no {kind} in {documents:?}");
    })
}

fn assert_no_credential(output: &Output) {
    for bytes in [&output.stdout, &output.stderr] {
        assert!(!text(bytes).contains(PASSWORD), "the password leaked: {}", text(bytes));
    }
}

// --- The plugin -------------------------------------------------------------------------------

#[test]
fn the_plugin_yaml_has_exactly_helm_4s_fields_and_the_crates_version() {
    let text = fs::read_to_string(repository().join("deploy/helm/plugin.yaml")).unwrap();
    let plugin: Value = yaml_serde::from_str(&text).unwrap();
    let keys: Vec<&str> =
        plugin.as_mapping().unwrap().keys().map(|key| key.as_str().unwrap()).collect();
    // Helm 4 decodes plugin.yaml strictly (internal/plugin/metadata_v1.go): any other key and
    // the plugin is skipped.
    assert_eq!(keys, ["apiVersion", "name", "version", "type", "runtime", "runtimeConfig"]);
    assert_eq!(str_at(&plugin, &["name"]), Some("acr-inject"));
    assert_eq!(str_at(&plugin, &["type"]), Some("postrenderer/v1"));
    assert_eq!(str_at(&plugin, &["version"]), Some(env!("CARGO_PKG_VERSION")));
    let command = &plugin["runtimeConfig"]["platformCommand"][0];
    assert_eq!(str_at(command, &["command"]), Some("acr-inject"), "looked up on PATH");
    assert_eq!(command["args"][0].as_str(), Some("--helm-post-renderer"));
}

#[test]
fn helm_4_installs_the_plugin_as_a_post_renderer() {
    let helm = Helm::four();
    helm.install_plugin();
    let list = text(&helm.ok(&["plugin", "list"], &[]));
    let line = list.lines().find(|line| line.starts_with("acr-inject")).expect(&list);
    let columns: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(columns[1..3], [env!("CARGO_PKG_VERSION"), "postrenderer/v1"], "{list}");
}

#[test]
fn helm_4_installs_the_plugin_from_a_release_archive() {
    let helm = Helm::four();
    let packaged = Command::new(repository().join("scripts/package-helm-plugin")).output().unwrap();
    assert!(packaged.status.success(), "{}", text(&packaged.stderr));
    let archive = PathBuf::from(text(&packaged.stdout).trim());
    let expected = format!("acr-inject-{}.tgz", env!("CARGO_PKG_VERSION"));
    assert_eq!(archive.file_name().unwrap().to_str(), Some(expected.as_str()));
    helm.ok(&["plugin", "install", archive.to_str().unwrap(), "--verify=false"], &[]);
    let chart = created_chart(&helm);
    let rendered = helm.ok(
        &[
            "template",
            "rel",
            chart.path().join("web").to_str().unwrap(),
            "--post-renderer",
            "acr-inject",
        ],
        CREDENTIALS,
    );
    assert_eq!(pull_secrets(&rendered).len(), 1);
}

// --- Post-rendering a `helm create` chart ------------------------------------------------------

#[test]
fn helm_4_post_renders_a_created_chart_with_only_additions_once() {
    let helm = Helm::four();
    helm.install_plugin();
    let chart = created_chart(&helm);
    let chart = chart.path().join("web");
    let chart = chart.to_str().unwrap();
    let plain = helm.ok(&["template", "rel", chart], &[]);
    let rendered =
        helm.ok(&["template", "rel", chart, "--post-renderer", "acr-inject"], CREDENTIALS);
    // Only the intended data: Helm's own output plus the references and one pull Secret.
    assert_oracle_sees_only_the_injection(&plain, &rendered, "acr-secret");
    let documents = oracle_documents(&rendered);
    assert!(references(
        find(&documents, "Deployment"),
        &["spec", "template", "spec"],
        "acr-secret"
    ));
    assert!(references(find(&documents, "Pod"), &["spec"], "acr-secret"), "the test hook too");
    let secrets = pull_secrets(&rendered);
    assert_eq!(secrets.len(), 1);
    assert_eq!(login_in(&secrets[0]), (USERNAME.to_string(), PASSWORD.to_string()));
    assert_eq!(namespace(&secrets[0]), None, "Helm puts it in the release namespace");
    assert_eq!(annotation(&secrets[0], "helm.sh/hook"), None, "no early hook needs it");
    // Helm 4 files it under the name the plugin gave it, and removes the annotation.
    assert!(
        text(&rendered).contains("# Source: acr-inject/pull-secret.yaml\n"),
        "{}",
        text(&rendered)
    );
    assert!(!text(&rendered).contains("postrenderer.helm.sh"));

    // What Helm 4 handed the plugin and took back: only additions, and once is enough.
    let capture = TempDir::new().unwrap();
    capturing_plugin(&helm, capture.path());
    helm.ok(&["template", "rel", chart, "--post-renderer", "capture"], CREDENTIALS);
    let (input, output) = (
        fs::read(capture.path().join("in.yaml")).unwrap(),
        fs::read(capture.path().join("out.yaml")).unwrap(),
    );
    assert!(text(&input).contains("postrenderer.helm.sh/postrender-filename"), "Helm 4's dialect");
    assert_only_insertions(&input, &output);
    assert_eq!(text(&post_render(&output, &[])), text(&output), "a second run changes nothing");
    let secret = &pull_secrets(&output)[0];
    assert_eq!(
        annotation(secret, "postrenderer.helm.sh/postrender-filename"),
        Some("acr-inject/pull-secret.yaml")
    );
}

#[test]
fn helm_3_post_renders_a_created_chart_through_the_executable() {
    let helm = Helm::three();
    let chart = created_chart(&helm);
    let chart = chart.path().join("web");
    let chart = chart.to_str().unwrap();
    let executable = helm.tools.path().join("acr-inject");
    let plain = helm.ok(&["template", "rel", chart], &[]);
    let (plain_hooks, plain) = split_hooks(&plain);
    let args = [
        "template",
        "rel",
        chart,
        "--post-renderer",
        executable.to_str().unwrap(),
        "--post-renderer-args=--helm-post-renderer",
    ];
    let rendered = helm.ok(&args, CREDENTIALS);
    let (hooks, rendered) = split_hooks(&rendered);
    assert_eq!(hooks, plain_hooks, "Helm 3 sends no hooks to the post-renderer");
    // Helm 3 prints the post-renderer's output as it is: byte for byte only additions.
    assert_only_insertions(&plain, &rendered);
    assert_oracle_sees_only_the_injection(&plain, &rendered, "acr-secret");
    let documents = oracle_documents(&rendered);
    assert!(references(
        find(&documents, "Deployment"),
        &["spec", "template", "spec"],
        "acr-secret"
    ));
    assert!(!references(&oracle_documents(&hooks)[0], &["spec"], "acr-secret"), "a hook");
    let secrets = pull_secrets(&rendered);
    assert_eq!(login_in(&secrets[0]), (USERNAME.to_string(), PASSWORD.to_string()));
    assert!(!text(&rendered).contains("postrenderer.helm.sh"), "Helm 3 has no file annotation");
    assert_eq!(text(&post_render(&rendered, &[])), text(&rendered), "a second run changes nothing");
}

#[test]
fn every_flag_reaches_the_plugin_through_post_renderer_args() {
    let helm = Helm::four();
    helm.install_plugin();
    let chart = hooks_chart();
    let chart = chart.path().join("shop");
    let args = [
        "template",
        "rel",
        chart.to_str().unwrap(),
        "--post-renderer",
        "acr-inject",
        "--post-renderer-args",
        "--secret-name=regcred",
        "--post-renderer-args",
        "--only-registry-images",
    ];
    let documents = oracle_documents(&helm.ok(&args, CREDENTIALS));
    assert!(references(find(&documents, "Deployment"), &["spec", "template", "spec"], "regcred"));
    assert_eq!(str_at(find(&documents, "Secret"), &["metadata", "name"]), Some("regcred"));
}

// --- Hooks ---------------------------------------------------------------------------------------

#[test]
fn under_helm_4_a_pre_install_hook_that_pulls_gets_a_pull_secret_created_before_it() {
    let helm = Helm::four();
    helm.install_plugin();
    let chart = hooks_chart();
    let chart = chart.path().join("shop");
    let rendered = helm.ok(
        &["template", "rel", chart.to_str().unwrap(), "--post-renderer", "acr-inject"],
        CREDENTIALS,
    );
    let plain = helm.ok(&["template", "rel", chart.to_str().unwrap()], &[]);
    assert_oracle_sees_only_the_injection(&plain, &rendered, "acr-secret");
    let documents = oracle_documents(&rendered);
    let job = find(&documents, "Job");
    assert!(
        references(job, &["spec", "template", "spec"], "acr-secret"),
        "hooks are post-rendered"
    );
    assert!(references(find(&documents, "Pod"), &["spec"], "acr-secret"));
    let secrets = pull_secrets(&rendered);
    assert_eq!(
        secrets.len(),
        1,
        "one Secret, as a hook only: a second of the same name would clash"
    );
    let secret = &secrets[0];
    assert_eq!(annotation(secret, "helm.sh/hook"), Some("pre-install,pre-upgrade"));
    assert_eq!(
        annotation(secret, "helm.sh/hook-weight"),
        Some("-100"),
        "before the Job (weight 0)"
    );
    assert_eq!(annotation(secret, "helm.sh/hook-delete-policy"), Some("before-hook-creation"));
    assert_eq!(login_in(secret), (USERNAME.to_string(), PASSWORD.to_string()));

    // On what Helm 4 hands the plugin: only additions, and a second run changes nothing.
    let capture = TempDir::new().unwrap();
    capturing_plugin(&helm, capture.path());
    helm.ok(
        &["template", "rel", chart.to_str().unwrap(), "--post-renderer", "capture"],
        CREDENTIALS,
    );
    let input = fs::read(capture.path().join("in.yaml")).unwrap();
    let output = fs::read(capture.path().join("out.yaml")).unwrap();
    assert_only_insertions(&input, &output);
    assert_eq!(text(&post_render(&output, &[])), text(&output));
}

#[test]
fn helm_4_install_runs_the_plugin_too_and_lists_the_secret_among_the_hooks() {
    // `--dry-run=client` renders as an install would, without a cluster.
    let helm = Helm::four();
    helm.install_plugin();
    let chart = hooks_chart();
    let chart = chart.path().join("shop");
    let args = [
        "install",
        "rel",
        chart.to_str().unwrap(),
        "--dry-run=client",
        "--post-renderer",
        "acr-inject",
    ];
    let printed = text(&helm.ok(&args, CREDENTIALS));
    let (hooks, manifest) = printed.split_once("MANIFEST:").expect(&printed);
    assert!(hooks.contains("# Source: acr-inject/pull-secret.yaml\n"), "{printed}");
    assert!(!manifest.contains("kind: Secret"), "a hook only: {printed}");
    assert!(manifest.contains("- name: acr-secret"), "{printed}");
}

#[test]
fn under_helm_3_hooks_are_not_post_rendered_and_the_secret_is_a_release_object() {
    let helm = Helm::three();
    let chart = hooks_chart();
    let chart = chart.path().join("shop");
    let executable = helm.tools.path().join("acr-inject");
    let args = [
        "template",
        "rel",
        chart.to_str().unwrap(),
        "--post-renderer",
        executable.to_str().unwrap(),
        "--post-renderer-args=--helm-post-renderer",
    ];
    let documents = oracle_documents(&helm.ok(&args, CREDENTIALS));
    assert!(!references(find(&documents, "Job"), &["spec", "template", "spec"], "acr-secret"));
    assert!(references(
        find(&documents, "Deployment"),
        &["spec", "template", "spec"],
        "acr-secret"
    ));
    assert_eq!(annotation(find(&documents, "Secret"), "helm.sh/hook"), None);
}

// --- Namespaces and sealing ----------------------------------------------------------------------

#[test]
fn helm_passes_its_namespace_flag_to_no_post_renderer_but_helm_namespace_reaches_both() {
    for helm in [Helm::four(), Helm::three()] {
        helm.install_plugin_if_4();
        let chart = created_chart(&helm);
        let chart = chart.path().join("web");
        let executable = helm.tools.path().join("acr-inject");
        let renderer =
            if helm.is_4() { "acr-inject".into() } else { executable.display().to_string() };
        let mut args =
            vec!["template", "rel", chart.to_str().unwrap(), "--post-renderer", &renderer];
        if !helm.is_4() {
            args.push("--post-renderer-args=--helm-post-renderer");
        }
        let flag = [&args[..], &["--namespace", "shop"]].concat();
        let secrets = pull_secrets(&helm.ok(&flag, CREDENTIALS));
        assert_eq!(
            namespace(&secrets[0]),
            None,
            "{:?}: the release namespace, by Helm",
            helm.binary
        );
        let env = [CREDENTIALS, &[("HELM_NAMESPACE", "shop")]].concat();
        let secrets = pull_secrets(&helm.ok(&args, &env));
        assert_eq!(namespace(&secrets[0]).as_deref(), Some("shop"), "{:?}", helm.binary);
    }
}

#[test]
fn helm_4_emits_a_sealed_secret_for_the_release_namespace() {
    let helm = Helm::four();
    helm.install_plugin();
    let chart = created_chart(&helm);
    let chart = chart.path().join("web");
    let cert = fixtures_dir().join("seal/cert.pem");
    let env = [
        CREDENTIALS,
        &[("ACR_INJECT_SEAL_CERT", cert.to_str().unwrap()), ("HELM_NAMESPACE", "shop")],
    ]
    .concat();
    let args = ["template", "rel", chart.to_str().unwrap(), "--post-renderer", "acr-inject"];
    let output = helm.run(&args, &env);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_no_credential(&output);
    let secrets = pull_secrets(&output.stdout);
    assert_eq!(secrets.len(), 1);
    assert_eq!(str_at(&secrets[0], &["kind"]), Some("SealedSecret"));
    assert_eq!(namespace(&secrets[0]).as_deref(), Some("shop"));
    assert!(get(&secrets[0], &["spec", "encryptedData", ".dockerconfigjson"]).is_some());

    // Strict sealing must know the namespace: without it, the failure says how to give it.
    let env = [CREDENTIALS, &[("ACR_INJECT_SEAL_CERT", cert.to_str().unwrap())]].concat();
    let output = helm.run(&args, &env);
    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("--namespace"), "{}", text(&output.stderr));
}

// --- Failures, as the user sees them ------------------------------------------------------------

impl Helm {
    fn is_4(&self) -> bool {
        self.major == 4
    }

    fn install_plugin_if_4(&self) {
        if self.is_4() {
            self.install_plugin();
        }
    }

    /// `helm template` of `chart` through acr-inject, the way this Helm runs a post-renderer.
    fn post_rendered(&self, chart: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
        let executable = self.tools.path().join("acr-inject").display().to_string();
        let mut args = vec!["template".to_string(), "rel".into(), chart.display().to_string()];
        if self.is_4() {
            args.extend(["--post-renderer".into(), "acr-inject".into()]);
        } else {
            args.extend(["--post-renderer".into(), executable]);
            args.push("--post-renderer-args=--helm-post-renderer".into());
        }
        args.extend(extra.iter().map(|arg| format!("--post-renderer-args={arg}")));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run(&args, env)
    }
}

#[test]
fn a_failure_shows_acr_injects_message_under_helm_4_and_helm_3() {
    let without_password = &CREDENTIALS[..2];
    for helm in [Helm::four(), Helm::three()] {
        helm.install_plugin_if_4();
        let chart = created_chart(&helm);
        let chart = chart.path().join("web");
        for (extra, env, expected) in [
            (&[][..], without_password, "acr-inject: no password: set ACR_INJECT_PASSWORD"),
            (&["--bogus"][..], CREDENTIALS, "acr-inject: unexpected argument '--bogus'"),
        ] {
            let output = helm.post_rendered(&chart, extra, env);
            let stderr = text(&output.stderr);
            assert!(!output.status.success(), "{stderr}");
            assert!(output.stdout.is_empty(), "nothing rendered: {}", text(&output.stdout));
            assert!(stderr.contains(expected), "{:?}: {stderr}", helm.binary);
            assert_no_credential(&output);
            if helm.is_4() {
                // Helm 4 drops a plugin's stderr; the message comes through its YAML error.
                assert!(stderr.contains("node contents:"), "{stderr}");
            }
        }
    }
}

#[test]
fn run_by_hand_a_failure_is_an_ordinary_error() {
    // Outside Helm 4 (no HELM_PLUGIN_NAME), stdout stays empty and the exit status is 2.
    let mut command = acr_inject();
    command.arg("--helm-post-renderer").env("ACR_INJECT_REGISTRY", "myregistry");
    let output = command.write_stdin("kind: Pod\n").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(
        text(&output.stderr).starts_with("acr-inject: no credentials"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn an_empty_stream_from_helm_is_an_error_not_an_empty_output() {
    let mut command = acr_inject();
    command.arg("--helm-post-renderer").arg("--no-secret").env("HELM_PLUGIN_NAME", "acr-inject");
    let output = command.write_stdin("").output().unwrap();
    assert_eq!(text(&output.stdout), "\"acr-inject: Helm sent no manifests to post-render\"\n");
}

// --- Argo CD: a chart directory ------------------------------------------------------------------

/// Runs the Argo CD plugin's generate command (as `deploy/argocd/plugin.yaml` writes it) in
/// `app`, with helm 4 as the sidecar's `helm` and Argo CD's environment.
fn generate(app: &Path, helm: &Helm, env: &[(&str, &str)]) -> Output {
    let plugin: Value = yaml_serde::from_str(
        &fs::read_to_string(repository().join("deploy/argocd/plugin.yaml")).unwrap(),
    )
    .unwrap();
    let generate = &plugin["spec"]["generate"];
    let words: Vec<&str> = generate["command"]
        .as_sequence()
        .unwrap()
        .iter()
        .chain(generate["args"].as_sequence().into_iter().flatten())
        .map(|word| word.as_str().unwrap())
        .collect();
    let helm_link = helm.tools.path().join("helm");
    if !helm_link.exists() {
        std::os::unix::fs::symlink(&helm.binary, &helm_link).unwrap();
    }
    let home = |name: &str| helm.homes.path().join(name);
    Command::new(words[0])
        .args(&words[1..])
        .current_dir(app)
        .stdin(Stdio::null())
        .env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", helm.tools.path().display()))
        .env("HELM_DATA_HOME", home("data"))
        .env("HELM_CONFIG_HOME", home("config"))
        .env("HELM_CACHE_HOME", home("cache"))
        .env("ARGOCD_APP_NAME", "shop-prod")
        .env("ARGOCD_APP_NAMESPACE", "shop")
        .env("ARGOCD_APP_SOURCE_PATH", "charts/shop")
        .env("KUBE_VERSION", "1.31.4")
        .env("KUBE_API_VERSIONS", "v1,apps/v1,batch/v1,monitoring.coreos.com/v1")
        .envs(CREDENTIALS.iter().copied())
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

/// A chart application directory: a Deployment whose image and replicas come from values, and a
/// ConfigMap showing what the chart was told about the release and the cluster.
fn chart_app() -> TempDir {
    let app = TempDir::new().unwrap();
    app.child(".acr-inject.yaml").touch().unwrap();
    app.child("Chart.yaml").write_str("apiVersion: v2\nname: shop\nversion: 1.0.0\n").unwrap();
    app.child("values.yaml")
        .write_str("image: myregistry.azurecr.io/web:1\nreplicas: 1\n")
        .unwrap();
    app.child("values-prod.yaml").write_str("replicas: 3\ntier: prod\n").unwrap();
    app.child("templates/deployment.yaml")
        .write_str(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\n  namespace: \
             {{ .Release.Namespace }}\nspec:\n  replicas: {{ .Values.replicas }}\n  selector:\n    matchLabels: {app: \
             web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: \
             web\n        image: {{ .Values.image }}\n",
        )
        .unwrap();
    app.child("templates/facts.yaml")
        .write_str(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: facts\n  namespace: {{ .Release.Namespace }}\ndata:\n  \
             release: {{ .Release.Name | quote }}\n  kube: {{ .Capabilities.KubeVersion.Version | quote }}\n  \
             monitoring: {{ .Capabilities.APIVersions.Has \"monitoring.coreos.com/v1\" | quote }}\n  tier: \
             {{ .Values.tier | default \"none\" | quote }}\n  greeting: {{ .Values.greeting | default \"none\" | quote }}\n",
        )
        .unwrap();
    app
}

#[test]
fn argo_cd_renders_a_chart_as_its_helm_source_would_then_filters_it() {
    let helm = Helm::four();
    let app = chart_app();
    let parameters = r#"[{"name":"values-files","array":["values-prod.yaml"]},
        {"name":"values","string":"greeting: hello\nreplicas: 5\n"}]"#;
    let output = generate(app.path(), &helm, &[("ARGOCD_APP_PARAMETERS", parameters)]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_no_credential(&output);
    let documents = oracle_documents(&output.stdout);
    let facts = find(&documents, "ConfigMap");
    assert_eq!(str_at(facts, &["data", "release"]), Some("shop-prod"), "ARGOCD_APP_NAME");
    assert_eq!(str_at(facts, &["data", "kube"]), Some("v1.31.4"), "KUBE_VERSION");
    assert_eq!(str_at(facts, &["data", "monitoring"]), Some("true"), "KUBE_API_VERSIONS");
    assert_eq!(str_at(facts, &["data", "tier"]), Some("prod"), "the values file");
    assert_eq!(str_at(facts, &["data", "greeting"]), Some("hello"), "the inline values");
    let deployment = find(&documents, "Deployment");
    assert_eq!(get(deployment, &["spec", "replicas"]).unwrap().as_u64(), Some(5), "inline wins");
    assert_eq!(namespace(deployment).as_deref(), Some("shop"), "ARGOCD_APP_NAMESPACE");
    assert!(references(deployment, &["spec", "template", "spec"], "acr-secret"));
    let secrets = pull_secrets(&output.stdout);
    assert_eq!(secrets.len(), 1);
    assert_eq!(namespace(&secrets[0]).as_deref(), Some("shop"));

    // Only the additions to what helm renders by itself, with the same arguments.
    let inline = app.child("inline.yaml");
    inline.write_str("greeting: hello\nreplicas: 5\n").unwrap();
    let plain = Command::new(&helm.binary)
        .current_dir(app.path())
        .args(["template", "shop-prod", ".", "--include-crds", "--namespace", "shop"])
        .args(["--kube-version", "1.31.4", "--api-versions", "v1", "--api-versions", "apps/v1"])
        .args(["--api-versions", "batch/v1", "--api-versions", "monitoring.coreos.com/v1"])
        .args(["--values", "values-prod.yaml", "--values", "inline.yaml"])
        .env("HELM_DATA_HOME", helm.homes.path().join("data"))
        .env("HELM_CONFIG_HOME", helm.homes.path().join("config"))
        .env("HELM_CACHE_HOME", helm.homes.path().join("cache"))
        .output()
        .unwrap();
    assert!(plain.status.success(), "{}", text(&plain.stderr));
    assert_only_insertions(&plain.stdout, &output.stdout);
    assert_oracle_sees_only_the_injection(&plain.stdout, &output.stdout, "acr-secret");
}

#[test]
fn the_release_name_parameter_overrides_the_application_name() {
    let helm = Helm::four();
    let output = generate(chart_app().path(), &helm, &[("PARAM_RELEASE_NAME", "web")]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let documents = oracle_documents(&output.stdout);
    assert_eq!(str_at(find(&documents, "ConfigMap"), &["data", "release"]), Some("web"));
}

#[test]
fn a_values_file_outside_the_application_directory_is_refused_without_reading_it() {
    let helm = Helm::four();
    let outside = TempDir::new().unwrap();
    outside.child("secret.yaml").write_str("stolen: SIDECAR-SECRET-CONTENT\n").unwrap();
    let app = chart_app();
    std::os::unix::fs::symlink(outside.path().join("secret.yaml"), app.path().join("link.yaml"))
        .unwrap();
    let absolute = outside.path().join("secret.yaml").display().to_string();
    let refused = |path: &str, expected: &str| {
        let parameters = format!(
            r#"[{{"name":"values-files","array":[{}]}}]"#,
            serde_json::to_string(path).unwrap()
        );
        let output = generate(app.path(), &helm, &[("ARGOCD_APP_PARAMETERS", &parameters)]);
        let stderr = text(&output.stderr);
        assert!(!output.status.success(), "{path}: {stderr}");
        assert!(output.stdout.is_empty());
        assert!(stderr.contains(expected), "{path}: {stderr}");
        assert!(!stderr.contains("SIDECAR-SECRET-CONTENT"), "{stderr}");
    };
    // The link itself is refused before helm runs, whatever the values files.
    for path in ["../secret.yaml", absolute.as_str(), "link.yaml", "values.yaml"] {
        refused(path, "link.yaml: a symlink that leads out of the application directory");
    }
    fs::remove_file(app.path().join("link.yaml")).unwrap();
    for path in ["../secret.yaml", absolute.as_str(), "missing.yaml"] {
        refused(path, "values files must be inside the application directory");
    }
}

#[test]
fn a_chart_whose_dependencies_are_not_vendored_says_to_vendor_them() {
    let helm = Helm::four();
    let app = chart_app();
    app.child("Chart.yaml")
        .write_str(
            "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n- name: redis\n  version: 1.0.0\n  \
             repository: https://charts.example.com\n",
        )
        .unwrap();
    let output = generate(app.path(), &helm, &[]);
    let stderr = text(&output.stderr);
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(stderr.contains("`helm template` failed"), "{stderr}");
    assert!(stderr.contains("run `helm dependency build` and commit charts/"), "{stderr}");
}

#[test]
fn a_missing_helm_is_named() {
    let helm = Helm::four();
    let output = generate(chart_app().path(), &helm, &[("ACR_INJECT_HELM", "/nonexistent/helm")]);
    assert!(!output.status.success());
    assert!(
        text(&output.stderr).contains("`/nonexistent/helm` not found"),
        "{}",
        text(&output.stderr)
    );
}

/// kubectl's kustomize behind a `kustomize build` wrapper, as in tests/argocd.rs.
fn kustomize_wrapper(dir: &Path) {
    let kubectl = std::env::var_os("KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| repository().join("target/tools/kubectl"));
    assert!(
        kubectl.exists(),
        "kubectl is missing: run scripts/install-kubectl (scripts/test does)"
    );
    let wrapper = format!(
        "#!/bin/sh\n[ \"$1\" = build ] || exit 2\nshift\nexec '{}' kustomize \"$@\"\n",
        kubectl.display()
    );
    let path = dir.join("kustomize");
    fs::write(&path, wrapper).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_kustomization_with_helm_charts_is_built_with_the_same_helm() {
    // kustomize 5.7 asks `helm version -c`, which Helm 4 dropped: Helm 3 here.
    let helm = Helm::three();
    kustomize_wrapper(helm.tools.path());
    let app = TempDir::new().unwrap();
    app.child(".acr-inject.yaml").touch().unwrap();
    let chart = chart_app();
    app.child("charts/shop")
        .copy_from(chart.path(), &["Chart.yaml", "values.yaml", "templates/*"])
        .unwrap();
    app.child("kustomization.yaml")
        .write_str("helmCharts:\n- name: shop\n  releaseName: shop-prod\n  namespace: shop\n")
        .unwrap();
    let output = generate(app.path(), &helm, &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let documents = oracle_documents(&output.stdout);
    assert!(references(
        find(&documents, "Deployment"),
        &["spec", "template", "spec"],
        "acr-secret"
    ));
    assert_eq!(pull_secrets(&output.stdout).len(), 1);
}
