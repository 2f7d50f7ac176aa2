//! The Argo CD plugin, run the way the repo-server's sidecar runs it: `deploy/argocd/plugin.yaml`
//! is read, its `discover` rule decides, and its `generate` command runs exactly as written in a
//! temporary copy of the application directory, with stdin at /dev/null and the environment
//! Argo CD sets. kustomize is kubectl's built-in one (v5.7.1, `scripts/install-kubectl`) behind
//! a `kustomize build` wrapper, standing in for the standalone binary of the sidecar image.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use acr_inject_testkit::corpus::Corpus;
use acr_inject_testkit::invariants::{
    assert_only_insertions, assert_oracle_sees_only_the_injection,
};
use acr_inject_testkit::oracle::{get, oracle_documents, references, str_at};
use acr_inject_testkit::{PASSWORD, USERNAME};
use assert_fs::TempDir;
use assert_fs::prelude::*;
use common::*;
use yaml_serde::Value;

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn plugin() -> Value {
    let text = fs::read_to_string(repository().join("deploy/argocd/plugin.yaml")).unwrap();
    yaml_serde::from_str(&text).unwrap()
}

/// kubectl, from `KUBECTL` or where `scripts/install-kubectl` puts it.
fn kubectl() -> PathBuf {
    let path = std::env::var_os("KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| repository().join("target/tools/kubectl"));
    assert!(path.exists(), "kubectl is missing: run scripts/install-kubectl (scripts/test does)");
    path
}

/// A directory for PATH holding acr-inject and a `kustomize` that runs kubectl's kustomize.
fn tool_dir() -> TempDir {
    let dir = TempDir::new().unwrap();
    let binary = assert_cmd::cargo::cargo_bin("acr-inject");
    std::os::unix::fs::symlink(&binary, dir.path().join("acr-inject")).unwrap();
    let wrapper = format!(
        "#!/bin/sh\n[ \"$1\" = build ] || {{ echo \"usage: kustomize build DIR\" >&2; exit 2; }}\nshift\nexec '{}' kustomize \"$@\"\n",
        kubectl().display()
    );
    let kustomize = dir.path().join("kustomize");
    fs::write(&kustomize, wrapper).unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&kustomize, fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// A copy of `source` in a fresh temporary directory (as the repo-server makes one).
fn copy_of(source: &Path) -> TempDir {
    let dir = TempDir::new().unwrap();
    dir.copy_from(source, &["**/*", "**/.*"]).unwrap();
    dir
}

/// The sidecar's own environment: credentials and, optionally, the sealing certificate.
fn sidecar_env(sealed: bool) -> Vec<(String, String)> {
    let mut env = vec![
        ("ACR_INJECT_REGISTRY".to_string(), "myregistry".to_string()),
        ("ACR_INJECT_USERNAME".to_string(), USERNAME.to_string()),
        ("ACR_INJECT_PASSWORD".to_string(), PASSWORD.to_string()),
    ];
    if sealed {
        let cert = fixtures_dir().join("seal/cert.pem");
        env.push(("ACR_INJECT_SEAL_CERT".to_string(), cert.display().to_string()));
    }
    env
}

/// Runs the plugin's generate command, exactly as plugin.yaml writes it, in `app`.
fn generate(app: &Path, tools: &Path, env: &[(String, String)]) -> Output {
    let plugin = plugin();
    let generate = &plugin["spec"]["generate"];
    let words: Vec<String> = generate["command"]
        .as_sequence()
        .unwrap()
        .iter()
        .chain(generate["args"].as_sequence().into_iter().flatten())
        .map(|word| word.as_str().unwrap().to_string())
        .collect();
    let path = format!("{}:/usr/bin:/bin", tools.display());
    Command::new(&words[0])
        .args(&words[1..])
        .current_dir(app)
        .stdin(Stdio::null())
        .env_clear()
        .env("PATH", path)
        .env("ARGOCD_APP_NAME", "shop")
        .env("ARGOCD_APP_NAMESPACE", "shop")
        .env("ARGOCD_APP_PROJECT_NAME", "default")
        .env("ARGOCD_APP_SOURCE_PATH", "apps/shop")
        .env("ARGOCD_APP_REVISION", "0123456789abcdef0123456789abcdef01234567")
        .env("KUBE_VERSION", "1.35.0")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .unwrap()
}

fn assert_no_credential(output: &Output) {
    for bytes in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains(PASSWORD), "the password leaked: {text}");
    }
}

#[test]
fn plugin_yaml_uses_only_fields_the_cmp_v2_config_accepts() {
    // cmpserver/plugin/config.go (Argo CD 3.x): PluginConfig, PluginConfigSpec, Command,
    // Discover, Find, Parameters, Static.
    fn check(value: &Value, allowed: &[(&str, Option<&str>)], at: &str) {
        let mapping = value.as_mapping().unwrap_or_else(|| panic!("{at} must be a mapping"));
        for (key, child) in mapping {
            let key = key.as_str().unwrap();
            let Some((_, nested)) = allowed.iter().find(|(name, _)| *name == key) else {
                panic!("{at}.{key} is not a CMP v2 field");
            };
            let here = format!("{at}.{key}");
            match *nested {
                Some("spec") => check(child, SPEC, &here),
                Some("command") => check(child, COMMAND, &here),
                Some("discover") => check(child, DISCOVER, &here),
                Some("find") => check(child, FIND, &here),
                Some("parameters") => check(child, PARAMETERS, &here),
                Some("static") => {
                    child.as_sequence().unwrap().iter().for_each(|item| check(item, STATIC, &here))
                }
                _ => {}
            }
        }
    }
    const TOP: &[(&str, Option<&str>)] =
        &[("apiVersion", None), ("kind", None), ("metadata", None), ("spec", Some("spec"))];
    const SPEC: &[(&str, Option<&str>)] = &[
        ("version", None),
        ("init", Some("command")),
        ("generate", Some("command")),
        ("discover", Some("discover")),
        ("allowConcurrency", None),
        ("lockRepo", None),
        ("parameters", Some("parameters")),
        ("preserveFileMode", None),
        ("provideGitCreds", None),
    ];
    const COMMAND: &[(&str, Option<&str>)] = &[("command", None), ("args", None)];
    const DISCOVER: &[(&str, Option<&str>)] = &[("find", Some("find")), ("fileName", None)];
    const FIND: &[(&str, Option<&str>)] = &[("command", None), ("args", None), ("glob", None)];
    const PARAMETERS: &[(&str, Option<&str>)] =
        &[("static", Some("static")), ("dynamic", Some("command"))];
    const STATIC: &[(&str, Option<&str>)] = &[
        ("name", None),
        ("title", None),
        ("tooltip", None),
        ("required", None),
        ("itemType", None),
        ("collectionType", None),
        ("string", None),
        ("array", None),
        ("map", None),
    ];
    let plugin = plugin();
    check(&plugin, TOP, "plugin");
    assert_eq!(plugin["apiVersion"].as_str(), Some("argoproj.io/v1alpha1"));
    assert_eq!(plugin["kind"].as_str(), Some("ConfigManagementPlugin"));
    assert_eq!(plugin["metadata"]["name"].as_str(), Some("acr-inject"));
    assert!(!plugin["spec"]["generate"]["command"].as_sequence().unwrap().is_empty());
}

#[test]
fn discover_matches_only_directories_that_opt_in() {
    let Some(corpus) = Corpus::find() else { return };
    let file_name = plugin()["spec"]["discover"]["fileName"].as_str().unwrap().to_string();
    let pattern = glob::Pattern::new(&file_name).unwrap();
    let matches = |dir: &Path| {
        fs::read_dir(dir)
            .unwrap()
            .any(|entry| pattern.matches(&entry.unwrap().file_name().to_string_lossy()))
    };
    assert!(matches(&fixtures_dir().join("argocd/plain-app")));
    assert!(
        !matches(&corpus.path("kustomize/kube-state-metrics-standard")),
        "YAML alone must not match"
    );
}

#[test]
fn a_plain_directory_is_rendered_sealed_into_the_destination_namespace() {
    let tools = tool_dir();
    let app = copy_of(&fixtures_dir().join("argocd/plain-app"));
    let mut env = sidecar_env(true);
    env.push(("ARGOCD_ENV_ACR_INJECT_SECRET_NAME".into(), "regcred".into()));
    env.push((
        "ARGOCD_APP_PARAMETERS".into(),
        r#"[{"name":"only-registry-images","string":"true"}]"#.into(),
    ));
    let output = generate(app.path(), tools.path(), &env);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_no_credential(&output);
    let documents = oracle_documents(&output.stdout);
    let kinds: Vec<&str> = documents.iter().filter_map(|d| str_at(d, &["kind"])).collect();
    assert_eq!(kinds, ["CronJob", "SealedSecret", "Deployment", "Service"]);
    let sealed = &documents[1];
    assert_eq!(str_at(sealed, &["metadata", "name"]), Some("regcred"));
    assert_eq!(str_at(sealed, &["metadata", "namespace"]), Some("shop"));
    let cronjob = &documents[0];
    assert!(
        !references(cronjob, &["spec", "jobTemplate", "spec", "template", "spec"], "regcred"),
        "not on the registry"
    );
    assert!(references(&documents[2], &["spec", "template", "spec"], "regcred"));
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn a_kustomize_directory_is_built_and_filtered() {
    let Some(corpus) = Corpus::find() else { return };
    let tools = tool_dir();
    let app = copy_of(&corpus.path("kustomize/kube-state-metrics-standard"));
    app.child(".acr-inject.yaml").touch().unwrap();
    let output = generate(app.path(), tools.path(), &sidecar_env(false));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_no_credential(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("plain Secret") && stderr.contains("ACR_INJECT_SEAL_CERT"), "{stderr}");
    let kustomized = Command::new(kubectl()).arg("kustomize").arg(app.path()).output().unwrap();
    assert!(kustomized.status.success());
    assert_only_insertions(&kustomized.stdout, &output.stdout);
    assert_oracle_sees_only_the_injection(&kustomized.stdout, &output.stdout, "acr-secret");
}

#[test]
fn an_empty_directory_fails_the_sync_instead_of_pruning_everything() {
    let tools = tool_dir();
    let app = TempDir::new().unwrap();
    app.child(".acr-inject.yaml").touch().unwrap();
    let output = generate(app.path(), tools.path(), &sidecar_env(true));
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no manifest files"));

    app.child("empty.yaml").write_str("# nothing here\n").unwrap();
    let output = generate(app.path(), tools.path(), &sidecar_env(true));
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no manifests"));
}

#[test]
fn a_failing_kustomize_build_fails_with_its_message() {
    let tools = tool_dir();
    let app = TempDir::new().unwrap();
    app.child(".acr-inject.yaml").touch().unwrap();
    app.child("kustomization.yaml").write_str("resources:\n- missing.yaml\n").unwrap();
    let output = generate(app.path(), tools.path(), &sidecar_env(true));
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`kustomize build .` failed") && stderr.contains("missing.yaml"),
        "{stderr}"
    );
    assert_no_credential(&output);
}

#[test]
fn a_missing_kustomize_is_named() {
    let Some(corpus) = Corpus::find() else { return };
    let tools = TempDir::new().unwrap();
    std::os::unix::fs::symlink(
        assert_cmd::cargo::cargo_bin("acr-inject"),
        tools.path().join("acr-inject"),
    )
    .unwrap();
    let app = copy_of(&corpus.path("kustomize/kube-state-metrics-standard"));
    let output = generate(app.path(), tools.path(), &sidecar_env(true));
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("`kustomize` not found"));
}

#[test]
fn an_application_cannot_bring_its_own_credentials() {
    let tools = tool_dir();
    let app = copy_of(&fixtures_dir().join("argocd/plain-app"));
    let mut env = sidecar_env(true);
    env.push(("ARGOCD_ENV_ACR_INJECT_REGISTRY".into(), "evil.example.com".into()));
    let output = generate(app.path(), tools.path(), &env);
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot come from the Application"));
    assert_no_credential(&output);
}

#[test]
fn the_component_adds_the_sidecar_to_argo_cds_repo_server() {
    let Some(corpus) = Corpus::find() else { return };
    let overlay = TempDir::new().unwrap();
    fs::copy(corpus.path("argo-cd-install.yaml"), overlay.path().join("install.yaml")).unwrap();
    // kustomize takes components by relative path only: use a copy beside the overlay.
    overlay.child("acr-inject").copy_from(repository().join("deploy/argocd"), &["*.yaml"]).unwrap();
    overlay
        .child("kustomization.yaml")
        .write_str("resources:\n- install.yaml\ncomponents:\n- acr-inject\n")
        .unwrap();
    let built = Command::new(kubectl()).arg("kustomize").arg(overlay.path()).output().unwrap();
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let documents = oracle_documents(&built.stdout);
    let repo_server = documents
        .iter()
        .find(|d| {
            str_at(d, &["kind"]) == Some("Deployment")
                && str_at(d, &["metadata", "name"]) == Some("argocd-repo-server")
        })
        .unwrap();
    let containers = get(repo_server, &["spec", "template", "spec", "containers"])
        .unwrap()
        .as_sequence()
        .unwrap();
    let sidecar = containers
        .iter()
        .find(|c| str_at(c, &["name"]) == Some("acr-inject"))
        .expect("the sidecar");
    assert_eq!(sidecar["command"][0].as_str(), Some("/var/run/argocd/argocd-cmp-server"));
    assert_eq!(sidecar["securityContext"]["runAsUser"].as_u64(), Some(999));
    let mounts: Vec<&str> = sidecar["volumeMounts"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|m| str_at(m, &["mountPath"]))
        .collect();
    for path in [
        "/var/run/argocd",
        "/home/argocd/cmp-server/plugins",
        "/home/argocd/cmp-server/config/plugin.yaml",
        "/tmp",
    ] {
        assert!(mounts.contains(&path), "{path} not mounted: {mounts:?}");
    }
    assert!(
        containers.iter().any(|c| str_at(c, &["name"]) == Some("argocd-repo-server")),
        "the original container stays"
    );
    let config_map = documents
        .iter()
        .find(|d| str_at(d, &["metadata", "name"]) == Some("acr-inject-plugin"))
        .unwrap();
    assert!(
        str_at(config_map, &["data", "plugin.yaml"])
            .unwrap()
            .contains("kind: ConfigManagementPlugin")
    );
}

// --- Untrusted paths: whatever the repository or the Application says, the sidecar's files
// stay unread -------------------------------------------------------------------------------

/// A file of the sidecar's, outside any application directory, that must never be read: a
/// stand-in for its service-account token or a credentials file. Valid YAML, so that a
/// reading would print it.
fn sidecar_secret() -> TempDir {
    let dir = TempDir::new().unwrap();
    dir.child("token").write_str("token: SIDECAR-TOKEN-CONTENT\n").unwrap();
    dir
}

fn refused(output: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty(), "{}", String::from_utf8_lossy(&output.stdout));
    assert!(stderr.contains(expected), "expected {expected:?} in {stderr}");
    assert!(!stderr.contains("SIDECAR-TOKEN-CONTENT"), "the target's content: {stderr}");
    assert_no_credential(output);
}

#[test]
fn a_symlink_out_of_the_application_directory_is_refused_for_every_kind_of_application() {
    let tools = tool_dir();
    let secret = sidecar_secret();
    let token = secret.path().join("token");
    let plain = copy_of(&fixtures_dir().join("argocd/plain-app"));
    let kustomized = copy_of(&fixtures_dir().join("argocd/plain-app"));
    kustomized.child(".acr-inject.yaml").touch().unwrap();
    kustomized.child("kustomization.yaml").write_str("resources: [deployment.yaml]\n").unwrap();
    let chart = TempDir::new().unwrap();
    chart.child(".acr-inject.yaml").touch().unwrap();
    chart.child("Chart.yaml").write_str("apiVersion: v2\nname: shop\nversion: 1.0.0\n").unwrap();
    chart.child("templates").create_dir_all().unwrap();
    for (app, link) in [
        (&plain, "token.yaml"),
        (&plain, "nested/deeper/token.yml"),
        (&kustomized, "token.yaml"),
        (&chart, "templates/token.yaml"),
    ] {
        let at = app.child(link);
        fs::create_dir_all(at.path().parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&token, at.path()).unwrap();
        let output = generate(app.path(), tools.path(), &sidecar_env(true));
        refused(&output, &format!("{link}: a symlink that leads out of the application directory"));
        fs::remove_file(at.path()).unwrap();
    }
    // A directory linked out is refused as well, and so is a hidden one (helm reads those).
    for link in ["shared", ".hidden"] {
        std::os::unix::fs::symlink(secret.path(), plain.child(link).path()).unwrap();
        let output = generate(plain.path(), tools.path(), &sidecar_env(true));
        refused(&output, &format!("{link}: a symlink that leads out"));
        fs::remove_file(plain.child(link).path()).unwrap();
    }
    // Links that stay inside are the repository's own business.
    std::os::unix::fs::symlink("deployment.yaml", plain.child("alias.yaml").path()).unwrap();
    std::os::unix::fs::symlink("missing.yaml", plain.child("dangling.yaml").path()).unwrap();
    let output = generate(plain.path(), tools.path(), &sidecar_env(true));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn an_application_cannot_point_the_sidecar_at_a_file() {
    // Rules files, certificates, recipients' configs, secret files, binaries and password
    // files are the sidecar's: named by the Application in any form, they are refused before
    // anything is read, and the message shows neither the path's content nor a credential.
    let tools = tool_dir();
    let secret = sidecar_secret();
    let token = secret.path().join("token").display().to_string();
    let app = copy_of(&fixtures_dir().join("argocd/plain-app"));
    for setting in ["rules", "seal-cert", "secret-file", "password-file", "helm", "kustomize"] {
        let variable =
            format!("ARGOCD_ENV_ACR_INJECT_{}", setting.to_uppercase().replace('-', "_"));
        let parameter = format!("PARAM_{}", setting.to_uppercase().replace('-', "_"));
        let json = format!(r#"[{{"name":"{setting}","string":"{token}"}}]"#);
        for (name, value) in [
            (variable.as_str(), token.as_str()),
            (parameter.as_str(), "../token"),
            ("ARGOCD_APP_PARAMETERS", json.as_str()),
        ] {
            let mut env = sidecar_env(true);
            env.push((name.to_string(), value.to_string()));
            let output = generate(app.path(), tools.path(), &env);
            refused(&output, &format!("`{setting}` cannot come from the Application"));
        }
    }
}
