//! The Bitnami `SealedSecret`: the plain Secret's `.dockerconfigjson`, sealed for the
//! sealed-secrets controller as kubeseal seals it.

use zeroize::Zeroizing;

use super::{Kind, SecretFormat};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::k8s::object::ObjectView;
use crate::k8s::redact::Redaction;
use crate::k8s::secret::{DOCKER_CONFIG_JSON, docker_config_json};
use crate::seal::{self, CERT_ANNOTATION, Scope, SealedSecretSpec, SealingCert};

/// A `bitnami.com` `SealedSecret`.
pub const SEALED_SECRET: Kind = Kind { group: "bitnami.com", kind: "SealedSecret" };

/// Sealed values open only in the cluster, but a diff has no use for them either.
pub const REDACTED: Redaction = Redaction { kind: "SealedSecret", fields: &["spec.encryptedData"] };

/// Seals with the controller's certificate, in a kubeseal scope.
#[derive(Debug)]
pub struct Sealed {
    pub credentials: Credentials,
    pub cert: SealingCert,
    pub scope: Scope,
    /// Seal afresh even where an up-to-date SealedSecret exists (`--reseal`): after the
    /// password changed, which the tool cannot see through the ciphertext.
    pub reseal: bool,
}

impl SecretFormat for Sealed {
    fn description(&self) -> &'static str {
        "a SealedSecret"
    }

    fn parts(&self) -> &'static [Kind] {
        &[SEALED_SECRET]
    }

    fn render(
        &self,
        _part: usize,
        name: &str,
        namespace: Option<&str>,
        eol: &str,
    ) -> Result<Zeroizing<String>, Error> {
        let label = self
            .scope
            .label(namespace, name)
            .map_err(|e| Error::new(format!("cannot seal Secret `{name}`: {e}")))?;
        let plaintext = docker_config_json(&self.credentials.docker_login());
        let encrypted =
            [(".dockerconfigjson", seal::seal(&self.cert, &label, plaintext.as_bytes()))];
        let spec = SealedSecretSpec {
            name,
            namespace,
            scope: self.scope,
            secret_type: DOCKER_CONFIG_JSON,
            encrypted_data: &encrypted,
            cert_fingerprint: &self.cert.fingerprint(),
        };
        Ok(Zeroizing::new(seal::render_sealed_secret(&spec, eol)))
    }

    /// Sealed in this scope with this certificate, for where it stands: only the random
    /// ciphertext would differ. An object moved without resealing (kustomize's `namespace:`
    /// in an overlay moves a base's SealedSecret, but not its template) is sealed for its
    /// template's namespace and name, which its scope binds the values to.
    fn is_current(&self, _part: usize, existing: &ObjectView) -> bool {
        let bound: &[&str] = match self.scope {
            Scope::Strict => &["namespace", "name"],
            Scope::NamespaceWide => &["namespace"],
            Scope::ClusterWide => &[],
        };
        let sealed_where_it_stands = bound.iter().all(|key| {
            let template = existing.string(&["spec", "template", "metadata", key]);
            match (template, existing.string(&["metadata", key])) {
                (Some(sealed_for), Some(stands_in)) => sealed_for == stands_in,
                _ => true,
            }
        });
        let annotation = |key: &str| existing.string(&["metadata", "annotations", key]);
        let scope_matches = Scope::ALL.iter().all(|scope| {
            let Some(key) = scope.annotation() else { return true };
            (annotation(key) == Some("true")) == (*scope == self.scope)
        });
        !self.reseal
            && sealed_where_it_stands
            && scope_matches
            && annotation(CERT_ANNOTATION) == Some(self.cert.fingerprint().as_str())
    }

    /// Only the controller's private key opens a sealed value.
    fn is_deterministic(&self) -> bool {
        false
    }

    /// The ciphertext is bound to the name and namespace (by the scope), never to annotations.
    fn accepts_added_metadata(&self) -> bool {
        true
    }

    fn safe_to_commit(&self) -> bool {
        true
    }
}
