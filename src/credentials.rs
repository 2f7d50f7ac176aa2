//! The registry and the credentials for it: where they come from and how they are held.
//!
//! A password never comes from the command line (argv is visible to every user of the machine
//! and lands in shell history). It comes from `ACR_INJECT_PASSWORD`, a file, or stdin, or, when
//! nothing of acr-inject's own is set, from the service principal a CI system holds in
//! `AZURE_CLIENT_ID` / `AZURE_CLIENT_SECRET`. It is kept in memory that is wiped on drop, and its
//! Debug form is redacted so no log line or panic message can show it.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::error::Error;
use crate::k8s::secret::DockerLogin;

/// A secret string: wiped from memory on drop, never printed.
pub struct Password(Zeroizing<String>);

impl Password {
    pub fn new(value: String) -> Password {
        Password(Zeroizing::new(value))
    }

    /// The secret itself, for the one place that must encode it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// What a docker-registry Secret is made of.
#[derive(Debug)]
pub struct Credentials {
    pub server: String,
    pub username: String,
    pub password: Password,
    pub email: Option<String>,
}

impl Credentials {
    /// The login as the Secret renders it.
    pub fn docker_login(&self) -> DockerLogin<'_> {
        DockerLogin {
            server: &self.server,
            username: &self.username,
            password: self.password.expose(),
            email: self.email.as_deref(),
        }
    }
}

/// Where the password is to be read from, as the command line asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordFrom {
    /// `ACR_INJECT_PASSWORD`, else the `AZURE_CLIENT_*` fallback.
    Environment,
    File(PathBuf),
    Stdin,
}

/// The username of `az acr login --expose-token`, whose token lives about three hours.
const EXPOSED_TOKEN_USERNAME: &str = "00000000-0000-0000-0000-000000000000";

/// Credentials found, and what the user should be told about where they came from.
#[derive(Debug)]
pub struct Found {
    pub credentials: Credentials,
    pub notices: Vec<String>,
}

/// Gathers the credentials. `env` reads an environment variable; `stdin` is read only for
/// [`PasswordFrom::Stdin`].
pub fn gather(
    server: String,
    username: Option<String>,
    email: Option<String>,
    password_from: &PasswordFrom,
    env: &dyn Fn(&str) -> Option<String>,
    stdin: &mut dyn Read,
) -> Result<Found, Error> {
    let mut notices = Vec::new();
    let env_password = env("ACR_INJECT_PASSWORD").filter(|p| !p.is_empty());
    let (username, password) = match (username, password_from, env_password) {
        (username, PasswordFrom::File(path), _) => {
            (username, Password::new(read_password_file(path)?))
        }
        (username, PasswordFrom::Stdin, _) => {
            (username, Password::new(read_password_stdin(stdin)?))
        }
        (username, PasswordFrom::Environment, Some(password)) => {
            (username, Password::new(password))
        }
        (None, PasswordFrom::Environment, None) => {
            let client_id = env("AZURE_CLIENT_ID").filter(|v| !v.is_empty());
            let client_secret = env("AZURE_CLIENT_SECRET").filter(|v| !v.is_empty());
            match (client_id, client_secret) {
                (Some(id), Some(secret)) => {
                    notices.push(format!(
                        "using the service principal AZURE_CLIENT_ID={id} with AZURE_CLIENT_SECRET from the \
                         environment (set --username and ACR_INJECT_PASSWORD to choose another)"
                    ));
                    (Some(id), Password::new(secret))
                }
                _ => return Err(Error::new(NO_CREDENTIALS)),
            }
        }
        (Some(_), PasswordFrom::Environment, None) => {
            return Err(Error::new(
                "no password: set ACR_INJECT_PASSWORD, or pass --password-file PATH or --password-stdin",
            ));
        }
    };
    let username = username.ok_or_else(|| {
        Error::new(
            "no username: pass --username (or set ACR_INJECT_USERNAME) to go with the password",
        )
    })?;
    check_username(&username)?;
    if password.expose().is_empty() {
        return Err(Error::new("the password is empty"));
    }
    if username == EXPOSED_TOKEN_USERNAME {
        notices.push(
            "the username is that of `az acr login --expose-token`: such a token expires after about \
             three hours, so a Secret made from it will stop working; use a service principal or a \
             repository-scoped token for anything that lives longer"
                .into(),
        );
    }
    let credentials =
        Credentials { server, username, password, email: email.filter(|e| !e.is_empty()) };
    Ok(Found { credentials, notices })
}

const NO_CREDENTIALS: &str = "no credentials: pass --username and set ACR_INJECT_PASSWORD (or use \
     --password-file or --password-stdin), or set AZURE_CLIENT_ID and AZURE_CLIENT_SECRET; \
     --no-secret only adds the references";

fn check_username(username: &str) -> Result<(), Error> {
    if username.is_empty() {
        return Err(Error::new("the username is empty"));
    }
    if username.contains(':') {
        // kubelet splits `auth` at the first colon, so such a username cannot be represented.
        return Err(Error::new(format!(
            "the username `{username}` contains `:`, which a registry login cannot carry (kubelet splits \
             user and password at the first colon)"
        )));
    }
    Ok(())
}

fn read_password_file(path: &Path) -> Result<String, Error> {
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| {
        Error::new(format!("{}: cannot read the password file: {e}", path.display()))
    })?);
    password_text(&bytes, &path.display().to_string())
}

fn read_password_stdin(stdin: &mut dyn Read) -> Result<String, Error> {
    let mut bytes = Zeroizing::new(Vec::new());
    stdin
        .read_to_end(&mut bytes)
        .map_err(|e| Error::new(format!("<stdin>: cannot read the password: {e}")))?;
    password_text(&bytes, "<stdin>")
}

/// The password in a file or on stdin: UTF-8, less exactly one trailing line break (`\n` or
/// `\r\n`), which editors and `echo` add; anything else is part of the password.
fn password_text(bytes: &[u8], source: &str) -> Result<String, Error> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::new(format!("{source}: the password is not valid UTF-8")))?;
    let text = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(text);
    Ok(text.to_string())
}

/// The login server for `--registry`: a bare registry name (no dot) is `<name>.azurecr.io`;
/// anything with a dot is taken as a login server (sovereign clouds, other registries).
pub fn login_server(registry: &str) -> Result<String, Error> {
    let registry = registry.trim();
    if registry.contains("://") {
        return Err(Error::new(format!(
            "`{registry}` is a URL; --registry takes a registry name or a login server such as \
             `myregistry.azurecr.io` (no scheme, no path)"
        )));
    }
    if !registry.contains('.') {
        let valid = (5..=50).contains(&registry.len())
            && registry.chars().all(|c| c.is_ascii_alphanumeric());
        if !valid {
            return Err(Error::new(format!(
                "`{registry}` is not an Azure Container Registry name (5 to 50 letters and digits) nor a \
                 login server with a dot such as `myregistry.azurecr.io`"
            )));
        }
        return Ok(format!("{}.azurecr.io", registry.to_ascii_lowercase()));
    }
    let (host, port) = match registry.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (registry, None),
    };
    let host_ok = host.split('.').all(|label| {
        !label.is_empty()
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    });
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()));
    if !host_ok || !port_ok {
        return Err(Error::new(format!(
            "`{registry}` is not a registry login server (a host name such as `myregistry.azurecr.io`, \
             optionally with `:PORT`, no path)"
        )));
    }
    Ok(registry.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    fn gather_with(
        username: Option<&str>,
        from: PasswordFrom,
        env: &[(&str, &str)],
        stdin: &str,
    ) -> Result<Found, Error> {
        gather(
            "r.azurecr.io".into(),
            username.map(str::to_string),
            None,
            &from,
            &env_of(env),
            &mut stdin.as_bytes(),
        )
    }

    #[test]
    fn a_bare_name_is_an_azure_registry() {
        assert_eq!(login_server("MyRegistry").unwrap(), "myregistry.azurecr.io");
        assert_eq!(login_server("myregistry.azurecr.cn").unwrap(), "myregistry.azurecr.cn");
        assert_eq!(
            login_server("localhost.localdomain:5000").unwrap(),
            "localhost.localdomain:5000"
        );
    }

    #[test]
    fn bad_registries_say_what_is_expected() {
        assert!(
            login_server("https://myregistry.azurecr.io")
                .unwrap_err()
                .message()
                .contains("is a URL")
        );
        assert!(login_server("ab").unwrap_err().message().contains("5 to 50 letters"));
        assert!(
            login_server("my_registry")
                .unwrap_err()
                .message()
                .contains("not an Azure Container Registry name")
        );
        assert!(login_server("r.azurecr.io/path").unwrap_err().message().contains("no path"));
    }

    #[test]
    fn the_environment_password_goes_with_the_username() {
        let found = gather_with(
            Some("app"),
            PasswordFrom::Environment,
            &[("ACR_INJECT_PASSWORD", "p@ss")],
            "",
        )
        .unwrap();
        assert_eq!(found.credentials.username, "app");
        assert_eq!(found.credentials.password.expose(), "p@ss");
        assert!(found.notices.is_empty());
    }

    #[test]
    fn exactly_one_trailing_line_break_is_stripped_from_stdin() {
        let found = gather_with(Some("app"), PasswordFrom::Stdin, &[], " pw \n\n").unwrap();
        assert_eq!(found.credentials.password.expose(), " pw \n");
        let found = gather_with(Some("app"), PasswordFrom::Stdin, &[], "pw\r\n").unwrap();
        assert_eq!(found.credentials.password.expose(), "pw");
    }

    #[test]
    fn the_azure_service_principal_is_a_fallback_that_announces_itself() {
        let env = [("AZURE_CLIENT_ID", "1111"), ("AZURE_CLIENT_SECRET", "s3cret")];
        let found = gather_with(None, PasswordFrom::Environment, &env, "").unwrap();
        assert_eq!(found.credentials.username, "1111");
        assert!(found.notices[0].contains("AZURE_CLIENT_ID=1111"));
        assert!(!found.notices[0].contains("s3cret"));
    }

    #[test]
    fn a_username_without_a_password_does_not_borrow_the_azure_secret() {
        let env = [("AZURE_CLIENT_ID", "1111"), ("AZURE_CLIENT_SECRET", "s3cret")];
        let error = gather_with(Some("app"), PasswordFrom::Environment, &env, "").unwrap_err();
        assert!(error.message().starts_with("no password"));
    }

    #[test]
    fn missing_credentials_mention_every_way_to_give_them() {
        let error = gather_with(None, PasswordFrom::Environment, &[], "").unwrap_err();
        for hint in ["--username", "ACR_INJECT_PASSWORD", "AZURE_CLIENT_ID", "--no-secret"] {
            assert!(error.message().contains(hint), "{hint}");
        }
    }

    #[test]
    fn a_colon_in_the_username_is_refused() {
        let error = gather_with(
            Some("a:b"),
            PasswordFrom::Environment,
            &[("ACR_INJECT_PASSWORD", "x")],
            "",
        )
        .unwrap_err();
        assert!(error.message().contains("contains `:`"));
    }

    #[test]
    fn an_exposed_token_is_warned_about() {
        let found = gather_with(
            Some(EXPOSED_TOKEN_USERNAME),
            PasswordFrom::Environment,
            &[("ACR_INJECT_PASSWORD", "t")],
            "",
        )
        .unwrap();
        assert!(found.notices[0].contains("three hours"));
    }

    #[test]
    fn debug_never_shows_the_password() {
        let found = gather_with(
            Some("app"),
            PasswordFrom::Environment,
            &[("ACR_INJECT_PASSWORD", "hunter2")],
            "",
        )
        .unwrap();
        assert!(!format!("{found:?}").contains("hunter2"));
    }
}
