//! Helpers shared by the end-to-end tests: running the built binary, and checking its output
//! with an independent YAML parser (yaml_serde, libyaml underneath) instead of our own.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use yaml_serde::Value;

/// The password used by tests: recognisable, so a leak is easy to search for.
pub const PASSWORD: &str = "Pa$$w0rd-LEAK-CANARY";
pub const USERNAME: &str = "11111111-2222-3333-4444-555555555555";

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The flat corpus files (not the kustomize trees), sorted by name.
pub fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("../shared/corpus is beside the repository")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    files
}

/// Every flat corpus file as one stream, each preceded by `---` (as the benchmark builds it).
pub fn corpus_stream() -> Vec<u8> {
    let mut stream = Vec::new();
    for path in corpus_files() {
        stream.extend_from_slice(b"---\n");
        stream.extend_from_slice(&std::fs::read(path).unwrap());
        if !stream.ends_with(b"\n") {
            stream.push(b'\n');
        }
    }
    stream
}

/// The binary with a clean environment: no credential of the caller's leaks in.
pub fn acr_inject() -> Command {
    let mut command = Command::cargo_bin("acr-inject").unwrap();
    command.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command
}

/// The binary with credentials for `myregistry` in the environment.
pub fn acr_inject_with_credentials() -> Command {
    let mut command = acr_inject();
    command.env("ACR_INJECT_PASSWORD", PASSWORD).args(["-r", "myregistry", "-u", USERNAME]);
    command
}

/// Runs the binary on `input` and returns stdout, asserting success.
pub fn run_ok(mut command: Command, input: &[u8]) -> Vec<u8> {
    let output = command.write_stdin(input.to_vec()).output().unwrap();
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Every document of a stream, parsed by yaml_serde.
pub fn oracle_documents(text: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(text).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    yaml_serde::Deserializer::from_str(text)
        .map(|document| {
            serde::Deserialize::deserialize(document).expect("yaml_serde parses the document")
        })
        .collect()
}

/// Asserts that `output` is `input` with bytes inserted and none removed or changed, that is,
/// `input` is a subsequence of `output` (checked greedily, which is exact for subsequences).
pub fn assert_only_insertions(input: &[u8], output: &[u8]) {
    let mut matched = 0;
    for &byte in output {
        if matched < input.len() && input[matched] == byte {
            matched += 1;
        }
    }
    assert_eq!(
        matched,
        input.len(),
        "output lost or changed input bytes from offset {matched}: {:?}",
        String::from_utf8_lossy(&input[matched..input.len().min(matched + 80)])
    );
}

pub fn get<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |node, key| node.get(*key))
}

pub fn str_at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v str> {
    get(value, path).and_then(Value::as_str)
}

/// Whether `document` is a pull Secret named `name` made by the tool.
pub fn is_pull_secret(document: &Value, name: &str) -> bool {
    str_at(document, &["kind"]) == Some("Secret")
        && str_at(document, &["metadata", "name"]) == Some(name)
        && str_at(document, &["type"]) == Some("kubernetes.io/dockerconfigjson")
}

/// Fields that list pull secrets: `{name: ...}` items, or plain names (Spark, Kruise).
const LIST_FIELDS: &[&str] = &["imagePullSecrets", "pullSecrets", "packagePullSecrets"];

/// Fields that hold one `{name: ...}` (MinIO, OpenShift builds).
const OBJECT_FIELDS: &[&str] = &["imagePullSecret", "pullSecret"];

/// The document with every reference to `name` removed from every pull-secret list
/// (`{name: <name>}` items and plain `<name>` items), list keys that are then empty or null
/// removed, and one-reference fields that name only `name` removed: what the input looked
/// like, as data, if the tool only added the reference.
pub fn without_reference(value: &Value, name: &str) -> Value {
    match value {
        Value::Mapping(map) => {
            let mut out = yaml_serde::Mapping::new();
            for (key, item) in map {
                let field = key.as_str().unwrap_or("");
                if LIST_FIELDS.contains(&field) {
                    let kept: Vec<Value> = match item {
                        Value::Sequence(items) => items
                            .iter()
                            .filter(|i| {
                                str_at(i, &["name"]) != Some(name) && i.as_str() != Some(name)
                            })
                            .map(|i| without_reference(i, name))
                            .collect(),
                        Value::Null => vec![],
                        other => {
                            out.insert(key.clone(), without_reference(other, name));
                            continue;
                        }
                    };
                    if !kept.is_empty() {
                        out.insert(key.clone(), Value::Sequence(kept));
                    }
                    continue;
                }
                if OBJECT_FIELDS.contains(&field) && names_only(item, name)
                    || (OBJECT_FIELDS.contains(&field) && item.is_null())
                {
                    continue;
                }
                out.insert(key.clone(), without_reference(item, name));
            }
            Value::Mapping(out)
        }
        Value::Sequence(items) => {
            Value::Sequence(items.iter().map(|i| without_reference(i, name)).collect())
        }
        Value::Tagged(tagged) => without_reference(&tagged.value, name),
        other => other.clone(),
    }
}

/// Whether `value` is `{name: <name>}` and nothing else.
fn names_only(value: &Value, name: &str) -> bool {
    value.as_mapping().is_some_and(|map| map.len() == 1) && str_at(value, &["name"]) == Some(name)
}

/// Where each workload kind keeps its pod spec, written out again for the tests from the
/// reference table (not taken from the code under test).
pub fn pod_spec_paths(document: &Value) -> Vec<Vec<&'static str>> {
    let kind = str_at(document, &["kind"]).unwrap_or("");
    let api_version = str_at(document, &["apiVersion"]).unwrap_or("");
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let path: &[&str] = match (group, kind) {
        ("", "Pod") => &["spec"],
        ("", "PodTemplate") => &["template", "spec"],
        ("", "ReplicationController") => &["spec", "template", "spec"],
        ("apps" | "extensions", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet") => {
            &["spec", "template", "spec"]
        }
        ("batch", "Job") => &["spec", "template", "spec"],
        ("batch", "CronJob") => &["spec", "jobTemplate", "spec", "template", "spec"],
        ("argoproj.io", "Rollout") if get(document, &["spec", "workloadRef"]).is_none() => {
            &["spec", "template", "spec"]
        }
        ("serving.knative.dev", "Service" | "Configuration") => &["spec", "template", "spec"],
        ("serving.knative.dev", "Revision") => &["spec"],
        ("keda.sh", "ScaledJob") => &["spec", "jobTargetRef", "template", "spec"],
        ("argoproj.io", "Workflow" | "WorkflowTemplate" | "ClusterWorkflowTemplate") => &["spec"],
        ("argoproj.io", "CronWorkflow") => &["spec", "workflowSpec"],
        _ => return vec![],
    };
    if get(document, path).is_some_and(Value::is_mapping) { vec![path.to_vec()] } else { vec![] }
}

/// How a custom resource names its pull secrets (workload-crds.md's shape column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// L: a list of `{name}`.
    Names,
    /// S: a list of strings.
    Strings,
    /// O: one `{name}`.
    Object,
}

/// Where the custom resources of `/work/shared/reference/workload-crds.md` hold their pull
/// secrets: (group, kind, paths, field, shape). Written out again from the reference, in its
/// notation (`[]` every item, `*` every value), not taken from the code under test. Paths end
/// at the mapping that holds the field.
const CRD_HOLDERS: &[(&str, &str, &[&str], &str, Shape)] = &[
    (
        "kubeflow.org",
        "PyTorchJob",
        &["spec.pytorchReplicaSpecs.*.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "kubeflow.org",
        "TFJob",
        &["spec.tfReplicaSpecs.*.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "kubeflow.org",
        "XGBoostJob",
        &["spec.xgbReplicaSpecs.*.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "kubeflow.org",
        "PaddleJob",
        &["spec.paddleReplicaSpecs.*.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "kubeflow.org",
        "JAXJob",
        &["spec.jaxReplicaSpecs.*.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "kubeflow.org",
        "MPIJob",
        &["spec.mpiReplicaSpecs.*.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "trainer.kubeflow.org",
        "TrainingRuntime",
        &["spec.template.spec.replicatedJobs[].template.spec.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "trainer.kubeflow.org",
        "ClusterTrainingRuntime",
        &["spec.template.spec.replicatedJobs[].template.spec.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "trainer.kubeflow.org",
        "TrainJob",
        &[
            "spec.runtimePatches[].trainingRuntimeSpec.template.spec.replicatedJobs[].template.spec.template.spec",
            "spec.podTemplateOverrides[].spec",
        ],
        "imagePullSecrets",
        Shape::Names,
    ),
    ("kubeflow.org", "Notebook", &["spec.template.spec"], "imagePullSecrets", Shape::Names),
    (
        "kubeflow.org",
        "Experiment",
        &["spec.trialTemplate.trialSpec.spec.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "jobset.x-k8s.io",
        "JobSet",
        &["spec.replicatedJobs[].template.spec.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "leaderworkerset.x-k8s.io",
        "LeaderWorkerSet",
        &[
            "spec.leaderWorkerTemplate.leaderTemplate.spec",
            "spec.leaderWorkerTemplate.workerTemplate.spec",
        ],
        "imagePullSecrets",
        Shape::Names,
    ),
    ("batch.volcano.sh", "Job", &["spec.tasks[].template.spec"], "imagePullSecrets", Shape::Names),
    (
        "batch.volcano.sh",
        "CronJob",
        &["spec.jobTemplate.spec.tasks[].template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "batch.volcano.sh",
        "JobTemplate",
        &["spec.tasks[].template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "ray.io",
        "RayCluster",
        &["spec.headGroupSpec.template.spec", "spec.workerGroupSpecs[].template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "ray.io",
        "RayJob",
        &[
            "spec.rayClusterSpec.headGroupSpec.template.spec",
            "spec.rayClusterSpec.workerGroupSpecs[].template.spec",
            "spec.submitterPodTemplate.spec",
        ],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "ray.io",
        "RayService",
        &[
            "spec.rayClusterConfig.headGroupSpec.template.spec",
            "spec.rayClusterConfig.workerGroupSpecs[].template.spec",
        ],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "ray.io",
        "RayCronJob",
        &[
            "spec.jobTemplate.rayClusterSpec.headGroupSpec.template.spec",
            "spec.jobTemplate.rayClusterSpec.workerGroupSpecs[].template.spec",
            "spec.jobTemplate.submitterPodTemplate.spec",
        ],
        "imagePullSecrets",
        Shape::Names,
    ),
    ("sparkoperator.k8s.io", "SparkApplication", &["spec"], "imagePullSecrets", Shape::Strings),
    (
        "sparkoperator.k8s.io",
        "SparkApplication",
        &["spec.driver.template.spec", "spec.executor.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "sparkoperator.k8s.io",
        "ScheduledSparkApplication",
        &["spec.template"],
        "imagePullSecrets",
        Shape::Strings,
    ),
    (
        "sparkoperator.k8s.io",
        "ScheduledSparkApplication",
        &["spec.template.driver.template.spec", "spec.template.executor.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    ("tekton.dev", "TaskRun", &["spec.podTemplate"], "imagePullSecrets", Shape::Names),
    (
        "tekton.dev",
        "PipelineRun",
        &[
            "spec.taskRunTemplate.podTemplate",
            "spec.taskRunSpecs[].podTemplate",
            "spec.podTemplate",
            "spec.taskRunSpecs[].taskPodTemplate",
        ],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "triggers.tekton.dev",
        "EventListener",
        &["spec.resources.kubernetesResource.spec.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    ("argoproj.io", "Sensor", &["spec.template"], "imagePullSecrets", Shape::Names),
    ("argoproj.io", "EventSource", &["spec.template"], "imagePullSecrets", Shape::Names),
    (
        "argoproj.io",
        "EventBus",
        &["spec.jetstream", "spec.nats.native"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "serving.kserve.io",
        "InferenceService",
        &[
            "spec.predictor",
            "spec.transformer",
            "spec.explainer",
            "spec.predictor.workerSpec",
            "spec.canary[].predictor",
        ],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "serving.kserve.io",
        "ServingRuntime",
        &["spec", "spec.workerSpec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "serving.kserve.io",
        "ClusterServingRuntime",
        &["spec", "spec.workerSpec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "serving.kserve.io",
        "LLMInferenceService",
        &[
            "spec.template",
            "spec.worker",
            "spec.prefill.template",
            "spec.prefill.worker",
            "spec.router.scheduler.template",
        ],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "machinelearning.seldon.io",
        "SeldonDeployment",
        &["spec.predictors[].componentSpecs[].spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    ("mlops.seldon.io", "Server", &["spec.podSpec"], "imagePullSecrets", Shape::Names),
    ("apps.kruise.io", "CloneSet", &["spec.template.spec"], "imagePullSecrets", Shape::Names),
    ("apps.kruise.io", "StatefulSet", &["spec.template.spec"], "imagePullSecrets", Shape::Names),
    ("apps.kruise.io", "DaemonSet", &["spec.template.spec"], "imagePullSecrets", Shape::Names),
    ("apps.kruise.io", "BroadcastJob", &["spec.template.spec"], "imagePullSecrets", Shape::Names),
    (
        "apps.kruise.io",
        "AdvancedCronJob",
        &[
            "spec.template.jobTemplate.spec.template.spec",
            "spec.template.broadcastJobTemplate.spec.template.spec",
        ],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "apps.kruise.io",
        "UnitedDeployment",
        &["spec.template.*.spec.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    ("apps.kruise.io", "SidecarSet", &["spec"], "imagePullSecrets", Shape::Names),
    ("apps.kruise.io", "ImagePullJob", &["spec"], "pullSecrets", Shape::Strings),
    (
        "flink.apache.org",
        "FlinkDeployment",
        &[
            "spec.podTemplate.spec",
            "spec.jobManager.podTemplate.spec",
            "spec.taskManager.podTemplate.spec",
        ],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "elasticsearch.k8s.elastic.co",
        "Elasticsearch",
        &["spec.nodeSets[].podTemplate.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "kibana.k8s.elastic.co",
        "Kibana",
        &["spec.podTemplate.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "apm.k8s.elastic.co",
        "ApmServer",
        &["spec.podTemplate.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "logstash.k8s.elastic.co",
        "Logstash",
        &["spec.podTemplate.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "beat.k8s.elastic.co",
        "Beat",
        &[
            "spec.daemonSet.podTemplate.spec",
            "spec.deployment.podTemplate.spec",
            "spec.statefulSet.podTemplate.spec",
        ],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "agent.k8s.elastic.co",
        "Agent",
        &[
            "spec.daemonSet.podTemplate.spec",
            "spec.deployment.podTemplate.spec",
            "spec.statefulSet.podTemplate.spec",
        ],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "kafka.strimzi.io",
        "Kafka",
        &[
            "spec.kafka.template.pod",
            "spec.entityOperator.template.pod",
            "spec.cruiseControl.template.pod",
            "spec.kafkaExporter.template.pod",
            "spec.zookeeper.template.pod",
            "spec.jmxTrans.template.pod",
        ],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "kafka.strimzi.io",
        "KafkaConnect",
        &["spec.template.pod", "spec.template.buildPod"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "kafka.strimzi.io",
        "KafkaMirrorMaker2",
        &["spec.template.pod", "spec.template.buildPod"],
        "imagePullSecrets",
        Shape::Names,
    ),
    ("kafka.strimzi.io", "KafkaBridge", &["spec.template.pod"], "imagePullSecrets", Shape::Names),
    ("kafka.strimzi.io", "KafkaNodePool", &["spec.template.pod"], "imagePullSecrets", Shape::Names),
    ("monitoring.coreos.com", "Prometheus", &["spec"], "imagePullSecrets", Shape::Names),
    ("monitoring.coreos.com", "Alertmanager", &["spec"], "imagePullSecrets", Shape::Names),
    ("monitoring.coreos.com", "ThanosRuler", &["spec"], "imagePullSecrets", Shape::Names),
    ("monitoring.coreos.com", "PrometheusAgent", &["spec"], "imagePullSecrets", Shape::Names),
    ("postgresql.cnpg.io", "Cluster", &["spec"], "imagePullSecrets", Shape::Names),
    ("postgresql.cnpg.io", "Pooler", &["spec.template.spec"], "imagePullSecrets", Shape::Names),
    ("minio.min.io", "Tenant", &["spec"], "imagePullSecret", Shape::Object),
    (
        "pkg.crossplane.io",
        "DeploymentRuntimeConfig",
        &["spec.deploymentTemplate.spec.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    ("pkg.crossplane.io", "Provider", &["spec"], "packagePullSecrets", Shape::Names),
    ("pkg.crossplane.io", "Function", &["spec"], "packagePullSecrets", Shape::Names),
    (
        "actions.github.com",
        "AutoscalingRunnerSet",
        &["spec.template.spec", "spec.listenerTemplate.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "actions.summerwind.dev",
        "RunnerDeployment",
        &["spec.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "actions.summerwind.dev",
        "RunnerReplicaSet",
        &["spec.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "actions.summerwind.dev",
        "RunnerSet",
        &["spec.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    ("actions.summerwind.dev", "Runner", &["spec"], "imagePullSecrets", Shape::Names),
    (
        "sources.knative.dev",
        "ContainerSource",
        &["spec.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "grafana.integreatly.org",
        "Grafana",
        &["spec.deployment.spec.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    ("operator.victoriametrics.com", "VMAgent", &["spec"], "imagePullSecrets", Shape::Names),
    ("operator.victoriametrics.com", "VMAlert", &["spec"], "imagePullSecrets", Shape::Names),
    ("operator.victoriametrics.com", "VMAlertmanager", &["spec"], "imagePullSecrets", Shape::Names),
    ("operator.victoriametrics.com", "VMAuth", &["spec"], "imagePullSecrets", Shape::Names),
    ("operator.victoriametrics.com", "VMSingle", &["spec"], "imagePullSecrets", Shape::Names),
    (
        "operator.victoriametrics.com",
        "VMCluster",
        &["spec", "spec.vmselect", "spec.vminsert", "spec.vmstorage"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "apps.openshift.io",
        "DeploymentConfig",
        &["spec.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
    (
        "build.openshift.io",
        "BuildConfig",
        &[
            "spec.strategy.sourceStrategy",
            "spec.strategy.dockerStrategy",
            "spec.strategy.customStrategy",
            "spec.source.images[]",
        ],
        "pullSecret",
        Shape::Object,
    ),
    (
        "rabbitmq.com",
        "RabbitmqCluster",
        &["spec", "spec.override.statefulSet.spec.template.spec"],
        "imagePullSecrets",
        Shape::Names,
    ),
];

/// The kinds of `CRD_HOLDERS`, as (group, kind), once each.
pub fn crd_kinds() -> Vec<(&'static str, &'static str)> {
    let mut kinds: Vec<(&str, &str)> = CRD_HOLDERS.iter().map(|&(g, k, ..)| (g, k)).collect();
    kinds.dedup();
    kinds
}

/// A mapping of a custom resource that must reference the pull secret.
pub struct Holder<'v> {
    pub value: &'v Value,
    pub field: &'static str,
    pub shape: Shape,
}

/// The holders present in a custom resource of the reference's table.
pub fn crd_holders(document: &Value) -> Vec<Holder<'_>> {
    let kind = str_at(document, &["kind"]).unwrap_or("");
    let api_version = str_at(document, &["apiVersion"]).unwrap_or("");
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let mut holders = Vec::new();
    for &(g, k, paths, field, shape) in CRD_HOLDERS {
        if (g, k) != (group, kind) {
            continue;
        }
        for path in paths {
            let mut found = vec![document];
            for segment in path.split('.') {
                let (key, each) = match segment.strip_suffix("[]") {
                    Some(key) => (key, true),
                    None => (segment, false),
                };
                found = found
                    .into_iter()
                    .flat_map(|node| -> Vec<&Value> {
                        if key == "*" {
                            node.as_mapping().map(|m| m.values().collect()).unwrap_or_default()
                        } else {
                            node.get(key).into_iter().collect()
                        }
                    })
                    .flat_map(|node| -> Vec<&Value> {
                        if each {
                            node.as_sequence().map(|s| s.iter().collect()).unwrap_or_default()
                        } else {
                            vec![node]
                        }
                    })
                    .collect();
            }
            holders.extend(found.into_iter().filter(|v| v.is_mapping()).map(|value| Holder {
                value,
                field,
                shape,
            }));
        }
    }
    holders
}

/// Whether `holder` references `name` in its field, in its shape.
pub fn holder_references(holder: &Holder, name: &str) -> bool {
    let field = holder.value.get(holder.field);
    match holder.shape {
        Shape::Names => field
            .and_then(Value::as_sequence)
            .is_some_and(|items| items.iter().any(|item| str_at(item, &["name"]) == Some(name))),
        Shape::Strings => field
            .and_then(Value::as_sequence)
            .is_some_and(|items| items.iter().any(|item| item.as_str() == Some(name))),
        Shape::Object => field.is_some_and(|value| str_at(value, &["name"]) == Some(name)),
    }
}

/// Whether the pod spec at `path` lists `{name: <name>}` in `imagePullSecrets`.
pub fn references(document: &Value, path: &[&str], name: &str) -> bool {
    let mut full = path.to_vec();
    full.push("imagePullSecrets");
    get(document, &full)
        .and_then(Value::as_sequence)
        .is_some_and(|items| items.iter().any(|item| str_at(item, &["name"]) == Some(name)))
}

/// The namespace of a document (`None` when it names none).
pub fn namespace(document: &Value) -> Option<String> {
    str_at(document, &["metadata", "namespace"]).map(str::to_string)
}

/// Checks what an independent parser sees in `output` against `input`: the same documents
/// with the reference added to every workload, plus one pull Secret per namespace that has
/// workloads.
pub fn assert_oracle_sees_only_the_injection(input: &[u8], output: &[u8], name: &str) {
    let before = oracle_documents(input);
    let after = oracle_documents(output);
    let had_secret =
        |ns: &Option<String>| before.iter().any(|d| is_pull_secret(d, name) && namespace(d) == *ns);
    let (secrets, rest): (Vec<&Value>, Vec<&Value>) =
        after.iter().partition(|d| is_pull_secret(d, name) && !had_secret(&namespace(d)));
    let kept_secrets: Vec<&Value> = before.iter().filter(|d| is_pull_secret(d, name)).collect();
    assert_eq!(rest.len(), before.len(), "document count changed beyond the added Secrets");
    let mut workload_namespaces = std::collections::BTreeSet::new();
    for (old, new) in before.iter().zip(&rest) {
        if is_pull_secret(old, name) {
            continue;
        }
        assert_eq!(
            without_reference(new, name),
            without_reference(old, name),
            "a document changed beyond the reference"
        );
        for path in pod_spec_paths(new) {
            assert!(
                references(new, &path, name),
                "pod spec at {path:?} lacks the reference in {new:?}"
            );
            workload_namespaces.insert(namespace(new));
        }
        for holder in crd_holders(new) {
            assert!(
                holder_references(&holder, name),
                "a {:?} holder lacks the reference in {new:?}",
                holder.shape
            );
            workload_namespaces.insert(namespace(new));
        }
        for item in get(new, &["items"]).and_then(Value::as_sequence).into_iter().flatten() {
            for path in pod_spec_paths(item) {
                assert!(references(item, &path, name), "list item pod spec lacks the reference");
                workload_namespaces.insert(namespace(item));
            }
        }
    }
    let secret_namespaces: std::collections::BTreeSet<Option<String>> =
        secrets.iter().chain(&kept_secrets).map(|d| namespace(d)).collect();
    assert_eq!(
        secrets.len() + kept_secrets.len(),
        secret_namespaces.len(),
        "a namespace got two Secrets"
    );
    assert!(
        workload_namespaces.is_subset(&secret_namespaces),
        "{workload_namespaces:?} vs {secret_namespaces:?}"
    );
}
