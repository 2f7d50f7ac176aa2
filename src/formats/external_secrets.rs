//! External Secrets Operator: the pull Secret made in the cluster, with no credential in Git.
//!
//! Two variants, both an `ExternalSecret` (`external-secrets.io/v1`, ESO >= 0.16) whose target
//! is the pull Secret:
//! - [`FromStore`] fills it from two keys of a `SecretStore`/`ClusterSecretStore` (Azure Key
//!   Vault holding a service principal's ID and password, typically);
//! - [`AcrToken`] fills it from an `ACRAccessToken` generator
//!   (`generators.external-secrets.io/v1alpha1`), a short-lived token ESO asks ACR for.
//!
//! Either way the manifests only say where the credential lives: they hold nothing secret, are
//! rendered the same every time, and are safe to commit.
//!
//! The template ESO fills is the one part that needs care: the `.dockerconfigjson` it makes must
//! be byte-identical to kubectl's for the same server, username and password, whatever the
//! password holds (see [`docker_config_template`]).

use std::fmt;
use std::str::FromStr;

use zeroize::Zeroizing;

use super::{Kind, SecretFormat};
use crate::error::Error;
use crate::k8s::secret::DOCKER_CONFIG_JSON;
use crate::yaml::scalar::render_string;

/// An `external-secrets.io` `ExternalSecret`.
pub const EXTERNAL_SECRET: Kind = Kind { group: "external-secrets.io", kind: "ExternalSecret" };

/// A `generators.external-secrets.io` `ACRAccessToken`.
pub const ACR_ACCESS_TOKEN: Kind =
    Kind { group: "generators.external-secrets.io", kind: "ACRAccessToken" };

const EXTERNAL_SECRET_API_VERSION: &str = "external-secrets.io/v1";
const GENERATOR_API_VERSION: &str = "generators.external-secrets.io/v1alpha1";

/// How long an ACR token obtained through the generator was observed to last.
const ACR_TOKEN_LIFETIME: &str = "about 75 minutes";

/// The ExternalSecret filled from two keys of a secret store.
#[derive(Debug)]
pub struct FromStore {
    pub template: DockerConfigTemplate,
    pub store: StoreRef,
    pub keys: RemoteKeys,
    pub refresh: RefreshInterval,
}

/// The ACRAccessToken generator and the ExternalSecret that uses it.
#[derive(Debug)]
pub struct AcrToken {
    pub template: DockerConfigTemplate,
    pub server: String,
    pub auth: AcrAuth,
    pub tenant_id: Option<String>,
    pub scope: Option<TokenScope>,
    pub refresh: RefreshInterval,
}

impl AcrToken {
    /// Checks what the generator needs: a service principal must name its tenant.
    pub fn new(
        server: &str,
        auth: AcrAuth,
        tenant_id: Option<String>,
        scope: Option<TokenScope>,
        refresh: RefreshInterval,
    ) -> Result<AcrToken, Error> {
        if matches!(auth, AcrAuth::ServicePrincipal { .. }) && tenant_id.is_none() {
            return Err(Error::new(
                "--acr-token service-principal=SECRET needs --tenant-id (the service principal's \
                 Microsoft Entra tenant); workload and managed identities know theirs",
            ));
        }
        Ok(AcrToken {
            template: DockerConfigTemplate::new(server)?,
            server: server.to_string(),
            auth,
            tenant_id,
            scope,
            refresh,
        })
    }

    /// Warnings about the refresh interval: ESO refreshes on the interval only, never when the
    /// token expires, so a longer interval leaves pods unable to pull for a while.
    pub fn refresh_warning(&self) -> Option<String> {
        let interval = &self.refresh;
        if interval.nanoseconds == 0 {
            return Some(format!(
                "warning: --refresh-interval 0s fetches the ACR token once, and it expires after \
                 {ACR_TOKEN_LIFETIME}; keep the interval at 1h or less"
            ));
        }
        (interval.nanoseconds > HOUR).then(|| {
            format!(
                "warning: --refresh-interval {interval} is above one hour, but ACR tokens expire after \
                 {ACR_TOKEN_LIFETIME} and ESO refreshes only on the interval; keep it at 1h or less"
            )
        })
    }
}

impl SecretFormat for FromStore {
    fn description(&self) -> &'static str {
        "an ExternalSecret"
    }

    fn parts(&self) -> &'static [Kind] {
        &[EXTERNAL_SECRET]
    }

    fn render(
        &self,
        _part: usize,
        name: &str,
        namespace: Option<&str>,
        eol: &str,
    ) -> Result<Zeroizing<String>, Error> {
        let mut yaml = Yaml::new(eol);
        yaml.header(EXTERNAL_SECRET_API_VERSION, EXTERNAL_SECRET.kind, name, namespace);
        yaml.key(0, "spec");
        yaml.key(1, "data");
        for (secret_key, remote_key) in
            [("username", &self.keys.username), ("password", &self.keys.password)]
        {
            yaml.item_key(1, "remoteRef");
            yaml.value(3, "key", remote_key);
            yaml.value(2, "secretKey", secret_key);
        }
        yaml.value(1, "refreshInterval", &self.refresh.to_string());
        yaml.key(1, "secretStoreRef");
        yaml.value(2, "kind", self.store.kind.name());
        yaml.value(2, "name", &self.store.name);
        yaml.target(name, &self.template);
        Ok(yaml.finish())
    }

    /// Plain objects: an annotation (Helm's file name) does not change what ESO does.
    fn accepts_added_metadata(&self) -> bool {
        true
    }

    /// It names a store and two keys; the credential stays in the store.
    fn safe_to_commit(&self) -> bool {
        true
    }
}

impl SecretFormat for AcrToken {
    fn description(&self) -> &'static str {
        "an ACRAccessToken and an ExternalSecret"
    }

    /// The generator first, so that the ExternalSecret never names one not applied yet.
    fn parts(&self) -> &'static [Kind] {
        &[ACR_ACCESS_TOKEN, EXTERNAL_SECRET]
    }

    fn render(
        &self,
        part: usize,
        name: &str,
        namespace: Option<&str>,
        eol: &str,
    ) -> Result<Zeroizing<String>, Error> {
        let mut yaml = Yaml::new(eol);
        if self.parts()[part] == ACR_ACCESS_TOKEN {
            yaml.header(GENERATOR_API_VERSION, ACR_ACCESS_TOKEN.kind, name, namespace);
            yaml.key(0, "spec");
            yaml.key(1, "auth");
            self.auth.render(&mut yaml);
            yaml.value(1, "registry", &self.server);
            if let Some(scope) = &self.scope {
                yaml.value(1, "scope", &scope.0);
            }
            if let Some(tenant_id) = &self.tenant_id {
                yaml.value(1, "tenantId", tenant_id);
            }
        } else {
            yaml.header(EXTERNAL_SECRET_API_VERSION, EXTERNAL_SECRET.kind, name, namespace);
            yaml.key(0, "spec");
            yaml.key(1, "dataFrom");
            yaml.item_key(1, "sourceRef");
            yaml.key(3, "generatorRef");
            yaml.value(4, "apiVersion", GENERATOR_API_VERSION);
            yaml.value(4, "kind", ACR_ACCESS_TOKEN.kind);
            yaml.value(4, "name", name);
            yaml.value(1, "refreshInterval", &self.refresh.to_string());
            yaml.target(name, &self.template);
        }
        Ok(yaml.finish())
    }

    /// Plain objects: an annotation (Helm's file name) does not change what ESO does.
    fn accepts_added_metadata(&self) -> bool {
        true
    }

    /// It says how ESO authenticates to ACR; the token exists only in the cluster.
    fn safe_to_commit(&self) -> bool {
        true
    }
}

/// The template ESO fills into the pull Secret's `.dockerconfigjson`, for one login server.
///
/// ESO's documented template, `"password":"{{ .password }}"`, pastes the password in raw: a
/// `"` or `\` makes the JSON invalid, and `&`, `<`, `>` differ from kubectl, whose Go
/// `encoding/json` writes them as `\u0026`, `\u003c`, `\u003e`. Sprig's `toJson` is that same
/// `json.Marshal`, so `{{ .password | toJson }}` writes the quoted string exactly as kubectl
/// does, for every password. Field order is kubectl's (`username, password, auth`), which is why
/// the object is spelt out rather than made by `toJson` of a dict (that would sort the keys).
/// `auth` is base64, which JSON never escapes, so it needs no `toJson`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerConfigTemplate(String);

impl DockerConfigTemplate {
    /// The template for `server`, a login server as [`crate::credentials::login_server`] checks
    /// it: letters, digits, `-`, `.` and a `:port`, none of which JSON escapes or a Go template
    /// reads as an action. Anything else is refused rather than escaped twice over.
    pub fn new(server: &str) -> Result<DockerConfigTemplate, Error> {
        let plain = |b: u8| b.is_ascii_alphanumeric() || b"-.:".contains(&b);
        if server.is_empty() || !server.bytes().all(plain) {
            return Err(Error::new(format!(
                "`{server}` cannot go into an ExternalSecret's template: a login server holds only \
                 letters, digits, `-`, `.` and `:`"
            )));
        }
        Ok(DockerConfigTemplate(docker_config_template(server)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// See [`DockerConfigTemplate`].
fn docker_config_template(server: &str) -> String {
    format!(
        concat!(
            r#"{{"auths":{{"{server}":{{"#,
            r#""username":{{{{ .username | toJson }}}},"#,
            r#""password":{{{{ .password | toJson }}}},"#,
            r#""auth":"{{{{ printf "%s:%s" .username .password | b64enc }}}}"}}}}}}"#
        ),
        server = server
    )
}

/// `SecretStore/NAME` or `ClusterSecretStore/NAME`: the store the ExternalSecret reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreRef {
    pub kind: StoreKind,
    pub name: String,
}

/// The two kinds of secret store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// In the ExternalSecret's own namespace.
    SecretStore,
    /// Cluster-wide, for every namespace it allows.
    ClusterSecretStore,
}

impl StoreKind {
    pub fn name(self) -> &'static str {
        match self {
            StoreKind::SecretStore => "SecretStore",
            StoreKind::ClusterSecretStore => "ClusterSecretStore",
        }
    }
}

impl FromStr for StoreRef {
    type Err = String;

    fn from_str(s: &str) -> Result<StoreRef, String> {
        let usage = || {
            format!("`{s}` is not a store: expected ClusterSecretStore/NAME or SecretStore/NAME")
        };
        let (kind, name) = s.split_once('/').ok_or_else(usage)?;
        let kind = match kind {
            "SecretStore" => StoreKind::SecretStore,
            "ClusterSecretStore" => StoreKind::ClusterSecretStore,
            _ => return Err(usage()),
        };
        check_dns_subdomain("store name", name)?;
        Ok(StoreRef { kind, name: name.to_string() })
    }
}

/// `USERNAME_KEY,PASSWORD_KEY`: the store's keys that hold the username and the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteKeys {
    pub username: String,
    pub password: String,
}

impl FromStr for RemoteKeys {
    type Err = String;

    fn from_str(s: &str) -> Result<RemoteKeys, String> {
        match s.split(',').map(str::trim).collect::<Vec<_>>()[..] {
            [username, password] if !username.is_empty() && !password.is_empty() => {
                Ok(RemoteKeys { username: username.to_string(), password: password.to_string() })
            }
            _ => Err(format!(
                "`{s}` is not two keys: expected USERNAME_KEY,PASSWORD_KEY (such as \
                 acr-pull-username,acr-pull-password)"
            )),
        }
    }
}

/// How the ACRAccessToken generator authenticates to Azure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcrAuth {
    /// `workload-identity=SERVICE_ACCOUNT`: a service account federated with an identity.
    WorkloadIdentity { service_account: String },
    /// `managed-identity=CLIENT_ID`: a user-assigned managed identity of the node.
    ManagedIdentity { client_id: String },
    /// `service-principal=SECRET_NAME`: a Secret with keys `clientId` and `clientSecret`.
    ServicePrincipal { secret: String },
}

impl AcrAuth {
    /// The entries under `spec.auth`.
    fn render(&self, yaml: &mut Yaml) {
        match self {
            AcrAuth::WorkloadIdentity { service_account } => {
                yaml.key(2, "workloadIdentity");
                yaml.key(3, "serviceAccountRef");
                yaml.value(4, "name", service_account);
            }
            AcrAuth::ManagedIdentity { client_id } => {
                yaml.key(2, "managedIdentity");
                yaml.value(3, "identityId", client_id);
            }
            AcrAuth::ServicePrincipal { secret } => {
                yaml.key(2, "servicePrincipal");
                yaml.key(3, "secretRef");
                for key in ["clientId", "clientSecret"] {
                    yaml.key(4, key);
                    yaml.value(5, "key", key);
                    yaml.value(5, "name", secret);
                }
            }
        }
    }
}

impl FromStr for AcrAuth {
    type Err = String;

    fn from_str(s: &str) -> Result<AcrAuth, String> {
        let usage = || {
            format!(
                "`{s}` is not an ACR token authentication: expected workload-identity=SERVICE_ACCOUNT, \
                 managed-identity=CLIENT_ID or service-principal=SECRET_NAME"
            )
        };
        let (method, value) = s.split_once('=').ok_or_else(usage)?;
        let value = value.to_string();
        match method {
            "workload-identity" => {
                check_dns_subdomain("service account name", &value)?;
                Ok(AcrAuth::WorkloadIdentity { service_account: value })
            }
            "managed-identity" if !value.trim().is_empty() => {
                Ok(AcrAuth::ManagedIdentity { client_id: value })
            }
            "service-principal" => {
                check_dns_subdomain("Secret name", &value)?;
                Ok(AcrAuth::ServicePrincipal { secret: value })
            }
            _ => Err(usage()),
        }
    }
}

/// `repository:NAME:pull`: what a scoped (access, not refresh) token may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenScope(String);

impl FromStr for TokenScope {
    type Err = String;

    fn from_str(s: &str) -> Result<TokenScope, String> {
        let repository = s.strip_prefix("repository:").and_then(|rest| rest.strip_suffix(":pull"));
        let name_ok = |name: &str| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._/-".contains(&b))
        };
        match repository {
            Some(name) if name_ok(name) => Ok(TokenScope(s.to_string())),
            _ => Err(format!(
                "`{s}` is not a pull scope: expected repository:NAME:pull, NAME a repository such as \
                 shop/storefront"
            )),
        }
    }
}

const NANOSECOND: u64 = 1;
const MICROSECOND: u64 = 1_000 * NANOSECOND;
const MILLISECOND: u64 = 1_000 * MICROSECOND;
const SECOND: u64 = 1_000 * MILLISECOND;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;

/// A Go duration (`time.ParseDuration`): how often ESO reads the store again. Written back in
/// Go's own form (`Duration.String`: `90m` is `1h30m0s`), which is how the API server stores it,
/// so that what Git holds and what the cluster shows do not differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshInterval {
    nanoseconds: u64,
}

impl RefreshInterval {
    /// ESO's default.
    pub const DEFAULT: &str = "1h0m0s";
}

impl FromStr for RefreshInterval {
    type Err = String;

    /// Go's grammar: `0`, or one or more of a decimal number (`1`, `1.5`, `.5`) and a unit
    /// (`ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`). A negative interval means nothing to ESO
    /// and is refused, as is one past Go's limit (about 290 years).
    fn from_str(s: &str) -> Result<RefreshInterval, String> {
        let invalid = || {
            format!(
                "`{s}` is not a Go duration such as 1h0m0s, 30m or 90s (units: h, m, s, ms, us, ns)"
            )
        };
        if s.starts_with('-') {
            return Err(format!(
                "`{s}` is negative: ESO reads the store again after a positive interval, or once with 0s"
            ));
        }
        let mut rest = s.strip_prefix('+').unwrap_or(s);
        if rest == "0" {
            return Ok(RefreshInterval { nanoseconds: 0 });
        }
        let mut total: u128 = 0;
        if rest.is_empty() {
            return Err(invalid());
        }
        while !rest.is_empty() {
            let digits = |t: &str| t.bytes().take_while(u8::is_ascii_digit).count();
            let whole_len = digits(rest);
            let whole = &rest[..whole_len];
            rest = &rest[whole_len..];
            let fraction = match rest.strip_prefix('.') {
                Some(after) => {
                    let len = digits(after);
                    rest = &after[len..];
                    &after[..len]
                }
                None => "",
            };
            if whole.is_empty() && fraction.is_empty() {
                return Err(invalid());
            }
            let unit_len =
                rest.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(rest.len());
            let unit = match &rest[..unit_len] {
                "ns" => NANOSECOND,
                "us" | "µs" | "μs" => MICROSECOND,
                "ms" => MILLISECOND,
                "s" => SECOND,
                "m" => MINUTE,
                "h" => HOUR,
                _ => return Err(invalid()),
            };
            rest = &rest[unit_len..];
            let whole: u128 =
                if whole.is_empty() { 0 } else { whole.parse().map_err(|_| invalid())? };
            // Go keeps the fraction's leading digits and drops what is below a nanosecond.
            let mut scaled: u128 = 0;
            let mut scale: u128 = 1;
            for digit in fraction.bytes().take(30) {
                scaled = scaled * 10 + u128::from(digit - b'0');
                scale *= 10;
            }
            total += whole.checked_mul(u128::from(unit)).ok_or_else(invalid)?;
            total += scaled * u128::from(unit) / scale;
            if total > i64::MAX as u128 {
                return Err(invalid());
            }
        }
        Ok(RefreshInterval { nanoseconds: total as u64 })
    }
}

/// Go's `Duration.String`: `1h0m0s`, `1m30s`, `1.5s`; below a second `1.5ms`, `2µs`, `3ns`;
/// zero is `0s`.
impl fmt::Display for RefreshInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.nanoseconds;
        if d == 0 {
            return f.write_str("0s");
        }
        if d < SECOND {
            let (unit, name) = match d {
                _ if d < MICROSECOND => (NANOSECOND, "ns"),
                _ if d < MILLISECOND => (MICROSECOND, "µs"),
                _ => (MILLISECOND, "ms"),
            };
            return write!(f, "{}{name}", decimal(d, unit));
        }
        let hours = d / HOUR;
        let minutes = d % HOUR / MINUTE;
        let seconds = decimal(d % MINUTE, SECOND);
        match (hours, minutes) {
            (0, 0) => write!(f, "{seconds}s"),
            (0, _) => write!(f, "{minutes}m{seconds}s"),
            _ => write!(f, "{hours}h{minutes}m{seconds}s"),
        }
    }
}

/// `value / unit` in decimal, without trailing zeros after the point.
fn decimal(value: u64, unit: u64) -> String {
    let whole = value / unit;
    let fraction = value % unit;
    if fraction == 0 {
        return whole.to_string();
    }
    let width = unit.ilog10() as usize;
    let digits = format!("{fraction:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// A name the API server accepts for a store, a service account or a Secret (RFC 1123 DNS
/// subdomain), checked now rather than at deploy time.
fn check_dns_subdomain(what: &str, name: &str) -> Result<(), String> {
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if name.len() <= 253 && name.split('.').all(label_ok) {
        return Ok(());
    }
    Err(format!(
        "`{name}` is not a valid {what}: lowercase letters, digits, `-` and `.`, starting and ending \
         with a letter or digit"
    ))
}

/// A manifest written line by line as kubectl prints one: two spaces a level, list items at
/// their parent's indentation, every string quoted by [`render_string`]. Callers write keys in
/// sorted order, as kubectl does.
struct Yaml<'e> {
    text: String,
    eol: &'e str,
}

impl<'e> Yaml<'e> {
    fn new(eol: &'e str) -> Yaml<'e> {
        Yaml { text: String::new(), eol }
    }

    /// `apiVersion`, `kind` and `metadata`.
    fn header(&mut self, api_version: &str, kind: &str, name: &str, namespace: Option<&str>) {
        self.value(0, "apiVersion", api_version);
        self.value(0, "kind", kind);
        self.key(0, "metadata");
        self.value(1, "name", name);
        if let Some(namespace) = namespace.filter(|ns| !ns.is_empty()) {
            self.value(1, "namespace", namespace);
        }
    }

    /// `spec.target`: the pull Secret, made from the template.
    fn target(&mut self, name: &str, template: &DockerConfigTemplate) {
        self.key(1, "target");
        self.value(2, "name", name);
        self.key(2, "template");
        self.key(3, "data");
        self.value(4, ".dockerconfigjson", template.as_str());
        // The template needs sprig's functions, which only engine v2 has; v2 is the default,
        // and saying so keeps a future default from changing what the template means.
        self.value(3, "engineVersion", "v2");
        self.value(3, "type", DOCKER_CONFIG_JSON);
    }

    /// `key:` opening a mapping or a list.
    fn key(&mut self, level: usize, key: &str) {
        self.line(level, "", key, None);
    }

    /// `key: value`.
    fn value(&mut self, level: usize, key: &str, value: &str) {
        self.line(level, "", key, Some(value));
    }

    /// `- key:`, a list item opening with a mapping, at `level` (its list's key's level).
    fn item_key(&mut self, level: usize, key: &str) {
        self.line(level, "- ", key, None);
    }

    fn line(&mut self, level: usize, dash: &str, key: &str, value: Option<&str>) {
        for _ in 0..level {
            self.text.push_str("  ");
        }
        self.text.push_str(dash);
        self.text.push_str(&render_string(key));
        self.text.push(':');
        if let Some(value) = value {
            self.text.push(' ');
            self.text.push_str(&render_string(value));
        }
        self.text.push_str(self.eol);
    }

    fn finish(self) -> Zeroizing<String> {
        Zeroizing::new(self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVER: &str = "myregistry.azurecr.io";

    fn duration(s: &str) -> RefreshInterval {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    fn from_store(store: &str) -> FromStore {
        FromStore {
            template: DockerConfigTemplate::new(SERVER).unwrap(),
            store: store.parse().unwrap(),
            keys: "acr-pull-username,acr-pull-password".parse().unwrap(),
            refresh: duration(RefreshInterval::DEFAULT),
        }
    }

    fn acr_token(auth: &str, tenant: Option<&str>, refresh: &str) -> AcrToken {
        AcrToken::new(
            SERVER,
            auth.parse().unwrap(),
            tenant.map(str::to_string),
            Some("repository:shop/web:pull".parse().unwrap()),
            duration(refresh),
        )
        .unwrap()
    }

    fn render(format: &dyn SecretFormat, part: usize) -> String {
        format.render(part, "acr-secret", Some("shop"), "\n").unwrap().to_string()
    }

    const TEMPLATE_LINE: &str = concat!(
        r#"        .dockerconfigjson: '{"auths":{"myregistry.azurecr.io":{"username":{{ .username | toJson }},"#,
        r#""password":{{ .password | toJson }},"auth":"{{ printf "%s:%s" .username .password | b64enc }}"}}}'"#,
        "\n"
    );

    #[test]
    fn the_store_variant_is_one_external_secret_with_sorted_keys() {
        let expected = [
            "apiVersion: external-secrets.io/v1\n",
            "kind: ExternalSecret\n",
            "metadata:\n",
            "  name: acr-secret\n",
            "  namespace: shop\n",
            "spec:\n",
            "  data:\n",
            "  - remoteRef:\n",
            "      key: acr-pull-username\n",
            "    secretKey: username\n",
            "  - remoteRef:\n",
            "      key: acr-pull-password\n",
            "    secretKey: password\n",
            "  refreshInterval: 1h0m0s\n",
            "  secretStoreRef:\n",
            "    kind: ClusterSecretStore\n",
            "    name: azure-kv\n",
            "  target:\n",
            "    name: acr-secret\n",
            "    template:\n",
            "      data:\n",
            TEMPLATE_LINE,
            "      engineVersion: v2\n",
            "      type: kubernetes.io/dockerconfigjson\n",
        ]
        .concat();
        let format = from_store("ClusterSecretStore/azure-kv");
        assert_eq!(format.parts(), [EXTERNAL_SECRET]);
        assert_eq!(render(&format, 0), expected);
    }

    #[test]
    fn the_token_variant_is_a_generator_then_the_external_secret_that_uses_it() {
        let format = acr_token("workload-identity=eso-acr", None, "30m");
        assert_eq!(format.parts(), [ACR_ACCESS_TOKEN, EXTERNAL_SECRET]);
        let generator = [
            "apiVersion: generators.external-secrets.io/v1alpha1\n",
            "kind: ACRAccessToken\n",
            "metadata:\n",
            "  name: acr-secret\n",
            "  namespace: shop\n",
            "spec:\n",
            "  auth:\n",
            "    workloadIdentity:\n",
            "      serviceAccountRef:\n",
            "        name: eso-acr\n",
            "  registry: myregistry.azurecr.io\n",
            "  scope: repository:shop/web:pull\n",
        ]
        .concat();
        assert_eq!(render(&format, 0), generator);
        let external_secret = [
            "apiVersion: external-secrets.io/v1\n",
            "kind: ExternalSecret\n",
            "metadata:\n",
            "  name: acr-secret\n",
            "  namespace: shop\n",
            "spec:\n",
            "  dataFrom:\n",
            "  - sourceRef:\n",
            "      generatorRef:\n",
            "        apiVersion: generators.external-secrets.io/v1alpha1\n",
            "        kind: ACRAccessToken\n",
            "        name: acr-secret\n",
            "  refreshInterval: 30m0s\n",
            "  target:\n",
            "    name: acr-secret\n",
            "    template:\n",
            "      data:\n",
            TEMPLATE_LINE,
            "      engineVersion: v2\n",
            "      type: kubernetes.io/dockerconfigjson\n",
        ]
        .concat();
        assert_eq!(render(&format, 1), external_secret);
    }

    #[test]
    fn each_authentication_names_what_the_generator_expects() {
        let managed = render(&acr_token("managed-identity=1111-2222", None, "1h"), 0);
        assert!(managed.contains("  auth:\n    managedIdentity:\n      identityId: 1111-2222\n"));
        let principal = render(&acr_token("service-principal=acr-sp", Some("t-1"), "1h"), 0);
        assert!(principal.contains(concat!(
            "  auth:\n    servicePrincipal:\n      secretRef:\n",
            "        clientId:\n          key: clientId\n          name: acr-sp\n",
            "        clientSecret:\n          key: clientSecret\n          name: acr-sp\n",
        )));
        assert!(principal.ends_with("  tenantId: t-1\n"), "{principal}");
    }

    #[test]
    fn a_service_principal_without_a_tenant_is_refused() {
        let auth = "service-principal=acr-sp".parse().unwrap();
        let error = AcrToken::new(SERVER, auth, None, None, duration("1h")).unwrap_err();
        assert!(error.message().contains("--tenant-id"), "{}", error.message());
    }

    #[test]
    fn objects_without_a_namespace_name_none_and_crlf_is_kept() {
        let format = from_store("SecretStore/kv");
        let text = format.render(0, "acr-secret", None, "\r\n").unwrap();
        assert!(!text.contains("namespace"));
        assert!(text.contains("    kind: SecretStore\r\n"));
        assert_eq!(text.matches("\r\n").count(), text.matches('\n').count());
    }

    #[test]
    fn names_that_yaml_would_misread_are_quoted_as_kubectl_quotes_them() {
        let text = from_store("SecretStore/kv").render(0, "1e3", Some("no"), "\n").unwrap();
        assert!(text.contains("  name: \"1e3\"\n  namespace: \"no\"\n"), "{}", *text);
        assert!(text.contains("    name: \"1e3\"\n    template:\n"), "{}", *text);
    }

    #[test]
    fn stores_parse_as_kind_slash_name() {
        assert_eq!(
            "SecretStore/kv".parse(),
            Ok(StoreRef { kind: StoreKind::SecretStore, name: "kv".into() })
        );
        for bad in ["kv", "Store/kv", "SecretStore/", "SecretStore/Azure_KV", "secretstore/kv"] {
            assert!(bad.parse::<StoreRef>().is_err(), "{bad}");
        }
    }

    #[test]
    fn remote_keys_are_exactly_two() {
        assert_eq!("u, p".parse(), Ok(RemoteKeys { username: "u".into(), password: "p".into() }));
        for bad in ["u", "u,", ",p", "u,p,q", ""] {
            assert!(bad.parse::<RemoteKeys>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn authentications_parse_as_method_equals_value() {
        assert_eq!(
            "managed-identity=abc".parse(),
            Ok(AcrAuth::ManagedIdentity { client_id: "abc".into() })
        );
        for bad in
            ["workload-identity", "workload-identity=Bad_Name", "managed-identity=", "token=x"]
        {
            assert!(bad.parse::<AcrAuth>().is_err(), "{bad}");
        }
    }

    #[test]
    fn token_scopes_are_pull_scopes_on_one_repository() {
        assert!("repository:shop/web:pull".parse::<TokenScope>().is_ok());
        for bad in
            ["repository:shop/web:push", "shop/web", "repository::pull", "repository:Web:pull"]
        {
            assert!(bad.parse::<TokenScope>().is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_parse_as_go_parses_them_and_print_as_go_prints_them() {
        for (input, printed) in [
            ("1h0m0s", "1h0m0s"),
            ("1h", "1h0m0s"),
            ("90m", "1h30m0s"),
            ("1.5h", "1h30m0s"),
            (".5m", "30s"),
            ("61s", "1m1s"),
            ("1.5s", "1.5s"),
            ("1m0.25s", "1m0.25s"),
            ("1500ms", "1.5s"),
            ("2us", "2µs"),
            ("2µs", "2µs"),
            ("3ns", "3ns"),
            ("1.001ms", "1.001ms"),
            ("0", "0s"),
            ("+1h", "1h0m0s"),
            ("0s", "0s"),
            ("2h45m", "2h45m0s"),
        ] {
            assert_eq!(duration(input).to_string(), printed, "{input}");
        }
    }

    #[test]
    fn durations_go_refuses_are_refused() {
        for bad in ["", "1", "h", "1hour", "1h 30m", "-1h", "+", ".h", "1.2.3s", "3000000h", "1d"] {
            assert!(bad.parse::<RefreshInterval>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_interval_above_an_hour_or_of_zero_warns_that_acr_tokens_expire() {
        let warning = |refresh| acr_token("workload-identity=eso", None, refresh).refresh_warning();
        assert_eq!(warning("1h"), None);
        assert_eq!(warning("59m"), None);
        let long = warning("1h0m1s").unwrap();
        assert!(long.contains("1h0m1s is above one hour") && long.contains("75 minutes"), "{long}");
        assert!(warning("0s").unwrap().contains("once"));
    }

    #[test]
    fn a_server_that_would_need_escaping_in_the_template_is_refused() {
        for bad in ["", "a\"b.io", "{{.x}}.io", "a b.io", "a\\b.io"] {
            assert!(DockerConfigTemplate::new(bad).is_err(), "{bad:?}");
        }
        assert!(DockerConfigTemplate::new("localhost:5000").is_ok());
    }

    #[test]
    fn nothing_is_random_and_everything_may_be_committed() {
        let format = acr_token("workload-identity=eso", None, "1h");
        assert_eq!(render(&format, 1), render(&format, 1));
        assert!(format.is_deterministic() && format.safe_to_commit());
        let store = from_store("SecretStore/kv");
        assert!(store.is_deterministic() && store.safe_to_commit());
    }
}
