//! A small model of manifest streams, for structure-aware fuzzing of the injector.
//!
//! Raw bytes rarely get past the YAML parser into the code that plans and writes the
//! additions, and that code is where a byte can go missing. So `arbitrary` fills in this model
//! instead (which objects, which namespaces, what `imagePullSecrets` already holds, how it is
//! spelt) and [`Stream::render`] writes it out as YAML text itself, in the spellings the tool
//! must keep: block, flow and JSON documents, 2 or 4 space indentation, indented and
//! indentless sequences, sorted keys, quoting, comments (also at column 0), block scalars,
//! anchors and aliases (a shared pod spec, a shared list), merge keys, CRLF (per document), a
//! byte order mark, `%YAML` directives with `...`, and no final newline.
//!
//! The kinds and where they keep their pod spec come from the reference table
//! (`shared/reference/workload-kinds.md`), written out here again rather than taken from the
//! code under test. Lists in the model are capped when rendered so inputs stay small.

use arbitrary::Arbitrary;

/// At most this many documents, list items and names are rendered.
const MAX_ITEMS: usize = 4;

/// A whole input stream.
#[derive(Arbitrary, Debug)]
pub struct Stream {
    pub settings: Settings,
    pub byte_order_mark: bool,
    pub final_newline: bool,
    pub documents: Vec<Document>,
}

/// The run's configuration.
#[derive(Arbitrary, Debug)]
pub struct Settings {
    pub with_credentials: bool,
    pub validate: bool,
    pub only_registry: bool,
}

#[derive(Arbitrary, Debug)]
pub struct Document {
    pub start: Start,
    pub end_marker: bool,
    pub comment_before: bool,
    pub crlf: bool,
    pub syntax: Syntax,
    pub style: Style,
    pub object: Object,
}

/// What comes before the content.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    Bare,
    Marker,
    MarkerWithComment,
    /// `%YAML 1.2` and `---` (the previous document then ends with `...`).
    Directive,
    /// `--- ` with the content on the marker line (flow and JSON documents only).
    ContentOnMarker,
}

#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Block,
    /// The whole document as one flow mapping, on one line or many.
    Flow {
        several_lines: bool,
    },
    Json {
        several_lines: bool,
    },
}

/// How a block document is spelt.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct Style {
    pub four_spaces: bool,
    /// `- item` at the parent key's column.
    pub indentless_sequences: bool,
    pub sorted_keys: bool,
    pub quote: Quote,
    pub quote_keys: bool,
    pub comments_above_keys: bool,
    pub comments_after_values: bool,
    /// Comments at column 0 between entries, which the skimming fast path must step over.
    pub comments_at_column_0: bool,
    /// `metadata` and the containers list written in flow style inside a block document.
    pub flow_leaves: bool,
    /// A blank line between mapping entries.
    pub blank_lines: bool,
}

#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    Plain,
    Single,
    Double,
}

#[derive(Arbitrary, Debug)]
pub enum Object {
    Workload(Workload),
    /// `kind: List` (or a `*List`, or no kind at all) with `items`.
    List {
        kind: ListKind,
        items: Vec<Workload>,
    },
    /// A Secret or SealedSecret, named like ours or not.
    Secret {
        sealed: bool,
        ours: bool,
        namespace: Namespace,
    },
    /// A ConfigMap whose data holds a block scalar that looks like a manifest.
    ConfigMap {
        namespace: Namespace,
        literal: bool,
    },
    /// A mapping that is not a Kubernetes object (no `kind`).
    NotKubernetes,
    /// Only comments.
    CommentsOnly,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum ListKind {
    List,
    DeploymentList,
    NoKind,
}

#[derive(Arbitrary, Debug)]
pub struct Workload {
    pub kind: Kind,
    pub namespace: Namespace,
    pub pod_spec: PodSpecShape,
    pub pull_secrets: PullSecrets,
    /// Where `imagePullSecrets` goes among the pod spec's other keys (unless sorted).
    pub position: u8,
    pub image_on_registry: bool,
    /// The pod spec ends with a block scalar (`hostname: |`), which is where an appended key
    /// can land inside the scalar or break the next line.
    pub block_scalar_last: Option<BlockHeader>,
    /// The pod spec in flow style inside a block document (`spec: {containers: [...]}`).
    pub flow_pod_spec: bool,
    /// In a list, the next item's pod spec is an alias of this one's.
    pub shares_pod_spec_with_next: bool,
}

/// A block scalar's header; `|+` keeps a trailing blank line.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum BlockHeader {
    Literal,
    Strip,
    Keep,
    Folded,
}

/// The kinds of the reference table, and some that are not workloads.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Kind {
    Pod,
    PodTemplate,
    ReplicationController,
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    ExtensionsDeployment,
    Job,
    CronJob,
    Rollout,
    RolloutWithWorkloadRef,
    KnativeService,
    KnativeConfiguration,
    KnativeRevision,
    ScaledJob,
    Workflow,
    WorkflowTemplate,
    ClusterWorkflowTemplate,
    CronWorkflow,
    /// Core `v1 Service`: not a workload, though Knative's `Service` is.
    CoreService,
    /// A custom resource nobody told the tool about.
    Widget,
}

impl Kind {
    /// apiVersion, kind, and where the pod spec is.
    fn table(self) -> (&'static str, &'static str, &'static [&'static str]) {
        const TEMPLATE: &[&str] = &["spec", "template", "spec"];
        match self {
            Kind::Pod => ("v1", "Pod", &["spec"]),
            Kind::PodTemplate => ("v1", "PodTemplate", &["template", "spec"]),
            Kind::ReplicationController => ("v1", "ReplicationController", TEMPLATE),
            Kind::Deployment => ("apps/v1", "Deployment", TEMPLATE),
            Kind::StatefulSet => ("apps/v1", "StatefulSet", TEMPLATE),
            Kind::DaemonSet => ("apps/v1", "DaemonSet", TEMPLATE),
            Kind::ReplicaSet => ("apps/v1", "ReplicaSet", TEMPLATE),
            Kind::ExtensionsDeployment => ("extensions/v1beta1", "Deployment", TEMPLATE),
            Kind::Job => ("batch/v1", "Job", TEMPLATE),
            Kind::CronJob => {
                ("batch/v1", "CronJob", &["spec", "jobTemplate", "spec", "template", "spec"])
            }
            Kind::Rollout => ("argoproj.io/v1alpha1", "Rollout", TEMPLATE),
            Kind::RolloutWithWorkloadRef => {
                ("argoproj.io/v1alpha1", "Rollout", &["spec", "workloadRef"])
            }
            Kind::KnativeService => ("serving.knative.dev/v1", "Service", TEMPLATE),
            Kind::KnativeConfiguration => ("serving.knative.dev/v1", "Configuration", TEMPLATE),
            Kind::KnativeRevision => ("serving.knative.dev/v1", "Revision", &["spec"]),
            Kind::ScaledJob => {
                ("keda.sh/v1alpha1", "ScaledJob", &["spec", "jobTargetRef", "template", "spec"])
            }
            Kind::Workflow => ("argoproj.io/v1alpha1", "Workflow", &["spec"]),
            Kind::WorkflowTemplate => ("argoproj.io/v1alpha1", "WorkflowTemplate", &["spec"]),
            Kind::ClusterWorkflowTemplate => {
                ("argoproj.io/v1alpha1", "ClusterWorkflowTemplate", &["spec"])
            }
            Kind::CronWorkflow => {
                ("argoproj.io/v1alpha1", "CronWorkflow", &["spec", "workflowSpec"])
            }
            Kind::CoreService => ("v1", "Service", TEMPLATE),
            Kind::Widget => ("example.com/v1", "Widget", TEMPLATE),
        }
    }
}

/// Namespaces, including names YAML would misread if written plain.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Namespace {
    None,
    Default,
    Shop,
    TeamA,
    /// `y`: a boolean to YAML 1.1.
    Y,
    /// `1e3`: a number.
    Number,
}

impl Namespace {
    fn name(self) -> Option<&'static str> {
        match self {
            Namespace::None => None,
            Namespace::Default => Some("default"),
            Namespace::Shop => Some("shop"),
            Namespace::TeamA => Some("team-a"),
            Namespace::Y => Some("y"),
            Namespace::Number => Some("1e3"),
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum PodSpecShape {
    Full,
    /// `spec: {}`
    Empty,
    /// `spec:` (null): nothing to do.
    Null,
}

/// What the pod spec already has.
#[derive(Arbitrary, Debug)]
pub enum PullSecrets {
    Absent,
    /// An explicit null (replaced by design) or an empty value (filled in).
    Null(NullSpelling),
    /// `[]`
    EmptyList,
    List {
        names: Vec<SecretName>,
        flow: bool,
    },
    /// A list of plain strings, as some CRDs have: the tool must refuse, not mix in a mapping.
    Strings(Vec<SecretName>),
    /// Inherited through a merge key from an anchored mapping.
    Merged(Vec<SecretName>),
    /// An alias of a list anchored elsewhere in the document.
    Alias(Vec<SecretName>),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum NullSpelling {
    Null,
    Tilde,
    Capitalised,
    Empty,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum SecretName {
    Ours,
    Dockerhub,
    Quay,
}

impl SecretName {
    fn name(self) -> &'static str {
        match self {
            SecretName::Ours => crate::check::SECRET_NAME,
            SecretName::Dockerhub => "dockerhub",
            SecretName::Quay => "quay",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// From the model to nodes: what the document holds.

/// A YAML node, with the spellings that belong to single nodes.
#[derive(Clone, Debug)]
enum Node {
    Str(String),
    /// A scalar spelt as it is: a null spelling (`""` for an empty value), a number.
    Raw(&'static str),
    /// A literal (`|`) or folded (`>`) block scalar; a quoted string in flow and JSON.
    Block {
        header: &'static str,
        lines: Vec<&'static str>,
    },
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
    /// A collection in flow style inside a block document.
    Flow(Box<Node>),
    Anchor(String, Box<Node>),
    /// An alias, with a copy of what it names for JSON, which has none.
    Alias(String, Box<Node>),
}

fn str(text: &str) -> Node {
    Node::Str(text.to_string())
}

fn map<'k>(entries: impl IntoIterator<Item = (&'k str, Node)>) -> Node {
    Node::Map(entries.into_iter().map(|(key, value)| (key.to_string(), value)).collect())
}

fn secret_names(names: &[SecretName]) -> impl Iterator<Item = &'static str> {
    names.iter().take(MAX_ITEMS).map(|name| name.name())
}

/// Builds the nodes of one document, numbering its anchors.
struct Builder {
    anchors: usize,
    style: Style,
    json: bool,
}

impl Builder {
    fn anchor(&mut self, prefix: &str) -> String {
        self.anchors += 1;
        format!("{prefix}{}", self.anchors)
    }

    fn leaf(&self, node: Node) -> Node {
        if self.style.flow_leaves { Node::Flow(Box::new(node)) } else { node }
    }

    fn object(&mut self, object: &Object) -> Option<Node> {
        Some(match object {
            Object::Workload(workload) => self.workload(workload, None).0,
            Object::List { kind, items } => {
                let mut entries = vec![("apiVersion", str("v1"))];
                match kind {
                    ListKind::List => entries.push(("kind", str("List"))),
                    ListKind::DeploymentList => entries.push(("kind", str("DeploymentList"))),
                    ListKind::NoKind => {}
                }
                let mut shared = None;
                let mut nodes = Vec::new();
                for item in items.iter().take(MAX_ITEMS) {
                    let (node, next_shared) = self.workload(item, shared.take());
                    nodes.push(node);
                    shared = next_shared;
                }
                entries.push(("items", Node::Seq(nodes)));
                map(entries)
            }
            Object::Secret { sealed, ours, namespace } => {
                let name = if *ours { crate::check::SECRET_NAME } else { "other-secret" };
                let data = self.leaf(map([(".dockerconfigjson", str("e30="))]));
                let (api_version, kind, data_key) = if *sealed {
                    ("bitnami.com/v1alpha1", "SealedSecret", "spec")
                } else {
                    ("v1", "Secret", "data")
                };
                let data = if *sealed { map([("encryptedData", data)]) } else { data };
                map([
                    ("apiVersion", str(api_version)),
                    ("kind", str(kind)),
                    ("metadata", self.metadata(name, *namespace)),
                    ("type", str("kubernetes.io/dockerconfigjson")),
                    (data_key, data),
                ])
            }
            Object::ConfigMap { namespace, literal } => {
                let lines = vec!["apiVersion: v1", "kind: Pod", "spec:", "  containers: []"];
                let header = if *literal { "|" } else { ">-" };
                map([
                    ("apiVersion", str("v1")),
                    ("kind", str("ConfigMap")),
                    ("metadata", self.metadata("config", *namespace)),
                    ("data", map([("pod.yaml", Node::Block { header, lines })])),
                ])
            }
            Object::NotKubernetes => map([
                ("name", str("not-a-manifest")),
                ("spec", map([("replicas", Node::Raw("3"))])),
            ]),
            Object::CommentsOnly => return None,
        })
    }

    fn metadata(&self, name: &str, namespace: Namespace) -> Node {
        let mut entries = vec![("name", str(name))];
        if let Some(namespace) = namespace.name() {
            entries.push(("namespace", str(namespace)));
        }
        self.leaf(map(entries))
    }

    /// A workload object, and the anchor of its pod spec when the next item shares it.
    /// `shared` is the anchor of the previous item's pod spec, to alias instead of a pod spec.
    fn workload(
        &mut self,
        workload: &Workload,
        shared: Option<(String, Node)>,
    ) -> (Node, Option<(String, Node)>) {
        let (api_version, kind, path) = workload.kind.table();
        let mut entries = vec![
            ("apiVersion".to_string(), str(api_version)),
            ("kind".to_string(), str(kind)),
            ("metadata".to_string(), self.metadata("app", workload.namespace)),
        ];
        // Anchored things that the pod spec refers to come first: `defaults` sorts before
        // `kind`, `metadata` and `spec`, and an alias must follow its anchor.
        let mut defaults = Vec::new();
        let mut next_shared = None;
        let mut value = match shared {
            _ if matches!(workload.kind, Kind::RolloutWithWorkloadRef) => {
                map([("kind", str("Deployment")), ("name", str("app"))])
            }
            Some((anchor, copy)) => Node::Alias(anchor, Box::new(copy)),
            None if workload.shares_pod_spec_with_next => {
                let pod_spec = self.pod_spec(workload, &mut defaults);
                let anchor = self.anchor("pod");
                next_shared = Some((anchor.clone(), pod_spec.clone()));
                Node::Anchor(anchor, Box::new(pod_spec))
            }
            None => self.pod_spec(workload, &mut defaults),
        };
        if !defaults.is_empty() {
            entries.insert(1, ("defaults".to_string(), Node::Map(defaults)));
        }
        for key in path.iter().rev() {
            value = Node::Map(vec![(key.to_string(), value)]);
        }
        if let Node::Map(top) = value {
            entries.extend(top);
        }
        (Node::Map(entries), next_shared)
    }

    fn pod_spec(&mut self, workload: &Workload, defaults: &mut Vec<(String, Node)>) -> Node {
        match workload.pod_spec {
            PodSpecShape::Full => {}
            PodSpecShape::Empty => return Node::Map(vec![]),
            PodSpecShape::Null => return Node::Raw(""),
        }
        let image = if workload.image_on_registry {
            "myregistry.azurecr.io/shop/app:1.0"
        } else {
            "nginx:1.27"
        };
        let container = map([("name", str("app")), ("image", str(image))]);
        let mut entries = vec![
            ("containers".to_string(), self.leaf(Node::Seq(vec![container]))),
            ("restartPolicy".to_string(), str("Always")),
        ];
        let list = |names: &[SecretName]| {
            Node::Seq(secret_names(names).map(|name| map([("name", str(name))])).collect())
        };
        let pull_secrets = match &workload.pull_secrets {
            PullSecrets::Absent => None,
            PullSecrets::Null(spelling) => Some(Node::Raw(match spelling {
                NullSpelling::Null => "null",
                NullSpelling::Tilde => "~",
                NullSpelling::Capitalised => "Null",
                NullSpelling::Empty => "",
            })),
            PullSecrets::EmptyList => Some(Node::Seq(vec![])),
            PullSecrets::List { names, flow: false } => Some(list(names)),
            PullSecrets::List { names, flow: true } => Some(Node::Flow(Box::new(list(names)))),
            PullSecrets::Strings(names) => Some(Node::Seq(secret_names(names).map(str).collect())),
            PullSecrets::Merged(names) => {
                let anchor = self.anchor("defaults");
                let inherited = Node::Map(vec![("imagePullSecrets".to_string(), list(names))]);
                defaults.push((
                    "base".to_string(),
                    Node::Anchor(anchor.clone(), Box::new(inherited.clone())),
                ));
                entries.insert(0, ("<<".to_string(), Node::Alias(anchor, Box::new(inherited))));
                None
            }
            PullSecrets::Alias(names) => {
                let anchor = self.anchor("list");
                defaults.push((
                    "list".to_string(),
                    Node::Anchor(anchor.clone(), Box::new(list(names))),
                ));
                Some(Node::Alias(anchor, Box::new(list(names))))
            }
        };
        if let Some(pull_secrets) = pull_secrets {
            let at = usize::from(workload.position) % (entries.len() + 1);
            entries.insert(at, ("imagePullSecrets".to_string(), pull_secrets));
        }
        if let Some(header) = workload.block_scalar_last {
            let (header, lines) = match header {
                BlockHeader::Literal => ("|", vec!["app"]),
                BlockHeader::Strip => ("|-", vec!["app"]),
                BlockHeader::Keep => ("|+", vec!["app", ""]),
                BlockHeader::Folded => (">", vec!["app", "server"]),
            };
            entries.push(("hostname".to_string(), Node::Block { header, lines }));
        }
        if self.json {
            // JSON has no merge key: spell the inherited entries out.
            if let Some(at) = entries.iter().position(|(key, _)| key == "<<") {
                let (_, merged) = entries.remove(at);
                if let Node::Alias(_, copy) = merged
                    && let Node::Map(inherited) = *copy
                {
                    entries.extend(inherited);
                }
            }
        }
        if workload.flow_pod_spec {
            Node::Flow(Box::new(Node::Map(entries)))
        } else {
            Node::Map(entries)
        }
    }
}

/// Sorts mapping keys at every level, as kubectl and kustomize print them.
fn sort_keys(node: &mut Node) {
    match node {
        Node::Map(entries) => {
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            entries.iter_mut().for_each(|(_, value)| sort_keys(value));
        }
        Node::Seq(items) => items.iter_mut().for_each(sort_keys),
        Node::Flow(inner) | Node::Anchor(_, inner) | Node::Alias(_, inner) => sort_keys(inner),
        Node::Str(_) | Node::Raw(_) | Node::Block { .. } => {}
    }
}

// ---------------------------------------------------------------------------------------------
// From nodes to text.

impl Stream {
    /// The YAML text of the stream.
    pub fn render(&self) -> String {
        let mut text = String::new();
        let documents: Vec<&Document> = self.documents.iter().take(MAX_ITEMS).collect();
        if self.byte_order_mark {
            text.push('\u{feff}');
        }
        for (index, document) in documents.iter().enumerate() {
            let next_has_directive =
                documents.get(index + 1).is_some_and(|next| next.start == Start::Directive);
            let mut out = Writer::new(document);
            // Documents after the first start with `---`: YAML 1.2 would allow a bare one after
            // `...`, but libyaml (the oracle) follows YAML 1.1 there.
            out.document(index == 0, document.end_marker || next_has_directive);
            text.push_str(&out.finish());
        }
        if !self.final_newline {
            let trimmed = text.strip_suffix('\n').unwrap_or(&text);
            let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
            text.truncate(trimmed.len());
        }
        text
    }
}

struct Writer<'d> {
    document: &'d Document,
    style: Style,
    indent: usize,
    out: String,
}

impl<'d> Writer<'d> {
    fn new(document: &'d Document) -> Writer<'d> {
        let style = document.style;
        let indent = if style.four_spaces { 4 } else { 2 };
        Writer { document, style, indent, out: String::new() }
    }

    fn json(&self) -> bool {
        matches!(self.document.syntax, Syntax::Json { .. })
    }

    /// Writes the document; `may_be_bare` when nothing forces a `---`, `end_marker` to close
    /// it with `...`.
    fn document(&mut self, may_be_bare: bool, end_marker: bool) {
        let document = self.document;
        let mut builder = Builder { anchors: 0, style: self.style, json: self.json() };
        let mut node = builder.object(&document.object);
        if self.style.sorted_keys
            && let Some(node) = &mut node
        {
            sort_keys(node);
        }
        if document.comment_before {
            self.out.push_str("# Source: chart/templates/app.yaml\n");
        }
        let block = matches!(document.syntax, Syntax::Block);
        let content_on_marker =
            document.start == Start::ContentOnMarker && !block && node.is_some();
        let bare = document.start == Start::Bare && may_be_bare;
        match document.start {
            Start::Directive => self.out.push_str("%YAML 1.2\n---\n"),
            Start::MarkerWithComment => self.out.push_str("--- # next\n"),
            _ if bare => {}
            _ if content_on_marker => self.out.push_str("--- "),
            _ => self.out.push_str("---\n"),
        }
        match (&node, document.syntax) {
            (None, _) => self.out.push_str("# nothing here\n"),
            (Some(node), Syntax::Block) => match node {
                Node::Map(entries) => self.block_map(entries, 0),
                other => self.after_key(other, 0),
            },
            (Some(node), Syntax::Flow { several_lines } | Syntax::Json { several_lines }) => {
                self.flow(node, 0, several_lines);
                self.out.push('\n');
            }
        }
        // libyaml refuses a `...` that closes no document (YAML 1.2 allows it).
        if end_marker && !(bare && node.is_none()) {
            self.out.push_str("...\n");
        }
    }

    fn finish(self) -> String {
        if self.document.crlf { self.out.replace('\n', "\r\n") } else { self.out }
    }

    fn pad(&mut self, column: usize) {
        self.out.extend(std::iter::repeat_n(' ', column));
    }

    fn comment_above(&mut self, column: usize) {
        if self.style.comments_at_column_0 {
            self.out.push_str("# column 0\n");
        }
        if self.style.comments_above_keys {
            self.pad(column);
            self.out.push_str("# about the next key\n");
        }
    }

    fn end_of_line(&mut self) {
        if self.style.comments_after_values {
            self.out.push_str(" # note");
        }
        self.out.push('\n');
    }

    /// Block mapping entries at `column`; with `first_inline` the first key goes where the
    /// cursor is (after `- `).
    fn block_entries(&mut self, entries: &[(String, Node)], column: usize, first_inline: bool) {
        for (index, (key, value)) in entries.iter().enumerate() {
            if !(first_inline && index == 0) {
                if self.style.blank_lines && index > 0 {
                    self.out.push('\n');
                }
                self.comment_above(column);
                self.pad(column);
            }
            let key = self.scalar(key, self.style.quote_keys.then_some(Quote::Double));
            self.out.push_str(&key);
            self.out.push(':');
            self.after_key(value, column);
        }
    }

    fn block_map(&mut self, entries: &[(String, Node)], column: usize) {
        self.block_entries(entries, column, false);
    }

    /// Writes a value after `key:` (or at the top of a document) whose key is at `column`.
    fn after_key(&mut self, node: &Node, column: usize) {
        let inner = column + self.indent;
        match node {
            Node::Map(entries) if !entries.is_empty() => {
                self.end_of_line();
                self.block_map(entries, inner);
            }
            Node::Seq(items) if !items.is_empty() => {
                self.end_of_line();
                let at = if self.style.indentless_sequences { column } else { inner };
                self.block_seq(items, at);
            }
            Node::Anchor(name, inner_node) => {
                self.out.push_str(" &");
                self.out.push_str(name);
                self.after_key(inner_node, column);
            }
            Node::Block { header, lines } => {
                self.out.push(' ');
                self.out.push_str(header);
                self.out.push('\n');
                for line in lines {
                    if !line.is_empty() {
                        self.pad(inner);
                        self.out.push_str(line);
                    }
                    self.out.push('\n');
                }
            }
            Node::Raw("") => self.end_of_line(),
            Node::Flow(inner_node) => {
                self.out.push(' ');
                self.flow(inner_node, column, false);
                self.end_of_line();
            }
            other => {
                self.out.push(' ');
                self.flow(other, column, false);
                self.end_of_line();
            }
        }
    }

    fn block_seq(&mut self, items: &[Node], column: usize) {
        for item in items {
            self.pad(column);
            self.out.push('-');
            match item {
                Node::Map(entries) if !entries.is_empty() => {
                    self.out.push(' ');
                    self.block_entries(entries, column + 2, true);
                }
                Node::Anchor(name, inner) if matches!(&**inner, Node::Map(e) if !e.is_empty()) => {
                    self.out.push_str(" &");
                    self.out.push_str(name);
                    self.out.push('\n');
                    if let Node::Map(entries) = &**inner {
                        self.block_map(entries, column + 2);
                    }
                }
                Node::Block { .. } => self.after_key(item, column),
                Node::Raw("") => self.out.push('\n'),
                other => {
                    self.out.push(' ');
                    self.flow(other, column + 2, false);
                    self.end_of_line();
                }
            }
        }
    }

    /// `node` in flow style (JSON when the document is JSON), nested lines at `column` plus.
    fn flow(&mut self, node: &Node, column: usize, several_lines: bool) {
        let json = self.json();
        match node {
            Node::Str(text) => {
                let text = self.scalar(text, Some(self.style.quote).filter(|q| *q != Quote::Plain));
                self.out.push_str(&text);
            }
            Node::Raw(raw) if json => self.out.push_str(
                if raw.is_empty() || !raw.starts_with(|c: char| c.is_ascii_digit()) {
                    "null"
                } else {
                    raw
                },
            ),
            Node::Raw(raw) => self.out.push_str(raw),
            Node::Block { lines, .. } => self.out.push_str(&double_quoted(&lines.join("\n"))),
            Node::Flow(inner) => self.flow(inner, column, several_lines),
            Node::Anchor(_, inner) if json => self.flow(inner, column, several_lines),
            Node::Anchor(name, inner) => {
                self.out.push('&');
                self.out.push_str(name);
                self.out.push(' ');
                self.flow(inner, column, several_lines);
            }
            Node::Alias(_, copy) if json => self.flow(copy, column, several_lines),
            Node::Alias(name, _) => {
                self.out.push('*');
                self.out.push_str(name);
                // A space before a following `,` or `}` keeps `:` or `,` out of the alias name.
                self.out.push(' ');
            }
            Node::Map(entries) => {
                let entries: Vec<(Option<&str>, &Node)> =
                    entries.iter().map(|(key, value)| (Some(key.as_str()), value)).collect();
                self.flow_collection(['{', '}'], &entries, column, several_lines);
            }
            Node::Seq(items) => {
                let items: Vec<(Option<&str>, &Node)> =
                    items.iter().map(|item| (None, item)).collect();
                self.flow_collection(['[', ']'], &items, column, several_lines);
            }
        }
    }

    fn flow_collection(
        &mut self,
        [open, close]: [char; 2],
        entries: &[(Option<&str>, &Node)],
        column: usize,
        several_lines: bool,
    ) {
        let inner = column + self.indent;
        self.out.push(open);
        for (index, (key, value)) in entries.iter().enumerate() {
            if several_lines {
                self.out.push('\n');
                self.pad(inner);
            } else if index > 0 {
                self.out.push(' ');
            }
            if let Some(key) = key {
                let quote = (self.style.quote_keys || self.json()).then_some(Quote::Double);
                let key = self.scalar(key, quote);
                self.out.push_str(&key);
                self.out.push_str(": ");
            }
            self.flow(value, inner, several_lines);
            if index + 1 < entries.len() {
                self.out.push(',');
            }
        }
        if several_lines && !entries.is_empty() {
            self.out.push('\n');
            self.pad(column);
        }
        self.out.push(close);
    }

    /// A key or string value: plain when that reads back as the same string and no quote is
    /// asked for; JSON strings are always double-quoted.
    fn scalar(&self, text: &str, quote: Option<Quote>) -> String {
        if text == "<<" && !self.json() {
            // The merge key, which quoting would make an ordinary key.
            return text.to_string();
        }
        let quote = if self.json() { Some(Quote::Double) } else { quote };
        let needed = (!plain_is_safe(text)).then_some(Quote::Single);
        match quote.or(needed) {
            None | Some(Quote::Plain) => text.to_string(),
            Some(Quote::Single) => format!("'{}'", text.replace('\'', "''")),
            Some(Quote::Double) => double_quoted(text),
        }
    }
}

/// Whether `text` written plain reads back as the same string, in block and flow context.
/// Conservative: whatever YAML 1.1 or 1.2 could take for another type is quoted.
fn plain_is_safe(text: &str) -> bool {
    const OTHER_TYPES: &[&str] =
        &["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"];
    text.chars().next().is_some_and(|first| first.is_ascii_alphabetic())
        && !OTHER_TYPES.contains(&text.to_lowercase().as_str())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
}

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
