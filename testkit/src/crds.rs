//! Where the custom resources of the reference (`shared/reference/workload-crds.md`) hold their
//! pull secrets, written out again from the reference, in its notation, not taken from the
//! code under test: the CRD half of [`crate::kinds`].

use yaml_serde::Value;

use crate::oracle::str_at;

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
