//! Where each kind of Kubernetes object keeps its pod spec.
//!
//! Keyed on API group and kind, because a kind name alone is ambiguous (Knative's `Service` is
//! not core `v1 Service`). The table follows `shared/reference/workload-kinds.md`; users add
//! rules for other CRDs with `--pod-spec-path KIND[.GROUP]=PATH`.

use std::fmt;
use std::str::FromStr;

/// One step of a path from an object's root to a pod spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Go into the value of this key.
    Key(String),
    /// Go into the value of this key, which is a sequence, and on into every item.
    EachItem(String),
}

/// A rule: objects of `kind` (in `group`, or in any group when `None`) have a pod spec at `path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodSpecRule {
    pub kind: String,
    pub group: Option<String>,
    pub path: Vec<Step>,
}

impl PodSpecRule {
    fn applies_to(&self, group: &str, kind: &str) -> bool {
        self.kind == kind && self.group.as_deref().is_none_or(|g| g == group)
    }
}

impl FromStr for PodSpecRule {
    type Err = String;

    /// Parses `KIND[.GROUP]=PATH`, e.g. `AnalysisTemplate.argoproj.io=spec.metrics[].provider.job.spec.template.spec`.
    fn from_str(rule: &str) -> Result<PodSpecRule, String> {
        let (target, path) = rule
            .split_once('=')
            .ok_or_else(|| format!("`{rule}`: expected KIND[.GROUP]=PATH, e.g. `CronTab.example.com=spec.template.spec`"))?;
        let (kind, group) = match target.split_once('.') {
            Some((kind, group)) => (kind, Some(group.to_string())),
            None => (target, None),
        };
        if kind.is_empty() || !kind.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!(
                "`{rule}`: `{kind}` is not a kind name (letters and digits, e.g. `Deployment`)"
            ));
        }
        if group.as_deref().is_some_and(|g| g.is_empty() || g.split('.').any(str::is_empty)) {
            return Err(format!(
                "`{rule}`: the API group after the first `.` is empty or malformed"
            ));
        }
        let path = parse_path(path).map_err(|why| format!("`{rule}`: {why}"))?;
        Ok(PodSpecRule { kind: kind.to_string(), group, path })
    }
}

impl fmt::Display for PodSpecRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(group) = &self.group {
            write!(f, ".{group}")?;
        }
        let steps: Vec<String> = self
            .path
            .iter()
            .map(|step| match step {
                Step::Key(key) => key.clone(),
                Step::EachItem(key) => format!("{key}[]"),
            })
            .collect();
        write!(f, "={}", steps.join("."))
    }
}

fn parse_path(path: &str) -> Result<Vec<Step>, String> {
    if path.is_empty() {
        return Err("the path is empty".into());
    }
    path.split('.')
        .map(|segment| {
            let (key, each) = match segment.strip_suffix("[]") {
                Some(key) => (key, true),
                None => (segment, false),
            };
            if key.is_empty() || key.contains(['[', ']']) {
                return Err(format!(
                    "`{segment}` is not a path segment (a key, or a key followed by `[]`)"
                ));
            }
            Ok(if each { Step::EachItem(key.into()) } else { Step::Key(key.into()) })
        })
        .collect()
}

/// What to do with an object of a given group and kind.
#[derive(Debug, PartialEq, Eq)]
pub enum Handling<'r> {
    /// Its pod specs are at these paths.
    PodSpecs(Vec<&'r [Step]>),
    /// An Argo Rollout that points at a Deployment (`spec.workloadRef`) has no pod template.
    RolloutWithWorkloadRef,
    /// Not a workload this tool knows.
    None,
}

/// The built-in rules and the user's.
#[derive(Clone, Debug)]
pub struct Rules {
    rules: Vec<PodSpecRule>,
}

/// `(groups, kinds, path)` rows of the built-in table.
const BUILT_IN: &[(&[&str], &[&str], &str)] = &[
    (&[""], &["Pod"], "spec"),
    (&[""], &["PodTemplate"], "template.spec"),
    (&[""], &["ReplicationController"], "spec.template.spec"),
    (
        &["apps", "extensions"],
        &["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"],
        "spec.template.spec",
    ),
    (&["batch"], &["Job"], "spec.template.spec"),
    (&["batch"], &["CronJob"], "spec.jobTemplate.spec.template.spec"),
    (&["argoproj.io"], &["Rollout"], "spec.template.spec"),
    (&["serving.knative.dev"], &["Service", "Configuration"], "spec.template.spec"),
    (&["serving.knative.dev"], &["Revision"], "spec"),
    (&["keda.sh"], &["ScaledJob"], "spec.jobTargetRef.template.spec"),
    (&["argoproj.io"], &["Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate"], "spec"),
    (&["argoproj.io"], &["CronWorkflow"], "spec.workflowSpec"),
];

impl Rules {
    /// The built-in table followed by `extra` rules.
    pub fn new(extra: Vec<PodSpecRule>) -> Rules {
        let mut rules = Vec::new();
        for (groups, kinds, path) in BUILT_IN {
            for group in *groups {
                for kind in *kinds {
                    rules.push(PodSpecRule {
                        kind: kind.to_string(),
                        group: Some(group.to_string()),
                        path: parse_path(path).expect("built-in paths are valid"),
                    });
                }
            }
        }
        rules.extend(extra);
        Rules { rules }
    }

    /// How to handle an object with this `apiVersion` and `kind`. `has_workload_ref` tells
    /// whether the object has `spec.workloadRef` (only Rollouts care).
    pub fn handling(&self, api_version: &str, kind: &str, has_workload_ref: bool) -> Handling<'_> {
        let group = api_group(api_version);
        if group == "argoproj.io" && kind == "Rollout" && has_workload_ref {
            return Handling::RolloutWithWorkloadRef;
        }
        let paths: Vec<&[Step]> = self
            .rules
            .iter()
            .filter(|rule| rule.applies_to(group, kind))
            .map(|rule| rule.path.as_slice())
            .collect();
        if paths.is_empty() { Handling::None } else { Handling::PodSpecs(paths) }
    }

    /// Whether an object of this kind could have a pod spec in some group: used to decide
    /// cheaply, without a parse, that a document can be copied as it is.
    pub fn may_be_workload(&self, kind: &str) -> bool {
        self.rules.iter().any(|rule| rule.kind == kind)
    }
}

/// The API group of an `apiVersion`: `apps` for `apps/v1`, empty (core) for `v1`.
pub fn api_group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(rules: &Rules, api_version: &str, kind: &str) -> Vec<String> {
        match rules.handling(api_version, kind, false) {
            Handling::PodSpecs(paths) => paths
                .iter()
                .map(|path| {
                    path.iter()
                        .map(|s| match s {
                            Step::Key(k) => k.clone(),
                            Step::EachItem(k) => format!("{k}[]"),
                        })
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .collect(),
            _ => vec![],
        }
    }

    #[test]
    fn the_group_decides_between_core_and_knative_services() {
        let rules = Rules::new(vec![]);
        assert!(paths(&rules, "v1", "Service").is_empty());
        assert_eq!(paths(&rules, "serving.knative.dev/v1", "Service"), ["spec.template.spec"]);
    }

    #[test]
    fn every_kind_of_the_table_has_its_path() {
        let rules = Rules::new(vec![]);
        assert_eq!(paths(&rules, "v1", "Pod"), ["spec"]);
        assert_eq!(paths(&rules, "v1", "PodTemplate"), ["template.spec"]);
        assert_eq!(paths(&rules, "extensions/v1beta1", "DaemonSet"), ["spec.template.spec"]);
        assert_eq!(
            paths(&rules, "batch/v1beta1", "CronJob"),
            ["spec.jobTemplate.spec.template.spec"]
        );
        assert_eq!(
            paths(&rules, "keda.sh/v1alpha1", "ScaledJob"),
            ["spec.jobTargetRef.template.spec"]
        );
        assert_eq!(paths(&rules, "argoproj.io/v1alpha1", "CronWorkflow"), ["spec.workflowSpec"]);
        assert_eq!(paths(&rules, "argoproj.io/v1alpha1", "WorkflowTemplate"), ["spec"]);
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
        assert_eq!(rule.path[1], Step::EachItem("metrics".into()));
        assert_eq!(
            rule.to_string(),
            "AnalysisTemplate.argoproj.io=spec.metrics[].provider.job.spec.template.spec"
        );
        let any_group: PodSpecRule = "CronTab=spec.template.spec".parse().unwrap();
        let rules = Rules::new(vec![any_group]);
        assert_eq!(paths(&rules, "stable.example.com/v1", "CronTab"), ["spec.template.spec"]);
    }

    #[test]
    fn malformed_user_rules_say_what_was_expected() {
        for (rule, expected) in [
            ("Deployment", "expected KIND[.GROUP]=PATH"),
            ("=spec", "is not a kind name"),
            ("Foo.=spec", "malformed"),
            ("Foo=spec..template", "is not a path segment"),
            ("Foo=", "the path is empty"),
        ] {
            let error = rule.parse::<PodSpecRule>().unwrap_err();
            assert!(error.contains(expected), "{rule}: {error}");
        }
    }
}
