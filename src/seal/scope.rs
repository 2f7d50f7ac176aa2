//! Sealing scopes: where the controller will agree to unseal a value.

use std::fmt;

use super::SealError;

/// What a sealed value is bound to. The binding is the OAEP label of the RSA part, so the controller
/// can only unseal the value under a SealedSecret whose top-level metadata gives the same label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Bound to namespace and name (kubeseal's default): label `<namespace>/<name>`.
    #[default]
    Strict,
    /// Bound to the namespace only, so the Secret may be renamed: label `<namespace>`.
    NamespaceWide,
    /// Bound to nothing: empty label, unsealable in any namespace under any name.
    ClusterWide,
}

impl Scope {
    /// Every scope, in kubeseal's order.
    pub const ALL: [Scope; 3] = [Scope::Strict, Scope::NamespaceWide, Scope::ClusterWide];

    /// kubeseal's `--scope` spelling: the one list of them (the command line takes these).
    pub fn name(self) -> &'static str {
        match self {
            Self::Strict => "strict",
            Self::NamespaceWide => "namespace-wide",
            Self::ClusterWide => "cluster-wide",
        }
    }

    /// The OAEP label for a value sealed in this scope.
    ///
    /// An empty namespace counts as missing: the controller would never see one.
    ///
    /// # Errors
    ///
    /// [`SealError::MissingNamespace`] for strict and namespace-wide without a namespace, and
    /// [`SealError::MissingName`] for strict with an empty name.
    pub fn label(&self, namespace: Option<&str>, name: &str) -> Result<Vec<u8>, SealError> {
        let namespace = namespace.filter(|ns| !ns.is_empty());
        match (self, namespace) {
            (Self::ClusterWide, _) => Ok(Vec::new()),
            (_, None) => Err(SealError::MissingNamespace(*self)),
            (Self::NamespaceWide, Some(ns)) => Ok(ns.as_bytes().to_vec()),
            (Self::Strict, Some(_)) if name.is_empty() => Err(SealError::MissingName),
            (Self::Strict, Some(ns)) => Ok(format!("{ns}/{name}").into_bytes()),
        }
    }

    /// The annotation kubeseal writes for this scope, on the top-level and the template metadata;
    /// the controller reads the top-level one to rebuild the label.
    pub(crate) fn annotation(&self) -> Option<&'static str> {
        match self {
            Self::Strict => None,
            Self::NamespaceWide => Some("sealedsecrets.bitnami.com/namespace-wide"),
            Self::ClusterWide => Some("sealedsecrets.bitnami.com/cluster-wide"),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_kubeseal_spellings() {
        let spellings: Vec<String> = Scope::ALL.iter().map(Scope::to_string).collect();
        assert_eq!(spellings, ["strict", "namespace-wide", "cluster-wide"]);
    }

    #[test]
    fn labels_follow_the_controller() {
        let ns = Some("team-a");
        assert_eq!(Scope::Strict.label(ns, "acr").unwrap(), b"team-a/acr");
        assert_eq!(Scope::NamespaceWide.label(ns, "acr").unwrap(), b"team-a");
        assert_eq!(Scope::ClusterWide.label(ns, "acr").unwrap(), b"");
        assert_eq!(Scope::ClusterWide.label(None, "acr").unwrap(), b"");
    }

    #[test]
    fn missing_namespace_suggests_the_fixes() {
        for scope in [Scope::Strict, Scope::NamespaceWide] {
            for ns in [None, Some("")] {
                let err = scope.label(ns, "acr").unwrap_err();
                assert_eq!(err, SealError::MissingNamespace(scope));
                let msg = err.to_string();
                assert!(msg.contains(&format!("the {scope} sealing scope")), "{msg}");
                assert!(
                    msg.contains("--namespace") && msg.contains("--scope cluster-wide"),
                    "{msg}"
                );
            }
        }
    }

    #[test]
    fn strict_needs_a_name() {
        assert_eq!(Scope::Strict.label(Some("ns"), ""), Err(SealError::MissingName));
    }
}
