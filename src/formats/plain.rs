//! The plain Secret: exactly what `kubectl create secret docker-registry` prints.

use zeroize::Zeroizing;

use super::{Kind, SecretFormat};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::k8s::object::ObjectView;
use crate::k8s::redact::Redaction;
use crate::k8s::secret::render_secret;

/// A core `Secret`.
pub const SECRET: Kind = Kind { group: "", kind: "Secret" };

/// A Secret's values are the credentials themselves.
pub const REDACTED: Redaction = Redaction { kind: "Secret", fields: &["data", "stringData"] };

/// A `kubernetes.io/dockerconfigjson` Secret holding the credentials in plain text (base64).
#[derive(Debug)]
pub struct Plain {
    pub credentials: Credentials,
}

impl SecretFormat for Plain {
    fn description(&self) -> &'static str {
        "a plain Secret"
    }

    fn parts(&self) -> &'static [Kind] {
        &[SECRET]
    }

    fn render(
        &self,
        _part: usize,
        name: &str,
        namespace: Option<&str>,
        eol: &str,
    ) -> Result<Zeroizing<String>, Error> {
        Ok(render_secret(name, namespace, &self.credentials.docker_login(), eol))
    }

    /// Rendering is deterministic: a Secret that is already right is rendered to its own bytes.
    fn is_current(&self, _part: usize, _existing: &ObjectView) -> bool {
        false
    }

    /// Base64 is no protection: whoever reads the file has the password.
    fn is_deterministic(&self) -> bool {
        true
    }

    /// Nothing covers the metadata: an annotation is just data.
    fn accepts_added_metadata(&self) -> bool {
        true
    }

    fn safe_to_commit(&self) -> bool {
        false
    }
}
