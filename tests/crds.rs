//! Custom resources end to end: `--rules` files (good and bad), the warnings that carry what
//! the tool could not do (another Secret in a one-name field, a pod spec not where its kind
//! keeps it), the Helm hint, `--only-registry-images` with images outside the pod spec, and
//! the README's table, which must be the rule table.

mod common;

use assert_fs::TempDir;
use assert_fs::prelude::*;
use common::*;

/// Runs the binary with `--no-secret` on `input`: (exit code, stdout, stderr).
fn run(args: &[&str], input: &str) -> (i32, String, String) {
    let output =
        acr_inject().arg("--no-secret").args(args).write_stdin(input.to_string()).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

const CRONTAB: &str = "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: c\nspec:\n  \
                       runner:\n    pod:\n      containers: []\n";

#[test]
fn a_rules_file_teaches_a_new_kind_its_field_and_shape() {
    let dir = TempDir::new().unwrap();
    let rules = dir.child("rules.yaml");
    rules
        .write_str("- kind: CronTab\n  group: stable.example.com\n  paths: [spec.runner.pod]\n  field: pullSecrets\n  shape: strings\n")
        .unwrap();
    let (code, out, err) = run(&["--rules", rules.path().to_str().unwrap()], CRONTAB);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.ends_with("      containers: []\n      pullSecrets:\n      - acr-secret\n"),
        "{out}"
    );
    let (_, untouched, _) = run(&[], CRONTAB);
    assert_eq!(untouched, CRONTAB, "without the rule nothing changes");
}

#[test]
fn the_rules_files_come_from_acr_inject_rules_separated_by_colons() {
    let dir = TempDir::new().unwrap();
    let empty = dir.child("empty.yaml");
    empty.write_str("# no rules yet\n").unwrap();
    let rules = dir.child("rules.yaml");
    rules.write_str("- {kind: CronTab, paths: [spec.runner.pod]}\n").unwrap();
    let list = format!("{}:{}", empty.path().display(), rules.path().display());
    let output = acr_inject()
        .args(["--no-secret"])
        .env("ACR_INJECT_RULES", list)
        .write_stdin(CRONTAB)
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("- name: acr-secret"));
}

#[test]
fn a_rules_file_rule_replaces_the_built_in_one() {
    let dir = TempDir::new().unwrap();
    let rules = dir.child("rules.yaml");
    rules
        .write_str("- {kind: Prometheus, group: monitoring.coreos.com, paths: [spec.custom]}\n")
        .unwrap();
    let prometheus = "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata:\n  name: p\nspec:\n  \
                      replicas: 1\n  custom:\n    a: b\n";
    let (code, out, err) = run(&["--rules", rules.path().to_str().unwrap()], prometheus);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches("acr-secret").count(), 1, "{out}");
    assert!(out.ends_with("    a: b\n    imagePullSecrets:\n    - name: acr-secret\n"), "{out}");
}

#[test]
fn each_kind_of_bad_rules_file_is_an_error_at_its_line_and_column() {
    let dir = TempDir::new().unwrap();
    for (text, expected) in [
        (
            "- kind: CronTab\n  paths: [spec]\n  secretPassword: hunter2\n",
            ":3:3: in the rules: unknown key `secretPassword`",
        ),
        (
            "- kind: CronTab\n  paths: [spec..x]\n",
            ":2:11: in the rules: `paths`: `` is not a path segment",
        ),
        (
            "- kind: CronTab\n  paths: [spec]\n  shape: list\n",
            ":3:10: in the rules: `shape`: expected `names`, `strings` or `object`",
        ),
        ("- paths: [spec]\n", ":1:3: in the rules: the rule has no `kind`"),
        ("- kind: CronTab\n", ":1:3: in the rules: the rule has no `paths`"),
        ("kind: CronTab\n", ":1:1: in the rules: expected a list of rules"),
        ("- {kind: CronTab, paths: [spec]\n", ":1:3: in the rules: unclosed bracket"),
    ] {
        let rules = dir.child("bad.yaml");
        rules.write_str(text).unwrap();
        let (code, out, err) = run(&["--rules", rules.path().to_str().unwrap()], CRONTAB);
        assert_eq!(code, 2, "{text:?}");
        assert!(out.is_empty());
        assert!(err.contains(&format!("bad.yaml{expected}")), "{text:?}: {err}");
        assert!(!err.contains("hunter2"), "the file's content is not quoted: {err}");
    }
    let (code, _, err) = run(&["--rules", "/nonexistent/rules.yaml"], CRONTAB);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/rules.yaml: cannot read the rules"), "{err}");
}

#[test]
fn a_one_name_field_naming_another_secret_is_kept_with_a_warning() {
    let tenant = "apiVersion: minio.min.io/v2\nkind: Tenant\nmetadata:\n  name: storage\nspec:\n  \
                  imagePullSecret:\n    name: dockerhub\n";
    let (code, out, err) = run(&[], tenant);
    assert_eq!(code, 0);
    assert_eq!(out, tenant, "left as it is");
    assert_eq!(
        err,
        "acr-inject: warning: <stdin>:7:11: Tenant/storage: `imagePullSecret` names the Secret \
         `dockerhub`, not `acr-secret`, and holds one name only; left as it is\n"
    );
}

#[test]
fn a_pod_spec_missing_from_where_its_kind_keeps_it_is_a_warning_not_silence() {
    // Misindented: `template` went under `replicas`' sibling `spec` of the replicated job.
    let jobset = "apiVersion: jobset.x-k8s.io/v1alpha2\nkind: JobSet\nmetadata:\n  name: js\nspec:\n  \
                  replicatedJobs:\n    - name: workers\n      spec:\n        template: {}\n";
    let (code, out, err) = run(&[], jobset);
    assert_eq!(code, 0, "a warning keeps the exit status");
    assert_eq!(out, jobset, "the document passes through unchanged");
    assert_eq!(
        err,
        "acr-inject: warning: <stdin>:2:7: JobSet/js: nothing at \
         `spec.replicatedJobs[].template.spec.template.spec`, where this kind keeps its pod spec; \
         nothing added there\n"
    );
}

#[test]
fn optional_holders_and_todays_kinds_are_absent_in_silence() {
    let stream = "apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata:\n  name: t\nspec:\n  taskRef:\n    \
                  name: build\n---\napiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: rc\n\
                  ---\napiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata:\n  name: f\n\
                  spec:\n  image: flink:1.20\n";
    let (code, out, err) = run(&[], stream);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, stream);
}

#[test]
fn warnings_are_printed_once_by_check_as_well() {
    let dir = TempDir::new().unwrap();
    let file = dir.child("prometheus.yaml");
    file.write_str(
        "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata:\n  name: p\n",
    )
    .unwrap();
    let output = acr_inject()
        .current_dir(dir.path())
        .args(["--no-secret", "--check", "prometheus.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        err.matches("warning: prometheus.yaml:2:7: Prometheus/p: nothing at `spec`").count(),
        1,
        "{err}"
    );
}

#[test]
fn a_template_in_a_helm_chart_says_to_render_it_first() {
    let dir = TempDir::new().unwrap();
    dir.child("chart/Chart.yaml").write_str("apiVersion: v2\nname: app\nversion: 0.1.0\n").unwrap();
    dir.child("chart/templates/deployment.yaml")
        .write_str("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    {{- include \"app.labels\" . | nindent 4 }}\n")
        .unwrap();
    dir.child("plain/broken.yaml").write_str("a: [\n").unwrap();
    let run_on = |path: &str| {
        let output =
            acr_inject().current_dir(dir.path()).args(["--no-secret", path]).output().unwrap();
        assert_eq!(output.status.code(), Some(2));
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let err = run_on("chart/templates/deployment.yaml");
    assert!(err.starts_with("acr-inject: chart/templates/deployment.yaml:"), "{err}");
    assert!(err.contains("a Helm template, not YAML; render it first (`helm template "), "{err}");
    assert!(err.contains("--argocd"), "{err}");
    assert!(!run_on("plain/broken.yaml").contains("Helm"), "only files in a chart get the hint");
}

#[test]
fn only_registry_images_reads_the_images_a_kind_keeps_outside_its_pod_spec() {
    let flink = |name: &str, image: &str| {
        format!(
            "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata:\n  name: {name}\n\
             spec:\n  image: {image}\n  podTemplate:\n    apiVersion: v1\n    kind: Pod\n    spec:\n      \
             nodeSelector: {{pool: flink}}\n"
        )
    };
    let ours = flink("ours", "myregistry.azurecr.io/flink:1.20");
    let theirs = flink("theirs", "flink:1.20");
    let stream = format!("{ours}---\n{theirs}");
    let (code, out, err) = run(&["-r", "myregistry", "--only-registry-images"], &stream);
    assert_eq!(code, 0, "{err}");
    let (edited, untouched) = out.split_once("---\n").unwrap();
    assert!(edited.contains("imagePullSecrets"), "{edited}");
    assert_eq!(untouched, theirs);
}

#[test]
fn only_registry_images_reads_spark_driver_images() {
    let spark = |image: &str| {
        format!(
            "apiVersion: sparkoperator.k8s.io/v1beta2\nkind: SparkApplication\nmetadata:\n  name: pi\n\
             spec:\n  type: Scala\n  driver:\n    image: {image}\n"
        )
    };
    let (_, out, _) = run(
        &["-r", "myregistry", "--only-registry-images"],
        &spark("myregistry.azurecr.io/spark:3"),
    );
    assert!(out.ends_with("  imagePullSecrets:\n  - acr-secret\n"), "{out}");
    let input = spark("apache/spark:3");
    let (_, out, _) = run(&["-r", "myregistry", "--only-registry-images"], &input);
    assert_eq!(out, input);
}

#[test]
fn a_strings_list_in_a_names_field_is_still_a_located_error() {
    let prometheus = "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata:\n  name: p\nspec:\n  \
                      imagePullSecrets:\n    - dockerhub\n";
    let (code, out, err) = run(&[], prometheus);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("<stdin>:7:7: Prometheus/p: `imagePullSecrets` holds plain strings here"),
        "{err}"
    );
    let spark = "apiVersion: sparkoperator.k8s.io/v1beta2\nkind: SparkApplication\nmetadata:\n  name: s\nspec:\n  \
                 imagePullSecrets:\n    - name: dockerhub\n";
    let (code, _, err) = run(&[], spark);
    assert_eq!(code, 2);
    assert!(err.contains("<stdin>:7:7: SparkApplication/s: `imagePullSecrets` holds `{name: ...}` items here, not plain names"), "{err}");
}

/// Where the README's "What is a workload" table is: between its markers.
fn readme_table(readme: &str) -> std::ops::Range<usize> {
    let marker = "<!-- rules-table -->\n";
    let start = readme.find(marker).expect("the README marks the table") + marker.len();
    let end = readme.find("<!-- /rules-table -->").expect("the README marks the table's end");
    start..end
}

#[test]
fn the_readme_table_is_the_rule_table() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let rendered = acr_inject::k8s::kinds::markdown_table(acr_inject::k8s::kinds::built_in());
    if std::env::var_os("UPDATE_README").is_some() {
        let mut updated = readme.clone();
        updated.replace_range(readme_table(&readme), &rendered);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        readme[readme_table(&readme)] == rendered,
        "README.md's rule table differs from src/k8s/rules.yaml: run `UPDATE_README=1 cargo test --test crds`"
    );
}

#[test]
fn what_a_crd_treats_as_an_override_is_never_created() {
    let stream = "apiVersion: trainer.kubeflow.org/v1alpha1\nkind: TrainJob\nmetadata:\n  name: t\nspec:\n  \
                  runtimeRef:\n    name: torch-distributed\n---\napiVersion: sparkoperator.k8s.io/v1beta2\n\
                  kind: SparkApplication\nmetadata:\n  name: s\nspec:\n  driver:\n    cores: 1\n";
    let (code, out, err) = run(&[], stream);
    assert_eq!((code, err.as_str()), (0, ""));
    let (trainjob, spark) = out.split_once("---\n").unwrap();
    assert_eq!(trainjob, stream.split_once("---\n").unwrap().0, "no patch is made up");
    assert!(!spark.contains("template"), "no driver template is made up: {spark}");
    assert!(spark.ends_with("    cores: 1\n  imagePullSecrets:\n  - acr-secret\n"), "{spark}");
}

#[test]
fn a_pod_spec_path_may_step_into_every_value_of_a_mapping() {
    let input = "apiVersion: example.com/v1\nkind: Trainer\nmetadata:\n  name: t\nspec:\n  roles:\n    \
                 a:\n      pod:\n        containers: []\n    b:\n      pod:\n        containers: []\n";
    let (code, out, err) = run(&["--pod-spec-path", "Trainer.example.com=spec.roles.*.pod"], input);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches("- name: acr-secret").count(), 2, "{out}");
}
