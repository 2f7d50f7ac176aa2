//! Credential hygiene: every output mode and error path is driven with a recognisable password,
//! and the password (plain, or inside its base64 forms) appears nowhere but in the intended
//! Secret: not on stderr, not elsewhere on stdout, not in any file but the intended one.

mod common;

use std::fs;
use std::path::Path;

use acr_inject::k8s::secret::{DockerLogin, docker_config_json};
use acr_inject_testkit::{PASSWORD, USERNAME};
use assert_fs::TempDir;
use assert_fs::prelude::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::*;

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: myregistry.azurecr.io/web:1\n";

/// The password and the two base64 texts that carry it in a Secret.
fn credential_forms() -> Vec<String> {
    let login = DockerLogin {
        server: "myregistry.azurecr.io",
        username: USERNAME,
        password: PASSWORD,
        email: None,
    };
    let config = STANDARD.encode(docker_config_json(&login).as_bytes());
    let auth = STANDARD.encode(format!("{USERNAME}:{PASSWORD}"));
    // A prefix is enough to recognise them, even cut or wrapped.
    vec![PASSWORD.to_string(), auth[..24].to_string(), config[40..80].to_string()]
}

fn assert_clean(what: &str, text: &str) {
    for form in credential_forms() {
        assert!(!text.contains(&form), "{what} holds a credential ({form}): {text}");
    }
}

/// Stdout with the intended pull Secret documents taken out.
fn without_pull_secrets(stdout: &[u8]) -> String {
    let text = String::from_utf8_lossy(stdout);
    text.split("---")
        .filter(|document| {
            !(document.contains("kind: Secret") && document.contains("name: acr-secret"))
        })
        .collect::<Vec<_>>()
        .join("---")
}

/// Every file under `dir` but `except`, with its content.
fn files_except(dir: &Path, except: &[&str]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in fs::read_dir(next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if !except.iter().any(|name| path.ends_with(name)) {
                found.push((
                    path.display().to_string(),
                    String::from_utf8_lossy(&fs::read(&path).unwrap()).into_owned(),
                ));
            }
        }
    }
    found
}

/// A repository with a workload, a broken file in a separate directory, and a password file.
fn workspace() -> TempDir {
    let dir = TempDir::new().unwrap();
    dir.child("k8s/app.yaml").write_str(DEPLOYMENT).unwrap();
    dir.child("broken/bad.yaml").write_str("kind: Pod\nspec: {containers: [\n").unwrap();
    dir.child("strings/spark.yaml")
        .write_str(
            "apiVersion: v1\nkind: Pod\nspec:\n  containers: []\n  imagePullSecrets: [regcred]\n",
        )
        .unwrap();
    dir.child("pw.txt").write_str(&format!("{PASSWORD}\n")).unwrap();
    dir
}

#[test]
fn no_output_mode_or_error_path_shows_the_password_elsewhere() {
    let cert = fixtures_dir().join("seal/cert.pem").display().to_string();
    let expired = fixtures_dir().join("seal/expired-cert.pem").display().to_string();
    // (arguments, stdin, files the run may legitimately write the Secret to)
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
    let dir = workspace();
    // The search would find a leak: the intended Secret does hold the recognisable forms.
    let plain = run_ok(acr_inject_with_credentials(), DEPLOYMENT.as_bytes());
    assert!(String::from_utf8_lossy(&plain).contains(&credential_forms()[2]));
    for (args, stdin, allowed) in runs {
        let mut command = acr_inject_with_credentials();
        let output =
            command.current_dir(dir.path()).args(&args).write_stdin(stdin).output().unwrap();
        let what = format!("{args:?}");
        assert_clean(&format!("{what} stderr"), &String::from_utf8_lossy(&output.stderr));
        assert_clean(&format!("{what} stdout"), &without_pull_secrets(&output.stdout));
        let mut except = allowed.clone();
        except.push("pw.txt");
        for (path, content) in files_except(dir.path(), &except) {
            assert_clean(&format!("{what}: file {path}"), &content);
        }
    }
    // The password file path, and a password from a file, behave the same.
    let mut from_file = acr_inject();
    let output = from_file
        .current_dir(dir.path())
        .args(["-r", "myregistry", "-u", USERNAME, "--password-file", "pw.txt", "broken"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_clean("--password-file error", &String::from_utf8_lossy(&output.stderr));
}

#[test]
fn the_argocd_mode_never_shows_the_password_on_stderr() {
    let app = TempDir::new().unwrap();
    app.child(".acr-inject.yaml").touch().unwrap();
    app.child("app.yaml").write_str(DEPLOYMENT).unwrap();
    app.child("bad.yaml").write_str("kind: Pod\nspec: [\n").unwrap();
    let mut command = acr_inject();
    let output = command
        .current_dir(app.path())
        .env("ACR_INJECT_REGISTRY", "myregistry")
        .env("ACR_INJECT_USERNAME", USERNAME)
        .env("ACR_INJECT_PASSWORD", PASSWORD)
        .arg("--argocd")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert_clean("argocd stderr", &String::from_utf8_lossy(&output.stderr));
}
