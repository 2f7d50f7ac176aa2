//! The plain Secret: exactly what `kubectl create secret docker-registry` prints.

use zeroize::Zeroizing;

use super::{Kind, SecretFormat};
use crate::credentials::Credentials;
use crate::error::Error;
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

    /// Nothing covers the metadata: an annotation is just data.
    fn accepts_added_metadata(&self) -> bool {
        true
    }

    /// Base64 is no protection: whoever reads the file has the password.
    fn safe_to_commit(&self) -> bool {
        false
    }
}
