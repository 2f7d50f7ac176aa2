//! The `SealedSecret` manifest, printed as `kubeseal -o yaml` (v0.32+) prints it.

use super::Scope;
use crate::yaml::key_order;
use crate::yaml::scalar::render_string;

/// The annotation that records which certificate sealed the values (its fingerprint), on the
/// top-level metadata only. A new certificate changes it, so a re-seal is visible in a diff, and a
/// run can tell whether the values in a file were sealed with the certificate it was given.
pub const CERT_ANNOTATION: &str = "acr-inject.dev/sealing-cert";

/// The contents of one SealedSecret.
#[derive(Debug, Clone, Copy)]
pub struct SealedSecretSpec<'a> {
    /// `metadata.name`, also part of the strict label.
    pub name: &'a str,
    /// `metadata.namespace`; may be `None` only for cluster-wide.
    pub namespace: Option<&'a str>,
    /// The scope the values were sealed in: its annotation tells the controller which label to use.
    pub scope: Scope,
    /// `type` of the Secret the controller makes, e.g. `kubernetes.io/dockerconfigjson`.
    pub secret_type: &'a str,
    /// Data keys and their values from [`super::seal`], in any order.
    pub encrypted_data: &'a [(&'a str, String)],
    /// [`super::SealingCert::fingerprint`] of the certificate the values were sealed with.
    pub cert_fingerprint: &'a str,
}

/// Prints the manifest as `kubeseal -o yaml` does (keys sorted at every level, the scope annotation
/// on both metadata blocks, no `creationTimestamp`), plus the [`CERT_ANNOTATION`].
///
/// Every line ends with `eol` ("\n" or "\r\n", to match the stream it goes into), the last one too.
/// There is no leading `---`: the caller separates documents.
///
/// Names, namespace, keys and type are expected to be valid for Kubernetes (the caller checks them).
/// Every string goes through [`render_string`], go-yaml v2's quoting, which kubeseal's printer
/// shares with kubectl's: a word that YAML 1.1 reads as a bool, number, null, date or base-60
/// number is double-quoted.
pub fn render_sealed_secret(spec: &SealedSecretSpec<'_>, eol: &str) -> String {
    let scope_annotation = spec.scope.annotation().map(|key| format!("{key}: \"true\""));
    let name = format!("name: {}", render_string(spec.name));
    let namespace = spec.namespace.map(|ns| format!("namespace: {}", render_string(ns)));

    let mut lines = vec![
        "apiVersion: bitnami.com/v1alpha1".to_owned(),
        "kind: SealedSecret".to_owned(),
        "metadata:".to_owned(),
        "  annotations:".to_owned(),
        format!("    {CERT_ANNOTATION}: {}", render_string(spec.cert_fingerprint)),
    ];
    lines.extend(scope_annotation.iter().map(|a| format!("    {a}")));
    lines.push(format!("  {name}"));
    lines.extend(namespace.iter().map(|ns| format!("  {ns}")));
    lines.push("spec:".to_owned());
    if spec.encrypted_data.is_empty() {
        lines.push("  encryptedData: {}".to_owned());
    } else {
        lines.push("  encryptedData:".to_owned());
        let mut data: Vec<_> = spec.encrypted_data.iter().collect();
        data.sort_by(|(a, _), (b, _)| key_order::go_yaml_v2(a, b));
        lines.extend(
            data.iter().map(|(key, value)| {
                format!("    {}: {}", render_string(key), render_string(value))
            }),
        );
    }
    lines.push("  template:".to_owned());
    lines.push("    metadata:".to_owned());
    if let Some(a) = &scope_annotation {
        lines.push("      annotations:".to_owned());
        lines.push(format!("        {a}"));
    }
    lines.push(format!("      {name}"));
    lines.extend(namespace.iter().map(|ns| format!("      {ns}")));
    lines.push(format!("    type: {}", render_string(spec.secret_type)));

    let mut out = lines.join(eol);
    out.push_str(eol);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec<'a>(data: &'a [(&'a str, String)]) -> SealedSecretSpec<'a> {
        SealedSecretSpec {
            name: "acr-pull",
            namespace: Some("team-a"),
            scope: Scope::Strict,
            secret_type: "kubernetes.io/dockerconfigjson",
            encrypted_data: data,
            cert_fingerprint: "sha256:00",
        }
    }

    #[test]
    fn renders_keys_in_order_and_quotes_names() {
        let data = [("b", "B".to_owned()), ("1", "A".to_owned())];
        let spec = SealedSecretSpec { name: "no", namespace: Some("1"), ..spec(&data) };
        let yaml = render_sealed_secret(&spec, "\n");
        assert!(yaml.contains("  encryptedData:\n    \"1\": A\n    b: B\n"), "{yaml}");
        assert!(yaml.contains("\n  name: \"no\"\n  namespace: \"1\"\nspec:"), "{yaml}");
        assert!(yaml.contains("\n      name: \"no\"\n      namespace: \"1\"\n"), "{yaml}");
    }

    #[test]
    fn cluster_wide_without_namespace_has_no_namespace_lines() {
        let data = [(".dockerconfigjson", "Ag==".to_owned())];
        let spec = SealedSecretSpec { namespace: None, scope: Scope::ClusterWide, ..spec(&data) };
        let yaml = render_sealed_secret(&spec, "\n");
        assert!(!yaml.contains("namespace:"), "{yaml}");
        assert_eq!(yaml.matches("sealedsecrets.bitnami.com/cluster-wide: \"true\"").count(), 2);
        assert_eq!(yaml.matches(CERT_ANNOTATION).count(), 1);
    }

    #[test]
    fn no_data_prints_an_empty_map() {
        let yaml = render_sealed_secret(&spec(&[]), "\n");
        assert!(yaml.contains("\nspec:\n  encryptedData: {}\n  template:\n"), "{yaml}");
    }

    #[test]
    fn crlf_ends_every_line() {
        let data = [(".dockerconfigjson", "Ag==".to_owned())];
        let yaml = render_sealed_secret(&spec(&data), "\r\n");
        assert!(yaml.ends_with("type: kubernetes.io/dockerconfigjson\r\n"), "{yaml}");
        assert_eq!(yaml.matches('\n').count(), yaml.matches("\r\n").count());
    }
}
