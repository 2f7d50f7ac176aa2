//! The objects of a stream: workloads of every kind of the reference table (in Lists too),
//! pull Secrets the tool replaces, and the documents that must pass untouched although they
//! look as if they might not.

use super::choices::Choices;
use super::node::{BlockText, MERGE_KEY, Node, map, string};
use crate::SECRET_NAME;
use crate::kinds::{Spec, WORKLOAD_KINDS, group};

/// A document's content, and whether the tool must refuse it.
pub struct Object {
    pub node: Node,
    /// A pod spec the tool edits lists its pull secrets as plain strings: the tool refuses to
    /// mix a `{name: ...}` item into such a list.
    pub plain_string_pull_secrets: bool,
}

/// Builds objects from choices, keeping what spans documents.
pub struct Objects<'c, 'b> {
    choices: &'c mut Choices<'b>,
    /// Anchors written so far in the document (they are numbered per document).
    anchors: usize,
    /// Namespaces that already have a Secret named like ours: which of two the tool would take
    /// for its own is anybody's guess, so later ones get another name.
    pull_secret_namespaces: Vec<Option<&'static str>>,
}

/// A workload, or an object built like one, before it becomes a node.
struct Workload {
    api_version: &'static str,
    kind: &'static str,
    pod_spec_path: &'static [&'static str],
    name: &'static str,
    metadata: Node,
    pod_spec: PodSpec,
}

struct PodSpec {
    node: Node,
    /// Anchored nodes the pod spec refers to, which go before it in the object (`defaults`).
    defaults: Vec<(String, Node)>,
    /// The tool edits it (a workload's, where the tool looks): an explicit null in it is
    /// replaced, plain strings are refused.
    edited: bool,
    /// Its `imagePullSecrets` lists plain strings.
    plain_strings: bool,
}

impl PodSpec {
    fn refused(&self) -> bool {
        self.edited && self.plain_strings
    }
}

/// Non-workloads built like workloads (a pod spec at `spec.template.spec`), which the tool
/// must leave alone: core `Service` (Knative's `Service` is a workload) and an unknown CRD.
const LOOK_ALIKES: &[(&str, &str)] = &[("v1", "Service"), ("example.com/v1", "Widget")];

const TEMPLATE_SPEC: &[&str] = &["spec", "template", "spec"];

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

/// Absent most often; `123`, `1e3` and `y` must be quoted to stay strings.
const NAMESPACES: &[(u32, Option<&str>)] = &[
    (6, None),
    (2, Some("default")),
    (1, Some("team-a")),
    (1, Some("shop")),
    (1, Some("123")),
    (1, Some("1e3")),
    (1, Some("y")),
];

/// How `imagePullSecrets` is found in manifests, when it is there at all.
#[derive(Clone, Copy)]
enum PullSecrets {
    Absent,
    /// A block list of `name:` items.
    BlockList,
    /// A block list of flow items (`- {name: x}`).
    BlockListOfFlowItems,
    /// `[{name: x}]`.
    FlowList,
    EmptyList,
    /// `imagePullSecrets:` with no value, filled in by the tool.
    Empty,
    /// `null`, `~`, `Null`: replaced by the tool.
    Null,
    /// Inherited through a merge key from a mapping anchored in `defaults`.
    Merged,
    /// An alias of a list anchored in `defaults`.
    Alias,
    /// A list of plain strings (some CRDs have that shape): the tool must refuse.
    PlainStrings,
}

impl<'c, 'b> Objects<'c, 'b> {
    pub fn new(choices: &'c mut Choices<'b>) -> Objects<'c, 'b> {
        Objects { choices, anchors: 0, pull_secret_namespaces: Vec::new() }
    }

    /// The choices, for the decisions of a document's spelling.
    pub fn choices(&mut self) -> &mut Choices<'b> {
        self.choices
    }

    /// Anchors are numbered per document.
    pub fn start_document(&mut self) {
        self.anchors = 0;
    }

    pub fn object(&mut self) -> Object {
        #[derive(Clone, Copy)]
        enum Pick {
            Workload,
            Other,
            List,
            PullSecret,
        }
        let pick = self.choices.weighted(&[
            (6, Pick::Workload),
            (4, Pick::Other),
            (2, Pick::List),
            (1, Pick::PullSecret),
        ]);
        match pick {
            Pick::Workload => {
                let workload = self.workload(true);
                let refused = workload.pod_spec.refused();
                Object { node: workload.into_node(), plain_string_pull_secrets: refused }
            }
            Pick::Other => Object { node: self.other_object(), plain_string_pull_secrets: false },
            Pick::List => self.list(),
            Pick::PullSecret => {
                let namespace = self.namespace();
                let node = self.pull_secret(namespace);
                Object { node, plain_string_pull_secrets: false }
            }
        }
    }

    fn name(&mut self) -> &'static str {
        self.choices.pick(&["web", "api", "worker"])
    }

    fn namespace(&mut self) -> Option<&'static str> {
        self.choices.weighted(NAMESPACES)
    }

    fn anchor(&mut self, prefix: &str) -> String {
        self.anchors += 1;
        format!("{prefix}{}", self.anchors)
    }

    /// `node`, now and then written in flow style inside a block document.
    fn maybe_flow(&mut self, node: Node) -> Node {
        if self.choices.chance(15) { Node::Flow(Box::new(node)) } else { node }
    }

    fn metadata(&mut self, name: &str, namespace: Option<&str>) -> Node {
        let mut entries = vec![("name", string(name))];
        entries.extend(namespace.map(|namespace| ("namespace", string(namespace))));
        self.maybe_flow(map(entries))
    }

    /// A workload of a kind of the table, or now and then one built like it that is not one.
    /// `walked`: the tool looks at it (not so in the `items` of a document without `kind`).
    fn workload(&mut self, walked: bool) -> Workload {
        let (api_version, kind, pod_spec_path, spec, edited) = if self.choices.chance(10) {
            let (api_version, kind) = self.choices.pick(LOOK_ALIKES);
            (api_version, kind, TEMPLATE_SPEC, Spec::Pod, false)
        } else {
            let row = self.choices.pick(WORKLOAD_KINDS);
            // Mostly the current apiVersion; a legacy one is of the same group.
            let legacy = row.api_versions.len() > 1 && self.choices.chance(12);
            let api_version = if legacy {
                self.choices.pick(&row.api_versions[1..])
            } else {
                row.api_versions[0]
            };
            (api_version, row.kind, row.pod_spec, row.spec, walked)
        };
        let name = self.name();
        let namespace = self.namespace();
        let metadata = self.metadata(name, namespace);
        let pod_spec = self.pod_spec(spec, edited);
        Workload { api_version, kind, pod_spec_path, name, metadata, pod_spec }
    }

    /// A pod spec (an Argo workflow spec for [`Spec::Workflow`]), possibly ending with a string
    /// over several lines; now and then `{}` or null. `edited`: the tool edits it, so an
    /// explicit null in it is replaced and plain strings are refused.
    fn pod_spec(&mut self, spec: Spec, edited: bool) -> PodSpec {
        #[derive(Clone, Copy)]
        enum Shape {
            Filled,
            EmptyMapping,
            Null,
        }
        let nothing = |node| PodSpec { node, defaults: Vec::new(), edited, plain_strings: false };
        match self.choices.weighted(&[
            (16, Shape::Filled),
            (2, Shape::EmptyMapping),
            (1, Shape::Null),
        ]) {
            Shape::Filled => self.filled_pod_spec(spec, edited),
            Shape::EmptyMapping => nothing(map([])),
            Shape::Null if self.choices.chance(50) => nothing(Node::Null("null")),
            Shape::Null => nothing(Node::Empty),
        }
    }

    fn filled_pod_spec(&mut self, spec: Spec, edited: bool) -> PodSpec {
        let count = self.choices.count(1..=2);
        let containers: Vec<Node> = (0..count).map(|_| self.container()).collect();
        let mut entries: Vec<(String, Node)> = match spec {
            Spec::Workflow => {
                let template =
                    map([("name", string("main")), ("container", containers[0].clone())]);
                vec![
                    ("entrypoint".into(), string("main")),
                    ("templates".into(), Node::Seq(vec![template])),
                ]
            }
            Spec::Pod => vec![("containers".into(), self.maybe_flow(Node::Seq(containers)))],
        };
        for (key, value) in pod_spec_extras() {
            if entries.len() < 4 && self.choices.chance(20) {
                entries.push((key.to_string(), value));
            }
        }
        let mut defaults = Vec::new();
        let mut plain_strings = false;
        let pull_secrets = match self.pull_secrets() {
            PullSecrets::Absent => None,
            PullSecrets::BlockList => Some(self.references(false)),
            PullSecrets::BlockListOfFlowItems => Some(self.references(true)),
            PullSecrets::FlowList => Some(Node::Flow(Box::new(self.references(false)))),
            PullSecrets::EmptyList => Some(Node::Seq(vec![])),
            PullSecrets::Empty => Some(replaced_if(edited, Node::Empty)),
            PullSecrets::Null => {
                let spelling = self.choices.pick(&["null", "~", "Null"]);
                Some(replaced_if(edited, Node::Null(spelling)))
            }
            PullSecrets::Merged => {
                let anchor = self.anchor("defaults");
                let inherited = map([("imagePullSecrets", self.references(false))]);
                defaults.push((
                    "base".to_string(),
                    Node::Anchored(anchor.clone(), Box::new(inherited.clone())),
                ));
                entries
                    .insert(0, (MERGE_KEY.to_string(), Node::Alias(anchor, Box::new(inherited))));
                None
            }
            PullSecrets::Alias => {
                let anchor = self.anchor("list");
                let list = self.references(false);
                // Under the same key, so that a reader comparing data sees it as a pull
                // secret list too.
                defaults.push((
                    "imagePullSecrets".to_string(),
                    Node::Anchored(anchor.clone(), Box::new(list.clone())),
                ));
                Some(Node::Alias(anchor, Box::new(list)))
            }
            PullSecrets::PlainStrings => {
                plain_strings = true;
                let names = self.secret_names();
                Some(Node::Seq(names.into_iter().map(string).collect()))
            }
        };
        if let Some(list) = pull_secrets {
            let at = self.choices.count(0..=entries.len());
            entries.insert(at, ("imagePullSecrets".to_string(), list));
        }
        if self.choices.chance(25) {
            let text = self.multi_line_string();
            entries.push(("schedulerName".to_string(), text));
        }
        let mut node = Node::Map(entries);
        if self.choices.chance(10) {
            node = Node::Flow(Box::new(node));
        }
        PodSpec { node, defaults, edited, plain_strings }
    }

    fn pull_secrets(&mut self) -> PullSecrets {
        self.choices.weighted(&[
            (18, PullSecrets::Absent),
            (6, PullSecrets::BlockList),
            (3, PullSecrets::BlockListOfFlowItems),
            (3, PullSecrets::FlowList),
            (3, PullSecrets::EmptyList),
            (3, PullSecrets::Empty),
            (3, PullSecrets::Null),
            (3, PullSecrets::Merged),
            (3, PullSecrets::Alias),
            (2, PullSecrets::PlainStrings),
        ])
    }

    fn secret_names(&mut self) -> Vec<&'static str> {
        let count = self.choices.count(1..=2);
        (0..count).map(|_| self.choices.pick(&["regcred", SECRET_NAME, "other"])).collect()
    }

    /// A list of `{name: ...}` items, possibly naming our secret already; with `flow_items`
    /// each item in flow style.
    fn references(&mut self, flow_items: bool) -> Node {
        let items = self.secret_names().into_iter().map(|name| {
            let item = map([("name", string(name))]);
            if flow_items { Node::Flow(Box::new(item)) } else { item }
        });
        Node::Seq(items.collect())
    }

    fn container(&mut self) -> Node {
        let name = self.choices.pick(&["app", "sidecar"]);
        let image = self.choices.pick(&[
            "nginx:1.27",
            "myregistry.azurecr.io/team/api:2.0",
            "ghcr.io/org/tool@sha256:0f0f",
        ]);
        let mut entries = vec![("name", string(name)), ("image", string(image))];
        if self.choices.chance(30) {
            let port = [80, 8080, 65535][self.choices.count(0..=2)];
            entries.push(("ports", Node::Seq(vec![map([("containerPort", Node::Int(port))])])));
        }
        if self.choices.chance(30) {
            let value = self.choices.pick(AWKWARD_STRINGS);
            let variable = map([("name", string("MODE")), ("value", string(value))]);
            entries.push(("env", Node::Seq(vec![variable])));
        }
        if self.choices.chance(30) {
            let script = self.block_text();
            entries.push(("command", Node::Seq(vec![string("sh"), string("-c")])));
            entries.push(("args", Node::Seq(vec![Node::Text(script)])));
        }
        map(entries)
    }

    /// Lines that look like markers, comments, YAML and manifests, which must stay text.
    fn block_text(&mut self) -> BlockText {
        let header = self.choices.pick(&["|", "|+", "|-", ">", ">-"]);
        let first = self.choices.pick(&[
            "echo hello",
            "set -eu",
            "---",
            "...",
            "# not a comment",
            "apiVersion: v1",
            "kind: Pod",
        ]);
        let mut lines = vec![first];
        for _ in 0..self.choices.count(0..=3) {
            lines.push(self.choices.pick(&[
                "  indented more",
                "",
                "imagePullSecrets: []",
                "- item",
                "--- not a marker",
                "kind: Deployment",
                "spec:",
                "  containers: []",
            ]));
        }
        let trailing_blank_lines = self.choices.count(0..=2);
        BlockText { header, lines, trailing_blank_lines }
    }

    /// A string over several lines: a block scalar, or words folded over lines (the style of
    /// long `description`s).
    fn multi_line_string(&mut self) -> Node {
        if self.choices.chance(50) {
            let quoted = self.choices.chance(50);
            let count = self.choices.count(2..=3);
            let words = (0..count)
                .map(|_| self.choices.pick(&["default", "scheduler", "of the", "cluster"]))
                .collect();
            Node::Wrapped { quoted, words }
        } else {
            Node::Text(self.block_text())
        }
    }

    /// A `List`, a `*List` or a document with `items` and no `kind` (which the tool leaves
    /// alone). Now and then the last workload's pod spec is an alias of the first's.
    fn list(&mut self) -> Object {
        let (api_version, kind) = self.choices.pick(&[
            ("v1", Some("List")),
            ("apps/v1", Some("DeploymentList")),
            ("v1", None),
        ]);
        let walked = kind.is_some();
        let mut items: Vec<Result<Workload, Node>> = Vec::new();
        for _ in 0..self.choices.count(1..=3) {
            let item = if self.choices.chance(33) {
                Err(self.other_object())
            } else {
                Ok(self.workload(walked))
            };
            items.push(item);
        }
        if self.choices.chance(50) {
            self.share_pod_spec(&mut items);
        }
        let refused = items.iter().any(|item| item.as_ref().is_ok_and(|w| w.pod_spec.refused()));
        let items =
            items.into_iter().map(|item| item.map_or_else(|other| other, Workload::into_node));
        let mut entries = vec![("apiVersion", string(api_version))];
        entries.extend(kind.map(|kind| ("kind", string(kind))));
        entries.push(("metadata", map([("resourceVersion", string(""))])));
        entries.push(("items", Node::Seq(items.collect())));
        Object { node: map(entries), plain_string_pull_secrets: refused }
    }

    /// Makes the last workload's pod spec an alias of the first's, when that is a mapping and
    /// the tool edits both or neither (so that what it replaces is where the model says).
    fn share_pod_spec(&mut self, items: &mut [Result<Workload, Node>]) {
        let mut workloads = items.iter_mut().filter_map(|item| item.as_mut().ok());
        let (Some(first), Some(last)) = (workloads.next(), workloads.last()) else { return };
        if !matches!(first.pod_spec.node.unwrapped(), Node::Map(_))
            || first.pod_spec.edited != last.pod_spec.edited
        {
            return;
        }
        let anchor = self.anchor("pod");
        let shared = std::mem::replace(&mut first.pod_spec.node, Node::Empty);
        first.pod_spec.node = Node::Anchored(anchor.clone(), Box::new(shared.clone()));
        last.pod_spec.node = Node::Alias(anchor, Box::new(shared));
        last.pod_spec.plain_strings = first.pod_spec.plain_strings;
    }

    /// Documents without a pod spec the tool edits: objects, some looking as if they had one,
    /// and data that is no object (values, a patch, a lone string).
    fn other_object(&mut self) -> Node {
        #[derive(Clone, Copy)]
        enum Pick {
            ConfigMap,
            CoreService,
            Crd,
            SparkApplication,
            KindlessValues,
            NotKubernetes,
            JsonPatch,
            LoneString,
            OtherSecret,
            SecretNamedLikeOurs,
            RolloutWithWorkloadRef,
            ReplicationControllerWithoutTemplate,
        }
        let pick = self.choices.pick(&[
            Pick::ConfigMap,
            Pick::CoreService,
            Pick::Crd,
            Pick::SparkApplication,
            Pick::KindlessValues,
            Pick::NotKubernetes,
            Pick::JsonPatch,
            Pick::LoneString,
            Pick::OtherSecret,
            Pick::SecretNamedLikeOurs,
            Pick::RolloutWithWorkloadRef,
            Pick::ReplicationControllerWithoutTemplate,
        ]);
        match pick {
            Pick::ConfigMap => {
                let (name, namespace) = (self.name(), self.namespace());
                let script = self.multi_line_string();
                let metadata = self.metadata(name, namespace);
                config_map(metadata, script)
            }
            Pick::CoreService => {
                let (name, namespace) = (self.name(), self.namespace());
                let metadata = self.metadata(name, namespace);
                core_service(name, metadata)
            }
            Pick::Crd => crd_with_pull_secrets_in_schema(),
            Pick::SparkApplication => {
                let namespace = self.namespace();
                let metadata = self.metadata("pi", namespace);
                spark_application(metadata)
            }
            Pick::KindlessValues => kindless_values(),
            Pick::NotKubernetes => map([
                ("name", string("not-a-manifest")),
                ("spec", map([("replicas", Node::Int(3))])),
            ]),
            Pick::JsonPatch => json_patch(),
            Pick::LoneString => string("just a note"),
            Pick::OtherSecret => {
                let namespace = self.namespace();
                let metadata = self.metadata("db-password", namespace);
                other_secret(metadata)
            }
            Pick::SecretNamedLikeOurs => {
                let namespace = self.namespace();
                if self.choices.chance(50) {
                    self.sealed_secret(namespace)
                } else {
                    self.pull_secret(namespace)
                }
            }
            Pick::RolloutWithWorkloadRef => {
                let (name, namespace) = (self.name(), self.namespace());
                let metadata = self.metadata(name, namespace);
                rollout_with_workload_ref(name, metadata)
            }
            Pick::ReplicationControllerWithoutTemplate => {
                let (name, namespace) = (self.name(), self.namespace());
                let metadata = self.metadata(name, namespace);
                replication_controller_without_template(name, metadata)
            }
        }
    }

    /// The name for a Secret that is to be named like ours in `namespace`: ours, unless the
    /// namespace has one already.
    fn pull_secret_name(&mut self, namespace: Option<&'static str>) -> &'static str {
        if self.pull_secret_namespaces.contains(&namespace) {
            "other-secret"
        } else {
            self.pull_secret_namespaces.push(namespace);
            SECRET_NAME
        }
    }

    /// A pull Secret as an earlier run wrote it: the tool replaces it where it stands.
    fn pull_secret(&mut self, namespace: Option<&'static str>) -> Node {
        let name = self.pull_secret_name(namespace);
        let metadata = self.metadata(name, namespace);
        let data = self.maybe_flow(map([(".dockerconfigjson", string("e30="))]));
        map([
            ("apiVersion", string("v1")),
            ("kind", string("Secret")),
            ("metadata", metadata),
            ("type", string("kubernetes.io/dockerconfigjson")),
            ("data", data),
        ])
    }

    /// A SealedSecret named like ours: replaced too (by a plain Secret, without sealing).
    fn sealed_secret(&mut self, namespace: Option<&'static str>) -> Node {
        let name = self.pull_secret_name(namespace);
        let metadata = self.metadata(name, namespace);
        let data = self.maybe_flow(map([(".dockerconfigjson", string("AgBy3i4OJSWK"))]));
        map([
            ("apiVersion", string("bitnami.com/v1alpha1")),
            ("kind", string("SealedSecret")),
            ("metadata", metadata),
            (
                "spec",
                map([
                    ("encryptedData", data),
                    ("template", map([("type", string("kubernetes.io/dockerconfigjson"))])),
                ]),
            ),
        ])
    }
}

/// `node` marked as replaced by the tool, when the tool edits the pod spec it is in.
fn replaced_if(edited: bool, node: Node) -> Node {
    if edited { Node::Replaced(Box::new(node)) } else { node }
}

impl Workload {
    /// The object, with `defaults` first (an alias must follow its anchor) and the pod spec
    /// wrapped in the keys of its path and their usual neighbours.
    fn into_node(self) -> Node {
        let path = self.pod_spec_path;
        let mut node = self.pod_spec.node;
        for depth in (1..path.len()).rev() {
            let mut entries = neighbours(self.kind, &path[..depth], self.name);
            entries.push((path[depth].to_string(), node));
            node = Node::Map(entries);
        }
        let mut entries = vec![("apiVersion".to_string(), string(self.api_version))];
        if !self.pod_spec.defaults.is_empty() {
            entries.push(("defaults".to_string(), Node::Map(self.pod_spec.defaults)));
        }
        entries.push(("kind".to_string(), string(self.kind)));
        entries.push(("metadata".to_string(), self.metadata));
        entries.push((path[0].to_string(), node));
        Node::Map(entries)
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

/// The namespace of a top-level Secret or SealedSecret named like ours, which the tool
/// replaces where it stands (`Some(None)`: one without a namespace).
pub fn pull_secret_namespace(object: &Node) -> Option<Option<&str>> {
    let api_version = object.field_str("apiVersion")?;
    let named_like_ours = match object.field_str("kind")? {
        "Secret" => group(api_version).is_empty(),
        "SealedSecret" => group(api_version) == "bitnami.com",
        _ => false,
    };
    let metadata = object.field("metadata")?;
    (named_like_ours && metadata.field_str("name") == Some(SECRET_NAME))
        .then(|| metadata.field_str("namespace"))
}

/// A ConfigMap whose data holds a script over several lines and text that looks like YAML.
fn config_map(metadata: Node, script: Node) -> Node {
    map([
        ("apiVersion", string("v1")),
        ("kind", string("ConfigMap")),
        ("metadata", metadata),
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
fn core_service(name: &str, metadata: Node) -> Node {
    map([
        ("apiVersion", string("v1")),
        ("kind", string("Service")),
        ("metadata", metadata),
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
        ("metadata", map([("name", string("crontabs.example.com"))])),
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
fn spark_application(metadata: Node) -> Node {
    map([
        ("apiVersion", string("sparkoperator.k8s.io/v1beta2")),
        ("kind", string("SparkApplication")),
        ("metadata", metadata),
        (
            "spec",
            map([
                ("image", string("spark:3.5")),
                ("imagePullSecrets", Node::Seq(vec![string("regcred"), string(SECRET_NAME)])),
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

fn other_secret(metadata: Node) -> Node {
    map([
        ("apiVersion", string("v1")),
        ("kind", string("Secret")),
        ("metadata", metadata),
        ("type", string("Opaque")),
        ("stringData", map([("password", string("hunter2"))])),
    ])
}

/// A Rollout that points at a Deployment has no pod template of its own.
fn rollout_with_workload_ref(name: &str, metadata: Node) -> Node {
    map([
        ("apiVersion", string("argoproj.io/v1alpha1")),
        ("kind", string("Rollout")),
        ("metadata", metadata),
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

fn replication_controller_without_template(name: &str, metadata: Node) -> Node {
    map([
        ("apiVersion", string("v1")),
        ("kind", string("ReplicationController")),
        ("metadata", metadata),
        ("spec", map([("replicas", Node::Int(0)), ("selector", app_label(name))])),
    ])
}
