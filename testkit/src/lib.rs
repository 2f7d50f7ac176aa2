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
    acr_inject::credentials::Credentials {
        server: REGISTRY.to_string(),
        username: USERNAME.to_string(),
        password: acr_inject::credentials::Password::new(PASSWORD.to_string()),
        email: None,
    }
}

/// The texts that give the password away, to search outputs for: the password itself, and
/// parts of the two base64 texts that carry it in a plain pull Secret (`auth`, and the whole
/// `.dockerconfigjson`). Parts are enough to recognise them, even cut or wrapped.
pub fn credential_forms() -> Vec<String> {
    use acr_inject::k8s::secret::docker_config_json;
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    let credentials = credentials();
    let config = STANDARD.encode(docker_config_json(&credentials.docker_login()).as_bytes());
    let auth = STANDARD.encode(format!("{USERNAME}:{PASSWORD}"));
    vec![PASSWORD.to_string(), auth[..24].to_string(), config[40..80].to_string()]
}
