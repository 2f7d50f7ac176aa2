//! Where each kind of Kubernetes object keeps the field that names its pull secrets.
//!
//! Keyed on API group and kind, because a kind name alone is ambiguous (Knative's `Service` is
//! not core `v1 Service`, Volcano's `Job` is not `batch/v1 Job`). The built-in table is data,
//! `rules.yaml` beside this file, in the format users write for `--rules` (read by
//! [`super::rule_file`]); `--pod-spec-path KIND[.GROUP]=PATH` adds one-path rules on top.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use crate::error::quoted;

/// One step of a path from an object's root to the mapping that holds the pull secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Go into the value of this key.
    Key(String),
    /// Go into every item of the sequence here (`[]`).
    EachItem,
    /// Go into every value of the mapping here (`*`): maps keyed by role, such as Kubeflow's
    /// `tfReplicaSpecs`, whose keys (`PS`, `Worker`, `Chief`...) no table should hard-code.
    EachValue,
}

/// A path such as `spec.pytorchReplicaSpecs.*.template.spec` or `spec.tasks[].template.spec`,
/// optionally ending in `?`: the holder there may be absent in a well-formed object (a Tekton
/// TaskRun without `podTemplate`), so its absence draws no warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    pub steps: Vec<Step>,
    /// Absence is normal: edited where present, never warned about.
    pub optional: bool,
}

impl FromStr for Path {
    type Err = String;

    fn from_str(path: &str) -> Result<Path, String> {
        let (path, optional) = match path.strip_suffix('?') {
            Some(path) => (path, true),
            None => (path, false),
        };
        if path.is_empty() {
            return Err("the path is empty".into());
        }
        let mut steps = Vec::new();
        for segment in path.split('.') {
            if segment == "*" {
                steps.push(Step::EachValue);
                continue;
            }
            let (key, each) = match segment.strip_suffix("[]") {
                Some(key) => (key, true),
                None => (segment, false),
            };
            if key.is_empty() || key.contains(['[', ']', '*', '?']) {
                return Err(format!(
                    "{} is not a path segment (a key, a key followed by `[]`, or `*`)",
                    quoted(segment)
                ));
            }
            steps.push(Step::Key(key.into()));
            if each {
                steps.push(Step::EachItem);
            }
        }
        Ok(Path { steps, optional })
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, step) in self.steps.iter().enumerate() {
            match step {
                Step::Key(key) if index == 0 => write!(f, "{key}")?,
                Step::Key(key) => write!(f, ".{key}")?,
                Step::EachItem => write!(f, "[]")?,
                Step::EachValue if index == 0 => write!(f, "*")?,
                Step::EachValue => write!(f, ".*")?,
            }
        }
        if self.optional {
            write!(f, "?")?;
        }
        Ok(())
    }
}

/// How the field that names pull secrets is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Shape {
    /// A list of `{name: ...}` (a PodSpec's `imagePullSecrets`): append an item.
    #[default]
    Names,
    /// A list of plain names (Spark's `imagePullSecrets`, Kruise's `pullSecrets`): append the
    /// bare name.
    Strings,
    /// One `{name: ...}` (MinIO's `imagePullSecret`, OpenShift's `pullSecret`): set it where it
    /// is absent or empty; another name there is kept, with a warning.
    Object,
}

impl Shape {
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Names => "names",
            Shape::Strings => "strings",
            Shape::Object => "object",
        }
    }
}

impl FromStr for Shape {
    type Err = String;

    fn from_str(shape: &str) -> Result<Shape, String> {
        match shape {
            "names" => Ok(Shape::Names),
            "strings" => Ok(Shape::Strings),
            "object" => Ok(Shape::Object),
            _ => Err("expected `names`, `strings` or `object`".into()),
        }
    }
}

/// The field a PodSpec names its pull secrets in.
pub const DEFAULT_FIELD: &str = "imagePullSecrets";

/// A rule: objects of `kind` (in `group`, or in any group when `None`) hold pull-secret
/// references in `field`, shaped `shape`, inside the mappings at `paths`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodSpecRule {
    pub kind: String,
    pub group: Option<String>,
    pub paths: Vec<Path>,
    pub field: String,
    pub shape: Shape,
    /// Where the kind keeps images outside the holders (Flink's `spec.image` beside
    /// `spec.podTemplate`), for `--only-registry-images`. Paths from the object's root.
    pub images: Vec<Path>,
    /// The upstream source (`repo@tag`) the rule was checked against, shown in the README.
    pub checked: Option<String>,
}

impl PodSpecRule {
    /// A rule with the default field and shape.
    pub fn new(kind: &str, group: Option<&str>, paths: Vec<Path>) -> PodSpecRule {
        PodSpecRule {
            kind: kind.to_string(),
            group: group.map(str::to_string),
            paths,
            field: DEFAULT_FIELD.to_string(),
            shape: Shape::Names,
            images: Vec::new(),
            checked: None,
        }
    }

    fn applies_to(&self, group: &str, kind: &str) -> bool {
        self.kind == kind && self.group.as_deref().is_none_or(|g| g == group)
    }

    /// Whether this (user) rule takes the place of `built_in`: same kind, and same group or
    /// any group.
    fn overrides(&self, built_in: &PodSpecRule) -> bool {
        built_in.applies_to(self.group.as_deref().unwrap_or(""), &self.kind)
            || (self.kind == built_in.kind && self.group.is_none())
    }
}

impl FromStr for PodSpecRule {
    type Err = String;

    /// Parses `KIND[.GROUP]=PATH`, e.g. `AnalysisTemplate.argoproj.io=spec.metrics[].provider.job.spec.template.spec`.
    fn from_str(rule: &str) -> Result<PodSpecRule, String> {
        let (target, path) = rule.split_once('=').ok_or_else(|| {
            format!(
                "{}: expected KIND[.GROUP]=PATH, e.g. `CronTab.example.com=spec.template.spec`",
                quoted(rule)
            )
        })?;
        let (kind, group) = match target.split_once('.') {
            Some((kind, group)) => (kind, Some(group)),
            None => (target, None),
        };
        check_kind(kind).map_err(|why| format!("{}: {why}", quoted(rule)))?;
        if let Some(group) = group {
            check_group(group).map_err(|why| format!("{}: {why}", quoted(rule)))?;
        }
        let path = path.parse().map_err(|why| format!("{}: {why}", quoted(rule)))?;
        Ok(PodSpecRule::new(kind, group, vec![path]))
    }
}

/// Checks a kind name: letters and digits.
pub fn check_kind(kind: &str) -> Result<(), String> {
    if kind.is_empty() || !kind.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!(
            "{} is not a kind name (letters and digits, e.g. `Deployment`)",
            quoted(kind)
        ));
    }
    Ok(())
}

/// Checks an API group given after a kind: dot-separated, no empty part.
pub fn check_group(group: &str) -> Result<(), String> {
    if group.is_empty() || group.split('.').any(str::is_empty) {
        return Err("the API group after the first `.` is empty or malformed".into());
    }
    Ok(())
}

impl fmt::Display for PodSpecRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(group) = &self.group {
            write!(f, ".{group}")?;
        }
        let paths: Vec<String> = self.paths.iter().map(Path::to_string).collect();
        write!(f, "={}", paths.join(","))
    }
}

/// What to do with an object of a given group and kind.
#[derive(Debug, PartialEq, Eq)]
pub enum Handling<'r> {
    /// These rules say where its pull-secret references go.
    Rules(Vec<&'r PodSpecRule>),
    /// An Argo Rollout that points at a Deployment (`spec.workloadRef`) has no pod template.
    RolloutWithWorkloadRef,
    /// Not a workload this tool knows.
    None,
}

/// The built-in rules and the user's, indexed by kind: [`Rules::may_be_workload`] runs on the
/// skim path of every document.
#[derive(Clone, Debug)]
pub struct Rules {
    rules: Vec<PodSpecRule>,
    by_kind: HashMap<String, Vec<usize>>,
}

/// The built-in table's source, `rules.yaml`: what `rules_table.rs` is checked against.
pub const BUILT_IN_TEXT: &str = include_str!("rules.yaml");

/// The built-in table, built once from [`super::rules_table`]: `rules.yaml` as Rust data, so
/// that a run does not parse YAML to start (parsing the table was three quarters of the
/// instructions of a run on a small input). A unit test keeps the two the same.
pub fn built_in() -> &'static [PodSpecRule] {
    static BUILT_IN: OnceLock<Vec<PodSpecRule>> = OnceLock::new();
    BUILT_IN.get_or_init(|| super::rules_table::TABLE.iter().map(BuiltIn::rule).collect())
}

/// An entry of the built-in table as Rust data (see [`super::rules_table`]).
pub struct BuiltIn {
    pub kind: &'static str,
    pub group: &'static str,
    pub paths: &'static [&'static str],
    pub field: &'static str,
    pub shape: Shape,
    pub images: &'static [&'static str],
    pub checked: Option<&'static str>,
}

impl BuiltIn {
    fn rule(&self) -> PodSpecRule {
        let path = |text: &&str| text.parse::<Path>().expect("the table's paths parse");
        PodSpecRule {
            kind: self.kind.to_string(),
            group: Some(self.group.to_string()),
            paths: self.paths.iter().map(path).collect(),
            field: self.field.to_string(),
            shape: self.shape,
            images: self.images.iter().map(path).collect(),
            checked: self.checked.map(str::to_string),
        }
    }
}

/// [`super::rules_table`]'s source text for `rules`: what the unit test compares with the file,
/// and writes into it when `ACR_INJECT_BLESS` is set.
#[cfg(test)]
pub fn rules_table_source(rules: &[PodSpecRule]) -> String {
    let strings = |items: &[Path]| {
        let items: Vec<String> = items.iter().map(|p| format!("{:?}", p.to_string())).collect();
        format!("&[{}]", items.join(", "))
    };
    let mut text = String::from(
        "//! `rules.yaml` as Rust data, so that a run does not parse YAML to start. Generated: the\n\
         //! unit test `the_built_in_table_is_rules_yaml` (src/k8s/rule_file.rs) checks it, and with\n\
         //! `ACR_INJECT_BLESS=1` writes it anew. Edit `rules.yaml`, not this file.\n\n\
         use super::kinds::{BuiltIn, Shape};\n\n\
         #[rustfmt::skip]\n\
         pub static TABLE: &[BuiltIn] = &[\n",
    );
    for rule in rules {
        let group = rule.group.as_deref().expect("built-in rules name their group");
        let checked = rule.checked.as_ref().map_or("None".into(), |c| format!("Some({c:?})"));
        text.push_str(&format!(
            "    BuiltIn {{ kind: {:?}, group: {group:?}, paths: {}, field: {:?}, shape: Shape::{:?}, images: {}, checked: {checked} }},\n",
            rule.kind,
            strings(&rule.paths),
            rule.field,
            rule.shape,
            strings(&rule.images),
        ));
    }
    text.push_str("];\n");
    text
}

impl Rules {
    /// The built-in table followed by `extra` rules (`--pod-spec-path`), which add to it.
    pub fn new(extra: Vec<PodSpecRule>) -> Rules {
        Rules::with_overrides(Vec::new(), extra)
    }

    /// The built-in table, less the rules `overrides` (`--rules` files) replace, then
    /// `overrides`, then `extra` rules, which add.
    pub fn with_overrides(overrides: Vec<PodSpecRule>, extra: Vec<PodSpecRule>) -> Rules {
        let mut rules: Vec<PodSpecRule> = built_in()
            .iter()
            .filter(|built_in| !overrides.iter().any(|user| user.overrides(built_in)))
            .cloned()
            .collect();
        rules.extend(overrides);
        rules.extend(extra);
        let mut by_kind: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, rule) in rules.iter().enumerate() {
            by_kind.entry(rule.kind.clone()).or_default().push(index);
        }
        Rules { rules, by_kind }
    }

    /// How to handle an object with this `apiVersion` and `kind`. `has_workload_ref` tells
    /// whether the object has `spec.workloadRef` (only Rollouts care).
    pub fn handling(&self, api_version: &str, kind: &str, has_workload_ref: bool) -> Handling<'_> {
        let group = api_group(api_version);
        if group == "argoproj.io" && kind == "Rollout" && has_workload_ref {
            return Handling::RolloutWithWorkloadRef;
        }
        let rules: Vec<&PodSpecRule> = self
            .by_kind
            .get(kind)
            .into_iter()
            .flatten()
            .map(|&index| &self.rules[index])
            .filter(|rule| rule.applies_to(group, kind))
            .collect();
        if rules.is_empty() { Handling::None } else { Handling::Rules(rules) }
    }

    /// Whether an object of this kind could have a pod spec in some group: used to decide
    /// cheaply, without a parse, that a document can be copied as it is.
    pub fn may_be_workload(&self, kind: &str) -> bool {
        self.by_kind.contains_key(kind)
    }
}

/// The API group of an `apiVersion`: `apps` for `apps/v1`, empty (core) for `v1`.
pub fn api_group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

/// The README's "What is a workload" table, rendered from `rules`: consecutive kinds of one
/// group that share everything else share a row.
pub fn markdown_table(rules: &[PodSpecRule]) -> String {
    let quoted = |paths: &[Path]| -> String {
        paths.iter().map(|path| format!("`{path}`")).collect::<Vec<_>>().join(", ")
    };
    let mut rows: Vec<(Vec<&str>, String)> = Vec::new();
    for rule in rules {
        let group = match rule.group.as_deref() {
            Some("") => "core".to_string(),
            Some(group) => format!("`{group}`"),
            None => "any".to_string(),
        };
        let field = if rule.field != DEFAULT_FIELD || rule.shape != Shape::Names {
            format!("`{}` ({})", rule.field, rule.shape.as_str())
        } else {
            String::new()
        };
        let rest = format!(
            "{group} | {} | {field} | {} | {}",
            quoted(&rule.paths),
            quoted(&rule.images),
            rule.checked.as_deref().unwrap_or("")
        );
        match rows.last_mut() {
            Some((kinds, last)) if *last == rest => kinds.push(&rule.kind),
            _ => rows.push((vec![&rule.kind], rest)),
        }
    }
    let mut table = String::from(
        "| kind | group | holders (`?`: may be absent) | field (shape), if not `imagePullSecrets` (names) | images beside the holders | checked against |\n\
         |---|---|---|---|---|---|\n",
    );
    for (kinds, rest) in rows {
        table.push_str(&format!("| {} | {rest} |\n", kinds.join(", ")));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(rules: &Rules, api_version: &str, kind: &str) -> Vec<String> {
        match rules.handling(api_version, kind, false) {
            Handling::Rules(rules) => {
                rules.iter().flat_map(|rule| &rule.paths).map(Path::to_string).collect()
            }
            _ => vec![],
        }
    }

    #[test]
    fn the_group_decides_between_core_and_knative_services() {
        let rules = Rules::new(vec![]);
        assert!(paths(&rules, "v1", "Service").is_empty());
        assert_eq!(paths(&rules, "serving.knative.dev/v1", "Service"), ["spec.template.spec?"]);
    }

    #[test]
    fn every_kind_of_todays_table_has_its_path() {
        let rules = Rules::new(vec![]);
        assert_eq!(paths(&rules, "v1", "Pod"), ["spec?"]);
        assert_eq!(paths(&rules, "v1", "PodTemplate"), ["template.spec?"]);
        assert_eq!(paths(&rules, "extensions/v1beta1", "DaemonSet"), ["spec.template.spec?"]);
        assert_eq!(
            paths(&rules, "batch/v1beta1", "CronJob"),
            ["spec.jobTemplate.spec.template.spec?"]
        );
        assert_eq!(
            paths(&rules, "keda.sh/v1alpha1", "ScaledJob"),
            ["spec.jobTargetRef.template.spec?"]
        );
        assert_eq!(paths(&rules, "argoproj.io/v1alpha1", "CronWorkflow"), ["spec.workflowSpec?"]);
        assert_eq!(paths(&rules, "argoproj.io/v1alpha1", "WorkflowTemplate"), ["spec?"]);
    }

    #[test]
    fn a_kind_may_have_several_rules_of_different_shapes() {
        let rules = Rules::new(vec![]);
        let Handling::Rules(spark) =
            rules.handling("sparkoperator.k8s.io/v1beta2", "SparkApplication", false)
        else {
            panic!("SparkApplication is built in");
        };
        let shapes: Vec<Shape> = spark.iter().map(|rule| rule.shape).collect();
        assert_eq!(shapes, [Shape::Strings, Shape::Names]);
        assert!(spark[0].images.iter().any(|path| path.to_string() == "spec.driver.image"));
    }

    #[test]
    fn volcanos_job_is_not_a_batch_job() {
        let rules = Rules::new(vec![]);
        assert_eq!(
            paths(&rules, "batch.volcano.sh/v1alpha1", "Job"),
            ["spec.tasks[].template.spec"]
        );
        assert_eq!(paths(&rules, "batch/v1", "Job"), ["spec.template.spec?"]);
    }

    #[test]
    fn a_rollout_with_a_workload_ref_is_left_alone() {
        let rules = Rules::new(vec![]);
        assert_eq!(
            rules.handling("argoproj.io/v1alpha1", "Rollout", true),
            Handling::RolloutWithWorkloadRef
        );
    }

    #[test]
    fn user_rules_parse_with_and_without_a_group() {
        let rule: PodSpecRule =
            "AnalysisTemplate.argoproj.io=spec.metrics[].provider.job.spec.template.spec"
                .parse()
                .unwrap();
        assert_eq!(rule.group.as_deref(), Some("argoproj.io"));
        assert_eq!(rule.paths[0].steps[1..3], [Step::Key("metrics".into()), Step::EachItem]);
        assert_eq!(
            rule.to_string(),
            "AnalysisTemplate.argoproj.io=spec.metrics[].provider.job.spec.template.spec"
        );
        let any_group: PodSpecRule = "CronTab=spec.template.spec".parse().unwrap();
        let rules = Rules::new(vec![any_group]);
        assert_eq!(paths(&rules, "stable.example.com/v1", "CronTab"), ["spec.template.spec"]);
    }

    #[test]
    fn a_star_steps_into_every_value_of_a_mapping() {
        let rule: PodSpecRule =
            "TFJob.kubeflow.org=spec.tfReplicaSpecs.*.template.spec".parse().unwrap();
        assert_eq!(rule.paths[0].steps[2], Step::EachValue);
        assert_eq!(rule.to_string(), "TFJob.kubeflow.org=spec.tfReplicaSpecs.*.template.spec");
    }

    #[test]
    fn a_question_mark_makes_a_path_optional() {
        let path: Path = "spec.podTemplate?".parse().unwrap();
        assert!(path.optional);
        assert_eq!(path.to_string(), "spec.podTemplate?");
        assert!(!"spec.podTemplate".parse::<Path>().unwrap().optional);
    }

    #[test]
    fn malformed_user_rules_say_what_was_expected() {
        for (rule, expected) in [
            ("Deployment", "expected KIND[.GROUP]=PATH"),
            ("=spec", "is not a kind name"),
            ("Foo.=spec", "malformed"),
            ("Foo=spec..template", "is not a path segment"),
            ("Foo=spec.a*", "is not a path segment"),
            ("Foo=", "the path is empty"),
        ] {
            let error = rule.parse::<PodSpecRule>().unwrap_err();
            assert!(error.contains(expected), "{rule}: {error}");
        }
    }

    #[test]
    fn a_rules_file_rule_replaces_the_built_in_one_and_a_pod_spec_path_adds() {
        let user = PodSpecRule::new(
            "Notebook",
            Some("kubeflow.org"),
            vec!["spec.custom".parse().unwrap()],
        );
        let rules = Rules::with_overrides(vec![user], vec![]);
        assert_eq!(paths(&rules, "kubeflow.org/v1", "Notebook"), ["spec.custom"]);
        let extra = "Notebook.kubeflow.org=spec.extra".parse().unwrap();
        let rules = Rules::new(vec![extra]);
        assert_eq!(
            paths(&rules, "kubeflow.org/v1", "Notebook"),
            ["spec.template.spec", "spec.extra"]
        );
    }

    #[test]
    fn a_rule_for_any_group_replaces_the_kind_in_every_group() {
        let user = PodSpecRule::new("StatefulSet", None, vec!["spec.x".parse().unwrap()]);
        let rules = Rules::with_overrides(vec![user], vec![]);
        assert_eq!(paths(&rules, "apps/v1", "StatefulSet"), ["spec.x"]);
        assert_eq!(paths(&rules, "apps.kruise.io/v1beta1", "StatefulSet"), ["spec.x"]);
        assert_eq!(paths(&rules, "apps/v1", "Deployment"), ["spec.template.spec?"]);
    }

    #[test]
    fn only_known_kinds_may_be_workloads() {
        let rules = Rules::new(vec![]);
        assert!(rules.may_be_workload("PyTorchJob"));
        assert!(rules.may_be_workload("Deployment"));
        assert!(!rules.may_be_workload("ConfigMap"));
    }
}
