//! Where each workload kind keeps its pod spec, written out again from the reference
//! (`shared/reference/workload-kinds.md`) instead of taken from the code under test: a test
//! reading the tool's own table would agree with any mistake in it.

use yaml_serde::Value;

use crate::oracle::{get, str_at};

/// A row of the reference table.
#[derive(Clone, Copy, Debug)]
pub struct WorkloadKind {
    pub kind: &'static str,
    /// Its apiVersions, the current one first. Objects are matched on the group (before the
    /// `/`), so an older version of a group is the same kind.
    pub api_versions: &'static [&'static str],
    /// The keys from the object's root to its pod spec.
    pub pod_spec: &'static [&'static str],
    pub spec: Spec,
    /// A path whose presence means the object has no pod spec of its own.
    pub unless: Option<&'static [&'static str]>,
}

/// What the pod spec holds.
#[derive(Clone, Copy, Debug)]
pub enum Spec {
    /// A PodSpec: `containers` and the rest.
    Pod,
    /// An Argo Workflows spec: `templates`, with `imagePullSecrets` directly in it.
    Workflow,
}

const TEMPLATE_SPEC: &[&str] = &["spec", "template", "spec"];
const APPS: &[&str] = &["apps/v1", "apps/v1beta2", "extensions/v1beta1"];

const fn pods(
    kind: &'static str,
    api_versions: &'static [&'static str],
    pod_spec: &'static [&'static str],
) -> WorkloadKind {
    WorkloadKind { kind, api_versions, pod_spec, spec: Spec::Pod, unless: None }
}

const fn workflows(kind: &'static str, pod_spec: &'static [&'static str]) -> WorkloadKind {
    let api_versions = &["argoproj.io/v1alpha1"];
    WorkloadKind { kind, api_versions, pod_spec, spec: Spec::Workflow, unless: None }
}

/// Every workload kind of the reference. `List`s and other objects with `items` are not rows:
/// their items are objects in their own right ([`workloads`]).
pub const WORKLOAD_KINDS: &[WorkloadKind] = &[
    pods("Pod", &["v1"], &["spec"]),
    pods("PodTemplate", &["v1"], &["template", "spec"]),
    pods("ReplicationController", &["v1"], TEMPLATE_SPEC),
    pods("Deployment", APPS, TEMPLATE_SPEC),
    pods("StatefulSet", APPS, TEMPLATE_SPEC),
    pods("DaemonSet", APPS, TEMPLATE_SPEC),
    pods("ReplicaSet", APPS, TEMPLATE_SPEC),
    pods("Job", &["batch/v1"], TEMPLATE_SPEC),
    pods("CronJob", &["batch/v1"], &["spec", "jobTemplate", "spec", "template", "spec"]),
    WorkloadKind {
        unless: Some(&["spec", "workloadRef"]),
        ..pods("Rollout", &["argoproj.io/v1alpha1"], TEMPLATE_SPEC)
    },
    pods("Service", &["serving.knative.dev/v1"], TEMPLATE_SPEC),
    pods("Configuration", &["serving.knative.dev/v1"], TEMPLATE_SPEC),
    pods("Revision", &["serving.knative.dev/v1"], &["spec"]),
    pods("ScaledJob", &["keda.sh/v1alpha1"], &["spec", "jobTargetRef", "template", "spec"]),
    workflows("Workflow", &["spec"]),
    workflows("WorkflowTemplate", &["spec"]),
    workflows("ClusterWorkflowTemplate", &["spec"]),
    workflows("CronWorkflow", &["spec", "workflowSpec"]),
];

/// The API group of an apiVersion: `apps` of `apps/v1`, empty (core) for `v1`.
pub fn group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

/// The row for an object of `kind` in `api_version`'s group.
pub fn workload_kind(api_version: &str, kind: &str) -> Option<&'static WorkloadKind> {
    WORKLOAD_KINDS.iter().find(|row| {
        row.kind == kind && row.api_versions.iter().any(|v| group(v) == group(api_version))
    })
}

/// Where the parsed object `document` has a pod spec the tool must edit: a workload's pod
/// spec that is a mapping (a null one is nothing to do).
pub fn pod_spec_path(document: &Value) -> Option<&'static [&'static str]> {
    let kind = str_at(document, &["kind"])?;
    let row = workload_kind(str_at(document, &["apiVersion"]).unwrap_or(""), kind)?;
    if row.unless.is_some_and(|path| get(document, path).is_some()) {
        return None;
    }
    get(document, row.pod_spec).is_some_and(Value::is_mapping).then_some(row.pod_spec)
}

/// Every object in `document` with a pod spec the tool must edit, and where it is: the
/// document itself, or the items of an object that is no workload (a `List`, a `*List`, any
/// object with `items`), and theirs, and so on. A document without `kind` is no object.
pub fn workloads(document: &Value) -> Vec<(&Value, &'static [&'static str])> {
    if str_at(document, &["kind"]).is_none() {
        return Vec::new();
    }
    if let Some(path) = pod_spec_path(document) {
        return vec![(document, path)];
    }
    let items = get(document, &["items"]).and_then(Value::as_sequence);
    items.into_iter().flatten().flat_map(workloads).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(text: &str) -> Value {
        yaml_serde::from_str(text).unwrap()
    }

    #[test]
    fn the_group_decides_not_the_kind_name() {
        let knative = document(
            "apiVersion: serving.knative.dev/v1\nkind: Service\nspec: {template: {spec: {}}}",
        );
        let core = document("apiVersion: v1\nkind: Service\nspec: {template: {spec: {}}}");
        assert_eq!(pod_spec_path(&knative), Some(TEMPLATE_SPEC));
        assert_eq!(pod_spec_path(&core), None);
    }

    #[test]
    fn legacy_versions_of_a_group_are_the_same_kind() {
        let legacy = document(
            "apiVersion: extensions/v1beta1\nkind: DaemonSet\nspec: {template: {spec: {}}}",
        );
        assert_eq!(pod_spec_path(&legacy), Some(TEMPLATE_SPEC));
    }

    #[test]
    fn a_rollout_with_a_workload_ref_has_no_pod_spec_of_its_own() {
        let rollout = document(
            "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nspec: {workloadRef: {name: web}, template: {spec: {}}}",
        );
        assert_eq!(pod_spec_path(&rollout), None);
    }

    #[test]
    fn a_null_pod_spec_is_nothing_to_do() {
        assert_eq!(pod_spec_path(&document("apiVersion: v1\nkind: Pod\nspec:")), None);
    }

    #[test]
    fn list_items_are_objects_in_their_own_right_at_any_depth() {
        let list = document(
            "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, spec: {}}\n- {kind: List, items: [{apiVersion: batch/v1, kind: Job, spec: {template: {spec: {}}}}]}",
        );
        let paths: Vec<_> = workloads(&list).into_iter().map(|(_, path)| path).collect();
        assert_eq!(paths, [&["spec"][..], TEMPLATE_SPEC]);
    }

    #[test]
    fn items_without_kind_are_data() {
        let values = document("items:\n- {apiVersion: v1, kind: Pod, spec: {}}");
        assert!(workloads(&values).is_empty());
    }
}
