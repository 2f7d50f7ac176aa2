//! The image pull Secret, byte for byte as kubectl >= 1.34 prints it with
//! `kubectl create secret docker-registry NAME --docker-server=S --docker-username=U
//! --docker-password=P [--docker-email=E] [-n NS] --dry-run=client -o yaml`
//! (1.34 stopped printing `creationTimestamp: null`).
//!
//! Matching kubectl exactly lets users diff our output against theirs, and keeps reruns stable.
//! The password passes through several buffers on its way into the manifest. Each is `Zeroizing`
//! and sized up front, because a `String` that grows leaves its old allocation behind unzeroed.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::yaml::scalar::render_string;

/// The `type` of a pull Secret.
pub const DOCKER_CONFIG_JSON: &str = "kubernetes.io/dockerconfigjson";

/// The credentials for one registry, as `kubectl create secret docker-registry` takes them.
///
/// kubelet splits `auth` at its first `:`, so a username with a colon cannot be represented;
/// callers must reject one before building a login.
pub struct DockerLogin<'a> {
    pub server: &'a str,
    pub username: &'a str,
    pub password: &'a str,
    pub email: Option<&'a str>,
}

/// Redacts the password so that a login can be logged or put in an error.
impl fmt::Debug for DockerLogin<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DockerLogin")
            .field("server", &self.server)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("email", &self.email)
            .finish()
    }
}

/// The compact JSON `{"auths":{SERVER:{...}}}` that kubectl stores under `.dockerconfigjson`:
/// escaped like Go's `encoding/json`, fields in kubectl's order `username, password, email, auth`,
/// each left out when empty.
pub fn docker_config_json(login: &DockerLogin) -> Zeroizing<String> {
    let auth = encode_base64(&user_colon_password(login));
    let fields = [
        ("username", login.username),
        ("password", login.password),
        ("email", login.email.unwrap_or_default()),
        ("auth", auth.as_str()),
    ];
    let mut json = Zeroizing::new(String::with_capacity(json_capacity(login.server, &fields)));
    json.push_str(r#"{"auths":{"#);
    push_json_string(&mut json, login.server);
    json.push_str(":{");
    let present = fields.iter().filter(|(_, value)| !value.is_empty());
    for (i, (key, value)) in present.enumerate() {
        if i > 0 {
            json.push(',');
        }
        push_json_string(&mut json, key);
        json.push(':');
        push_json_string(&mut json, value);
    }
    json.push_str("}}}");
    json
}

/// An upper bound on the length of the JSON, so that its buffer never grows: Go escapes one byte
/// into at most six (`<` is `\u003c`).
fn json_capacity(server: &str, fields: &[(&str, &str)]) -> usize {
    let per_field = |(key, value): &(&str, &str)| r#""":"","#.len() + key.len() + 6 * value.len();
    r#"{"auths":{"":{}}}"#.len() + 6 * server.len() + fields.iter().map(per_field).sum::<usize>()
}

/// The whole Secret manifest: lines joined with `eol` (`"\n"` or `"\r\n"`), ending with `eol`,
/// without a leading `---`. An empty namespace is left out, as Go's `omitempty` does.
pub fn render_secret(
    name: &str,
    namespace: Option<&str>,
    login: &DockerLogin,
    eol: &str,
) -> Zeroizing<String> {
    let data = encode_base64(docker_config_json(login).as_bytes());
    let name = render_string(name);
    let namespace = namespace.filter(|ns| !ns.is_empty()).map(render_string);
    // Each line is a prefix and a value; kubectl sorts the keys at every level.
    let lines = [
        Some(("apiVersion: v1", "")),
        Some(("data:", "")),
        // Standard base64 of a JSON object starts with `eyJ` and never needs quotes.
        Some(("  .dockerconfigjson: ", data.as_str())),
        Some(("kind: Secret", "")),
        Some(("metadata:", "")),
        Some(("  name: ", &*name)),
        namespace.as_deref().map(|ns| ("  namespace: ", ns)),
        Some(("type: kubernetes.io/dockerconfigjson", "")),
    ];
    let lines = lines.into_iter().flatten();
    let capacity =
        lines.clone().map(|(prefix, value)| prefix.len() + value.len() + eol.len()).sum();
    let mut yaml = Zeroizing::new(String::with_capacity(capacity));
    for (prefix, value) in lines {
        yaml.push_str(prefix);
        yaml.push_str(value);
        yaml.push_str(eol);
    }
    yaml
}

/// The bytes that `auth` encodes: `USERNAME:PASSWORD`.
fn user_colon_password(login: &DockerLogin) -> Zeroizing<Vec<u8>> {
    let len = login.username.len() + 1 + login.password.len();
    let mut bytes = Zeroizing::new(Vec::with_capacity(len));
    bytes.extend_from_slice(login.username.as_bytes());
    bytes.push(b':');
    bytes.extend_from_slice(login.password.as_bytes());
    bytes
}

/// Standard, padded base64. `encode_slice` writes straight into our zeroized buffer, where
/// `encode_string` would pass the text through a stack buffer that nobody clears.
fn encode_base64(bytes: &[u8]) -> Zeroizing<String> {
    let len = base64::encoded_len(bytes.len(), true).expect("an input that fits in memory");
    let mut buffer = Zeroizing::new(vec![0; len]);
    STANDARD.encode_slice(bytes, &mut buffer).expect("the buffer has the encoded length");
    // Moves the bytes into the String without copying them.
    let text = String::from_utf8(std::mem::take(&mut *buffer)).expect("base64 is ASCII");
    Zeroizing::new(text)
}

/// Appends `s` as a JSON string the way Go's `encoding/json` (Go >= 1.22) writes one: `<`, `>`,
/// `&`, U+2028 and U+2029 as `\uXXXX`, `\b \f \n \r \t` as such, other control characters as
/// `\u00XX`, and everything else (DEL, `/`, non-ASCII) as it is.
pub fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x08' => out.push_str("\\b"),
            '\x0C' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0'..='\x1F' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let code = u32::from(c) as usize;
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(char::from(HEX[(code >> shift) & 0xF]));
                }
            }
            _ => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login<'a>(password: &'a str) -> DockerLogin<'a> {
        DockerLogin { server: "S", username: "U", password, email: None }
    }

    #[test]
    fn the_reference_examples_encode_exactly() {
        let json = docker_config_json(&login("P"));
        assert_eq!(*json, r#"{"auths":{"S":{"username":"U","password":"P","auth":"VTpQ"}}}"#);
        assert_eq!(
            *encode_base64(json.as_bytes()),
            "eyJhdXRocyI6eyJTIjp7InVzZXJuYW1lIjoiVSIsInBhc3N3b3JkIjoiUCIsImF1dGgiOiJWVHBRIn19fQ=="
        );
        let with_email = DockerLogin { email: Some("E"), ..login("P") };
        assert_eq!(
            *encode_base64(docker_config_json(&with_email).as_bytes()),
            "eyJhdXRocyI6eyJTIjp7InVzZXJuYW1lIjoiVSIsInBhc3N3b3JkIjoiUCIsImVtYWlsIjoiRSIsImF1dGgiOiJWVHBRIn19fQ=="
        );
        let acr = DockerLogin {
            server: "myregistry.azurecr.io",
            username: "00000000-0000-0000-0000-000000000000",
            password: "pa<ss>&w",
            email: None,
        };
        assert_eq!(
            *docker_config_json(&acr),
            concat!(
                r#"{"auths":{"myregistry.azurecr.io":{"username":"00000000-0000-0000-0000-000000000000","#,
                r#""password":"pa\u003css\u003e\u0026w","#,
                r#""auth":"MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwOnBhPHNzPiZ3"}}}"#
            )
        );
    }

    #[test]
    fn json_escaping_follows_go_encoding_json() {
        let mut out = String::new();
        push_json_string(&mut out, "<a&b>\"\\/\x08\x0C\n\r\t\x01\x1F\x7Fé\u{2028}\u{2029}😀");
        let expected = concat!(
            r#""\u003ca\u0026b\u003e\"\\/\b\f\n\r\t\u0001\u001f"#,
            "\x7Fé",
            r#"\u2028\u2029😀""#
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn empty_fields_are_left_out_of_the_json() {
        let login = DockerLogin { server: "S", username: "", password: "", email: Some("") };
        assert_eq!(*docker_config_json(&login), r#"{"auths":{"S":{"auth":"Og=="}}}"#);
    }

    #[test]
    fn the_json_never_outgrows_its_first_buffer() {
        // Go writes `<` as six bytes, the most any byte takes. Empty credentials keep `auth`, which
        // is never escaped, short, so that the bound has little slack.
        let worst = "<".repeat(50);
        let login = DockerLogin { server: &worst, username: "", password: "", email: Some(&worst) };
        let fields = [("username", ""), ("password", ""), ("email", &*worst), ("auth", "Og==")];
        // `String::with_capacity` gives exactly the capacity asked for; growing would double it.
        assert_eq!(docker_config_json(&login).capacity(), json_capacity(&worst, &fields));
    }

    #[test]
    fn an_empty_namespace_is_left_out() {
        assert_eq!(
            render_secret("a", Some(""), &login("P"), "\n"),
            render_secret("a", None, &login("P"), "\n")
        );
    }

    #[test]
    fn debug_output_redacts_the_password() {
        let debug = format!("{:?}", login("hunter2"));
        assert!(!debug.contains("hunter2"));
        assert_eq!(
            debug,
            r#"DockerLogin { server: "S", username: "U", password: "<redacted>", email: None }"#
        );
    }
}
