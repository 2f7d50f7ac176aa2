//! External Secrets output end to end, checked by the real peers: every object against the
//! CRDs' schemas of ESO v2.9.0 (made strict, with check-jsonschema), the template through Go's
//! text/template and sprig (Helm's engine, `helm template`) against kubectl's goldens, and the
//! binary's modes (stdin, `--write --secret-file`, `--check`, `--argocd`) for idempotence and
//! for keeping every credential out.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use acr_inject::formats::SecretFormat;
use acr_inject::formats::external_secrets::{DockerConfigTemplate, FromStore};
use assert_fs::TempDir;
use assert_fs::prelude::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::*;
use predicates::prelude::*;
use serde_json::{Value as Json, json};
use yaml_serde::Value;

/// A Deployment in `shop` and a Job that names no namespace.
const WORKLOADS: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: myregistry.azurecr.io/web:1\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      containers:\n      - name: migrate\n        image: myregistry.azurecr.io/migrate:1\n";

const STORE: [&str; 2] = ["--external-secrets", "ClusterSecretStore/azure-kv"];
const TOKEN: [&str; 2] = ["--acr-token", "workload-identity=eso-acr"];

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The binary for `myregistry` with `args`, and credentials in the environment as a CI job
/// would have them: none of them may be used.
fn external_secrets(args: &[&str]) -> assert_cmd::Command {
    let mut command = acr_inject_with_credentials();
    command.args(args);
    command
}

fn kinds_and_namespaces(documents: &[Value]) -> Vec<(String, Option<String>)> {
    documents
        .iter()
        .map(|d| {
            let kind = str_at(d, &["kind"]).unwrap().to_string();
            (kind, str_at(d, &["metadata", "namespace"]).map(str::to_string))
        })
        .collect()
}

fn owned(pairs: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
    pairs.iter().map(|(k, ns)| (k.to_string(), ns.map(str::to_string))).collect()
}

fn assert_no_credential(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    assert!(!text.contains(PASSWORD), "the password leaked: {text}");
    assert!(!text.contains(USERNAME), "the username leaked: {text}");
    assert!(!text.contains("eyJhdXRocyI6"), "a dockerconfigjson leaked: {text}");
}

#[test]
fn the_store_variant_is_one_external_secret_per_namespace_with_no_credential() {
    let output = external_secrets(&STORE).write_stdin(WORKLOADS).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_no_credential(&output.stdout);
    assert_no_credential(&output.stderr);
    let documents = oracle_documents(&output.stdout);
    assert_eq!(
        kinds_and_namespaces(&documents),
        owned(&[
            ("ExternalSecret", Some("shop")),
            ("Deployment", Some("shop")),
            ("ExternalSecret", None),
            ("Job", None),
        ])
    );
    let external_secret = &documents[0];
    assert_eq!(str_at(external_secret, &["metadata", "name"]), Some("acr-secret"));
    assert_eq!(str_at(external_secret, &["spec", "target", "name"]), Some("acr-secret"));
    assert_eq!(
        str_at(external_secret, &["spec", "secretStoreRef", "kind"]),
        Some("ClusterSecretStore")
    );
    let remote_key = |i: usize| {
        let item = &get(external_secret, &["spec", "data"]).unwrap()[i];
        (str_at(item, &["secretKey"]), str_at(item, &["remoteRef", "key"]))
    };
    assert_eq!(remote_key(0), (Some("username"), Some("acr-pull-username")));
    assert_eq!(remote_key(1), (Some("password"), Some("acr-pull-password")));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.matches("are not used").count(), 1, "{stderr}");
    assert!(stderr.contains("--username, ACR_INJECT_PASSWORD"), "{stderr}");
}

#[test]
fn the_token_variant_puts_the_generator_before_its_external_secret_in_each_namespace() {
    let output = run_ok(external_secrets(&TOKEN), WORKLOADS.as_bytes());
    assert_no_credential(&output);
    let documents = oracle_documents(&output);
    assert_eq!(
        kinds_and_namespaces(&documents),
        owned(&[
            ("ACRAccessToken", Some("shop")),
            ("ExternalSecret", Some("shop")),
            ("Deployment", Some("shop")),
            ("ACRAccessToken", None),
            ("ExternalSecret", None),
            ("Job", None),
        ])
    );
    let generator_ref = get(&documents[1], &["spec", "dataFrom"]).unwrap()[0]
        .get("sourceRef")
        .and_then(|s| s.get("generatorRef"))
        .unwrap();
    assert_eq!(str_at(generator_ref, &["kind"]), Some("ACRAccessToken"));
    assert_eq!(str_at(generator_ref, &["name"]), Some("acr-secret"));
    assert_eq!(str_at(&documents[0], &["spec", "registry"]), Some("myregistry.azurecr.io"));
}

#[test]
fn a_long_refresh_interval_warns_that_acr_tokens_expire() {
    external_secrets(&[&TOKEN[..], &["--refresh-interval", "90m"]].concat())
        .write_stdin(WORKLOADS)
        .assert()
        .success()
        .stdout(predicate::str::contains("refreshInterval: 1h30m0s\n"))
        .stderr(predicate::str::contains("expire after about 75 minutes"));
    external_secrets(&[&STORE[..], &["--refresh-interval", "one hour"]].concat())
        .write_stdin(WORKLOADS)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("not a Go duration"));
}

#[test]
fn external_secrets_acr_tokens_and_sealing_exclude_one_another() {
    let cert = fixtures_dir().join("seal/cert.pem");
    let cert = cert.to_str().unwrap();
    for (args, first, second) in [
        (vec![STORE[0], STORE[1], "--seal-cert", cert], "--external-secrets", "--seal-cert"),
        (vec![TOKEN[0], TOKEN[1], "--seal-cert", cert], "--acr-token", "--seal-cert"),
        (vec![STORE[0], STORE[1], TOKEN[0], TOKEN[1]], "--external-secrets", "--acr-token"),
    ] {
        external_secrets(&args)
            .write_stdin(WORKLOADS)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(first).and(predicate::str::contains(second)));
    }
    external_secrets(&["--acr-token", "service-principal=acr-sp"])
        .write_stdin(WORKLOADS)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs --tenant-id"));
}

#[test]
fn only_namespaces_with_registry_images_get_one() {
    let other = WORKLOADS.replace("myregistry.azurecr.io/migrate", "docker.io/library/migrate");
    let output = run_ok(
        external_secrets(&[&STORE[..], &["--only-registry-images"]].concat()),
        other.as_bytes(),
    );
    let kinds = kinds_and_namespaces(&oracle_documents(&output));
    assert_eq!(
        kinds,
        owned(&[("ExternalSecret", Some("shop")), ("Deployment", Some("shop")), ("Job", None)])
    );
}

#[test]
fn running_on_its_own_output_changes_nothing() {
    for args in [
        &STORE[..],
        &TOKEN[..],
        &["--acr-token", "managed-identity=1111", "--acr-token-scope", "repository:web:pull"],
    ] {
        let once = run_ok(external_secrets(args), WORKLOADS.as_bytes());
        let twice = run_ok(external_secrets(args), &once);
        assert_eq!(String::from_utf8(twice).unwrap(), String::from_utf8(once).unwrap(), "{args:?}");
    }
}

#[test]
fn a_pull_secret_of_ours_is_replaced_where_it_stands() {
    // A plain Secret from an earlier run, after the workload: replaced by the ExternalSecret,
    // in place, and nothing is added before the workload.
    let plain = run_ok(acr_inject_with_credentials(), WORKLOADS.as_bytes());
    let plain_text = String::from_utf8(plain.clone()).unwrap();
    let moved = format!("{}\n---\n{}", WORKLOADS, plain_text.split("---\n").nth(1).unwrap());
    let output = run_ok(external_secrets(&STORE), moved.as_bytes());
    assert_no_credential(&output);
    let kinds = kinds_and_namespaces(&oracle_documents(&output));
    assert_eq!(
        kinds,
        owned(&[
            ("Deployment", Some("shop")),
            ("ExternalSecret", None),
            ("Job", None),
            ("ExternalSecret", Some("shop")),
        ])
    );
    // A token pair from an earlier run with another identity: both parts rewritten in place.
    let before = run_ok(external_secrets(&TOKEN), WORKLOADS.as_bytes());
    let other = ["--acr-token", "managed-identity=2222"];
    let after = String::from_utf8(run_ok(external_secrets(&other), &before)).unwrap();
    assert_eq!(
        after,
        String::from_utf8(run_ok(external_secrets(&other), WORKLOADS.as_bytes())).unwrap()
    );
    assert_eq!(after.matches("\nkind: ACRAccessToken\n").count(), 2, "{after}");
    assert!(!after.contains("eso-acr"));
}

/// A repository with the workloads in k8s/.
fn repository_with_workloads() -> TempDir {
    let dir = TempDir::new().unwrap();
    dir.child("k8s/web.yaml").write_str(WORKLOADS.split("---\n").next().unwrap()).unwrap();
    dir
}

fn in_dir(dir: &TempDir, args: &[&str]) -> assert_cmd::Command {
    let mut command = external_secrets(args);
    command.current_dir(dir.path());
    command
}

#[test]
fn write_puts_them_in_the_secret_file_without_plaintext_consent_and_check_then_passes() {
    for format in [&STORE[..], &TOKEN[..]] {
        let dir = repository_with_workloads();
        let files = ["k8s", "--secret-file", "k8s/pull-secret.yaml"];
        let check = [format, &["--check"], &files].concat();
        in_dir(&dir, &check)
            .assert()
            .code(1)
            .stdout(predicate::str::contains("+kind: ExternalSecret"))
            .stdout(predicate::str::contains(".dockerconfigjson"));
        in_dir(&dir, &[format, &["--write"], &files].concat()).assert().code(1);
        let secret_file = dir.child("k8s/pull-secret.yaml");
        let written = fs::read(secret_file.path()).unwrap();
        assert_no_credential(&written);
        let expected_kinds: Vec<&str> = format[0]
            .eq("--acr-token")
            .then_some("ACRAccessToken")
            .into_iter()
            .chain(["ExternalSecret"])
            .collect();
        let kinds: Vec<String> = oracle_documents(&written)
            .iter()
            .map(|d| str_at(d, &["kind"]).unwrap().to_string())
            .collect();
        assert_eq!(kinds, expected_kinds);
        let web = fs::read_to_string(dir.child("k8s/web.yaml").path()).unwrap();
        assert!(web.contains("imagePullSecrets:\n      - name: acr-secret\n"), "{web}");
        // Committable: not created owner-only like a plain Secret's file.
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(secret_file.path()).unwrap().permissions().mode();
        assert_ne!(mode & 0o077, 0, "the secret file is private: {mode:o}");
        in_dir(&dir, &check).assert().code(0).stdout("");
        in_dir(&dir, &[format, &["--write"], &files].concat()).assert().code(0);
        assert_eq!(fs::read(secret_file.path()).unwrap(), written, "a rerun churned");
    }
}

#[test]
fn argocd_takes_them_from_the_sidecar_and_never_from_the_application() {
    let dir = repository_with_workloads();
    let app = dir.child("k8s");
    let generate = |env: &[(&str, &str)]| {
        let mut command = acr_inject();
        command
            .arg("--argocd")
            .current_dir(app.path())
            .env("ACR_INJECT_REGISTRY", "myregistry")
            .env("ACR_INJECT_PASSWORD", PASSWORD)
            .env("ARGOCD_APP_NAMESPACE", "shop")
            .envs(env.iter().copied());
        command.output().unwrap()
    };
    let sidecar = generate(&[("ACR_INJECT_EXTERNAL_SECRETS", "SecretStore/azure-kv")]);
    assert!(sidecar.status.success(), "{}", String::from_utf8_lossy(&sidecar.stderr));
    assert_no_credential(&sidecar.stdout);
    let stderr = String::from_utf8_lossy(&sidecar.stderr);
    assert!(!stderr.contains("Argo CD caches"), "warned as for a plain Secret: {stderr}");
    let documents = oracle_documents(&sidecar.stdout);
    assert_eq!(str_at(&documents[0], &["kind"]), Some("ExternalSecret"));
    for env in [
        ("ARGOCD_ENV_ACR_INJECT_EXTERNAL_SECRETS", "SecretStore/other"),
        ("ARGOCD_ENV_ACR_INJECT_ACR_TOKEN", "workload-identity=other"),
        ("ARGOCD_APP_PARAMETERS", r#"[{"name":"remote-keys","string":"a,b"}]"#),
        ("ARGOCD_APP_PARAMETERS", r#"[{"name":"acr-token-scope","string":"repository:x:pull"}]"#),
    ] {
        let refused: Output =
            generate(&[("ACR_INJECT_EXTERNAL_SECRETS", "SecretStore/azure-kv"), env]);
        assert_eq!(refused.status.code(), Some(2), "{env:?}");
        assert!(refused.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains("cannot come from the Application"), "{env:?}: {stderr}");
    }
}

// The schemas.

/// The `openAPIV3Schema` of `version` in the CRD `file` of ESO v2.9.0, made strict: every
/// object schema with `properties` refuses others (the API server would prune them silently,
/// so a misspelt field would pass unnoticed).
fn strict_schema(file: &str, version: &str) -> Json {
    let path = repository().join("../shared/reference/external-secrets").join(file);
    let crd: Json = yaml_serde::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let versions = crd["spec"]["versions"].as_array().unwrap();
    let entry = versions.iter().find(|v| v["name"] == version).unwrap();
    let mut schema = entry["schema"]["openAPIV3Schema"].clone();
    make_strict(&mut schema);
    schema
}

fn make_strict(schema: &mut Json) {
    match schema {
        Json::Object(map) => {
            if map.contains_key("properties")
                && !map.contains_key("additionalProperties")
                && map.get("x-kubernetes-preserve-unknown-fields") != Some(&Json::Bool(true))
            {
                map.insert("additionalProperties".into(), Json::Bool(false));
            }
            map.values_mut().for_each(make_strict);
        }
        Json::Array(items) => items.iter_mut().for_each(make_strict),
        _ => {}
    }
}

fn external_secret_schema() -> Json {
    strict_schema("external-secrets.io_externalsecrets.yaml", "v1")
}

fn acr_access_token_schema() -> Json {
    strict_schema("generators.external-secrets.io_acraccesstokens.yaml", "v1alpha1")
}

/// Runs check-jsonschema with `schema` on each of `objects`; the output when it fails.
fn check_jsonschema(schema: &Json, objects: &[Json]) -> Result<(), String> {
    let dir = TempDir::new().unwrap();
    let schema_file = dir.child("schema.json");
    schema_file.write_str(&schema.to_string()).unwrap();
    let instances: Vec<PathBuf> = objects
        .iter()
        .enumerate()
        .map(|(i, object)| {
            let file = dir.child(format!("object-{i}.json"));
            file.write_str(&object.to_string()).unwrap();
            file.path().to_path_buf()
        })
        .collect();
    let python = std::env::var("ACR_INJECT_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let output = Command::new(python)
        .args(["-m", "check_jsonschema", "--schemafile"])
        .arg(schema_file.path())
        .args(&instances)
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !report.contains("No module named"),
        "check-jsonschema is missing: pip install check-jsonschema (scripts/test does): {report}"
    );
    if output.status.success() { Ok(()) } else { Err(report) }
}

fn as_json(documents: &[Value]) -> Vec<Json> {
    documents.iter().map(|d| serde_json::to_value(d).unwrap()).collect()
}

/// The objects the binary emits with `args`, by kind.
fn emitted(args: &[&str]) -> (Vec<Json>, Vec<Json>) {
    let output = run_ok(external_secrets(args), WORKLOADS.as_bytes());
    let objects = as_json(&oracle_documents(&output));
    let of = |kind: &str| objects.iter().filter(|o| o["kind"] == kind).cloned().collect::<Vec<_>>();
    (of("ExternalSecret"), of("ACRAccessToken"))
}

#[test]
fn every_object_validates_strictly_against_the_crds_for_each_store_and_authentication() {
    let variants: [&[&str]; 6] = [
        &["--external-secrets", "ClusterSecretStore/azure-kv"],
        &[
            "--external-secrets",
            "SecretStore/kv",
            "--remote-keys",
            "u,p",
            "--refresh-interval",
            "15m",
        ],
        &["--acr-token", "workload-identity=eso-acr"],
        &[
            "--acr-token",
            "managed-identity=00000000-1111-2222-3333-444444444444",
            "--acr-token-scope",
            "repository:shop/web:pull",
        ],
        &[
            "--acr-token",
            "service-principal=acr-sp",
            "--tenant-id",
            "55555555-6666-7777-8888-999999999999",
        ],
        &["--acr-token", "workload-identity=eso", "--refresh-interval", "0s"],
    ];
    let (mut external_secrets, mut tokens) = (Vec::new(), Vec::new());
    for args in variants {
        let (es, token) = emitted(args);
        assert_eq!(es.len(), 2, "{args:?}");
        assert_eq!(token.len(), if args[0] == "--acr-token" { 2 } else { 0 }, "{args:?}");
        external_secrets.extend(es);
        tokens.extend(token);
    }
    check_jsonschema(&external_secret_schema(), &external_secrets).unwrap();
    check_jsonschema(&acr_access_token_schema(), &tokens).unwrap();
}

#[test]
fn the_strict_check_catches_a_misspelt_field_the_plain_schema_lets_through() {
    let (external_secrets, tokens) = emitted(&TOKEN);
    let mut misspelt = external_secrets[0].clone();
    let target = misspelt["spec"]["target"].as_object_mut().unwrap();
    let template = target.remove("template").unwrap();
    target.insert("templat".into(), template);
    let report = check_jsonschema(&external_secret_schema(), &[misspelt.clone()]).unwrap_err();
    assert!(report.contains("templat"), "{report}");
    let mut lenient = external_secret_schema();
    strip_strictness(&mut lenient);
    check_jsonschema(&lenient, &[misspelt]).expect("the CRD as written prunes unknown fields");

    let mut token = tokens[0].clone();
    token["spec"]["auth"]["workloadIdentity"]["serviceAccount"] = json!({"name": "x"});
    assert!(check_jsonschema(&acr_access_token_schema(), &[token]).is_err());
}

fn strip_strictness(schema: &mut Json) {
    match schema {
        Json::Object(map) => {
            if map.get("additionalProperties") == Some(&Json::Bool(false)) {
                map.remove("additionalProperties");
            }
            map.values_mut().for_each(strip_strictness);
        }
        Json::Array(items) => items.iter_mut().for_each(strip_strictness),
        _ => {}
    }
}

// The template, rendered by Go's text/template with sprig.

/// Helm 4, from `HELM4` or where `scripts/install-helm 4` puts it.
fn helm() -> PathBuf {
    let path = std::env::var_os("HELM4")
        .map(PathBuf::from)
        .unwrap_or_else(|| repository().join("target/tools/helm4"));
    assert!(path.exists(), "helm is missing: run scripts/install-helm 4 (scripts/test does)");
    path
}

/// A kubectl golden of fixtures/kubectl-secret/ without an email (ESO's template has none).
struct Golden {
    case: String,
    server: String,
    username: String,
    password: String,
    /// The `.dockerconfigjson` kubectl wrote, decoded.
    docker_config_json: Vec<u8>,
}

fn goldens() -> Vec<Golden> {
    let fixtures = repository().join("fixtures/kubectl-secret");
    let tsv = fs::read_to_string(fixtures.join("cases.tsv")).unwrap();
    let mut lines = tsv.lines().filter(|line| !line.starts_with('#'));
    assert_eq!(lines.next(), Some("case\tname\tnamespace\tserver\tusername\tpassword\temail"));
    lines
        .filter_map(|line| {
            let [case, _, _, server, username, password, email] =
                line.split('\t').collect::<Vec<_>>()[..]
            else {
                panic!("not 7 columns: {line:?}");
            };
            if email != "-" {
                return None;
            }
            let golden = fs::read_to_string(fixtures.join(format!("{case}.yaml"))).unwrap();
            let golden: Value = yaml_serde::from_str(&golden).unwrap();
            let data = str_at(&golden, &["data", ".dockerconfigjson"]).unwrap();
            Some(Golden {
                case: case.to_string(),
                server: server.to_string(),
                username: username.to_string(),
                password: serde_json::from_str(password).unwrap(),
                docker_config_json: STANDARD.decode(data).unwrap(),
            })
        })
        .collect()
}

/// The template for `server` as the emitted ExternalSecret holds it, read back by an
/// independent YAML parser (so the quoting is checked too).
fn template_in_external_secret(server: &str) -> String {
    let format = FromStore {
        template: DockerConfigTemplate::new(server).unwrap(),
        store: "SecretStore/kv".parse().unwrap(),
        keys: "u,p".parse().unwrap(),
        refresh: "1h".parse().unwrap(),
    };
    let text = format.render(0, "acr-secret", None, "\n").unwrap();
    let document: Value = yaml_serde::from_str(&text).unwrap();
    str_at(&document, &["spec", "target", "template", "data", ".dockerconfigjson"])
        .unwrap()
        .to_string()
}

/// What Go's text/template with sprig makes of each case's template for its username and
/// password: a throwaway chart defines one template per case, verbatim, and `helm template`
/// prints each rendering base64-encoded (so every byte survives the YAML around it). The
/// values go in base64 too: Helm reads values files as YAML, which refuses raw control
/// characters, and the chart decodes them into the strings ESO would hand the template.
fn rendered_by_helm(goldens: &[Golden]) -> Vec<Vec<u8>> {
    let chart = TempDir::new().unwrap();
    chart
        .child("Chart.yaml")
        .write_str("apiVersion: v2\nname: eso-template\nversion: 0.1.0\n")
        .unwrap();
    let mut template = String::new();
    for (i, golden) in goldens.iter().enumerate() {
        let eso = template_in_external_secret(&golden.server);
        template.push_str(&format!("{{{{- define \"case-{i}\" }}}}{eso}{{{{ end -}}}}\n"));
    }
    template.push_str(concat!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rendered\ndata:\n",
        "{{- range $i, $case := .Values.cases }}\n",
        "  {{ $i | quote }}: {{ include (printf \"case-%d\" $i) (dict \"username\" (b64dec $case.username) \"password\" (b64dec $case.password)) | b64enc | quote }}\n",
        "{{- end }}\n"
    ));
    chart.child("templates/rendered.yaml").write_str(&template).unwrap();
    let cases: Vec<Json> =
        goldens.iter().map(|g| json!({"username": STANDARD.encode(&g.username), "password": STANDARD.encode(&g.password)})).collect();
    let values = chart.child("values.json");
    values.write_str(&json!({ "cases": cases }).to_string()).unwrap();
    let output = Command::new(helm())
        .args(["template", "t"])
        .arg(chart.path())
        .arg("-f")
        .arg(values.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "helm template: {}", String::from_utf8_lossy(&output.stderr));
    let documents = oracle_documents(&output.stdout);
    (0..goldens.len())
        .map(|i| {
            let encoded = str_at(&documents[0], &["data", &i.to_string()]).unwrap();
            STANDARD.decode(encoded).unwrap()
        })
        .collect()
}

#[test]
fn esos_template_engine_makes_kubectls_bytes_for_every_password() {
    let goldens = goldens();
    assert!(goldens.iter().any(|g| g.case == "password-shell-hostile"));
    assert!(goldens.iter().any(|g| g.case == "password-html"));
    let rendered = rendered_by_helm(&goldens);
    for (golden, rendered) in goldens.iter().zip(rendered) {
        assert_eq!(
            String::from_utf8_lossy(&rendered),
            String::from_utf8_lossy(&golden.docker_config_json),
            "case {}",
            golden.case
        );
        assert_eq!(rendered, golden.docker_config_json, "case {}", golden.case);
    }
}

// Found while building the format, and fixed where they were (placement.rs).

#[test]
fn switching_from_tokens_to_a_store_leaves_one_external_secret_per_namespace() {
    let tokens = run_ok(external_secrets(&TOKEN), WORKLOADS.as_bytes());
    let store = run_ok(external_secrets(&STORE), &tokens);
    assert_eq!(
        kinds_and_namespaces(&oracle_documents(&store)),
        owned(&[
            ("ExternalSecret", Some("shop")),
            ("Deployment", Some("shop")),
            ("ExternalSecret", None),
            ("Job", None),
        ])
    );
    assert_eq!(store, run_ok(external_secrets(&STORE), WORKLOADS.as_bytes()));
}

#[test]
fn check_shows_a_changed_template_since_it_holds_no_credential() {
    let dir = repository_with_workloads();
    let files = ["k8s", "--secret-file", "k8s/pull-secret.yaml"];
    in_dir(&dir, &[&STORE[..], &["--write"], &files].concat()).assert().code(1);
    let mut other_registry = acr_inject();
    other_registry
        .current_dir(dir.path())
        .args(["-r", "otherregistry", "--check"])
        .args(STORE)
        .args(files);
    other_registry.assert().code(1).stdout(predicate::str::contains(
        "+        .dockerconfigjson: '{\"auths\":{\"otherregistry.azurecr.io\"",
    ));
}
