//! Plans the edits that make every pod spec of one document reference the pull secret.
//!
//! Appending by name is the Kubernetes meaning of "add" for `imagePullSecrets` (its
//! strategic-merge key is `name`), so an existing list is extended, never replaced, and a pod
//! spec that already names the secret is left as it is.
//!
//! The kind's rules say where: the mappings ("holders") at their paths, which are never
//! created (a made-up Flink pod template or Kubeflow patch would change what the operator
//! does), and the field's shape there: `{name}` items, plain names (Spark), or one `{name}`
//! (MinIO), which is set only where empty. What could not be done without failing the run
//! (a required holder absent, another Secret in a one-name field) becomes a [`Warning`].
//!
//! YAML sharing is resolved deliberately:
//! - a pod spec that is an alias (`spec: *shared`) is the anchored mapping: the edit goes there
//!   once, and every object sharing it gains the reference;
//! - `imagePullSecrets` inherited through a merge key (`<<: *base`) is the anchored list: when it
//!   lacks the secret, the item is appended to that list, again once, so the pod spec keeps
//!   inheriting instead of being overridden by a local key that would drop the inherited names.

use std::collections::{HashMap, HashSet};

use super::kinds::{Handling, Path, PodSpecRule, Rules, Shape, Step, api_group};
use super::object::Kind;
use crate::edit::Edit;
use crate::error::quoted;
use crate::yaml::insert::{Editor, NewNode};
use crate::yaml::tree::{NodeId, Tree, Value};
use crate::yaml::{self, skim};

/// What to inject.
#[derive(Clone, Copy, Debug)]
pub struct Injection<'a> {
    /// The name pod specs reference.
    pub secret_name: &'a str,
    /// When set, only pod specs with an image on this login server are touched.
    pub only_registry: Option<&'a str>,
    pub rules: &'a Rules,
    /// The kinds a pull secret may take: a top-level object of one of them named like the pull
    /// secret is reported as [`Plan::pull_secret`] instead of being searched for pod specs.
    pub pull_secret_kinds: &'a [Kind],
}

/// The outcome for one document.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub edits: Vec<Edit>,
    /// The namespace (`None` when the object names none) of each pod spec that references the
    /// pull secret after the edits, in document order.
    pub namespaces: Vec<Option<String>>,
    /// Set when the document itself is a pull secret: an object of one of
    /// [`Injection::pull_secret_kinds`] named like the pull secret.
    pub pull_secret: Option<ExistingSecret>,
    /// What the user should know though nothing failed: a pod spec missing from where its kind
    /// keeps it, a reference to another Secret left in place. Printed by the mode that runs.
    pub warnings: Vec<Warning>,
}

/// Something worth saying about a document that is still passed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The byte of the document the warning is about.
    pub at: usize,
    pub message: String,
}

/// A pull secret already in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingSecret {
    pub namespace: Option<String>,
    pub kind: Kind,
    /// The object's node, for a closer look at it.
    pub node: NodeId,
}

/// A document this tool cannot edit safely: a YAML layer error, or one of this module's about
/// a node whose shape no pod spec may have.
pub type InjectError = yaml::Error;

/// How deep `List`s may nest inside `List`s.
const MAX_LIST_DEPTH: usize = 32;

/// The object a holder belongs to, for messages and for `--only-registry-images`.
struct Owner<'o> {
    node: NodeId,
    described: &'o str,
    namespace: Option<&'o str>,
}

struct Planner<'p, 's, 't> {
    tree: &'t Tree<'s>,
    editor: &'p Editor<'s, 't>,
    injection: Injection<'p>,
    plan: Plan,
    /// Each holder and field done, and whether it references the pull secret afterwards.
    holders_seen: HashMap<(NodeId, &'p str), bool>,
    lists_extended: HashSet<NodeId>,
}

/// Plans the edits for the document `tree`, whose text `editor` edits.
pub fn plan(tree: &Tree, editor: &Editor, injection: Injection) -> Result<Plan, InjectError> {
    let Some(root) = tree.root else {
        return Ok(Plan::default());
    };
    let mut planner = Planner {
        tree,
        editor,
        injection,
        plan: Plan::default(),
        holders_seen: HashMap::new(),
        lists_extended: HashSet::new(),
    };
    planner.object(root, 0)?;
    Ok(planner.plan)
}

impl<'p, 't> Planner<'p, '_, 't> {
    fn object(&mut self, node: NodeId, depth: usize) -> Result<(), InjectError> {
        let tree = self.tree;
        let node = tree.resolve(node)?;
        if tree.entries(node).is_none() {
            return Ok(());
        }
        let Some(kind_entry) = tree.lookup(node, "kind")? else {
            return Ok(());
        };
        let Some(kind) = tree.scalar(kind_entry.value) else {
            return Ok(());
        };
        let api_version = self.scalar_at(node, "apiVersion")?.unwrap_or("");
        let metadata = self.value_at(node, "metadata")?;
        let name = match metadata {
            Some(metadata) => self.scalar_at(metadata, "name")?,
            None => None,
        };
        let namespace = match metadata {
            Some(metadata) => self.scalar_at(metadata, "namespace")?,
            None => None,
        };
        let group = api_group(api_version);
        let pull_secret_kind =
            self.injection.pull_secret_kinds.iter().find(|ours| ours.is(group, kind));
        if depth == 0
            && let Some(&pull_secret_kind) = pull_secret_kind
            && name == Some(self.injection.secret_name)
        {
            self.plan.pull_secret = Some(ExistingSecret {
                namespace: namespace.map(str::to_string),
                kind: pull_secret_kind,
                node,
            });
            return Ok(());
        }
        let spec = self.value_at(node, "spec")?;
        let has_workload_ref = match spec {
            Some(spec) => self.value_at(spec, "workloadRef")?.is_some(),
            None => false,
        };
        let described = format!("{kind}/{}", name.unwrap_or("(unnamed)"));
        let rules: &'p Rules = self.injection.rules;
        match rules.handling(api_version, kind, has_workload_ref) {
            Handling::Rules(rules) => {
                let owner = Owner { node, described: &described, namespace };
                let mut absent = Vec::new();
                let mut holders = Vec::new();
                for rule in rules {
                    for path in &rule.paths {
                        let mut found = Vec::new();
                        self.find(node, &path.steps, &mut found)?;
                        if found.is_empty() && !path.optional {
                            absent.push(path);
                        }
                        let depth = path.steps.len();
                        holders.extend(found.into_iter().map(|holder| (holder, rule, depth)));
                    }
                }
                // A holder inside another (Spark's `spec.driver.template.spec` in `spec`) may
                // end where it does, so both insert at one offset, and insertions there apply
                // in the order made: the inner one must come first.
                holders.sort_by_key(|&(_, _, depth)| std::cmp::Reverse(depth));
                for (holder, rule, _) in holders {
                    self.holder(holder, rule, &owner)?;
                }
                if !absent.is_empty() {
                    self.warn_absent(tree.node(kind_entry.value).span.start, &described, &absent);
                }
            }
            Handling::RolloutWithWorkloadRef => {}
            Handling::None => {
                if let Some(items) = self.value_at(node, "items")?
                    && let Some(items) = tree.items(items)
                {
                    if depth >= MAX_LIST_DEPTH {
                        return Err(tree.error(node, "lists nested too deeply"));
                    }
                    for &item in items {
                        self.object(item, depth + 1)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// A kind's documented pod spec is not where its rule says: most likely misplaced (an
    /// indentation slip, a field of another version), so say so rather than pass it silently.
    fn warn_absent(&mut self, at: usize, described: &str, absent: &[&Path]) {
        let paths: Vec<String> = absent.iter().map(|path| quoted(&path.to_string())).collect();
        self.plan.warnings.push(Warning {
            at,
            message: format!(
                "{described}: nothing at {}, where this kind keeps its pod spec; nothing added there",
                paths.join(", ")
            ),
        });
    }

    /// Collects the nodes at `path` below `node`. A missing key means there is nothing there
    /// (a ReplicationController without a template, say), not an error.
    fn find(
        &self,
        node: NodeId,
        path: &[Step],
        found: &mut Vec<NodeId>,
    ) -> Result<(), InjectError> {
        let Some((step, rest)) = path.split_first() else {
            found.push(node);
            return Ok(());
        };
        match step {
            Step::Key(key) => match self.value_at(node, key)? {
                Some(value) => self.find(value, rest, found),
                None => Ok(()),
            },
            Step::EachItem => {
                for &item in self.tree.items(node).unwrap_or_default() {
                    self.find(item, rest, found)?;
                }
                Ok(())
            }
            Step::EachValue => {
                for &(key, value) in self.tree.entries(node).unwrap_or_default() {
                    if self.tree.scalar(key) != Some("<<") {
                        self.find(value, rest, found)?;
                    }
                }
                Ok(())
            }
        }
    }

    /// Makes the mapping `holder` (a pod spec, or whatever the rule names) reference the pull
    /// secret in the rule's field and shape.
    fn holder(
        &mut self,
        holder: NodeId,
        rule: &'p PodSpecRule,
        owner: &Owner,
    ) -> Result<(), InjectError> {
        let tree = self.tree;
        let holder = tree.resolve(holder)?;
        if tree.entries(holder).is_none() {
            if tree.is_null(holder) {
                return Ok(());
            }
            return Err(self.error(
                holder,
                owner.described,
                "expected the pod spec to be a mapping",
            ));
        }
        if let Some(registry) = self.injection.only_registry
            && !self.uses_registry(holder, registry)
            && !self.images_on(owner.node, &rule.images, registry)?
        {
            return Ok(());
        }
        let field: &'p str = &rule.field;
        let references = match self.holders_seen.get(&(holder, field)) {
            Some(&references) => references,
            None => {
                let references = match rule.shape {
                    Shape::Names => self.names(holder, field, owner.described)?,
                    Shape::Strings => self.strings(holder, field, owner.described)?,
                    Shape::Object => self.object_reference(holder, field, owner.described)?,
                };
                self.holders_seen.insert((holder, field), references);
                references
            }
        };
        if references {
            self.plan.namespaces.push(owner.namespace.map(str::to_string));
        }
        Ok(())
    }

    /// The field is a list of `{name: ...}`: appends ours unless it is there.
    fn names(
        &mut self,
        pod_spec: NodeId,
        field: &str,
        described: &str,
    ) -> Result<bool, InjectError> {
        let tree = self.tree;
        let reference = reference(self.injection.secret_name);
        let Some(list) = self.list_or_add(pod_spec, field, &reference)? else {
            return Ok(true);
        };
        let Some(items) = tree.items(list) else {
            return Err(self.error(
                list,
                described,
                &format!("expected `{field}` to be a list of `{{name: ...}}` items"),
            ));
        };
        for &item in items {
            let item = tree.resolve(item)?;
            match &tree.node(item).value {
                Value::Mapping { .. } => {
                    if self.scalar_at(item, "name")? == Some(self.injection.secret_name) {
                        return Ok(true);
                    }
                }
                Value::Scalar { .. } if tree.is_null(item) => {}
                _ => {
                    return Err(self.error(
                        item,
                        described,
                        &format!(
                            "`{field}` holds plain strings here, not `{{name: ...}}` items; \
                             refusing to mix the two shapes"
                        ),
                    ));
                }
            }
        }
        self.append_once(list, &reference)?;
        Ok(true)
    }

    /// The field is a list of plain names (Spark): appends ours unless it is there.
    fn strings(
        &mut self,
        holder: NodeId,
        field: &str,
        described: &str,
    ) -> Result<bool, InjectError> {
        let tree = self.tree;
        let name = NewNode::Str(self.injection.secret_name);
        let Some(list) = self.list_or_add(holder, field, &name)? else {
            return Ok(true);
        };
        let Some(items) = tree.items(list) else {
            return Err(self.error(
                list,
                described,
                &format!("expected `{field}` to be a list of Secret names"),
            ));
        };
        for &item in items {
            let item = tree.resolve(item)?;
            match &tree.node(item).value {
                Value::Scalar { text, .. } if text == self.injection.secret_name => {
                    return Ok(true);
                }
                Value::Scalar { .. } => {}
                _ => {
                    return Err(self.error(
                        item,
                        described,
                        &format!(
                            "`{field}` holds `{{name: ...}}` items here, not plain names; \
                             refusing to mix the two shapes"
                        ),
                    ));
                }
            }
        }
        self.append_once(list, &name)?;
        Ok(true)
    }

    /// The field is one `{name: ...}` (MinIO, OpenShift builds): set where absent or empty. It
    /// holds one name only, so another Secret's is kept, and the user told.
    fn object_reference(
        &mut self,
        holder: NodeId,
        field: &str,
        described: &str,
    ) -> Result<bool, InjectError> {
        let tree = self.tree;
        let ours = self.injection.secret_name;
        let reference = reference(ours);
        let Some(found) = tree.lookup(holder, field)? else {
            let edits = self.editor.add_entry(holder, field, &reference)?;
            self.plan.edits.extend(edits);
            return Ok(true);
        };
        let value = tree.resolve(found.value)?;
        if tree.is_null(value) {
            self.set_null_or_add(holder, field, found, &reference)?;
            return Ok(true);
        }
        if tree.entries(value).is_none() {
            return Err(self.error(
                value,
                described,
                &format!("expected `{field}` to be one `{{name: ...}}`"),
            ));
        }
        match tree.lookup(value, "name")? {
            None => {
                let edits = self.editor.add_entry(value, "name", &NewNode::Str(ours))?;
                self.plan.edits.extend(edits);
                Ok(true)
            }
            Some(name) if tree.is_null(tree.resolve(name.value)?) => {
                self.set_null_or_add(value, "name", name, &NewNode::Str(ours))?;
                Ok(true)
            }
            Some(name) => match tree.scalar(name.value) {
                Some(existing) if existing == ours => Ok(true),
                existing => {
                    let message = format!(
                        "{described}: `{field}` names the Secret `{}`, not `{ours}`, and holds one \
                         name only; left as it is",
                        existing.unwrap_or("?")
                    );
                    self.plan
                        .warnings
                        .push(Warning { at: tree.node(name.value).span.start, message });
                    Ok(false)
                }
            },
        }
    }

    /// The list under `field` of `holder`, or `None` after planning to add `field: [item]`
    /// where it is absent or null.
    fn list_or_add(
        &mut self,
        holder: NodeId,
        field: &str,
        item: &NewNode,
    ) -> Result<Option<NodeId>, InjectError> {
        let tree = self.tree;
        let Some(found) = tree.lookup(holder, field)? else {
            let edits = self.editor.add_entry(holder, field, &NewNode::Seq(vec![item.clone()]))?;
            self.plan.edits.extend(edits);
            return Ok(None);
        };
        let list = tree.resolve(found.value)?;
        if tree.is_null(list) {
            self.set_null_or_add(holder, field, found, &NewNode::Seq(vec![item.clone()]))?;
            return Ok(None);
        }
        Ok(Some(list))
    }

    /// Gives the null `found` entry of `map` a value. A null inherited through a merge key
    /// belongs to another mapping: a local key is added instead.
    fn set_null_or_add(
        &mut self,
        map: NodeId,
        key: &str,
        found: yaml::tree::Lookup,
        value: &NewNode,
    ) -> Result<(), InjectError> {
        let edits = if found.merged {
            self.editor.add_entry(map, key, value)?
        } else {
            vec![self.editor.set_null(found.key, found.value, value, map)]
        };
        self.plan.edits.extend(edits);
        Ok(())
    }

    /// Appends `item` to `list`, once however many holders share the list.
    fn append_once(&mut self, list: NodeId, item: &NewNode) -> Result<(), InjectError> {
        if self.lists_extended.insert(list) {
            let edits = self.editor.append_item(list, item)?;
            self.plan.edits.extend(edits);
        }
        Ok(())
    }

    /// Whether an image at one of `paths` (from the object `object`) is on `registry`.
    fn images_on(
        &self,
        object: NodeId,
        paths: &[Path],
        registry: &str,
    ) -> Result<bool, InjectError> {
        let mut found = Vec::new();
        for path in paths {
            self.find(object, &path.steps, &mut found)?;
        }
        Ok(found
            .into_iter()
            .filter_map(|node| self.tree.scalar(node))
            .any(|image| image_is_on(image, registry)))
    }

    /// Whether some `image` under the pod spec (containers, init and ephemeral containers, Argo
    /// Workflows templates, image volumes' `image.reference`) is on `registry`.
    fn uses_registry(&self, pod_spec: NodeId, registry: &str) -> bool {
        let tree = self.tree;
        let mut visited = HashSet::new();
        let mut pending = vec![pod_spec];
        while let Some(node) = pending.pop() {
            let Ok(node) = tree.resolve(node) else {
                continue;
            };
            if !visited.insert(node) {
                continue;
            }
            match &tree.node(node).value {
                Value::Mapping { entries, .. } => {
                    for &(key, value) in entries {
                        if tree.scalar(key) == Some("image") {
                            let image = tree.scalar(value).or_else(|| {
                                tree.lookup(value, "reference")
                                    .ok()
                                    .flatten()
                                    .and_then(|r| tree.scalar(r.value))
                            });
                            if image.is_some_and(|image| image_is_on(image, registry)) {
                                return true;
                            }
                        }
                        pending.push(value);
                    }
                }
                Value::Sequence { items, .. } => pending.extend(items),
                Value::Scalar { .. } | Value::Alias(_) => {}
            }
        }
        false
    }

    fn value_at(&self, map: NodeId, key: &str) -> Result<Option<NodeId>, InjectError> {
        Ok(self.tree.lookup(map, key)?.map(|found| found.value))
    }

    fn scalar_at(&self, map: NodeId, key: &str) -> Result<Option<&'t str>, InjectError> {
        let tree: &'t Tree = self.tree;
        Ok(self.value_at(map, key)?.and_then(|value| tree.scalar(value)))
    }

    fn error(&self, node: NodeId, described: &str, message: &str) -> InjectError {
        self.tree.error(node, &format!("{described}: {message}"))
    }
}

fn reference(secret_name: &str) -> NewNode<'_> {
    NewNode::Map(vec![("name", NewNode::Str(secret_name))])
}

/// Whether a document certainly needs no edit and is no pull secret, judged from its column-0
/// lines alone: a block mapping whose one `kind:` line names a kind that is no workload (in
/// any group), no List, no kind a pull secret takes, and that has no top-level `items` or
/// merge key. Anything
/// less certain is parsed. (What a skim cannot see is described in [`crate::yaml::skim`].)
pub fn needs_no_parse(document: &[u8], injection: &Injection) -> bool {
    if !skim::starts_as_block_mapping(document) {
        return false;
    }
    let Some(kind) = skim::top_level_word(document, "kind") else { return false };
    let may_matter = injection.pull_secret_kinds.iter().any(|ours| ours.kind == kind)
        || kind.ends_with("List")
        || injection.rules.may_be_workload(kind);
    !may_matter
        && !skim::has_top_level_key(document, "items")
        && !skim::has_top_level_key(document, "<<")
}

/// Whether `image` (`[host[:port]/]path[:tag][@digest]`) is pulled from `registry`. The first
/// path component is a registry host only when it has a `.` or `:` or is `localhost`, as in
/// Docker's reference grammar; hosts compare without regard to case.
pub fn image_is_on(image: &str, registry: &str) -> bool {
    match image.split_once('/') {
        Some((host, _)) if host.contains(['.', ':']) || host == "localhost" => {
            host.eq_ignore_ascii_case(registry)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_documents_that_cannot_matter_skip_the_parse() {
        let rules = Rules::new(vec!["CronTab=spec.template.spec".parse().unwrap()]);
        let ours = [Kind { group: "", kind: "Secret" }];
        let injection = Injection {
            secret_name: "acr-secret",
            only_registry: None,
            rules: &rules,
            pull_secret_kinds: &ours,
        };
        let skip = |text: &str| needs_no_parse(text.as_bytes(), &injection);
        assert!(skip("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n"));
        assert!(skip(
            "---\n# crd\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
        ));
        assert!(!skip("apiVersion: apps/v1\nkind: Deployment\n"));
        assert!(!skip("apiVersion: v1\nkind: Service\n"), "Knative's Service is a workload");
        assert!(!skip("apiVersion: v1\nkind: CronTab\n"), "user rules count");
        assert!(!skip("apiVersion: v1\nkind: Secret\n"));
        assert!(skip("apiVersion: v1\nkind: SealedSecret\n"), "not a kind of this run's");
        assert!(!skip("apiVersion: v1\nkind: PodList\nitems: []\n"));
        assert!(!skip("apiVersion: v1\nkind: Thing\nitems: []\n"));
        assert!(!skip("kind: ConfigMap\n<<: *base\n"));
        assert!(!skip("{\"kind\": \"ConfigMap\"}\n"));
        assert!(
            !skip("apiVersion: v1\ndata: {}\n"),
            "no kind: parse (it may still be a List-like object)"
        );
    }

    /// The document after planning with the built-in rules: (text, warnings).
    fn planned(text: &str, only_registry: Option<&str>) -> (String, Vec<String>) {
        let rules = Rules::new(vec![]);
        let injection = Injection {
            secret_name: "acr-secret",
            only_registry,
            rules: &rules,
            pull_secret_kinds: &[],
        };
        let tree = Tree::parse(text).unwrap();
        let editor = Editor::new(text, &tree);
        let mut plan = plan(&tree, &editor, injection).unwrap();
        crate::edit::sort_and_check(&mut plan.edits, text.len()).unwrap();
        let edited = String::from_utf8(crate::edit::apply(text.as_bytes(), &plan.edits)).unwrap();
        (edited, plan.warnings.into_iter().map(|w| w.message).collect())
    }

    #[test]
    fn a_holder_inside_another_that_ends_with_it_gets_its_lines_first() {
        let spark = "kind: SparkApplication\napiVersion: sparkoperator.k8s.io/v1beta2\nspec:\n  \
                     driver:\n    template:\n      spec:\n        hostNetwork: false\n";
        let (edited, _) = planned(spark, None);
        assert_eq!(
            edited,
            "kind: SparkApplication\napiVersion: sparkoperator.k8s.io/v1beta2\nspec:\n  driver:\n    \
             template:\n      spec:\n        hostNetwork: false\n        imagePullSecrets:\n        \
             - name: acr-secret\n  imagePullSecrets:\n  - acr-secret\n"
        );
    }

    #[test]
    fn every_value_of_a_role_map_is_a_pod_template() {
        let job = "kind: TFJob\napiVersion: kubeflow.org/v1\nspec:\n  tfReplicaSpecs:\n    \
                   Chief: {template: {spec: {}}}\n    Evaluator: {template: {spec: {}}}\n";
        let (edited, warnings) = planned(job, None);
        assert_eq!(edited.matches("imagePullSecrets: [{name: acr-secret}]").count(), 2, "{edited}");
        assert!(warnings.is_empty());
    }

    #[test]
    fn a_null_spelt_with_a_tag_loses_the_tag_with_the_null() {
        // `!!null` over the new list would be a tagged sequence, which parsers refuse.
        for null in ["!!null", "!!null ~", "!!null null", "!<tag:yaml.org,2002:null> ~"] {
            let pod = format!(
                "kind: Pod\napiVersion: v1\nspec:\n  imagePullSecrets: {null}\n  containers: []\n"
            );
            let (edited, _) = planned(&pod, None);
            assert_eq!(
                edited,
                "kind: Pod\napiVersion: v1\nspec:\n  imagePullSecrets: [{name: acr-secret}]\n  containers: []\n",
                "{null}"
            );
        }
        let flow = "kind: Pod\napiVersion: v1\nspec: {imagePullSecrets: !!null , containers: []}\n";
        let (edited, _) = planned(flow, None);
        assert!(
            edited.contains("{imagePullSecrets: [{name: acr-secret}] , containers"),
            "{edited}"
        );
    }

    #[test]
    fn a_one_name_field_is_set_when_null_and_kept_when_it_names_another_secret() {
        let tenant = |value: &str| {
            format!(
                "kind: Tenant\napiVersion: minio.min.io/v2\nspec:\n  imagePullSecret: {value}\n"
            )
        };
        let (edited, warnings) = planned(&tenant("null"), None);
        assert_eq!(edited, tenant("{name: acr-secret}"));
        assert!(warnings.is_empty());
        let (edited, warnings) = planned(&tenant("{name: other}"), None);
        assert_eq!(edited, tenant("{name: other}"));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("names the Secret `other`"), "{warnings:?}");
    }

    #[test]
    fn images_beside_the_holder_count_for_only_registry_images() {
        let flink = |image: &str| {
            format!(
                "kind: FlinkDeployment\napiVersion: flink.apache.org/v1beta1\nspec:\n  image: {image}\n  \
                 podTemplate:\n    spec: {{}}\n"
            )
        };
        let registry = Some("myregistry.azurecr.io");
        let (edited, _) = planned(&flink("myregistry.azurecr.io/flink:1"), registry);
        assert!(edited.contains("imagePullSecrets"), "{edited}");
        let (edited, _) = planned(&flink("flink:1"), registry);
        assert_eq!(edited, flink("flink:1"));
    }

    #[test]
    fn a_required_holder_that_is_absent_is_one_warning_and_no_edit() {
        let prometheus =
            "kind: Prometheus\napiVersion: monitoring.coreos.com/v1\nmetadata: {name: p}\n";
        let (edited, warnings) = planned(prometheus, None);
        assert_eq!(edited, prometheus);
        assert_eq!(
            warnings,
            [
                "Prometheus/p: nothing at `spec`, where this kind keeps its pod spec; nothing added there"
            ]
        );
    }

    #[test]
    fn images_match_their_registry_host_only() {
        assert!(image_is_on("myregistry.azurecr.io/app:1", "myregistry.azurecr.io"));
        assert!(image_is_on("MyRegistry.azurecr.io/team/app@sha256:00", "myregistry.azurecr.io"));
        assert!(!image_is_on("myregistry.azurecr.io.evil.com/app", "myregistry.azurecr.io"));
        assert!(!image_is_on("nginx:1.27", "myregistry.azurecr.io"));
        assert!(!image_is_on("docker.io/myregistry.azurecr.io", "myregistry.azurecr.io"));
    }
}
