//! Seals through the public API, then unseals the way the controller does (sealed-secrets'
//! `HybridDecrypt`) with the fixture's private key, and checks the manifest against the golden files.
//!
//! RSA-4096 private-key operations are the slow part of a debug build, so each test decrypts only a
//! few values (all of them take well under a second here).

use std::process::Command;
use std::time::SystemTime;

use acr_inject::seal::{Scope, SealedSecretSpec, SealingCert, render_sealed_secret, seal};
use aes_gcm::aead::{Aead as _, Nonce};
use aes_gcm::{Aes256Gcm, KeyInit as _};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::Oaep;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use sha2::Sha256;

const CERT: &[u8] = include_bytes!("../fixtures/seal/cert.pem");
const KEY: &str = include_str!("../fixtures/seal/key.pem");
const DOCKERCONFIGJSON: &[u8] = br#"{"auths":{"myregistry.azurecr.io":{"username":"00000000-0000-0000-0000-000000000000","password":"not-a-real-password","auth":"MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwOm5vdC1hLXJlYWwtcGFzc3dvcmQ="}}}"#;

fn cert() -> SealingCert {
    SealingCert::from_pem(CERT, SystemTime::now()).unwrap()
}

fn private_key() -> rsa::PrivateKey {
    rsa::PrivateKey::from_pkcs1_pem(KEY).unwrap()
}

/// The controller's side: a 2-byte big-endian length, the RSA-OAEP-wrapped session key (SHA-256,
/// MGF1-SHA-256, the scope's label), then AES-256-GCM with an all-zero nonce and no AAD.
fn unseal(key: &rsa::PrivateKey, label: &[u8], sealed: &str) -> Result<Vec<u8>, String> {
    let sealed = STANDARD.decode(sealed).map_err(|e| e.to_string())?;
    let (len, rest) = sealed.split_at(2);
    let (wrapped_key, ciphertext) =
        rest.split_at(usize::from(u16::from_be_bytes([len[0], len[1]])));
    let session_key = key
        .decrypt(Oaep::<Sha256>::new_with_label(label), wrapped_key)
        .map_err(|e| format!("RSA-OAEP: {e}"))?;
    Aes256Gcm::new_from_slice(&session_key)
        .unwrap()
        .decrypt(&Nonce::<Aes256Gcm>::default(), ciphertext)
        .map_err(|e| format!("AES-GCM: {e}"))
}

/// Seals the fixture value for team-a/acr-pull in `scope`; returns the LF and CRLF manifests, the
/// sealed value and its label.
fn sealed_acr_pull(scope: Scope) -> (String, String, String, Vec<u8>) {
    let cert = cert();
    let namespace = Some("team-a");
    let label = scope.label(namespace, "acr-pull").unwrap();
    let sealed = seal(&cert, &label, DOCKERCONFIGJSON);
    let data = [(".dockerconfigjson", sealed.clone())];
    let fingerprint = cert.fingerprint();
    let spec = SealedSecretSpec {
        name: "acr-pull",
        namespace,
        scope,
        secret_type: "kubernetes.io/dockerconfigjson",
        encrypted_data: &data,
        cert_fingerprint: &fingerprint,
    };
    let lf = render_sealed_secret(&spec, "\n");
    let crlf = render_sealed_secret(&spec, "\r\n");
    (lf, crlf, sealed, label)
}

/// The manifest unseals, and matches the golden file once the ciphertext is masked, in LF and CRLF.
fn check_scope(scope: Scope, golden: &str) -> (String, rsa::PrivateKey) {
    let (lf, crlf, sealed, label) = sealed_acr_pull(scope);
    let in_manifest = lf
        .lines()
        .find_map(|line| line.strip_prefix("    .dockerconfigjson: "))
        .expect("the manifest carries the sealed value");
    let key = private_key();
    assert_eq!(unseal(&key, &label, in_manifest).unwrap(), DOCKERCONFIGJSON);
    assert_eq!(lf.replace(&sealed, "<sealed>"), golden);
    assert_eq!(crlf.replace(&sealed, "<sealed>"), golden.replace('\n', "\r\n"));
    (sealed, key)
}

#[test]
fn strict_value_unseals_only_under_its_own_name() {
    let golden = include_str!("../fixtures/seal/golden/strict.yaml");
    let (sealed, key) = check_scope(Scope::Strict, golden);
    let err = unseal(&key, b"team-a/other-name", &sealed).unwrap_err();
    assert!(err.starts_with("RSA-OAEP"), "{err}");
}

#[test]
fn namespace_wide_value_unseals_only_in_its_namespace() {
    let golden = include_str!("../fixtures/seal/golden/namespace-wide.yaml");
    let (sealed, key) = check_scope(Scope::NamespaceWide, golden);
    assert!(unseal(&key, b"team-b", &sealed).is_err());
}

#[test]
fn cluster_wide_value_unseals_with_the_empty_label() {
    let golden = include_str!("../fixtures/seal/golden/cluster-wide.yaml");
    let (sealed, key) = check_scope(Scope::ClusterWide, golden);
    assert!(unseal(&key, b"team-a", &sealed).is_err());
}

#[test]
fn sealed_value_has_kubeseals_length_and_prefix() {
    let sealed = seal(&cert(), b"team-a/acr-pull", DOCKERCONFIGJSON);
    assert!(sealed.starts_with("Ag"), "{sealed}");
    let bytes = STANDARD.decode(&sealed).unwrap();
    assert_eq!(bytes.len(), 2 + 512 + DOCKERCONFIGJSON.len() + 16);
}

#[test]
fn sealing_twice_gives_different_values() {
    let cert = cert();
    let first = seal(&cert, b"team-a/acr-pull", DOCKERCONFIGJSON);
    assert_ne!(first, seal(&cert, b"team-a/acr-pull", DOCKERCONFIGJSON));
}

/// An independent implementation (Python `kubesealpy`, over pyca/cryptography) unseals a stream
/// with every scope, a namespace-less cluster-wide Secret and names that need YAML quoting.
/// Needs Python with kubesealpy (`scripts/test` installs it); ACR_INJECT_TEST_PYTHON names the
/// interpreter, python3 by default.
#[test]
fn kubesealpy_unseals_what_we_seal() {
    let cert = cert();
    let fingerprint = cert.fingerprint();
    let secrets = [
        ("team-a", "acr-pull", Scope::Strict),
        ("team-a", "acr-ns", Scope::NamespaceWide),
        ("", "acr-cluster", Scope::ClusterWide),
        ("2024-01-15", "no", Scope::Strict),
    ];
    let mut stream =
        String::from("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: skip-me\n");
    for (namespace, name, scope) in secrets {
        let namespace = Some(namespace).filter(|ns| !ns.is_empty());
        let label = scope.label(namespace, name).unwrap();
        let data = [
            (".dockerconfigjson", seal(&cert, &label, DOCKERCONFIGJSON)),
            ("note", seal(&cert, &label, format!("{scope} {name}").as_bytes())),
        ];
        stream.push_str("---\n");
        stream.push_str(&render_sealed_secret(
            &SealedSecretSpec {
                name,
                namespace,
                scope,
                secret_type: "kubernetes.io/dockerconfigjson",
                encrypted_data: &data,
                cert_fingerprint: &fingerprint,
            },
            "\r\n",
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sealed.yaml");
    std::fs::write(&path, stream).unwrap();

    let python = std::env::var("ACR_INJECT_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let output = Command::new(python)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("tests/interop/unseal.py")
        .arg("fixtures/seal/key.pem")
        .arg(&path)
        .output()
        .expect("python runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let unsealed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let config = std::str::from_utf8(DOCKERCONFIGJSON).unwrap();
    assert_eq!(
        unsealed,
        serde_json::json!({
            "team-a/acr-pull": {".dockerconfigjson": config, "note": "strict acr-pull"},
            "team-a/acr-ns": {".dockerconfigjson": config, "note": "namespace-wide acr-ns"},
            "/acr-cluster": {".dockerconfigjson": config, "note": "cluster-wide acr-cluster"},
            "2024-01-15/no": {".dockerconfigjson": config, "note": "strict no"},
        })
    );
}
