//! What acr-inject's tests check, written once for the property tests, the end-to-end and
//! corpus tests, the fuzz regressions and the fuzz targets.
//!
//! - [`generate`]: manifest streams that write their own YAML text in every spelling the tool
//!   must keep, and know which bytes the tool replaces by design; a proptest strategy for the
//!   property tests, and built from the fuzzer's bytes for the fuzz target.
//! - [`invariants`]: the tool's promises, each an assertion on an input and its output: only
//!   insertions, idempotence, what an independent parser sees, valid YAML stays valid, the fast
//!   path gives a full parse's bytes, `--no-secret` keeps the document count.
//! - [`check`]: runs the library on an input and asserts the invariants that hold for it.
//! - [`filter`]: the library's filter configuration for tests, built in one place.
//! - [`kinds`]: where each workload kind keeps its pod spec, restated from the reference;
//!   [`crds`]: where the custom resources of the reference keep theirs, and in which shape.
//! - [`oracle`]: reading YAML with yaml_serde (libyaml underneath), not the tool's parser.
//! - [`split`]: the document splitter's invariants.
//! - [`corpus`]: where the real-world corpus is (`ACR_INJECT_CORPUS`), or why a test skips.
//!
//! Running the binary stays with the tests of the `acr-inject` package (`tests/common/`):
//! only that package's integration tests have the binary built for them, and neither the
//! fuzz targets nor the property tests run it.

pub mod check;
pub mod corpus;
pub mod crds;
pub mod filter;
pub mod generate;
pub mod invariants;
pub mod kinds;
pub mod oracle;
pub mod split;

/// The pull Secret's name, as `--secret-name` defaults to.
pub const SECRET_NAME: &str = "acr-secret";
/// The registry the credentials are for, and the one `--only-registry-images` selects.
pub const REGISTRY: &str = "myregistry.azurecr.io";
/// The password the tests use: recognisable, so that a leak is easy to search for.
pub const PASSWORD: &str = "Pa$$w0rd-LEAK-CANARY";
/// The username the tests use (a service principal's application ID).
pub const USERNAME: &str = "11111111-2222-3333-4444-555555555555";

/// The credentials the tests use: [`USERNAME`] and [`PASSWORD`] for [`REGISTRY`].
pub fn credentials() -> acr_inject::credentials::Credentials {
    credentials_with_password(PASSWORD)
}

/// [`credentials`] with another password (one with characters that JSON escapes, say).
pub fn credentials_with_password(password: &str) -> acr_inject::credentials::Credentials {
    acr_inject::credentials::Credentials {
        server: REGISTRY.to_string(),
        username: USERNAME.to_string(),
        password: acr_inject::credentials::Password::new(password.to_string()),
        email: None,
    }
}

/// The texts that give the password away, to search outputs for: [`credential_forms_of`] the
/// test credentials.
pub fn credential_forms() -> Vec<String> {
    credential_forms_of(&credentials())
}

/// The texts that give the password of `credentials` away: its [`password_forms`], and parts
/// of the two base64 texts that carry it in a plain pull Secret (`auth`, and the whole
/// `.dockerconfigjson`). Parts are enough to recognise them, even cut or wrapped.
pub fn credential_forms_of(credentials: &acr_inject::credentials::Credentials) -> Vec<String> {
    use acr_inject::k8s::secret::docker_config_json;
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    let password = credentials.password.expose();
    let config = STANDARD.encode(docker_config_json(&credentials.docker_login()).as_bytes());
    let auth = STANDARD.encode(format!("{}:{password}", credentials.username));
    let mut forms = password_forms(password);
    forms.extend([auth[..24].to_string(), config[40..80].to_string()]);
    forms
}

/// The texts that give `password` away wherever it is written: itself; JSON-escaped, as the
/// `.dockerconfigjson` (and a Debug or a YAML double-quoted spelling) writes it, once or twice;
/// and the base64 of each inside any longer text, at each of the three offsets a base64 text
/// can have.
pub fn password_forms(password: &str) -> Vec<String> {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    let mut forms = vec![password.to_string()];
    let escaped = json_escaped(password);
    if escaped != password {
        // Escaped twice too: a message quoting it, itself quoted (Helm shows a JSON string so).
        forms.extend([json_escaped(&escaped), escaped]);
    }
    for text in forms.clone() {
        // Starting on a 3-byte boundary of the text around it, these bytes encode alike.
        for skip in 0..3 {
            let bytes = &text.as_bytes()[skip..];
            forms.push(STANDARD.encode(&bytes[..bytes.len() / 3 * 3]));
        }
    }
    forms
}

/// `text` inside a JSON string, less its quotes, as the tool (after Go's encoding/json)
/// writes it into a `.dockerconfigjson`.
fn json_escaped(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    acr_inject::k8s::secret::push_json_string(&mut quoted, text);
    quoted[1..quoted.len() - 1].to_string()
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    #[test]
    fn the_password_forms_find_it_json_escaped_and_in_base64_at_any_offset() {
        let password = "Pa\"ss\\w0rd-LEAK";
        let forms = super::password_forms(password);
        assert!(forms.contains(&r#"Pa\"ss\\w0rd-LEAK"#.to_string()), "{forms:?}");
        assert!(forms.contains(&r#"Pa\\\"ss\\\\w0rd-LEAK"#.to_string()), "twice: {forms:?}");
        for prefix in ["", "a", "ab"] {
            let config = format!(r#"{prefix}{{"password":"Pa\"ss\\w0rd-LEAK"}}"#);
            let plain = format!("{prefix}user:{password}");
            for text in [config, plain] {
                let encoded = STANDARD.encode(&text);
                assert!(forms.iter().any(|form| encoded.contains(form)), "{text}: {encoded}");
            }
        }
    }
}
