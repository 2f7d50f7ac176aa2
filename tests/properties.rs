//! Property tests: generated manifests go through [`filter_bytes`] and must keep the tool's
//! invariants:
//!
//! 1. the input is a subsequence of the output (only insertions), apart from what the tool
//!    replaces: the body of a pull Secret it finds, an explicit `imagePullSecrets: null`;
//! 2. a second run on the output changes nothing;
//! 3. an independent parser (yaml_serde) sees the input's data plus the references and one pull
//!    Secret per namespace that has workloads;
//! 4. without credentials (`--no-secret`) the number of documents stays the same;
//! 5. skimming (the stdin fast path) gives the bytes of a full parse (`--validate`).
//!
//! The generators write the YAML text themselves instead of serialising data, because what the
//! tool must survive is spelling: block, flow and JSON documents, 2 or 4 space indentation,
//! indented and indentless sequences, sorted, as-built and scrambled key order, quoted keys and
//! values, comments at every position, block scalars, anchors and aliases, CRLF, a byte order
//! mark, `%YAML` directives with `...`, and no final newline.
//!
//! Each property runs [`DEFAULT_CASES`] cases, enough for a quick `cargo test`; for a longer
//! hunt set `PROPTEST_CASES`, e.g. `PROPTEST_CASES=20000 cargo test --release --test
//! properties`. Failures are not persisted to a regressions file: a minimal failing input found
//! here is kept as an ordinary `#[test]` at the end of this file instead.

use std::fmt;
use std::ops::Range;

use acr_inject::credentials::{Credentials, Password};
use acr_inject::filter::{Config, PullSecret, filter_bytes};
use acr_inject::k8s::kinds::Rules;
use acr_inject_testkit::invariants::{
    assert_only_insertions, assert_oracle_sees_only_the_injection,
};
use acr_inject_testkit::oracle::oracle_documents;
use acr_inject_testkit::{PASSWORD, USERNAME};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::Config as ProptestConfig;

const SECRET: &str = "acr-secret";

/// Cases per property when `PROPTEST_CASES` is not set: the properties together stay well
/// under 30 s in a debug build.
const DEFAULT_CASES: u32 = 512;

// ---------------------------------------------------------------------------------------------
// The model: data, plus the spellings that belong to single nodes.

#[derive(Clone, Debug)]
enum Node {
    /// A string: plain where that reads back as the same string, else quoted.
    Str(String),
    Int(i64),
    Bool(bool),
    /// An explicit null, spelt `null` or `~`.
    Null(&'static str),
    /// No value at all (`key:`), which YAML reads as null; `null` in JSON.
    Empty,
    /// Multi-line text: a block scalar in block style, a quoted string elsewhere.
    Text(BlockText),
    /// Words of one string, one per line in block style (plain, or double-quoted when
    /// `quoted`): YAML folds them back into one line.
    Wrapped {
        quoted: bool,
        words: Vec<&'static str>,
    },
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
    /// A collection written in flow style even inside a block document.
    Flow(Box<Node>),
    Anchored(&'static str, Box<Node>),
    /// An alias; JSON has none, so it carries a copy of what it names.
    Alias(&'static str, Box<Node>),
}

/// A block scalar: `header` is `|`, `|+`, `>-`, ...; blank lines after the text belong to the
/// value with `|+` and are dropped otherwise.
#[derive(Clone, Debug)]
struct BlockText {
    header: &'static str,
    lines: Vec<&'static str>,
    trailing_blank_lines: usize,
}

fn string(text: &str) -> Node {
    Node::Str(text.to_string())
}

fn map<'k>(entries: impl IntoIterator<Item = (&'k str, Node)>) -> Node {
    Node::Map(entries.into_iter().map(|(key, value)| (key.to_string(), value)).collect())
}

/// The value of `key` in a mapping.
fn field<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    match node {
        Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

fn field_str<'n>(node: &'n Node, key: &str) -> Option<&'n str> {
    match field(node, key)? {
        Node::Str(text) => Some(text),
        _ => None,
    }
}

/// The namespace of a top-level pull Secret named like ours (`Some(None)`: without one).
fn pull_secret_namespace(object: &Node) -> Option<Option<&str>> {
    let metadata = field(object, "metadata")?;
    (field_str(object, "kind") == Some("Secret") && field_str(metadata, "name") == Some(SECRET))
        .then(|| field_str(metadata, "namespace"))
}

// ---------------------------------------------------------------------------------------------
// Objects.

/// A row of the reference table: objects of this kind keep their pod spec at `path`.
#[derive(Clone, Copy, Debug)]
struct WorkloadKind {
    api_version: &'static str,
    kind: &'static str,
    path: &'static [&'static str],
}

const fn row(
    api_version: &'static str,
    kind: &'static str,
    path: &'static [&'static str],
) -> WorkloadKind {
    WorkloadKind { api_version, kind, path }
}

const TEMPLATE_SPEC: &[&str] = &["spec", "template", "spec"];

/// Every workload kind of `shared/reference/workload-kinds.md`.
const WORKLOAD_KINDS: &[WorkloadKind] = &[
    row("v1", "Pod", &["spec"]),
    row("v1", "PodTemplate", &["template", "spec"]),
    row("v1", "ReplicationController", TEMPLATE_SPEC),
    row("apps/v1", "Deployment", TEMPLATE_SPEC),
    row("apps/v1", "StatefulSet", TEMPLATE_SPEC),
    row("apps/v1", "DaemonSet", TEMPLATE_SPEC),
    row("apps/v1", "ReplicaSet", TEMPLATE_SPEC),
    row("extensions/v1beta1", "Deployment", TEMPLATE_SPEC),
    row("batch/v1", "Job", TEMPLATE_SPEC),
    row("batch/v1", "CronJob", &["spec", "jobTemplate", "spec", "template", "spec"]),
    row("argoproj.io/v1alpha1", "Rollout", TEMPLATE_SPEC),
    row("serving.knative.dev/v1", "Service", TEMPLATE_SPEC),
    row("serving.knative.dev/v1", "Configuration", TEMPLATE_SPEC),
    row("serving.knative.dev/v1", "Revision", &["spec"]),
    row("keda.sh/v1alpha1", "ScaledJob", &["spec", "jobTargetRef", "template", "spec"]),
    row("argoproj.io/v1alpha1", "Workflow", &["spec"]),
    row("argoproj.io/v1alpha1", "WorkflowTemplate", &["spec"]),
    row("argoproj.io/v1alpha1", "ClusterWorkflowTemplate", &["spec"]),
    row("argoproj.io/v1alpha1", "CronWorkflow", &["spec", "workflowSpec"]),
];

impl WorkloadKind {
    /// Argo's workflow specs hold `templates`, not `containers`.
    fn is_argo_workflow(&self) -> bool {
        self.kind.contains("Workflow")
    }
}

#[derive(Clone, Debug)]
struct Workload {
    kind: WorkloadKind,
    name: &'static str,
    namespace: Option<&'static str>,
    pod_spec: Node,
}

impl Workload {
    /// The object, with the pod spec wrapped in the keys of its path and their usual
    /// neighbours.
    fn into_object(self) -> Node {
        let path = self.kind.path;
        let mut node = self.pod_spec;
        for depth in (1..path.len()).rev() {
            let mut entries = neighbours(self.kind.kind, &path[..depth], self.name);
            entries.push((path[depth].to_string(), node));
            node = Node::Map(entries);
        }
        map([
            ("apiVersion", string(self.kind.api_version)),
            ("kind", string(self.kind.kind)),
            ("metadata", metadata(self.name, self.namespace)),
            (path[0], node),
        ])
    }
}

/// What stands beside the next step of a pod spec path in the mapping at `path`.
fn neighbours(kind: &str, path: &[&str], name: &str) -> Vec<(String, Node)> {
    let entries = match (path, kind) {
        ([.., "template"], _) => vec![("metadata", map([("labels", app_label(name))]))],
        (
            ["spec"],
            "Deployment"
            | "StatefulSet"
            | "DaemonSet"
            | "ReplicaSet"
            | "ReplicationController"
            | "Rollout",
        ) => {
            vec![("replicas", Node::Int(2)), ("selector", map([("matchLabels", app_label(name))]))]
        }
        (["spec"], "CronJob" | "CronWorkflow") => vec![("schedule", string("*/5 * * * *"))],
        (["spec"], "Job") => vec![("backoffLimit", Node::Int(3))],
        (["spec"], "ScaledJob") => vec![("pollingInterval", Node::Int(30))],
        _ => vec![],
    };
    entries.into_iter().map(|(key, value)| (key.to_string(), value)).collect()
}

fn app_label(name: &str) -> Node {
    map([("app", string(name))])
}

fn metadata(name: &str, namespace: Option<&str>) -> Node {
    let mut entries = vec![("name", string(name))];
    entries.extend(namespace.map(|ns| ("namespace", string(ns))));
    map(entries)
}

fn config_map(name: &str, namespace: Option<&str>, script: Node) -> Node {
    map([
        ("apiVersion", string("v1")),
        ("kind", string("ConfigMap")),
        ("metadata", metadata(name, namespace)),
        (
            "data",
            map([
                ("mode", string("yes")),
                ("note", string("imagePullSecrets: [] # not data")),
                ("run.sh", script),
            ]),
        ),
    ])
}

/// Core `v1` Service: same kind name as Knative's, no pod spec.
fn core_service(name: &str, namespace: Option<&str>) -> Node {
    map([
        ("apiVersion", string("v1")),
        ("kind", string("Service")),
        ("metadata", metadata(name, namespace)),
        (
            "spec",
            map([
                ("selector", app_label(name)),
                (
                    "ports",
                    Node::Seq(vec![map([
                        ("port", Node::Int(80)),
                        ("targetPort", Node::Int(8080)),
                    ])]),
                ),
            ]),
        ),
    ])
}

/// A CustomResourceDefinition whose schema describes an `imagePullSecrets` field.
fn crd_with_pull_secrets_in_schema() -> Node {
    let object = |properties: Node| map([("type", string("object")), ("properties", properties)]);
    let pull_secrets = map([
        ("type", string("array")),
        ("items", object(map([("name", map([("type", string("string"))]))]))),
    ]);
    let schema = object(map([("spec", object(map([("imagePullSecrets", pull_secrets)])))]));
    map([
        ("apiVersion", string("apiextensions.k8s.io/v1")),
        ("kind", string("CustomResourceDefinition")),
        ("metadata", metadata("crontabs.example.com", None)),
        (
            "spec",
            map([
                ("group", string("example.com")),
                ("scope", string("Namespaced")),
                (
                    "versions",
                    Node::Seq(vec![map([
                        ("name", string("v1")),
                        ("served", Node::Bool(true)),
                        ("storage", Node::Bool(true)),
                        ("schema", map([("openAPIV3Schema", schema)])),
                    ])]),
                ),
            ]),
        ),
    ])
}

/// A kind outside the table whose `imagePullSecrets` is a list of strings (Kubeflow's).
fn spark_application(namespace: Option<&str>) -> Node {
    map([
        ("apiVersion", string("sparkoperator.k8s.io/v1beta2")),
        ("kind", string("SparkApplication")),
        ("metadata", metadata("pi", namespace)),
        (
            "spec",
            map([
                ("image", string("spark:3.5")),
                ("imagePullSecrets", Node::Seq(vec![string("regcred"), string(SECRET)])),
            ]),
        ),
    ])
}

/// Helm values-like data without `kind`: not an object, whatever it holds.
fn kindless_values() -> Node {
    map([
        ("replicaCount", Node::Int(1)),
        ("image", map([("repository", string("nginx")), ("tag", string("1.27"))])),
        ("imagePullSecrets", Node::Seq(vec![])),
    ])
}

/// A JSON 6902 patch as kustomize reads it: a sequence at the root, `imagePullSecrets` as
/// data.
fn json_patch() -> Node {
    Node::Seq(vec![map([
        ("op", string("add")),
        ("path", string("/spec/template/spec/imagePullSecrets")),
        ("value", Node::Seq(vec![map([("name", string("regcred"))])])),
    ])])
}

fn other_secret(namespace: Option<&str>) -> Node {
    map([
        ("apiVersion", string("v1")),
        ("kind", string("Secret")),
        ("metadata", metadata("db-password", namespace)),
        ("type", string("Opaque")),
        ("stringData", map([("password", string("hunter2"))])),
    ])
}

/// A pull Secret as an earlier run wrote it: the tool replaces it where it stands.
fn pull_secret(namespace: Option<&str>) -> Node {
    map([
        ("apiVersion", string("v1")),
        ("kind", string("Secret")),
        ("metadata", metadata(SECRET, namespace)),
        ("type", string("kubernetes.io/dockerconfigjson")),
        ("data", map([(".dockerconfigjson", string("e30="))])),
    ])
}

/// A Rollout that points at a Deployment has no pod template of its own.
fn rollout_with_workload_ref(name: &str, namespace: Option<&str>) -> Node {
    map([
        ("apiVersion", string("argoproj.io/v1alpha1")),
        ("kind", string("Rollout")),
        ("metadata", metadata(name, namespace)),
        (
            "spec",
            map([
                ("replicas", Node::Int(3)),
                (
                    "workloadRef",
                    map([
                        ("apiVersion", string("apps/v1")),
                        ("kind", string("Deployment")),
                        ("name", string(name)),
                    ]),
                ),
            ]),
        ),
    ])
}

fn replication_controller_without_template(name: &str, namespace: Option<&str>) -> Node {
    map([
        ("apiVersion", string("v1")),
        ("kind", string("ReplicationController")),
        ("metadata", metadata(name, namespace)),
        ("spec", map([("replicas", Node::Int(0)), ("selector", app_label(name))])),
    ])
}

#[derive(Clone, Debug)]
enum ListItem {
    Workload(Workload),
    Other(Node),
}

/// A `List` (or `*List`) of `api_version` and `kind`. With `share_pod_spec`, the last
/// workload's pod spec is an alias of the first's (anchored) one.
fn list((api_version, kind): (&str, &str), mut items: Vec<ListItem>, share_pod_spec: bool) -> Node {
    let mut workloads = items.iter_mut().filter_map(|item| match item {
        ListItem::Workload(workload) => Some(workload),
        ListItem::Other(_) => None,
    });
    if share_pod_spec && let (Some(first), Some(last)) = (workloads.next(), workloads.last()) {
        let shared = first.pod_spec.clone();
        first.pod_spec = Node::Anchored("podspec", Box::new(shared.clone()));
        last.pod_spec = Node::Alias("podspec", Box::new(shared));
    }
    let items = items
        .into_iter()
        .map(|item| match item {
            ListItem::Workload(workload) => workload.into_object(),
            ListItem::Other(node) => node,
        })
        .collect();
    map([
        ("apiVersion", string(api_version)),
        ("kind", string(kind)),
        ("metadata", map([("resourceVersion", string(""))])),
        ("items", Node::Seq(items)),
    ])
}

// ---------------------------------------------------------------------------------------------
// Generators of objects.

fn name() -> impl Strategy<Value = &'static str> {
    select(&["web", "api", "worker"][..])
}

/// Absent most often; `123` must be quoted to stay a string.
fn namespace() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        3 => Just(None),
        1 => Just(Some("default")),
        1 => Just(Some("team-a")),
        1 => Just(Some("123")),
    ]
}

/// Values that read as something else when plain: they exercise quoting.
const AWKWARD_STRINGS: &[&str] = &[
    "a # not a comment",
    "yes",
    "",
    "key: value",
    "'single'",
    "\"double\"",
    "{braces}",
    "café ☕",
    "- dash",
    "*star",
    "0755",
    "null",
];

/// Lines that look like markers, comments and YAML, which must stay text.
fn block_text() -> impl Strategy<Value = BlockText> {
    let first = select(&["echo hello", "set -eu", "---", "...", "# not a comment"][..]);
    let more =
        select(&["  indented more", "", "imagePullSecrets: []", "- item", "--- not a marker"][..]);
    (select(&["|", "|+", "|-", ">", ">-"][..]), first, prop::collection::vec(more, 0..3), 0..3usize)
        .prop_map(|(header, first, more, trailing_blank_lines)| BlockText {
            header,
            lines: std::iter::once(first).chain(more).collect(),
            trailing_blank_lines,
        })
}

/// A string folded over lines (the style of long `description`s).
fn wrapped() -> impl Strategy<Value = Node> {
    let words =
        prop::collection::vec(select(&["default", "scheduler", "of the", "cluster"][..]), 2..4);
    (any::<bool>(), words).prop_map(|(quoted, words)| Node::Wrapped { quoted, words })
}

/// A string over several lines: a block scalar or wrapped words.
fn multi_line_string() -> impl Strategy<Value = Node> {
    prop_oneof![block_text().prop_map(Node::Text), wrapped()]
}

fn container() -> impl Strategy<Value = Node> {
    let image = select(
        &["nginx:1.27", "myregistry.azurecr.io/team/api:2.0", "ghcr.io/org/tool@sha256:0f0f"][..],
    );
    (
        select(&["app", "sidecar"][..]),
        image,
        prop::option::weighted(0.3, 1..65535i64),
        prop::option::weighted(0.3, select(AWKWARD_STRINGS)),
        prop::option::weighted(0.3, block_text()),
    )
        .prop_map(|(name, image, port, env_value, script)| {
            let mut entries = vec![("name", string(name)), ("image", string(image))];
            if let Some(port) = port {
                let port = map([("containerPort", Node::Int(port))]);
                entries.push(("ports", Node::Seq(vec![port])));
            }
            if let Some(value) = env_value {
                let variable = map([("name", string("MODE")), ("value", string(value))]);
                entries.push(("env", Node::Seq(vec![variable])));
            }
            if let Some(script) = script {
                entries.push(("command", Node::Seq(vec![string("sh"), string("-c")])));
                entries.push(("args", Node::Seq(vec![Node::Text(script)])));
            }
            map(entries)
        })
}

/// `imagePullSecrets` as found in manifests, when present: block lists (of block or flow
/// items) or flow lists, possibly naming our secret already, `[]`, no value, or an explicit
/// null.
fn existing_pull_secrets() -> impl Strategy<Value = Option<Node>> {
    let names = || prop::collection::vec(select(&["regcred", SECRET, "other"][..]), 1..3);
    let references =
        |names: Vec<&'static str>| names.into_iter().map(|name| map([("name", string(name))]));
    prop_oneof![
        6 => Just(None),
        2 => names().prop_map(move |names| Some(Node::Seq(references(names).collect()))),
        1 => names().prop_map(move |names| {
            let flow_items = references(names).map(|item| Node::Flow(Box::new(item)));
            Some(Node::Seq(flow_items.collect()))
        }),
        1 => names().prop_map(move |names| {
            Some(Node::Flow(Box::new(Node::Seq(references(names).collect()))))
        }),
        1 => Just(Some(Node::Seq(vec![]))),
        1 => Just(Some(Node::Empty)),
        1 => select(&["null", "~"][..]).prop_map(|spelling| Some(Node::Null(spelling))),
    ]
}

/// Optional pod spec fields that may follow the containers.
fn pod_spec_extras() -> Vec<(&'static str, Node)> {
    vec![
        ("restartPolicy", string("Always")),
        ("serviceAccountName", string("runner")),
        ("nodeSelector", map([("kubernetes.io/os", string("linux"))])),
        ("securityContext", map([])),
        (
            "volumes",
            Node::Seq(vec![map([
                ("name", string("config")),
                ("configMap", map([("name", string("web"))])),
            ])]),
        ),
        ("terminationGracePeriodSeconds", Node::Int(30)),
    ]
}

/// A pod spec (an Argo workflow spec for Argo kinds), possibly ending with a string over
/// several lines; now and then an empty one, `{}`.
fn pod_spec(argo_workflow: bool) -> BoxedStrategy<Node> {
    prop_oneof![9 => filled_pod_spec(argo_workflow), 1 => Just(map([]))].boxed()
}

fn filled_pod_spec(argo_workflow: bool) -> impl Strategy<Value = Node> {
    let containers = prop::collection::vec(container(), 1..3);
    (
        containers,
        existing_pull_secrets(),
        subsequence(pod_spec_extras(), 0..=3),
        prop::option::weighted(0.25, multi_line_string()),
    )
        .prop_map(move |(containers, pull_secrets, extras, last)| {
            let mut entries = if argo_workflow {
                let template =
                    map([("name", string("main")), ("container", containers[0].clone())]);
                vec![("entrypoint", string("main")), ("templates", Node::Seq(vec![template]))]
            } else {
                vec![("containers", Node::Seq(containers))]
            };
            entries.extend(pull_secrets.map(|list| ("imagePullSecrets", list)));
            entries.extend(extras);
            entries.extend(last.map(|text| ("schedulerName", text)));
            map(entries)
        })
}

fn workload() -> BoxedStrategy<Workload> {
    select(WORKLOAD_KINDS)
        .prop_flat_map(|kind| {
            (name(), namespace(), pod_spec(kind.is_argo_workflow())).prop_map(
                move |(name, namespace, pod_spec)| Workload { kind, name, namespace, pod_spec },
            )
        })
        .boxed()
}

/// Documents without a pod spec: objects, some looking as if they had one, and data that is
/// no object (values, a patch, a lone string).
fn other_object() -> BoxedStrategy<Node> {
    prop_oneof![
        (name(), namespace(), multi_line_string())
            .prop_map(|(name, namespace, script)| config_map(name, namespace, script)),
        (name(), namespace()).prop_map(|(name, namespace)| core_service(name, namespace)),
        Just(crd_with_pull_secrets_in_schema()),
        namespace().prop_map(spark_application),
        Just(kindless_values()),
        Just(json_patch()),
        Just(string("just a note")),
        namespace().prop_map(other_secret),
        (name(), namespace())
            .prop_map(|(name, namespace)| rollout_with_workload_ref(name, namespace)),
        (name(), namespace()).prop_map(|(name, namespace)| {
            replication_controller_without_template(name, namespace)
        }),
    ]
    .boxed()
}

fn list_object() -> impl Strategy<Value = Node> {
    let item = prop_oneof![
        2 => workload().prop_map(ListItem::Workload),
        1 => other_object().prop_map(ListItem::Other),
    ];
    let kind = select(&[("v1", "List"), ("apps/v1", "DeploymentList")][..]);
    (kind, prop::collection::vec(item, 1..4), any::<bool>())
        .prop_map(|(kind, items, share_pod_spec)| list(kind, items, share_pod_spec))
}

/// Boxed, like the strategies it is made of: the value trees of these unions are large, and
/// nested unboxed they overflow a test thread's stack in debug builds.
fn object() -> BoxedStrategy<Node> {
    prop_oneof![
        6 => workload().prop_map(Workload::into_object),
        4 => other_object(),
        2 => list_object(),
        1 => namespace().prop_map(pull_secret),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// Documents and streams, and how they are spelt.

#[derive(Clone, Copy, Debug)]
enum Syntax {
    /// Block style; collections from `flow_from_depth` down are written in flow style.
    Block {
        flow_from_depth: Option<usize>,
    },
    Flow {
        one_line: bool,
    },
    /// `tight`: no spaces after `:` and `,` (as `jq -c` writes), when on one line.
    Json {
        one_line: bool,
        tight: bool,
    },
}

impl Syntax {
    fn is_json(self) -> bool {
        matches!(self, Syntax::Json { .. })
    }
}

#[derive(Clone, Copy, Debug)]
enum Quote {
    Single,
    Double,
}

#[derive(Clone, Copy, Debug)]
enum KeyOrder {
    AsBuilt,
    /// As kubectl prints them.
    Sorted,
    /// In an order that follows no rule, fixed by the seed.
    Scrambled(u64),
}

/// Where comments go; each kind, when on, goes at every position of that kind.
#[derive(Clone, Copy, Debug)]
struct Comments {
    /// A line above each key.
    above_keys: bool,
    /// After each value on its line, `- # ...` before block mapping items.
    after_values: bool,
    /// A line between sequence items.
    between_items: bool,
    /// A line at column 0 after each nested block mapping's last key.
    dedented_after_mappings: bool,
}

impl Comments {
    /// JSON has no comments.
    const NONE: Comments = Comments {
        above_keys: false,
        after_values: false,
        between_items: false,
        dedented_after_mappings: false,
    };
}

#[derive(Clone, Copy, Debug)]
struct Style {
    syntax: Syntax,
    indent: usize,
    /// `- x` under its key rather than indented.
    indentless_sequences: bool,
    key_order: KeyOrder,
    quote_keys: Option<Quote>,
    /// Every string value quoted so, rather than only those that need it.
    quote_values: Option<Quote>,
    comments: Comments,
    spacing: Spacing,
}

/// White space that YAML ignores but a line-based editor may not.
#[derive(Clone, Copy, Debug)]
struct Spacing {
    /// An empty line between the entries of block mappings.
    blank_lines: bool,
    /// Spaces at the end of lines that end with a value.
    trailing_spaces: bool,
    /// `-` padded to the indentation step (`-   name: x` with 4 spaces).
    wide_dashes: bool,
    /// A `,` after the last entry of flow collections (not in JSON).
    trailing_commas: bool,
    /// `key : value`, as Jackson's pretty printer writes JSON.
    space_before_colons: bool,
}

#[derive(Clone, Copy, Debug)]
enum Marker {
    /// No `---` (kept only on the first document without directives: libyaml, the oracle,
    /// wants one after a `...` although YAML 1.2 does not).
    Omitted,
    Line,
    LineWithComment,
    /// `--- {...}`, for flow and JSON documents (a plain `---` line for others).
    SharedWithFlowBody,
}

#[derive(Clone, Debug)]
enum Body {
    Object(Node),
    CommentOnly,
    Empty,
}

#[derive(Clone, Debug)]
struct Document {
    body: Body,
    style: Style,
    leading_comment: bool,
    directive: bool,
    marker: Marker,
    /// A `...` line after the document (forced before a document with a directive).
    end_marker: bool,
    /// A comment on the `...` line.
    end_marker_comment: bool,
    /// Used when the stream's line endings are chosen per document.
    crlf: bool,
}

#[derive(Clone, Copy, Debug)]
enum LineEndings {
    Lf,
    Crlf,
    PerDocument,
}

#[derive(Clone, Debug)]
struct Stream {
    byte_order_mark: bool,
    line_endings: LineEndings,
    final_newline: bool,
    documents: Vec<Document>,
}

fn syntax() -> impl Strategy<Value = Syntax> {
    prop_oneof![
        6 => prop::option::weighted(0.2, 1..6usize)
            .prop_map(|flow_from_depth| Syntax::Block { flow_from_depth }),
        2 => any::<bool>().prop_map(|one_line| Syntax::Flow { one_line }),
        2 => (any::<bool>(), any::<bool>())
            .prop_map(|(one_line, tight)| Syntax::Json { one_line, tight }),
    ]
}

fn key_order() -> impl Strategy<Value = KeyOrder> {
    prop_oneof![
        2 => Just(KeyOrder::AsBuilt),
        1 => Just(KeyOrder::Sorted),
        1 => any::<u64>().prop_map(KeyOrder::Scrambled),
    ]
}

/// Mostly none: plain where possible.
fn quote() -> impl Strategy<Value = Option<Quote>> {
    prop::option::weighted(0.25, prop_oneof![Just(Quote::Single), Just(Quote::Double)])
}

prop_compose! {
    fn comments()(
        above_keys in prop::bool::weighted(0.3),
        after_values in prop::bool::weighted(0.3),
        between_items in prop::bool::weighted(0.3),
        dedented_after_mappings in prop::bool::weighted(0.3),
    ) -> Comments {
        Comments { above_keys, after_values, between_items, dedented_after_mappings }
    }
}

prop_compose! {
    fn spacing()(
        blank_lines in prop::bool::weighted(0.2),
        trailing_spaces in prop::bool::weighted(0.2),
        wide_dashes in prop::bool::weighted(0.2),
        trailing_commas in prop::bool::weighted(0.2),
        space_before_colons in prop::bool::weighted(0.1),
    ) -> Spacing {
        Spacing { blank_lines, trailing_spaces, wide_dashes, trailing_commas, space_before_colons }
    }
}

prop_compose! {
    fn style()(
        syntax in syntax(),
        indent in prop_oneof![Just(2), Just(4)],
        indentless_sequences in any::<bool>(),
        key_order in key_order(),
        quote_keys in quote(),
        quote_values in quote(),
        comments in comments(),
        spacing in spacing(),
    ) -> Style {
        Style {
            syntax,
            indent,
            indentless_sequences,
            key_order,
            quote_keys,
            quote_values,
            comments,
            spacing,
        }
    }
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        8 => object().prop_map(Body::Object),
        1 => Just(Body::CommentOnly),
        1 => Just(Body::Empty),
    ]
}

fn marker() -> impl Strategy<Value = Marker> {
    prop_oneof![
        Just(Marker::Omitted),
        Just(Marker::Line),
        Just(Marker::LineWithComment),
        Just(Marker::SharedWithFlowBody),
    ]
}

prop_compose! {
    fn document()(
        body in body(),
        style in style(),
        leading_comment in prop::bool::weighted(0.2),
        directive in prop::bool::weighted(0.15),
        marker in marker(),
        end_marker in prop::bool::weighted(0.15),
        end_marker_comment in any::<bool>(),
        crlf in any::<bool>(),
    ) -> Document {
        Document {
            body,
            style,
            leading_comment,
            directive,
            marker,
            end_marker,
            end_marker_comment,
            crlf,
        }
    }
}

fn line_endings() -> impl Strategy<Value = LineEndings> {
    prop_oneof![
        3 => Just(LineEndings::Lf),
        1 => Just(LineEndings::Crlf),
        1 => Just(LineEndings::PerDocument),
    ]
}

fn stream() -> impl Strategy<Value = Stream> {
    (
        prop::bool::weighted(0.2),
        line_endings(),
        prop::bool::weighted(0.8),
        prop::collection::vec(document(), 1..6),
    )
        .prop_map(|(byte_order_mark, line_endings, final_newline, documents)| Stream {
            byte_order_mark,
            line_endings,
            final_newline,
            documents,
        })
        // Which of two pull Secrets of a namespace would be ours is anybody's guess.
        .prop_filter("two pull Secrets in one namespace", |stream| {
            let mut namespaces: Vec<Option<&str>> = stream
                .documents
                .iter()
                .filter_map(|document| document.object().and_then(pull_secret_namespace))
                .collect();
            let found = namespaces.len();
            namespaces.sort();
            namespaces.dedup();
            namespaces.len() == found
        })
}

/// A generated stream as text, shown as such when a case fails.
struct Manifest {
    text: String,
    /// Byte ranges of `text` that the tool replaces rather than adds to.
    replaced: Vec<Range<usize>>,
}

impl fmt::Debug for Manifest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.text)
    }
}

fn manifest() -> impl Strategy<Value = Manifest> {
    stream().prop_map(|stream| stream.render())
}

// ---------------------------------------------------------------------------------------------
// Writing the text.

impl Stream {
    fn render(&self) -> Manifest {
        let mut manifest = Manifest { text: String::new(), replaced: Vec::new() };
        if self.byte_order_mark {
            manifest.text.push('\u{feff}');
        }
        for (index, document) in self.documents.iter().enumerate() {
            // YAML allows directives only at the start or after a `...`.
            let next_has_directive =
                self.documents.get(index + 1).is_some_and(|next| next.directive);
            let end_marker = document.end_marker || next_has_directive;
            let crlf = match self.line_endings {
                LineEndings::Lf => false,
                LineEndings::Crlf => true,
                LineEndings::PerDocument => document.crlf,
            };
            let (text, replaced) = document.render(index == 0, end_marker).finish(crlf);
            let start = manifest.text.len();
            manifest.replaced.extend(replaced.into_iter().map(|r| start + r.start..start + r.end));
            manifest.text.push_str(&text);
        }
        if !self.final_newline {
            let trimmed = manifest.text.trim_end_matches('\n').trim_end_matches('\r').len();
            manifest.text.truncate(trimmed);
            for range in &mut manifest.replaced {
                range.end = range.end.min(trimmed);
            }
        }
        manifest
    }
}

impl Document {
    fn object(&self) -> Option<&Node> {
        match &self.body {
            Body::Object(object) => Some(object),
            Body::CommentOnly | Body::Empty => None,
        }
    }

    fn is_pull_secret(&self) -> bool {
        self.object().and_then(pull_secret_namespace).is_some()
    }

    fn render(&self, first: bool, end_marker: bool) -> Writer {
        let mut writer = Writer { style: self.style, out: String::new(), replaced: Vec::new() };
        if self.leading_comment {
            writer.out.push_str("# Source: chart/templates/app.yaml\n");
        }
        if self.directive {
            writer.out.push_str("%YAML 1.2\n");
        }
        let flow_body = matches!(
            (&self.body, self.style.syntax),
            (Body::Object(_), Syntax::Flow { .. } | Syntax::Json { .. })
        );
        let marker = match self.marker {
            Marker::Omitted if first && !self.directive && matches!(self.body, Body::Object(_)) => {
                ""
            }
            Marker::LineWithComment => "--- # next document\n",
            Marker::SharedWithFlowBody if flow_body => "--- ",
            _ => "---\n",
        };
        let marker_start = writer.out.len();
        writer.out.push_str(marker);
        let body_start = writer.out.len();
        match &self.body {
            Body::Object(object) => writer.root(object),
            Body::CommentOnly => writer.out.push_str("# nothing here yet\n"),
            Body::Empty => {}
        }
        if self.is_pull_secret() {
            // The tool writes a fresh Secret over the old one, and its own `---` where the old
            // one began on the marker line.
            let start = if marker == "--- " { marker_start } else { body_start };
            writer.replaced.push(start..end_of_last_content_line(&writer.out));
        }
        if end_marker {
            writer.out.push_str(if self.end_marker_comment { "... # end\n" } else { "...\n" });
        }
        writer
    }
}

struct Writer {
    style: Style,
    out: String,
    /// Byte ranges of `out` that the tool replaces.
    replaced: Vec<Range<usize>>,
}

impl Writer {
    /// The text written, with CRLF line endings when `crlf`, and the replaced ranges.
    fn finish(self, crlf: bool) -> (String, Vec<Range<usize>>) {
        if !crlf {
            return (self.out, self.replaced);
        }
        let moved = |offset: usize| offset + self.out[..offset].matches('\n').count();
        let replaced = self.replaced.iter().map(|r| moved(r.start)..moved(r.end)).collect();
        (self.out.replace('\n', "\r\n"), replaced)
    }

    /// Writes `token`, which the tool replaces: an explicit null where a list belongs (the
    /// generators write nulls only as `imagePullSecrets`).
    fn replaceable(&mut self, token: &str) {
        let start = self.out.len();
        self.out.push_str(token);
        self.replaced.push(start..self.out.len());
    }

    fn json(&self) -> bool {
        self.style.syntax.is_json()
    }

    fn root(&mut self, object: &Node) {
        match (self.style.syntax, object) {
            (Syntax::Block { .. }, Node::Map(entries)) => self.block_mapping(entries, 0, 0, false),
            (Syntax::Block { .. }, Node::Seq(items)) => self.block_sequence(items, 0, 0),
            (syntax, _) => {
                let several_lines = matches!(
                    syntax,
                    Syntax::Flow { one_line: false } | Syntax::Json { one_line: false, .. }
                );
                self.flow(object, 0, several_lines);
                self.out.push('\n');
            }
        }
    }

    /// The `:` after a key; `tight` JSON has no space around it.
    fn colon(&mut self, tight: bool) {
        if self.style.spacing.space_before_colons && !tight {
            self.out.push(' ');
        }
        self.out.push(':');
    }

    fn pad(&mut self, column: usize) {
        self.out.extend(std::iter::repeat_n(' ', column));
    }

    fn comment_line(&mut self, column: usize, text: &str) {
        self.pad(column);
        self.out.push_str("# ");
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn end_line(&mut self) {
        if self.style.comments.after_values {
            self.out.push_str(" # note: keep");
        }
        if self.style.spacing.trailing_spaces {
            self.out.push_str("  ");
        }
        self.out.push('\n');
    }

    /// Whether a collection at `depth` is written in flow style inside a block document.
    fn in_flow(&self, node: &Node, depth: usize) -> bool {
        let Syntax::Block { flow_from_depth } = self.style.syntax else {
            return true;
        };
        matches!(node, Node::Flow(_)) || flow_from_depth.is_some_and(|from| depth >= from)
    }

    fn ordered<'n>(&self, entries: &'n [(String, Node)]) -> Vec<&'n (String, Node)> {
        let mut ordered: Vec<&(String, Node)> = entries.iter().collect();
        match self.style.key_order {
            KeyOrder::AsBuilt => {}
            KeyOrder::Sorted => ordered.sort_by(|a, b| a.0.cmp(&b.0)),
            KeyOrder::Scrambled(seed) => ordered.sort_by_key(|(key, _)| {
                key.bytes().fold(seed, |hash, byte| {
                    (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
                })
            }),
        }
        ordered
    }

    /// The entries of a block mapping at `depth`, keys at `column`. With `on_dash_line` the
    /// first key follows a `- ` already written.
    fn block_mapping(
        &mut self,
        entries: &[(String, Node)],
        column: usize,
        depth: usize,
        on_dash_line: bool,
    ) {
        for (index, (key, value)) in self.ordered(entries).into_iter().enumerate() {
            if !(index == 0 && on_dash_line) {
                if index > 0 && self.style.spacing.blank_lines {
                    self.out.push('\n');
                }
                if self.style.comments.above_keys {
                    self.comment_line(column, &format!("about {key}"));
                }
                self.pad(column);
            }
            let key = self.scalar(key, self.style.quote_keys, false);
            self.out.push_str(&key);
            self.colon(false);
            self.after_indicator(value, column, depth + 1);
        }
    }

    fn block_sequence(&mut self, items: &[Node], dash: usize, depth: usize) {
        for (index, item) in items.iter().enumerate() {
            if index > 0 && self.style.comments.between_items {
                self.comment_line(dash, "next item");
            }
            self.pad(dash);
            self.out.push('-');
            let content = dash + if self.style.spacing.wide_dashes { self.style.indent } else { 2 };
            match item {
                Node::Map(entries) if !entries.is_empty() && !self.in_flow(item, depth + 1) => {
                    if self.style.comments.after_values {
                        self.out.push_str(" # item\n");
                        self.block_mapping(entries, content, depth + 1, false);
                    } else {
                        self.pad(content - dash - 1);
                        self.block_mapping(entries, content, depth + 1, true);
                    }
                }
                _ => {
                    self.pad(content - dash - 2);
                    self.after_indicator(item, dash, depth + 1);
                }
            }
        }
    }

    /// Writes what follows `key:` or `-` (standing at `column`) for `value`, at `depth`,
    /// through the end of its last line.
    fn after_indicator(&mut self, value: &Node, column: usize, depth: usize) {
        let in_flow = self.in_flow(value, depth);
        match value {
            Node::Anchored(name, inner) => {
                self.out.push_str(&format!(" &{name}"));
                self.after_indicator(inner, column, depth);
            }
            Node::Map(entries) if !entries.is_empty() && !in_flow => {
                self.end_line();
                self.block_mapping(entries, column + self.style.indent, depth, false);
                if self.style.comments.dedented_after_mappings {
                    self.comment_line(0, "end of a mapping");
                }
            }
            Node::Seq(items) if !items.is_empty() && !in_flow => {
                self.end_line();
                let dash = match self.style.indentless_sequences {
                    true => column,
                    false => column + self.style.indent,
                };
                self.block_sequence(items, dash, depth);
            }
            Node::Text(text) if !in_flow => {
                self.out.push(' ');
                self.out.push_str(text.header);
                self.end_line();
                for line in &text.lines {
                    if !line.is_empty() {
                        self.pad(column + self.style.indent);
                        self.out.push_str(line);
                    }
                    self.out.push('\n');
                }
                for _ in 0..text.trailing_blank_lines {
                    self.out.push('\n');
                }
            }
            Node::Empty => self.end_line(),
            Node::Wrapped { quoted, words } if !in_flow => {
                let quote = if *quoted { "\"" } else { "" };
                self.out.push_str(&format!(" {quote}{}", words[0]));
                for word in &words[1..] {
                    self.out.push('\n');
                    self.pad(column + self.style.indent);
                    self.out.push_str(word);
                }
                self.out.push_str(quote);
                self.end_line();
            }
            Node::Str(text) => {
                let text = self.scalar(text, self.style.quote_values, false);
                self.out.push(' ');
                self.out.push_str(&text);
                self.end_line();
            }
            _ => {
                self.out.push(' ');
                self.flow(value, column, false);
                self.end_line();
            }
        }
    }

    /// Writes `node` in flow style (JSON in JSON documents). On several lines, entries stand
    /// one indentation step right of `column` and the closing bracket at `column`.
    fn flow(&mut self, node: &Node, column: usize, several_lines: bool) {
        let json = self.json();
        match node {
            Node::Str(text) => {
                let text = self.scalar(text, self.style.quote_values, true);
                self.out.push_str(&text);
            }
            Node::Int(number) => self.out.push_str(&number.to_string()),
            Node::Bool(value) => self.out.push_str(&value.to_string()),
            Node::Null(spelling) => self.replaceable(if json { "null" } else { spelling }),
            Node::Empty if json => self.replaceable("null"),
            Node::Empty => {}
            Node::Text(text) => self.out.push_str(&double_quoted(&text.lines.join("\n"))),
            Node::Wrapped { words, .. } => self.out.push_str(&double_quoted(&words.join(" "))),
            Node::Flow(inner) => self.flow(inner, column, several_lines),
            Node::Anchored(name, inner) => {
                if !json {
                    self.out.push_str(&format!("&{name} "));
                }
                self.flow(inner, column, several_lines);
            }
            Node::Alias(_, copy) if json => self.flow(copy, column, several_lines),
            Node::Alias(name, _) => self.out.push_str(&format!("*{name}")),
            Node::Map(entries) => {
                let entries: Vec<(Option<&str>, &Node)> = self
                    .ordered(entries)
                    .into_iter()
                    .map(|(key, value)| (Some(key.as_str()), value))
                    .collect();
                self.flow_collection(['{', '}'], &entries, column, several_lines);
            }
            Node::Seq(items) => {
                let items: Vec<(Option<&str>, &Node)> =
                    items.iter().map(|item| (None, item)).collect();
                self.flow_collection(['[', ']'], &items, column, several_lines);
            }
        }
    }

    /// A flow mapping (entries with keys) or sequence (entries without).
    fn flow_collection(
        &mut self,
        [open, close]: [char; 2],
        entries: &[(Option<&str>, &Node)],
        column: usize,
        several_lines: bool,
    ) {
        let tight = matches!(self.style.syntax, Syntax::Json { tight: true, .. }) && !several_lines;
        let comments = if self.json() { Comments::NONE } else { self.style.comments };
        let inner = column + self.style.indent;
        self.out.push(open);
        for (index, (key, value)) in entries.iter().enumerate() {
            if several_lines {
                self.out.push('\n');
                let about = match key {
                    Some(key) => comments.above_keys.then(|| format!("about {key}")),
                    None => (index > 0 && comments.between_items).then(|| "next item".into()),
                };
                if let Some(about) = about {
                    self.comment_line(inner, &about);
                }
                self.pad(inner);
            } else if index > 0 && !tight {
                self.out.push(' ');
            }
            if let Some(key) = key {
                let key = self.scalar(key, self.style.quote_keys, true);
                self.out.push_str(&key);
                self.colon(tight);
                if !tight {
                    self.out.push(' ');
                }
            }
            self.flow(value, inner, several_lines);
            if index + 1 < entries.len() || (self.style.spacing.trailing_commas && !self.json()) {
                self.out.push(',');
            }
            if several_lines && comments.after_values {
                self.out.push_str(" # note: keep");
            }
        }
        if several_lines && !entries.is_empty() {
            self.out.push('\n');
            self.pad(column);
        }
        self.out.push(close);
    }

    /// `text` as a key or string value: plain when that is safe and `quote` asks for nothing.
    fn scalar(&self, text: &str, quote: Option<Quote>, in_flow: bool) -> String {
        if self.json() {
            return double_quoted(text);
        }
        let needed = (!plain_is_safe(text, in_flow)).then_some(Quote::Single);
        match quote.or(needed) {
            None => text.to_string(),
            Some(Quote::Single) => format!("'{}'", text.replace('\'', "''")),
            Some(Quote::Double) => double_quoted(text),
        }
    }
}

/// Whether `text` written plain reads back as the same string. Conservative: anything YAML
/// 1.1 or 1.2 could take for a number, boolean, null, indicator or comment is quoted.
fn plain_is_safe(text: &str, in_flow: bool) -> bool {
    const OTHER_TYPES: &[&str] =
        &["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"];
    text.chars().next().is_some_and(|first| first.is_alphabetic() || first == '/')
        && !OTHER_TYPES.contains(&text.to_lowercase().as_str())
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with([' ', ':'])
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || " -_./".contains(c) || (c == ':' && !in_flow))
}

/// The end of the last line of `text` that is neither blank nor a comment.
fn end_of_last_content_line(text: &str) -> usize {
    let mut end = text.len();
    for line in text.split_inclusive('\n').rev() {
        let content = line.trim();
        if !content.is_empty() && !content.starts_with('#') {
            break;
        }
        end -= line.len();
    }
    end
}

/// A double-quoted scalar, which is also a JSON string for the characters used here.
fn double_quoted(text: &str) -> String {
    let mut quoted = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

// ---------------------------------------------------------------------------------------------
// The properties.

fn proptest_config() -> ProptestConfig {
    // `ProptestConfig::default()` reads `PROPTEST_CASES` but `with_cases` would ignore it.
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// The stdin filter's configuration: `validate` off lets documents that need no edit be
/// skimmed instead of parsed.
fn config(with_credentials: bool, validate: bool) -> Config {
    Config {
        secret_name: SECRET.to_string(),
        only_registry: None,
        rules: Rules::new(vec![]),
        pull_secret: with_credentials.then(|| PullSecret {
            credentials: Credentials {
                server: "myregistry.azurecr.io".to_string(),
                username: USERNAME.to_string(),
                password: Password::new(PASSWORD.to_string()),
                email: None,
            },
            sealing: None,
        }),
        default_namespace: None,
        validate,
    }
}

/// The tool's output for `input` under `config`; every generated input is valid, so the tool
/// must accept it.
fn run(input: &str, config: &Config) -> String {
    match filter_bytes("<generated>", input.as_bytes(), config) {
        Ok((output, _)) => String::from_utf8(output).expect("UTF-8 in, UTF-8 out"),
        Err(error) => panic!("the tool refused the input: {error}"),
    }
}

/// The tool's output for `input` as the stdin filter writes it (skimming allowed).
fn inject(input: &str, with_credentials: bool) -> String {
    run(input, &config(with_credentials, false))
}

/// Property 1: the output is the input with bytes added, none changed or lost, apart from the
/// `replaced` ranges.
fn check_only_insertions(input: &str, replaced: &[Range<usize>]) {
    let kept: Vec<u8> = input
        .bytes()
        .enumerate()
        .filter(|(at, _)| !replaced.iter().any(|range| range.contains(at)))
        .map(|(_, byte)| byte)
        .collect();
    assert_only_insertions(&kept, inject(input, true).as_bytes());
}

/// Property 2, in both modes.
fn check_second_run_changes_nothing(input: &str) {
    for with_credentials in [true, false] {
        let output = inject(input, with_credentials);
        let again = inject(&output, with_credentials);
        assert_eq!(again, output, "second run, with credentials: {with_credentials}");
    }
}

/// Property 3.
fn check_oracle_sees_only_the_injection(input: &str) {
    let output = inject(input, true);
    assert_oracle_sees_only_the_injection(input.as_bytes(), output.as_bytes(), SECRET);
}

/// Property 4.
fn check_no_secret_keeps_the_document_count(input: &str) {
    let output = inject(input, false);
    assert_eq!(oracle_documents(output.as_bytes()).len(), oracle_documents(input.as_bytes()).len());
}

/// Skimming (the stdin fast path) must give the bytes of a full parse (`--validate`).
fn check_skimming_matches_a_full_parse(input: &str) {
    assert_eq!(inject(input, true), run(input, &config(true, true)));
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn the_input_is_a_subsequence_of_the_output(manifest in manifest()) {
        check_only_insertions(&manifest.text, &manifest.replaced);
    }

    #[test]
    fn a_second_run_changes_nothing(manifest in manifest()) {
        check_second_run_changes_nothing(&manifest.text);
    }

    #[test]
    fn an_independent_parser_sees_the_input_plus_the_injection(manifest in manifest()) {
        check_oracle_sees_only_the_injection(&manifest.text);
    }

    #[test]
    fn without_credentials_the_document_count_is_unchanged(manifest in manifest()) {
        check_no_secret_keeps_the_document_count(&manifest.text);
    }

    #[test]
    fn skimming_gives_the_bytes_of_a_full_parse(manifest in manifest()) {
        check_skimming_matches_a_full_parse(&manifest.text);
    }
}

// ---------------------------------------------------------------------------------------------
// Regressions: minimal inputs of bugs the properties found, fixed in 0b9cde8 unless noted.

/// The reference went below the key after a pod spec's final block scalar.
#[test]
fn a_block_scalar_ending_a_nested_pod_spec() {
    let input = concat!(
        "apiVersion: v1\n",
        "kind: PodTemplate\n",
        "template:\n",
        "  spec:\n",
        "    hostname: |\n",
        "      x\n",
        "  metadata: {}\n",
    );
    check_oracle_sees_only_the_injection(input);
    check_second_run_changes_nothing(input);
}

/// A block scalar ending the input without a line break gained one in its value.
#[test]
fn a_block_scalar_ending_the_input_keeps_its_value() {
    let input = concat!("apiVersion: v1\n", "kind: Pod\n", "spec:\n", "  hostname: |\n", "    x");
    check_oracle_sees_only_the_injection(input);
}

/// A byte order mark before `%YAML` moved behind the inserted Secret.
#[test]
fn a_byte_order_mark_before_a_directive_stays_first() {
    let input =
        concat!("\u{feff}%YAML 1.2\n", "---\n", "apiVersion: v1\n", "kind: Pod\n", "spec: {}\n");
    assert!(inject(input, true).starts_with('\u{feff}'));
    check_oracle_sees_only_the_injection(input);
}

/// A Secret given up for a later one left its closing `...` behind, one more each run.
#[test]
fn a_secret_given_up_before_a_directive_leaves_no_end_marker() {
    let input = concat!(
        "%YAML 1.2\n",
        "---\n",
        "apiVersion: v1\n",
        "kind: Pod\n",
        "spec: {}\n",
        "---\n",
        "apiVersion: v1\n",
        "kind: Secret\n",
        "metadata: {name: acr-secret}\n",
        "type: kubernetes.io/dockerconfigjson\n",
    );
    check_second_run_changes_nothing(input);
    check_oracle_sees_only_the_injection(input);
}

/// A pull Secret's `... # comment` line was replaced along with it.
#[test]
fn an_end_marker_with_a_comment_survives_the_secret_it_ends() {
    let input = concat!(
        "apiVersion: v1\n",
        "kind: Secret\n",
        "metadata: {name: acr-secret}\n",
        "type: kubernetes.io/dockerconfigjson\n",
        "... # end\n",
        "%YAML 1.2\n",
        "---\n",
        "apiVersion: v1\n",
        "kind: Pod\n",
        "spec: {}\n",
    );
    assert!(inject(input, true).contains("\n... # end\n%YAML 1.2\n"));
    check_oracle_sees_only_the_injection(input);
}

/// Comments after a replaced pull Secret (introducing the next document) were dropped.
#[test]
fn comments_after_a_replaced_secret_are_kept() {
    let input = concat!(
        "apiVersion: v1\n",
        "kind: Secret\n",
        "metadata: {name: acr-secret}\n",
        "type: kubernetes.io/dockerconfigjson\n",
        "# the app:\n",
        "---\n",
        "apiVersion: v1\n",
        "kind: Pod\n",
        "spec: {}\n",
    );
    assert!(inject(input, true).contains("\n# the app:\n---\n"));
}

/// Each Secret brought its own `---`, so two of them made an empty document (fixed in
/// 1959810).
#[test]
fn secrets_of_two_namespaces_before_a_document_without_a_marker() {
    let input = concat!(
        "apiVersion: v1\n",
        "kind: List\n",
        "items:\n",
        "- apiVersion: v1\n",
        "  kind: Pod\n",
        "  spec: {}\n",
        "- apiVersion: v1\n",
        "  kind: Pod\n",
        "  metadata: {namespace: team-a}\n",
        "  spec: {}\n",
    );
    check_oracle_sees_only_the_injection(input);
}
