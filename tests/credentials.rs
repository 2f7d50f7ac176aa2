//! Credential hygiene: every output mode and error path is driven with recognisable passwords
//! (the kit's, and one with characters that JSON escapes), and no form of them (the password,
//! JSON-escaped, inside base64, the plain Secret's base64 texts: the kit's
//! `credential_forms_of`) appears anywhere but in the intended Secret's value: not on stderr,
//! not elsewhere on stdout, not in any file of the workspace, not in the temporary directory
//! (`TMPDIR`) each run is given inside it. The real peers run too (Helm 4 and 3, kubectl's
//! kustomize, age), found as their own tests find them, with their homes in the workspace.
//!
//! Every search is shown able to fail: the pull Secret of a run does hold the password in a
//! form the search recognises, and the sweep of a workspace finds a planted leak.

mod common;

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use acr_inject_testkit::oracle::{get, str_at, try_oracle_documents};
use acr_inject_testkit::{
    PASSWORD, USERNAME, credential_forms, credential_forms_of, credentials_with_password,
    password_forms,
};
use assert_fs::TempDir;
use assert_fs::fixture::ChildPath;
use assert_fs::prelude::*;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use common::fixtures_dir;
use yaml_serde::Value;

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: myregistry.azurecr.io/web:1\n";

/// A Pod whose `imagePullSecrets` are plain strings, which the filter refuses.
const STRINGS_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: spark\nspec:\n  imagePullSecrets: [regcred]\n  containers:\n  - name: spark\n    image: myregistry.azurecr.io/spark:1\n";

/// A second password, which JSON and YAML's double quotes spell otherwise (`Pa\"ss\\w0rd`).
const ESCAPED_PASSWORD: &str = "Pa\"ss\\w0rd-LEAK-CANARY2";

// --- What a leak looks like ----------------------------------------------------------------------

/// A password the runs are given, and the texts that would give it away.
struct Canary {
    password: &'static str,
    forms: Vec<String>,
}

/// The kit's password and forms, and the second password's.
fn canaries() -> [Canary; 2] {
    [
        Canary { password: PASSWORD, forms: credential_forms() },
        Canary {
            password: ESCAPED_PASSWORD,
            forms: credential_forms_of(&credentials_with_password(ESCAPED_PASSWORD)),
        },
    ]
}

impl Canary {
    /// A CI job's or the sidecar's environment: credentials for `myregistry`.
    fn env(&self) -> [(&'static str, &'static str); 3] {
        [
            ("ACR_INJECT_REGISTRY", "myregistry"),
            ("ACR_INJECT_USERNAME", USERNAME),
            ("ACR_INJECT_PASSWORD", self.password),
        ]
    }

    fn found_in(&self, bytes: &[u8]) -> Option<&str> {
        self.forms.iter().map(String::as_str).find(|form| contains(bytes, form.as_bytes()))
    }

    fn assert_absent(&self, what: &str, bytes: &[u8]) {
        if let Some(form) = self.found_in(bytes) {
            panic!("{what} holds a credential ({form}): {}", lossy(bytes));
        }
    }

    /// The positive control: `bytes` do hold this password, in a form the search recognises.
    fn assert_present(&self, what: &str, bytes: &[u8]) {
        let found =
            password_forms(self.password).iter().any(|form| contains(bytes, form.as_bytes()));
        assert!(found, "{what}: the search would not find {:?} in {}", self.password, lossy(bytes));
    }

    /// Asserts that `output` shows the password nowhere: neither stream.
    fn assert_output_clean(&self, what: &str, output: &Output) {
        self.assert_absent(&format!("{what}: stdout"), &output.stdout);
        self.assert_absent(&format!("{what}: stderr"), &output.stderr);
    }

    /// Asserts that `output` shows the password only as the value of its `expected` pull
    /// Secrets' `.dockerconfigjson` (each of which must hold it), and not on stderr.
    fn assert_only_in_pull_secrets(&self, what: &str, output: &Output, expected: usize) {
        let (rest, found) = self.outside_pull_secrets(what, &output.stdout);
        assert_eq!(found, expected, "{what}: pull Secrets in {}", lossy(&output.stdout));
        self.assert_absent(&format!("{what}: stdout outside the pull Secrets"), rest.as_bytes());
        self.assert_absent(&format!("{what}: stderr"), &output.stderr);
    }

    /// `stdout` with the value of every pull Secret's `.dockerconfigjson` blanked out (each
    /// checked to hold the password), and how many there were. Anything but YAML is kept whole.
    fn outside_pull_secrets(&self, what: &str, stdout: &[u8]) -> (String, usize) {
        let mut values = Vec::new();
        for document in try_oracle_documents(stdout).unwrap_or_default() {
            pull_secret_values(&document, &mut values);
        }
        let mut rest = lossy(stdout).into_owned();
        for value in &values {
            self.assert_present(&format!("{what}: the pull Secret"), value.as_bytes());
            assert!(rest.contains(value.as_str()), "{what}: the value is written otherwise");
            rest = rest.replace(value.as_str(), "<the pull Secret's value>");
        }
        (rest, values.len())
    }
}

/// The `.dockerconfigjson` of every pull Secret in `value`, however deep (a ResourceList's
/// items too).
fn pull_secret_values(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Mapping(mapping) => {
            let is_pull_secret = str_at(value, &["kind"]) == Some("Secret")
                && str_at(value, &["metadata", "name"]) == Some("acr-secret");
            match str_at(value, &["data", ".dockerconfigjson"]) {
                Some(config) if is_pull_secret => found.push(config.to_string()),
                _ => mapping.values().for_each(|value| pull_secret_values(value, found)),
            }
        }
        Value::Sequence(items) => items.iter().for_each(|item| pull_secret_values(item, found)),
        Value::Tagged(tagged) => pull_secret_values(&tagged.value, found),
        _ => {}
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

// --- Where a leak could land ---------------------------------------------------------------------

/// A test's workspace: what its runs read and write, their tools' homes (`home/`), acr-inject
/// for PATH (`tools/`), and the temporary directory every run is given (`tmp/`, `TMPDIR`).
struct Workspace(TempDir);

impl Workspace {
    fn new() -> Workspace {
        let dir = TempDir::new().unwrap();
        dir.child("tmp").create_dir_all().unwrap();
        dir.child("home").create_dir_all().unwrap();
        dir.child("tools").create_dir_all().unwrap();
        let binary = assert_cmd::cargo::cargo_bin("acr-inject");
        std::os::unix::fs::symlink(binary, dir.path().join("tools/acr-inject")).unwrap();
        Workspace(dir)
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    fn child(&self, path: &str) -> ChildPath {
        self.0.child(path)
    }

    fn tmp(&self) -> PathBuf {
        self.path().join("tmp")
    }

    /// `command`, its temporary files here, with `stdin`.
    fn run(&self, mut command: Command, stdin: &[u8]) -> Output {
        command
            .env("TMPDIR", self.tmp())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().unwrap_or_else(|e| panic!("{command:?}: {e}"));
        // A run that fails early stops reading: what it did not read does not matter.
        let _ = child.stdin.take().unwrap().write_all(stdin);
        child.wait_with_output().unwrap()
    }

    /// Every file in the workspace but `allowed` (paths from the workspace) that holds a form
    /// of the canary's password, with the form.
    fn leaks(&self, canary: &Canary, allowed: &[&str]) -> Vec<(PathBuf, String)> {
        let allowed: Vec<PathBuf> = allowed.iter().map(|name| self.path().join(name)).collect();
        files(self.path())
            .into_iter()
            .filter(|path| !allowed.contains(path))
            .filter_map(|path| {
                let form = canary.found_in(&fs::read(&path).unwrap())?.to_string();
                Some((path, form))
            })
            .collect()
    }

    /// Asserts that no file in the workspace but `allowed` holds a form of the password.
    fn assert_clean(&self, what: &str, canary: &Canary, allowed: &[&str]) {
        let leaks = self.leaks(canary, allowed);
        assert!(leaks.is_empty(), "{what}: files hold a credential: {leaks:?}");
    }

    /// Asserts that nothing is left in the temporary directory (acr-inject cleans up).
    fn assert_no_temporary_file(&self, what: &str) {
        let left: Vec<_> = fs::read_dir(self.tmp()).unwrap().map(|e| e.unwrap().path()).collect();
        assert!(left.is_empty(), "{what}: left in TMPDIR: {left:?}");
    }
}

/// Every file under `dir`, hidden ones included; links (to the binaries) are not followed.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let (path, kind) = (entry.path(), entry.file_type().unwrap());
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() {
                files.push(path);
            }
        }
    }
    files
}

/// acr-inject with a clean environment (PATH only): no credential of the caller's leaks in.
fn acr_inject() -> Command {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("acr-inject"));
    command.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command
}

/// acr-inject with the canary's credentials in the environment.
fn acr_inject_with(canary: &Canary) -> Command {
    let mut command = acr_inject();
    command.envs(canary.env());
    command
}

#[test]
fn the_sweep_finds_a_planted_leak_in_any_form_and_any_file() {
    for canary in canaries() {
        let workspace = Workspace::new();
        workspace.assert_clean("a fresh workspace", &canary, &[]);
        let config = STANDARD.encode(format!(r#"{{"password":"{}"}}"#, json(canary.password)));
        for (path, content) in [
            ("tmp/deep/.hidden", canary.password.to_string()),
            ("home/cache/config", format!("x{config}y")),
            ("app/values.yaml", format!("value: \"{}\"\n", json(canary.password))),
            ("app/auth", STANDARD.encode(format!("ab{USERNAME}:{}", canary.password))),
        ] {
            workspace.child(path).write_str(&content).unwrap();
            let leaks = workspace.leaks(&canary, &[]);
            assert_eq!(leaks.len(), 1, "{path}: {leaks:?}");
            assert!(workspace.leaks(&canary, &[path]).is_empty());
            fs::remove_file(workspace.child(path).path()).unwrap();
        }
        assert!(canary.found_in(config.as_bytes()).is_some(), "on stdout, it is found too");
    }
}

/// `text` as a JSON string's content, escaped independently of the code under test.
fn json(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap();
    quoted[1..quoted.len() - 1].to_string()
}

// --- Printing, checking, writing, sealing --------------------------------------------------------

/// A repository with a workload, a broken file in a separate directory, and a password file.
fn repository(workspace: &Workspace, canary: &Canary) {
    workspace.child("k8s/app.yaml").write_str(DEPLOYMENT).unwrap();
    workspace.child("broken/bad.yaml").write_str("kind: Pod\nspec: {containers: [\n").unwrap();
    workspace.child("strings/spark.yaml").write_str(STRINGS_POD).unwrap();
    workspace.child("pw.txt").write_str(&format!("{}\n", canary.password)).unwrap();
}

#[test]
fn no_output_mode_or_error_path_shows_the_password_elsewhere() {
    let cert = fixtures_dir().join("seal/cert.pem").display().to_string();
    let expired = fixtures_dir().join("seal/expired-cert.pem").display().to_string();
    // (arguments, stdin, files the run may legitimately have written the Secret to)
    let runs: Vec<(Vec<&str>, &str, Vec<&str>)> = vec![
        (vec![], DEPLOYMENT, vec![]),
        (vec!["--stream"], DEPLOYMENT, vec![]),
        (vec!["k8s"], "", vec![]),
        (vec!["--check", "k8s", "--secret-file", "s.yaml", "--allow-plaintext-secret"], "", vec![]),
        (
            vec!["--write", "k8s", "--secret-file", "s.yaml", "--allow-plaintext-secret"],
            "",
            vec!["s.yaml"],
        ),
        (
            vec!["--check", "k8s", "--secret-file", "s.yaml", "--allow-plaintext-secret"],
            "",
            vec!["s.yaml"],
        ),
        (vec!["-o", "rendered.yaml"], DEPLOYMENT, vec!["rendered.yaml", "s.yaml"]),
        (vec!["--seal-cert", &cert], DEPLOYMENT, vec!["rendered.yaml", "s.yaml"]),
        (
            vec!["--seal-cert", &cert, "--check", "k8s", "--secret-file", "sealed.yaml"],
            "",
            vec!["rendered.yaml", "s.yaml"],
        ),
        // Error paths.
        (vec!["broken"], "", vec!["rendered.yaml", "s.yaml"]),
        (
            vec![
                "--write",
                "broken",
                "k8s",
                "--secret-file",
                "s2.yaml",
                "--allow-plaintext-secret",
            ],
            "",
            vec!["rendered.yaml", "s.yaml"],
        ),
        (vec!["strings"], "", vec!["rendered.yaml", "s.yaml"]),
        (vec!["--write", "k8s"], "", vec!["rendered.yaml", "s.yaml"]),
        (vec!["--write", "k8s", "--secret-file", "s3.yaml"], "", vec!["rendered.yaml", "s.yaml"]),
        (vec!["--seal-cert", &expired], DEPLOYMENT, vec!["rendered.yaml", "s.yaml"]),
        (
            vec!["--seal-cert", &cert],
            "apiVersion: v1\nkind: Pod\nspec: {containers: []}\n",
            vec!["rendered.yaml", "s.yaml"],
        ),
        (vec!["--registry", "https://bad"], DEPLOYMENT, vec!["rendered.yaml", "s.yaml"]),
        (vec!["--username", "a:b"], DEPLOYMENT, vec!["rendered.yaml", "s.yaml"]),
        (vec![], "", vec!["rendered.yaml", "s.yaml"]),
        (vec!["--help"], "", vec!["rendered.yaml", "s.yaml"]),
    ];
    for canary in canaries() {
        let workspace = Workspace::new();
        repository(&workspace, &canary);
        for (args, stdin, allowed) in &runs {
            let mut command = acr_inject_with(&canary);
            command.current_dir(workspace.path()).args(args);
            let output = workspace.run(command, stdin.as_bytes());
            let what = format!("{args:?}");
            let (rest, _) = canary.outside_pull_secrets(&what, &output.stdout);
            canary.assert_absent(
                &format!("{what}: stdout outside the pull Secrets"),
                rest.as_bytes(),
            );
            canary.assert_absent(&format!("{what}: stderr"), &output.stderr);
            let allowed = [&allowed[..], &["pw.txt"]].concat();
            workspace.assert_clean(&what, &canary, &allowed);
            workspace.assert_no_temporary_file(&what);
        }
        // The search would find a leak: the intended Secret and its file do hold the password.
        let printed = workspace.run(acr_inject_with(&canary), DEPLOYMENT.as_bytes());
        canary.assert_only_in_pull_secrets("printed", &printed, 1);
        canary.assert_present("s.yaml", &fs::read(workspace.child("s.yaml").path()).unwrap());
        canary
            .assert_present("rendered.yaml", &fs::read(workspace.child("rendered.yaml")).unwrap());
        // A password from a file behaves the same.
        let mut from_file = acr_inject();
        from_file.current_dir(workspace.path()).args([
            "-r",
            "myregistry",
            "-u",
            USERNAME,
            "--password-file",
            "pw.txt",
            "broken",
        ]);
        let output = workspace.run(from_file, b"");
        assert_eq!(output.status.code(), Some(2));
        canary.assert_output_clean("--password-file error", &output);
    }
}

#[test]
fn the_argocd_mode_never_shows_the_password_on_stderr() {
    for canary in canaries() {
        let workspace = Workspace::new();
        let app = workspace.child("app");
        app.child(".acr-inject.yaml").touch().unwrap();
        app.child("app.yaml").write_str(DEPLOYMENT).unwrap();
        app.child("bad.yaml").write_str("kind: Pod\nspec: [\n").unwrap();
        let mut command = acr_inject_with(&canary);
        command.current_dir(app.path()).arg("--argocd");
        let output = workspace.run(command, b"");
        assert_eq!(output.status.code(), Some(2));
        assert!(output.stdout.is_empty());
        canary.assert_output_clean("argocd", &output);
        workspace.assert_clean("argocd", &canary, &[]);
        workspace.assert_no_temporary_file("argocd");
    }
}

// --- Helm post-rendering -------------------------------------------------------------------------

/// A peer: from `variable`, else where `scripts/SCRIPT` puts it (scripts/test runs them), as
/// the peer's own tests find it. Missing, the test fails: it never skips.
fn peer(variable: &str, file: &str, script: &str) -> PathBuf {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tools").join(file));
    assert!(path.exists(), "{file} is missing: run scripts/{script} (scripts/test does)");
    path
}

/// One Helm version, its homes in the workspace (`home/`) and acr-inject on PATH.
struct Helm {
    binary: PathBuf,
    /// 4 or 3.
    major: u8,
}

impl Helm {
    fn four() -> Helm {
        Helm { binary: peer("HELM4", "helm4", "install-helm"), major: 4 }
    }

    fn three() -> Helm {
        Helm { binary: peer("HELM3", "helm3", "install-helm"), major: 3 }
    }

    /// `helm ARGS` in `workspace` with a clean environment: its homes, PATH and `env`.
    fn run(&self, workspace: &Workspace, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(&self.binary);
        helm_environment(&mut command, workspace);
        command.args(args).envs(env.iter().copied());
        workspace.run(command, b"")
    }

    /// A workspace with the chart of a Deployment (`chart/`) and one Helm 4 has the plugin
    /// of `deploy/helm` installed in.
    fn workspace(&self) -> Workspace {
        let workspace = Workspace::new();
        chart(&workspace.child("chart"), DEPLOYMENT);
        chart(&workspace.child("strings-chart"), STRINGS_POD);
        if self.major == 4 {
            let plugin = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/helm");
            let installed =
                self.run(&workspace, &["plugin", "install", plugin.to_str().unwrap()], &[]);
            assert!(installed.status.success(), "{}", lossy(&installed.stderr));
        }
        workspace
    }

    /// `helm template` of `chart` through acr-inject, as this Helm runs a post-renderer, with
    /// `extra` for acr-inject.
    fn post_render(
        &self,
        workspace: &Workspace,
        chart: &str,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Output {
        let chart = workspace.path().join(chart).display().to_string();
        let executable = workspace.path().join("tools/acr-inject").display().to_string();
        let mut args = vec!["template".to_string(), "rel".into(), chart, "--post-renderer".into()];
        if self.major == 4 {
            args.push("acr-inject".into());
        } else {
            args.extend([executable, "--post-renderer-args=--helm-post-renderer".into()]);
        }
        args.extend(extra.iter().map(|arg| format!("--post-renderer-args={arg}")));
        self.run(workspace, &args.iter().map(String::as_str).collect::<Vec<_>>(), env)
    }
}

/// Helm's homes in the workspace, and PATH with acr-inject (and helm, for Argo CD) first.
fn helm_environment(command: &mut Command, workspace: &Workspace) {
    let home = workspace.path().join("home");
    command
        .env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", workspace.path().join("tools").display()))
        .env("HOME", &home)
        .env("HELM_DATA_HOME", home.join("data"))
        .env("HELM_CONFIG_HOME", home.join("config"))
        .env("HELM_CACHE_HOME", home.join("cache"));
}

/// A chart in `dir` whose one template is `template`.
fn chart(dir: &ChildPath, template: &str) {
    dir.child("Chart.yaml").write_str("apiVersion: v2\nname: shop\nversion: 1.0.0\n").unwrap();
    dir.child("templates/workload.yaml").write_str(template).unwrap();
}

fn helm_post_renders_with_the_password_only_in_the_pull_secret(helm: &Helm) {
    for canary in canaries() {
        let workspace = helm.workspace();
        let output = helm.post_render(&workspace, "chart", &[], &canary.env());
        let what = format!("helm {}", helm.major);
        assert!(output.status.success(), "{what}: {}", lossy(&output.stderr));
        canary.assert_only_in_pull_secrets(&what, &output, 1);
        workspace.assert_clean(&what, &canary, &[]);
    }
}

fn helm_post_rendering_failures_show_no_credential(helm: &Helm) {
    for canary in canaries() {
        let workspace = helm.workspace();
        let env = canary.env();
        for (chart, extra, env, expected) in [
            ("strings-chart", &[][..], &env[..], "holds plain strings here"),
            ("chart", &[], &env[..2], "acr-inject: no password: set ACR_INJECT_PASSWORD"),
            ("chart", &["--bogus"], &env[..], "acr-inject: unexpected argument '--bogus'"),
        ] {
            let output = helm.post_render(&workspace, chart, extra, env);
            let what = format!("helm {} {chart} {extra:?}", helm.major);
            assert!(!output.status.success(), "{what}: {}", lossy(&output.stdout));
            // acr-inject ran, with the password in its environment, and failed as intended.
            assert!(lossy(&output.stderr).contains(expected), "{what}: {}", lossy(&output.stderr));
            canary.assert_output_clean(&what, &output);
            workspace.assert_clean(&what, &canary, &[]);
        }
    }
}

#[test]
fn helm_4_post_rendering_shows_the_password_only_in_the_pull_secret() {
    helm_post_renders_with_the_password_only_in_the_pull_secret(&Helm::four());
}

#[test]
fn helm_4_post_rendering_failures_show_no_credential_in_helms_output_homes_or_tmpdir() {
    helm_post_rendering_failures_show_no_credential(&Helm::four());
}

#[test]
fn helm_3_post_rendering_shows_the_password_only_in_the_pull_secret() {
    helm_post_renders_with_the_password_only_in_the_pull_secret(&Helm::three());
}

#[test]
fn helm_3_post_rendering_failures_show_no_credential_in_helms_output_homes_or_tmpdir() {
    helm_post_rendering_failures_show_no_credential(&Helm::three());
}

// --- Argo CD ---------------------------------------------------------------------------------------

/// A workspace for Argo CD's chart mode: helm 4 on PATH as `helm`, and a chart application
/// directory (`app/`) whose values and inline values (a temporary file) are used.
fn argocd_workspace() -> Workspace {
    let workspace = Workspace::new();
    let helm = peer("HELM4", "helm4", "install-helm");
    std::os::unix::fs::symlink(helm, workspace.path().join("tools/helm")).unwrap();
    let app = workspace.child("app");
    app.child(".acr-inject.yaml").touch().unwrap();
    chart(&app, VALUES_TEMPLATE);
    app.child("values.yaml")
        .write_str("image: myregistry.azurecr.io/web:1\nreplicas: 1\n")
        .unwrap();
    app.child("values-prod.yaml").write_str("replicas: 3\n").unwrap();
    workspace.child("outside.yaml").write_str("replicas: 9\n").unwrap();
    workspace
}

/// `acr-inject --argocd` in the application directory, as the sidecar runs it.
fn argocd(workspace: &Workspace, env: &[(&str, &str)]) -> Output {
    let mut command = acr_inject();
    helm_environment(&mut command, workspace);
    command
        .arg("--argocd")
        .current_dir(workspace.path().join("app"))
        .env("ARGOCD_APP_NAME", "shop-prod")
        .env("ARGOCD_APP_NAMESPACE", "shop")
        .envs(env.iter().copied());
    workspace.run(command, b"")
}

/// A Deployment whose image and replicas come from the values.
const VALUES_TEMPLATE: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {{ .Values.replicas }}\n  template:\n    spec:\n      containers:\n      - name: web\n        image: {{ .Values.image }}\n";

/// The values files and inline values (which acr-inject hands helm as a temporary file).
const VALUES: &str = r#"[{"name":"values-files","array":["values-prod.yaml"]},{"name":"values","string":"replicas: 5\n"}]"#;

#[test]
fn argo_cd_chart_mode_shows_the_password_only_in_the_pull_secret() {
    for canary in canaries() {
        let workspace = argocd_workspace();
        let env = [&canary.env()[..], &[("ARGOCD_APP_PARAMETERS", VALUES)]].concat();
        let output = argocd(&workspace, &env);
        assert!(output.status.success(), "{}", lossy(&output.stderr));
        assert!(lossy(&output.stdout).contains("replicas: 5"), "the inline values were used");
        canary.assert_only_in_pull_secrets("argocd chart", &output, 1);
        workspace.assert_clean("argocd chart", &canary, &[]);
        workspace.assert_no_temporary_file("argocd chart: the inline values");
    }
}

#[test]
fn argo_cd_chart_mode_failures_show_no_credential() {
    let outside = r#"[{"name":"values-files","array":["../outside.yaml"]}]"#;
    for canary in canaries() {
        let workspace = argocd_workspace();
        let with = |extra: (&'static str, &'static str)| [&canary.env()[..], &[extra]].concat();
        let broken = "templates/broken.yaml";
        let strings = "templates/spark.yaml";
        for (file, text, env, expected) in [
            ("", "", with(("ARGOCD_APP_PARAMETERS", outside)), "must be inside the application"),
            (
                broken,
                "{{ .Values.image | nosuchfunction }}\n",
                canary.env().to_vec(),
                "`helm template` failed",
            ),
            (strings, STRINGS_POD, canary.env().to_vec(), "holds plain strings here"),
            ("", "", canary.env()[..2].to_vec(), "no password"),
            (
                "",
                "",
                with(("ACR_INJECT_HELM", "/nonexistent/helm")),
                "`/nonexistent/helm` not found",
            ),
        ] {
            let app = workspace.child("app");
            if !file.is_empty() {
                app.child(file).write_str(text).unwrap();
            }
            let output = argocd(&workspace, &env);
            let what = format!("argocd chart: {expected}");
            assert_eq!(output.status.code(), Some(2), "{what}: {}", lossy(&output.stderr));
            assert!(output.stdout.is_empty(), "{what}: {}", lossy(&output.stdout));
            assert!(lossy(&output.stderr).contains(expected), "{what}: {}", lossy(&output.stderr));
            canary.assert_output_clean(&what, &output);
            workspace.assert_clean(&what, &canary, &[]);
            workspace.assert_no_temporary_file(&what);
            if !file.is_empty() {
                fs::remove_file(app.child(file).path()).unwrap();
            }
        }
    }
}

// --- kustomize: the exec plugin and the KRM function ----------------------------------------------

/// The transformer config, with these `spec` lines.
fn acr_yaml(spec: &str) -> String {
    format!(
        "apiVersion: acr-inject.dev/v1alpha1\nkind: AcrInject\nmetadata:\n  name: acr\nspec:\n{spec}"
    )
}

/// A workspace with the plugin home (`plugins/`, the binary linked as the README says) and a
/// kustomization in `app/` of `resource` and a transformer of `spec`.
fn kustomize_workspace(resource: &str, spec: &str) -> Workspace {
    let workspace = Workspace::new();
    let plugin = workspace.child("plugins/acr-inject.dev/v1alpha1/acrinject");
    plugin.create_dir_all().unwrap();
    let binary = assert_cmd::cargo::cargo_bin("acr-inject");
    std::os::unix::fs::symlink(binary, plugin.child("AcrInject").path()).unwrap();
    let app = workspace.child("app");
    app.child("kustomization.yaml")
        .write_str("resources: [workload.yaml]\ntransformers: [acr.yaml]\n")
        .unwrap();
    app.child("workload.yaml").write_str(resource).unwrap();
    app.child("acr.yaml").write_str(&acr_yaml(spec)).unwrap();
    workspace
}

/// `kubectl kustomize --enable-alpha-plugins app`, with the plugin home and `env` (and nothing
/// else of the caller's).
fn kustomize(workspace: &Workspace, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(peer("KUBECTL", "kubectl", "install-kubectl"));
    command
        .args(["kustomize", "--enable-alpha-plugins"])
        .arg(workspace.path().join("app"))
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", workspace.path().join("home"))
        .env("KUSTOMIZE_PLUGIN_HOME", workspace.path().join("plugins"))
        .envs(env.iter().copied());
    workspace.run(command, b"")
}

/// kustomize's environment: the credentials, the registry coming from the config.
fn kustomize_env(canary: &Canary) -> [(&'static str, &'static str); 2] {
    [("ACR_INJECT_USERNAME", USERNAME), ("ACR_INJECT_PASSWORD", canary.password)]
}

#[test]
fn the_kustomize_exec_plugin_shows_the_password_only_in_the_pull_secret() {
    for canary in canaries() {
        let workspace = kustomize_workspace(DEPLOYMENT, "  registry: myregistry\n");
        let output = kustomize(&workspace, &kustomize_env(&canary));
        assert!(output.status.success(), "{}", lossy(&output.stderr));
        canary.assert_only_in_pull_secrets("kustomize", &output, 1);
        workspace.assert_clean("kustomize", &canary, &[]);
        workspace.assert_no_temporary_file("kustomize");
    }
}

#[test]
fn kustomize_exec_plugin_failures_show_no_credential() {
    for canary in canaries() {
        let env = kustomize_env(&canary);
        for (resource, spec, env, expected) in [
            (STRINGS_POD, "  registry: myregistry\n", &env[..], "holds plain strings here"),
            (DEPLOYMENT, "  registry: myregistry\n  secretNam: x\n", &env[..], "unknown field"),
            (DEPLOYMENT, "  registry: myregistry\n", &env[..1], "no password"),
        ] {
            let workspace = kustomize_workspace(resource, spec);
            let output = kustomize(&workspace, env);
            let what = format!("kustomize: {expected}");
            assert!(!output.status.success(), "{what}: {}", lossy(&output.stdout));
            assert!(output.stdout.is_empty(), "{what}: {}", lossy(&output.stdout));
            assert!(lossy(&output.stderr).contains(expected), "{what}: {}", lossy(&output.stderr));
            canary.assert_output_clean(&what, &output);
            // kustomize leaves its copy of the config in TMPDIR when a plugin fails: it holds
            // no credential either.
            workspace.assert_clean(&what, &canary, &[]);
        }
    }
}

/// A ResourceList of `items` (YAML block sequence items) for an AcrInject config of `spec`.
fn resource_list(items: &str, spec: &str) -> String {
    let config = acr_yaml(spec).replace('\n', "\n  ");
    format!(
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n{items}functionConfig:\n  {}\n",
        config.trim_end()
    )
}

/// `document` as an item of a ResourceList's `items`.
fn item(document: &str) -> String {
    let mut item = String::new();
    for (i, line) in document.lines().enumerate() {
        item.push_str(if i == 0 { "- " } else { "  " });
        item.push_str(line);
        item.push('\n');
    }
    item
}

/// `acr-inject --krm` on `input`, as kustomize or kpt runs it, in `env`.
fn krm(workspace: &Workspace, input: &str, env: &[(&str, &str)]) -> Output {
    let mut command = acr_inject();
    command.current_dir(workspace.path()).arg("--krm").envs(env.iter().copied());
    workspace.run(command, input.as_bytes())
}

#[test]
fn the_krm_function_shows_the_password_only_in_the_pull_secret() {
    for canary in canaries() {
        let workspace = Workspace::new();
        let input = resource_list(&item(DEPLOYMENT), "  registry: myregistry\n");
        let output = krm(&workspace, &input, &kustomize_env(&canary));
        assert!(output.status.success(), "{}", lossy(&output.stderr));
        canary.assert_only_in_pull_secrets("krm", &output, 1);
        workspace.assert_clean("krm", &canary, &[]);
        workspace.assert_no_temporary_file("krm");
    }
}

#[test]
fn krm_function_failures_carry_no_credential_in_their_results() {
    for canary in canaries() {
        let workspace = Workspace::new();
        let env = kustomize_env(&canary);
        let registry = "  registry: myregistry\n";
        let unknown = format!("{registry}  secretNam: x\n");
        let in_config = format!("{registry}  password: '{}'\n", canary.password);
        let items = format!("{}{}", item(DEPLOYMENT), item(STRINGS_POD));
        for (input, env, expected) in [
            (resource_list(&items, registry), &env[..], "holds plain strings here"),
            (resource_list(&item(DEPLOYMENT), &unknown), &env[..], "unknown field"),
            (resource_list(&item(DEPLOYMENT), &in_config), &env[..], "credentials never go in"),
            (resource_list(&item(DEPLOYMENT), registry), &env[..1], "no password"),
            (format!("{DEPLOYMENT}---\n{DEPLOYMENT}"), &env[..], "expected one ResourceList"),
        ] {
            let output = krm(&workspace, &input, env);
            let what = format!("krm: {expected}");
            assert_eq!(output.status.code(), Some(2), "{what}: {}", lossy(&output.stderr));
            // The failure is a ResourceList whose results carry the message.
            let list = &try_oracle_documents(&output.stdout).expect("a ResourceList")[0];
            assert_eq!(str_at(list, &["kind"]), Some("ResourceList"), "{what}");
            let message = str_at(&get(list, &["results"]).unwrap()[0], &["message"]).unwrap();
            assert!(message.contains(expected), "{what}: {message}");
            canary.assert_output_clean(&what, &output);
            workspace.assert_clean(&what, &canary, &[]);
            workspace.assert_no_temporary_file(&what);
        }
    }
}

// --- SOPS ------------------------------------------------------------------------------------------

/// A Deployment in `shop` and a Job that names no namespace: two pull Secrets.
const WORKLOADS: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: myregistry.azurecr.io/web:1\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      containers:\n      - name: migrate\n        image: myregistry.azurecr.io/migrate:1\n";

/// The recipient of the fixture's test key.
fn fixture_recipient() -> String {
    let key = fs::read_to_string(fixture_key()).unwrap();
    key.lines().find_map(|line| line.strip_prefix("# public key: ")).unwrap().to_string()
}

fn fixture_key() -> PathBuf {
    fixtures_dir().join("sops/age-test-key.txt")
}

/// The data key of one SOPS document, from its first age stanza, opened by the real age.
fn data_key(document: &Value) -> Vec<u8> {
    let enc = str_at(&get(document, &["sops", "age"]).expect("age stanzas")[0], &["enc"]).unwrap();
    let mut age = Command::new("age");
    age.arg("-d").arg("-i").arg(fixture_key()).stdin(Stdio::piped()).stdout(Stdio::piped());
    let mut child = age.spawn().expect("age runs: scripts/test installs it (Debian's age)");
    child.stdin.take().unwrap().write_all(enc.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "age -d: {}", lossy(&output.stderr));
    assert_eq!(output.stdout.len(), 32, "a 32-byte data key");
    output.stdout
}

/// The plaintext of a string value sops encrypted under `key` at `aad` (AES-256-GCM, 32-byte
/// IV, tag apart): shows that `key` is the document's data key.
fn open_value(key: &[u8], value: &str, aad: &str) -> Vec<u8> {
    use aes_gcm::aead::consts::U32;
    use aes_gcm::aead::{Aead as _, KeyInit as _, Payload};
    use aes_gcm::{AesGcm, Nonce, aes::Aes256};
    let inner = value.strip_prefix("ENC[AES256_GCM,").and_then(|v| v.strip_suffix(']')).unwrap();
    let field = |name: &str| {
        let part = inner.split(',').find_map(|part| part.strip_prefix(&format!("{name}:")));
        STANDARD.decode(part.unwrap()).unwrap()
    };
    let (mut sealed, iv) = (field("data"), field("iv"));
    sealed.extend(field("tag"));
    let cipher = AesGcm::<Aes256, U32>::new_from_slice(key).unwrap();
    let nonce = Nonce::<U32>::try_from(iv.as_slice()).unwrap();
    cipher.decrypt(&nonce, Payload { msg: &sealed, aad: aad.as_bytes() }).expect("the data key")
}

/// How a data key could be written: its bytes, hex, base64.
fn key_forms(key: &[u8]) -> Vec<Vec<u8>> {
    let hex: String = key.iter().map(|byte| format!("{byte:02x}")).collect();
    vec![
        key.to_vec(),
        hex.clone().into_bytes(),
        hex.to_uppercase().into_bytes(),
        STANDARD_NO_PAD.encode(key).into_bytes(),
        URL_SAFE_NO_PAD.encode(key).into_bytes(),
    ]
}

/// The SOPS documents of `stream`: their data keys, each checked to open the
/// `.dockerconfigjson` to the plain value (which holds the password: the positive control).
fn data_keys(canary: &Canary, what: &str, stream: &[u8]) -> Vec<Vec<u8>> {
    let documents = try_oracle_documents(stream).expect("YAML");
    let sops: Vec<&Value> = documents.iter().filter(|d| get(d, &["sops"]).is_some()).collect();
    sops.iter()
        .map(|document| {
            let key = data_key(document);
            let value = str_at(document, &["data", ".dockerconfigjson"]).unwrap();
            let plain = open_value(&key, value, "data:.dockerconfigjson:");
            canary.assert_present(&format!("{what}: the decrypted value"), &plain);
            key
        })
        .collect()
}

#[test]
fn sops_output_holds_no_credential_form_nor_its_data_key() {
    let recipient = fixture_recipient();
    let sops_yaml =
        format!("creation_rules:\n  - path_regex: ^k8s/.*\\.yaml$\n    age: {recipient}\n");
    for canary in canaries() {
        let workspace = Workspace::new();
        for dir in ["flag", "config", "switch"] {
            workspace.child(&format!("{dir}/k8s/app.yaml")).write_str(WORKLOADS).unwrap();
        }
        workspace.child("config/.sops.yaml").write_str(&sops_yaml).unwrap();
        let age = ["--sops-age", recipient.as_str()];
        let write = ["--namespace", "default", "--secret-file", "k8s/pull-secret.yaml", "k8s"];
        // (directory, arguments, stdin, files that may hold the credentials during the run)
        let plain = ["--write", "--allow-plaintext-secret"];
        let runs: Vec<(&str, Vec<&str>, &str, Vec<&str>)> = vec![
            ("flag", [&age[..], &["--namespace", "default"]].concat(), WORKLOADS, vec![]),
            ("flag", [&age[..], &["--write"], &write].concat(), "", vec![]),
            ("flag", [&age[..], &["--check"], &write].concat(), "", vec![]),
            ("config", [&["--sops", "--write"][..], &write].concat(), "", vec![]),
            // From a plain Secret file to a SOPS one: the diff and the file hold neither.
            ("switch", [&plain[..], &write].concat(), "", vec!["switch/k8s/pull-secret.yaml"]),
            (
                "switch",
                [&age[..], &["--check"], &write].concat(),
                "",
                vec!["switch/k8s/pull-secret.yaml"],
            ),
            ("switch", [&age[..], &["--write"], &write].concat(), "", vec![]),
        ];
        let mut outputs = Vec::new();
        for (dir, args, stdin, allowed) in &runs {
            let mut command = acr_inject_with(&canary);
            command.current_dir(workspace.path().join(dir)).args(args);
            let output = workspace.run(command, stdin.as_bytes());
            let what = format!("{dir}: {args:?}");
            assert!(
                matches!(output.status.code(), Some(0 | 1)),
                "{what}: {}",
                lossy(&output.stderr)
            );
            if args.contains(&"--allow-plaintext-secret") {
                // The search would find the plain Secret: it is in the file.
                let file = workspace.child("switch/k8s/pull-secret.yaml");
                canary.assert_present(&what, &fs::read(file.path()).unwrap());
                continue;
            }
            canary.assert_output_clean(&what, &output);
            workspace.assert_clean(&what, &canary, allowed);
            workspace.assert_no_temporary_file(&what);
            outputs.push((what, output));
        }
        // No data key, in any spelling, anywhere: not on stdout or stderr, not in a file.
        let mut keys = data_keys(&canary, "stdout", &outputs[0].1.stdout);
        for dir in ["flag", "config", "switch"] {
            let file = fs::read(workspace.child(&format!("{dir}/k8s/pull-secret.yaml"))).unwrap();
            keys.extend(data_keys(&canary, dir, &file));
        }
        assert_eq!(keys.len(), 8, "two namespaces, four encryptions");
        let forms: Vec<Vec<u8>> = keys.iter().flat_map(|key| key_forms(key)).collect();
        let files: Vec<(PathBuf, Vec<u8>)> = files(workspace.path())
            .into_iter()
            .map(|path| (path.clone(), fs::read(path).unwrap()))
            .collect();
        let streams = outputs.iter().flat_map(|(what, output)| {
            [
                (format!("{what}: stdout"), &output.stdout),
                (format!("{what}: stderr"), &output.stderr),
            ]
        });
        let files = files.iter().map(|(path, content)| (path.display().to_string(), content));
        for (what, bytes) in streams.chain(files) {
            for form in &forms {
                assert!(!contains(bytes, form), "{what} holds a data key: {}", lossy(bytes));
            }
        }
    }
}

#[test]
fn a_sops_failure_shows_no_credential_and_writes_nothing() {
    for canary in canaries() {
        let workspace = Workspace::new();
        workspace.child("k8s/app.yaml").write_str(WORKLOADS).unwrap();
        for args in [
            &["--sops-age", "age1qqqq"][..],
            &["--sops-age", "age1qqqq", "--write", "--secret-file", "k8s/s.yaml", "k8s"],
        ] {
            let mut command = acr_inject_with(&canary);
            command.current_dir(workspace.path()).args(args);
            let output = workspace.run(command, WORKLOADS.as_bytes());
            let what = format!("{args:?}");
            assert_eq!(output.status.code(), Some(2), "{what}");
            assert!(output.stdout.is_empty(), "{what}: {}", lossy(&output.stdout));
            let stderr = lossy(&output.stderr);
            assert!(stderr.contains("not a valid age recipient"), "{what}: {stderr}");
            canary.assert_output_clean(&what, &output);
            workspace.assert_clean(&what, &canary, &[]);
            workspace.assert_no_temporary_file(&what);
            workspace.child("k8s/s.yaml").assert(predicates::path::missing());
            workspace.child("k8s/app.yaml").assert(WORKLOADS);
        }
    }
}

#[test]
fn a_sops_config_whose_encrypted_regex_leaves_the_credentials_in_clear_is_refused() {
    let recipient = fixture_recipient();
    for canary in canaries() {
        for (regex, refused) in [("^metadata$", true), ("^data$", false)] {
            let workspace = Workspace::new();
            workspace.child("k8s/app.yaml").write_str(WORKLOADS).unwrap();
            let config =
                format!("creation_rules:\n  - encrypted_regex: '{regex}'\n    age: {recipient}\n");
            workspace.child(".sops.yaml").write_str(&config).unwrap();
            for args in
                [&["--sops"][..], &["--sops", "--write", "--secret-file", "k8s/s.yaml", "k8s"]]
            {
                let mut command = acr_inject_with(&canary);
                command.current_dir(workspace.path()).args(args);
                let output = workspace.run(command, WORKLOADS.as_bytes());
                let what = format!("{regex} {args:?}");
                canary.assert_output_clean(&what, &output);
                workspace.assert_clean(&what, &canary, &[]);
                workspace.assert_no_temporary_file(&what);
                if !refused {
                    // The control: another regex and the same runs succeed.
                    assert!(matches!(output.status.code(), Some(0 | 1)), "{what}");
                    continue;
                }
                assert_eq!(output.status.code(), Some(2), "{what}: {}", lossy(&output.stdout));
                assert_eq!(lossy(&output.stdout), "", "{what}: nothing is printed");
                let stderr = lossy(&output.stderr);
                assert!(stderr.contains(".sops.yaml:2:"), "{what}: {stderr}");
                assert!(
                    stderr.contains("the credentials would be written unencrypted"),
                    "{stderr}"
                );
                workspace.child("k8s/s.yaml").assert(predicates::path::missing());
                workspace.child("k8s/app.yaml").assert(WORKLOADS);
            }
        }
    }
}

// --- External Secrets ------------------------------------------------------------------------------

#[test]
fn external_secrets_formats_use_none_of_the_credentials_in_their_environment() {
    let formats: [&[&str]; 4] = [
        &["--external-secrets", "ClusterSecretStore/azure-kv"],
        &["--acr-token", "workload-identity=eso-acr"],
        &["--acr-token", "managed-identity=2222"],
        &["--acr-token", "service-principal=acr-sp", "--tenant-id", "3333"],
    ];
    for canary in canaries() {
        let azure = [("AZURE_CLIENT_ID", USERNAME), ("AZURE_CLIENT_SECRET", canary.password)];
        let ours = [("ACR_INJECT_PASSWORD", canary.password)];
        let both = [&azure[..], &ours].concat();
        // (arguments, environment)
        let username = ["--username", USERNAME];
        let credentials = [(&username[..], &ours[..]), (&[], &azure), (&username, &both)];
        for (given, env) in credentials {
            let workspace = Workspace::new();
            workspace.child("k8s/web.yaml").write_str(DEPLOYMENT).unwrap();
            let run = |args: &[&str], stdin: &str| {
                let mut command = acr_inject();
                command.current_dir(workspace.path()).args(["-r", "myregistry"]).args(given);
                command.args(args).envs(env.iter().copied());
                workspace.run(command, stdin.as_bytes())
            };
            // The control: without a format, these credentials make a plain Secret.
            let plain = run(&[], DEPLOYMENT);
            assert!(plain.status.success(), "{given:?}: {}", lossy(&plain.stderr));
            canary.assert_only_in_pull_secrets(&format!("{given:?} plain"), &plain, 1);
            let files = ["--secret-file", "k8s/pull-secret.yaml", "k8s"];
            let write = [&["--write"][..], &files].concat();
            let check = [&["--check"][..], &files].concat();
            for format in formats {
                let what = format!("{format:?} with {given:?} {env:?}");
                for (mode, stdin, codes) in [
                    (&[][..], DEPLOYMENT, [0, 0]),
                    (&write[..], "", [0, 1]),
                    (&check[..], "", [0, 0]),
                    (&["--refresh-interval", "one hour"][..], DEPLOYMENT, [2, 2]),
                ] {
                    let output = run(&[format, mode].concat(), stdin);
                    let what = format!("{what} {mode:?}");
                    let code = output.status.code().unwrap();
                    assert!(codes.contains(&code), "{what}: {code} {}", lossy(&output.stderr));
                    canary.assert_output_clean(&what, &output);
                    for (name, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
                        assert!(
                            !contains(bytes, USERNAME.as_bytes()),
                            "{what}: {name} names the user"
                        );
                    }
                    workspace.assert_clean(&what, &canary, &[]);
                    workspace.assert_no_temporary_file(&what);
                }
                let secret_file = fs::read(workspace.child("k8s/pull-secret.yaml")).unwrap();
                assert!(!contains(&secret_file, USERNAME.as_bytes()), "{what}: the file names it");
            }
            // The sidecar's store, in Argo CD.
            let app = workspace.child("k8s");
            app.child(".acr-inject.yaml").touch().unwrap();
            let mut command = acr_inject();
            command
                .current_dir(app.path())
                .arg("--argocd")
                .args(given)
                .env("ACR_INJECT_REGISTRY", "myregistry")
                .env("ACR_INJECT_EXTERNAL_SECRETS", "SecretStore/azure-kv")
                .env("ARGOCD_APP_NAMESPACE", "shop")
                .envs(env.iter().copied());
            let output = workspace.run(command, b"");
            assert!(output.status.success(), "argocd: {}", lossy(&output.stderr));
            assert!(lossy(&output.stdout).contains("kind: ExternalSecret"));
            canary.assert_output_clean("argocd external secrets", &output);
            workspace.assert_clean("argocd external secrets", &canary, &[]);
            workspace.assert_no_temporary_file("argocd external secrets");
        }
    }
}
